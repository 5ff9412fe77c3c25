"""Where a memory lives, from what ``Memory.open`` is given: a path or ``sqlite:///`` URL (embedded), or a
``postgresql://`` URL (shared), plus where its vectors live (``vector=``).

    "~/.memagent/app.db", "sqlite:///app.db", "sqlite:////abs/app.db", ":memory:"   SQLite + ExactIndex beside it
    "postgresql://user:pass@host:5432/db", vector="chroma://host:8000"          Postgres + a chroma server

``vector`` also takes ``"exact"`` (the default for SQLite) and ``"chroma+https://host:port"`` (TLS). A URL
may carry it as a query parameter instead, so one setting configures a service
(``MEMAGENT_DB="postgresql://u:p@db/memagent?vector=chroma://chroma:8000"``); ``vector=`` wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from memagent.errors import ConfigError
from memagent.store.base import Store
from memagent.store.index import ExactIndex, VectorIndex

__all__ = ["Backend", "open_backend"]

_PG_SCHEMES = ("postgresql://", "postgres://")


@dataclass
class Backend:
    store: Store
    index: VectorIndex
    # Defaults for Memory's keyword arguments that fit this backend (the caller's own always win).
    defaults: dict[str, Any] = field(default_factory=dict)


def _sqlite_path(target: str | Path) -> tuple[str, str]:
    """The database file and the vectors file beside it (``:memory:`` for both when in memory)."""
    text = str(target)
    if text.startswith("sqlite:"):
        rest = text[len("sqlite:"):]
        if rest in ("", "//", "///", "///:memory:"):
            return ":memory:", ":memory:"
        if not rest.startswith("///"):
            msg = f"a SQLite URL is sqlite:///relative/path.db or sqlite:////absolute/path.db, not {text!r}"
            raise ConfigError(msg)
        text = rest[3:]
    if text == ":memory:":
        return ":memory:", ":memory:"
    p = Path(text).expanduser()
    if p.is_dir() or (not p.suffix and not p.exists()):
        p = p / "memagent.db"
    if p.exists() and not p.is_file():
        msg = f"{p} exists and is not a file"
        raise ConfigError(msg)
    return str(p), str(p) + ".vectors"


def _split_vector(target: str) -> tuple[str, str | None]:
    """``target`` without a ``vector=`` query parameter, and that parameter's value."""
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    found = [v for k, v in query if k == "vector"]
    if not found:
        return target, None
    rest = urlencode([(k, v) for k, v in query if k != "vector"])
    return urlunsplit(parts._replace(query=rest)), found[-1]


def _chroma(spec: str, dim: int) -> VectorIndex:
    from memagent.store.chroma_index import ChromaIndex

    parts = urlsplit(spec)
    if parts.hostname is None or parts.port is None:
        msg = f"vector={spec!r}: expected chroma://host:port"
        raise ConfigError(msg)
    collection = parts.path.strip("/") or None
    return ChromaIndex.http(parts.hostname, parts.port, dim, ssl=parts.scheme == "chroma+https", collection=collection)


def _index(vector: str | None, dim: int, beside: str | None) -> VectorIndex:
    if vector is None or vector == "exact":
        if beside is None:
            msg = ("a shared store needs a shared vector index: pass vector='chroma://host:port' "
                   "(a chroma server, `chroma run --path DIR --port 8000`)")
            raise ConfigError(msg)
        return ExactIndex(beside, dim)
    if vector.startswith(("chroma://", "chroma+https://")):
        return _chroma(vector, dim)
    msg = f"vector={vector!r}: expected 'exact' or chroma://host:port"
    raise ConfigError(msg)


def open_backend(target: str | Path, *, dim: int, vector: str | None = None, index: VectorIndex | None = None,
                 store_options: dict[str, Any] | None = None) -> Backend:
    """The store and index ``Memory.open`` should use. ``index`` (an instance) wins over ``vector`` (a URL).

    Raises:
        ConfigError: an unusable path or URL. StoreError: the database or vector server cannot be reached.
        MissingDependencyError: psycopg is missing for a PostgreSQL URL.
    """
    options = dict(store_options or {})
    if isinstance(target, str) and "://" in target:
        target, in_url = _split_vector(target)
        vector = vector if vector is not None else in_url
    defaults: dict[str, Any] = {}
    store: Store
    if isinstance(target, str) and target.startswith(_PG_SCHEMES):
        from memagent.store.postgres import PostgresStore

        if index is None and (vector is None or vector == "exact"):
            _index(None, dim, None)  # raises the ConfigError that says what to pass
        store, beside = PostgresStore(target, **options), None
        # Reconciling on open scans every user and races other app servers' writes (it would drop vectors of
        # items they committed a moment ago): on shared storage it is a maintenance job, run from one place.
        defaults["reconcile"] = False
    elif isinstance(target, str) and "://" in target and not target.startswith("sqlite:"):
        msg = f"unknown store URL {target!r}: expected a path, sqlite:///path.db or postgresql://..."
        raise ConfigError(msg)
    else:
        from memagent.store.sqlite import SQLiteStore

        db, beside = _sqlite_path(target)
        store = SQLiteStore(db, **options)
    try:
        chosen = index if index is not None else _index(vector, dim, beside)
    except BaseException:
        store.close()
        raise
    return Backend(store, chosen, defaults)
