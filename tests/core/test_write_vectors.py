"""A write embeds its texts once (MemoryWriter._embed, embed_items(known=...)): the candidates' buckets and the new
items take the vectors write_batch embedded up front, and those are exactly the vectors embedding each text on
its own gives; a forget in the middle of a batch embeds afresh."""

from __future__ import annotations

import numpy as np

from memagent import HashingEmbedder, Memory
from memagent.embeddings.cache import CachedEmbedder
from memagent.graph import batch
from memagent.graph.values import VALUE_NAMESPACE, value_id
from memagent.retrieval.turns import exchanges_of
from memagent.store.index import namespace_key

TALK = [
    {"role": "user", "content": "I prefer window seats over aisle seats"},
    {"role": "assistant", "content": "Noted!"},
    {"role": "user", "content": "I love jazz and I'm vegetarian"},
    {"role": "user", "content": "My favorite band is Radiohead"},
    {"role": "user", "content": "Forget that I love jazz"},
    {"role": "user", "content": "I usually go hiking on weekends"},
]


class _Calls(CachedEmbedder):
    def __init__(self) -> None:
        super().__init__(HashingEmbedder(dim=256))
        self.calls: list[list[str]] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return super().embed(texts)


def _index_matches_fresh_vectors(mem: Memory, user: str) -> None:
    fresh = HashingEmbedder(dim=256)  # no cache, nothing shared with the memory's embedder
    items = mem.items(user)
    assert items
    got = mem.index.vectors(user, [i.id for i in items])
    for item in items:
        assert np.array_equal(got[item.id], fresh.embed([item.text])[0])
    values = mem.index.vectors(namespace_key(user, VALUE_NAMESPACE), [value_id(i.id) for i in items])
    assert values  # the preferences' value phrases
    for item in items:
        if value_id(item.id) in values:
            assert np.array_equal(values[value_id(item.id)], fresh.embed([item.value])[0])


def test_one_write_is_one_embedding_call_for_its_candidates_items_and_value_phrases(tmp_path):
    emb = _Calls()
    mem = Memory.open(tmp_path / "m.db", embedder=emb)
    emb.calls.clear()
    mem.add("u", "I prefer window seats over aisle seats")
    # the write's own call; nothing for the bucket, the item, or the turn (its memory restates it: batch.py)
    assert len(emb.calls) == 1
    assert "User prefers window seats over aisle seats." in emb.calls[0]
    _index_matches_fresh_vectors(mem, "u")
    mem.close()


def test_vectors_taken_from_the_batch_equal_fresh_ones_one_by_one_and_in_one_call(tmp_path):
    one = Memory.open(tmp_path / "one.db", embedder=HashingEmbedder(dim=256))
    for m in TALK:
        one.add("u", m["content"], role=m["role"], session_id="s")  # type: ignore[arg-type]
    batched = Memory.open(tmp_path / "batch.db", embedder=HashingEmbedder(dim=256))
    batched.add_messages("u", TALK, session_id="s")  # the forget runs mid-batch: later texts are embedded afresh
    assert [i.text for i in one.items("u")] == [i.text for i in batched.items("u")]
    assert not any("jazz" in i.text for i in batched.items("u"))
    for mem in (one, batched):
        _index_matches_fresh_vectors(mem, "u")
        mem.close()


def test_a_forget_drops_the_batch_vectors_it_kept(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    mem.writer._batch_vectors["u"] = {"I love Zorblat jazz": np.zeros(256, dtype=np.float32)}
    mem.writer.evict(["I love Zorblat jazz"])
    assert mem.writer._batch_vectors["u"] == {}
    mem.close()


class _ModelCalls(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(dim=256)
        self.calls: list[list[str]] = []

    def _embed(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return super()._embed(texts)


def test_a_conversation_with_a_bare_yes_is_one_model_call_and_its_turn_vector_is_the_fresh_one(tmp_path):
    model = _ModelCalls()
    mem = Memory.open(tmp_path / "m.db", embedder=model)
    model.calls.clear()
    talk = ["Could you find me a restaurant for friday?",
            "Understood. In that case I would move you over to under $30 rather than $30-$60. Okay?", "yes"]
    results = mem.add_messages("u", [{"role": "user" if i % 2 == 0 else "assistant", "content": t}
                                     for i, t in enumerate(talk)], session_id="s")
    # the yes is indexed with what it accepted (TurnSearch.entries): embedded in the write's own call
    assert len(model.calls) == 1
    yes = results[-1].event.id
    got = mem.index.vectors(namespace_key("u", "turns"), [yes])[yes]
    said = exchanges_of(mem.events("u"))[yes][1]
    assert "under $30" in said and said in model.calls[0]
    assert np.array_equal(got, HashingEmbedder(dim=256).embed([said])[0])
    mem.close()



def _turn_vectors(tmp_path, monkeypatch, how: str, talk: list[str]) -> tuple[list[np.ndarray], list[str]]:
    msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(talk)]
    mem = Memory.open(tmp_path / f"{how}.db", embedder=HashingEmbedder(dim=256))
    with monkeypatch.context() as patch:
        if how == "message_by_message":
            for m in msgs:
                mem.add("u", m["content"], role=m["role"], session_id="s")
        else:
            if how == "one_call_in_chunks_of_one":  # each event its own transaction and index write
                patch.setattr(batch, "CHUNK_EVENTS", 1)
            mem.add_messages("u", msgs, session_id="s")
    events = mem.events("u")
    got = mem.index.vectors(namespace_key("u", "turns"), [e.id for e in events])
    replies = exchanges_of(events)
    mem.close()
    return [got[e.id] for e in events], [replies[e.id][1] if e.id in replies else "" for e in events]


def test_a_bare_yes_gets_the_vector_of_what_it_accepted_however_the_talk_is_written(tmp_path, monkeypatch):
    talk = ["Could you find me a restaurant for friday?",
            "Understood. In that case I would move you over to under $30 rather than $30-$60. Okay?", "yes",
            "Noted.", "And somewhere quiet, please.", "I'd go for the courtyard bistro with the garden tables. Shall I hold it?",
            "mm, sure"]
    whole, accepted = _turn_vectors(tmp_path, monkeypatch, "one_call", talk)
    assert accepted[2] and accepted[6]  # both yeses accepted a proposal
    assert np.array_equal(whole[2], HashingEmbedder(dim=256).embed([accepted[2]])[0])
    for how in ("one_call_in_chunks_of_one", "message_by_message"):
        vectors, _ = _turn_vectors(tmp_path, monkeypatch, how, talk)
        for n, (a, b) in enumerate(zip(whole, vectors, strict=True)):
            assert np.array_equal(a, b), (how, talk[n])
