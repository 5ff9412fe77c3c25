"""With an LLM, each write is planned by exactly one structured call; invalid plans write nothing."""

from __future__ import annotations

import json

import pytest

from memagent import LLMError, LLMOutputError, Memory, Op, ScriptedChat


def plan(*ops):
    return json.dumps({"ops": list(ops)})


def test_one_llm_call_per_write_and_ops_follow_the_plan(tmp_path, embedder):
    llm = ScriptedChat([
        plan({"op": "insert", "kind": "fact", "text": "User lives in Boston.", "subject": "home_city", "value": "Boston"}),
        plan({"op": "noop"}),
    ])
    mem = Memory.open(tmp_path / "m.db", embedder=embedder, llm=llm)
    first = mem.add("u1", "I live in Boston")
    assert llm.usage.calls == 1
    boston = first.ops[0].item_id
    mem.add("u1", "nice weather today")
    assert llm.usage.calls == 2
    # the bucket shown to the model holds the existing item's id, so it can supersede it
    llm2 = ScriptedChat(lambda msgs: plan({"op": "supersede", "kind": "fact", "text": "User lives in Denver.",
                                           "subject": "home_city", "value": "Denver", "target_ids": [boston]}))
    mem.writer.planner.llm = llm2
    res = mem.add("u1", "I moved to Denver")
    assert llm2.usage.calls == 1
    assert boston in llm2.calls[0][-1]["content"]
    assert [o.op for o in res.ops] == [Op.SUPERSEDE]
    assert mem.get("u1", boston).status == "superseded"
    assert [i.text for i in mem.items("u1")] == ["User lives in Denver."]


def test_assistant_turns_cost_no_llm_call(tmp_path, embedder):
    llm = ScriptedChat([])
    mem = Memory.open(tmp_path / "m.db", embedder=embedder, llm=llm)
    mem.add("u1", "Here are three ideas", role="assistant")
    assert llm.usage.calls == 0


@pytest.mark.parametrize(
    "bad_plan",
    [
        plan({"op": "merge", "target_ids": ["mem_not_in_bucket"]}),
        plan({"op": "insert", "kind": "fact", "text": "x", "target_ids": ["mem_x"]}),
        plan({"op": "supersede", "kind": "fact", "text": "User lives in Rome."}),
        plan({"op": "insert", "kind": "preference"}),
        plan({"op": "explode"}),
    ],
)
def test_invalid_plans_raise_and_write_nothing(tmp_path, embedder, bad_plan):
    mem = Memory.open(tmp_path / "m.db", embedder=embedder, llm=ScriptedChat([plan(
        {"op": "insert", "kind": "fact", "text": "User lives in Boston.", "subject": "home_city"})]))
    mem.add("u1", "I live in Boston")
    before = mem.store.counts("u1")
    mem.writer.planner.llm = ScriptedChat([bad_plan, bad_plan])  # the repair attempt gets the same answer
    with pytest.raises(LLMOutputError):
        mem.add("u1", "I moved to Rome")
    assert mem.store.counts("u1") == before
    assert len(mem.index.ids("u1")) == 1


def test_llm_failure_writes_nothing(tmp_path, embedder):
    mem = Memory.open(tmp_path / "m.db", embedder=embedder, llm=ScriptedChat([]))
    with pytest.raises(LLMError):
        mem.add("u1", "I live in Boston")
    assert mem.users() == [] and not mem.has_user("u1")


def test_llm_forget_redacts_like_the_heuristic_path(tmp_path, embedder):
    llm = ScriptedChat([plan({"op": "insert", "kind": "preference", "text": "User loves Quokkaville tours."})])
    mem = Memory.open(tmp_path / "m.db", embedder=embedder, llm=llm)
    item = mem.add("u1", "I love Quokkaville tours").ops[0].item_id
    mem.writer.planner.llm = ScriptedChat([plan({"op": "forget", "target_ids": [item]})])
    res = mem.add("u1", "forget the Quokkaville thing")
    assert [o.op for o in res.ops] == [Op.FORGET]
    mem.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"Quokkaville" not in blob
