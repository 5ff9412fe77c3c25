"""Soft topic agreement between a request and a memory, measured with the embedder already in use.

The keyword lexicon (:mod:`memagent.graph.domains`) routes a text only when it contains one of its words: "long-
wearing makeup brands" is beauty, but "products tested on animals" is nothing, or pets. Here each domain also
gets a prototype vector (the embedding of its name and first keywords), every text gets a distribution over
the domains (a softmax of its similarity to each prototype), and two texts agree on topic as much as their
distributions overlap (the Bhattacharyya coefficient, 0 to 1). No word needs to be shared, and no model beyond
the embedder is needed: with the hashing embedder it degrades to a lexical overlap with the prototypes.

Prototypes are embedded on first use (one call of about 30 texts of ~20 words: about a second of CPU with the
local model) and kept for the process, per embedder name and dimension: every ``Memory`` of a process with the same
embedder reuses them, so only the process's first recall pays (a harness opening one ``Memory`` per user, a server
opening one per request). The name is the embedder's identity, as for the vectors an index keeps
(``store.index.check_embedder_identity``); the prototypes are fixed lexicon text, no user's data.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import numpy as np

from memagent._blas import one_blas_thread
from memagent.embeddings.base import Embedder, normalize_rows
from memagent.graph.domains import DOMAIN_KEYWORDS

__all__ = ["TopicAffinity"]

# Keywords per prototype: the first ones of each domain are its most typical words.
_PROTOTYPE_WORDS = 20

# (embedder name, dim, prototype texts) -> unit prototype rows, for the process (see the module docstring).
_SHARED: dict[tuple[str, int, tuple[str, ...]], np.ndarray] = {}
_SHARED_MAX = 32
_SHARED_LOCK = threading.Lock()


def _shared_prototypes(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    key = (embedder.name, int(embedder.dim), tuple(texts))
    with _SHARED_LOCK:
        got = _SHARED.get(key)
    if got is None:
        got = normalize_rows(np.asarray(embedder.embed(list(texts)), dtype=np.float32))
        got.setflags(write=False)  # shared by every TopicAffinity of this embedder
        with _SHARED_LOCK:
            if len(_SHARED) >= _SHARED_MAX:
                _SHARED.pop(next(iter(_SHARED)))
            got = _SHARED.setdefault(key, got)
    return got


class TopicAffinity:
    """Topic agreement of a query vector with item vectors.

    Args:
        embedder: the embedder whose vectors will be compared (the one the memories were indexed with).
        topics: domain -> keywords; the prototype text is "<domain>: <first keywords>".
        temperature: softmax temperature over cosine similarities; lower makes each text's topic sharper.
    """

    def __init__(self, embedder: Embedder, topics: Mapping[str, Sequence[str]] = DOMAIN_KEYWORDS,
                 *, temperature: float = 0.05) -> None:
        self.embedder = embedder
        self.names = list(topics)
        self._texts = [f"{name.replace('_', ' ')}: {', '.join(list(words)[:_PROTOTYPE_WORDS])}"
                       for name, words in topics.items()]
        self.temperature = temperature
        self._prototypes: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def prototypes(self) -> np.ndarray:
        if self._prototypes is None:
            with self._lock:
                if self._prototypes is None:
                    self._prototypes = _shared_prototypes(self.embedder, self._texts)
        return self._prototypes

    def distributions(self, vectors: np.ndarray) -> np.ndarray:
        """Rows of ``vectors`` as distributions over the topics (each row sums to 1)."""
        # In float64, rounded to float32 after: a float32 product's last bits depend on how many rows go in
        # at once (BLAS picks another kernel), and a snapshot patched after a write computes the rows of the new
        # items alone, which must give what a rebuild computing every row gives (tests/core/test_snapshot_patch.py).
        with one_blas_thread():
            rows = np.atleast_2d(np.asarray(vectors, dtype=np.float32)).astype(np.float64)
            sims = (rows @ self.prototypes.T.astype(np.float64)).astype(np.float32)
        z = (sims - sims.max(axis=1, keepdims=True)) / self.temperature
        weights = np.exp(z)
        return weights / weights.sum(axis=1, keepdims=True)

    def roots(self, vectors: np.ndarray) -> np.ndarray:
        """Square roots of the rows' distributions: the agreement of two texts is the dot product of theirs, so
        a memory's row can be computed once and kept (the read path keeps them per user, see ``retrieval.arrays``)."""
        return np.sqrt(self.distributions(vectors)).astype(np.float32)

    def affinity(self, qvec: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Topic agreement (0-1) of ``qvec`` with each row of ``vectors``."""
        if len(vectors) == 0:
            return np.zeros(0, dtype=np.float32)
        q = np.sqrt(self.distributions(qvec)[0])
        return np.sqrt(self.distributions(vectors)) @ q

    def top(self, vector: np.ndarray, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` likeliest topics of one vector, with their probability (for inspection)."""
        dist = self.distributions(vector)[0]
        best = np.argsort(-dist)[:k]
        return [(self.names[i], float(dist[i])) for i in best]
