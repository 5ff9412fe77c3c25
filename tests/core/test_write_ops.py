"""Insert / merge / supersede / forget / noop through the public API, with provenance."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from memagent import Event, InvalidInputError, MemoryKind, NotFoundError, Op
from memagent.types import EdgeType

T0 = datetime(2025, 3, 1, 9, 0)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_insert_links_item_to_its_event(memory):
    res = memory.add("u1", "I love sushi", timestamp=day(0), session_id="s1")
    assert [o.op for o in res.ops] == [Op.INSERT]
    item = memory.get("u1", res.ops[0].item_id)
    assert item.kind == MemoryKind.PREFERENCE and item.polarity == 1
    assert item.source_event_ids == [res.event.id]
    assert item.valid_from == res.event.timestamp
    edges = memory.store.edges("u1", node=item.id, types=[EdgeType.DERIVED_FROM])
    assert [(e.src, e.dst) for e in edges] == [(item.id, res.event.id)]


def test_merge_adds_evidence_instead_of_duplicating(memory):
    first = memory.add("u1", "I love sushi", timestamp=day(0))
    again = memory.add("u1", "I really love sushi!", timestamp=day(3))
    assert [o.op for o in again.ops] == [Op.MERGE]
    assert again.ops[0].item_id == first.ops[0].item_id
    item = memory.get("u1", first.ops[0].item_id)
    assert item.evidence_count == 2 and item.confidence > 0.7
    assert item.source_event_ids == [first.event.id, again.event.id]
    assert len(memory.items("u1", kinds=["preference"])) == 1


def test_supersede_chain_a_b_c_recall_returns_only_current_and_as_of_the_past(memory):
    a = memory.add("u1", "I live in Boston", timestamp=day(0))
    b = memory.add("u1", "I moved to Denver", timestamp=day(10))
    c = memory.add("u1", "I just moved to Seattle", timestamp=day(20))
    assert [o.op for o in b.ops] == [Op.SUPERSEDE] and [o.op for o in c.ops] == [Op.SUPERSEDE]
    now = memory.recall("u1", "where does the user live?")
    texts = " ".join(now.texts())
    assert "Seattle" in texts and "Denver" not in texts and "Boston" not in texts
    past = memory.recall("u1", "where does the user live?", as_of=day(15))
    past_texts = " ".join(past.texts())
    assert "Denver" in past_texts and "Seattle" not in past_texts and "Boston" not in past_texts
    first = memory.recall("u1", "where does the user live?", as_of=day(1))
    assert "Boston" in " ".join(first.texts())
    # history keeps every version; the old ones are closed, never current
    a_item = memory.get("u1", a.ops[0].item_id)
    assert a_item.status == "superseded" and a_item.valid_to == b.event.timestamp
    assert a_item.superseded_by == b.ops[0].item_id
    ops = [(h.op, h.item_id) for h in memory.history("u1")]
    assert (Op.INSERT, a.ops[0].item_id) in ops and (Op.SUPERSEDE, a.ops[0].item_id) in ops


def test_explain_gives_events_and_superseded_versions(memory):
    memory.add("u1", "I live in Boston", timestamp=day(0))
    memory.add("u1", "I moved to Denver", timestamp=day(10))
    c = memory.add("u1", "I moved to Seattle", timestamp=day(20))
    exp = memory.explain("u1", c.ops[0].item_id)
    assert [e.text for e in exp.events] == ["I moved to Seattle"]
    assert [s.value for s in exp.supersedes] == ["Denver", "Boston"]
    assert exp.superseded_by is None
    assert "Seattle" in str(exp) and "replaced" in str(exp)


def test_negation_retracts_and_change_of_mind_flips(memory):
    like = memory.add("u1", "I love coffee", timestamp=day(0))
    stop = memory.add("u1", "I don't like coffee anymore", timestamp=day(5))
    assert stop.ops[0].op == Op.SUPERSEDE and stop.ops[0].target_id == like.ops[0].item_id
    current = memory.items("u1", kinds=["preference"])
    assert len(current) == 1 and current[0].polarity == -1


def test_diet_change_retires_conflicting_likes(memory):
    steak = memory.add("u1", "I love steak", timestamp=day(0))
    memory.add("u1", "I love jazz", timestamp=day(1))
    veg = memory.add("u1", "I'm vegetarian now", timestamp=day(2))
    assert veg.ops[0].op == Op.SUPERSEDE
    assert steak.ops[0].item_id in memory.explain("u1", veg.ops[0].item_id).model_dump()["supersedes"][0]["id"]
    texts = [i.text for i in memory.items("u1")]
    assert "User loves steak." not in texts and "User loves jazz." in texts


def test_a_diet_told_in_passing_keeps_earlier_food_picks(memory):
    pick = memory.add("u1", "I love grilled chicken wraps", timestamp=day(0))
    memory.add("u1", "I picked a wool-free jacket since I'm an ethical vegan", timestamp=day(1))
    assert memory.get("u1", pick.ops[0].item_id).is_current  # no change was said: both stay, nothing is lost
    assert any(i.subject == "diet" for i in memory.items("u1"))  # (test_diet_change_retires_conflicting_likes: a change)


def test_temporary_override_never_supersedes_the_standing_value(memory):
    standing = memory.add("u1", "I prefer my alarm at 7am on weekdays", timestamp=day(0))
    memory.add("u1", "Just for tomorrow, set my alarm at 5am", timestamp=day(1))
    item = memory.get("u1", standing.ops[0].item_id)
    assert item.is_current
    assert any(i.metadata.get("temporary") for i in memory.items("u1", kinds=["episode"]))


def test_noop_for_a_forget_request_that_matches_nothing(memory):
    memory.add("u1", "I love jazz", timestamp=day(0))
    res = memory.add("u1", "Please forget that I own a boat", timestamp=day(1))
    assert res.ops == []
    assert len(memory.items("u1")) == 1


def test_follows_edges_chain_events_in_time(memory):
    r1 = memory.add("u1", "hello there, planning a trip to Rome", timestamp=day(0))
    r2 = memory.add("u1", "I love museums", timestamp=day(1))
    follows = memory.store.edges("u1", types=[EdgeType.FOLLOWS])
    assert [(e.src, e.dst) for e in follows] == [(r2.event.id, r1.event.id)]


@pytest.mark.parametrize("bad", ["", "   ", "x" * 100_001, "bad \ud800 unicode", None, 42])
def test_bad_text_is_rejected_and_nothing_is_written(memory, bad):
    memory.add("u1", "I love jazz")
    before = memory.store.counts("u1")
    with pytest.raises(InvalidInputError):
        memory.add("u1", bad)
    assert memory.store.counts("u1") == before


@pytest.mark.parametrize("bad_user", ["", "a\nb", None, "x" * 300])
def test_bad_user_ids_are_rejected(memory, bad_user):
    with pytest.raises(InvalidInputError):
        memory.add(bad_user, "I love jazz")


def test_unknown_user_raises_not_found_everywhere(memory):
    for call in (lambda: memory.recall("ghost", "q"), lambda: memory.items("ghost"), lambda: memory.history("ghost"),
                 lambda: memory.forget("ghost", query="x"), lambda: memory.delete_user("ghost"),
                 lambda: memory.export("ghost"), lambda: memory.explain("ghost", "mem_x")):
        with pytest.raises(NotFoundError):
            call()


def test_event_objects_must_belong_to_the_user(memory):
    with pytest.raises(InvalidInputError):
        memory.add("u1", Event(user_id="u2", text="I love jazz"))


def test_add_messages_stores_both_roles_but_mines_user_turns(memory):
    results = memory.add_messages("u1", [{"role": "user", "content": "I love jazz"},
                                         {"role": "assistant", "content": "I love rock myself"}], session_id="s")
    assert [r.event.role for r in results] == ["user", "assistant"]
    assert [i.text for i in memory.items("u1")] == ["User loves jazz."]
    with pytest.raises(InvalidInputError):
        memory.add_messages("u1", [{"role": "robot", "content": "x"}])


def test_standing_instruction_from_conversation_is_updated_not_duplicated(memory):
    first = memory.add("u1", "From now on, when I book flights, always choose Delta.", timestamp=day(0))
    second = memory.add("u1", "From now on, when I book flights, always choose United.", timestamp=day(1))
    assert first.ops[0].kind == MemoryKind.INSTRUCTION
    assert [o.op for o in second.ops] == [Op.SUPERSEDE] and second.ops[0].target_id == first.ops[0].item_id
    current = memory.items("u1", kinds=["instruction"])
    assert len(current) == 1 and "United" in current[0].text
    assert current[0].metadata.get("instruction")  # parsed structure travels with the memory


def test_change_of_mind_with_trailing_now_supersedes(memory):
    memory.add("u1", "I prefer window seats.", timestamp=day(0))
    res = memory.add("u1", "I actually prefer aisle seats now.", timestamp=day(1))
    assert [o.op for o in res.ops] == [Op.SUPERSEDE]
    assert [i.value for i in memory.items("u1")] == ["aisle seats"]


@pytest.mark.parametrize(("first", "second"), [
    ("I prefer trips with a fixed itinerary and booked tours, so I hope the agency plans every day.",
     "I prefer quieter trips."),
    ("I prefer hands-on workshops over watching video courses.",
     "I prefer hands-on repairs over calling a plumber."),
    ("I prefer working from home two days a week rather than commuting daily.",
     "I prefer quiet evenings after work."),
    ("I prefer board games and tend to avoid anything with long rulebooks.",
     "I prefer road trips and tend to skip guided tours."),
])
def test_unrelated_preferences_sharing_a_word_both_stay_current(memory, first, second):
    memory.add("u1", first, timestamp=day(0))
    res = memory.add("u1", second, timestamp=day(1))
    assert not res.by_op(Op.SUPERSEDE)
    assert len([i for i in memory.items("u1") if i.kind == MemoryKind.PREFERENCE]) == 2


def test_a_new_value_for_the_same_slot_still_supersedes(memory):
    memory.add("u1", "I prefer quiet activities.", timestamp=day(0))
    memory.add("u1", "I prefer lively activities.", timestamp=day(1))
    assert [i.text for i in memory.items("u1")] == ["User prefers lively activities."]


@pytest.mark.parametrize(("said", "stored"), [
    ("I relish long hikes in the hills", "User relishes long hikes in the hills."),
    ("I fancy Thai food", "User fancies Thai food."),
    ("I love jazz", "User loves jazz."),
])
def test_liked_things_are_stored_with_a_correct_third_person_verb(memory, said, stored):
    memory.add("u1", said)
    assert [i.text for i in memory.items("u1")] == [stored]


def test_a_diet_retires_foods_but_not_animals_kept_or_visited():
    from memagent.graph.candidates import Candidate
    from memagent.graph.decide import RuleDecider
    from memagent.types import MemoryItem

    def pref(text: str) -> tuple[MemoryItem, float]:
        return MemoryItem(user_id="u", kind=MemoryKind.PREFERENCE, text=text, polarity=1, domain="food"), 0.5

    salmon, tank, trip = pref("User loves grilled salmon."), pref("Offered options, user chose: A small tank of "
                                                                   "tropical fish for the office"), pref("User enjoys trips to Turkey.")
    diet = Candidate(kind=MemoryKind.PREFERENCE, text="User is vegetarian.", subject="diet", value="vegetarian",
                     polarity=1, domain="food", evidence="I've become vegetarian.")
    decision = RuleDecider().decide(diet, [salmon, tank, trip])
    assert decision.op == Op.SUPERSEDE
    assert decision.target_ids == [salmon[0].id]
