"""Context encoders: the style embedder sees the kind of text; the mixed embedder combines two spaces."""

from __future__ import annotations

import numpy as np
import pytest

from memagent import HashingEmbedder, Memory
from memagent.errors import ConfigError
from memagent.preferences import Cipher, MixedEmbedder, StyleEmbedder
from memagent.store.index import namespace_key

REVIEW_WEATHER = ("The paper proposes a model for weather forecasts. The authors should compare with the official "
                  "system. I recommend a major revision.")
REVIEW_ROBOTS = ("The paper presents a robot that folds laundry. The authors should test it in real homes. "
                 "I recommend acceptance.")
TWEET_WEATHER = "New paper! We forecast the weather for ten days on one graphics card. Code and demo below!"


def cos(emb, a, b):
    va, vb = emb.embed([a, b])
    return float(va @ vb)


def test_style_embedder_groups_by_kind_of_text_not_topic():
    style, topical = StyleEmbedder(256), HashingEmbedder(256)
    assert cos(style, REVIEW_WEATHER, REVIEW_ROBOTS) > cos(style, REVIEW_WEATHER, TWEET_WEATHER)
    assert cos(topical, REVIEW_WEATHER, TWEET_WEATHER) > cos(topical, REVIEW_WEATHER, REVIEW_ROBOTS)
    assert StyleEmbedder(256).name != HashingEmbedder(256).name


def test_mixed_embedder_is_normalized_and_between_its_parts():
    mixed = MixedEmbedder(HashingEmbedder(256), StyleEmbedder(256), weight=0.5)
    vecs = mixed.embed([REVIEW_WEATHER, TWEET_WEATHER])
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    lo, hi = sorted([cos(HashingEmbedder(256), REVIEW_WEATHER, TWEET_WEATHER),
                     cos(StyleEmbedder(256), REVIEW_WEATHER, TWEET_WEATHER)])
    assert lo - 0.15 <= cos(mixed, REVIEW_WEATHER, TWEET_WEATHER) <= hi + 0.15


def test_mixed_embedder_validates():
    with pytest.raises(ConfigError):
        MixedEmbedder(HashingEmbedder(256), StyleEmbedder(128))
    with pytest.raises(ConfigError):
        MixedEmbedder(HashingEmbedder(256), StyleEmbedder(256), weight=1.0)


def test_cipher_indexes_contexts_with_the_context_embedder():
    mem = Memory.open(":memory:", embedder=HashingEmbedder(256))
    try:
        style = StyleEmbedder(256)
        cipher = Cipher(mem, task="summarization", context_embedder=style)
        learned = cipher.learn("u1", REVIEW_WEATHER, "A review.", "- A review\n- Of a paper")
        stored = mem.index.vectors(namespace_key("u1", "cipher"), [learned.event_id])[learned.event_id]
        assert np.allclose(stored, style.embed([REVIEW_WEATHER])[0], atol=1e-6)
        with pytest.raises(ConfigError):
            Cipher(mem, context_embedder=StyleEmbedder(128))
    finally:
        mem.close()
