"""Adversarial: bad input gets a typed memagent error (a ValueError/KeyError for callers expecting builtins)
and loses nothing."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pytest

from memagent import (
    HashingEmbedder,
    InvalidInputError,
    LLMOutputError,
    MemagentError,
    Memory,
    ScriptedChat,
    StoreError,
)
from memagent.store.index import ExactIndex

EXPORT = "memagent-user-export/1"


@pytest.fixture
def mem(tmp_path):
    m = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    m.add("u1", "I love jazz")
    yield m
    m.close()


BAD_CALLS = {
    "unknown role": lambda m: m.add("u1", "hi there", role="robot"),
    "unknown event kind": lambda m: m.add("u1", "hi there", kind="bogus"),
    "timestamp as str": lambda m: m.add("u1", "hi there", timestamp="2024-01-01"),
    "session id as int": lambda m: m.add("u1", "hi there", session_id=5),
    "metadata not JSON": lambda m: m.add("u1", "hi there", metadata={"x": object()}),
    "metadata not a mapping": lambda m: m.add("u1", "hi there", metadata=[1, 2]),
    "recall unknown kind": lambda m: m.recall("u1", "jazz", kinds=["bogus"]),
    "recall budget as str": lambda m: m.recall("u1", "jazz", budget_tokens="800"),
    "recall as_of as str": lambda m: m.recall("u1", "jazz", as_of="2024-01-01"),
    "items unknown kind": lambda m: m.items("u1", kinds=["bogus"]),
    "forget min_match as str": lambda m: m.forget("u1", query="jazz", min_match="high"),
    "forget min_match zero": lambda m: m.forget("u1", query="jazz", min_match=0),
    "messages as str": lambda m: m.add_messages("u1", "hello"),
    "message not a mapping": lambda m: m.add_messages("u1", ["hello"]),
    "consolidate now as str": lambda m: m.consolidate("u1", now="tomorrow"),
    "import not a mapping": lambda m: m.import_([1, 2]),
    "import without user id": lambda m: m.import_({"format": EXPORT, "events": [], "items": [], "edges": []}),
    "import user id with NUL": lambda m: m.import_({"format": EXPORT, "user_id": "a\x00b", "events": [], "items": [],
                                                    "edges": []}),
    "import user id as int": lambda m: m.import_({"format": EXPORT, "user_id": 7, "events": [], "items": [],
                                                  "edges": []}),
    "import event without id": lambda m: m.import_({"format": EXPORT, "user_id": "x", "events": [{"text": "a"}],
                                                    "items": [], "edges": []}, user_id="y"),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_arguments_raise_typed_errors_and_change_nothing(mem, call):
    before = (mem.users(), mem.store.counts("u1"), [i.text for i in mem.items("u1")])
    with pytest.raises(MemagentError) as info:
        call(mem)
    assert isinstance(info.value, ValueError | KeyError)
    assert (mem.users(), mem.store.counts("u1"), [i.text for i in mem.items("u1")]) == before


def test_a_single_kind_given_as_a_string_is_one_kind(mem):
    assert mem.recall("u1", "jazz", kinds="preference").texts() == ["User loves jazz."]


def _plan(*ops):
    return json.dumps({"ops": list(ops)})


def _planned(tmp_path):
    llm = ScriptedChat([_plan({"op": "insert", "kind": "fact", "text": "User lives in Boston.",
                               "subject": "home_city", "value": "Boston"})])
    m = Memory.open(tmp_path / "p.db", embedder=HashingEmbedder(dim=256), llm=llm)
    return m, m.add("u1", "I live in Boston").ops[0].item_id


BAD_PLANS = {
    "text over the size limit": lambda t: [{"op": "insert", "kind": "fact", "text": "User " + "x" * 200_000}],
    "forget then merge one id": lambda t: [{"op": "forget", "target_ids": [t]}, {"op": "merge", "target_ids": [t]}],
    "forget then supersede one id": lambda t: [
        {"op": "forget", "target_ids": [t]},
        {"op": "supersede", "kind": "fact", "text": "User lives in Rome.", "target_ids": [t]}],
    "two values supersede one id": lambda t: [
        {"op": "supersede", "kind": "fact", "text": "User lives in Rome.", "target_ids": [t]},
        {"op": "supersede", "kind": "fact", "text": "User lives in Milan.", "target_ids": [t]}],
}


@pytest.mark.parametrize("ops", BAD_PLANS.values(), ids=BAD_PLANS.keys())
def test_contradictory_or_oversized_llm_plans_are_llm_output_errors_and_write_nothing(tmp_path, ops):
    mem, boston = _planned(tmp_path)
    before = mem.store.counts("u1")
    bad = _plan(*ops(boston))
    mem.writer.planner.llm = ScriptedChat([bad, bad])
    with pytest.raises(LLMOutputError):
        mem.add("u1", "I moved to Rome")
    assert mem.store.counts("u1") == before
    assert [i.text for i in mem.items("u1")] == ["User lives in Boston."]
    mem.close()


def test_a_failed_index_write_does_not_leave_the_index_stuck_in_a_transaction(tmp_path):
    index = ExactIndex(tmp_path / "v.vectors", 4)
    with pytest.raises(StoreError):
        index.add("u1", [["not", "a", "str"]], np.ones((1, 4), dtype=np.float32))  # type: ignore[list-item]
    index.add("u1", ["ok"], np.ones((1, 4), dtype=np.float32))
    assert index.ids("u1") == {"ok"}
    index.close()


def test_invalid_unicode_nul_and_huge_text_in_every_entry_point(mem):
    for text in ("bad \ud800 surrogate", "x" * 100_001, "", "   ", None, 42, b"bytes"):
        for call in (partial(mem.add, "u1", text), partial(mem.recall, "u1", text),
                     partial(mem.forget, "u1", query=text), partial(mem.add_instruction, "u1", text),
                     partial(mem.add, text, "hello")):
            with pytest.raises(InvalidInputError if text is not None else MemagentError):
                call()
    mem.add("u1", "I love ja\x00zz with a NUL inside")  # NUL is valid text: stored and read back intact
    assert any("\x00" in e.text for e in mem.events("u1"))


def test_an_export_referring_to_another_users_ids_is_refused(mem):
    victim = mem.add("victim", "I love Quokkaville jazz")
    mem.add("evil", "I love opera")
    data = mem.export("evil")
    mem.delete_user("evil")
    data["items"][0]["source_event_ids"].append(victim.event.id)  # would make evil's item unforgettable
    with pytest.raises(InvalidInputError, match="does not contain"):
        mem.import_(data)
    data = mem.export("victim")
    data["edges"].append({**data["edges"][0], "dst": mem.items("u1")[0].id})
    with pytest.raises(InvalidInputError, match="does not contain"):
        mem.import_(data, user_id="copy")
    assert not mem.has_user("evil") and not mem.has_user("copy")


def test_an_export_taken_after_forgetting_part_of_a_chain_imports_and_forgets_cleanly(mem):
    mem.add("u2", "My favorite color is blue")
    mem.add("u2", "My favorite color is green now")
    mem.add("u2", "I live in Lisbon")
    mem.add("u2", "Lisbon is lovely this time of year!", role="assistant")
    mem.forget("u2", mem.items("u2", include_inactive=True)[0].id)  # the superseded blue only
    uid = mem.import_(mem.export("u2"), user_id="u3")
    assert sorted(i.text for i in mem.items(uid)) == sorted(i.text for i in mem.items("u2"))
    for item in mem.items(uid):
        mem.explain(uid, item.id)
        mem.forget(uid, item.id)
    assert mem.items(uid, include_inactive=True) == [] and all(not e.text for e in mem.events(uid))
