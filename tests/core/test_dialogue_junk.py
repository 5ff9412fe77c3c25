"""Junk that must not become a preference: reminders and questions asked of the assistant, where a thing is to be
filed, thanks and shrugs, a task's needs; and names said in lower case written as the session wrote them."""

from __future__ import annotations

from tests.core.test_dialogue_precision import _prefs


def test_a_reminder_or_a_question_is_a_task_not_a_preference():
    assert _prefs("Remind me about the dentist on Thursday.") == []
    assert _prefs("Could you remind me how many grams are in an ounce?") == []
    assert _prefs("remind me to water the ferns tonight") == []
    # A reminder's time is still its value ("remind me at 6 PM").
    assert [c.value for c in _prefs("Set a reminder for the bins.", "Sure, when should it go off?", "Remind me at 6 PM.")] \
        == ["at 6 PM"]


def test_where_a_thing_is_filed_is_no_value():
    assert _prefs("Can you add it to my list?") == []
    assert _prefs("Please put them on our shared calendar.") == []
    # A pronoun with a value after it still states the value.
    assert [c.value for c in _prefs("Book a table for Friday.", "What time works?", "Set it for 8:15 PM.")] == ["8:15 PM"]


def test_thanks_shrugs_and_a_tasks_needs_state_nothing():
    assert _prefs("Which colour do you want?", "Brilliant, thank you so much") == []
    assert _prefs("Find me a gift.", "Any budget in mind?", "Not sure") == []
    assert _prefs("nothing fancy, just something thoughtful") == []  # "nothing X" names no limit
    assert [c.value for c in _prefs("Find me a gift.", "Any budget in mind?", "nothing over €40")] == ["€40"]
    assert _prefs("I need a couple of things for the garden shed.") == []


def test_a_name_said_in_lower_case_is_written_as_the_session_wrote_it():
    prefs = _prefs("Which language app should we use?", "Shall I keep Duolingo, or would you rather try Babbel?",
                   "honestly babbel these days, not duolingo")
    assert prefs and all("Babbel" in c.value for c in prefs)


def test_an_object_that_only_points_at_something_said_is_no_preference():
    from memagent.graph.heuristic import HeuristicExtractor
    from memagent.types import Event, MemoryKind

    def prefs(text: str) -> list[str]:
        return [c.value or "" for c in HeuristicExtractor().extract(Event(user_id="u", role="user", text=text))
                if c.kind == MemoryKind.PREFERENCE]

    assert prefs("I always second-guess this part.") == []
    assert prefs("I never want to skip it.") == []
    assert prefs("I usually go for that one.") == []
    assert prefs("I usually go for corner tables.") == ["corner tables"]
