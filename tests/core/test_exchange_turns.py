"""Exchanges in recall: a proposal and the bare yes to it are one turn candidate; changes retire older turns
and memories that state the old value, also when no memory held it or the change does not name it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from memagent import HashingEmbedder, Memory
from memagent.graph.candidates import Candidate
from memagent.graph.decide import RuleDecider
from memagent.types import MemoryItem, MemoryKind, Op

T0 = datetime(2025, 5, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def mem():
    m = Memory.open(":memory:", embedder=HashingEmbedder(dim=256))
    yield m
    m.close()


def _session(mem, turns, day, sid):
    msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
    mem.add_messages("u", msgs, session_id=sid, timestamp=T0 + timedelta(days=day))


def _turns(recall):
    return [e.item.text for e in recall.entries if e.item.kind == MemoryKind.TURN]


def test_a_proposal_and_the_yes_to_it_are_one_turn_candidate(mem):
    _session(mem, ["I need somewhere to stay in Porto",
                   "The rates I found are from this morning and may move. I'd go for the riverside guesthouse with the "
                   "rooftop terrace. Shall I hold it?", "mm, sure"], 0, "s1")
    turns = _turns(mem.recall("u", "riverside guesthouse rooftop terrace Porto", budget_tokens=600, kinds=["turn"]))
    window = [t for t in turns if t.startswith("assistant: ") and " / user: mm, sure" in t]
    assert window and "riverside guesthouse" in window[0]
    assert "rates I found" not in window[0]  # the small talk of the assistant turn is not repeated
    assert not any(t.startswith("assistant: The rates") for t in turns)  # the assistant turn is absorbed


def test_turns_before_a_change_that_state_the_old_value_are_left_out_even_with_no_memory_of_it(mem):
    # The old value was only ever said by the assistant in passing; the change names it.
    _session(mem, ["what should I listen to on the run?",
                   "Plenty of runners like synthwave mixes, and the tempo suits intervals."], 0, "m1")
    _session(mem, ["quick music question", "Sure, anything new?",
                   "I used to be all about synthwave mixes but these days it's bluegrass for me."], 30, "m2")
    turns = _turns(mem.recall("u", "synthwave mixes for running", budget_tokens=600, kinds=["turn"]))
    assert not any("synthwave" in t and "bluegrass" not in t for t in turns)


def _item(iid, text, value, domain="music", when=T0):
    return MemoryItem(id=iid, user_id="u", kind=MemoryKind.PREFERENCE, text=text, value=value, domain=domain,
                      polarity=1, created_at=when, valid_from=when)


def test_an_unnamed_change_replaces_the_clearly_closest_preference_of_its_domain():
    cand = Candidate(kind=MemoryKind.PREFERENCE, text="Music preference: vinyl (changed)", value="vinyl",
                     domain="music", polarity=1, metadata={"changed": "1"})
    near = _item("a", "Music preference: cassettes", "cassettes")
    other = _item("b", "Music preference: loud on the commute", "loud on the commute")
    decided = RuleDecider().decide(cand, [(near, 0.8), (other, 0.55)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["a"]
    # Two about as close: unclear which one it replaces, so neither.
    assert RuleDecider().decide(cand, [(near, 0.8), (other, 0.75)]).op == Op.INSERT
    # Another domain's preference is never the one replaced.
    far = _item("c", "Travel preference: cassettes", "cassettes", domain="travel")
    assert RuleDecider().decide(cand, [(far, 0.9)]).op == Op.INSERT


def test_a_change_also_retires_memories_restating_the_replaced_value():
    cand = Candidate(kind=MemoryKind.PREFERENCE, text="Music preference: vinyl (changed from cassettes)",
                     value="vinyl", domain="music", polarity=1, metadata={"replaces": "cassettes"})
    said = _item("s", "User said: I still play cassettes in the car", None)
    both = _item("t", "User said: cassettes or vinyl, I never know", None)
    decided = RuleDecider().decide(cand, [(_item("a", "Music preference: cassettes", "cassettes"), 0.7), (said, 0.4),
                                          (both, 0.4)])
    assert decided.op == Op.SUPERSEDE and set(decided.target_ids) == {"a", "s"}


def test_an_agreed_diet_and_the_turns_stating_it_are_not_recalled_after_an_unnamed_diet_change(mem):
    _session(mem, ["can you find us a restaurant for friday dinner",
                   "Happy to. Let me make sure I've got it: vegetarian, with a quiet table. Right?", "yep"], 0, "r1")
    _session(mem, ["dinner plans again for the weekend", "Sure. Anything new on your side?",
                   "honestly, vegan from now on"], 40, "r2")
    current = [i.text for i in mem.store.items("u")]
    assert any("vegan" in t for t in current)
    assert not any("vegetarian" in t and "vegan" not in t for t in current)
    assert any(t.endswith(": a quiet table") for t in current)  # what the agreement said besides the diet stays
    recall = mem.recall("u", "book a vegetarian or vegan restaurant dinner", budget_tokens=800)
    assert not any("vegetarian" in t and "vegan" not in t for t in recall.texts())
