"""Column arrays of a user's memories, so a recall scores thousands of candidates with numpy instead of a loop.

Everything here is independent of the request (importance, evidence, recency, domain codes, topic distributions),
so it is computed once per snapshot and reused by every recall until the user's memories change.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import repeat
from operator import attrgetter

import numpy as np

from memagent._blas import one_blas_thread
from memagent.types import MemoryItem, MemoryKind

__all__ = ["ItemArrays", "Positions", "RowEdit"]

_KIND_CODES = {k: n for n, k in enumerate(MemoryKind)}


class RowEdit:
    """How a list of rows became another: ``base`` (the old list of ids) without its rows ``removed``, then with new
    rows at ``inserted`` (rows of the result), both ascending. A write changes a few of 100k rows; with this, what is
    kept per row (ids, positions, columns, BM25 postings) is copied by position instead of looked up id by id."""

    __slots__ = ("base", "inserted", "removed")

    def __init__(self, base: list[str], removed: list[int], inserted: list[int]) -> None:
        self.base, self.removed, self.inserted = base, removed, inserted

    def sources(self, n: int) -> np.ndarray | None:
        """Each new row's old row (-1 for an inserted one), for a result of ``n`` rows; None when the counts do not
        add up (then it is not an edit of ``base``)."""
        if len(self.base) - len(self.removed) + len(self.inserted) != n:
            return None
        keep = np.ones(len(self.base), dtype=bool)
        keep[self.removed] = False
        src = np.full(n, -1, dtype=np.int64)
        kept = np.ones(n, dtype=bool)
        kept[self.inserted] = False
        src[kept] = np.flatnonzero(keep)
        return src

    def apply(self, old: list[str], new_values: list[str]) -> list[str]:
        """``old`` (a list aligned with ``base``) edited: rows removed, ``new_values`` put at the inserted rows."""
        out = list(old)
        for r in reversed(self.removed):
            del out[r]
        for r, value in zip(self.inserted, new_values, strict=True):  # ascending: each lands at its final row
            out.insert(r, value)
        return out


class Positions:
    """An id -> row map after a :class:`RowEdit` of ``base`` (another map), answering a lookup from ``base`` and
    the edit instead of holding every id again (building a dict of 100k ids costs 10-30 ms per write). Past
    ``_MAX_DEPTH`` edits in a row the caller builds a plain dict (``flat``)."""

    __slots__ = ("added", "base", "depth", "inserted", "removed")

    def __init__(self, base: Positions | dict[str, int], edit: RowEdit, added: dict[str, int]) -> None:
        self.base, self.removed, self.inserted, self.added = base, edit.removed, edit.inserted, added
        self.depth = base.depth + 1 if isinstance(base, Positions) else 1

    def get(self, iid: str, default: int | None = None) -> int | None:
        row = self.added.get(iid)
        if row is not None:
            return row
        row = self.base.get(iid)
        if row is None:
            return default
        k = bisect.bisect_left(self.removed, row)
        if k < len(self.removed) and self.removed[k] == row:
            return default
        row -= k  # its place among the rows kept, then past every inserted row before it
        for at in self.inserted:
            if at > row:
                break
            row += 1
        return row

    def __getitem__(self, iid: str) -> int:
        row = self.get(iid)
        if row is None:
            raise KeyError(iid)
        return row

    def __contains__(self, iid: object) -> bool:
        return isinstance(iid, str) and self.get(iid) is not None


_MAX_DEPTH = 8


def positions(ids: list[str], edit: RowEdit | None = None, base: Positions | dict[str, int] | None = None
              ) -> Positions | dict[str, int]:
    """The id -> row map of ``ids``: from ``base`` (the map of ``edit.base``) and the edit when given, else built."""
    if edit is not None and base is not None and (not isinstance(base, Positions) or base.depth < _MAX_DEPTH):
        return Positions(base, edit, {ids[r]: r for r in edit.inserted})
    return dict(zip(ids, range(len(ids)), strict=True))


def _profile(kinds: np.ndarray, profile_kinds: Sequence[MemoryKind]) -> np.ndarray:
    return np.isin(kinds, [_KIND_CODES[k] for k in profile_kinds])


def _recency(stamps: np.ndarray, ref: float | None, half_life_days: float) -> np.ndarray:
    """Recency of each stamp against ``ref`` (the newest stamp when None): halves every ``half_life_days``."""
    top = ref if ref is not None else (float(stamps.max()) if len(stamps) else 0.0)
    age_days = np.maximum(0.0, (top - stamps) / 86400)
    return np.exp(-math.log(2) * age_days / half_life_days)


class ItemArrays:
    """Per-item columns, row ``n`` describing ``items[n]``.

    Args:
        items: the memories, in snapshot order.
        profile_kinds: kinds that are candidates whatever the request (standing instructions, preferences).
        ref: the "now" of recency (the newest item's ``valid_from`` when None).
        half_life_days: recency half-life.
        topic_rows: called with the items' ids; returns the square roots of their topic distributions (one row
            per id, zero rows for items without a vector), or None when topic agreement is off.
    """

    __slots__ = ("domain_codes", "domains", "edit", "evidence", "ids", "importance", "items", "kinds", "memo", "pos",
                 "profile", "recency", "stamps", "texts", "topic_sqrt")

    def __init__(self, items: Sequence[MemoryItem], profile_kinds: Sequence[MemoryKind], *, ref: datetime | None,
                 half_life_days: float, topic_rows: Callable[[list[str]], np.ndarray | None] | None = None) -> None:
        self.items = list(items)
        self.ids = [i.id for i in self.items]
        self.texts = [i.text for i in self.items]
        self.pos: Positions | dict[str, int] = {iid: n for n, iid in enumerate(self.ids)}
        self.edit: RowEdit | None = None  # how these rows were patched from another's (``patched``), for BM25
        n = len(self.items)
        self.kinds = np.fromiter((_KIND_CODES[i.kind] for i in self.items), dtype=np.int8, count=n)
        self.profile = _profile(self.kinds, profile_kinds)
        self.importance = np.fromiter((i.importance for i in self.items), dtype=np.float64, count=n)
        self.evidence = np.minimum(1.0, (np.fromiter((i.evidence_count for i in self.items), dtype=np.float64,
                                                     count=n) - 1) / 4)
        self.stamps = stamps = np.fromiter((i.valid_from.timestamp() for i in self.items), dtype=np.float64, count=n)
        self.recency = _recency(stamps, ref.timestamp() if ref is not None else None, half_life_days)
        self.domains: dict[str, int] = {}
        self.domain_codes = np.fromiter((self.domains.setdefault(i.domain, len(self.domains)) if i.domain else -1
                                         for i in self.items), dtype=np.int32, count=n)
        self.topic_sqrt = topic_rows(self.ids) if topic_rows is not None and n else None
        self.memo: dict[tuple[float, float, float], tuple[np.ndarray, np.ndarray, list[np.ndarray]]] = {}

    @classmethod
    def patched(cls, old: ItemArrays, items: Sequence[MemoryItem], changed: set[str],
                profile_kinds: Sequence[MemoryKind], *, half_life_days: float,
                topic_rows: Callable[[list[str]], np.ndarray | None] | None = None,
                edit: RowEdit | None = None) -> ItemArrays:
        """The columns of ``items`` (a snapshot's, ``ref=None``) from those of ``old``: rows of items not in
        ``changed`` are copied from ``old``, the others computed, so a write costs a few rows, not all of them.
        Every value is the one the constructor would compute (recency again from the newest stamp; domain codes
        may be numbered differently, which no comparison sees). ``edit``: how ``old``'s rows became ``items``
        (the changed items removed, the current ones among them inserted), so rows are copied by position."""
        new = cls.__new__(cls)
        new.memo = {}
        new.items = list(items)
        n = len(new.items)
        src = edit.sources(n) if edit is not None and edit.base is old.ids else None
        if edit is not None and src is not None:
            added = [new.items[r] for r in edit.inserted]
            new.ids = edit.apply(old.ids, [i.id for i in added])
            new.texts = edit.apply(old.texts, [i.text for i in added])
            new.pos = positions(new.ids, edit, old.pos)
            new.edit = edit
        else:
            # map and attrgetter: no Python frame per row (100k rows are patched in a few ms).
            new.ids = list(map(attrgetter("id"), new.items))
            new.texts = list(map(attrgetter("text"), new.items))
            new.pos = positions(new.ids)
            new.edit = None
            src = np.fromiter(map(old.pos.get, new.ids, repeat(-1)), dtype=np.int64, count=n)
            for iid in changed:  # re-read: computed again even where the id is old
                if iid in new.pos:
                    src[new.pos[iid]] = -1
        fresh = np.flatnonzero(src < 0)
        if 2 * len(fresh) > n or not len(old):  # mostly new: build it whole
            return cls(new.items, profile_kinds, ref=None, half_life_days=half_life_days, topic_rows=topic_rows)
        kept = np.flatnonzero(src >= 0)
        rows = [new.items[r] for r in fresh.tolist()]
        part = cls(rows, profile_kinds, ref=None, half_life_days=half_life_days, topic_rows=topic_rows)

        def merged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            out = np.empty((n, *a.shape[1:]), dtype=a.dtype)
            out[kept] = a[src[kept]]
            out[fresh] = b
            return out

        new.kinds, new.importance = merged(old.kinds, part.kinds), merged(old.importance, part.importance)
        new.evidence, new.stamps = merged(old.evidence, part.evidence), merged(old.stamps, part.stamps)
        new.profile = _profile(new.kinds, profile_kinds)
        new.recency = _recency(new.stamps, None, half_life_days)
        new.domains = dict(old.domains)
        recoded = np.fromiter((new.domains.setdefault(d, len(new.domains)) for d in part.domains), dtype=np.int32,
                              count=len(part.domains))
        codes = recoded[np.maximum(part.domain_codes, 0)] if len(recoded) else part.domain_codes
        new.domain_codes = merged(old.domain_codes, np.where(part.domain_codes >= 0, codes, -1).astype(np.int32))
        if old.topic_sqrt is not None and (part.topic_sqrt is not None or not len(fresh)):
            added = part.topic_sqrt if part.topic_sqrt is not None else old.topic_sqrt[:0]
            new.topic_sqrt = merged(old.topic_sqrt, added)
        else:
            new.topic_sqrt = topic_rows(new.ids) if topic_rows is not None and n else None
        return new

    def __len__(self) -> int:
        return len(self.items)

    def domain_match(self, domains: Sequence[str], related: set[str], rows: np.ndarray | None = None) -> np.ndarray:
        """1.0 for items in one of ``domains``, 0.5 in a related one, else 0 (for ``rows``, or every item)."""
        codes = self.domain_codes if rows is None else self.domain_codes[rows]  # only the rows asked for
        return self.domain_table(domains, related)[codes]

    def domain_table(self, domains: Sequence[str], related: set[str]) -> np.ndarray:
        """The domain match of each domain code, and 0 last (code -1: no domain): a lookup per row instead of a
        search of the codes (the candidates' partial score matches ~85k profile rows at 100k memories)."""
        table = np.zeros(len(self.domains) + 1, dtype=np.float64)
        table[[self.domains[d] for d in related if d in self.domains]] = 0.5
        table[[self.domains[d] for d in domains if d in self.domains]] = 1.0
        return table

    def profile_view(self, weights: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """The profile's rows, their domain codes, and their importance, recency and evidence times ``weights``:
        the same every request until the snapshot changes, so computed once (the arrays the candidates' partial
        score adds, bit for bit)."""
        got = self.memo.get(weights)
        if got is None:
            rows = np.flatnonzero(self.profile)
            parts = [w * col[rows] for w, col in zip(weights, (self.importance, self.recency, self.evidence),
                                                      strict=True)]
            got = self.memo[weights] = (rows, self.domain_codes[rows], parts)
        return got

    def topic(self, q_sqrt: np.ndarray | None, rows: np.ndarray | None = None) -> np.ndarray:
        """Topic agreement of the request (its square-rooted distribution) with ``rows`` (or every item)."""
        n = len(self) if rows is None else len(rows)
        if q_sqrt is None or self.topic_sqrt is None:
            return np.zeros(n, dtype=np.float64)
        # One BLAS thread: a product over ~30 topic columns is done before a second thread would start, and on a busy
        # machine a multithreaded one waited for a core: 100k rows took 24 ms instead of 1.3 (2 cores, load 14).
        with one_blas_thread():
            if rows is not None and 4 * len(rows) < len(self):  # a few rows: gather them; many: one product, then pick
                return (self.topic_sqrt[rows] @ q_sqrt).astype(np.float64)
            out = (self.topic_sqrt @ q_sqrt).astype(np.float64)
        return out if rows is None else out[rows]
