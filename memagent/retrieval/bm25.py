"""BM25 over one user's memories with ``bm25s``, cached per user and rebuilt only after that user writes."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from memagent._lexical import content_words

__all__ = ["BM25Cache"]


class _Entry:
    __slots__ = ("ids", "model", "version")

    def __init__(self, version: int, ids: list[str], model: object) -> None:
        self.version, self.ids, self.model = version, ids, model


class BM25Cache:
    """Per-user BM25 models keyed by a write counter: a write bumps it, the next query rebuilds lazily.

    The cache holds token statistics of memory texts, so ``invalidate`` (called on every write, forget and
    delete) drops a user's entry entirely.
    """

    def __init__(self, max_users: int = 256) -> None:
        self.max_users = max_users
        self._entries: dict[str, _Entry] = {}
        self._versions: dict[str, int] = {}
        self._epoch = 0  # bumped by clear()
        self._lock = threading.Lock()

    def invalidate(self, user_id: str) -> None:
        with self._lock:
            for key in [k for k in self._entries if k == user_id or k.startswith(user_id + "|")]:
                del self._entries[key]
            self._versions[user_id] = self._versions.get(user_id, 0) + 1

    def scores(self, user_id: str, ids: Sequence[str], texts: Sequence[str], query: str) -> dict[str, float]:
        """BM25 score of each id for ``query``, normalised to [0, 1] by the best score."""
        arr = self.array(user_id, ids, texts, query)
        return {} if arr is None else {i: float(s) for i, s in zip(ids, arr, strict=True) if s > 0}

    def array(self, user_id: str, ids: Sequence[str], texts: Sequence[str], query: str) -> np.ndarray | None:
        """The scores as an array aligned with ``ids`` (normalised to [0, 1]); None when nothing matches.
        Pass the same ``ids`` list while the user's memories are unchanged: it is compared by identity first."""
        q = content_words(query)
        if not q or not ids:
            return None
        entry = self._get(user_id, ids if isinstance(ids, list) else list(ids), texts)
        return _normalised_array(entry.model, q)

    @staticmethod
    def score_once(ids: Sequence[str], texts: Sequence[str], query: str) -> dict[str, float]:
        """Uncached scores for a one-off corpus (e.g. a user's memories as they were at some date)."""
        q = content_words(query)
        if not q or not ids:
            return {}
        return _normalised(list(ids), _build(texts), q)

    def _get(self, user_id: str, ids: list[str], texts: Sequence[str]) -> _Entry:
        with self._lock:
            version, epoch = self._version(user_id), self._epoch
            entry = self._entries.get(user_id)
            if entry is not None and entry.version == version and (entry.ids is ids or entry.ids == ids):
                return entry
        entry = _Entry(version, ids, _build(texts))
        with self._lock:
            if (self._version(user_id), self._epoch) != (version, epoch):  # invalidated while building: the
                return entry  # texts may include forgotten ones
            if len(self._entries) >= self.max_users:
                self._entries.pop(next(iter(self._entries)))
            self._entries[user_id] = entry
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._epoch += 1

    def _version(self, key: str) -> int:
        """Writes so far to the user a cache key belongs to ("<user>" or "<user>|<kinds>"; user ids may hold "|")."""
        parts = key.split("|")
        return sum(self._versions.get("|".join(parts[:n]), 0) for n in range(1, len(parts) + 1))


def _build(texts: Sequence[str]) -> object:
    import bm25s

    model = bm25s.BM25()
    model.index([content_words(t) or ["_"] for t in texts], show_progress=False)
    return model


def _normalised_array(model: object, query_tokens: list[str]) -> np.ndarray | None:
    raw = np.asarray(model.get_scores(query_tokens), dtype=np.float32)  # type: ignore[attr-defined]
    top = float(raw.max()) if raw.size else 0.0
    if top <= 0:
        return None
    return raw.astype(np.float64) / top


def _normalised(ids: list[str], model: object, query_tokens: list[str]) -> dict[str, float]:
    arr = _normalised_array(model, query_tokens)
    return {} if arr is None else {i: float(s) for i, s in zip(ids, arr, strict=True) if s > 0}
