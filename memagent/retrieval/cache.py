"""Per-user snapshots of current memories for the read path, dropped whenever that user's memory changes.

Reading and validating every current item from SQLite on each recall costs ~100 ms at a few thousand
memories; a snapshot makes repeated recalls cheap. Writes, forgets, deletes and consolidation call
``invalidate``, so a snapshot never outlives the data it copies (forgotten text included).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from memagent.types import MemoryItem

__all__ = ["Snapshot", "SnapshotCache"]


@dataclass
class Snapshot:
    items: list[MemoryItem]
    by_id: dict[str, MemoryItem] = field(default_factory=dict)
    neighbours: dict[str, set[str]] = field(default_factory=dict)  # relates_to / triggers adjacency
    line_tokens: dict[str, int] = field(default_factory=dict)  # prompt line -> tokens, filled by the packer
    lines: dict[tuple[str, bool], tuple[MemoryItem, str]] = field(default_factory=dict)  # packer: rendered lines
    arrays: dict[str, Any] = field(default_factory=dict)  # kinds filter -> ItemArrays, filled by the ranker
    extras: dict[str, object] = field(default_factory=dict)  # other per-user views (retrieval/turns.py), same life

    def __post_init__(self) -> None:
        self.by_id = {i.id: i for i in self.items}


class SnapshotCache:
    def __init__(self, max_users: int = 256) -> None:
        self.max_users = max_users
        self._snaps: OrderedDict[str, Snapshot] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._epoch = 0  # bumped by clear(): a snapshot loaded across it may hold another process's forgotten text
        self._lock = threading.Lock()

    def invalidate(self, user_id: str) -> None:
        with self._lock:
            self._versions[user_id] = self._versions.get(user_id, 0) + 1
            self._snaps.pop(user_id, None)

    def get(self, user_id: str, load: Callable[[], Snapshot]) -> Snapshot:
        with self._lock:
            snap = self._snaps.get(user_id)
            if snap is not None:
                self._snaps.move_to_end(user_id)
                return snap
            version, epoch = self._versions.get(user_id, 0), self._epoch
        snap = load()
        with self._lock:
            if self._versions.get(user_id, 0) == version and self._epoch == epoch:  # not invalidated while loading
                self._snaps[user_id] = snap
                while len(self._snaps) > self.max_users:
                    self._snaps.popitem(last=False)
        return snap

    def clear(self) -> None:
        with self._lock:
            self._snaps.clear()
            self._epoch += 1
