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
