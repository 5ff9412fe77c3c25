"""DialogueExtractor precision: what a user asks, answers or remarks in passing is a preference only when it states
a value; requests for suggestions, replies to offers and reactions are not."""

from __future__ import annotations

from memagent.graph.dialogue import DialogueExtractor
from memagent.graph.heuristic import HeuristicExtractor
from memagent.types import Event, MemoryKind

X = DialogueExtractor()


def _turns(*texts: str) -> list[Event]:
    return [Event(user_id="u", role="user" if i % 2 == 0 else "assistant", text=t, session_id="s")
            for i, t in enumerate(texts)]


def _prefs(*texts: str) -> list:
    """Preference candidates of the last (user) turn of a conversation."""
    events = _turns(*texts)
    return [c for c in X.extract(events[-1], events[:-1]) if c.kind == MemoryKind.PREFERENCE]


def test_an_unasked_request_for_suggestions_is_the_task_not_a_preference():
    assert _prefs("Can you recommend a few podcasts about deep-sea creatures?") == []
    assert _prefs("Could you suggest some tips for repotting orchids?") == []
    assert _prefs("Please find me a plumber for Tuesday.") == []


def test_a_search_request_answering_a_question_about_the_value_is_a_preference():
    prefs = _prefs("I'd like a night out.", "Sure. Which kind of venue should I look for?", "Could you find a jazz bar?")
    assert [c.value for c in prefs] == ["a jazz bar"]


def test_asking_for_more_information_is_no_value():
    assert _prefs("Help me plan a museum day.", "Here are three museums. Would you like some tips on saving money there?",
                  "Yes, I'd love some tips on cheaper tickets.") == []
    assert _prefs("Help me plan a museum day.", "Would you like more details about the passes?",
                  "Yes, that would be really useful!") == []


def test_a_reply_to_an_offer_or_a_question_about_the_past_is_no_value():
    assert _prefs("I want to fix my posture.", "Have you used a standing desk before?", "Not yet, luckily.") == []
    assert _prefs("I want to fix my posture.", "Good idea. Tell me if you want more detail on any of them.",
                  "Ergonomic chairs for the office.") == []


def test_asides_thanks_and_reactions_beside_a_short_answer_are_not_values():
    prefs = _prefs("Book me a hotel room.", "Which room type do you prefer?",
                   "Thanks for the help. The commute has been long. A corner suite.")
    assert [c.value for c in prefs] == ["A corner suite"]
    assert prefs[0].metadata.get("slot") == "room type"  # the asides no longer take the asked slot
    assert _prefs("Plan my weekend.", "What are you in the mood for?", "The river cruise idea sounds fascinating.") == []
    assert _prefs("Plan my weekend.", "What kind of trip are you planning?", "They seem pricey, though.") == []


def test_turning_down_the_other_options_is_no_value_that_works():
    assert _prefs("Pick a snack for me.", "Which one? 1. Crisps. 2. Olives. 3. Grapes.",
                  "The remaining ones don't really work for me.") == []
    prefs = _prefs("Pick a snack for me.", "Which snack would you like?", "Olives would be perfect.")
    assert [c.value for c in prefs] == ["Olives"]


def test_a_value_with_no_is_still_an_answer():
    prefs = _prefs("Queue up a film.", "Which subtitles should I use?", "No subtitles.")
    assert [c.value for c in prefs] == ["No subtitles"]


def test_a_first_person_reason_does_not_replace_the_statement_it_explains():
    turn = "I avoid nightclubs because I'm not into loud music."
    values = {c.value for c in _prefs(turn)}
    assert {"nightclubs", "loud music"} <= values
    heuristic = HeuristicExtractor().extract(_turns(turn)[0])
    assert {c.value for c in heuristic} == values  # a short statement reads as the first-person rules read it


def test_short_statements_are_weighed_by_how_firmly_they_are_said():
    firm = _prefs("I strictly avoid shellfish.")
    assert firm and firm[0].importance >= 0.9
    events = _turns("I like the idea of a picnic.")
    mild = X.extract(events[0])
    assert mild and all(c.kind == MemoryKind.EPISODE and c.importance < 0.5 for c in mild)  # a reaction, kept as said


def test_a_choice_keeps_why_the_others_were_turned_down():
    prefs = _prefs("What should I do on Sunday?", "A few ideas:\n1. A food market tour.\n2. A pottery class.\n"
                   "3. A stadium concert.", "I'll go with the pottery class. The others feel too crowded for me.")
    choice = next(c for c in prefs if (c.subject or "").startswith("choice:"))
    assert "too crowded" in choice.text and choice.importance >= 0.85


def test_a_one_time_payment_is_a_way_of_paying_not_a_one_off():
    prefs = _prefs("I much prefer one-time purchases to monthly plans for my apps.")
    assert prefs and not any(c.temporary for c in prefs)
    events = _turns("I have a flight at dawn.", "Should I change your alarm?", "Set a one-time alarm at 4:30 AM.")
    assert all(c.temporary for c in X.extract(events[-1], events[:-1]))


def test_the_one_time_i_did_something_is_a_story_not_a_one_off():
    events = _turns("Help me pick a game.", "Any platform you like?",
                    "the one time i skipped the Steam Deck i regretted it the whole time")
    assert not any(c.temporary for c in X.extract(events[-1], events[:-1]))
    events = _turns("Book me a table.", "Where would you like to sit?", "Just the one time, a table on the terrace.")
    assert all(c.temporary for c in X.extract(events[-1], events[:-1]))


def test_a_slot_the_user_names_leaves_the_other_asked_slot_to_the_other_value():
    prefs = _prefs("Order me some shoes.", "Tell me the brand and the payment method you prefer.",
                   "Definitely Asics. For the payment method, my debit card is what I like.")
    slots = {c.metadata.get("slot"): c.value for c in prefs}
    assert slots.get("brand") == "Asics"
    assert "debit card" in (slots.get("payment method") or "")


def test_reactions_to_the_assistants_suggestions_are_kept_as_said_not_as_preferences():
    h = HeuristicExtractor()
    for turn in ("Those are lovely ideas! I really like the treasure map suggestion for the kids.",
                 "I appreciate all your help with the newsletter, it made my week.",
                 "Great, I'm interested in learning more about composting at home."):
        cands = h.extract(Event(user_id="u", text=turn))
        assert cands and not any(c.kind == MemoryKind.PREFERENCE for c in cands), turn
    held = h.extract(Event(user_id="u", text="I really like quiet cafés with big windows."))
    assert held[0].kind == MemoryKind.PREFERENCE


def test_turning_down_or_taking_up_the_whole_list_chooses_nothing():
    offered = Event(user_id="u", role="assistant", text="Some options: 1. A lakeside cabin. 2. A city loft. 3. A farm stay.")
    h = HeuristicExtractor()
    for turn in ("The other options don't work for me.", "Perfect, those ideas sound great for the whole family.",
                 "The loft options won't work for me."):
        cands = h.extract(Event(user_id="u", text=turn), [offered])
        assert not any((c.subject or "").startswith("choice:") for c in cands), turn
        assert not any(c.kind == MemoryKind.PREFERENCE and "other options" in c.text.lower() for c in cands), turn
    named = h.extract(Event(user_id="u", text="The other options near busy roads don't appeal to me."), [offered])
    assert any("busy roads" in c.text for c in named)  # a rejection that names what is wrong with them says something
