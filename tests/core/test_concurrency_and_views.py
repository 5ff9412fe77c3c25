"""Concurrent writers, graph views, export/import, consolidation."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta

import networkx as nx
import pytest

from memagent import HashingEmbedder, InvalidInputError, Memory, MemoryKind, StoreError
from memagent.types import EdgeType


def test_threads_writing_concurrently_lose_nothing(memory):
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(15):
                memory.add(f"user{n % 3}", f"I love topic{n}x{i} stuff")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(memory.store.counts(f"user{k}")["events"] for k in range(3)) == 90
    assert sum(len(memory.items(f"user{k}")) for k in range(3)) == 90


_WRITER = """
import sys
from memagent import HashingEmbedder, Memory
mem = Memory.open(sys.argv[1], embedder=HashingEmbedder(dim=256))
for i in range(10):
    mem.add("shared", f"I love hobby{sys.argv[2]}x{i} a lot")
mem.close()
"""


def test_processes_writing_the_same_file_do_not_hit_database_locked(tmp_path):
    path = str(tmp_path / "m.db")
    Memory.open(path, embedder=HashingEmbedder(dim=256)).close()
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, path, str(n)], stderr=subprocess.PIPE, text=True)
             for n in range(3)]
    outcomes = [(p.wait(timeout=120), p.communicate()[1][-500:]) for p in procs]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    assert mem.store.counts("shared")["events"] == 30
    assert len(mem.index.ids("shared")) == 30


def test_graph_view_has_events_items_and_typed_edges(memory):
    memory.add("u1", "I live in Boston", session_id="s1")
    memory.add("u1", "I moved to Denver", session_id="s2")
    g = memory.graph("u1")
    assert isinstance(g, nx.MultiDiGraph)
    kinds = nx.get_node_attributes(g, "node_type")
    assert sorted(kinds.values()) == ["event", "event", "item", "item"]
    edge_types = {d["type"] for _, _, d in g.edges(data=True)}
    assert {EdgeType.DERIVED_FROM.value, EdgeType.SUPERSEDES.value, EdgeType.FOLLOWS.value} <= edge_types


def test_export_import_round_trip(memory, tmp_path, embedder):
    memory.add("u1", "I live in Boston")
    memory.add("u1", "I moved to Denver")
    memory.add("u1", "I'm allergic to peanuts")
    data = memory.export("u1")
    other = Memory.open(tmp_path / "other.db", embedder=embedder)
    assert other.import_(data) == "u1"
    assert other.export("u1")["items"] == data["items"]
    assert other.recall("u1", "peanut allergy").texts() == memory.recall("u1", "peanut allergy").texts()
    assert other.import_(data, user_id="u1-copy") == "u1-copy"
    with pytest.raises(StoreError):
        other.import_(data)
    with pytest.raises(InvalidInputError):
        other.import_({"format": "something else"})


def test_consolidate_decays_stale_episodes_but_never_the_current_preference(memory):
    t0 = datetime(2024, 1, 1)
    diet = memory.add("u1", "I'm vegetarian", timestamp=t0).ops[0].item_id
    ep = memory.add("u1", "We chatted about the old office printer for a while", timestamp=t0).ops[0].item_id
    memory.add("u1", "We chatted about the old office printer for a while", timestamp=t0 + timedelta(days=1))
    report = memory.consolidate("u1", now=t0 + timedelta(days=3 * 365))
    assert ep in report.decayed or ep in report.merged.values()
    assert diet not in report.decayed
    assert memory.get("u1", diet).is_current
    assert all(i.kind != MemoryKind.EPISODE for i in memory.items("u1"))
    assert [h.op.value for h in memory.history("u1", ep)][-1] in ("decay", "merge")
