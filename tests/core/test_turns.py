"""Raw conversation turns as recall candidates (memagent/retrieval/turns.py) and the exact token budget."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memagent import HashingEmbedder, Memory
from memagent.errors import InvalidInputError
from memagent.graph import batch
from memagent.llm.tokens import count_tokens
from memagent.retrieval.turns import TURN_NAMESPACE
from memagent.store.index import namespace_key
from memagent.types import MemoryKind

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def mem():
    m = Memory.open(":memory:", embedder=HashingEmbedder(dim=256))
    yield m
    m.close()


def _turn_texts(recall) -> list[str]:
    return [e.item.text for e in recall.entries if e.item.kind == MemoryKind.TURN]


def test_a_turn_no_rule_extracts_is_still_recalled(mem):
    # No extraction rule reads a preference out of this, but the words are there to be found.
    mem.add("u", "Any news?", timestamp=T0)
    mem.add("u", "Welcome back! Did you end up at that little Oaxacan place again? The mole there is superb.",
            role="assistant", timestamp=T0)
    mem.add("u", "my printer jammed twice this morning", timestamp=T0 + timedelta(hours=1))
    recall = mem.recall("u", "which Oaxacan place do we keep going back to for mole?", budget_tokens=200)
    assert any("Oaxacan" in t for t in _turn_texts(recall))
    assert "[Mon 3 Mar 2025] assistant: Welcome back! Did you end up" in recall.to_prompt()


def test_turns_are_dated_and_in_time_order(mem):
    mem.add("u", "the Lisbon trip was lovely, the tram rides were the best part", timestamp=T0)
    mem.add("u", "the Lisbon trip photos are finally printed", timestamp=T0 + timedelta(days=30))
    prompt = mem.recall("u", "Lisbon trip tram photos", budget_tokens=300, kinds=["turn"]).to_prompt()
    first, second = prompt.index("[Mon 3 Mar 2025]"), prompt.index("[Wed 2 Apr 2025]")
    assert first < second


def test_dated_memories_say_their_date_in_words_as_turns_do(mem):
    """"The week before 9 June" needs the weekday and the month's name, not only an ISO date."""
    mem.add("u", "I live in Lisbon", timestamp=T0)
    mem.add("u", "I went to the Porto wine museum yesterday", timestamp=T0 + timedelta(days=40))
    prompt = mem.recall("u", "where do I live? what did I visit?", budget_tokens=400, kinds=["fact", "episode"]).to_prompt()
    assert "Lisbon. (since Mon 3 Mar 2025)" in prompt and "museum yesterday (since Sat 12 Apr 2025)" in prompt
    assert "2025-03-03" not in prompt


def test_a_superseded_value_is_not_recalled_from_its_turn(mem):
    mem.add("u", "I'm vegetarian", timestamp=T0)
    mem.add("u", "I'm vegan now", timestamp=T0 + timedelta(days=40))
    recall = mem.recall("u", "am I vegetarian or vegan?", budget_tokens=400)
    assert "vegan" in recall.to_prompt()
    # The turn that stated the old value is left out: only a superseded memory came from it.
    assert not any("vegetarian" in t for t in _turn_texts(recall))
    assert not any("vegetarian" in e.item.text and e.item.kind != MemoryKind.TURN for e in recall.entries)


def test_kinds_filter_and_as_of_apply_to_turns(mem):
    mem.add("u", "the bakery on Rua Augusta had the best pastel de nata", timestamp=T0)
    mem.add("u", "the bakery near the station closed down", timestamp=T0 + timedelta(days=10))
    only_prefs = mem.recall("u", "bakery pastel de nata", kinds=["preference"])
    assert not _turn_texts(only_prefs)
    earlier = mem.recall("u", "bakery station closed", kinds=["turn"], as_of=T0 + timedelta(days=1))
    assert _turn_texts(earlier) and not any("closed" in t for t in _turn_texts(earlier))


