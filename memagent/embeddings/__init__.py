"""Embedders: ``Embedder`` protocol (name, dim, embed) and implementations.

``HashingEmbedder`` needs nothing and is deterministic; ``LocalEmbedder`` runs all-MiniLM-L6-v2 offline from
packaged weights (``local`` extra), on ONNX Runtime after a one-time export (``onnx_backend``), else on
torch; ``OpenAIEmbedder`` calls any OpenAI-compatible endpoint; ``LangChainEmbedder`` adapts any langchain-core
``Embeddings``. ``default_embedder()`` picks the best one installed.
"""

from __future__ import annotations

import warnings

from memagent.embeddings.base import BaseEmbedder, Embedder, normalize_rows
from memagent.embeddings.cache import CachedEmbedder
from memagent.embeddings.hashing import HashingEmbedder
from memagent.embeddings.langchain_embedder import LangChainEmbedder
from memagent.embeddings.local import LocalEmbedder, local_embedder_available
from memagent.embeddings.openai_embedder import OpenAIEmbedder
from memagent.errors import MemagentWarning

__all__ = [
    "BaseEmbedder",
    "CachedEmbedder",
    "Embedder",
    "HashingEmbedder",
    "LangChainEmbedder",
    "LocalEmbedder",
    "MemagentWarning",
    "OpenAIEmbedder",
    "default_embedder",
    "local_embedder_available",
    "normalize_rows",
]


def default_embedder() -> Embedder:
    """LocalEmbedder when the ``local`` extra is installed, else HashingEmbedder with a one-line warning."""
    if local_embedder_available():
        return LocalEmbedder()
    warnings.warn(
        "memagent: the 'local' extra is not installed, using HashingEmbedder (lexical, not semantic); "
        'install semantic embeddings with: pip install "torch==2.13.0" "memagent[local]"',
        MemagentWarning,
        stacklevel=2,
    )
    return HashingEmbedder()

