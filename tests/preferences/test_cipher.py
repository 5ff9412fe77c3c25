"""CIPHER through memagent: learn from edits, infer for new contexts, stored as memories."""

from __future__ import annotations

import json

import pytest

from memagent import HashingEmbedder, Memory, ScriptedChat
from memagent.errors import ConfigError, InvalidInputError
from memagent.preferences import Cipher
from memagent.store.index import namespace_key
from memagent.types import EventKind, MemoryKind, Op

PARK = "The city council approved a new park on Monday. The park will have a playground and a pond."
LIBRARY = "The mayor opened a new public library downtown. The library has a playground and a reading garden."
REVIEW = "This film is a slow drama about a lighthouse keeper. The acting is superb but the ending drags."
PARK_OUT = "The city council approved a new park on Monday. The park will have a playground and a pond."
PARK_EDIT = "- City council approved a new park on Monday\n- Park will have a playground and a pond"
REVIEW_OUT = "This film is a slow drama about a lighthouse keeper. The acting is superb but the ending drags."
REVIEW_EDIT = "Q: What is it about?\nA: A slow drama about a lighthouse keeper.\nQ: Verdict?\nA: Superb acting."


@pytest.fixture
def mem():
    m = Memory.open(":memory:", embedder=HashingEmbedder(256))
    yield m
    m.close()


def test_learn_then_infer_round_trip(mem):
    cipher = Cipher(mem, task="summarization")
    assert cipher.infer("u1", LIBRARY).preference is None  # nothing learned yet
    learned = cipher.learn("u1", PARK, PARK_OUT, PARK_EDIT)
    assert learned.edited and learned.cost > 0 and learned.op == Op.INSERT
    assert "bullet points" in learned.preference
    item = mem.get("u1", learned.item_id)
    assert item.kind == MemoryKind.PREFERENCE and item.metadata["source"] == "edit"
    assert item.source_event_ids == [learned.event_id]
    event = mem.events("u1")[0]
    assert event.kind == EventKind.EDIT and event.text == PARK and event.metadata["edited"] == PARK_EDIT

    got = cipher.infer("u1", LIBRARY, k=1)
    assert got.preference == learned.preference and got.method == "nearest"
    assert [e.event_id for e in got.evidence] == [learned.event_id]


def test_nearest_context_wins(mem):
    cipher = Cipher(mem, task="summarization")
    park = cipher.learn("u1", PARK, PARK_OUT, PARK_EDIT).preference
    review = cipher.learn("u1", REVIEW, REVIEW_OUT, REVIEW_EDIT).preference
    assert park != review
    assert cipher.infer("u1", LIBRARY, k=1).preference == park
    other_review = "A slow drama about a keeper of a lighthouse; the acting is superb, the ending drags on."
    assert cipher.infer("u1", other_review, k=1).preference == review


def test_aggregation_takes_the_majority(mem):
    cipher = Cipher(mem, task="summarization")
    for n in range(3):
        cipher.learn("u1", f"{PARK} Story number {n}.", PARK_OUT, PARK_EDIT)
    cipher.learn("u1", REVIEW, REVIEW_OUT, REVIEW_EDIT)
    got = cipher.infer("u1", LIBRARY, k=4)
    assert got.method == "heuristic" and len(got.evidence) == 4
    assert "bullet points" in got.preference and "question answering" not in got.preference


def test_equivalent_preferences_merge_into_one_memory(mem):
    cipher = Cipher(mem, task="summarization")
    first = cipher.learn("u1", PARK, PARK_OUT, PARK_EDIT)
    second = cipher.learn("u1", LIBRARY, LIBRARY, "- Mayor opened a new public library downtown\n- Library has a "
                          "playground and a reading garden")
    assert second.preference == first.preference
    assert second.op == Op.MERGE and second.item_id == first.item_id
    assert mem.get("u1", first.item_id).source_event_ids == [first.event_id, second.event_id]


def test_accepted_output_stores_the_preference_it_used(mem):
    cipher = Cipher(mem, task="summarization")
    nothing = cipher.learn("u1", PARK, PARK_OUT, PARK_OUT)
    assert nothing.preference is None and nothing.cost == 0 and mem.users() == []
    kept = cipher.learn("u1", PARK, PARK_OUT, PARK_OUT, used="bullet points, brief")
    assert kept.preference == "bullet points, brief" and not kept.edited
    assert cipher.infer("u1", LIBRARY).preference == "bullet points, brief"


def test_preferences_are_isolated_per_user(mem):
    cipher = Cipher(mem, task="summarization")
    cipher.learn("alice", PARK, PARK_OUT, PARK_EDIT)
    cipher.learn("bob", REVIEW, REVIEW_OUT, REVIEW_EDIT)
    alice, bob = cipher.infer("alice", PARK, k=5), cipher.infer("bob", PARK, k=5)
    assert "bullet points" in alice.preference and "question answering" not in alice.preference
    assert "question answering" in bob.preference and "bullet points" not in bob.preference
    assert cipher.infer("carol", PARK).preference is None


