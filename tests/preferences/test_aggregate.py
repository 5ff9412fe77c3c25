"""Offline aggregation of several retrieved preferences."""

from __future__ import annotations

import pytest

from memagent import HashingEmbedder
from memagent.errors import ConfigError, InvalidInputError
from memagent.preferences import aggregate_preferences, split_phrases


def test_split_phrases():
    assert split_phrases("bullet points, brief; no emojis.\n- simple words") == [
        "bullet points", "brief", "no emojis", "simple words",
    ]


def test_majority_phrases_survive_and_one_offs_drop():
    text, groups = aggregate_preferences([
        "bullet points, brief",
        "bullet points, parallel structure, brief",
        "storytelling, positive tone",
        "Bullet points, brief, with emojis",
        "bullet point, concise",
    ])
    assert text == "bullet points, brief"
    support = {g.text: g.support for g in groups}
    assert support["bullet points"] == pytest.approx(0.8)
    assert support["storytelling"] == pytest.approx(0.2)


def test_weights_decide():
    prefs = ["question answering style", "bullet points"]
    assert aggregate_preferences(prefs, [0.9, 0.1])[0] == "question answering style"
    assert aggregate_preferences(prefs, [0.1, 0.9])[0] == "bullet points"


def test_opposite_phrases_are_not_merged():
    _, groups = aggregate_preferences(["with emojis", "no emojis", "no emojis"])
    assert {g.text for g in groups} == {"with emojis", "no emojis"}


def test_no_majority_keeps_the_best_supported():
    text, _ = aggregate_preferences(["question answering", "bullet points", "storytelling"], [0.2, 0.5, 0.3])
    assert text == "bullet points"


def test_embedder_groups_reworded_phrases():
    prefs = ["bullet points", "bullet points list", "storytelling"]
    lexical, groups = aggregate_preferences(prefs, similarity=99)
    assert len(groups) == 3 and lexical == "bullet points, bullet points list, storytelling"  # a three-way tie
    merged, groups = aggregate_preferences(prefs, similarity=99, embedder=HashingEmbedder(256), embed_similarity=0.6)
    assert merged == "bullet points" and groups[0].support == pytest.approx(2 / 3)


def test_empty_and_invalid():
    assert aggregate_preferences([]) == ("", [])
    with pytest.raises(InvalidInputError):
        aggregate_preferences(["a"], [1.0, 2.0])
    with pytest.raises(ConfigError):
        aggregate_preferences(["a"], min_support=0)
