"""memagent._gate: a gated pattern answers exactly as the pattern does; it only skips text that cannot match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memagent._gate import gated, required_literals
from memagent._lexical import stem
from memagent.graph import exchange
from memagent.graph.dialogue import DialogueExtractor


def test_required_literals_are_what_every_match_contains():
    rx = re.compile(r"\bi\s+(?:really\s+)?(?:love|adore)\s+(\w+)", re.I)
    assert set(map(frozenset, required_literals(rx))) == {frozenset({"love", "adore"}), frozenset({"i"})}
    assert required_literals(re.compile(r"(?:x|\w+)y?", re.I)) == []  # one alternative needs no literal
    assert required_literals(re.compile(r"(?:ab)*c?", re.I)) == []  # optional parts need nothing


def test_a_gated_pattern_skips_text_without_the_literals_and_matches_like_the_pattern_otherwise():
    rx = re.compile(r"\bi\s+(?:love|adore)\s+(\w+)", re.I)
    g = gated(rx)
    for text in ["I LOVE jazz", "we adore it", "i  adore   Opera", "nothing here", "I ADORE", ""]:
        assert (g.search(text) and g.search(text).span()) == (rx.search(text) and rx.search(text).span())
        assert [m.span() for m in g.finditer(text)] == [m.span() for m in rx.finditer(text)]
    assert g.pattern == rx.pattern and g.flags == rx.flags  # everything else is the pattern's


def test_non_ascii_text_is_never_gated():
    # under re.I "s" matches the long s and "k" the Kelvin sign: lowercasing would not find them
    g = gated(re.compile(r"\bi\s+miss\s+it", re.I))
    assert g.search("I mi\u017f\u017f it") is not None
    assert gated(re.compile(r"kayak", re.I)).search("\u212aayak") is not None


_RULES = [r.pattern for r in DialogueExtractor()._rules] + list(exchange._NEW) + list(exchange._OLD)
# the words the rules look for, mixed with others, so that generated text reaches their matching paths
_WORDS = sorted({s for g in _RULES for c in required_literals(g._pattern) for s in c}) + [
    "jazz", "the", "sushi", "weekends", "friends", "now", "instead", "I", "I'm", "my", "to", "be", ",", ".", "?"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14), st.booleans())
def test_every_gated_extraction_pattern_answers_as_the_raw_one(words, upper):
    text = " ".join(words)
    text = text.upper() if upper else text
    for g in _RULES:
        raw = g._pattern
        a, b = raw.search(text), g.search(text)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), raw.pattern
        assert [m.span() for m in raw.finditer(text)] == [m.span() for m in g.finditer(text)]


@pytest.mark.parametrize(("word", "stemmed"), [
    ("flies", "flie"), ("berries", "berry"), ("ties", "ties"), ("glasses", "glass"), ("glass", "glass"),
    ("boss", "boss"), ("books", "book"), ("bring", "bring"), ("bringing", "bring"), ("faded", "faded"), ("waited", "wait"), ("bed", "bed"),
    ("shed", "shed"), ("hiking", "hiking"), ("walking", "walk"), ("goes", "goes"), ("horses", "hors"), ("cats", "cats"), ("dogs", "dogs"),
    ("apples", "appl"), ("running", "runn"), ("played", "play")])
def test_stem_strips_the_first_suffix_that_leaves_four_letters(word, stemmed):
    assert stem(word) == stemmed
