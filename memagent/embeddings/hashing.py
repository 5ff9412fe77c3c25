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
        dim, blake2b, from_bytes = self._dim, hashlib.blake2b, int.from_bytes
        # Within one call the texts share most features (a turn, the memory read from it and its value phrase):
        # each is hashed once, to its bucket and signed weight. Kept only for the call, like the texts themselves.
        known: dict[str, tuple[int, float]] = {}
        # Flat positions (row * dim + bucket) and signed weights of every feature of every text, in order.
        idx: list[int] = []
        val: list[float] = []
        for row, text in enumerate(texts):
            base = row * dim
            for feature, weight in self._features(text):
                got = known.get(feature)
                if got is None:
                    h = from_bytes(blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
                    got = known[feature] = (h % dim, weight if (h >> 63) & 1 else -weight)
                idx.append(base + got[0])
                val.append(got[1])
        # One unbuffered np.add.at for the whole call adds in feature order in float32, as one ``out[row, idx] +=
        # sign * weight`` per feature did: the same vectors, bit for bit (tests/foundation/test_embeddings.py
        # compares). One call, not one per text: each costs ~10 us before it adds anything.
        if idx:
            np.add.at(out.reshape(-1), np.array(idx, dtype=np.intp), np.array(val, dtype=np.float32))
        return out
