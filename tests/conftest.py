"""Shared fixtures. Unit tests use the hashing embedder; tests that need semantics share one LocalEmbedder."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from memagent import HashingEmbedder, Memory  # noqa: E402


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder(dim=256)


@pytest.fixture
def memory(tmp_path, embedder):
    mem = Memory.open(tmp_path / "mem.db", embedder=embedder)
    yield mem
    mem.close()


@pytest.fixture(scope="session")
def local_embedder():
    from memagent import LocalEmbedder

    emb = LocalEmbedder()
    emb.embed(["warm up"])
    return emb


def _start(server_cls):
    """Start a real local server for the session. Outside CI a machine without it skips those tests, saying why;
    in CI (CI=1, set by .ci/run) the tests must run, so a server that cannot start fails them."""
    from memagent.testing.servers import ServerUnavailable

    try:
        return server_cls().start()
    except ServerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{server_cls.__name__} could not start, and CI must run these tests: {exc}", pytrace=False)
        pytest.skip(f"{exc} -- integration tests against a real {server_cls.__name__} are skipped outside CI "
                    "(CI=1 makes this a failure)")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster on a free localhost port, one per test session (xdist: per worker)."""
    if not os.environ.get("CI"):  # in CI a missing psycopg fails the tests instead (it is in the dev extra)
        pytest.importorskip("psycopg", reason="psycopg is in the dev extra: pip install -e '.[dev]'")
    from memagent.testing.servers import PostgresServer

    server = _start(PostgresServer)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chroma_server():
    """A `chroma run` server on a free localhost port, one per test session."""
    from memagent.testing.servers import ChromaServer

    server = _start(ChromaServer)
    yield server
    server.stop()
