"""Recall outputs of a saved store on a fixed request set, to show a read-path change preserves them.

``python -m benchmarks.perf.outputs capture --db DIR/perf.db --vectors sparse --out before.json`` (old code), the
same with ``--out after.json`` (new code), then ``python -m benchmarks.perf.outputs compare before.json
after.json``: every request's ranked candidates (ids and scores, what ``pack`` is given), the packed entry ids and
the ``to_prompt()`` text must be the same. The store is copied to a temporary folder first, because the capture
also writes: after the fixed requests it adds ``--writes`` turns and recalls after each (the path a chatbot pays
on every message, where patched caches matter). Build a store with ``benchmarks.perf.data`` (``tiled_export``
through ``Memory.import_``, as ``latency.one_user`` does) and keep it: building one of 100k takes minutes.

``compare`` also reports, per request, the overlap of the ranked ids (share of the first run's top ``--top``
found in the second's), for a change that is allowed to differ (an approximate first stage).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.perf.data import queries as make_queries
from benchmarks.perf.latency import _TURNS, DIM
from benchmarks.perf.vectors import KINDS, embedder_for

# Requests beyond the perf benchmark's: a domain word, a long one, one with no content word, a preference phrase.
EXTRA = ["book me a flight to lisbon with an aisle seat", "what music do I like", "the", "?? !!",
         "recommend something for dinner with my sister at the beach cafe on a rainy friday",
         "I prefer tennis over sushi", "sci-fi novels number 12", "hobby"]


def _one(mem: Any, uid: str, query: str) -> dict[str, Any]:
    cfg = mem.ranker.config
    qvec = mem.queries.get(uid, query)
    ranked = mem.ranker.rank(uid, query, qvec)
    if cfg.turns:
        ranked += mem.turns.rank(uid, query, qvec, beside=ranked)
    recall = mem.recall(uid, query, touch=False)
    return {"query": query, "ranked": [[s.item.id, s.score, s.via] for s in ranked],
            "components": [s.components for s in ranked],
            "entries": [e.item.id for e in recall.entries], "prompt": recall.to_prompt()}


def capture(db: Path, vectors: str, n_queries: int, writes: int, user: str = "u") -> list[dict[str, Any]]:
    from memagent import Memory

    with tempfile.TemporaryDirectory() as tmp:
        for f in db.parent.glob(db.name + "*"):  # the database, its vectors file and their journals
            shutil.copy(f, Path(tmp) / f.name)
        mem = Memory.open(Path(tmp) / db.name, embedder=embedder_for(vectors, DIM))
        try:
            out = [_one(mem, user, q) for q in [*make_queries(n_queries), *EXTRA]]
            for k in range(writes):
                mem.add(user, _TURNS[k % len(_TURNS)].format(n=k))
                out.append(_one(mem, user, EXTRA[k % len(EXTRA)]) | {"after_write": k})
        finally:
            mem.close()
    return out


def compare(a: list[dict[str, Any]], b: list[dict[str, Any]], top: int) -> tuple[int, list[float]]:
    """Requests whose outputs differ, and each request's overlap of the ranked ids' first ``top``."""
    differ = 0
    overlaps = []
    for x, y in zip(a, b, strict=True):
        if x["query"] != y["query"]:
            msg = "the two captures are of different request sets"
            raise ValueError(msg)
        same = x["ranked"] == y["ranked"] and x["entries"] == y["entries"] and x["prompt"] == y["prompt"]
        if not same:
            differ += 1
            changed = sorted({k for cx, cy in zip(x["components"], y["components"], strict=False)
                              for k in cx.keys() | cy.keys() if cx.get(k) != cy.get(k)})
            print(f"differs: {x['query']!r} components {changed} ranked {x['ranked'] == y['ranked']} entries "
                  f"{x['entries'] == y['entries']} prompt {x['prompt'] == y['prompt']}")
        first = {r[0] for r in x["ranked"][:top]}
        overlaps.append(len(first & {r[0] for r in y["ranked"][:top]}) / len(first) if first else 1.0)
    return differ, overlaps


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.outputs", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--db", required=True, type=Path, help="a saved store (its vectors file beside it)")
    c.add_argument("--vectors", default="sparse", choices=KINDS, help="the vectors it was built with")
    c.add_argument("--queries", type=int, default=30)
    c.add_argument("--writes", type=int, default=5)
    c.add_argument("--out", required=True, type=Path)
    d = sub.add_parser("compare")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    d.add_argument("--top", type=int, default=100)
    args = p.parse_args(argv)
    if args.cmd == "capture":
        args.out.write_text(json.dumps(capture(args.db, args.vectors, args.queries, args.writes)))
        return 0
    differ, overlaps = compare(json.loads(args.a.read_text()), json.loads(args.b.read_text()), args.top)
    print(f"{differ} of {len(overlaps)} requests differ; top-{args.top} overlap min {min(overlaps):.3f} "
          f"mean {sum(overlaps) / len(overlaps):.4f}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
