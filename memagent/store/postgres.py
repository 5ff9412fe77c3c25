"""The system of record in PostgreSQL (psycopg 3), shared by many app servers.

Concurrency design:
- Isolation is READ COMMITTED, and every write transaction takes a transaction-scoped advisory lock per user
  (``pg_advisory_xact_lock(hashtextextended(user_id, 0))``) before its first user-scoped statement. Writers
  of one user therefore run one after another on every app server, while writers of different users never
  wait for each other (a hash collision only makes two users share a queue). Each statement after the lock
  sees everything committed before it, so the writer's ``op_version`` check under the lock is exact.
  REPEATABLE READ would be wrong here: its snapshot is taken before the lock wait and would miss the
  previous writer's commit. SERIALIZABLE would also work, but it aborts unrelated writers on predicate
  conflicts and needs retry loops everywhere, for a guarantee the lock already gives.
- A retried write carries the same event id; the writer checks for it under the lock (see ``MemoryWriter``).
- One connection per thread that uses the store (opened on its first call, closed when the thread has
  ended or the store closes), so the threads of one app server run in parallel. A dropped connection is
  reopened on the next call outside a transaction.

Forgetting: an UPDATE or DELETE leaves the old row version in the table file, and plain VACUUM only marks
its space free (the bytes stay until reused), and the write-ahead log keeps a copy too. So ``scrub()``
(called after every forget and delete_user) runs ``VACUUM FULL`` on the tables that hold text, then
``pg_switch_wal()`` and ``CHECKPOINT``: with ``wal_recycle=off`` on the server, old WAL segments are then
deleted rather than renamed for reuse. ``VACUUM FULL`` rewrites those tables under an exclusive lock, which
stalls every writer for as long as the rewrite takes: busy deployments open the store with
``scrub="deferred"`` and run :meth:`PostgresStore.scrub_now` in a maintenance window (see README "Deploying").
Backups, replicas and WAL archives keep their own copies: that is outside what a client can erase.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from memagent.errors import MemagentWarning, MissingDependencyError, StoreError
from memagent.store.pg_schema import migrate_pg
from memagent.store.sqlite import SQLStore

__all__ = ["PostgresStore"]

# Tables whose rows hold user text (or the user id): what scrub rewrites.
_TEXT_TABLES = "events, items, history, edges, item_events, users"


@dataclass
class _Session:
    """One thread's connection and transaction state: threads of one process run their statements (and
    transactions of different users) in parallel, each on its own connection."""

    conn: Any
    depth: int = 0
    claimed: set[str] = field(default_factory=set)  # users locked by the open transaction
    lock: threading.RLock = field(default_factory=threading.RLock)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        msg = 'PostgresStore needs psycopg 3: pip install "memagent[postgres]"'
        raise MissingDependencyError(msg, extra="postgres") from exc
    return psycopg


class PostgresStore(SQLStore):
    """The store in a PostgreSQL database (``postgresql://user:pass@host:port/db``).

    Args:
        dsn: a libpq connection string or URL.
        scrub: ``"full"`` (default) erases forgotten text from the table files and the WAL right after each
            forget; ``"deferred"`` leaves that to :meth:`scrub_now`, run by the operator.
        connect_timeout: seconds to wait for the server.

    Raises (every method):
        StoreError: the server is unreachable, a statement failed, the schema is newer than this code.
        MissingDependencyError: psycopg is not installed.
    """

    def __init__(self, dsn: str, *, scrub: Literal["full", "deferred"] = "full", connect_timeout: float = 10.0) -> None:
        # No super().__init__(): the lock and the transaction depth are per thread here (see _Session).
        if scrub not in ("full", "deferred"):
            msg = f"scrub must be 'full' or 'deferred', not {scrub!r}"
            raise ValueError(msg)
        self.dsn = dsn
        self.scrub_mode = scrub
        self._connect_timeout = connect_timeout
        self._psycopg = _psycopg()
        self._local = threading.local()
        self._sessions: list[tuple[threading.Thread, _Session]] = []
        self._sessions_guard = threading.Lock()
        try:
            with self._errors("migrating"):
                migrate_pg(self._s.conn)
        except RuntimeError as exc:
            self.close()
            raise StoreError(str(exc)) from exc
        except BaseException:
            self.close()
            raise

    @property
    def _s(self) -> _Session:
        """This thread's session, opened on its first call. Sessions of threads that have ended are closed
        here, so a thread pool that replaces its workers does not pile up connections."""
        session: _Session | None = getattr(self._local, "session", None)
        if session is None:
            session = _Session(self._connect())
            self._local.session = session
            with self._sessions_guard:
                ended = [s for t, s in self._sessions if not t.is_alive()]
                self._sessions = [(t, s) for t, s in self._sessions if t.is_alive()]
                self._sessions.append((threading.current_thread(), session))
            for s in ended:
                s.conn.close()
        return session

    @property
    def _lock(self) -> threading.RLock:  # type: ignore[override]
        return self._s.lock

    @property
    def _depth(self) -> int:  # type: ignore[override]
        return self._s.depth

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._s.depth = value

    @property
    def _conn(self) -> Any:
        return self._s.conn

    def _connect(self) -> Any:
        from psycopg.rows import dict_row

        with self._errors("connecting"):
            return self._psycopg.connect(self.dsn, autocommit=True, row_factory=dict_row,
                                         connect_timeout=max(1, int(self._connect_timeout)))

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except self._psycopg.Error as exc:
            msg = f"postgres: {what} failed: {type(exc).__name__}: {exc}"
            raise StoreError(msg) from exc

    @property
    def _live(self) -> Any:
        """The connection, reopened if the server dropped it (never inside a transaction: that one is lost)."""
        session = self._s
        if session.conn.closed and not session.depth:
            session.conn = self._connect()
        return session.conn

    # -- plumbing ---------------------------------------------------------------------------------------
    def close(self) -> None:
        """Close every thread's connection (a thread that calls the store again gets a new one)."""
        with self._sessions_guard:
            sessions, self._sessions = self._sessions, []
        self._local = threading.local()
        with self._errors("closing"):
            for _, session in sessions:
                session.conn.close()

    def _begin(self) -> None:
        with self._errors("begin"):
            self._live.execute("BEGIN ISOLATION LEVEL READ COMMITTED")

    def _commit(self) -> None:
        self._s.claimed.clear()
        with self._errors("commit"):
            self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        self._s.claimed.clear()
        if self._conn.closed:  # the server went away mid-transaction: nothing to roll back on this side
            return
        with self._errors("rollback"):
            self._conn.execute("ROLLBACK")

    def _claim(self, user_id: str) -> None:
        with self._lock:
            if self._depth and user_id not in self._s.claimed:
                self._exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (user_id,))
                self._s.claimed.add(user_id)

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock, self._errors(sql.split(None, 2)[0].lower()):
            return self._live.execute(sql.replace("?", "%s"), params)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock, self._errors("query"):
            return self._live.execute(sql.replace("?", "%s"), params).fetchall()

    def data_version(self) -> str:
        """The current snapshot (``xmin:xmax:in-progress``): equal snapshots see exactly the same committed data,
        so a cache compared against it is never stale. It moves with every commit on the server."""
        return str(self._rows("SELECT pg_current_snapshot()::text AS v")[0]["v"])

    def scrub(self, *, vacuum: bool = False) -> bool:
        """After a forget or delete_user: erase the deleted text now (``scrub="full"``), or leave it to
        :meth:`scrub_now` (``"deferred"``, returns False). ``vacuum`` is accepted for the protocol; the full
        scrub always rewrites the tables."""
        if self.scrub_mode == "deferred":
            return False
        return self.scrub_now()

    def scrub_now(self) -> bool:
        """``VACUUM FULL`` the tables holding text, then switch and checkpoint the WAL. Returns False, with a
        ``MemagentWarning``, when the role may not switch the WAL or checkpoint (needs superuser, or
        ``pg_checkpoint`` plus EXECUTE on ``pg_switch_wal``): the WAL then keeps the text until it recycles."""
        with self._lock:
            if self._depth:
                msg = "scrub_now() cannot run inside a transaction (VACUUM cannot)"
                raise StoreError(msg)
            with self._errors("vacuum"):
                self._live.execute(f"VACUUM FULL {_TEXT_TABLES}")
            try:
                self._conn.execute("SELECT pg_switch_wal()")
                self._conn.execute("CHECKPOINT")
            except self._psycopg.errors.InsufficientPrivilege as exc:
                warnings.warn(f"postgres: the write-ahead log still holds deleted text ({exc}); run "
                              "SELECT pg_switch_wal(); CHECKPOINT; as a superuser", MemagentWarning, stacklevel=2)
                return False
            except self._psycopg.Error as exc:
                raise StoreError(f"postgres: WAL switch failed: {exc}") from exc
        return True

