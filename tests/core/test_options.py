"""Which offered option a reply picks (graph/options.py)."""

from __future__ import annotations

import re

import pytest

from memagent.graph.options import picked_option

OFFER = "Here are a few ideas:\n1. Kayaking on the lake\n2. A pottery class\n3. Birdwatching at dawn"


def _pick(said: str) -> str | None:
    trigger = re.search(r"sounds good|i like", said, re.I)
    assert trigger is not None
    return picked_option(said, trigger, OFFER)


@pytest.mark.parametrize(("said", "expected"), [
    ("Sounds good, option 2 please", "A pottery class"),
    ("I like the last one", "Birdwatching at dawn"),
    ("Sounds good, number three", "Birdwatching at dawn"),
])
def test_a_number_picks_its_option(said, expected):
    assert _pick(said) == expected


@pytest.mark.parametrize("said", ["Sounds good, number 0 of them", "I like number 7 best", "Sounds good, number 12"])
def test_a_number_outside_the_list_words_picks_nothing_and_does_not_raise(said):
    # "number 0" once raised KeyError from the whole write (a digit the ordinal table did not know).
    assert _pick(said) is None


def test_a_turn_with_an_unknown_number_is_written(tmp_path):
    from memagent import HashingEmbedder, Memory

    with Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=64)) as mem:
        mem.add_messages("u", [{"role": "assistant", "content": OFFER},
                               {"role": "user", "content": "Sounds good, I tried number 0 yesterday"}])
        mem.add("u", "I tried a new recipe number 0 yesterday")
        assert len(mem.events("u")) == 3
