"""Adversarial: forgetting removes the text for good, from every file and every in-process cache.

Each scenario ends by scanning every byte under the data directory (SQLite main file, WAL, -shm, the vectors
file) for a word that appears nowhere else.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading

import pytest

from memagent import HashingEmbedder, MemagentWarning, Memory, ScriptedChat
from memagent.agent import MemoryAgent
from memagent.preferences import Cipher
from memagent.retrieval.bm25 import BM25Cache
from memagent.retrieval.cache import Snapshot, SnapshotCache
from memagent.store.index import ExactIndex
from memagent.store.sqlite import SQLiteStore
from memagent.testing.forensics import consistency_problems, files_containing

SECRET = "Quokkaville"


def _open(tmp_path, **kw):
    return Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256), **kw)


def _plan(*ops):
    return json.dumps({"ops": list(ops)})


def test_forgetting_a_fact_redacts_cipher_edit_metadata_quoting_it(tmp_path):
    mem = _open(tmp_path)
    home = mem.add("u1", f"I live in {SECRET}").ops[0].item_id
    Cipher(mem).learn("u1", "Write to my landlord about the broken heater.", "Dear landlord, the heater is broken.",
                      f"Hi, greetings from {SECRET}: the heater is broken, please fix it.")
    mem.forget("u1", home)
    assert not [e for e in mem.events("u1") if SECRET in e.text or SECRET in json.dumps(e.metadata)]
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


def test_quotes_in_another_letter_case_are_redacted_in_any_script(tmp_path):
    mem = _open(tmp_path)
    item = mem.add("u1", "I live in Zürichberg").ops[0].item_id
    mem.add("u1", "ZÜRICHBERG is lovely in spring!", role="assistant")
    mem.forget("u1", item)
    assert [e.text for e in mem.events("u1")] == ["", ""]
    mem.close()


def test_forget_after_consolidate_removes_every_merged_duplicate_and_its_events(tmp_path):
    llm = ScriptedChat([_plan({"op": "insert", "kind": "preference", "text": f"User loves {SECRET} jazz.", "polarity": 1}),
                        _plan({"op": "insert", "kind": "preference", "text": f"User loves {SECRET} jazz!", "polarity": 1})])
    mem = _open(tmp_path, llm=llm)
    first = mem.add("u1", f"I love {SECRET} jazz").ops[0].item_id
    mem.add("u1", f"I really love {SECRET} jazz")
    assert mem.consolidate("u1").merged
    assert len(mem.forget("u1", first)) == 2
    assert mem.items("u1", include_inactive=True) == []
    assert all(h.text is None for h in mem.history("u1"))
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


def test_forgetting_the_newest_version_removes_the_whole_superseded_chain(tmp_path):
    mem = _open(tmp_path)
    for n in range(4):
        mem.add("u1", f"My favorite cheese is {SECRET} number{n}")
    current = mem.items("u1")
    assert len(current) == 1 and len(mem.items("u1", include_inactive=True)) == 4
    assert len(mem.forget("u1", current[0].id)) == 4
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


def test_export_then_forget_then_reimport_under_a_new_id_and_forget_again(tmp_path):
    mem = _open(tmp_path)
    mem.add("u1", f"I love {SECRET} jazz")
    data = mem.export("u1")
    assert SECRET in json.dumps(data)
    mem.forget("u1", query=f"{SECRET} jazz")
    assert SECRET not in json.dumps(mem.export("u1"))
    mem.import_(data, user_id="u2")
    assert mem.recall("u2", "jazz").texts() == [f"User loves {SECRET} jazz."]
    assert mem.forget("u2", query=f"{SECRET} jazz")
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


def test_forget_while_other_threads_recall_leaves_nothing_behind(tmp_path):
    mem = _open(tmp_path)
    for n in range(20):
        mem.add("u1", f"I love hobby{n} a lot")
    target = mem.add("u1", f"I love {SECRET} jazz").ops[0].item_id
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                mem.recall("u1", f"{SECRET} jazz hobby")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    mem.forget("u1", target)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert SECRET not in mem.recall("u1", f"{SECRET} jazz hobby").to_prompt()
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


def test_a_bm25_model_built_across_an_invalidation_is_not_kept():
    cache = BM25Cache()

    class ForgottenMeanwhile(list):  # the user's memories as read just before a forget lands
        def __iter__(self):
            cache.invalidate("u1")
            return super().__iter__()

    cache.scores("u1", ["a", "b"], ForgottenMeanwhile([f"{SECRET} blue cheese", "jazz"]), "cheese")
    assert "u1" not in cache._entries


def test_a_bm25_model_built_across_a_clear_is_not_kept():
    cache = BM25Cache()

    class ClearedMeanwhile(list):  # another process wrote: the ranker cleared every cached view
        def __iter__(self):
            cache.clear()
            return super().__iter__()

    cache.scores("u1", ["a", "b"], ClearedMeanwhile([f"{SECRET} blue cheese", "jazz"]), "cheese")
    assert "u1" not in cache._entries


def test_a_snapshot_loaded_across_a_clear_is_not_kept():
    cache = SnapshotCache()

    def load() -> Snapshot:
        cache.clear()  # another process forgot something while this snapshot was being read
        return Snapshot([])

    cache.get("u1", load)
    fresh = Snapshot([])
    assert cache.get("u1", lambda: fresh) is fresh


_KILLED_MID_FORGET = r"""
import json, os, sys
from memagent import HashingEmbedder, Memory, ScriptedChat
from memagent.store.index import ExactIndex

