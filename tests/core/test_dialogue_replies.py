"""Short replies to an assistant's proposal or list, as people type them: the value accepted is the one the
assistant named (not the words around it), a reply that leaves the choice to the assistant states nothing, and a
position picked from a numbered list is found even with a slip of the keys."""

from __future__ import annotations

import pytest

from memagent.graph.dialogue import DialogueExtractor
from memagent.graph.exchange import picked
from memagent.types import Event, MemoryKind

X = DialogueExtractor()
LIST = "Which of these boats should I book? 1. The Kestrel 2. The Osprey 3. The Heron"


def _prefs(*texts: str) -> list:
    events = [Event(user_id="u", role="user" if i % 2 == 0 else "assistant", text=t, session_id="s")
              for i, t in enumerate(texts)]
    return [c for c in X.extract(events[-1], events[:-1]) if c.kind == MemoryKind.PREFERENCE]


@pytest.mark.parametrize(("bot", "value"), [
    ("The reviews were mixed lately. Going by what you liked before, Georgian food would probably suit you. "
     "Shall I go that way?", "Georgian food"),
    ("Two trains leave before noon. I think the 10:15 express is the one. Want it?", "the 10:15 express"),
    ("I'd suggest a corner table by the window. Shall I reserve it?", "a corner table by the window"),
    ("I'll put it down as oat milk, like last time. Okay?", "oat milk"),
])
def test_a_yes_accepts_the_value_the_assistant_named(bot: str, value: str) -> None:
    prefs = _prefs("Can you help me plan tonight?", bot, "yes please")
    assert [c.value for c in prefs] == [value]


@pytest.mark.parametrize("reply", ["go with your gut, I can't decide today", "up to you", "surprise me!",
                                   "honestly, your call", "I don't mind either way", "either one works fine"])
def test_leaving_the_choice_to_the_assistant_states_no_preference(reply: str) -> None:
    assert _prefs("I need a hotel in Porto.", LIST, reply) == []


def test_a_preference_that_only_starts_like_a_shrug_is_kept() -> None:
    assert [c.value for c in _prefs("I need a hotel in Porto.", "Any preference for the room?",
                                    "I don't mind stairs, but I want a sea view")] != []


@pytest.mark.parametrize(("reply", "option"), [("second pls", "The Osprey"), ("the thrd one", "The Heron"),
                                               ("secnod one", "The Osprey"), ("frist please", "The Kestrel"),
                                               ("last", "The Heron")])
def test_a_position_picked_from_an_inline_numbered_list(reply: str, option: str) -> None:
    assert picked(reply, LIST) == option


def test_a_plural_or_a_far_word_is_no_position() -> None:
    assert picked("give me a few seconds", LIST) is None
    assert picked("the thirsty one", LIST) is None


def test_a_pick_from_a_which_of_these_question_names_no_slot() -> None:
    prefs = _prefs("I need a boat for Sunday.", LIST, "second pls")
    assert [(c.value, c.metadata.get("slot")) for c in prefs] == [("The Osprey", None)]


@pytest.mark.parametrize(("bot", "value"), [
    ("Both ferries are fine. I'd lean towards the early crossing. Okay?", "the early crossing"),
    ("The timetable changed in May. Want me to keep it to the night tram there as well, like last time?", "the night tram"),
    ("I'll keep a late checkout on there. Sound right?", "a late checkout"),
    ("Since lunch falls then too, I'll assume a window table for that part. Fine?", "a window table"),
])
def test_more_ways_an_assistant_names_what_a_yes_takes(bot: str, value: str) -> None:
    assert [c.value for c in _prefs("Help me sort out Friday.", bot, "yep")] == [value]


@pytest.mark.parametrize("reply", ["thank u so much", "ta", "thx!"])
def test_thanks_as_typed_is_no_value(reply: str) -> None:
    assert _prefs("I need a hotel in Porto.", "What area would you like?", reply) == []


def test_a_condition_is_no_value() -> None:
    assert _prefs("Book me a taxi.", "What time would you like it?", "if that's doable") == []


def test_what_the_task_at_hand_needs_is_no_lasting_need() -> None:
    from memagent.graph.heuristic import HeuristicExtractor

    said = HeuristicExtractor().extract(Event(user_id="u", role="user", text="The museum is shut, so I need an alternative nearby."))
    assert [c for c in said if c.kind == MemoryKind.PREFERENCE] == []
    kept = HeuristicExtractor().extract(Event(user_id="u", role="user", text="I need a step-free entrance everywhere I go."))
    assert [c.value for c in kept if c.kind == MemoryKind.PREFERENCE] != []


def test_a_story_told_short_is_not_part_of_the_value() -> None:
    prefs = _prefs("Any news?", "How are the commutes going?", "long story short, I take the ferry now")
    assert all("long story" not in c.text.lower() for c in prefs)
