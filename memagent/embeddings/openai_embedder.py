"""Embeddings from any OpenAI-compatible ``/embeddings`` endpoint (OpenAI, vLLM, Ollama, llama.cpp, TEI)."""

from __future__ import annotations

from typing import Any

import numpy as np

from memagent.embeddings.base import BaseEmbedder
from memagent.llm._openai_client import make_openai_client, map_openai_errors
from memagent.llm.base import Usage
from memagent.llm.tokens import count_tokens

__all__ = ["OpenAIEmbedder"]

_KNOWN_DIMS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536}


class OpenAIEmbedder(BaseEmbedder):
    """Embed through the OpenAI embeddings API. ``dim`` is known for OpenAI's models, else probed once.

    Args mirror :class:`memagent.llm.OpenAIChat`; ``usage`` meters calls and tokens.

    Raises:
        ConfigError: no key for the official endpoint, or invalid timeout/retries.
    """

    def __init__(
        self,
        model: str = "text-embedding-3-small",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        dim: int | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        batch_size: int = 128,
        http_client: Any = None,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.batch_size = batch_size
        self.name = f"openai:{model}"
        self.usage = Usage()
        self._dim = dim or _KNOWN_DIMS.get(model)
        self._client = make_openai_client(
            base_url=base_url,
            api_key=api_key,
            api_key_env=api_key_env,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
        )

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(np.asarray(self._embed(["dimension probe"])).shape[1])
        return self._dim

    def _embed(self, texts: list[str]) -> np.ndarray:
        with map_openai_errors(self.base_url or "api.openai.com"):
            response = self._client.embeddings.create(model=self.model, input=texts)
        try:
            rows = sorted(response.data, key=lambda d: d.index)
            out = np.asarray([r.embedding for r in rows], dtype=np.float32)
        finally:
            usage = getattr(response, "usage", None)
            tokens = getattr(usage, "prompt_tokens", None)
            self.usage.record(tokens if tokens is not None else sum(count_tokens(t) for t in texts), 0)
        return out
