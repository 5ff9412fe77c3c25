"""Exchanges: a bare reply takes over what the assistant proposed; changes told in ordinary words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memagent.graph.dialogue import DialogueExtractor
from memagent.graph.exchange import accepted_text, change_in, is_assent, offered, picked, proposal
from memagent.types import Event


@pytest.mark.parametrize("reply", ["mm, sure", "Yep, go ahead.", "ok fine", "that'll do", "sure, why not",
                                   "good shout", "Absolutely!", "uh-huh"])
def test_short_agreements_are_assent(reply):
    assert is_assent(reply)


@pytest.mark.parametrize("reply", ["sure, but not the red one", "ok no wait", "nah", "yes I'd rather have tea instead",
                                   "thanks!", "Could you book it for Friday?", "right now I can't decide"])
def test_refusals_corrections_and_other_talk_are_not(reply):
    assert not is_assent(reply)


def test_the_proposal_is_the_sentence_before_a_bare_tag_question():
    bot = ("Prices shift a bit over the weekend, by the way. I'd go for the harbour view room at the Lindqvist. "
           "Want me to hold it?")
    assert proposal(bot) == "I'd go for the harbour view room at the Lindqvist"


def test_the_proposal_is_the_suggesting_sentence_when_small_talk_follows():
    bot = "Honestly I'd recommend the lentil soup. The kitchen closes at ten on weekdays."
    assert proposal(bot) == "I'd recommend the lentil soup"


def test_no_proposal_in_a_plain_statement_or_two_separate_questions():
    assert proposal("The museum opens at nine and closes at five.") is None
    assert proposal("Do you want the aisle or the window? And should I add a meal?") is None


def test_a_positional_pick_takes_the_listed_option():
    bot = "I found three: the Ferry Inn, Casa Lupo, or the Night Owl. Any of those appeal?"
    assert offered(bot) == ["the Ferry Inn", "Casa Lupo", "the Night Owl"]
    assert picked("the middle one please", bot) == "Casa Lupo"
    assert picked("last", bot) == "the Night Owl"
    assert picked("not the first", bot) is None
    assert picked("the first", "Sure, I can book it, and the price is fine.") is None  # no list, no pick


def test_small_talk_with_commas_is_no_list():
    assert offered("Just a heads-up, the rates went up, and the lobby is being painted.") == []


@pytest.mark.parametrize(("text", "old", "new"), [
    ("I used to be all about rowing but these days it's climbing for me.", "rowing", "climbing"),
    ("Since the surgery, decaf is what I want now rather than espresso.", "espresso", "decaf"),
    ("Trains just don't work for me any more, it'll have to be the coach from now on.", "Trains", "the coach"),
    ("Would 8:15 AM suit you better now than 6:30 AM?", "6:30 AM", "8:15 AM"),
    ("Is Kindle off the table then? I could switch you to paperbacks instead.", "Kindle", "paperbacks"),
    ("New job, so it's going to be the late shift now.", None, "the late shift"),
    # A possessive is no verb: "my bank's app" is a value, not a clause.
    ("In that case I'd move you over to a spreadsheet rather than my bank's app, if that sounds okay?",
     "bank's app", "a spreadsheet"),
    ("I used to use my mum's old laptop but these days it's a tablet.", "my mum's old laptop", "a tablet"),
])
def test_changes_told_in_ordinary_words(text, old, new):
    change = change_in(text, proposed=text.endswith("?") or "?" in text)
    assert change is not None and change.new == new and change.old == old


@pytest.mark.parametrize("text", ["I moved to Denver last spring.", "Can you switch the lights off?",
                                  "We used to live near the river.", "Should I take the ferry instead?",
                                  "My team is considering switching to a new ticketing tool.",
                                  "Right now, it's mostly watercolour.", "My rent is pretty steep these days.",
                                  "These days it's what's cheapest."])
def test_no_change_without_a_new_value_in_a_change_construction(text):
    assert change_in(text) is None


def _extract(turns: list[str]) -> list[str]:
    x = DialogueExtractor()
    events = [Event(user_id="u", text=t, role="assistant" if i % 2 else "user", session_id="s",
                    timestamp=datetime(2024, 3, 1, tzinfo=UTC)) for i, t in enumerate(turns)]
    return [c.text for i, e in enumerate(events) for c in x.extract(e, events[:i])]


def test_an_accepted_proposal_becomes_a_memory_and_the_bare_yes_does_not():
    texts = _extract(["Could you sort out a hotel for my trip?",
                      "Sure. I'd lean towards a room on a high floor with a bathtub. Should I lock that in?", "mm, sure"])
    assert any("high floor with a bathtub" in t for t in texts)
    assert not any(t.lower().endswith("mm, sure") for t in texts)


def test_a_yes_to_a_proposed_change_replaces_the_old_value():
    x = DialogueExtractor()
    events = [Event(user_id="u", text=t, role="assistant" if i % 2 else "user", session_id="s",
                    timestamp=datetime(2024, 3, 1, tzinfo=UTC)) for i, t in enumerate(
        ["Set up my reading list please", "Of course. Would audiobooks suit you better now than paperbacks?", "yep"])]
    cands = x.extract(events[2], events[:2])
    assert [c.metadata.get("replaces") for c in cands] == ["paperbacks"]
    assert cands[0].value == "audiobooks"


def test_accepted_text_is_what_the_turn_pair_shows():
    bot = "The lounge is open late. Then I'd suggest the tasting menu. Shall I go ahead?"
    assert accepted_text(bot, "yes please") == "Then I'd suggest the tasting menu. Shall I go ahead?"
    assert accepted_text(bot, "Could you also book a taxi for eleven?") is None


def test_praise_with_thanks_after_a_statement_closes_and_accepts_nothing():
    summary = "Done. I'll keep the corner table by the window in mind."
    assert accepted_text(summary, "Lovely, thanks!") is None
    assert accepted_text(summary, "yep") == "I'll keep the corner table by the window in mind."
    assert accepted_text("Shall we go with the corner table by the window?", "perfect") is not None


def test_an_answer_naming_its_own_value_is_no_bare_agreement():
    assert not is_assent("Definitely the tasting menu.")
    texts = _extract(["Plan a dinner out", "Any preference for the cuisine?", "Definitely Georgian."])
    assert any("Georgian" in t for t in texts) and not any("agreed" in t for t in texts)


def test_a_yes_glued_to_a_story_keeps_both():
    texts = _extract(["Find me a gym", "Maybe the one on Elm Street? It opens early.",
                      "yes! I would love a sauna there too"])
    assert any("Elm Street" in t for t in texts)
    assert any("sauna" in t for t in texts)


def test_a_yes_to_an_open_question_accepts_nothing():
    assert proposal("Happy to help. Which hotel chain do you usually book?") is None
    assert proposal("Do you have a seat in mind?") is None
    assert proposal("How about the aisle seat near the front?") == "How about the aisle seat near the front"


def test_a_position_word_inside_a_value_is_no_pick():
    bot = "Options: first class, the quiet coach, or standard. Which one?"
    assert picked("Let's go with first class.", bot) is None
    assert picked("the first one", bot) == "first class"


def test_a_summary_of_what_was_agreed_is_no_list_of_alternatives():
    recap = "So, to sum up: the harbour ferry, plus a late checkout. Shall I go ahead?"
    texts = _extract(["Plan my Saturday", recap, "yup ta"])
    assert any("harbour ferry" in t and "late checkout" in t for t in texts)
    assert picked("the second, and be quick please", "You could pick the ferry, the bus or the tram. Which one?") == "the bus"


def test_a_story_glued_to_a_yes_is_kept_as_said():
    texts = _extract(["Sort out a film night", "Maybe a Studio Ghibli double bill? Easy to change later.",
                      "yeah fine my nephew got me hooked on claymation shorts ages ago and it stuck"])
    assert any("Ghibli" in t for t in texts) and any("claymation" in t for t in texts)


def test_a_proposed_change_pointing_back_at_the_talk_is_the_proposal_not_a_tag():
    # "in that case" and "if that works" point back, but the sentence names both values of a change.
    bot = "Fair enough. In that case I'd move you over to trams rather than buses, if that works."
    assert proposal(bot) == "I'd move you over to trams rather than buses, if that works"
    events = [Event(id=f"e{n}", user_id="u", role=role, text=text, session_id="s", timestamp=datetime(2025, 3, 1, tzinfo=UTC))
              for n, (role, text) in enumerate([("user", "I need to sort out my commute to the office."),
                                                ("assistant", bot), ("user", "Spot on.")])]
    got = DialogueExtractor().extract(events[-1], events[:-1])
    assert [c.metadata.get("replaces") for c in got] == ["buses"]
