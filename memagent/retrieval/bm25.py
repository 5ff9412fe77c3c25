"""BM25 over one user's memories with ``bm25s``, cached per user and rebuilt only after that user writes."""

from __future__ import annotations

import sys
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
    delete) drops a user's models entirely. The rebuild after a write re-tokenises only the texts that changed:
    each document's tokens are kept by its id with a hash of its text, replaced at every rebuild by those of the
    documents still there. Those go with ``drop`` (a deleted user, redacted events), ``evict`` (forgotten texts)
    and ``clear``, so no tokens of a forgotten text stay behind until the next rebuild.
    """

    def __init__(self, max_users: int = 256) -> None:
        self.max_users = max_users
        self._entries: dict[str, _Entry] = {}
        self._versions: dict[str, int] = {}
        self._tokens: dict[str, dict[str, tuple[int, list[str]]]] = {}  # cache key -> doc id -> (text hash, tokens)
        self._epoch = 0  # bumped by clear()
        self._drops = 0  # bumped by drop() and evict(): tokens read before one are not kept
        self._lock = threading.Lock()

    def invalidate(self, user_id: str) -> None:
        with self._lock:
            for key in [k for k in self._entries if _belongs(k, user_id)]:
                del self._entries[key]
            self._versions[user_id] = self._versions.get(user_id, 0) + 1

    def drop(self, user_id: str) -> None:
        """``invalidate``, and forget the user's kept tokens too."""
        with self._lock:
            for key in [k for k in self._tokens if _belongs(k, user_id)]:
                del self._tokens[key]
            self._drops += 1
        self.invalidate(user_id)

    def evict(self, texts: Sequence[str]) -> None:
        """Forget the kept tokens of these texts, whoever's they are (called by ``Forgetter`` with forgotten texts)."""
        hashes = {hash(t) for t in texts}
        with self._lock:
            for docs in self._tokens.values():
                for doc in [d for d, (h, _) in docs.items() if h in hashes]:
                    del docs[doc]
            self._drops += 1

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
            kept, drops = self._tokens.get(user_id, {}), self._drops
        tokens: dict[str, tuple[int, list[str]]] = {}
        for doc, text in zip(ids, texts, strict=True):
            h = hash(text)
            got = kept.get(doc)
            tokens[doc] = got if got is not None and got[0] == h else (h, _tokens(text))
        entry = _Entry(version, ids, _build_from_tokens([tokens[d][1] for d in ids]))
        with self._lock:
            if (self._version(user_id), self._epoch) != (version, epoch):  # invalidated while building: the
                return entry  # texts may include forgotten ones
            if len(self._entries) >= self.max_users:
                self._entries.pop(next(iter(self._entries)))
            self._entries[user_id] = entry
            if self._drops == drops:  # else a forget came in meanwhile: these tokens may hold its text
                self._tokens.pop(user_id, None)  # re-inserted last: the least recently built is dropped first
                self._tokens[user_id] = tokens
                while len(self._tokens) > self.max_users:
                    self._tokens.pop(next(iter(self._tokens)))
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._tokens.clear()
            self._epoch += 1

    def _version(self, key: str) -> int:
        """Writes so far to the user a cache key belongs to ("<user>" or "<user>|<kinds>"; user ids may hold "|")."""
        parts = key.split("|")
        return sum(self._versions.get("|".join(parts[:n]), 0) for n in range(1, len(parts) + 1))


def _belongs(key: str, user_id: str) -> bool:
    """Whether a cache key ("<user>" or "<user>|<kinds or view>") is one of ``user_id``'s."""
    return key == user_id or key.startswith(user_id + "|")


def _tokens(text: str) -> list[str]:
    """A document's BM25 tokens, interned: kept for thousands of documents, each word is stored once."""
    return [sys.intern(w) for w in content_words(text)] or ["_"]


def _build(texts: Sequence[str]) -> object:
    return _build_from_tokens([content_words(t) or ["_"] for t in texts])


def _build_from_tokens(tokens: list[list[str]]) -> object:
    import bm25s

    model = bm25s.BM25()
    model.index(tokens, show_progress=False)
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
