"""Domain routing on natural talk: ambiguous keywords need support, the task outweighs the asides around it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memagent import HashingEmbedder, Memory
from memagent.graph.dialogue import DialogueExtractor
from memagent.graph.domains import classify_domains, word_domain
from memagent.graph.session_topic import session_topic
from memagent.types import Event


@pytest.mark.parametrize(("text", "domains"), [
    ("ok so my team needs an update from me", []),  # a work team, not sports
    ("Draft a note to my team.", []),
    ("work was chaos today, everyone's off sick", []),
    ("thinking of flying home for my mum's birthday", ["flights"]),
    ("nothing alarming came up in the reviews", []),
    ("I need to be there by lunch", []),
    ("I have to get to my aunt's and the train's easiest.", ["transport"]),
])
def test_an_everyday_sense_names_no_domain(text, domains):
    assert classify_domains(text) == domains


@pytest.mark.parametrize(("text", "first"), [
    ("I've run out of stuff to watch, help", "movies"),  # "run out of" is no run
    ("the football team I support", "sports"),  # a weak word counts beside a plain one
    ("I went for a run before work", "fitness"),  # a phrase settles the sense
    ("business class on the way back", "flights"),
    ("need a place to stay for three nights", "hotels"),
])
def test_a_supported_or_settled_sense_names_its_domain(text, first):
    assert classify_domains(text)[0] == first


def test_a_weak_word_alone_names_no_domain():
    assert word_domain("team") is None and word_domain("run") is None and word_domain("work") is None
    assert word_domain("football") == "sports" and word_domain("flights") == "flights"


def _session(*turns):
    return [Event(role="user" if i % 2 == 0 else "assistant", text=t, session_id="s", user_id="u")
            for i, t in enumerate(turns)]


def test_the_request_outweighs_the_aside_before_it():
    topic = session_topic(_session("hey work finally approved the trip, i need flights"))
    assert topic.most_common(1)[0][0] == "flights"


def test_the_assistants_first_reply_restates_the_task_the_opener_only_hinted():
    topic = session_topic(_session("need something on in the background while i cook tonight",
                                   "Sure, let's find something to watch.", "dunno, surprise me"))
    assert topic.most_common(1)[0][0] == "movies"  # cooking is the circumstance, not the task


def test_a_preference_said_in_a_team_update_is_filed_under_messaging():
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=256), extractor=DialogueExtractor())
    try:
        mem.add_messages("u", [
            {"role": "user", "content": "ok so my team needs an update from me and i keep putting it off"},
            {"role": "assistant", "content": "Happy to help you write that message. What tone do you want?"},
            {"role": "user", "content": "short and formal"},
        ], session_id="m1", timestamp=datetime(2024, 2, 3, 9, tzinfo=UTC))
        tone = [i for i in mem.items("u") if "short and formal" in i.text and i.kind.value == "preference"]
        assert tone and tone[0].domain == "messaging"
    finally:
        mem.close()
