"""PostgreSQL schema and migrations, the counterpart of :mod:`memagent.store.schema` (same tables and columns,
so the shared SQL in :class:`~memagent.store.sqlite.SQLStore` runs on both). Times are epoch seconds in
``double precision`` and metadata is JSON text, as in SQLite. Bump by appending; never edit an old one.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PG_SCHEMA_VERSION", "migrate_pg"]

_V1 = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    ts DOUBLE PRECISION NOT NULL,
    session_id TEXT,
    metadata TEXT NOT NULL DEFAULT '{}'
);
-- unique: a second writer that slipped past the per-user lock would fail here instead of duplicating a seq
CREATE UNIQUE INDEX IF NOT EXISTS events_user_seq ON events(user_id, seq);
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
    importance DOUBLE PRECISION NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    evidence_count INTEGER NOT NULL DEFAULT 1,
    created_at DOUBLE PRECISION NOT NULL,
    valid_from DOUBLE PRECISION NOT NULL,
    valid_to DOUBLE PRECISION,
    superseded_by TEXT,
    status TEXT NOT NULL,
    access_count INTEGER NOT NULL DEFAULT 0,
    last_accessed DOUBLE PRECISION,
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
    id BIGSERIAL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    src TEXT NOT NULL,
    dst TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS edges_src ON edges(user_id, src);
CREATE INDEX IF NOT EXISTS edges_dst ON edges(user_id, dst);
CREATE TABLE IF NOT EXISTS history (
    id BIGSERIAL PRIMARY KEY,
    user_id TEXT NOT NULL,
    op TEXT NOT NULL,
    item_id TEXT,
    event_id TEXT,
    at DOUBLE PRECISION NOT NULL,
    text TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS history_user ON history(user_id, id);
CREATE INDEX IF NOT EXISTS history_item ON history(item_id);
"""

# Each entry upgrades from version i to i + 1.
_MIGRATIONS: list[str] = [_V1]
PG_SCHEMA_VERSION = len(_MIGRATIONS)

# pg_advisory_lock(int, int) keys live apart from the single-bigint keys the store uses for users.
_MIGRATION_LOCK = (0x6D656D, 1)


def migrate_pg(conn: Any) -> int:
    """Bring the database to ``PG_SCHEMA_VERSION`` in one transaction; returns the version found before.

    Several app servers starting at once queue on an advisory lock, so each migration runs exactly once.

    Raises:
        RuntimeError: the database is newer than this code (the caller translates it to StoreError).
        psycopg.Error: the DDL failed.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", _MIGRATION_LOCK)
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        found = int(row["value"]) if row else 0
        if found > PG_SCHEMA_VERSION:
            msg = (f"database schema version {found} is newer than this memagent ({PG_SCHEMA_VERSION}); "
                   "upgrade memagent")
            raise RuntimeError(msg)
        for version in range(found, PG_SCHEMA_VERSION):
            conn.execute(_MIGRATIONS[version])
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', %s) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(version + 1),),
            )
    return found