class DiesAfterCommit(ExactIndex):
    armed = False
    def add(self, user_id, ids, vectors):
        if self.armed:
            os._exit(7)
        super().add(user_id, ids, vectors)
    def delete(self, user_id, ids):
        os._exit(7)

path, mode = sys.argv[1], sys.argv[2]
index = DiesAfterCommit(path + ".vectors", 256)
plan = lambda *ops: json.dumps({"ops": list(ops)})
llm = ScriptedChat(lambda msgs: plan({"op": "insert", "kind": "fact", "text": "User has a cat named Tom."}))
mem = Memory.open(path, embedder=HashingEmbedder(dim=256), index=index, llm=llm if mode == "plan" else None)
for i in range(30):
    mem.add("u1", f"I like hobby number {i} quite a lot")
mem.writer.planner = None
secret = mem.add("u1", "I love Quokkaville jazz").ops[0].item_id
if mode == "query":
    mem.forget("u1", query="Quokkaville jazz")
elif mode == "delete_user":
    index.delete_user = lambda user_id: os._exit(7)
    mem.delete_user("u1")
else:  # one write that forgets and inserts: killed after the commit, before the vectors are updated
    from memagent.graph.llm_planner import LLMPlanner
    mem.writer.planner = LLMPlanner(ScriptedChat([plan({"op": "forget", "target_ids": [secret]},
                                                       {"op": "insert", "kind": "fact", "text": "User has a dog."})]))
    index.armed = True
    mem.add("u1", "forget the Quokkaville thing; I have a dog now")
