"""The ``Store`` protocol: what the memory graph needs from its system of record.

Two implementations pass one contract suite (:class:`memagent.testing.contracts.StoreContract`):
``SQLiteStore`` (the embedded default, one file) and ``PostgresStore`` (shared by many app servers). The
methods below are exactly those the write path, the forgetter, recall and the views call; a third engine
implements them and runs the suite.

Rules every implementation keeps:
- Every method is scoped by ``user_id``; no method returns another user's rows.
- ``transaction()`` is atomic and re-entrant (a nested call joins the outer one).
- Writes of one user are serialised across processes: inside a transaction, the first user-scoped write
  (or ``op_version`` / ``lock_user``) waits for every other writer of that user, so a plan checked against
  ``op_version`` under the lock cannot be outdated when it commits.
- ``scrub()`` makes deleted text unrecoverable from the engine's files, as far as the engine allows.
- Errors of the engine are raised as :class:`~memagent.errors.StoreError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from memagent.types import Edge, EdgeType, Event, HistoryEntry, MemoryItem, Op

__all__ = ["Store"]


@runtime_checkable
class Store(Protocol):
    # -- plumbing -----------------------------------------------------------------------------------------
    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def lock_user(self, user_id: str) -> None:
        """Inside a transaction: wait for, then exclude, every other writer of ``user_id`` until it ends."""

    def store_id(self) -> str:
        """A random id given to the database on first use (names its collection on a shared vector server)."""

    def data_version(self) -> object:
        """A token that changes whenever another connection commits: caches compare it to know they are stale."""

    def op_version(self, user_id: str) -> int:
        """Changes whenever any connection changes the user's memories (the writer's optimistic check)."""

    def scrub(self, *, vacuum: bool = False) -> bool:
        """Make deleted bytes unrecoverable; False (with a warning) when the engine could not finish yet."""

    def meta_get(self, key: str) -> str | None: ...

    def meta_set(self, key: str, value: str) -> None: ...

    # -- users ----------------------------------------------------------------------------------------------
    def ensure_user(self, user_id: str) -> None: ...

    def user_exists(self, user_id: str) -> bool: ...

    def require_user(self, user_id: str) -> None: ...

    def users(self) -> list[str]: ...

    def counts(self, user_id: str) -> dict[str, int]: ...

    def delete_user(self, user_id: str) -> None: ...

    # -- events (kept for recall over raw turns as well as for provenance) ----------------------------------
    def insert_event(self, event: Event) -> int: ...

    def event_exists(self, user_id: str, event_id: str) -> bool:
        """Whether the user already has this event: a retried write with a client event id is a replay."""

    def get_event(self, user_id: str, event_id: str) -> Event: ...

    def events(self, user_id: str, *, session_id: str | None = None, until: datetime | None = None,
               last: int | None = None) -> list[Event]: ...

    def last_event_id(self, user_id: str) -> str | None: ...

    def events_mentioning(self, user_id: str, phrase: str) -> list[str]: ...

    def redact_event(self, user_id: str, event_id: str) -> None: ...

    # -- items ----------------------------------------------------------------------------------------------
    def insert_item(self, item: MemoryItem) -> None: ...

    def link_item_event(self, user_id: str, item_id: str, event_id: str) -> None: ...

    def get_item(self, user_id: str, item_id: str) -> MemoryItem: ...

    def items(self, user_id: str, *, statuses: Iterable[str] | None = ("current",), kinds: Iterable[str] | None = None,
              subject: str | None = None, ids: Iterable[str] | None = None) -> list[MemoryItem]: ...

    def item_ids(self, user_id: str | None = None) -> set[str]: ...

    def update_item(self, user_id: str, item_id: str, **fields: Any) -> None: ...

    def touch_items(self, user_id: str, item_ids: Sequence[str], when: datetime) -> None: ...

    def item_ids_for_event(self, user_id: str, event_id: str) -> list[str]: ...

    def purge_item(self, user_id: str, item_id: str) -> None: ...

    # -- edges and history ----------------------------------------------------------------------------------
    def insert_edge(self, edge: Edge) -> None: ...

    def edges(self, user_id: str, *, node: str | None = None, types: Iterable[EdgeType] | None = None) -> list[Edge]: ...

    def add_history(self, user_id: str, op: Op, *, item_id: str | None = None, event_id: str | None = None,
                    text: str | None = None, detail: dict[str, Any] | None = None, at: datetime | None = None) -> None: ...

    def history(self, user_id: str, *, item_id: str | None = None) -> list[HistoryEntry]: ...
