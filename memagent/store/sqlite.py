"""The system of record: events, memory items, edges and the op history of every user, in one SQLite file.

Design points:
- WAL journal, foreign keys, ``busy_timeout`` and ``BEGIN IMMEDIATE`` write transactions, so concurrent
  writers (threads or processes) queue instead of failing with "database is locked".
- ``secure_delete`` is on: deleted rows are overwritten with zeros, and forgetting checkpoints the WAL,
  so forgotten text does not survive in the file's free pages or in the journal.
- Every sqlite3 error is translated into :class:`~memagent.errors.StoreError` at this boundary.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from memagent.errors import MemagentWarning, NotFoundError, StoreError
from memagent.store.schema import migrate
from memagent.types import Edge, EdgeType, Event, HistoryEntry, MemoryItem, Op

__all__ = ["FORGOTTEN_TEXT", "SQLStore", "SQLiteStore", "map_sqlite_errors"]

FORGOTTEN_TEXT = ""  # what a redacted event's text becomes


def _ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _dt_req(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _metadata(raw: str) -> dict[str, Any]:
    """A row's metadata column: most rows hold none, and a snapshot rebuild reads every item and event."""
    return {} if raw == "{}" else json.loads(raw)  # type: ignore[no-any-return]


class map_sqlite_errors:  # noqa: N801 (used as a function: ``with map_sqlite_errors("what"):``)
    """Turns any sqlite3 error raised in the block into StoreError("store: <what> failed: ..."). A class, not a
    generator context manager: the index and the store enter one a dozen times per written turn."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is not None and isinstance(exc, sqlite3.Error):
            msg = f"store: {self.what} failed: {exc}"
            raise StoreError(msg) from exc


_ITEM_COLUMNS = (
    "id, user_id, kind, text, subject, value, domain, polarity, importance, confidence, evidence_count, "
    "created_at, valid_from, valid_to, superseded_by, status, access_count, last_accessed, metadata"
)


class SQLStore(ABC):
    """The SQL both engines run (written with ``?`` placeholders): typed access to events, items, edges and history.

    Subclasses own the connection: ``_exec`` / ``_rows`` (translating engine errors to StoreError),
    ``_begin`` / ``_commit`` / ``_rollback``, ``_claim`` (per-user serialisation), ``data_version``, ``scrub``
    and ``close``. Each instance is thread-safe (SQLiteStore: one connection behind ``self._lock``; PostgresStore:
    one connection per thread).

    Raises (every method):
        StoreError: the engine failed (locked beyond the timeout, disk full, corrupt file, newer schema, ...).
    """

    # SQLite needs a unary "+" to keep a primary-key lookup off the per-user indexes (see ``items``).
    _unindexed = ""
    # Bumped by every change of events made through this object (insert, redaction, delete_user), committed or
    # not: with ``data_version`` (other connections' commits) it tells a cache of recent events it is stale.
    _event_epoch = 0
    _waiting = 0
    _waiting_guard = threading.Lock()  # only taken when a thread has to wait

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0

    # -- plumbing ---------------------------------------------------------------------------------------
    @abstractmethod
    def close(self) -> None:
        """Close the connection(s)."""

    @abstractmethod
    def _begin(self) -> None:
        """Start a transaction."""

    @abstractmethod
    def _commit(self) -> None:
        """Commit the transaction."""

    @abstractmethod
    def _rollback(self) -> None:
        """Roll the transaction back."""

    @abstractmethod
    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; engine errors become StoreError."""

    @abstractmethod
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run a query and return its rows; engine errors become StoreError."""

    def _claim(self, user_id: str) -> None:  # noqa: B027 (a hook: SQLite serialises every write already)
        """Serialise the current transaction with other writers of ``user_id`` (no-op where the engine already
        serialises every write transaction)."""

    def lock_user(self, user_id: str) -> None:
        self._claim(user_id)

    @property
    def waiting(self) -> int:
        """Threads waiting for this object's lock, held by another thread's transaction: a writer holding it for
        a batch (``graph/batch.py``) commits early for them (a write-behind acknowledgement, a read)."""
        return self._waiting

    def _acquire(self, lock: Any) -> None:
        if lock.acquire(blocking=False):
            return
        with self._waiting_guard:
            self._waiting += 1
        try:
            lock.acquire()
        finally:
            with self._waiting_guard:
                self._waiting -= 1

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic write: everything inside commits together or not at all. Nested calls join the outer one."""
        return _Transaction(self)

    def store_id(self) -> str:
        """A random id given to this database on first use: names its collection on a shared vector server."""
        found = self.meta_get("store_id")
        if found is None:
            import uuid

            self._exec("INSERT INTO meta(key, value) VALUES('store_id', ?) ON CONFLICT DO NOTHING",
                       (uuid.uuid4().hex[:16],))
            found = self.meta_get("store_id")
        return str(found)

    def meta_get(self, key: str) -> str | None:
        row = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0]["value"] if row else None

    def meta_set(self, key: str, value: str) -> None:
        self._exec(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- users ------------------------------------------------------------------------------------------
    def ensure_user(self, user_id: str) -> None:
        self._claim(user_id)
        self._exec(
            "INSERT INTO users(user_id, created_at) VALUES(?, ?) ON CONFLICT DO NOTHING",
            (user_id, datetime.now(UTC).timestamp()),
        )

    def user_exists(self, user_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM users WHERE user_id = ?", (user_id,)))

    def require_user(self, user_id: str) -> None:
        """Raises NotFoundError when the user has never been written."""
        if not self.user_exists(user_id):
            msg = f"unknown user_id {user_id!r}"
            raise NotFoundError(msg, user_id=user_id)

    def users(self) -> list[str]:
        return [r["user_id"] for r in self._rows("SELECT user_id FROM users ORDER BY user_id")]

    def op_version(self, user_id: str) -> int:
        """The id of the user's latest history row: it changes whenever any connection changes their memories.
        Inside a transaction it first claims the user, so the answer cannot change before the commit."""
        self._claim(user_id)
        return int(self._rows("SELECT COALESCE(MAX(id), 0) AS n FROM history WHERE user_id = ?", (user_id,))[0]["n"])

    # -- events -----------------------------------------------------------------------------------------
    @property
    def event_epoch(self) -> int:
        """Changes whenever events change through this store object (see ``_event_epoch``)."""
        return self._event_epoch

    def _events_changed(self) -> None:
        with self._lock:
            self._event_epoch += 1

    def insert_event(self, event: Event) -> int:
        """Store an event; returns its per-user sequence number."""
        self._events_changed()
        with self.transaction():
            self._claim(event.user_id)
            # The next sequence number and the insert in one statement (one round trip per written event); the
            # aggregate gives one row even for the user's first event.
            row = self._rows(
                "INSERT INTO events(id, user_id, seq, kind, role, text, ts, session_id, metadata) "
                "SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM events WHERE user_id = ? RETURNING seq",
                (
                    event.id,
                    event.user_id,
                    event.kind.value,
                    event.role,
                    event.text,
                    _ts(event.timestamp),
                    event.session_id,
                    json.dumps(event.metadata) if event.metadata else "{}",
                    event.user_id,
                ),
            )
        return int(row[0]["seq"])

    def _event(self, r: sqlite3.Row) -> Event:
        return Event(
            id=r["id"],
            user_id=r["user_id"],
            kind=r["kind"],
            role=r["role"],
            text=r["text"],
            timestamp=_dt_req(r["ts"]),
            session_id=r["session_id"],
            metadata=_metadata(r["metadata"]),
        )

    def event_exists(self, user_id: str, event_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM events WHERE id = ? AND user_id = ?", (event_id, user_id)))

    def get_event(self, user_id: str, event_id: str) -> Event:
        rows = self._rows("SELECT * FROM events WHERE id = ? AND user_id = ?", (event_id, user_id))
        if not rows:
            msg = f"no event {event_id!r} for user {user_id!r}"
            raise NotFoundError(msg, user_id=user_id, event_id=event_id)
        return self._event(rows[0])

    def events(
        self,
        user_id: str,
        *,
        session_id: str | None = None,
        until: datetime | None = None,
        last: int | None = None,
    ) -> list[Event]:
        """Events in time order, optionally one session's, up to ``until``, only the ``last`` n."""
        sql = "SELECT * FROM events WHERE user_id = ?"
        params: list[Any] = [user_id]
        if session_id is not None:
            sql += " AND session_id = ?"
            params.append(session_id)
        if until is not None:
            sql += " AND ts <= ?"
            params.append(_ts(until))
        if last is not None:
            sql = f"SELECT * FROM ({sql} ORDER BY ts DESC, seq DESC LIMIT ?) AS recent"
            params.append(last)
        return [self._event(r) for r in self._rows(sql + " ORDER BY ts, seq", params)]

    def events_since(self, user_id: str, seq: int) -> tuple[list[Event], int]:
        """The events written after the user's sequence number ``seq`` (in time order) and the newest sequence
        number (``seq`` when there is none): a cache of the events reads only what was added since."""
        rows = self._rows("SELECT * FROM events WHERE user_id = ? AND seq > ? ORDER BY ts, seq", (user_id, seq))
        # The newest of the rows read, not a second query: an event committed in between would be skipped.
        return [self._event(r) for r in rows], max([seq, *(int(r["seq"]) for r in rows)])

    def last_event_id(self, user_id: str) -> str | None:
        rows = self._rows("SELECT id FROM events WHERE user_id = ? ORDER BY seq DESC LIMIT 1", (user_id,))
        return rows[0]["id"] if rows else None

    def events_mentioning(self, user_id: str, phrase: str) -> list[str]:
        """Ids of the user's events whose text or metadata (a CIPHER edit keeps the output and the user's edit
        there) contains ``phrase``, ignoring case in any script (SQLite's ``lower`` only folds ASCII)."""
        needle = phrase.casefold()
        rows = self._rows("SELECT id, text, metadata FROM events WHERE user_id = ?", (user_id,))
        return [r["id"] for r in rows
                if any(needle in s.casefold() for s in (r["text"], *_strings(json.loads(r["metadata"]))))]

    def redact_event(self, user_id: str, event_id: str) -> None:
        """Remove an event's text (it held something the user asked to forget); the event record stays."""
        self._events_changed()
        self._claim(user_id)
        self._exec(
            "UPDATE events SET text = ?, metadata = ? WHERE id = ? AND user_id = ?",
            (FORGOTTEN_TEXT, json.dumps({"redacted": True}), event_id, user_id),
        )

    # -- the write-behind queue ---------------------------------------------------------------------------
    def enqueue(self, events: Sequence[Event]) -> None:
        """Durably record events acknowledged before they are written (see ``memagent.graph.behind``)."""
        with self.transaction():
            for ev in events:
                self._exec("INSERT INTO pending(event_id, user_id, event) VALUES(?, ?, ?)",
                           (ev.id, ev.user_id, ev.model_dump_json()))

    def pending(self, user_id: str, *, limit: int | None = None) -> list[Event]:
        """The user's queued events, oldest first."""
        sql = "SELECT event FROM pending WHERE user_id = ? ORDER BY seq" + (" LIMIT ?" if limit else "")
        rows = self._rows(sql, (user_id, limit) if limit else (user_id,))
        return [Event.model_validate_json(r["event"]) for r in rows]

    def pending_users(self) -> list[str]:
        return [r["user_id"] for r in self._rows("SELECT DISTINCT user_id FROM pending ORDER BY user_id")]

    def take_pending(self, event_id: str) -> bool:
        """Remove a queued event as it is written (inside that write's transaction); False if it was not queued
        (any more: another connection wrote it first)."""
        return self._exec("DELETE FROM pending WHERE event_id = ?", (event_id,)).rowcount > 0

    def is_pending(self, event_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM pending WHERE event_id = ?", (event_id,)))

    # -- items ------------------------------------------------------------------------------------------
    def insert_item(self, item: MemoryItem) -> None:
        with self.transaction():
            self._claim(item.user_id)
            self._exec(
                f"INSERT INTO items({_ITEM_COLUMNS}) VALUES({', '.join('?' * 19)})",
                (
                    item.id,
                    item.user_id,
                    item.kind.value,
                    item.text,
                    item.subject,
                    item.value,
                    item.domain,
                    item.polarity,
                    item.importance,
                    item.confidence,
                    item.evidence_count,
                    _ts(item.created_at),
                    _ts(item.valid_from),
                    _ts(item.valid_to),
                    item.superseded_by,
                    item.status,
                    item.access_count,
                    _ts(item.last_accessed),
                    json.dumps(item.metadata),
                ),
            )
            for ev in item.source_event_ids:
                self.link_item_event(item.user_id, item.id, ev)

    def link_item_event(self, user_id: str, item_id: str, event_id: str) -> None:
        self._exec(
            "INSERT INTO item_events(item_id, event_id, user_id) VALUES(?, ?, ?) ON CONFLICT DO NOTHING",
            (item_id, event_id, user_id),
        )

    def _item(self, r: sqlite3.Row, sources: list[str]) -> MemoryItem:
        return MemoryItem(
            id=r["id"],
            user_id=r["user_id"],
            kind=r["kind"],
            text=r["text"],
            subject=r["subject"],
            value=r["value"],
            domain=r["domain"],
            polarity=r["polarity"],
            importance=r["importance"],
            confidence=r["confidence"],
            evidence_count=r["evidence_count"],
            created_at=_dt_req(r["created_at"]),
            valid_from=_dt_req(r["valid_from"]),
            valid_to=_dt(r["valid_to"]),
            superseded_by=r["superseded_by"],
            status=r["status"],
            source_event_ids=sources,
            access_count=r["access_count"],
            last_accessed=_dt(r["last_accessed"]),
            metadata=_metadata(r["metadata"]),
        )

    def _items_from_rows(self, rows: list[sqlite3.Row]) -> list[MemoryItem]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        sources: dict[str, list[str]] = {i: [] for i in ids}
        for chunk in _chunks(ids, 500):
            q = (
                "SELECT ie.item_id, ie.event_id FROM item_events ie JOIN events e ON e.id = ie.event_id "
                f"WHERE ie.item_id IN ({', '.join('?' * len(chunk))}) ORDER BY e.ts, e.seq"
            )
            for r in self._rows(q, chunk):
                sources[r["item_id"]].append(r["event_id"])
        return [self._item(r, sources[r["id"]]) for r in rows]

    def get_item(self, user_id: str, item_id: str) -> MemoryItem:
        """Raises NotFoundError when the item does not exist for this user (ids of other users included)."""
        rows = self._rows(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ? AND user_id = ?", (item_id, user_id))
        if not rows:
            msg = f"no memory item {item_id!r} for user {user_id!r}"
            raise NotFoundError(msg, user_id=user_id, item_id=item_id)
        return self._items_from_rows(rows)[0]

    def items(
        self,
        user_id: str,
        *,
        statuses: Iterable[str] | None = ("current",),
        kinds: Iterable[str] | None = None,
        subject: str | None = None,
        ids: Iterable[str] | None = None,
    ) -> list[MemoryItem]:
        # Given ids, look them up by primary key: the unary "+" keeps SQLite off the per-user indexes, which
        # would scan every item of the user.
        plus = "" if ids is None else self._unindexed
        sql, params = f"SELECT {_ITEM_COLUMNS} FROM items WHERE {plus}user_id = ?", [user_id]
        for column, values in ((plus + "status", statuses), ("kind", kinds), ("id", ids)):
            if values is not None:
                values = list(values)
                if not values:
                    return []
                sql += f" AND {column} IN ({', '.join('?' * len(values))})"
                params.extend(values)
        if subject is not None:
            sql += " AND subject = ?"
            params.append(subject)
        # The id breaks ties (ids are time-ordered): a read path patched in memory must keep the same order.
        return self._items_from_rows(self._rows(sql + " ORDER BY valid_from, created_at, id", params))

    def current_ids(self, user_id: str, ids: Iterable[str]) -> list[str]:
        """Which of ``ids`` are current items of the user (without reading the items themselves)."""
        ids = list(ids)
        out: list[str] = []
        for chunk in _chunks(ids, 500):
            out += [r["id"] for r in self._rows(
                f"SELECT id FROM items WHERE id IN ({', '.join('?' * len(chunk))}) AND {self._unindexed}user_id = ? "
                "AND status = 'current' "
                "ORDER BY valid_from, created_at",
                (*chunk, user_id))]
        return out

    def current_subject_ids(self, user_id: str, subject: str) -> list[str]:
        """Ids of the user's current items with ``subject``, in ``items`` order (without reading the items)."""
        return [r["id"] for r in self._rows(
            "SELECT id FROM items WHERE user_id = ? AND status = 'current' AND subject = ? "
            "ORDER BY valid_from, created_at", (user_id, subject))]

    def item_ids(self, user_id: str | None = None) -> set[str]:
        if user_id is None:
            return {r["id"] for r in self._rows("SELECT id FROM items")}
        return {r["id"] for r in self._rows("SELECT id FROM items WHERE user_id = ?", (user_id,))}

    def update_item(self, user_id: str, item_id: str, **fields: Any) -> None:
        """Set columns of one item; datetimes and dicts are converted."""
        if not fields:
            return
        self._claim(user_id)
        cols, params = [], []
        for key, value in fields.items():
            if isinstance(value, datetime):
                value = _ts(value)
            elif isinstance(value, dict):
                value = json.dumps(value)
            cols.append(f"{key} = ?")
            params.append(value)
        cur = self._exec(f"UPDATE items SET {', '.join(cols)} WHERE id = ? AND user_id = ?", (*params, item_id, user_id))
        if cur.rowcount == 0:
            msg = f"no memory item {item_id!r} for user {user_id!r}"
            raise NotFoundError(msg, user_id=user_id, item_id=item_id)

    def touch_items(self, user_id: str, item_ids: Sequence[str], when: datetime) -> None:
        """Record that items were recalled (access statistics feed the decay policy)."""
        with self.transaction():
            for chunk in _chunks(list(item_ids), 500):
                self._exec(
                    f"UPDATE items SET access_count = access_count + 1, last_accessed = ? "
                    f"WHERE user_id = ? AND id IN ({', '.join('?' * len(chunk))})",
                    (_ts(when), user_id, *chunk),
                )

    def changed_items(self, user_id: str, op_version: int) -> set[str]:
        """Ids of the items whose history moved past ``op_version`` (see :meth:`op_version`): every write of the
        memory graph records each item it inserts, updates or purges there."""
        rows = self._rows("SELECT DISTINCT item_id FROM history WHERE user_id = ? AND id > ? AND item_id IS NOT NULL",
                          (user_id, op_version))
        return {r["item_id"] for r in rows}

    def item_ids_for_event(self, user_id: str, event_id: str) -> list[str]:
        return [
            r["item_id"]
            for r in self._rows("SELECT item_id FROM item_events WHERE event_id = ? AND user_id = ?", (event_id, user_id))
        ]

    # -- edges ------------------------------------------------------------------------------------------
    def insert_edge(self, edge: Edge) -> None:
        self._exec(
            "INSERT INTO edges(user_id, src, dst, type, created_at, metadata) VALUES(?, ?, ?, ?, ?, ?)",
            (edge.user_id, edge.src, edge.dst, edge.type.value, _ts(edge.created_at), json.dumps(edge.metadata)),
        )

    def edges(self, user_id: str, *, node: str | None = None, types: Iterable[EdgeType] | None = None) -> list[Edge]:
        sql, params = "SELECT * FROM edges WHERE user_id = ?", [user_id]
        if node is not None:
            sql += " AND (src = ? OR dst = ?)"
            params += [node, node]
        if types is not None:
            t = [e.value for e in types]
            sql += f" AND type IN ({', '.join('?' * len(t))})"
            params += t
        return [
            Edge(
                user_id=r["user_id"],
                src=r["src"],
                dst=r["dst"],
                type=r["type"],
                created_at=_dt_req(r["created_at"]),
                metadata=_metadata(r["metadata"]),
            )
            for r in self._rows(sql + " ORDER BY id", params)
        ]

    # -- history ----------------------------------------------------------------------------------------
    def add_history(
        self,
        user_id: str,
        op: Op,
        *,
        item_id: str | None = None,
        event_id: str | None = None,
        text: str | None = None,
        detail: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> None:
        self._exec(
            "INSERT INTO history(user_id, op, item_id, event_id, at, text, detail) VALUES(?, ?, ?, ?, ?, ?, ?)",
            (user_id, op.value, item_id, event_id, _ts(at or datetime.now(UTC)), text, json.dumps(detail or {})),
        )

    def history(self, user_id: str, *, item_id: str | None = None) -> list[HistoryEntry]:
        sql, params = "SELECT * FROM history WHERE user_id = ?", [user_id]
        if item_id is not None:
            sql += " AND item_id = ?"
            params.append(item_id)
        return [
            HistoryEntry(
                id=r["id"],
                user_id=r["user_id"],
                op=r["op"],
                item_id=r["item_id"],
                event_id=r["event_id"],
                at=_dt_req(r["at"]),
                text=r["text"],
                detail=json.loads(r["detail"]),
            )
            for r in self._rows(sql + " ORDER BY id", params)
        ]

    # -- removal ----------------------------------------------------------------------------------------
    def purge_item(self, user_id: str, item_id: str) -> None:
        """Delete an item's row, its edges and event links, and blank its text in history (the op rows stay)."""
        with self.transaction():
            self._claim(user_id)
            self._exec("DELETE FROM item_events WHERE item_id = ? AND user_id = ?", (item_id, user_id))
            self._exec("DELETE FROM edges WHERE user_id = ? AND (src = ? OR dst = ?)", (user_id, item_id, item_id))
            self._exec("UPDATE history SET text = NULL, detail = '{}' WHERE user_id = ? AND item_id = ?", (user_id, item_id))
            self._exec("UPDATE items SET superseded_by = NULL WHERE user_id = ? AND superseded_by = ?", (user_id, item_id))
            self._exec("DELETE FROM items WHERE id = ? AND user_id = ?", (item_id, user_id))

    def delete_user(self, user_id: str) -> None:
        """Remove every row of the user: events, items, edges, links, history and the user row itself. Nothing
        about the user remains (not even an audit row naming them); keep your own audit log if you need one."""
        self._events_changed()
        with self.transaction():
            self._claim(user_id)
            self._exec("DELETE FROM item_events WHERE user_id = ?", (user_id,))
            self._exec("DELETE FROM edges WHERE user_id = ?", (user_id,))
            self._exec("DELETE FROM items WHERE user_id = ?", (user_id,))
            self._exec("DELETE FROM events WHERE user_id = ?", (user_id,))
            self._exec("DELETE FROM history WHERE user_id = ?", (user_id,))
            self._exec("DELETE FROM pending WHERE user_id = ?", (user_id,))
            self._exec("DELETE FROM users WHERE user_id = ?", (user_id,))

    def counts(self, user_id: str) -> dict[str, int]:
        out = {}
        for table in ("events", "items", "edges", "history"):
            out[table] = int(self._rows(f"SELECT COUNT(*) AS n FROM {table} WHERE user_id = ?", (user_id,))[0]["n"])
        return out


class _Transaction:
    """``SQLStore.transaction()``: a plain class, not a generator context manager (a written turn enters
    five, most of them nested)."""

    __slots__ = ("_lock", "_outer", "_store")

    def __init__(self, store: SQLStore) -> None:
        self._store = store

    def __enter__(self) -> None:
        store = self._store
        self._lock = lock = store._lock  # PostgresStore: this thread's; released on exit whatever happens
        store._acquire(lock)
        if store._depth:
            store._depth += 1
            self._outer = False
            return
        try:
            store._begin()
        except BaseException:
            lock.release()
            raise
        store._depth = 1
        self._outer = True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        store = self._store
        try:
            if not self._outer:
                store._depth -= 1
                return
            store._depth = 0
            if exc is not None:
                store._rollback()
                return  # the exception goes on
            store._commit()
        finally:
            self._lock.release()


class SQLiteStore(SQLStore):
    """The store in one SQLite file. Thread-safe; one instance per process per file is enough.

    ``BEGIN IMMEDIATE`` takes the file's write lock when a transaction starts, so every write transaction is
    already serialised with every other writer of the file (any user, any process): ``lock_user`` has
    nothing to add.
    """

    _unindexed = "+"

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        super().__init__()
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with map_sqlite_errors(f"opening {self.path}"):
            self._conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            migrate(self._conn)  # idempotent DDL; safe when several processes open the file at once

    def close(self) -> None:
        with self._lock, map_sqlite_errors("closing"):
            self._conn.close()

    def _begin(self) -> None:
        with map_sqlite_errors("begin"):
            self._conn.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        with map_sqlite_errors("commit"):
            self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        with map_sqlite_errors("rollback"):
            self._conn.execute("ROLLBACK")

    # The two statements every call runs: a plain try (not map_sqlite_errors' generator) keeps the ~20 statements
    # of a write from paying a context manager each.
    def _exec(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            try:
                return self._conn.execute(sql, params)
            except sqlite3.Error as exc:
                msg = f"store: {sql.split(None, 2)[0].lower()} failed: {exc}"
                raise StoreError(msg) from exc

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        self._acquire(self._lock)  # a read from another thread counts as waiting (see ``waiting``)
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            msg = f"store: query failed: {exc}"
            raise StoreError(msg) from exc
        finally:
            self._lock.release()

    def data_version(self) -> int:
        """Changes whenever another connection (another process) commits to the file: caches check it."""
        return int(self._rows("PRAGMA data_version")[0][0])

    def scrub(self, *, vacuum: bool = False) -> bool:
        """Make deleted bytes unrecoverable: checkpoint and truncate the WAL; optionally VACUUM the file.

        ``secure_delete`` already zeroes deleted content in the main file; the WAL may still hold old page
        images until it is checkpointed, which is what this does. Returns False, with a ``MemagentWarning``,
        when another connection kept reading past the busy timeout: the WAL then keeps its old pages until a
        later scrub succeeds (or the last connection closes), so call it again.
        """
        with self._lock, map_sqlite_errors("scrub"):
            if vacuum:
                self._conn.execute("VACUUM")
            busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            msg = (f"{self.path}: another connection is still reading, so the write-ahead log could not be "
                   "truncated and may keep deleted text; call scrub() again once it is done")
            warnings.warn(msg, MemagentWarning, stacklevel=2)
        return not busy


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _chunks(seq: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]
