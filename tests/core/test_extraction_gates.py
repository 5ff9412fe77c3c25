"""The word gates in front of the dialogue extractor's change and named-slot patterns (graph/dialogue.py) only
skip clauses none of the patterns can match: every pattern holds one of its gate's words."""

from __future__ import annotations

import re

import pytest

from memagent.graph import dialogue


@pytest.mark.parametrize(("patterns", "gate"), [
    ([p for p, _ in dialogue._CHANGES], dialogue._CHANGE_WORDS),
    (dialogue._NAMED_SLOT, dialogue._NAMED_WORDS),
])
def test_every_gated_pattern_holds_a_word_of_its_gate(patterns, gate):
    # A pattern added without one of the gate's words would be skipped for most clauses: add the word to the gate.
    for pattern in patterns:
        literal = re.sub(r"\\s[+*]|\(\?:|[()?|]", " ", pattern.pattern)
        assert gate.search(literal), pattern.pattern


def test_a_gated_clause_still_reads_as_a_change_and_an_ungated_one_is_skipped():
    ex = dialogue.DialogueExtractor()
    topic = dialogue.Counter({"music": 3})
    assert ex._change("I switched from Spotify to Apple Music", topic).value == "Apple Music"
    assert ex._change("I love jazz with friends", topic) is None
    assert ex._named("My preferred seat is the window", topic).metadata["slot"] == "seat"
