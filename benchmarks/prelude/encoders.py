"""Context encoders for the retrieval step of ICL-edit and CIPHER (PRELUDE compares BERT and MPNet).

- ``minilm``: all-MiniLM-L6-v2, semantic (close in kind to the paper's MPNet); mostly encodes topic.
- ``lexical``: memagent's HashingEmbedder (content words and their character n-grams).
- ``style``: memagent's StyleEmbedder (all words including function words, punctuation, line openings):
  encodes the kind of text more than its topic.
- ``hybrid``: MiniLM and style mixed in one 384-dimensional vector (``MixedEmbedder``).
"""

from __future__ import annotations

from memagent.embeddings import CachedEmbedder, HashingEmbedder, LocalEmbedder
from memagent.embeddings.base import Embedder
from memagent.errors import ConfigError
from memagent.preferences import MixedEmbedder, StyleEmbedder

__all__ = ["ENCODERS", "make_encoder"]

ENCODERS = ("minilm", "lexical", "style", "hybrid")
DIM = 384  # all-MiniLM-L6-v2's size; the others match it so they can share one vector index


def make_encoder(name: str, semantic: Embedder | None = None) -> Embedder:
    """A cached encoder by name; ``semantic`` reuses an already loaded MiniLM. Raises ConfigError (unknown name)."""
    if name == "lexical":
        return CachedEmbedder(HashingEmbedder(DIM))
    if name == "style":
        return CachedEmbedder(StyleEmbedder(DIM))
    semantic = semantic or CachedEmbedder(LocalEmbedder())
    if name == "minilm":
        return semantic
    if name == "hybrid":
        return CachedEmbedder(MixedEmbedder(semantic, StyleEmbedder(DIM)))
    msg = f"unknown encoder {name!r}; expected one of {ENCODERS}"
    raise ConfigError(msg)
