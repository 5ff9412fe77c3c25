"""The multi-process benchmark's own checks: a small run against the session's servers finds no error,
duplicate or lost write, and it would count them if there were."""

from __future__ import annotations

import json
import uuid

import pytest

from benchmarks.perf.multiproc import main, plan_requests, verify
from memagent import HashingEmbedder, Memory


@pytest.mark.integration
@pytest.mark.slow
def test_two_processes_on_postgres_and_chroma_lose_and_duplicate_nothing(postgres_server, chroma_server, tmp_path):
    dsn = postgres_server.create_database(f"bench_{uuid.uuid4().hex[:8]}")
    code = main(["--backend", "postgres", "--workers", "2", "--users", "24", "--retry-share", "0.3",
                 "--hot-every", "4", "--dsn", dsn, "--vector", chroma_server.url, "--out", str(tmp_path)])
    row = json.loads((tmp_path / "perf_multiproc.json").read_text())["row"]
    assert code == 0
    assert row["requests"] > row["unique_events"] >= 24  # some requests were retries
    assert row["events"] == row["unique_events"]
    assert (row["errors"], row["duplicate_events"], row["duplicate_memories"], row["lost_writes"]) == (0, 0, 0, 0)


def test_every_request_goes_to_a_worker_and_retries_reuse_the_event_id():
    plan = plan_requests(50, 2, 3, retry_share=0.2, hot_every=10, seed=1)
    flat = [r for reqs in plan for r in reqs]
    ids = [eid for _, eid, _ in flat]
    assert {f"user{n:05d}-r{r}" for n in range(50) for r in range(2)} <= set(ids)
    assert len(ids) > len(set(ids))  # retried ids appear twice, in different workers
    assert all(len({w for w, reqs in enumerate(plan) if any(e == eid for _, e, _ in reqs)}) == 2
               for eid in {e for e in ids if ids.count(e) > 1})


def test_verify_counts_lost_and_duplicate_memories(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=64))
    made = mem.add("u1", "My favorite tea is oolong", event_id="e1")
    from memagent.types import MemoryItem, MemoryKind

    twin = made.ops[0]
    mem.store.insert_item(MemoryItem(user_id="u1", kind=MemoryKind.PREFERENCE, text=twin.text, subject="favorite:tea",
                                     source_event_ids=["e1"]))  # as if a retry had applied the write again
    acked = {"e1": ("u1", [twin.item_id]), "e2": ("u1", ["mem_gone"])}
    checks = verify(mem, acked, {"e1", "e2"})
    assert checks["lost_writes"] == 2  # e2's event and its memory are missing
    assert checks["duplicate_memories"] == 2  # two current values of favorite:tea, and e1 applied twice
    mem.close()
