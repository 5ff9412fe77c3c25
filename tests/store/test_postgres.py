"""PostgreSQL specifics beyond the shared contract: per-user (not global) locking, the scrub trade-off, schema
versions, reconnecting, and how ``Memory.open`` reads store URLs."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from memagent import HashingEmbedder, Memory
from memagent.errors import ConfigError, MissingDependencyError, StoreError
from memagent.store.sqlite import SQLiteStore
from memagent.types import Event, Op

pytestmark = pytest.mark.integration


@pytest.fixture
def dsn(postgres_server):
    return postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def store(dsn):
    from memagent.store.postgres import PostgresStore

    s = PostgresStore(dsn)
    yield s
    s.close()


def test_writers_of_different_users_do_not_wait_for_each_other(dsn, store):
    from memagent.store.postgres import PostgresStore

    other = PostgresStore(dsn)
    took: list[float] = []

    def second_app_server(user: str) -> None:
        start = time.perf_counter()
        with other.transaction():
            other.lock_user(user)
        took.append(time.perf_counter() - start)

    with store.transaction():
        store.lock_user("u1")
        t = threading.Thread(target=second_app_server, args=("u2",))
        t.start()
        t.join(5)
        assert took and took[0] < 0.5  # u2 got its lock while u1's was held
        t = threading.Thread(target=second_app_server, args=("u1",))
        t.start()
        time.sleep(0.4)
        assert len(took) == 1  # u1's second writer is still queued
    t.join(5)
    assert len(took) == 2 and took[1] >= 0.3
    other.close()


def test_deferred_scrub_keeps_bytes_until_scrub_now(postgres_server, dsn, chroma_server):
    secret = "Wombatfjord"
    mem = Memory.open(dsn, vector=chroma_server.url, embedder=HashingEmbedder(dim=256),
                      store_options={"scrub": "deferred"})
    mem.add("u1", f"I live in {secret}")
    mem.delete_user("u1")
    assert postgres_server.files_containing(secret) != []  # dead row versions and WAL still hold it
    assert mem.store.scrub_now() is True
    assert postgres_server.files_containing(secret) == []
    mem.close()


def test_a_newer_schema_is_refused(dsn, store):
    from memagent.store.postgres import PostgresStore

    store.meta_set("schema_version", "999")
    with pytest.raises(StoreError, match="newer than this memagent"):
        PostgresStore(dsn)


def test_a_dropped_connection_is_reopened_on_the_next_call(dsn, store):
    import psycopg

    with store.transaction():
        store.ensure_user("u1")
        store.insert_event(Event(user_id="u1", text="hello"))
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with pytest.raises(StoreError):  # the call that finds the connection gone fails, typed
        store.users()
    assert store.users() == ["u1"]  # the next one reconnects


def test_op_history_rows_get_increasing_ids(store):
    store.ensure_user("u1")
    for n in range(3):
        store.add_history("u1", Op.INSERT, item_id=f"i{n}", text="t")
    assert [h.item_id for h in store.history("u1")] == ["i0", "i1", "i2"]


def test_open_parses_sqlite_urls_and_plain_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    emb = HashingEmbedder(dim=64)
    for target, file in [("sqlite:///rel.db", tmp_path / "rel.db"), (f"sqlite:///{tmp_path}/abs.db", tmp_path / "abs.db"),
                         (tmp_path / "plain.db", tmp_path / "plain.db"), (str(tmp_path / "dir"), tmp_path / "dir" / "memagent.db")]:
        mem = Memory.open(target, embedder=emb)
        assert isinstance(mem.store, SQLiteStore) and Path(mem.store.path).resolve() == file
        mem.close()
    mem = Memory.open("sqlite://", embedder=emb)
    assert mem.store.path == ":memory:"
    mem.close()


@pytest.mark.parametrize(("target", "vector", "match"), [
    ("postgresql://nobody@127.0.0.1:1/x", None, "vector='chroma://host:port'"),
    ("mysql://x/y", None, "unknown store URL"),
    ("sqlite://relative.db", None, "sqlite:///relative/path.db"),
    (":memory:", "faiss://x", "expected 'exact' or chroma://host:port"),
    (":memory:", "chroma://nohostport", "expected chroma://host:port"),
])
def test_open_explains_unusable_urls(target, vector, match):
    with pytest.raises(ConfigError, match=match):
        Memory.open(target, vector=vector, embedder=HashingEmbedder(dim=64))


def test_the_vector_server_may_ride_in_the_store_url(dsn, chroma_server):
    mem = Memory.open(f"{dsn}?connect_timeout=5&vector={chroma_server.url}", embedder=HashingEmbedder(dim=64))
    mem.add("u1", "I love jazz")
    assert mem.index.ids("u1") and mem.store.dsn == f"{dsn}?connect_timeout=5"
    mem.close()


def test_an_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError, match="postgres: connecting failed"):
        Memory.open("postgresql://nobody@127.0.0.1:1/x", vector="chroma://127.0.0.1:1", embedder=HashingEmbedder(dim=64))


def test_missing_psycopg_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingDependencyError, match=r"memagent\[postgres\]"):
        Memory.open("postgresql://x@127.0.0.1:1/x", vector="chroma://127.0.0.1:1", embedder=HashingEmbedder(dim=64))


def test_threads_of_one_store_write_different_users_in_parallel(store):
    """Each thread has its own connection: a transaction held open for u1 neither blocks u2's writer nor
    lets u1's second writer in."""
    done: dict[str, float] = {}

    def write(user: str) -> None:
        start = time.perf_counter()
        with store.transaction():
            store.ensure_user(user)
            store.add_history(user, Op.INSERT, item_id="x", text="t")
        done[user] = time.perf_counter() - start

    with store.transaction():
        store.ensure_user("u1")
        threads = {u: threading.Thread(target=write, args=(u,)) for u in ("u1", "u2")}
        for t in threads.values():
            t.start()
        threads["u2"].join(5)
        time.sleep(0.3)
        assert "u2" in done and "u1" not in done
    threads["u1"].join(5)
    assert done["u1"] >= 0.3 and store.op_version("u1") > 0 and store.users() == ["u1", "u2"]


def test_connections_of_ended_threads_are_closed(store):
    def call() -> None:
        store.users()

    for _ in range(3):  # each new thread's first call closes the sessions of threads that have ended
        t = threading.Thread(target=call)
        t.start()
        t.join(5)
    with store._sessions_guard:
        assert [t.is_alive() for t, _ in store._sessions] == [True, False]  # this thread's, and the last one's
