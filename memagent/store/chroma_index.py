"""A vector index in chromadb: embedded (``PersistentClient``) or a chroma server (``HttpClient``) shared by
several application machines. memagent always passes its own embeddings, so chroma never loads (or tries to
download) an embedding model, and no memory text is stored in chroma: only ids, user ids and vectors.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from memagent.errors import InvalidInputError, StoreError
from memagent.store.index import as_vectors

__all__ = ["ChromaIndex"]

COLLECTION = "memagent-items"


@contextlib.contextmanager
def map_chroma_errors(what: str) -> Iterator[None]:
    try:
        yield
    except (InvalidInputError, StoreError):
        raise
    except Exception as exc:  # chromadb raises its own tree, ValueError, httpx errors: translate all at the boundary
        msg = f"chroma: {what} failed: {type(exc).__name__}: {exc}"
        raise StoreError(msg) from exc


# A chroma server answers a read with this while another client's first writes to the collection are still
# being flushed into a new HNSW segment; it is gone a moment later, so reads retry it a few times.
_TRANSIENT = ("Error creating hnsw segment reader", "Nothing found on disk")
_READ_ATTEMPTS = 5


def _read(what: str, call: Any, incomplete: Any = None) -> Any:
    """``call()`` with chroma's errors translated, retrying the transient segment-reader error, and answers for
    which ``incomplete(answer)`` says what is missing (a message; None when the answer is whole)."""
    for attempt in range(1, _READ_ATTEMPTS + 1):
        try:
            with map_chroma_errors(what):
                res = call()
        except StoreError as exc:
            if attempt == _READ_ATTEMPTS or not any(t in str(exc) for t in _TRANSIENT):
                raise
        else:
            problem = incomplete(res) if incomplete is not None else None
            if problem is None:
                return res
            if attempt == _READ_ATTEMPTS:
                msg = f"chroma: {what} failed: {problem} (after {attempt} reads)"
                raise StoreError(msg)
        time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _unpaired(ids: Sequence[str], values: Sequence[Any] | None, what: str) -> str | None:
    """Why ``values`` cannot be paired one to one with ``ids``, or None when they can.

    A chroma server answers a read that started before the collection's first upsert (its cached view of the
    collection has no dimension yet) but reads the records after it with the ids and no embeddings: it drops
    the missing ones from the list, so which id lacks one is unknown. The next read sees the collection whole.
    """
    n = 0 if values is None else len(values)
    if n == len(ids):
        return None
    return f"the server returned {len(ids)} ids but {n} {what}"


class ChromaIndex:
    """``VectorIndex`` over one chroma collection (cosine space), users separated by a ``user_id`` filter.

    Build with :meth:`persistent` or :meth:`http`, or pass any chroma ``ClientAPI``. The collection is
    ``memagent-items-<store id>`` unless ``collection`` names one (then only one store may use it).

    Raises (every method):
        StoreError: chroma failed (server unreachable, bad data, ...).
    """

    def __init__(self, client: Any, dim: int, *, collection: str | None = None, release_on_close: bool = True) -> None:
        self.client = client
        self.dim = dim
        self.collection = collection
        self._lock = threading.RLock()
        self._handle: Any = None
        # False for HTTP clients: chroma's HTTP component has no way to close its connection pool, so releasing
        # one would only hand the open sockets to the garbage collector (a ResourceWarning at some random point).
        self.release_on_close = release_on_close

    def bind(self, store_id: str) -> None:
        """Called by ``Memory``: without an explicit collection name, each store gets its own collection,
        so several databases can share one chroma server without reconciling away each other's vectors."""
        if self.collection is None and self._handle is None:
            self.collection = f"{COLLECTION}-{store_id}"

    @property
    def _col(self) -> Any:
        if self._handle is None:
            with map_chroma_errors("opening the collection"):
                self._handle = self.client.get_or_create_collection(
                    self.collection or COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
        return self._handle

    @classmethod
    def persistent(cls, path: str, dim: int, *, collection: str | None = None) -> ChromaIndex:
        """An embedded chroma database in directory ``path``."""
        import chromadb

        with map_chroma_errors(f"opening {path}"):
            client = chromadb.PersistentClient(path=str(path))
        return cls(client, dim, collection=collection)

    @classmethod
    def http(cls, host: str, port: int, dim: int, *, ssl: bool = False, headers: dict[str, str] | None = None,
             collection: str | None = None) -> ChromaIndex:
        """A chroma server (``chroma run --path DIR --port N``), for deployments with several app machines."""
        import chromadb

        with map_chroma_errors(f"connecting to {host}:{port}"):
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, headers=headers)
            client.heartbeat()
        return cls(client, dim, collection=collection, release_on_close=False)

    def embedder_identity(self) -> dict[str, object] | None:
        with self._lock, map_chroma_errors("reading metadata"):
            meta = self._col.metadata or {}
        if "embedder" not in meta:
            return None
        return {"name": meta["embedder"], "dim": int(meta["dim"])}

    def set_embedder_identity(self, identity: dict[str, object]) -> None:
        with self._lock, map_chroma_errors("writing metadata"):
            self._col.modify(metadata={"embedder": str(identity["name"]), "dim": int(identity["dim"])})  # type: ignore[call-overload]

    def add(self, user_id: str, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = as_vectors(ids, vectors, self.dim)
        if not ids:
            return
        with self._lock, map_chroma_errors("upsert"):
            self._col.upsert(ids=list(ids), embeddings=vectors, metadatas=[{"user_id": user_id}] * len(ids))

    def delete(self, user_id: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            with self._lock, map_chroma_errors("delete"):
                self._col.delete(ids=ids, where={"user_id": user_id})

    def delete_user(self, user_id: str) -> None:
        with self._lock, map_chroma_errors("delete_user"):
            self._col.delete(where={"user_id": user_id})

    def search(self, user_id: str, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        with self._lock:
            res = _read("query", lambda: self._col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)],
                                                         n_results=k, where={"user_id": user_id},
                                                         include=["distances"]),
                        lambda r: _unpaired(r["ids"][0], r["distances"][0] if r["distances"] else None, "distances"))
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def vectors(self, user_id: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        with self._lock:
            res = _read("get", lambda: self._col.get(ids=list(ids), where={"user_id": user_id}, include=["embeddings"]),
                        lambda r: _unpaired(r["ids"], r["embeddings"], "embeddings"))
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(res["ids"], res["embeddings"], strict=True)}

    def ids(self, user_id: str | None = None) -> set[str]:
        with self._lock:
            res = _read("get ids", lambda: self._col.get(where={"user_id": user_id} if user_id is not None else None,
                                                         include=[]))
        return set(res["ids"])

    def users(self) -> set[str]:
        with self._lock, map_chroma_errors("get users"):
            res = self._col.get(include=["metadatas"])
        return {m["user_id"] for m in res["metadatas"] or [] if m}

    def close(self) -> None:
        """Release a persistent client's share of its system (chroma stops it, and lets go of its files, when
        the last client on that path closes). An HTTP client is left to the process (see ``__init__``)."""
        close = getattr(self.client, "close", None)
        if close is not None and self.release_on_close:
            with map_chroma_errors("closing the client"):
                close()
