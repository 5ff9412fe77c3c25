"""The offline extractor on a table of hand-written turns: kind, subject, polarity, action, temporariness."""

from __future__ import annotations

import pytest

from memagent.graph.heuristic import HeuristicExtractor
from memagent.types import Event

P, F, INS, E = "preference", "fact", "instruction", "episode"

# (turn, kind, subject (None = any), polarity (None = any), action, temporary)
CASES = [
    ("I love sushi", P, "likes:sushi", 1, "remember", False),
    ("I really enjoy hiking in the mountains.", P, "likes:hiking mountain", 1, "remember", False),
    ("I hate horror movies", P, "likes:horror movi", -1, "remember", False),
    ("I don't like spicy food", P, "likes:spicy food", -1, "remember", False),
    ("I can't stand loud music", P, "likes:loud music", -1, "remember", False),
    ("I'm not a fan of crowded places", P, "likes:crowd plac", -1, "remember", False),
    ("I'm a huge fan of jazz", P, "likes:jazz", 1, "remember", False),
    ("I prefer window seats over aisle seats", P, "prefer:seat", 1, "remember", False),
    ("I'd rather take the train", P, None, 1, "remember", False),
    ("I usually go to the gym before work", P, None, 1, "remember", False),
    ("My favorite color is blue", P, "favorite:color", 1, "remember", False),
    ("My favourite band is Radiohead", P, "favorite:band", 1, "remember", False),
    ("I'm vegetarian", P, "diet", 1, "remember", False),
    ("I went vegan last month", P, "diet", 1, "remember", False),
    ("I'm lactose intolerant", P, "constraint:lactose", -1, "remember", False),
    ("I'm allergic to peanuts", P, "constraint:peanut", -1, "remember", False),
    ("I have a severe shellfish allergy", P, "constraint:shellfish", -1, "remember", False),
    ("I can't eat dairy", P, "constraint:dairy", -1, "remember", False),
    ("I never drink alcohol", P, None, -1, "remember", False),
    ("I strictly avoid restaurants that serve gluten.", P, None, -1, "remember", False),
    ("Eco-friendly materials are really important to me", P, None, 1, "remember", False),
    ("I don't eat meat anymore", P, None, -1, "retract", False),
    ("I no longer like coffee", P, "likes:coffee", -1, "retract", False),
    ("I'm not vegetarian anymore", P, "diet", -1, "retract", False),
    ("I'm no longer vegan", P, "diet", -1, "retract", False),
    ("I quit smoking", P, None, -1, "retract", False),
    ("I used to love coffee", P, "likes:coffee", -1, "retract", False),
    ("I changed my mind, I prefer aisle seats", P, "prefer:seat", 1, "remember", False),
    ("I live in Berlin", F, "home_city", None, "remember", False),
    ("I moved to Seattle last week", F, "home_city", None, "remember", False),
    ("I'm from Portugal", F, "hometown", None, "remember", False),
    ("I work as a nurse", F, "job", None, "remember", False),
    ("I'm a software engineer", F, "job", None, "remember", False),
    ("I work at Google", F, "employer", None, "remember", False),
    ("My name is Dana", F, "name", None, "remember", False),
    ("I'm 34 years old", F, "age", None, "remember", False),
    ("My sister is Ana", F, "fact:sister", None, "remember", False),
    ("I have two cats", F, None, None, "remember", False),
    ("From now on, always book economy with Delta.", INS, None, None, "remember", False),
    ("Whenever I fly, I want an aisle seat", INS, None, None, "remember", False),
    ("If I'm looking for a restaurant in San Jose, I prefer Thai.", INS, None, None, "remember", False),
    ("Always answer in short bullet points.", INS, None, None, "remember", False),
    ("Please forget that I like jazz", F, None, None, "forget", False),
    ("Forget about my sister", F, None, None, "forget", False),
    ("Just for tomorrow, set my alarm at 5am", E, None, None, "remember", True),
    ("Just this once I'll have a steak", E, None, None, "remember", True),
    ("We watched the fireworks at the harbour with the whole family", E, None, None, "remember", False),
]


@pytest.mark.parametrize(("turn", "kind", "subject", "polarity", "action", "temporary"), CASES, ids=[c[0][:40] for c in CASES])
def test_extraction_table(turn, kind, subject, polarity, action, temporary):
    cands = HeuristicExtractor().extract(Event(user_id="u", text=turn))
    assert cands, f"nothing extracted from {turn!r}"
    c = cands[0]
    assert c.kind.value == kind
    if subject is not None:
        assert c.subject == subject
    if polarity is not None:
        assert c.polarity == polarity
    assert c.action == action
    assert c.temporary is temporary
    assert c.evidence


def test_table_is_big_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("turn", ["What's the weather like?", "ok thanks", "Can you book a table for two?", "hi there"])
def test_small_talk_and_requests_store_nothing_durable(turn):
    cands = HeuristicExtractor().extract(Event(user_id="u", text=turn))
    assert all(c.kind.value == "episode" for c in cands)


def test_assistant_turns_are_not_mined():
    assert HeuristicExtractor().extract(Event(user_id="u", role="assistant", text="I love sushi")) == []


def test_choice_among_offered_options_becomes_a_preference():
    offer = Event(user_id="u", role="assistant",
                  text="Options: 1. The salad bar with gluten-free choices. 2. The pasta place. 3. The burger pub.")
    pick = Event(user_id="u", text="The salad bar sounds good, the others don't work for me.")
    cands = HeuristicExtractor().extract(pick, [offer])
    assert cands[0].kind.value == "preference"
    assert "gluten-free" in cands[0].text


def test_multiple_statements_in_one_turn_and_third_person_text():
    cands = HeuristicExtractor().extract(Event(user_id="u", text="I used to love coffee, but now I prefer tea. My dog is Rex."))
    assert [c.subject for c in cands] == ["likes:coffee", "prefer:tea", "fact:dog"]
    assert cands[2].text == "User's dog is Rex."
    assert " my " not in " ".join(c.text.lower() for c in cands)
