"""Use any langchain-core ``Embeddings`` (OpenAIEmbeddings, HuggingFaceEmbeddings, fakes, ...) as an Embedder."""

from __future__ import annotations

from typing import Any

import numpy as np

from memagent.embeddings.base import BaseEmbedder
from memagent.errors import LLMError

__all__ = ["LangChainEmbedder"]


class LangChainEmbedder(BaseEmbedder):
    """Adapter for a langchain-core ``Embeddings`` object; ``dim`` is probed once unless given.

    Raises (from calls):
        LLMError: the wrapped object raised; the original is chained as ``__cause__``.
    """

    def __init__(self, embeddings: Any, *, name: str | None = None, dim: int | None = None) -> None:
        self.embeddings = embeddings
        self.name = name or f"langchain:{type(embeddings).__name__}"
        self._dim = dim

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = len(self._call(lambda: self.embeddings.embed_query("dimension probe")))
        return self._dim

    def _call(self, fn: Any) -> Any:
        try:
            return fn()
        except Exception as exc:  # third-party code may raise anything; translate at the boundary
            msg = f"{self.name}: {type(exc).__name__}: {exc}"
            raise LLMError(msg) from exc

    def _embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._call(lambda: self.embeddings.embed_documents(texts)), dtype=np.float32)
