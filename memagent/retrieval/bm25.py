"""BM25 over one user's memories (``retrieval.inverted``), cached per user and rebuilt only after that user writes."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from itertools import repeat

import numpy as np

from memagent._lexical import content_words
from memagent.retrieval.arrays import RowEdit
from memagent.retrieval.inverted import InvertedBM25, encode

__all__ = ["BM25Cache"]


class _Entry:
    __slots__ = ("_pos", "hashes", "ids", "model", "version", "vocab")

    def __init__(self, version: int, ids: list[str], model: InvertedBM25, vocab: dict[str, int],
                 hashes: np.ndarray) -> None:
        self.version, self.ids, self.model, self.vocab, self.hashes = version, ids, model, vocab, hashes
        self._pos: dict[str, int] | None = None

    @property
    def pos(self) -> dict[str, int]:
        """Each id's row, built when a patch first needs it (a patch by ``RowEdit`` does not: 100k ids per write)."""
        if self._pos is None:
            self._pos = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._pos


class _Kept:
    """What a rebuild reuses: the vocabulary (append-only), each document's token ids with a hash of its text
    (as of the last full build), and the last model built (a rebuild after a write patches it)."""

    __slots__ = ("docs", "entry", "vocab")

    def __init__(self, vocab: dict[str, int], docs: dict[str, tuple[int, np.ndarray]], entry: _Entry) -> None:
        self.vocab, self.docs, self.entry = vocab, docs, entry

    def holds(self, hashes: set[int]) -> bool:
        """Whether any text with one of these hashes went into what is kept."""
        return (any(h in hashes for h, _ in self.docs.values())
                or bool(np.isin(self.entry.hashes, np.fromiter(hashes, dtype=np.int64, count=len(hashes))).any()))


class BM25Cache:
    """Per-user BM25 models keyed by a write counter: a write bumps it, the next query rebuilds lazily.

    The cache holds token statistics of memory texts, so ``invalidate`` (called on every write, forget and
    delete) drops a user's models entirely. The rebuild after a write tokenises only the texts that changed:
    the last model is kept and patched (``InvertedBM25.patched``: documents matched by id and text hash keep their
    postings, the others are tokenised and merged in), and each document's token ids as of the last full build
    are kept by its id with a hash of its text, with the vocabulary they index. Those go with ``drop`` (a deleted user, redacted
    events), ``evict`` (forgotten texts, whole vocabularies that held them) and ``clear``, so no word of a forgotten
    text stays behind until the next rebuild.
    """

    def __init__(self, max_users: int = 256) -> None:
        self.max_users = max_users
        self._entries: dict[str, _Entry] = {}
        self._versions: dict[str, int] = {}
        self._kept: dict[str, _Kept] = {}
        self._epoch = 0  # bumped by clear()
        self._drops = 0  # bumped by drop() and evict(): what was read before one is not kept
        self._lock = threading.Lock()

    def invalidate(self, user_id: str) -> None:
        with self._lock:
            for key in [k for k in self._entries if _belongs(k, user_id)]:
                del self._entries[key]
            self._versions[user_id] = self._versions.get(user_id, 0) + 1

    def drop(self, user_id: str) -> None:
        """``invalidate``, and forget the user's kept token ids and vocabularies too."""
        with self._lock:
            for key in [k for k in self._kept if _belongs(k, user_id)]:
                del self._kept[key]
            self._drops += 1
        self.invalidate(user_id)

    def evict(self, texts: Sequence[str]) -> None:
        """Forget what is kept for views holding any of these texts, whoever's they are (called by the
        ``Forgetter`` with forgotten texts; their words are in the vocabulary too, so the whole view goes)."""
        hashes = {hash(t) for t in texts}
        with self._lock:
            for key in [k for k, kept in self._kept.items() if kept.holds(hashes)]:
                del self._kept[key]
            self._drops += 1

    def scores(self, user_id: str, ids: Sequence[str], texts: Sequence[str], query: str) -> dict[str, float]:
        """BM25 score of each id for ``query``, normalised to [0, 1] by the best score."""
        arr = self.array(user_id, ids, texts, query)
        return {} if arr is None else {i: float(s) for i, s in zip(ids, arr, strict=True) if s > 0}

    def array(self, user_id: str, ids: Sequence[str], texts: Sequence[str], query: str, *,
              edit: RowEdit | None = None) -> np.ndarray | None:
        """The scores as an array aligned with ``ids`` (normalised to [0, 1]); None when nothing matches.
        Pass the same ``ids`` list while the user's memories are unchanged: it is compared by identity first.
        ``edit``: how ``ids`` was made from an earlier list (``RowEdit``), so the model built for that one is
        patched by position."""
        q = content_words(query)
        if not q or not ids:
            return None
        entry = self._get(user_id, ids if isinstance(ids, list) else list(ids), texts, edit)
        return _normalised(entry.model, entry.vocab, q)

    @staticmethod
    def score_once(ids: Sequence[str], texts: Sequence[str], query: str) -> dict[str, float]:
        """Uncached scores for a one-off corpus (e.g. a user's memories as they were at some date)."""
        q = content_words(query)
        if not q or not ids:
            return {}
        vocab: dict[str, int] = {}
        docs = [encode(_tokens(t), vocab) for t in texts]
        arr = _normalised(InvertedBM25(docs, len(vocab)), vocab, q)
        return {} if arr is None else {i: float(s) for i, s in zip(ids, arr, strict=True) if s > 0}

    def _get(self, user_id: str, ids: list[str], texts: Sequence[str], edit: RowEdit | None = None) -> _Entry:
        with self._lock:
            version, epoch = self._version(user_id), self._epoch
            entry = self._entries.get(user_id)
            if entry is not None and entry.version == version and (entry.ids is ids or entry.ids == ids):
                return entry
            kept, drops = self._kept.get(user_id), self._drops
        # A copy: another thread may be rebuilding this view from the same kept vocabulary.
        vocab = dict(kept.vocab) if kept is not None else {}
        old = kept.docs if kept is not None else {}
        patched = _patch(kept.entry, ids, texts, vocab, edit) if kept is not None else None
        if patched is not None:  # most documents unchanged since the last build (a write): patch its model
            model, hashes = patched
            docs = old  # as of the last full build: still valid by id and hash, for the next one
        else:
            docs = {}
            for doc, text in zip(ids, texts, strict=True):
                h = hash(text)
                got = old.get(doc)
                docs[doc] = got if got is not None and got[0] == h else (h, encode(_tokens(text), vocab))
            model = InvertedBM25([docs[d][1] for d in ids], len(vocab))
            hashes = np.fromiter((docs[d][0] for d in ids), dtype=np.int64, count=len(ids))
        entry = _Entry(version, ids, model, vocab, hashes)
        with self._lock:
            if (self._version(user_id), self._epoch) != (version, epoch):  # invalidated while building: the
                return entry  # texts may include forgotten ones
            if len(self._entries) >= self.max_users:
                self._entries.pop(next(iter(self._entries)))
            self._entries[user_id] = entry
            if self._drops == drops:  # else a forget came in meanwhile: these may hold its words
                self._kept.pop(user_id, None)  # re-inserted last: the least recently built is dropped first
                # Words of documents gone since pile up in an append-only vocabulary: start afresh past twice
                # the words in use.
                if len(vocab) <= 2 * model.n_terms + 1000:
                    self._kept[user_id] = _Kept(vocab, docs, entry)
                while len(self._kept) > self.max_users:
                    self._kept.pop(next(iter(self._kept)))
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._kept.clear()
            self._epoch += 1

    def _version(self, key: str) -> int:
        """Writes so far to the user a cache key belongs to ("<user>" or "<user>|<kinds>"; user ids may hold "|")."""
        parts = key.split("|")
        return sum(self._versions.get("|".join(parts[:n]), 0) for n in range(1, len(parts) + 1))


