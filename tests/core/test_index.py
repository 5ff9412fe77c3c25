"""Vector indexes: the shared contract for Exact and Chroma, rebuild and reconcile, a real chroma server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from memagent import HashingEmbedder, IndexMismatchError, Memory
from memagent.retrieval.turns import TURN_NAMESPACE
from memagent.store.chroma_index import ChromaIndex
from memagent.store.index import ExactIndex, namespace_key
from memagent.testing import VectorIndexContract


class TestExact(VectorIndexContract):
    @pytest.fixture
    def index(self, tmp_path):
        idx = ExactIndex(tmp_path / "v.db", dim=4)
        yield idx
        idx.close()


class TestChromaPersistent(VectorIndexContract):
    @pytest.fixture
    def index(self, tmp_path):
        return ChromaIndex.persistent(str(tmp_path / "chroma"), dim=4)


def test_exact_index_persists_across_reopen(tmp_path):
    idx = ExactIndex(tmp_path / "v.db", dim=4)
    idx.add("u", ["a"], np.eye(4, dtype=np.float32)[:1])
    idx.close()
    again = ExactIndex(tmp_path / "v.db", dim=4)
    assert again.search("u", np.eye(4, dtype=np.float32)[0], 1)[0][0] == "a"


def test_index_rebuilt_after_its_files_are_deleted(tmp_path):
    emb = HashingEmbedder(dim=128)
    mem = Memory.open(tmp_path / "m.db", embedder=emb)
    for t in ("I love jazz", "I live in Porto", "I hate horror movies"):
        mem.add("u1", t)
    before = mem.recall("u1", "jazz").texts()
    mem.close()
    for f in tmp_path.glob("m.db.vectors*"):
        f.unlink()
    mem = Memory.open(tmp_path / "m.db", embedder=emb)
    assert len(mem.index.ids("u1")) == 3
    assert mem.recall("u1", "jazz").texts() == before
    mem.close()


def test_crash_between_commit_and_index_update_is_reconciled(tmp_path):
    emb = HashingEmbedder(dim=128)
    mem = Memory.open(tmp_path / "m.db", embedder=emb)
    mem.add("u1", "I love jazz")
    real_add = mem.index.add

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    mem.index.add = crash  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        mem.add("u1", "I live in Porto")
    mem.index.add = real_add  # type: ignore[method-assign]
    assert len(mem.store.item_ids("u1")) == 2 and len(mem.index.ids("u1")) == 1
    assert mem.reconcile() == {"embedded": 2, "removed": 0}  # the memory and the turn it came from
    assert len(mem.index.ids(namespace_key("u1", TURN_NAMESPACE))) == 2
    assert "Porto" in " ".join(mem.recall("u1", "where do I live").texts())
    mem.index.add("u1", ["mem_orphan"], emb.embed(["stray"]))
    assert mem.reconcile()["removed"] == 1
    mem.close()


def test_crash_inside_the_transaction_writes_nothing(tmp_path):
    emb = HashingEmbedder(dim=128)
    mem = Memory.open(tmp_path / "m.db", embedder=emb)
    mem.add("u1", "I love jazz")
    before = mem.store.counts("u1")
    real = mem.store.insert_item

    def boom(item):
        raise RuntimeError("disk on fire")

    mem.store.insert_item = boom  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        mem.add("u1", "I live in Porto")
    mem.store.insert_item = real  # type: ignore[method-assign]
    assert mem.store.counts("u1") == before
    mem.close()


def test_opening_with_another_embedder_fails_loudly(tmp_path):
    Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128)).close()
    with pytest.raises(IndexMismatchError, match="reindex=True"):
        Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=64))


def test_memory_over_chroma_persistent(tmp_path):
    emb = HashingEmbedder(dim=128)
    mem = Memory.open(tmp_path / "m.db", embedder=emb, index=ChromaIndex.persistent(str(tmp_path / "ch"), emb.dim))
    mem.add("u1", "I love jazz")
    mem.add("u2", "I love opera")
    assert "jazz" in mem.recall("u1", "music").to_prompt()
    assert "opera" not in mem.recall("u1", "music opera").to_prompt()
    mem.delete_user("u2")
    assert mem.index.ids("u2") == set()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_memory_against_a_real_chroma_server(tmp_path):
    chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the chroma CLI should be installed with chromadb")
    port = _free_port()
    env = {**os.environ, "HOME": str(tmp_path), "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "srv"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        emb = HashingEmbedder(dim=128)
        index = ChromaIndex.http("127.0.0.1", port, emb.dim)
        mem = Memory.open(tmp_path / "app1.db", embedder=emb, index=index)
        mem.add("u1", "I love jazz")
        mem.add("u1", "I live in Porto")
        second_client = ChromaIndex.http("127.0.0.1", port, emb.dim, collection=index.collection)
        assert len(second_client.ids("u1")) == 2  # another process of the same store sees them
        assert "jazz" in mem.recall("u1", "music").to_prompt()
        mem.forget("u1", query="jazz")
        assert len(index.ids("u1")) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_two_stores_share_one_chroma_database_without_clobbering(tmp_path):
    emb = HashingEmbedder(dim=128)
    path = str(tmp_path / "shared-chroma")
    a = Memory.open(tmp_path / "a.db", embedder=emb, index=ChromaIndex.persistent(path, emb.dim))
    a.add("u1", "I love jazz")
    b = Memory.open(tmp_path / "b.db", embedder=emb, index=ChromaIndex.persistent(path, emb.dim))
    b.add("u1", "I love opera")
    a2 = Memory.open(tmp_path / "a.db", embedder=emb, index=ChromaIndex.persistent(path, emb.dim))
    assert len(a2.index.ids("u1")) == 1 and len(b.index.ids("u1")) == 1
    assert "jazz" in a2.recall("u1", "music").to_prompt() and "opera" not in a2.recall("u1", "music").to_prompt()


def test_reopen_with_another_embedder_and_reindex(tmp_path):
    from memagent.preferences import Cipher

    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128))
    mem.add("u1", "I love jazz")
    Cipher(mem).learn("u1", "Summarize: the river flows north.", "A river flows.", "- River\n- Flows north")
    mem.close()
    with pytest.raises(IndexMismatchError, match="reindex=True"):
        Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=64))
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=64), reindex=True)
    assert mem.index.embedder_identity() == {"name": "memagent-hashing-v1-64", "dim": 64}
    assert "jazz" in mem.recall("u1", "jazz").to_prompt()
    assert Cipher(mem).infer("u1", "Summarize: the river is long.").preference  # CIPHER contexts re-embedded


def test_a_version_1_database_is_migrated_on_open(tmp_path):
    import sqlite3

    from memagent import HashingEmbedder, Memory
    from memagent.store import schema

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(schema._MIGRATIONS[0])
    conn.execute("INSERT INTO meta(key, value) VALUES('schema_version', '1')")
    conn.commit()
    conn.close()
    mem = Memory.open(db, embedder=HashingEmbedder())
    mem.add("u", "I love jazz")
    assert [i.text for i in mem.items("u")]
    mem.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(schema.SCHEMA_VERSION)
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT id FROM events WHERE user_id = 'u' ORDER BY seq DESC LIMIT 1").fetchall()
    assert "events_user_seq" in str(plan)
    conn.close()


def test_blas_limit_holds_inside_and_restores_the_host_setting_even_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import ThreadpoolController

    from memagent._blas import one_blas_thread

    blas = ThreadpoolController().select(user_api="blas")
    if not blas.lib_controllers:
        pytest.skip("numpy has no BLAS library that threadpoolctl can control here")
    before = [c.num_threads for c in blas.lib_controllers]

    def inside(_):
        with one_blas_thread():
            return [c.num_threads for c in ThreadpoolController().select(user_api="blas").lib_controllers]

    with ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(inside, range(40)))
    assert all(n == 1 for threads in seen for n in threads)
    assert [c.num_threads for c in ThreadpoolController().select(user_api="blas").lib_controllers] == before


def test_a_closed_persistent_chroma_index_reopens_with_its_vectors(tmp_path):
    emb = HashingEmbedder(dim=128)
    path = str(tmp_path / "chroma")
    with Memory.open(tmp_path / "m.db", embedder=emb, index=ChromaIndex.persistent(path, emb.dim)) as mem:
        mem.add("u1", "I love jazz")
    with Memory.open(tmp_path / "m.db", embedder=emb, index=ChromaIndex.persistent(path, emb.dim)) as mem:
        assert len(mem.index.ids("u1")) == 1
        assert "jazz" in mem.recall("u1", "music").to_prompt()


def test_rows_of_gathers_what_rows_gives_through_adds_replacements_and_deletes(tmp_path):
    rng = np.random.default_rng(3)
    idx = ExactIndex(tmp_path / "v.db", dim=4)
    idx.add("u", ["a", "b", "c"], rng.normal(size=(3, 4)))
    ids = ["c", "x", "a", "b"]  # "x" has no vector yet
    rows = np.array([0, 1, 3, 1])

    def same() -> None:
        got, found = idx.rows_of("u", ids, rows)
        want, want_found = idx.rows("u", [ids[r] for r in rows])
        assert np.array_equal(got, want) and np.array_equal(found, want_found)

    same()
    idx.add("u", ["x"], rng.normal(size=(1, 4)))  # appended: the kept positions must see it
    same()
    assert idx.rows_of("u", ids, rows)[1].all()
    idx.add("u", ["a"], rng.normal(size=(1, 4)))  # replaced in place
    same()
    idx.delete("u", ["c"])  # the matrix is rebuilt: positions move
    same()
    assert not idx.rows_of("u", ids, rows)[1][0]
    other = ["b", "a"]  # another list for the same key keeps its own positions
    assert np.array_equal(idx.rows_of("u", other, np.array([1]))[0], idx.rows("u", ["a"])[0])
    same()
    idx.add("u", ["a#v"], rng.normal(size=(1, 4)))  # a suffix names other ids after the same list
    got, found = idx.rows_of("u", ids, rows, suffix="#v")
    assert found.tolist() == [False, False, False, False]  # "c#v", "x#v", "b#v", "x#v": none has a vector
    got, found = idx.rows_of("u", ids, np.array([2]), suffix="#v")
    assert found.tolist() == [True] and np.array_equal(got, idx.rows("u", ["a#v"])[0])
    same()  # the plain list's positions were kept apart
    idx.delete_user("u")
    assert not idx.rows_of("u", ids, rows)[1].any()
    idx.close()
