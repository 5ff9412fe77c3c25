"""Per-user snapshots of current memories for the read path, dropped or patched whenever that user's memory changes.

Reading and validating every current item from SQLite on each recall costs ~100 ms at a few thousand
memories (18 s at 100k); a snapshot makes repeated recalls cheap. Forgets, deletes, redactions and
consolidation call ``invalidate``, so a snapshot never outlives the data it copies (forgotten text included).
A write that removed no text calls ``changed`` instead: the snapshot is kept aside as the base of the next
read, which patches it from the rows changed since (``HybridRanker._patched``) rather than reading them all.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from memagent.types import Event, MemoryItem

__all__ = ["Snapshot", "SnapshotCache"]


@dataclass
class Snapshot:
    items: list[MemoryItem]
    by_id: dict[str, MemoryItem] = field(default_factory=dict)
    neighbours: dict[str, set[str]] = field(default_factory=dict)  # relates_to / triggers adjacency
    line_tokens: dict[str, int] = field(default_factory=dict)  # prompt line -> tokens, filled by the packer
    lines: dict[tuple[str, bool], tuple[MemoryItem, str, int]] = field(default_factory=dict)  # packer: rendered lines
    arrays: dict[str, Any] = field(default_factory=dict)  # kinds filter -> ItemArrays, filled by the ranker
    extras: dict[str, object] = field(default_factory=dict)  # other per-user views (retrieval/turns.py), same life
    # Where the snapshot was read (``Store.op_version`` before reading the items; None: it cannot be patched),
    # and, once the turn view has read them, the user's events in time order, the newest sequence number read
    # and the items that are not current (the turn view's staleness rules read them).
    op_version: int | None = None
    events: list[Event] | None = None
    event_seq: int = 0
    others: list[MemoryItem] | None = None
    # The current items naming a value they replace (``metadata["replaces"]``), in snapshot order, once the turn
    # view has looked for them (a patched snapshot has them patched: the turn view reads them after every write).
    replacing: list[MemoryItem] | None = None
    # The views (``extras``) of the snapshot this one was patched from, for a view that can extend its old self.
    patched_from: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id = {i.id: i for i in self.items}


class SnapshotCache:
    def __init__(self, max_users: int = 256) -> None:
        self.max_users = max_users
        self._snaps: OrderedDict[str, Snapshot] = OrderedDict()
        self._bases: OrderedDict[str, Snapshot] = OrderedDict()  # outdated by a write, to be patched on next read
        self._versions: dict[str, int] = {}
        self._epoch = 0  # bumped by clear(): a snapshot loaded across it may hold another process's forgotten text
        self._writing: dict[str, int] = {}  # writes of the user under way (see ``writing``)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def writing(self, user_id: str) -> Iterator[None]:
        """Around a write, until ``changed`` or ``invalidate`` is called: no snapshot read meanwhile is kept. One
        read between the commit and the index update would hold the new items without their vectors (no topic
        row), and, kept as the base of the next patch, would never read them again."""
        with self._lock:
            self._writing[user_id] = self._writing.get(user_id, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._writing.pop(user_id) - 1
                if left:
                    self._writing[user_id] = left

    def invalidate(self, user_id: str) -> None:
        with self._lock:
            self._versions[user_id] = self._versions.get(user_id, 0) + 1
            self._snaps.pop(user_id, None)
            self._bases.pop(user_id, None)

    def changed(self, user_id: str) -> None:
        """The user's memories changed and no text was removed: keep the snapshot as the base of a patch. An
        older base stays (it was outdated first, so patching it reads every change since)."""
        with self._lock:
            self._versions[user_id] = self._versions.get(user_id, 0) + 1
            snap = self._snaps.pop(user_id, None)
            if snap is not None and snap.op_version is not None and user_id not in self._bases:
                self._bases[user_id] = snap
                while len(self._bases) > self.max_users:
                    self._bases.popitem(last=False)

    def get(self, user_id: str, load: Callable[[], Snapshot],
            patch: Callable[[Snapshot], Snapshot] | None = None) -> Snapshot:
        """The user's snapshot: the cached one, else ``patch(base)`` when a write left a base, else ``load()``."""
        with self._lock:
            snap = self._snaps.get(user_id)
            if snap is not None:
                self._snaps.move_to_end(user_id)
                return snap
            version, epoch = self._versions.get(user_id, 0), self._epoch
            base = self._bases.get(user_id) if patch is not None else None
        snap = patch(base) if base is not None and patch is not None else load()
        with self._lock:
            # Not invalidated while loading, and no write of the user under way.
            if self._versions.get(user_id, 0) == version and self._epoch == epoch and user_id not in self._writing:
                self._bases.pop(user_id, None)
                self._snaps[user_id] = snap
                while len(self._snaps) > self.max_users:
                    self._snaps.popitem(last=False)
        return snap

    def evict(self, texts: object) -> None:
        """Called by the ``Forgetter`` with forgotten texts: no base is patched across a forget (whoever's it is;
        the user's own snapshot goes with ``invalidate``)."""
        with self._lock:
            self._bases.clear()

    def clear(self) -> None:
        with self._lock:
            self._snaps.clear()
            self._bases.clear()
            self._epoch += 1
