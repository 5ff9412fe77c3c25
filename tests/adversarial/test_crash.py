"""Adversarial: a process killed at any point of a write loses nothing that was reported as stored, and
reopening the memory heals the index (reconcile), CIPHER contexts included."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from memagent import HashingEmbedder, Memory, ScriptedChat, StoreError
from memagent.graph.llm_planner import LLMPlanner
from memagent.preferences import Cipher
from memagent.store.index import ExactIndex
from memagent.testing.forensics import consistency_problems, files_containing

PARK = "The city council approved a new park on Monday. The park will have a playground and a pond."
PARK_EDIT = "- City council approved a new park on Monday\n- Park will have a playground and a pond"
LIBRARY = "The mayor opened a new public library downtown. The library has a playground and a reading garden."

_KILLED_IN_LEARN = r"""
import os, sys
from memagent import HashingEmbedder, Memory
from memagent.preferences import Cipher
from memagent.store.index import ExactIndex, key_owner

class Dies(ExactIndex):
    def add(self, user_id, ids, vectors):
        if (key_owner(user_id)[1] is not None) == (sys.argv[2] == "context"):
            os._exit(7)
        super().add(user_id, ids, vectors)

path = sys.argv[1]
mem = Memory.open(path, embedder=HashingEmbedder(dim=256), index=Dies(path + ".vectors", 256))
Cipher(mem, task="summarization").learn("u1", sys.argv[3], sys.argv[4], sys.argv[5])
"""


@pytest.mark.parametrize("dies_on", ["context", "item"])
def test_killed_inside_cipher_learn_a_stored_preference_is_always_retrievable(tmp_path, dies_on):
    path = str(tmp_path / "m.db")
    proc = subprocess.run([sys.executable, "-c", _KILLED_IN_LEARN, path, dies_on, PARK, PARK, PARK_EDIT],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 7, proc.stderr[-2000:]
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    cipher = Cipher(mem, task="summarization")
    stored = mem.items("u1", kinds=["preference"]) if mem.has_user("u1") else []
    got = cipher.infer("u1", LIBRARY, k=1)
    assert [i.text for i in stored] == ([got.preference] if got.preference else [])
    assert consistency_problems(mem) == []
    learned = cipher.learn("u1", PARK, PARK, PARK_EDIT)  # learning again works and is retrievable
    assert cipher.infer("u1", LIBRARY, k=1).preference == learned.preference
    mem.close()


_KILLED_IN_ADD = r"""
import os, sys
from memagent import HashingEmbedder, Memory
from memagent.store.index import ExactIndex

class Dies(ExactIndex):
    def add(self, user_id, ids, vectors):
        os._exit(7)

path = sys.argv[1]
Memory.open(path, embedder=HashingEmbedder(dim=256)).add("u1", "I love jazz")
mem = Memory.open(path, embedder=HashingEmbedder(dim=256), index=Dies(path + ".vectors", 256))
mem.add("u1", "I live in Lisbon")
"""


def test_killed_between_commit_and_index_update_the_item_is_recallable_after_reopen(tmp_path):
    path = str(tmp_path / "m.db")
    proc = subprocess.run([sys.executable, "-c", _KILLED_IN_ADD, path], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 7, proc.stderr[-2000:]
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    assert consistency_problems(mem) == [] and len(mem.store.item_ids("u1")) == 2
    assert "User lives in Lisbon." in mem.recall("u1", "where do I live").texts()
    mem.close()


def test_an_exception_inside_the_write_transaction_writes_nothing(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    mem.add("u1", "I love jazz")
    before = (mem.store.counts("u1"), mem.index.ids("u1"))

    class Boom(Exception):
        pass

    def explode(*args, **kwargs):
        raise Boom

    mem.store.add_history = explode  # fails after the event and the item rows were inserted
    with pytest.raises(Boom):
        mem.add("u1", "I live in Lisbon")
    del mem.store.add_history
    assert (mem.store.counts("u1"), mem.index.ids("u1")) == before
    mem.add("u1", "I live in Porto")  # the store is usable again (no transaction left open)
    assert [i.text for i in mem.items("u1")] == ["User loves jazz.", "User lives in Porto."]
    mem.close()


def test_an_index_failure_after_a_forgetting_commit_still_forgets_everywhere(tmp_path):
    class FailsOnce(ExactIndex):
        armed = False

        def add(self, user_id, ids, vectors):
            if self.armed:
                self.armed = False
                raise StoreError("index add failed: disk full")
            super().add(user_id, ids, vectors)

    path = tmp_path / "m.db"
    index = FailsOnce(f"{path}.vectors", 256)
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256), index=index)
    secret = mem.add("u1", "I love Quokkaville jazz").ops[0].item_id
    mem.add("u1", "I live in Lisbon")
    assert "Quokkaville" in mem.recall("u1", "Quokkaville jazz").to_prompt()  # warm the caches
    plan = {"ops": [{"op": "forget", "target_ids": [secret]}, {"op": "insert", "kind": "fact", "text": "User has a dog."}]}
    mem.writer.planner = LLMPlanner(ScriptedChat([json.dumps(plan)]))
    index.armed = True
    with pytest.raises(StoreError):
        mem.add("u1", "forget the Quokkaville thing; I have a dog now")
    assert "Quokkaville" not in mem.recall("u1", "Quokkaville jazz").to_prompt()
    assert secret not in index.ids("u1")
    assert files_containing(tmp_path, "Quokkaville") == []
    mem.close()


def test_an_index_failure_after_cipher_learn_committed_keeps_the_context_retrievable(tmp_path):
    class FailsOnItems(ExactIndex):
        def add(self, user_id, ids, vectors):
            if user_id == "u1":
                raise StoreError("index add failed: disk full")
            super().add(user_id, ids, vectors)

    path = tmp_path / "m.db"
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256), index=FailsOnItems(f"{path}.vectors", 256))
    with pytest.raises(StoreError):
        Cipher(mem, task="summarization").learn("u1", PARK, PARK, PARK_EDIT)
    stored = [i.text for i in mem.items("u1")]
    mem.close()
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))  # reconcile embeds the item the index missed
    assert [Cipher(mem, task="summarization").infer("u1", LIBRARY, k=1).preference] == stored
    mem.close()


def test_index_failure_after_commit_says_the_write_committed(tmp_path):
    from memagent import HashingEmbedder, Memory, StoreError

    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=64))

    def broken(*args, **kwargs):
        raise StoreError("index: disk full")

    mem.index.add = broken  # type: ignore[method-assign]
    try:
        mem.add("u1", "I love jazz")
    except StoreError as exc:
        assert exc.committed is True and exc.event_id
        assert mem.store.counts("u1")["items"] == 1  # the write is there
    else:
        raise AssertionError("the index failure must be reported")
    mem.close()
    assert "jazz" in Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=64)).recall("u1", "jazz").to_prompt()
