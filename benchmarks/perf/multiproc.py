"""``python -m benchmarks.perf --backend postgres --workers 4 [--users 10000] [--quick]``

Several app-server processes share one memory: each opens its own ``Memory`` on the same backend, then they
all write and recall for the same users at once. Every user's requests are spread over the workers, some
requests are retried on another worker (a client retry after a timeout, with the same event id), and a few
hot users get a new value of one preference from every worker, to race supersedes. Afterwards the store is
checked: errors, duplicate events or memories (a retry applied twice, two current values of one preference),
and lost writes (an acknowledged event or memory that is not there).

Backends: ``postgres`` (PostgreSQL + a chroma server; both started in a temp dir unless ``--dsn`` and
``--vector`` name running ones) and ``sqlite`` (one SQLite file and its exact index, for comparison).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import shlex
import sys
import tempfile
import time
import zlib
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.common import markdown_table, output_dir, percentile, write_results

TOPICS = ["color", "tea", "city", "band", "sport", "cheese", "movie", "fruit"]
VALUES = ["amber", "oolong", "lisbon", "radiohead", "tennis", "comte", "alien", "mango", "teal", "sencha", "porto",
          "blur", "rowing", "brie", "heat", "kiwi", "ochre", "rooibos", "oslo", "pixies", "squash", "gouda"]
QUERIES = ["what is my favorite {t}?", "suggest something with {t}", "do you remember my {t}?"]
HOT_USERS = 8


def plan_requests(users: int, writes: int, workers: int, retry_share: float, hot_every: int, seed: int
                  ) -> list[list[tuple[str, str, str]]]:
    """Each worker's (user, event id, text) requests. A user's successive writes go to different workers;
    ``retry_share`` of the requests are sent again later to another worker with the same event id."""
    rng = random.Random(seed)
    per_worker: list[list[tuple[str, str, str]]] = [[] for _ in range(workers)]
    names = [f"user{n:05d}" for n in range(users)]
    for r in range(writes):
        order = names[:]
        rng.shuffle(order)
        for n, user in enumerate(order):
            text = f"My favorite {rng.choice(TOPICS)} is {rng.choice(VALUES)}{rng.randrange(1000)}"
            w = (zlib.crc32(user.encode()) + r) % workers
            req = (user, f"{user}-r{r}", text)
            per_worker[w].append(req)
            if rng.random() < retry_share:
                other = (w + 1 + rng.randrange(workers - 1)) % workers if workers > 1 else w
                per_worker[other].append(req)  # appended later in that worker's list: a retry after the first
            if hot_every and n % hot_every == 0:
                hot = f"hot{rng.randrange(HOT_USERS)}"
                per_worker[rng.randrange(workers)].append((hot, f"{hot}-{r}-{n}", f"My favorite tea is blend{n}x{r}"))
    return per_worker


def _open(backend: str, target: str, vector: str | None) -> Any:
    from memagent import HashingEmbedder, Memory

    return Memory.open(target, vector=vector, embedder=HashingEmbedder(dim=256), reconcile=False)


def worker(n: int, backend: str, target: str, vector: str | None, requests: list[tuple[str, str, str]],
           ready: Any, start: Any, results: Any) -> None:
    """One app server: every request is a write then a recall for the same user."""
    mem = _open(backend, target, vector)
    rng = random.Random(n)
    acked: dict[str, tuple[str, list[str]]] = {}
    errors: list[str] = []
    write_ms: list[float] = []
    recall_ms: list[float] = []
    ready.put(n)
    start.wait()
    began = time.perf_counter()
    for user, event_id, text in requests:
        t0 = time.perf_counter()
        try:
            res = mem.add(user, text, event_id=event_id)
            acked[event_id] = (user, [o.item_id for o in res.ops if o.item_id])
        except Exception as exc:  # counted and reported: the benchmark's job is to find them
            errors.append(f"write {event_id}: {type(exc).__name__}: {exc}"[:300])
        t1 = time.perf_counter()
        try:
            mem.recall(user, rng.choice(QUERIES).format(t=rng.choice(TOPICS)), budget_tokens=400)
        except Exception as exc:  # counted and reported
            errors.append(f"recall {user}: {type(exc).__name__}: {exc}"[:300])
        t2 = time.perf_counter()
        write_ms.append((t1 - t0) * 1000)
        recall_ms.append((t2 - t1) * 1000)
    elapsed = time.perf_counter() - began
    mem.close()
    results.put({"worker": n, "acked": acked, "errors": errors, "write_ms": write_ms, "recall_ms": recall_ms,
                 "seconds": elapsed})


def verify(mem: Any, acked: dict[str, tuple[str, list[str]]], requested: set[str]) -> dict[str, int]:
    """Duplicates and lost writes, read back through the Store protocol from a fresh connection."""
    store = mem.store
    made_by_user: dict[str, list[str]] = {}
    for user, made in acked.values():
        made_by_user.setdefault(user, []).extend(made)
    events = 0
    lost = dup_events = dup_memories = 0
    seen_ids: set[str] = set()
    for user in store.users():
        evs = store.events(user)
        events += len(evs)
        ids = Counter(e.id for e in evs)
        dup_events += sum(c - 1 for c in ids.values()) + sum(1 for i in ids if i not in requested)
        seen_ids |= set(ids)
        items = store.items(user, statuses=None)
        current = Counter(i.subject for i in items if i.is_current and i.subject)
        dup_memories += sum(c - 1 for c in current.values())  # two current values of one preference
        per_event = Counter((ev, i.text) for i in items for ev in i.source_event_ids[:1])
        dup_memories += sum(c - 1 for c in per_event.values())  # one request applied twice
        have = {i.id for i in items}
        lost += sum(1 for i in made_by_user.get(user, []) if i not in have)
    lost += sum(1 for eid in acked if eid not in seen_ids)
    return {"events": events, "duplicate_events": dup_events, "duplicate_memories": dup_memories, "lost_writes": lost}


def run(backend: str, target: str, vector: str | None, workers: int, per_worker: list[list[tuple[str, str, str]]]
        ) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    _open(backend, target, vector).close()  # create the schema once, before the workers race to
    ready, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=worker, args=(n, backend, target, vector, reqs, ready, start, results))
             for n, reqs in enumerate(per_worker)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    began = time.perf_counter()
    start.set()
    out = [results.get(timeout=24 * 3600) for _ in procs]
    wall = time.perf_counter() - began
    for p in procs:
        p.join(timeout=60)
    acked: dict[str, tuple[str, list[str]]] = {}
    for r in out:
        for eid, (user, made) in r["acked"].items():
            first = acked.setdefault(eid, (user, made))
            if sorted(first[1]) != sorted(made):  # a retry must return what the first write made
                acked[eid] = (user, sorted(set(first[1]) | set(made)))
    requested = {eid for reqs in per_worker for _, eid, _ in reqs}
    mem = _open(backend, target, vector)
    checks = verify(mem, acked, requested)
    mem.close()
    writes = [x for r in out for x in r["write_ms"]]
    recalls = [x for r in out for x in r["recall_ms"]]
    errors = [e for r in out for e in r["errors"]]
    requests = sum(len(r) for r in per_worker)
    return {
        "backend": backend, "workers": workers, "requests": requests, "unique_events": len(requested),
        "wall_seconds": round(wall, 1), "writes_per_second": round(len(writes) / wall, 1),
        "ops_per_second": round((len(writes) + len(recalls)) / wall, 1),
        "write_ms_p50": round(percentile(writes, 50), 1), "write_ms_p95": round(percentile(writes, 95), 1),
        "recall_ms_p50": round(percentile(recalls, 50), 1), "recall_ms_p95": round(percentile(recalls, 95), 1),
        "errors": len(errors), "error_samples": errors[:5], "users": len({u for reqs in per_worker for u, _, _ in reqs}),
        **checks,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf", description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--users", type=int, default=10_000)
    p.add_argument("--writes", type=int, default=1, help="writes per user (each followed by a recall)")
    p.add_argument("--retry-share", type=float, default=0.05, help="share of requests also sent to another worker")
    p.add_argument("--hot-every", type=int, default=100, help="one hot-user write per this many requests (0: none)")
    p.add_argument("--dsn", default=None, help="a running PostgreSQL (default: start one in a temp dir)")
    p.add_argument("--vector", default=None, help="a running chroma server, chroma://host:port (default: start one)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="output folder (default results/perf_multiproc; --quick: a temp one)")
    p.add_argument("--quick", action="store_true", help="200 users, one write each")
    args = p.parse_args(argv)
    if args.quick:
        args.users, args.writes, args.hot_every = 200, 1, 20
    out = output_dir(args.out, "perf_multiproc", quick=args.quick)
    per_worker = plan_requests(args.users, args.writes, args.workers, args.retry_share, args.hot_every, args.seed)
    with ExitStack() as stack:
        if args.backend == "postgres":
            from memagent.testing.servers import ChromaServer, PostgresServer

            target = args.dsn or stack.enter_context(PostgresServer(settings={"max_connections": "200"})).url
            vector = args.vector or stack.enter_context(ChromaServer()).url
        else:
            target, vector = str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "shared.db"), args.vector
        row = run(args.backend, target, vector, args.workers, per_worker)
    command = "python -m benchmarks.perf " + shlex.join(argv if argv is not None else sys.argv[1:])
    headers = ["backend", "workers", "users", "requests", "writes/s", "write p95 ms", "recall p95 ms", "errors",
               "dup events", "dup memories", "lost writes"]
    table = markdown_table(headers, [[row["backend"], row["workers"], row["users"], row["requests"],
                                      row["writes_per_second"], row["write_ms_p95"], row["recall_ms_p95"],
                                      row["errors"], row["duplicate_events"], row["duplicate_memories"],
                                      row["lost_writes"]]])
    md = (f"# perf: {args.workers} processes writing and recalling on one shared memory (hashing embedder)\n\n"
          f"{table}\n\n`{command}`\n")
    write_results(out, "perf_multiproc", {"args": vars(args), "row": row}, md)
    print(md)
    if row["error_samples"]:
        print("error samples:", *row["error_samples"], sep="\n  ", file=sys.stderr)
    return 0 if not (row["errors"] or row["duplicate_events"] or row["duplicate_memories"] or row["lost_writes"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