def _patch(prev: _Entry, ids: list[str], texts: Sequence[str], vocab: dict[str, int], edit: RowEdit | None = None
           ) -> tuple[InvertedBM25, np.ndarray] | None:
    """``prev``'s model patched to ``ids``/``texts`` (documents matched by id and text hash; the others are
    tokenised into ``vocab``), with the texts' hashes; None when over a quarter changed (a full build is as cheap).
    ``edit``: how ``ids`` was made from ``prev.ids`` (its removed and inserted rows): the kept documents are
    those rows, unchanged (a document re-read by a write is an inserted row, tokenised again)."""
    n = len(ids)
    src = edit.sources(n) if edit is not None and edit.base is prev.ids else None
    if src is not None:
        assert edit is not None
        hashes = np.empty(n, dtype=np.int64)
        kept = src >= 0
        hashes[kept] = prev.hashes[src[kept]]
        hashes[edit.inserted] = [hash(texts[r]) for r in edit.inserted]
    else:
        hashes = np.fromiter(map(hash, texts), dtype=np.int64, count=n)  # map: no Python frame per document
        src = np.fromiter(map(prev.pos.get, ids, repeat(-1)), dtype=np.int64, count=n)
        known = np.flatnonzero(src >= 0)
        src[known[prev.hashes[src[known]] != hashes[known]]] = -1  # same id, another text: a new document
    fresh = np.flatnonzero(src < 0)
    if 4 * len(fresh) > n:
        return None
    docs = {r: encode(_tokens(texts[r]), vocab) for r in fresh.tolist()}
    return prev.model.patched(src, docs, len(vocab)), hashes


def _belongs(key: str, user_id: str) -> bool:
    """Whether a cache key ("<user>" or "<user>|<kinds or view>") is one of ``user_id``'s."""
    return key == user_id or key.startswith(user_id + "|")


def _tokens(text: str) -> list[str]:
    """A document's BM25 tokens ("_" for a text with no content word, so every document has one)."""
    return content_words(text) or ["_"]


def _normalised(model: InvertedBM25, vocab: dict[str, int], query_tokens: list[str]) -> np.ndarray | None:
    raw = model.scores([vocab[t] for t in query_tokens if t in vocab])
    top = float(raw.max()) if raw.size else 0.0
    if top <= 0:
        return None
    return raw.astype(np.float64) / top
