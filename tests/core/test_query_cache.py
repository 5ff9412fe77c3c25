"""Request vectors are cached per user, kept out of the memory-text cache, and dropped by forget and delete_user."""

from __future__ import annotations

from memagent import HashingEmbedder, Memory
from memagent.testing import CountingEmbedder


def _memory(tmp_path):
    counting = CountingEmbedder(HashingEmbedder(dim=256))
    mem = Memory.open(tmp_path / "m.db", embedder=counting)
    mem.add("u1", "I love jazz")
    mem.add("u2", "I love opera")
    return mem, counting


def test_a_repeated_request_is_embedded_once(tmp_path):
    mem, counting = _memory(tmp_path)
    first = mem.recall("u1", "music for tonight")
    calls, cached_texts = counting.calls, len(mem.embedder)
    again = mem.recall("u1", "music for tonight")
    assert counting.calls == calls and again.texts() == first.texts()
    assert len(mem.embedder) == cached_texts  # the request is not in the memory-text cache
    mem.recall("u2", "music for tonight")  # another user's request is its own entry
    assert counting.calls == calls + 1
    mem.close()


def test_forget_and_delete_user_drop_cached_requests(tmp_path):
    mem, _ = _memory(tmp_path)
    mem.recall("u1", "music for tonight")
    mem.recall("u2", "an evening out")
    assert len(mem.queries) == 2
    mem.delete_user("u2")
    assert len(mem.queries) == 1
    mem.forget("u1", query="jazz")
    assert len(mem.queries) == 0
    mem.close()
