"""``python -m benchmarks.perf --sizes 1000,10000 --out results/perf``

Fills one user's memory with N synthetic statements (varied preferences, facts and episodes, so every write
goes through extraction, a bucket search and an op decision), then times recalls. Reports write throughput
(events/s) and recall latency p50/p95 at each size, as JSON + markdown.
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import markdown_table, output_dir, percentile, progress, timer, write_results

SUBJECTS = ["jazz", "sushi", "hiking", "tennis", "opera", "ramen", "chess", "yoga", "cycling", "pottery", "kayaking",
            "tango", "baking", "sci-fi novels", "board games", "thai food", "espresso", "trail running", "photography",
            "podcasts", "gardening", "karaoke", "surfing", "knitting", "rock climbing"]
TEMPLATES = [
    "I love {s} with {x}",
    "I really enjoy {s} on {d}",
    "I hate {s} when it is {a}",
    "I prefer {s} over {t}",
    "My favorite {c} is {s} number {n}",
    "We talked about {s} and {t} at the {p} for a while on {d}",
    "I usually do {s} at the {p} on {d}",
]
WORDS = {"x": ["friends", "music", "my sister", "colleagues", "a view"], "d": ["mondays", "weekends", "holidays",
         "rainy days", "fridays"], "a": ["crowded", "too loud", "expensive", "rushed"], "c": ["hobby", "dish", "genre",
         "sport", "place"], "p": ["park", "office", "cafe", "club", "beach"]}
QUERIES = ["what should we do this weekend?", "dinner ideas for friday", "music for a rainy day", "gift ideas",
           "plan a holiday", "a new hobby to try", "sports near the beach", "something relaxing after work"]


def statements(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        t = rng.choice(TEMPLATES)
        out.append(t.format(s=rng.choice(SUBJECTS) + f" style {i}", t=rng.choice(SUBJECTS), n=i,
                            **{k: rng.choice(v) for k, v in WORDS.items()}))
    return out


def run_size(n: int, embedder, queries: int, seed: int) -> dict:
    from memagent import Memory

    with tempfile.TemporaryDirectory() as tmp:
        mem = Memory.open(Path(tmp) / "perf.db", embedder=embedder)
        texts = statements(n, seed)
        with timer() as t_write:
            for text in progress(texts, desc=f"write {n}"):
                mem.add("perf-user", text)
        items = len(mem.items("perf-user"))
        latencies = []
        for q in progress([QUERIES[i % len(QUERIES)] + f" #{i}" for i in range(queries)], desc=f"recall {n}"):
            start = time.perf_counter()
            mem.recall("perf-user", q, budget_tokens=800, touch=False)
            latencies.append((time.perf_counter() - start) * 1000)
        db_bytes = sum(p.stat().st_size for p in Path(tmp).iterdir())
        mem.close()
    return {
        "events": n,
        "memories": items,
        "write_seconds": round(t_write[0], 2),
        "writes_per_second": round(n / t_write[0], 1),
        "recall_ms_p50": round(percentile(latencies, 50), 2),
        "recall_ms_p95": round(percentile(latencies, 95), 2),
        "disk_mb": round(db_bytes / 1e6, 2),
    }


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if any(a.split("=")[0] in ("--backend", "--workers") for a in given):  # several processes on one shared backend
        from benchmarks.perf.multiproc import main as multiproc_main

        return multiproc_main(given)
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000", help="comma-separated memory sizes")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--embedder", choices=["hashing", "local"], default="local")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="output folder (default results/perf; --quick: a temp folder)")
    p.add_argument("--quick", action="store_true", help="sizes 200, 30 queries, hashing embedder")
    args = p.parse_args(argv)
    args.out = output_dir(args.out, "perf", quick=args.quick)
    if args.quick:
        args.sizes, args.queries, args.embedder = "200", 30, "hashing"
    from memagent import HashingEmbedder, LocalEmbedder

    embedder = LocalEmbedder() if args.embedder == "local" else HashingEmbedder()
    rows = [run_size(int(s), embedder, args.queries, args.seed) for s in args.sizes.split(",")]
    command = "python -m benchmarks.perf " + shlex.join(argv if argv is not None else sys.argv[1:])
    headers = ["memories written", "current items", "writes/s", "recall p50 ms", "recall p95 ms", "disk MB"]
    table = markdown_table(headers, [[r["events"], r["memories"], r["writes_per_second"], r["recall_ms_p50"],
                                      r["recall_ms_p95"], r["disk_mb"]] for r in rows])
    md = f"# perf: write throughput and recall latency (exact index, embedder {embedder.name})\n\n{table}\n\n`{command}`\n"
    write_results(args.out, "perf", {"embedder": embedder.name, "queries": args.queries, "rows": rows}, md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
