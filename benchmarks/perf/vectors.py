"""The embedders of the latency rows: the hashing embedder's sparse vectors, or dense ones of the same geometry.

The hashing embedder's vectors are sparse (about 10% of 384 entries non-zero, 10-20 for a short request), and
the exact index reads only the columns a sparse request uses (``memagent.store.columns``). A sentence model's
vectors are dense, so that row alone would flatter the index. ``--vectors dense`` multiplies every hashing
vector by one fixed random orthogonal 384 x 384 matrix (seeded): every cosine, hence every ranking, is the same
up to float rounding, but no entry is zero, which is what a dense model's index has to scan.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from memagent import HashingEmbedder
from memagent.embeddings.base import BaseEmbedder

__all__ = ["KINDS", "RotatedEmbedder", "embedder_for"]

KINDS = ("sparse", "dense")


class RotatedEmbedder(BaseEmbedder):
    """``inner``'s vectors times a seeded random orthogonal matrix: the same cosines, dense vectors."""

    def __init__(self, inner: BaseEmbedder, seed: int = 0) -> None:
        self.inner = inner
        q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((inner.dim, inner.dim)))
        self._rotation = (q * np.sign(np.diag(r))).astype(np.float32)  # Haar-distributed orthogonal
        self.name = f"{inner.name}-rotated-{seed}"

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _embed(self, texts: list[str]) -> Any:
        return self.inner.embed(texts) @ self._rotation


def embedder_for(kind: str, dim: int, seed: int = 0) -> BaseEmbedder:
    """The hashing embedder (``sparse``) or its rotation (``dense``)."""
    if kind not in KINDS:
        msg = f"unknown vectors {kind!r}; choose from {', '.join(KINDS)}"
        raise ValueError(msg)
    hashing = HashingEmbedder(dim=dim)
    return hashing if kind == "sparse" else RotatedEmbedder(hashing, seed)
