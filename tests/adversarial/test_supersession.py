"""Adversarial: a superseded preference never comes back in recall, stays explainable, and as_of time-travels."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from memagent import HashingEmbedder, Memory, ScriptedChat
from memagent.graph.decide import RuleDecider
from memagent.graph.llm_planner import LLMPlanner

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _plan(*ops):
    return json.dumps({"ops": list(ops)})


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"text": "User loves jazz.", "polarity": 1}, {"text": "User does not love jazz.", "polarity": -1}),
        ({"text": "User loves jazz.", "polarity": 1}, {"text": "User does not love jazz.", "polarity": 0}),
        ({"text": "User eats meat.", "polarity": 0}, {"text": "User no longer eats meat.", "polarity": 0}),
    ],
)
def test_consolidate_never_folds_a_newer_opposite_statement_into_the_older_one(tmp_path, old, new):
    # The LLM inserted the change instead of superseding (a plan the validator accepts): both are current.
    llm = ScriptedChat([_plan({"op": "insert", "kind": "preference", **old}),
                        _plan({"op": "insert", "kind": "preference", **new})])
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256), llm=llm)
    mem.add("u1", "first", timestamp=T0)
    mem.add("u1", "second", timestamp=T0 + timedelta(days=10))
    mem.consolidate("u1", now=T0 + timedelta(days=11))
    assert new["text"] in mem.recall("u1", "jazz meat").texts()
    mem.close()


def test_superseded_value_is_out_of_recall_but_in_explain_history_and_as_of(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    old = mem.add("u1", "My favorite color is blue", timestamp=T0).ops[0].item_id
    res = mem.add("u1", "My favorite color is green now", timestamp=T0 + timedelta(days=30))
    new = res.ops[0].item_id
    assert res.ops[0].target_id == old
    mem.consolidate("u1", now=T0 + timedelta(days=400))
    for query in ("favorite color", "blue", "is my favorite color blue?"):
        assert "blue" not in mem.recall("u1", query).to_prompt()
    assert [i.text for i in mem.explain("u1", new).supersedes] == ["User's favorite color is blue."]
    assert mem.explain("u1", old).superseded_by.id == new
    assert {h.op.value for h in mem.history("u1", old)} == {"insert", "supersede"}
    assert "blue" in mem.recall("u1", "favorite color", as_of=T0 + timedelta(days=1)).to_prompt()
    assert "green" not in mem.recall("u1", "favorite color", as_of=T0 + timedelta(days=1)).to_prompt()
    assert "blue" not in mem.recall("u1", "favorite color", as_of=T0 + timedelta(days=31)).to_prompt()
    assert mem.recall("u1", "favorite color", as_of=T0 - timedelta(days=1)).entries == []
    mem.close()


def test_temporary_overrides_never_supersede(tmp_path):
    llm = ScriptedChat([
        _plan({"op": "insert", "kind": "preference", "text": "User is vegetarian.", "subject": "diet",
               "value": "vegetarian", "polarity": 1}),
        _plan({"op": "insert", "kind": "preference", "text": "Tomorrow only, user wants steak.", "subject": "diet",
               "value": "steak", "polarity": 1, "temporary": True}),
    ])
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256), llm=llm)
    mem.add("u1", "I'm vegetarian")
    mem.add("u1", "Just for tomorrow I want steak")
    mem.writer.planner = None
    for text in ("Just for tomorrow I want a burger", "Only today, I'll have chicken instead"):
        assert {o.op.value for o in mem.add("u1", text).ops} <= {"insert", "noop"}
    assert "User is vegetarian." in mem.recall("u1", "dinner food diet").texts()
    assert all(i.is_current for i in mem.items("u1", include_inactive=True))
    mem.close()


@dataclass
class _OtherProcessWritesMeanwhile(RuleDecider):
    """Decides like the default rules; after its first decision, another process's write lands before this
    process commits what it decided, or, when this process decides under the write lock (a heuristic add),
    waits for that commit (``other`` is then joined after the write)."""

    meanwhile: Callable[[], object] | None = None
    other: threading.Thread | None = None

    def decide(self, cand, bucket):
        decision = super().decide(cand, bucket)
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            self.other = threading.Thread(target=meanwhile)
            self.other.start()
            self.other.join(timeout=2)  # done unless it waits for this process's write lock
        return decision


@pytest.mark.parametrize("via", ["add", "add_instruction"])
def test_a_concurrent_writer_in_another_process_does_not_leave_two_current_values(tmp_path, via):
    path = tmp_path / "m.db"
    other = Memory.open(path, embedder=HashingEmbedder(dim=256))
    if via == "add":
        other.add("u1", "I live in Boston")
        meanwhile = lambda: other.add("u1", "I live in Denver")  # noqa: E731
    else:
        other.add_instruction("u1", "When I book flights, always fly first class")
        meanwhile = lambda: other.add_instruction("u1", "When I book flights, always fly economy")  # noqa: E731
    decider = _OtherProcessWritesMeanwhile(meanwhile=meanwhile)
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256), decider=decider)
    if via == "add":
        mem.add("u1", "I live in Rome")
    else:
        mem.add_instruction("u1", "When I book flights, always fly business")
    assert decider.other is not None
    decider.other.join()
    every = mem.items("u1", include_inactive=True)
    assert len(every) == 3
    # one current value: the one stated last (the other process's, whose event is a moment newer)
    assert mem.items("u1") == [max(every, key=lambda i: i.valid_from)]
    other.close()
    mem.close()


@pytest.mark.parametrize("llm", [False, True])
def test_a_backfilled_older_statement_does_not_supersede_a_newer_one(tmp_path, llm):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    denver = mem.add("u1", "I live in Denver", timestamp=T0 + timedelta(days=10)).ops[0].item_id
    if llm:
        mem.writer.planner = LLMPlanner(ScriptedChat([_plan({
            "op": "supersede", "kind": "fact", "text": "User lives in Boston.", "subject": "home_city",
            "value": "Boston", "target_ids": [denver]})]))
    mem.add("u1", "I live in Boston", timestamp=T0 + timedelta(days=5))  # an older message, imported later
    assert mem.recall("u1", "where do I live").texts() == ["User lives in Denver."]
    assert mem.recall("u1", "where do I live", as_of=T0 + timedelta(days=12)).texts() == ["User lives in Denver."]
    assert mem.recall("u1", "where do I live", as_of=T0 + timedelta(days=6)).texts() == ["User lives in Boston."]
    assert [i.text for i in mem.explain("u1", denver).supersedes] == ["User lives in Boston."]
    for item in mem.items("u1", include_inactive=True):
        assert item.valid_to is None or item.valid_to >= item.valid_from
    mem.close()


def test_a_backfilled_value_between_two_others_splits_the_history_instead_of_overlapping(tmp_path):
    # Lisbon (day 0) -> Denver (day 20) is stored; then Boston (day 10) arrives late. Each date has one value.
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    lisbon = mem.add("u1", "I live in Lisbon", timestamp=T0).ops[0].item_id
    denver = mem.add("u1", "I live in Denver", timestamp=T0 + timedelta(days=20)).ops[0].item_id
    boston = mem.add("u1", "I live in Boston", timestamp=T0 + timedelta(days=10)).ops[0].item_id
    for day, city in ((5, "Lisbon"), (15, "Boston"), (25, "Denver")):
        assert mem.recall("u1", "where do I live", as_of=T0 + timedelta(days=day)).texts() == [f"User lives in {city}."]
    assert mem.get("u1", lisbon).superseded_by == boston
    assert mem.get("u1", boston).superseded_by == denver
    assert mem.recall("u1", "where do I live").texts() == ["User lives in Denver."]
    mem.close()
