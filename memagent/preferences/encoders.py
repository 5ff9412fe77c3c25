"""Context encoders for CIPHER's retrieval: which past contexts count as "similar" for style.

A writing preference usually belongs to a kind of text (a review, a personal post, a paper announcement)
more than to its topic, while sentence embeddings such as all-MiniLM-L6-v2 mostly encode topic: a tweet
announcing a forecasting paper lands next to a review of a forecasting paper. ``StyleEmbedder`` hashes
what marks a genre instead (every word including function words, word pairs, punctuation, line openings),
and ``MixedEmbedder`` combines it with a semantic embedder in one vector of the same size, so it fits the
memory's vector index.

Measured on the PRELUDE benchmark's authored documents (leave-one-out nearest neighbour of the same source):
MiniLM 0.89 / 0.66, style 0.82 / 0.92, mixed 0.92 / 0.85 (summarization / email sources).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from memagent._lexical import words
from memagent.embeddings.base import Embedder, normalize_rows
from memagent.embeddings.hashing import HashingEmbedder
from memagent.errors import ConfigError

__all__ = ["MixedEmbedder", "StyleEmbedder"]

_PUNCT = re.compile(r"[^\w\s]")
_LINE_START = re.compile(r"^\s*(\S{1,3})", re.MULTILINE)


class StyleEmbedder(HashingEmbedder):
    """Feature hashing of genre markers: all words (stopwords kept: "I", "we", "the authors" mark genres),
    adjacent word pairs, punctuation marks and the first characters of each line (list markers, "Q:").

    Raises:
        ConfigError: ``dim`` < 16.
    """

    VERSION = 1

    def __init__(self, dim: int = 384) -> None:
        super().__init__(dim)
        self.name = f"memagent-style-v{self.VERSION}-{dim}"

    def _features(self, text: str) -> list[tuple[str, float]]:
        toks = words(text)
        feats: list[tuple[str, float]] = [(f"w:{t}", 1.0) for t in toks]
        feats += [(f"b:{a}_{b}", 0.5) for a, b in zip(toks, toks[1:], strict=False)]
        feats += [(f"p:{c}", 1.0) for c in _PUNCT.findall(text)]
        feats += [(f"l:{m}", 1.0) for m in _LINE_START.findall(text)]
        return feats


class MixedEmbedder:
    """``normalize(weight * first + (1 - weight) * second)``: the cosine of two mixed vectors is close to the
    weighted mean of the two cosines (the cross terms between unrelated spaces are near zero).

    Raises:
        ConfigError: the embedders' dimensions differ, or ``weight`` is not in (0, 1).
    """

    def __init__(self, first: Embedder, second: Embedder, *, weight: float = 0.5) -> None:
        if first.dim != second.dim:
            msg = f"cannot mix embedders of dimension {first.dim} and {second.dim}"
            raise ConfigError(msg)
        if not 0 < weight < 1:
            msg = f"weight must be in (0, 1), got {weight}"
            raise ConfigError(msg)
        self.first, self.second, self.weight = first, second, weight
        self.name = f"mixed({first.name}*{weight:g}+{second.name})"

    @property
    def dim(self) -> int:
        return self.first.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Raises: as the wrapped embedders (InvalidInputError for a bare string or a bad item)."""
        return normalize_rows(self.weight * self.first.embed(texts) + (1 - self.weight) * self.second.embed(texts))
