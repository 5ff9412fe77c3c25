"""Edit cost: Treebank-like word tokens and word-level Levenshtein distance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from memagent.errors import InvalidInputError
from memagent.preferences import edit_distance, normalized_edit_distance, word_tokens


def test_tokens_split_punctuation_clitics_and_emojis():
    assert word_tokens("I don't know, it's 3.5 km... Wow! 🚀") == [
        "I", "do", "n't", "know", ",", "it", "'s", "3.5", "km", "...", "Wow", "!", "🚀",
    ]


def test_hyphenated_words_and_hashtags():
    assert word_tokens("state-of-the-art #ML") == ["state-of-the-art", "#", "ML"]


@pytest.mark.parametrize(
    ("a", "b", "cost"),
    [
        ("the cat sat", "the cat sat", 0),
        ("the cat sat", "the dog sat", 1),  # one substitution
        ("the cat sat", "the cat sat down", 1),  # one insertion
        ("the cat sat.", "the cat sat", 1),  # punctuation is a token
        ("The cat", "the cat", 1),  # case-sensitive, as in PRELUDE
        ("", "one two three", 3),
        ("a b c d", "d c b a", 4),
    ],
)
def test_edit_distance_counts_word_operations(a, b, cost):
    assert edit_distance(a, b) == cost


def test_rewording_costs_more_than_a_typo_fix():
    draft = "The council approved a new park on Monday."
    assert edit_distance(draft, "The council approved a new park on Monday!") < edit_distance(
        draft, "- Council approves park\n- Opens Monday"
    )


def test_normalized_distance_is_bounded():
    assert normalized_edit_distance("a b", "a b") == 0.0
    assert normalized_edit_distance("a b", "c d") == 1.0
    assert normalized_edit_distance("", "") == 0.0


def test_non_string_input_raises():
    with pytest.raises(InvalidInputError):
        edit_distance("text", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        word_tokens(42)  # type: ignore[arg-type]


_text = st.lists(st.sampled_from(["a", "b", "cat", "dog", ",", ".", "!"]), max_size=12).map(" ".join)


@given(_text, _text, _text)
def test_distance_is_a_metric(a, b, c):
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (word_tokens(a) == word_tokens(b))
    assert edit_distance(a, c) <= edit_distance(a, b) + edit_distance(b, c)
