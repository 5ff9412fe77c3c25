"""Core behaviour the PrefEval harness relies on: preferences recognised when stated in many phrasings, choices
among offered options, and a profile share of the recall budget. Sentences are written for these tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from memagent import HashingEmbedder, Memory, MemoryKind, RecallConfig
from memagent.graph.heuristic import HeuristicExtractor
from memagent.types import Event

# (turn, polarity of the first preference extracted)
STANCES = [
    ("I have a strong aversion to crowded beaches.", -1),
    ("I have a deep appreciation for handmade pottery.", 1),
    ("I have no interest in reality TV.", -1),
    ("I refuse to fly with budget airlines.", -1),
    ("I'm strongly opposed to fur coats.", -1),
    ("I exclusively drink loose-leaf tea.", 1),
    ("I learn best with hands-on projects.", 1),
    ("I find podcasts about finance boring.", -1),
    ("I find it hard to relax in open offices.", -1),
    ("I follow a low-carb diet.", -1),
    ("I have celiac disease, so wheat is off the table for me.", -1),
    ("I get seasick on small boats.", -1),
    ("As someone who avoids caffeine, what drinks would help me focus?", -1),
    ("Any ideas for weekend trips that don't involve long drives?", -1),
    ("Crowded bars don't really appeal to me.", -1),
    ("I\u2019m not into horror films.", -1),
    ("I don't trust smart speakers.", -1),
    ('"I greatly dislike jazz fusion."', -1),
    ("I'm fascinated by brutalist architecture.", 1),
]


@pytest.mark.parametrize(("turn", "polarity"), STANCES, ids=[s[0][:30] for s in STANCES])
def test_preferences_stated_in_many_phrasings(turn, polarity):
    prefs = [c for c in HeuristicExtractor().extract(Event(user_id="u", text=turn)) if c.kind == MemoryKind.PREFERENCE]
    assert prefs, f"no preference from {turn!r}"
    assert prefs[0].polarity == polarity
    assert " I " not in f" {prefs[0].text} " and prefs[0].subject


@pytest.mark.parametrize(("turn", "diet"), [("I'm an avid vegan.", "vegan"), ("I follow a strict vegetarian diet.", "vegetarian")])
def test_diets_with_qualifiers(turn, diet):
    c = HeuristicExtractor().extract(Event(user_id="u", text=turn))[0]
    assert (c.subject, c.value) == ("diet", diet)


def _choose(offer: str, pick: str):
    ctx = [Event(user_id="u", text="Any ideas?"), Event(user_id="u", role="assistant", text=offer)]
    return [c for c in HeuristicExtractor().extract(Event(user_id="u", text=pick), ctx) if c.subject
            and c.subject.startswith("choice:")]


NUMBERED = "Here are a few:\n1. A quiet lakeside cabin.\n2. A lively downtown hostel.\n3. A big resort with a casino."


@pytest.mark.parametrize(("offer", "pick", "expected"), [
    (NUMBERED, "Option 1 looks like the best fit for me.", "lakeside cabin"),
    (NUMBERED, "I think the lakeside cabin would be ideal for our group. The rest are too loud.", "lakeside cabin"),
    (NUMBERED, "I'll go with the third one.", "casino"),
    ("You could try a pottery class, a salsa night, or a cooking workshop.", "The cooking workshop sounds fun.",
     "cooking workshop"),
    ("You could rent a kayak (1), join a bus tour (2), or take a cooking class (3).", "Option 2 is the way to go.",
     "bus tour"),
])
def test_choice_among_offered_options(offer, pick, expected):
    got = _choose(offer, pick)
    assert got and expected in got[0].text and got[0].polarity == 1


def test_rejections_and_unprompted_praise_are_not_choices():
    assert not _choose(NUMBERED, "The other options don't appeal to me.")
    assert not _choose(NUMBERED, "None of those sound appealing to me.")
    assert not _choose("Sure, happy to help with that.", "That would be the best option for me.")


def _user_with_one_unrelated_preference() -> Memory:
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=256))
    t0 = datetime(2025, 1, 1)
    mem.add("u", "I strongly dislike loud crowded places with booming music and packed dance floors.", timestamp=t0)
    cities = ("Lisbon Porto Madrid Seville Lyon Nice Turin Milan Vienna Prague Krakow Riga Oslo Bergen Ghent Bruges "
              "Cork Galway Zagreb Split").split()
    for i, city in enumerate(cities):
        for size in ("small", "large"):
            mem.add("u", f"Which restaurant in {city} suits a {size} birthday dinner with friends?",
                    timestamp=t0 + timedelta(hours=i + 1))
    return mem


def test_profile_share_keeps_preferences_in_a_budget_full_of_similar_episodes():
    mem = _user_with_one_unrelated_preference()
    query = "Which restaurant suits my birthday dinner?"
    with_share = mem.recall("u", query, budget_tokens=160, touch=False)
    assert any("crowded" in t for t in with_share.texts())
    mem.ranker.config = RecallConfig(profile_share=0.0)
    without = mem.recall("u", query, budget_tokens=160, touch=False)
    assert not any("crowded" in t for t in without.texts())
    assert without.used_tokens <= 160 and with_share.used_tokens <= 160
    mem.close()


@pytest.mark.parametrize(("turn", "low", "high"), [
    ("I am severely allergic to shellfish.", 0.9, 1.0),
    ("I refuse to fly with budget airlines.", 0.9, 1.0),
    ("I love the idea of a picnic by the lake.", 0.0, 0.45),
    ("I like hiking.", 0.5, 0.7),
])
def test_importance_follows_how_firmly_it_was_said(turn, low, high):
    c = HeuristicExtractor().extract(Event(user_id="u", text=turn))[0]
    assert low <= c.importance <= high, (turn, c.importance)


def test_a_choice_that_rejects_the_others_keeps_the_reason():
    pick = "I think the lakeside cabin would be ideal for our group. The rest sound too loud for my taste."
    firm = _choose(NUMBERED, pick)[0]
    bare = _choose(NUMBERED, "The lakeside cabin sounds lovely.")[0]
    assert "too loud for their taste" in firm.text and firm.importance > bare.importance


def test_stances_read_as_statements_about_the_user():
    texts = [HeuristicExtractor().extract(Event(user_id="u", text=t))[0].text for t in
             ("I only listen to vinyl records.", "I don't trust smart speakers.", "I'm strongly opposed to fur coats.")]
    assert texts == ["User only listens to vinyl records.", "User doesn't trust smart speakers.",
                     "User is strongly opposed to fur coats."]


def test_profile_strength_orders_firm_preferences_first_within_the_share():
    from memagent.retrieval.hybrid import Scored
    from memagent.retrieval.packer import PROMPT_OVERHEAD_TOKENS, pack
    from memagent.types import MemoryItem

    def scored(text, score, importance):
        item = MemoryItem(user_id="u", kind=MemoryKind.PREFERENCE, text=text, importance=importance)
        return Scored(item, score, {})

    remark = scored("User loves the idea of a picnic by the lake with friends on some weekend.", 0.40, 0.45)
    allergy = scored("User is severely allergic to wasps and bees and must avoid them outdoors.", 0.36, 0.9)
    gates = {k: 1.0 for k in MemoryKind}  # nothing passes a gate: only the profile share packs
    budget = PROMPT_OVERHEAD_TOKENS + 30  # room for one of the two lines (18 tokens each) and its section title
    plain, _, _ = pack([remark, allergy], budget, gates, 0.1, profile_share=0.5)
    firm, _, _ = pack([remark, allergy], budget, gates, 0.1, profile_share=0.5, profile_strength=0.2)
    assert len(plain) == len(firm) == 1
    assert plain[0].item.text.startswith("User loves") and firm[0].item.text.startswith("User is severely")
