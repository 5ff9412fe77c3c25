"""memagent on PERMA-style conversations: structured preferences from requests and answers, session-domain
routing, genuine changes that supersede, one-off overrides and take-backs that do not, time-travel reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from memagent import HashingEmbedder, Memory, Op
from memagent.graph.dialogue import DialogueExtractor
from memagent.graph.domains import classify_domains

T0 = datetime(2024, 2, 3, 9, tzinfo=UTC)


@pytest.fixture
def mem():
    m = Memory.open(":memory:", embedder=HashingEmbedder(dim=256), extractor=DialogueExtractor())
    yield m
    m.close()


def _say(mem, turns, *, day, session):
    msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
    return mem.add_messages("u", msgs, session_id=session, timestamp=T0 + timedelta(days=day))


def _current(mem):
    return {i.text: i for i in mem.items("u")}


def test_requests_answers_and_accepted_suggestions_become_domain_tagged_preferences(mem):
    _say(mem, ["Hi, can you set a wake-up alarm for me?", "Sure. What time and which sound?",
               "6:45 AM, with soft chimes. Please repeat it weekdays.", "Done."], day=0, session="s1")
    _say(mem, ["Can you find me a place for dinner?", "Happy to. Any preference for the cuisine?",
               "Could you find a Thai place?", "Would quiet tables work for you?", "Yes, exactly."], day=1, session="s2")
    prefs = {i.text: i for i in mem.profile("u")}
    alarm = [i for i in prefs.values() if "6:45 AM" in i.text]
    assert alarm and alarm[0].domain == "alarm"  # routed by the session: the answer itself names no domain
    assert any("weekdays" in t and i.domain == "alarm" for t, i in prefs.items())
    assert any("Thai" in t and i.domain == "food" for t, i in prefs.items())
    assert any("quiet tables" in t for t in prefs)  # said only by the assistant, accepted by the user
    assert not any("thanks" in t.lower() for t in prefs)


def test_a_change_naming_the_old_value_supersedes_it_and_recall_shows_only_the_new(mem):
    _say(mem, ["Make me a playlist for tonight.", "Which music app do you use?", "Spotify, please."], day=0, session="m1")
    res = _say(mem, ["Help me find a few new songs.", "Sure.",
                     "Since I got a new phone, I've switched from Spotify to Apple Music."], day=40, session="m2")
    ops = [o for r in res for o in r.ops]
    assert any(o.op == Op.SUPERSEDE for o in ops)
    texts = list(_current(mem))
    assert any("Apple Music" in t for t in texts)
    assert not any("Spotify" in t and "Apple Music" not in t for t in texts)
    now = mem.recall("u", "Put on some music for me", budget_tokens=400).texts()
    assert any("Apple Music" in t for t in now) and not any("Spotify" in t and "Apple" not in t for t in now)
    before = mem.recall("u", "Put on some music for me", budget_tokens=400, as_of=T0 + timedelta(days=20)).texts()
    assert any("Spotify" in t for t in before) and not any("Apple Music" in t for t in before)


def test_a_slot_change_without_the_old_value_replaces_a_value_of_the_same_type(mem):
    _say(mem, ["I need a wake-up alarm.", "Sure! Any preference for the wake-up time?", "6:45 AM, please."],
         day=0, session="a1")
    _say(mem, ["Help me sort out my morning alarm.", "Sure.",
               "I changed my wake-up time to 5:50 AM after I started a new job."], day=30, session="a2")
    texts = list(_current(mem))
    assert any("5:50 AM" in t for t in texts) and not any("6:45 AM" in t for t in texts)


def test_a_one_off_override_never_replaces_the_standing_value(mem):
    _say(mem, ["I need a wake-up alarm.", "Sure! Any preference for the wake-up time?", "6:45 AM, please."],
         day=0, session="a1")
    res = _say(mem, ["I have an early flight. Set a one-time alarm at 5:15 AM.", "Should I keep the regular one?",
                     "Just for this trip, I'd like 5:15 AM instead of my usual 6:45 AM."], day=10, session="a2")
    assert not any(o.op == Op.SUPERSEDE for r in res for o in r.ops)
    current = _current(mem)
    assert any("6:45 AM" in t and i.kind.value == "preference" for t, i in current.items())
    assert all(i.kind.value == "episode" and i.metadata.get("temporary") for t, i in current.items() if "5:15" in t)


def test_scratch_that_takes_back_the_value_just_tried(mem):
    _say(mem, ["Help me pick a movie for date night.", "Tell me the movie genre you prefer.",
               "On second thought, let's try sci-fi epics.", "Sure, I can switch to sci-fi epics.",
               "Sorry, my bad, keep horror comedies."], day=0, session="f1")
    texts = list(_current(mem))
    assert any("horror comedies" in t for t in texts)
    assert not any("sci-fi epics" in t and "not" not in t and "changed from" not in t for t in texts)


def test_routing_ignores_book_the_verb_and_knows_assistant_domains():
    assert classify_domains("Help me book an intercity bus.") == ["transport"]
    assert classify_domains("I need a book for the holidays")[0] == "books"
    assert classify_domains("What podcasts should I try?") == ["media"]
    assert classify_domains("Find a plumber for the sink")[0] == "home_services"


def test_routing_ignores_deal_the_verb_and_the_idiom():
    # "deal with it" names no bargain: a session opened so would be filed under shopping with all it holds.
    assert classify_domains("the flat is a mess and i've no time to deal with it") == []
    assert classify_domains("it's no big deal, honestly") == []
    assert classify_domains("I found a great deal on shoes")[0] == "shopping"
    assert classify_domains("any deals this weekend?") == ["shopping"]
    # A booking is a reservation, not a book.
    assert classify_domains("Just so you know, a small booking charge applies on most of these") == []
    assert classify_domains("the booking is confirmed, I am reading a book") == ["books"]


def test_a_stray_word_does_not_move_a_memory_out_of_the_session_domain(mem):
    _say(mem, ["Help me book an intercity bus.", "Sure. Any preferences for the seat?", "A window seat upstairs."],
         day=0, session="b1")
    seat = next(i for i in mem.profile("u") if "window seat" in i.text)
    assert seat.domain == "transport" and seat.metadata.get("slot") == "seat"
