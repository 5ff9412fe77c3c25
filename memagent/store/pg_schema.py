"""PostgreSQL schema and migrations, the counterpart of :mod:`memagent.store.schema` (same tables and columns,
so the shared SQL in :class:`~memagent.store.sqlite.SQLStore` runs on both). Times are epoch seconds in
``double precision`` and metadata is JSON text, as in SQLite. Bump by appending; never edit an old one.
"""

from __future__ import annotations

from typing import Any

from memagent.store import schema as sqlite_schema
from memagent.store.schema import upgrade

__all__ = ["PG_SCHEMA_VERSION", "migrate_pg"]


def _from_sqlite(ddl: str) -> str:
    """SQLite DDL in PostgreSQL's types: the tables stay column-for-column the same on both engines."""
    for old, new in (("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"), ("id INTEGER PRIMARY KEY", "id BIGSERIAL PRIMARY KEY"),
                     ("seq INTEGER", "seq BIGINT"), (" REAL", " DOUBLE PRECISION"),
                     # unique: a writer that slipped past the per-user lock fails here instead of duplicating a seq
                     ("CREATE INDEX IF NOT EXISTS events_user_seq", "CREATE UNIQUE INDEX IF NOT EXISTS events_user_seq")):
        ddl = ddl.replace(old, new)
    return ddl


# SQLite's versions 1 and 2 (schema.py; old migrations never change) make PostgreSQL's version 1.
_V1 = _from_sqlite(sqlite_schema.V1 + sqlite_schema.V2)

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
    record = "INSERT INTO meta(key, value) VALUES('schema_version', %s) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", _MIGRATION_LOCK)
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        found = int(row["value"]) if row else 0
        upgrade(found, _MIGRATIONS, conn.execute, lambda v: conn.execute(record, (str(v),)))
    return found