"""


def _kill_mid_forget(tmp_path, mode):
    path = str(tmp_path / "m.db")
    proc = subprocess.run([sys.executable, "-c", _KILLED_MID_FORGET, path, mode], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 7, proc.stderr[-2000:]
    return path


def test_killed_between_forget_commit_and_index_update_no_byte_survives(tmp_path):
    _kill_mid_forget(tmp_path, "query")
    mem = _open(tmp_path)  # reconciles the index
    assert consistency_problems(mem) == []
    assert files_containing(tmp_path, SECRET) == []  # while open, not only after a clean close
    mem.close()


def test_killed_in_a_write_that_forgets_no_byte_survives_reopen(tmp_path):
    _kill_mid_forget(tmp_path, "plan")
    mem = _open(tmp_path)
    assert consistency_problems(mem) == []
    assert files_containing(tmp_path, SECRET) == []
    mem.close()


def test_killed_during_delete_user_no_byte_survives(tmp_path):
    _kill_mid_forget(tmp_path, "delete_user")
    mem = _open(tmp_path)
    assert mem.users() == [] and mem.index.users() == set()
    assert files_containing(tmp_path, SECRET) == []
    mem.close()


def test_a_bm25_model_of_a_user_id_with_a_bar_built_across_its_invalidation_is_not_kept():
    cache = BM25Cache()
    user = "u1|preference"  # a legal user id that looks like the cache key of u1's preference-only recalls

    class ForgottenMeanwhile(list):
        def __iter__(self):
            cache.invalidate(user)
            return super().__iter__()

    cache.scores(user, ["a", "b"], ForgottenMeanwhile([f"{SECRET} blue cheese", "jazz"]), "cheese")
    assert user not in cache._entries


def test_forget_while_another_connection_reads_warns_and_a_later_scrub_finishes(tmp_path):
    path = tmp_path / "m.db"
    mem = Memory(SQLiteStore(path, timeout=0.2), ExactIndex(f"{path}.vectors", 256), HashingEmbedder(dim=256))
    item = mem.add("u1", f"I love {SECRET} jazz").ops[0].item_id
    mem.add("u1", "I live in Lisbon")
    reader = sqlite3.connect(path)  # e.g. another process, or a DB browser, in the middle of a read
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM events").fetchall()
    with pytest.warns(MemagentWarning, match="still reading"):
        mem.forget("u1", item)
    reader.rollback()
    reader.close()
    assert mem.store.scrub() is True
    assert files_containing(tmp_path, SECRET) == []
    mem.close()


def test_concurrent_forgets_of_one_query_do_not_fail_each_other(tmp_path):
    mem = _open(tmp_path)
    for n in range(5):
        mem.add("u1", f"I love {SECRET} jazz number{n}")
    stored = len(mem.items("u1", include_inactive=True))
    lock = mem._lock("u1")
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def forget() -> None:
        try:
            results.append(mem.forget("u1", query=f"{SECRET} jazz"))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    with lock:  # both threads choose their targets before either may purge
        threads = [threading.Thread(target=forget) for _ in range(2)]
        for t in threads:
            t.start()
        threading.Event().wait(0.3)
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(len(r) for r in results)[0] == 0 and sum(len(r) for r in results) == stored
    mem.close()


def test_a_forget_request_that_matches_no_memory_is_not_stored_verbatim(tmp_path):
    mem = _open(tmp_path)
    mem.add("u1", "I live in Lisbon")
    mem.add("u1", f"Have you been to {SECRET}? It is lovely.", role="assistant")  # quoted, never a memory
    mem.add("u1", f"Please forget that I love {SECRET} jazz")
    mem.add("u1", f"Forget everything about {SECRET}")
    assert [e.text for e in mem.events("u1") if e.text] == ["I live in Lisbon"]
    assert [i.text for i in mem.items("u1")] == ["User lives in Lisbon."]
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


def test_a_vague_forget_request_that_matches_nothing_blanks_only_itself(tmp_path):
    mem = _open(tmp_path)
    mem.add("u1", "The thing I like most is the sea", role="assistant")
    mem.add("u1", "forget the thing")
    assert [e.text for e in mem.events("u1")] == ["The thing I like most is the sea", ""]
    mem.close()


def test_the_agents_acknowledgement_of_a_forget_request_does_not_keep_the_text(tmp_path):
    mem = _open(tmp_path)
    llm = ScriptedChat(lambda msgs: f"Sure, I will forget that you love {SECRET} jazz."
                       if "forget" in msgs[-1]["content"] else "Noted!")
    agent = MemoryAgent(llm, mem)
    agent.chat("u1", f"I love {SECRET} jazz", session_id="s1")
    reply = agent.chat("u1", f"Please forget that I love {SECRET} jazz", session_id="s1")
    assert SECRET in reply.text  # the user sees the reply; memory does not keep it
    assert not [e.text for e in mem.events("u1") if SECRET in e.text]
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


def _kept_tokens(mem: Memory) -> set[str]:
    """Every word the BM25 cache keeps for rebuilds (in its vocabularies), of any user."""
    return {w for kept in mem.ranker.bm25._kept.values() for w in kept.vocab}


def test_forget_redact_and_delete_user_drop_the_bm25_tokens_kept_for_rebuilds(tmp_path):
    mem = _open(tmp_path)
    for n in range(5):
        mem.add("u1", f"I love hobby{n} a lot")
    target = mem.add("u1", f"I love {SECRET} jazz").ops[0].item_id
    mem.add("u2", f"I love {SECRET} too")
    mem.recall("u1", "jazz hobby")
    mem.recall("u2", "what do I love")
    assert SECRET.lower() in _kept_tokens(mem)
    mem.forget("u1", target)
    mem.delete_user("u2")
    assert SECRET.lower() not in _kept_tokens(mem)
    mem.recall("u1", "jazz hobby")  # rebuilt from what is left
    assert SECRET.lower() not in _kept_tokens(mem)
    ev = mem.add("u1", f"my cousin lives in {SECRET}").event.id
    mem.recall("u1", "cousin")
    mem.redact_events("u1", [ev])
    assert SECRET.lower() not in _kept_tokens(mem)
    mem.close()


def _cached_text(mem: Memory) -> str:
    """Every text the read path keeps for a user: snapshots and the bases a write left to patch (items, events,
    other items, rendered lines, columns, turn views and their counts of the assistant's stock sentences), and the
    BM25 vocabularies."""
    cache = mem.ranker.snapshots
    parts: list[str] = []
    for snap in [*cache._snaps.values(), *cache._bases.values()]:
        parts += [i.text for i in [*snap.items, *(snap.others or [])]] + [e.text for e in snap.events or []]
        parts += [kept[1] for kept in snap.lines.values()] + list(snap.line_tokens)  # (item, line, bound)
        parts += [t for arrays in snap.arrays.values() for t in arrays.texts]
        for turns in (snap.extras.get("turns"), snap.patched_from.get("turns")):  # its view, and the one it extends
            if turns is not None:
                parts += [*turns.texts.values(), *turns.bodies.values(), *turns.stock.counts, *turns.stock.stock]
    return "\n".join([*parts, *_kept_tokens(mem)]).lower()


@pytest.mark.parametrize("how", ["forget", "forget_query", "redact", "delete_user", "forget_in_a_write"])
def test_removing_text_after_patched_writes_leaves_it_in_no_cached_view(tmp_path, how):
    mem = _open(tmp_path)
    mem.add("u1", "I love jazz")
    mem.recall("u1", "music")
    written = mem.add("u1", f"I love {SECRET} jazz")
    mem.recall("u1", f"{SECRET} music")  # a patched snapshot: its views now hold the word
    mem.add("u1", "My favourite hobby is chess")  # ... and it is kept as the base of the next patch
    assert mem.ranker.snapshots._bases and SECRET.lower() in _cached_text(mem)
    if how == "forget":
        mem.forget("u1", written.ops[0].item_id)
    elif how == "forget_query":
        mem.forget("u1", query=f"{SECRET} jazz")
    elif how == "redact":
        mem.forget("u1", written.ops[0].item_id)  # the memory, then any event still quoting it
        mem.redact_events("u1", [e.id for e in mem.events("u1") if SECRET in e.text])
    elif how == "delete_user":
        mem.delete_user("u1")
    else:
        mem.add("u1", f"Please forget that I love {SECRET} jazz")
    assert SECRET.lower() not in _cached_text(mem)
    if mem.has_user("u1"):
        assert SECRET not in mem.recall("u1", f"{SECRET} music").to_prompt()
        mem.add("u1", "I love tea")  # patched again, from what is left
        assert SECRET not in mem.recall("u1", f"{SECRET} music").to_prompt()
        assert SECRET.lower() not in _cached_text(mem)
    mem.close()
    assert files_containing(tmp_path, SECRET) == []


@pytest.mark.parametrize("how", ["forget", "redact", "delete_user"])
def test_an_assistant_sentence_counted_as_stock_is_dropped_with_the_turns_that_said_it(tmp_path, how):
    mem = _open(tmp_path)
    # Redacting: only the assistant says the word. Forgetting: the memory it quotes goes, and the quotes with it.
    written = mem.add("u1", f"I live in {SECRET}" if how == "forget" else "I love tea")
    mem.recall("u1", "where do I live")
    for n in range(4):  # said in enough turns to be stock (retrieval/stock.py), counted in a patched view
        mem.add_messages("u1", [{"role": "user", "content": f"book a table for {n + 2}"},
                                {"role": "assistant", "content": f"Done, table for {n + 2}. Greetings to {SECRET}!"}],
                         session_id=f"s{n}")
        mem.recall("u1", "book a table")
    assert SECRET.lower() in _cached_text(mem)
    if how == "forget":
        mem.forget("u1", written.ops[0].item_id)  # the memory, and every event quoting it
    elif how == "redact":
        mem.redact_events("u1", [e.id for e in mem.events("u1") if SECRET in e.text])
    else:
        mem.delete_user("u1")
    if mem.has_user("u1"):
        assert SECRET not in mem.recall("u1", "book a table").to_prompt()
        mem.add("u1", "I love tea")  # patched again, from what is left
        mem.recall("u1", "book a table")
    assert SECRET.lower() not in _cached_text(mem)
    mem.close()
    assert files_containing(tmp_path, SECRET) == []