def test_forget_and_delete_user_remove_context_vectors(mem):
    cipher = Cipher(mem, task="summarization")
    learned = cipher.learn("u1", PARK, PARK_OUT, PARK_EDIT)
    cipher.learn("u2", PARK, PARK_OUT, PARK_EDIT)
    assert mem.index.ids(namespace_key("u1", "cipher")) == {learned.event_id}
    mem.forget("u1", learned.item_id)
    assert mem.index.ids(namespace_key("u1", "cipher")) == set()
    assert cipher.infer("u1", PARK).preference is None
    mem.delete_user("u2")
    assert mem.index.ids(namespace_key("u2", "cipher")) == set()


def test_llm_path_makes_one_call_per_learn_and_per_aggregation(mem):
    llm = ScriptedChat(lambda msgs: json.dumps({"preference": "bullet points"}))
    cipher = Cipher(mem, llm, task="summarization")
    cipher.learn("u1", PARK, PARK_OUT, PARK_EDIT)
    assert llm.usage.calls == 1
    prompt = llm.calls[0][-1]["content"]
    assert prompt.startswith("Original summary of an article: " + PARK_OUT)  # PRELUDE's verbatim template
    cipher.learn("u1", REVIEW, REVIEW_OUT, REVIEW_OUT, used="bullet points")  # accepted: no call
    assert llm.usage.calls == 1
    assert cipher.infer("u1", LIBRARY, k=1).method == "nearest" and llm.usage.calls == 1
    got = cipher.infer("u1", LIBRARY, k=5)
    assert got.method == "llm" and got.preference == "bullet points" and llm.usage.calls == 2
    assert llm.calls[-1][-1]["content"].startswith("List of user preferences successfully being used")


def test_condition_appends_the_preference():
    assert Cipher.condition("Summarize this.", None) == "Summarize this."
    assert "bullet points" in Cipher.condition("Summarize this.", "bullet points")


def test_errors(mem):
    with pytest.raises(ConfigError):
        Cipher(mem, task="poetry")
    with pytest.raises(ConfigError):
        Cipher(mem, k=0)
    cipher = Cipher(mem)
    with pytest.raises(InvalidInputError):
        cipher.learn("u1", "", "a", "b")
    with pytest.raises(ConfigError):
        cipher.infer("u1", PARK, k=0)


def test_memory_open_keeps_an_empty_cached_embedder():
    # Regression: Memory.open used `embedder or default`, and an empty CachedEmbedder is falsy (len 0),
    # so CIPHER benchmark memories silently ran on the default embedder.
    from memagent.embeddings import CachedEmbedder

    cached = CachedEmbedder(HashingEmbedder(128))
    assert len(cached) == 0
    m = Memory.open(":memory:", embedder=cached)
    try:
        assert m.embedder.dim == 128 and m.embedder.name == cached.name
    finally:
        m.close()


def test_learned_preferences_survive_export_and_import(mem):
    cipher = Cipher(mem, task="summarization")
    park = cipher.learn("u1", PARK, PARK_OUT, PARK_EDIT).preference
    review = cipher.learn("u1", REVIEW, REVIEW_OUT, REVIEW_EDIT).preference
    data = json.loads(json.dumps(mem.export("u1")))

    with Memory.open(":memory:", embedder=HashingEmbedder(256)) as other:
        moved = Cipher(other, task="summarization")
        other.import_(data, user_id="u2")  # the attached plugin re-creates its context vectors
        assert other.index.ids(namespace_key("u2", "cipher")) == {e.id for e in other.events("u2")}
        assert moved.infer("u2", LIBRARY, k=1).preference == park
        assert moved.reindex("u2") == 0  # nothing missing

    with Memory.open(":memory:", embedder=HashingEmbedder(256)) as late:
        late.import_(data)  # no plugin attached at import time: no context vectors yet
        attached = Cipher(late, task="summarization")
        assert attached.infer("u1", LIBRARY, k=1).preference is None
        assert attached.reindex("u1") == 2
        assert attached.infer("u1", LIBRARY, k=1).preference == park
        assert attached.infer("u1", "A slow drama about a lighthouse keeper; superb acting.", k=1).preference == review


def test_reindex_never_brings_back_a_forgotten_preference(mem):
    cipher = Cipher(mem, task="summarization")
    learned = cipher.learn("u1", PARK, PARK_OUT, PARK_EDIT)
    cipher.learn("u1", REVIEW, REVIEW_OUT, REVIEW_EDIT)
    mem.forget("u1", item_id=learned.item_id)
    key = namespace_key("u1", "cipher")
    assert learned.event_id not in mem.index.ids(key)
    assert cipher.reindex("u1") == 0
    assert learned.event_id not in mem.index.ids(key)
