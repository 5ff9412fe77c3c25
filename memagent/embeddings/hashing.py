"""A dependency-free, deterministic embedder: feature hashing of words, word pairs and character n-grams.

It captures lexical overlap (including plurals and shared word stems), not meaning: "sushi" and "Japanese
food" are unrelated to it. Use it for tests and as the offline fallback; use LocalEmbedder for semantics.
"""

from __future__ import annotations

import hashlib

import numpy as np

from memagent._lexical import content_words
from memagent.embeddings.base import BaseEmbedder
from memagent.errors import ConfigError

__all__ = ["HashingEmbedder"]


def _bucket(feature: str, dim: int) -> tuple[int, float]:
    h = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
    return h % dim, (1.0 if (h >> 63) & 1 else -1.0)


class HashingEmbedder(BaseEmbedder):
    """Feature hashing into ``dim`` buckets with signed counts.

    Features: stemmed content words (weight 1), adjacent word pairs (0.5), character 4-grams of each word
    (0.2, so related word forms overlap). The name carries a version: change the features, bump it.

    Raises:
        ConfigError: ``dim`` < 16.
    """

    VERSION = 1

    def __init__(self, dim: int = 512) -> None:
        if dim < 16:
            msg = f"HashingEmbedder needs dim >= 16, got {dim}"
            raise ConfigError(msg)
        self._dim = dim
        self.name = f"memagent-hashing-v{self.VERSION}-{dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _features(self, text: str) -> list[tuple[str, float]]:
        toks = content_words(text)
        feats: list[tuple[str, float]] = [(f"w:{t}", 1.0) for t in toks]
        feats += [(f"b:{a}_{b}", 0.5) for a, b in zip(toks, toks[1:], strict=False)]
        for t in toks:
            padded = f"<{t}>"
            feats += [(f"c:{padded[i:i + 4]}", 0.2) for i in range(max(1, len(padded) - 3))]
        return feats

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in self._features(text):
                idx, sign = _bucket(feature, self._dim)
                out[row, idx] += sign * weight
        return out
