"""Vector indexes over memory items, per user. The SQLite store is the truth; an index can always be rebuilt.

``VectorIndex`` is the protocol (add, delete, search, vectors, ids). ``ExactIndex`` is the embedded default:
vectors persist in their own small SQLite file (no text in it), and each user's matrix is loaded into numpy
on first use, so a search is one matrix-vector product over that user's items only.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from memagent._blas import blas_threads_for, one_blas_thread
from memagent.errors import IndexMismatchError, InvalidInputError
from memagent.store.columns import MIN_ROWS, SparseColumns, top_rows
from memagent.store.sqlite import map_sqlite_errors

__all__ = ["ExactIndex", "VectorIndex", "as_vectors", "check_embedder_identity", "key_owner", "namespace_key"]

# Plugins keep extra vectors of a user under "<user_id>\x1f<namespace>" (CIPHER contexts, for instance). User ids
# cannot contain control characters, so such a key never equals a real user's key, whatever the ids look like
# (a separator such as "::" did: user "u1::cipher" shared its key with u1's CIPHER contexts).
NAMESPACE_SEP = "\x1f"


def namespace_key(user_id: str, namespace: str) -> str:
    """The index key under which a plugin keeps extra vectors of ``user_id``."""
    return f"{user_id}{NAMESPACE_SEP}{namespace}"


def key_owner(key: str) -> tuple[str, str | None]:
    """The user id an index key belongs to, and its plugin namespace (None: the user's own memory items)."""
    user, sep, namespace = key.partition(NAMESPACE_SEP)
    return user, (namespace if sep else None)


def as_vectors(ids: Sequence[str], vectors: np.ndarray, dim: int) -> np.ndarray:
    """``vectors`` as float32 rows, one per id. Raises InvalidInputError on any other shape."""
    out = np.asarray(vectors, dtype=np.float32)
    if out.shape != (len(ids), dim):
        msg = f"expected vectors of shape {(len(ids), dim)}, got {out.shape}"
        raise InvalidInputError(msg)
    return out


@runtime_checkable
class VectorIndex(Protocol):
    """Per-user nearest-neighbour search over item vectors (unit length, cosine = dot product).

    Optional: ``one_transaction()``, a context manager under which every ``add`` commits together (ExactIndex has
    it; the writer uses it where present, see memagent.graph.batch)."""

    def add(self, user_id: str, ids: Sequence[str], vectors: np.ndarray) -> None: ...

    def delete(self, user_id: str, ids: Iterable[str]) -> None: ...

    def delete_user(self, user_id: str) -> None: ...

    def search(self, user_id: str, vector: np.ndarray, k: int) -> list[tuple[str, float]]: ...

    def vectors(self, user_id: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of those ``ids`` the index has. An id it lacks (deleted meanwhile, or written by another
        process and not visible yet) is left out, and callers treat it as having no vector; an answer the
        index cannot pair with its ids raises StoreError, never a partial or shifted mapping."""
        ...

    def ids(self, user_id: str | None = None) -> set[str]: ...

    def users(self) -> set[str]: ...

    def embedder_identity(self) -> dict[str, object] | None: ...

    def set_embedder_identity(self, identity: dict[str, object]) -> None: ...

    def close(self) -> None: ...


def check_embedder_identity(index: VectorIndex, name: str, dim: int) -> None:
    """Record the embedder on a new index; refuse an index built by another one.

    Raises:
        IndexMismatchError: the index was built with a different embedder name or dimension.
    """
    stored = index.embedder_identity()
    if stored is None:
        index.set_embedder_identity({"name": name, "dim": dim})
        return
    if stored.get("name") != name or int(stored.get("dim", -1)) != dim:  # type: ignore[call-overload]
        msg = (
            f"this memory was indexed with embedder {stored.get('name')!r} (dim {stored.get('dim')}), "
            f"not {name!r} (dim {dim}); open it with the same embedder, or with reindex=True to re-embed everything"
        )
        raise IndexMismatchError(msg, stored=stored)


# Id lists ExactIndex.rows_of keeps row positions for, per key (a user's snapshot, and its kinds-filtered views).
_LOCATED_LISTS = 4
_UNKNOWN = -2


class _UserMatrix:
    """One user's vectors; rows live in a buffer that doubles when full, so appends are amortised O(1).

    ``columns``: the non-zero entries by column, for sparse requests (``store.columns``), built on the first
    search past ``MIN_ROWS`` rows; ``dense``: the vectors were found too dense for it (never tried again)."""

    __slots__ = ("buf", "columns", "dense", "ids", "pos")

    def __init__(self, dim: int, rows: np.ndarray | None = None) -> None:
        self.ids: list[str] = []
        self.pos: dict[str, int] = {}
        self.buf = rows if rows is not None else np.zeros((16, dim), dtype=np.float32)
        self.columns: SparseColumns | None = None
        self.dense = False

    @property
    def matrix(self) -> np.ndarray:
        return self.buf[: len(self.ids)]

    def append(self, item_id: str, vector: np.ndarray) -> None:
        n = len(self.ids)
        if n == len(self.buf):
            grown = np.zeros((max(16, 2 * n), self.buf.shape[1]), dtype=np.float32)
            grown[:n] = self.buf
            self.buf = grown
        self.buf[n] = vector
        self.pos[item_id] = n
        self.ids.append(item_id)

    def replace(self, row: int, vector: np.ndarray) -> None:
        self.buf[row] = vector
        if self.columns is not None and row < self.columns.base:  # its column entries are the old vector's
            self.columns.stale.add(row)

    def sparse_columns(self) -> SparseColumns | None:
        """The columns to search a sparse request with (built or rebuilt now if due), or None."""
        n = len(self.ids)
        if n < MIN_ROWS or self.dense:
            return None
        if self.columns is None or self.columns.needs_rebuild(n):
            self.columns = SparseColumns.build(self.matrix)
            self.dense = self.columns is None
        return self.columns


class ExactIndex:
    """Exact cosine search in numpy, persisted to ``path`` (a SQLite file of id -> float32 blob).

    Args:
        path: the vectors file, or ``":memory:"`` for a throwaway index.
        dim: vector length; checked on every add.

    Raises:
        InvalidInputError: vectors of the wrong shape.
        StoreError: the file cannot be read or written.
    """

    def __init__(self, path: str | Path, dim: int) -> None:
        self.path = str(path)
        self.dim = dim
        self._lock = threading.RLock()
        self._cache: dict[str, _UserMatrix] = {}
        self._joined: set[str] | None = None  # keys added inside one_transaction(), None outside it
        self._joined_checked = False  # PRAGMA data_version read inside the current one_transaction()
        # rows_of: per key, the id lists asked about (newest last), each with its suffix, the matrix and its length
        # then, and the row of each id found so far (_UNKNOWN: not looked up yet)
        self._located: dict[str, list[tuple[Sequence[str], str, _UserMatrix, int, np.ndarray]]] = {}
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with map_sqlite_errors(f"opening index {self.path}"):
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.execute("PRAGMA busy_timeout=30000")
            self._conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoint; the store is the truth
            self._conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, vec BLOB NOT NULL)"
            )
            self._conn.execute("CREATE INDEX IF NOT EXISTS vectors_user ON vectors(user_id)")
            self._version = self._conn.execute("PRAGMA data_version").fetchone()[0]

    def embedder_identity(self) -> dict[str, object] | None:
        with self._lock, map_sqlite_errors("index meta"):
            rows = self._conn.execute("SELECT key, value FROM meta WHERE key IN ('embedder', 'dim')").fetchall()
        meta = dict(rows)
        if "embedder" not in meta:
            return None
        return {"name": meta["embedder"], "dim": int(meta["dim"])}

    def set_embedder_identity(self, identity: dict[str, object]) -> None:
        with self._lock, map_sqlite_errors("index meta"):
            self._conn.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
                [("embedder", str(identity["name"])), ("dim", str(identity["dim"]))],
            )

    def _load(self, user_id: str) -> _UserMatrix:
        self._check_version()
        return self._matrix(user_id)

    def _check_version(self) -> None:
        with map_sqlite_errors("index version"):
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:  # another process changed the file: cached matrices may be stale
            self._cache.clear()
            self._located.clear()
            self._version = version

    def _matrix(self, user_id: str) -> _UserMatrix:
        """The user's cached matrix, loaded now if it is not (call ``_check_version`` first)."""
        um = self._cache.get(user_id)
        if um is None:
            um = _UserMatrix(self.dim)
            with map_sqlite_errors("index load"):
                rows = self._conn.execute("SELECT id, vec FROM vectors WHERE user_id = ? ORDER BY rowid", (user_id,)).fetchall()
            if rows:
                um = _UserMatrix(self.dim, np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows]))
                um.ids = [r[0] for r in rows]
                um.pos = {i: n for n, i in enumerate(um.ids)}
            self._cache[user_id] = um
        return um

    def add(self, user_id: str, ids: Sequence[str], vectors: np.ndarray) -> None:
        self.add_batch([(user_id, ids, vectors)])

    def add_batch(self, entries: Sequence[tuple[str, Sequence[str], np.ndarray]]) -> None:
        """``add`` for several keys (a user's items and their value phrases) in one transaction."""
        entries = [(key, ids, as_vectors(ids, vectors, self.dim)) for key, ids, vectors in entries]
        rows = [(i, key, v.tobytes()) for key, ids, vectors in entries for i, v in zip(ids, vectors, strict=True)]
        if not rows:
            return
        with self._lock:
            with map_sqlite_errors("index add"):
                if self._joined is not None:  # inside one_transaction(): it commits
                    self._joined.update(key for key, _, _ in entries)
                    self._conn.executemany("INSERT OR REPLACE INTO vectors(id, user_id, vec) VALUES(?, ?, ?)", rows)
                else:
                    self._conn.execute("BEGIN")
                    try:
                        self._conn.executemany("INSERT OR REPLACE INTO vectors(id, user_id, vec) VALUES(?, ?, ?)", rows)
                    except BaseException:
                        self._conn.execute("ROLLBACK")  # else the connection stays in the transaction, holding the lock
                        raise
                    self._conn.execute("COMMIT")
            # Once for all the keys of a call, and once per one_transaction(): after its first statement this
            # connection holds the file's write lock, so no other process can commit before ours.
            if self._joined is None or not self._joined_checked:
                self._check_version()
                self._joined_checked = self._joined is not None
            for key, ids, vectors in entries:
                um = self._matrix(key)
                pos = um.pos
                for i, v in zip(ids, vectors, strict=True):
                    if i in pos:
                        um.replace(pos[i], v)
                    else:
                        um.append(i, v)

    @contextlib.contextmanager
    def one_transaction(self) -> Iterator[None]:
        """Every ``add`` inside commits together, once, at the end (a write adds its items, value phrases and
        turns under three keys: one commit instead of three). On an error nothing of it is kept."""
        with self._lock:
            if self._joined is not None:  # nested: the outer one commits
                yield
                return
            with map_sqlite_errors("index begin"):
                self._conn.execute("BEGIN")
            self._joined = set()
            self._joined_checked = False
            try:
                yield
                with map_sqlite_errors("index commit"):
                    self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                for key in self._joined:  # their cached matrices hold rows that were rolled back
                    self._cache.pop(key, None)
                    self._located.pop(key, None)
                raise
            finally:
                self._joined = None

    def delete(self, user_id: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._lock:
            with map_sqlite_errors("index delete"):
                self._conn.executemany("DELETE FROM vectors WHERE id = ? AND user_id = ?", [(i, user_id) for i in ids])
            self._cache.pop(user_id, None)
            self._located.pop(user_id, None)

    def delete_user(self, user_id: str) -> None:
        with self._lock:
            with map_sqlite_errors("index delete_user"):
                self._conn.execute("DELETE FROM vectors WHERE user_id = ?", (user_id,))
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._cache.pop(user_id, None)
            self._located.pop(user_id, None)

    def search(self, user_id: str, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` rows most similar to ``vector``, best first; ties in row order (insertion order)."""
        with self._lock:
            um = self._load(user_id)
            if not um.ids or k <= 0:
                return []
            q = np.asarray(vector, dtype=np.float32)
            columns = um.sparse_columns() if q.ndim == 1 else None
            found = None
            if columns is not None:
                with one_blas_thread():  # it scores a few rows again: a product too small for two threads
                    found = columns.search(um.matrix, q, k)
            if found is None:
                with blas_threads_for(len(um.ids)):
                    scores = um.matrix @ q
                top = top_rows(scores, k)
                found = top, scores[top]
            top, values = found
            return [(um.ids[i], s) for i, s in zip(top.tolist(), values.tolist(), strict=True)]

    def vectors(self, user_id: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        with self._lock:
            um = self._load(user_id)
            buf, pos = um.buf, um.pos
            return {i: buf[pos[i]] for i in ids if i in pos}

    def rows(self, user_id: str, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The vectors of ``ids`` as one matrix (zero rows where there is none) and which ids have one: what
        ``vectors`` gives, without a dict of row views (the read path gathers hundreds per recall)."""
        with self._lock:
            um = self._load(user_id)
            where = np.fromiter((um.pos.get(i, -1) for i in ids), dtype=np.int64, count=len(ids))
            return self._gather(um, where)

    def rows_of(self, user_id: str, ids: Sequence[str], rows: np.ndarray,
                suffix: str = "") -> tuple[np.ndarray, np.ndarray]:
        """``rows(user_id, [ids[r] + suffix for r in rows])`` for an id list asked about again and again (a recall
        snapshot's item ids; ``suffix`` names another key's ids after them, such as value phrases'): the matrix
        row of each id is looked up the first time its row is asked for and kept while the matrix is the same
        object with the same length, so the candidates recall after recall (the profile's, mostly the same) are
        a numpy gather, not lookups in a dict of every id. Nothing is done per id up front: after a write the
        snapshot (and its list) is new, and a pass over 100k ids would cost what 50 recalls save. The list is
        recognised by identity: it must not change while it is asked about (a new snapshot brings a new list)."""
        with self._lock:
            um = self._load(user_id)
            kept = self._located.setdefault(user_id, [])
            got = next((g for g in kept if g[0] is ids and g[1] == suffix), None)
            if got is None or got[2] is not um or got[3] != len(um.ids) or len(got[4]) != len(ids):
                others = [g for g in kept if not (g[0] is ids and g[1] == suffix) and g[2] is um]
                kept[:] = others[-(_LOCATED_LISTS - 1):]
                kept.append(got := (ids, suffix, um, len(um.ids), np.full(len(ids), _UNKNOWN, dtype=np.int64)))
            where = got[4]
            rows = np.asarray(rows, dtype=np.int64)
            new = rows[where[rows] == _UNKNOWN]
            if len(new):
                pos = um.pos
                where[new] = np.fromiter((pos.get(ids[r] + suffix, -1) for r in new.tolist()), dtype=np.int64,
                                         count=len(new))
            return self._gather(um, where[rows])

    def _gather(self, um: _UserMatrix, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``um`` at ``where`` (-1: none, a zero row), and which there were."""
        found = where >= 0
        out = np.zeros((len(where), self.dim), dtype=np.float32)
        out[found] = um.buf[where[found]]
        return out, found

    def ids(self, user_id: str | None = None) -> set[str]:
        with self._lock, map_sqlite_errors("index ids"):
            if user_id is None:
                return {r[0] for r in self._conn.execute("SELECT id FROM vectors")}
            return {r[0] for r in self._conn.execute("SELECT id FROM vectors WHERE user_id = ?", (user_id,))}

    def users(self) -> set[str]:
        with self._lock, map_sqlite_errors("index users"):
            return {r[0] for r in self._conn.execute("SELECT DISTINCT user_id FROM vectors")}

    def scrub(self) -> None:
        with self._lock, map_sqlite_errors("index scrub"):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock, map_sqlite_errors("index close"):
            self._conn.close()
