"""The one Store contract suite, run against SQLite (a file per test) and PostgreSQL + a chroma server (a
database per test on one server per session; see the ``postgres_server`` / ``chroma_server`` fixtures)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from memagent import HashingEmbedder, Memory
from memagent.store.sqlite import SQLiteStore
from memagent.testing.contracts import StoreContract


def _scan(root: Path, needle: str) -> list[str]:
    data = needle.encode()
    return [str(p) for p in root.rglob("*") if p.is_file() and data in p.read_bytes()]


class _Opened:
    """Closes every store and memory a test opened."""

    def __init__(self) -> None:
        self.things: list = []

    def keep(self, thing):
        self.things.append(thing)
        return thing

    def close(self) -> None:
        for thing in reversed(self.things):
            thing.close()


class SQLiteBackend(_Opened):
    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root, self.path = root, root / "m.db"

    def store(self):
        return self.keep(SQLiteStore(self.path))

    def memory(self):
        return self.keep(Memory.open(self.path, embedder=HashingEmbedder(dim=256)))

    def files_containing(self, needle: str) -> list[str]:
        return _scan(self.root, needle)


class PostgresBackend(_Opened):
    def __init__(self, pg, chroma) -> None:
        super().__init__()
        self.pg, self.chroma = pg, chroma
        self.dsn = pg.create_database(f"t_{uuid.uuid4().hex[:12]}")

    def store(self):
        from memagent.store.postgres import PostgresStore

        return self.keep(PostgresStore(self.dsn))

    def memory(self):
        return self.keep(Memory.open(self.dsn, vector=self.chroma.url, embedder=HashingEmbedder(dim=256)))

    def files_containing(self, needle: str) -> list[str]:
        """This database's table and index files, the cluster's WAL and shared catalogs, and chroma's files."""
        import psycopg

        with psycopg.connect(self.dsn) as conn:
            oid = conn.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
        data = self.pg.data_dir
        found = [f for sub in (f"base/{oid}", "pg_wal", "global") for f in _scan(data / sub, needle)]
        return found + _scan(self.chroma.root, needle)


class TestSQLiteStoreContract(StoreContract):
    @pytest.fixture
    def backend(self, tmp_path):
        b = SQLiteBackend(tmp_path)
        yield b
        b.close()


@pytest.mark.integration
class TestPostgresStoreContract(StoreContract):
    @pytest.fixture
    def backend(self, postgres_server, chroma_server):
        b = PostgresBackend(postgres_server, chroma_server)
        yield b
        b.close()
