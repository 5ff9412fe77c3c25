"""``python -m benchmarks.embeddings --embedders local,hashing --batch 64 --n 2000``

Embeds N synthetic 15-word sentences (after one warm-up batch, which includes loading the model) and reports
sentences/s per embedder, plus single-sentence latency p50/p90 and model load time.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import sys
import time

from benchmarks.common import markdown_table, output_dir, percentile, write_results

VOCAB = ("user likes prefers travel hotel flight sushi jazz weekend morning budget quiet window seat vegetarian "
         "restaurant museum hiking coffee book concert train city beach family office gift").split()


def sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(VOCAB) for _ in range(15)) + f" {i}" for i in range(n)]


def measure(name: str, n: int, batch: int, threads: int | None = None) -> dict:
    from memagent import HashingEmbedder, LocalEmbedder

    t0 = time.perf_counter()
    emb = LocalEmbedder(batch_size=batch, threads=threads) if name == "local" else HashingEmbedder()
    emb.embed(["warm up"] * 2)
    load_s = time.perf_counter() - t0
    texts = sentences(n)
    start = time.perf_counter()
    emb.embed(texts) if name != "hashing" else [emb.embed(texts[i : i + batch]) for i in range(0, n, batch)]
    elapsed = time.perf_counter() - start
    singles = []
    for t in texts[:100]:
        s = time.perf_counter()
        emb.embed([t])
        singles.append((time.perf_counter() - s) * 1000)
    return {"embedder": emb.name, "batch": batch, "threads": threads, "sentences": n, "seconds": round(elapsed, 2),
            "sentences_per_s": round(n / elapsed, 1), "single_ms_p50": round(percentile(singles, 50), 2),
            "single_ms_p90": round(percentile(singles, 90), 2), "load_s": round(load_s, 2)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.embeddings", description=__doc__.split("\n\n")[0])
    p.add_argument("--embedders", default="local,hashing")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--threads", type=int, default=None, help="torch threads for the local model (default: torch's)")
    p.add_argument("--out", default=None, help="output folder (default results/embeddings; --quick: a temp folder)")
    p.add_argument("--quick", action="store_true", help="hashing only, 200 sentences")
    args = p.parse_args(argv)
    args.out = output_dir(args.out, "embeddings", quick=args.quick)
    if args.quick:
        args.embedders, args.n = "hashing", 200
    rows = [measure(name, args.n, args.batch, args.threads) for name in args.embedders.split(",")]
    command = "python -m benchmarks.embeddings " + shlex.join(argv if argv is not None else sys.argv[1:])
    table = markdown_table(["embedder", "batch", "torch threads", "sentences/s", "1 sentence p50 ms", "p90 ms", "load s"],
                           [[r["embedder"], r["batch"], r["threads"] or "default", r["sentences_per_s"], r["single_ms_p50"],
                             r["single_ms_p90"], r["load_s"]] for r in rows])
    md = (f"# Embedder throughput ({args.n} sentences of 15 words)\n\n{table}\n\n`{command}`\n\n"
          f"Load average when measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n")
    write_results(args.out, "embeddings", {"rows": rows}, md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