def test_forget_and_delete_user_remove_turn_vectors(mem):
    mem.add("u", "I love Roquefort cheese", timestamp=T0)
    mem.add("u", "Roquefort with pears is my favourite snack", timestamp=T0 + timedelta(hours=1))
    key = namespace_key("u", TURN_NAMESPACE)
    assert len(mem.index.ids(key)) == 2
    mem.forget("u", query="Roquefort")
    assert not mem.index.ids(key)  # both turns quoted the forgotten value: redacted, vectors gone
    assert "Roquefort" not in mem.recall("u", "what cheese do I like?", budget_tokens=300).to_prompt()
    mem.add("u", "I collect vinyl records", timestamp=T0)
    mem.delete_user("u")
    assert not mem.index.ids(key)


def test_reconcile_indexes_turns_written_before_indexing(mem):
    mem.add("u", "I run every Sunday along the river")
    key = namespace_key("u", TURN_NAMESPACE)
    mem.index.delete_user(key)
    assert mem.reconcile()["embedded"] == 1 and len(mem.index.ids(key)) == 1


def test_add_messages_embeds_turns_in_one_call(mem, monkeypatch):
    # A chunk also closes after CHUNK_SECONDS; on a loaded machine six turns can outlast 10 ms and be split,
    # which is right for latency but not what this test is about.
    monkeypatch.setattr(batch, "CHUNK_SECONDS", 60.0)
    calls = []
    inner = mem.turns.embedder.embed

    def counting(texts):
        calls.append(len(texts))
        return inner(texts)

    mem.turns.embedder.embed = counting  # type: ignore[method-assign]
    mem.add_messages("u", [{"role": "user", "content": f"message number {i} about gardening"} for i in range(6)])
    assert len(calls) == 1  # the six turns with the write's other texts: one call, which the turn index reuses


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(_text, min_size=1, max_size=12), query=_text, budget=st.integers(64, 700))
def test_to_prompt_never_exceeds_the_budget(messages, query, budget):
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=64))
    try:
        for n, text in enumerate(messages):
            with contextlib.suppress(InvalidInputError):  # text that is empty once cleaned is refused
                mem.add("u", f"I like {text}" if n % 2 else text, timestamp=T0 + timedelta(minutes=n))
        if not mem.has_user("u"):
            return
        try:
            recall = mem.recall("u", query, budget_tokens=budget)
        except InvalidInputError:
            return
        assert count_tokens(recall.to_prompt()) <= budget
        assert recall.used_tokens == (count_tokens(recall.to_prompt()) if recall.entries else 0)
    finally:
        mem.close()


def test_what_turns_yield_is_kept_across_writes_and_dropped_with_them(mem):
    mem.add("u", "the Lisbon trip was lovely, the tram rides were the best part", timestamp=T0)
    mem.recall("u", "Lisbon tram", kinds=["turn"])
    derived = mem.turns._derived["u"]
    assert len(derived) == 1
    mem.add("u", "my printer jammed twice this morning", timestamp=T0 + timedelta(hours=1))
    mem.recall("u", "Lisbon tram", kinds=["turn"])
    assert len(mem.turns._derived["u"]) == 2  # the first turn's entry was reused, the new one added
    mem.forget("u", query="Lisbon tram rides")
    assert "u" not in mem.turns._derived or all("lisbon" not in w for _, ws, _ in mem.turns._derived["u"].values()
                                                 for w in ws)
    mem.delete_user("u")
    assert "u" not in mem.turns._derived


def test_a_message_said_again_word_for_word_is_recalled_once(mem):
    reply = "Sounds like a lovely plan for the weekend: go early, bring water, and enjoy the trail views."
    for day in range(3):
        mem.add("u", f"hiking note {day}: the north ridge trail", timestamp=T0 + timedelta(days=day))
        mem.add("u", reply, role="assistant", timestamp=T0 + timedelta(days=day, minutes=1))
    recall = mem.recall("u", "plan a weekend on the trail", budget_tokens=1000, kinds=["turn"])
    copies = [e for e in recall.entries if e.item.text.endswith(reply)]
    assert len(copies) == 1
    assert copies[0].item.valid_from == T0 + timedelta(days=2, minutes=1)  # the newest copy speaks
