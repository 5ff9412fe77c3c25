"""An embedder wrapper that counts calls and texts: what tests and the perf benchmark use to check batching."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from memagent.embeddings.base import Embedder

__all__ = ["CountingEmbedder"]


class CountingEmbedder:
    """Same name, dimension and vectors as ``inner``; ``calls`` and ``texts`` count what reached it."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0
        self.texts = 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed(texts)
