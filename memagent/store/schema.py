"""SQLite schema and migrations. Bump ``SCHEMA_VERSION`` and append a migration; never edit an old one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

__all__ = ["SCHEMA_VERSION", "V1", "V2", "migrate", "upgrade"]

V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    ts REAL NOT NULL,
    session_id TEXT,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_user_ts ON events(user_id, ts, seq);
CREATE INDEX IF NOT EXISTS events_user_session ON events(user_id, session_id, seq);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    subject TEXT,
    value TEXT,
    domain TEXT,
    polarity INTEGER NOT NULL DEFAULT 0,
    importance REAL NOT NULL,
    confidence REAL NOT NULL,
    evidence_count INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL,
    valid_from REAL NOT NULL,
    valid_to REAL,
    superseded_by TEXT,
    status TEXT NOT NULL,
    access_count INTEGER NOT NULL DEFAULT 0,
    last_accessed REAL,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS items_user_status ON items(user_id, status, kind);
CREATE INDEX IF NOT EXISTS items_user_subject ON items(user_id, subject);
CREATE TABLE IF NOT EXISTS item_events (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    PRIMARY KEY (item_id, event_id)
);
CREATE INDEX IF NOT EXISTS item_events_event ON item_events(event_id);
CREATE TABLE IF NOT EXISTS edges (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    src TEXT NOT NULL,
    dst TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at REAL NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS edges_src ON edges(user_id, src);
CREATE INDEX IF NOT EXISTS edges_dst ON edges(user_id, dst);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    op TEXT NOT NULL,
    item_id TEXT,
    event_id TEXT,
    at REAL NOT NULL,
    text TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS history_user ON history(user_id, id);
CREATE INDEX IF NOT EXISTS history_item ON history(item_id);
"""

# v2: the newest event of a user (the `follows` link of every write) without scanning all of them.
V2 = """
CREATE INDEX IF NOT EXISTS events_user_seq ON events(user_id, seq);
"""

# Each entry upgrades from version i to i + 1.
_MIGRATIONS: list[str] = [V1, V2]
SCHEMA_VERSION = len(_MIGRATIONS)


def upgrade(found: int, migrations: Sequence[str], run: Callable[[str], object], record: Callable[[int], object]) -> None:
    """Run the migrations after version ``found``, calling ``record(v)`` after each (both engines share this).

    Raises:
        RuntimeError: the database is newer than this code.
    """
    if found > len(migrations):
        msg = f"database schema version {found} is newer than this memagent ({len(migrations)}); upgrade memagent"
        raise RuntimeError(msg)
    for version in range(found, len(migrations)):
        run(migrations[version])
        record(version + 1)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to ``SCHEMA_VERSION``; returns the version found before migrating.

    Raises:
        sqlite3.DatabaseError: the file is newer than this code (caller translates to StoreError).
    """
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    found = int(row[0]) if row else 0
    record = "INSERT INTO meta(key, value) VALUES('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
    try:
        upgrade(found, _MIGRATIONS, conn.executescript, lambda v: conn.execute(record, (str(v),)))
    except RuntimeError as exc:
        raise sqlite3.DatabaseError(str(exc)) from exc
    return found
