"""Recall latency at a given size, against a plain numpy search and a plain chromadb query on the same vectors.

memagent's figure is a whole ``Memory.recall`` (request embedding, dense + BM25 candidates, hybrid scoring, graph
expansion, packing into 800 tokens; ``touch=False``). The baselines only find the 100 nearest vectors of the same
request vectors: numpy is one exact matrix-vector product plus a partial sort; chromadb is one HNSW query on a
collection holding only this user's vectors, with no filter (its fastest case).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import percentile, progress
from benchmarks.perf.data import queries as make_queries
from benchmarks.perf.data import template_export, tiled_export
from benchmarks.perf.vectors import embedder_for

K = 100
DIM = 384  # the hashing embedder at the local model's dimension: the same bytes per vector as all-MiniLM-L6-v2
# (``vectors="dense"``: the same vectors rotated, no zero entry, see benchmarks/perf/vectors.py)


def _summary(ms: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(ms, 50), 3), "p95": round(percentile(ms, 95), 3), "p99": round(percentile(ms, 99), 3)}


def _timed(fn: Any, args: list[Any], repeats: int, desc: str) -> tuple[list[float], list[float]]:
    """Wall-clock ms of each call over ``repeats`` rounds, and each round's p95 (their median is reported too)."""
    ms: list[float] = []
    rounds: list[float] = []
    for r in range(repeats):
        this: list[float] = []
        for a in progress(args, desc=f"{desc} ({r + 1}/{repeats})"):
            start = time.perf_counter()
            fn(a)
            this.append((time.perf_counter() - start) * 1000)
        ms += this
        rounds.append(percentile(this, 95))
    return ms, rounds


def one_user(n: int, n_queries: int, repeats: int, seed: int, *, chroma: bool, writes: int = 20,
             vectors: str = "sparse") -> dict[str, Any]:
    from memagent import Memory

    embedder = embedder_for(vectors, DIM)
    template = template_export(embedder, 500, seed)
    qs = make_queries(n_queries)
    with tempfile.TemporaryDirectory() as tmp:
        mem = Memory.open(Path(tmp) / "perf.db", embedder=embedder)
        start = time.perf_counter()
        mem.import_(tiled_export(template, n, user_id="u"))
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        mem.recall("u", "warm up: the first recall builds the user's snapshot", touch=False)
        first_ms = (time.perf_counter() - start) * 1000
        cpu0 = time.process_time()
        ms, rounds = _timed(lambda q: mem.recall("u", q, touch=False), qs, repeats, f"recall {n}")
        cpu_ms = (time.process_time() - cpu0) * 1000 / len(ms)
        after_ms, write_ms = _after_writes(mem, qs, writes, n)
        ids = sorted(mem.index.ids("u"))
        matrix, _ = mem.index.rows("u", ids)  # the very vectors memagent searches
        qvecs = embedder.embed(qs)
        row = {"memories": len(ids), "vectors": vectors, "bulk_load_s": round(load_s, 1), "first_recall_ms": round(first_ms, 1),
               "memagent": _summary(ms), "memagent_p95_median_of_rounds": round(statistics.median(rounds), 3),
               "memagent_cpu_ms_per_recall": round(cpu_ms, 3),
               "after_write": _summary(after_ms) | {"writes": len(after_ms), "write_p50": round(percentile(write_ms, 50), 3)}}
        row["numpy"] = _summary(_timed(lambda q: _numpy_top(matrix, q), list(qvecs), repeats, f"numpy {n}")[0])
        if chroma:
            row["chroma"], row["chroma_load_s"] = _chroma(matrix, qvecs, repeats, n, tmp)
        mem.close()
    return row


# What a chatbot writes between two recalls: one user turn (a new memory, or a merge into one).
_TURNS = ["I really like sea kayaking trip number {n} with my cousin", "we ended up at the noodle bar again, visit {n}",
          "My favourite board game this month is number {n}", "I love trying tea blend {n} in the morning"]


def _after_writes(mem: Any, qs: list[str], writes: int, n: int) -> tuple[list[float], list[float]]:
    """Recall right after a write, what a chatbot pays on every message: add one turn, then recall (ms of
    each), ``writes`` times."""
    recall_ms, write_ms = [], []
    for k in progress(range(writes), desc=f"write then recall {n}"):
        start = time.perf_counter()
        mem.add("u", _TURNS[k % len(_TURNS)].format(n=k))
        write_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        mem.recall("u", qs[k % len(qs)], touch=False)
        recall_ms.append((time.perf_counter() - start) * 1000)
    return recall_ms, write_ms


def _numpy_top(matrix: np.ndarray, q: np.ndarray) -> np.ndarray:
    scores = matrix @ q
    top = np.argpartition(-scores, K - 1)[:K]
    return top[np.argsort(-scores[top])]


def _chroma(matrix: np.ndarray, qvecs: np.ndarray, repeats: int, n: int, tmp: str) -> tuple[dict[str, float], float]:
    import chromadb

    client = chromadb.PersistentClient(path=str(Path(tmp) / "chroma"))
    col = client.get_or_create_collection("perf-baseline", embedding_function=None,
                                          configuration={"hnsw": {"space": "cosine"}})
    start = time.perf_counter()
    for s in progress(range(0, len(matrix), 5000), desc=f"chroma load {n}"):
        part = matrix[s : s + 5000]
        col.add(ids=[str(i) for i in range(s, s + len(part))], embeddings=part)
    load_s = time.perf_counter() - start
    ms, _ = _timed(lambda q: col.query(query_embeddings=[q], n_results=K, include=["distances"]), list(qvecs),
                   repeats, f"chroma {n}")
    close = getattr(client, "close", None)
    if close is not None:
        close()
    return _summary(ms), round(load_s, 1)


def many_users(n_users: int, per_user: int, n_queries: int, repeats: int, seed: int,
               vectors: str = "sparse") -> dict[str, Any]:
    """``n_users`` users of ``per_user`` memories each in one store; each recall is for a random user."""
    from memagent import Memory

    embedder = embedder_for(vectors, DIM)
    template = template_export(embedder, 500, seed)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        mem = Memory.open(Path(tmp) / "perf.db", embedder=embedder)
        start = time.perf_counter()
        for u in progress(range(n_users), desc=f"load {n_users} users"):
            mem.import_(tiled_export(template, per_user, user_id=f"u{u}", first_copy=u * 10))
        load_s = time.perf_counter() - start
        for u in range(n_users):  # steady state: every user's snapshot built once (one_user reports the first)
            mem.recall(f"u{u}", "warm up", touch=False)
        calls = [(f"u{rng.randrange(n_users)}", q) for q in make_queries(n_queries)]
        ms, rounds = _timed(lambda c: mem.recall(c[0], c[1], touch=False), calls, repeats, f"recall {n_users} users")
        matrices = {u: mem.index.rows(f"u{u}", sorted(mem.index.ids(f"u{u}")))[0] for u in range(n_users)}
        qvecs = embedder.embed([q for _, q in calls])
        pairs = [(matrices[int(u[1:])], q) for (u, _), q in zip(calls, qvecs, strict=True)]
        numpy_ms, _ = _timed(lambda p: _numpy_top(p[0], p[1]), pairs, repeats, "numpy per user")
        mem.close()
    return {"users": n_users, "memories_per_user": per_user, "vectors": vectors, "bulk_load_s": round(load_s, 1),
            "memagent": _summary(ms), "memagent_p95_median_of_rounds": round(statistics.median(rounds), 3),
            "numpy": _summary(numpy_ms)}
