"""``python -m benchmarks.perf --sizes 1000,10000,100000`` (``--quick`` for CI)

Measures, in one run on one machine:

1. write throughput: heuristic turns/s through the real write path, with the hashing embedder and the local
   model (``benchmarks/perf/ingest.py``), and LLM calls per turn with a counting fake;
2. recall latency p50/p95/p99 for one user at each size, and for many users of 1,000 memories each, as a ratio
   against a plain numpy search and a plain chromadb query on the same vectors (``latency.py``); memories are
   bulk-loaded through ``Memory.import_`` with the hashing embedder (``data.py``);
3. context tokens against the full history of a 300-turn conversation at >= 0.95 gold recall (``context.py``).

Each phase runs in a fresh process, so its peak RSS is its own. Results: ``results/perf/perf.json`` + ``.md``.
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
from typing import Any

from benchmarks.common import markdown_table, output_dir, write_results
from benchmarks.perf.phases import run_phase
from benchmarks.perf.vectors import KINDS

PHASES = ("ingest", "llm", "latency", "context")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sizes", default="1000,10000,100000", help="comma-separated memory counts for one user")
    p.add_argument("--queries", type=int, default=200, help="distinct requests per size")
    p.add_argument("--repeats", type=int, default=3, help="rounds of the requests (medians of rounds reported)")
    p.add_argument("--writes", type=int, default=20, help="write-then-recall pairs per size (the after-write row)")
    p.add_argument("--users", type=int, default=100, help="users in the many-users row (0: skip)")
    p.add_argument("--per-user", type=int, default=1000)
    p.add_argument("--turns", type=int, default=2000, help="conversation turns per ingest mode")
    p.add_argument("--embedders", default="hashing,local", help="embedders of the ingest rows (hashing, local, "
                   "local-onnx, local-torch, local-bf16; local: ONNX Runtime when it can export, else torch)")
    p.add_argument("--local-threads", type=int, default=1, help="intra-op threads of the local model (0: the "
                   "backend's default)")
    p.add_argument("--no-chroma", action="store_true", help="skip the chromadb baseline")
    p.add_argument("--vectors", default="sparse", help="comma-separated vectors of the latency rows: sparse (the "
                   "hashing embedder's) and/or dense (the same rotated by a fixed orthogonal matrix: the same "
                   "rankings, no zero entry, as a sentence model's; see benchmarks/perf/vectors.py)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="output folder (default results/perf; --quick: a temp folder)")
    p.add_argument("--quick", action="store_true", help="CI smoke run: small sizes, hashing only")
    p.add_argument("--phases", default=",".join(PHASES),
                   help=f"comma-separated phases to run (default all: {','.join(PHASES)})")


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if any(a.split("=")[0] in ("--backend", "--workers") for a in given):  # several processes on one shared backend
        from benchmarks.perf.multiproc import main as multiproc_main

        return multiproc_main(given)
    from benchmarks.perf import context, ingest, latency

    p = argparse.ArgumentParser(prog="python -m benchmarks.perf", description=__doc__.split("\n\n")[0])
    add_arguments(p)
    args = p.parse_args(argv)
    args.out = output_dir(args.out, "perf", quick=args.quick)
    if args.quick:
        args.sizes, args.queries, args.repeats, args.users, args.per_user = "300,2000", 30, 1, 5, 300
        args.writes = 10
        args.turns, args.embedders = 200, "hashing"
    sizes = [int(s) for s in args.sizes.split(",") if s]
    phases = {x for x in args.phases.split(",") if x}
    kinds = [v for v in args.vectors.split(",") if v]
    if not kinds or set(kinds) - set(KINDS):
        p.error(f"unknown --vectors {args.vectors!r}; choose from {', '.join(KINDS)}")
    if phases - set(PHASES):
        p.error(f"unknown phases {sorted(phases - set(PHASES))}; choose from {', '.join(PHASES)}")
    data: dict[str, Any] = {"machine": machine(), "settings": vars(args) | {"out": str(args.out)}}
    threads = args.local_threads or None
    if "ingest" in phases:
        data["ingest"] = [run_phase(ingest.ingest, e, args.turns, args.seed, threads=threads)
                          for e in args.embedders.split(",") if e]
    if "llm" in phases:
        data["llm_calls"] = run_phase(ingest.llm_calls_per_turn, min(args.turns, 400), args.seed)
    if "latency" in phases:
        data["one_user"] = [run_phase(latency.one_user, n, args.queries, args.repeats, args.seed,
                                      chroma=not args.no_chroma, writes=args.writes, vectors=v)
                            for v in kinds for n in sizes]
        if args.users:
            data["many_users"] = run_phase(latency.many_users, args.users, args.per_user, args.queries,
                                           args.repeats, args.seed, vectors=kinds[0])
    if "context" in phases:
        ctx_embedder = "hashing" if args.quick else ("local" if "local" in args.embedders else "hashing")
        data["context"] = run_phase(context.context_tokens, ctx_embedder, 300, args.seed)
    command = "python -m benchmarks.perf " + shlex.join(argv if argv is not None else sys.argv[1:])
    md = render(data, command)
    write_results(args.out, "perf", data, md)
    print(md)
    return 0


def machine() -> dict[str, Any]:
    import os

    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        info["cpu"] = platform.processor() or "?"
    return info


def render(data: dict[str, Any], command: str) -> str:
    """The markdown report of the phases ``data`` holds."""
    mach = data["machine"]
    measured = [*data.get("ingest", []), *data.get("one_user", [])]
    loads = sorted({x for ph in measured for pair in ph["load_before_after"] for x in pair[:1]})
    load = f" (1-minute load average during the phases: {loads[0]}-{loads[-1]})" if loads else ""
    out = ["# perf: write throughput, recall latency, context size", "",
           f"Machine: {mach['cpus']} cores ({mach['cpu']}), Python {mach['python']}; shared with other work while it "
           f"ran{load}.", ""]
    if "ingest" in data or "llm_calls" in data:
        out += ["## Writes (heuristic write path: extraction, bucket search, op decision, commit, index)", ""]
    if "ingest" in data:
        ing = [[r["embedder"], r.get("backend", "-"), r["mode"], r["turns"], r["turns_per_second"],
                r.get("turns_per_cpu_second", ""), r.get("acknowledged_turns_per_second", ""), phase["peak_rss_mb"]]
               for phase in data["ingest"] for r in phase["rows"]]
        out += [markdown_table(["embedder", "backend", "mode", "turns", "turns/s", "turns/CPU-s",
                                "acknowledged turns/s", "peak RSS MB"], ing), ""]
    if "llm_calls" in data:
        llm = data["llm_calls"]
        out += [f"LLM calls per turn with a counting fake planner: **{llm['llm_calls_per_turn']}** "
                f"({llm['llm_calls']} calls for {llm['turns']} turns; one per user turn, none per assistant turn).", ""]
    if "one_user" in data:
        out += latency_section(data)
    if "context" in data:
        ctx = data["context"]
        out += ["## Context tokens vs the full history (300-turn conversation, 20 gold preferences)", "",
                context_line(ctx, ctx["chosen"] or {}), "",
                markdown_table(["budget", "gold recall", "mean tokens used"],
                               [[r["budget"], r["gold_recall"], r["mean_tokens"]] for r in ctx["by_budget"]]), ""]
    return "\n".join([*out, f"`{command}`"])


def latency_section(data: dict[str, Any]) -> list[str]:
    lat = []
    for r in data["one_user"]:
        m, n, c = r["memagent"], r["numpy"], r.get("chroma")
        lat.append([f"1 user x {r['memories']:,} ({r.get('vectors', 'sparse')})", m["p50"], m["p95"], m["p99"], r["memagent_p95_median_of_rounds"],
                    n["p50"], c["p50"] if c else "-", round(m["p50"] / n["p50"], 1),
                    round(m["p50"] / c["p50"], 1) if c else "-", r["peak_rss_mb"]])
    if "many_users" in data:
        r = data["many_users"]
        m, n = r["memagent"], r["numpy"]
        lat.append([f"{r['users']} users x {r['memories_per_user']:,} ({r.get('vectors', 'sparse')})", m["p50"], m["p95"], m["p99"],
                    r["memagent_p95_median_of_rounds"], n["p50"], "-", round(m["p50"] / n["p50"], 1), "-",
                    r["peak_rss_mb"]])
    return ["## Recall latency (ms; whole Memory.recall at 800 tokens vs the nearest-100 search alone)", "",
            markdown_table(["memories", "p50", "p95", "p99", "p95 median of rounds", "numpy p50", "chroma p50",
                            "x numpy", "x chroma", "peak RSS MB"], lat), "",
            f"Exact numpy search vs chroma HNSW (same vectors, no filter): {crossover(data['one_user'])}", "",
            *after_write_section(data["one_user"])]


def after_write_section(rows: list[dict[str, Any]]) -> list[str]:
    """Recall right after a write (one user turn added, then a recall), beside the steady recall of each size."""
    rows = [r for r in rows if r.get("after_write")]
    if not rows:
        return []
    table = [[f"1 user x {r['memories']:,} ({r.get('vectors', 'sparse')})", r["after_write"]["writes"], r["after_write"]["write_p50"],
              r["after_write"]["p50"], r["after_write"]["p95"], r["memagent"]["p50"], r["memagent"]["p95"],
              round(r["after_write"]["p95"] / r["memagent"]["p95"], 1)] for r in rows]
    return ["## Recall right after a write (ms; add one turn, then recall: what a chatbot pays per message)", "",
            markdown_table(["memories", "writes", "write p50", "after-write p50", "after-write p95", "steady p50",
                            "steady p95", "after-write p95 / steady p95"], table), ""]


def context_line(ctx: dict[str, Any], chosen: dict[str, Any]) -> str:
    head = f"Full history: {ctx['full_history_tokens']:,} tokens (gold recall 1.0). "
    if chosen:
        return head + (f"memagent reaches gold recall {chosen['gold_recall']} at {chosen['mean_tokens']} tokens: "
                       f"**{ctx['ratio_to_full']}** of the history ({ctx['embedder']} embedder).")
    best = max(ctx["by_budget"], key=lambda r: r["gold_recall"])
    return head + (f"memagent stays below 0.95 gold recall at every budget tried (best {best['gold_recall']} at "
                   f"{best['mean_tokens']} tokens, {best['mean_tokens'] / ctx['full_history_tokens']:.3f} of the "
                   f"history; {ctx['embedder']} embedder).")


def crossover(rows: list[dict[str, Any]]) -> str:
    pairs = [(r["memories"], r["numpy"]["p50"], r["chroma"]["p50"]) for r in rows if r.get("chroma")]
    if not pairs:
        return "not measured (--no-chroma)."
    parts = [f"{n:,} ({r.get('vectors', 'sparse')}): numpy {a} ms, chroma {b} ms"
             for r, (n, a, b) in zip([r for r in rows if r.get("chroma")], pairs, strict=True)]
    faster = [n for n, a, b in pairs if b < a]
    verdict = (f"chroma is faster from {min(faster):,} memories" if faster
               else f"numpy is faster at every size measured (up to {pairs[-1][0]:,})")
    return "; ".join(parts) + f". {verdict}."


if __name__ == "__main__":
    raise SystemExit(main())
