"""Write throughput: heuristic turns/s through the real write path, and LLM calls per turn with a counting fake.

A "turn" is one message of a conversation alternating a user statement (each one a memory: extraction, bucket
search, op decision, commit, index) and a short assistant reply. Modes:

- ``add``: one ``Memory.add`` per message;
- ``add_messages xN``: ``Memory.add_messages`` with N messages per call (2 = one exchange; 50 = a session);
- ``write-behind``: ``Memory.add`` on a ``write_behind=True`` memory; acknowledged turns/s, and turns/s until
  every turn is written (``close`` waits for the queue).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import progress
from benchmarks.perf.data import conversation


def _chunks(msgs: list[dict[str, str]], size: int) -> list[list[dict[str, str]]]:
    return [msgs[i : i + size] for i in range(0, len(msgs), size)]


def ingest(embedder_name: str, n_turns: int, seed: int, *, threads: int | None = 1) -> list[dict[str, Any]]:
    from memagent import Memory

    embedder = make_embedder(embedder_name, threads=threads)
    embedder.embed(["warm up"])  # model load is not a write
    msgs = conversation(n_turns, seed)
    rows = []
    for mode, size in (("add", 1), ("add_messages x2", 2), ("add_messages x50", 50), ("write-behind", 1)):
        with tempfile.TemporaryDirectory() as tmp:
            mem = Memory.open(Path(tmp) / "w.db", embedder=embedder, write_behind=mode == "write-behind")
            start, cpu = time.perf_counter(), time.process_time()
            for chunk in progress(_chunks(msgs, size), desc=f"{embedder_name} {mode}"):
                if size == 1:
                    mem.add("w", chunk[0]["content"], role=chunk[0]["role"], session_id="s")  # type: ignore[arg-type]
                else:
                    mem.add_messages("w", chunk, session_id="s")
            acked = time.perf_counter() - start
            mem.close()  # a write-behind memory writes its queue first
            written, cpu = time.perf_counter() - start, time.process_time() - cpu
            with Memory.open(Path(tmp) / "w.db", embedder=embedder) as check:
                items = len(check.items("w"))
        # the ONNX and torch backends give one name (equal vectors): the backend column tells the rows apart
        row = {"embedder": embedder.name, "backend": getattr(embedder, "active_backend", None) or "-", "mode": mode,
               "turns": n_turns, "memories": items, "turns_per_second": round(n_turns / written, 1),
               # CPU time of this process (all its threads): comparable while other processes share the cores
               "turns_per_cpu_second": round(n_turns / cpu, 1)}
        if mode == "write-behind":
            row["acknowledged_turns_per_second"] = round(n_turns / acked, 1)
        rows.append(row)
    return rows


def llm_calls_per_turn(n_turns: int, seed: int) -> dict[str, Any]:
    """With an LLM, each user turn is planned by one structured call; assistant turns by the rules."""
    from memagent import HashingEmbedder, Memory, ScriptedChat

    llm = ScriptedChat(lambda messages: '{"ops": []}', name="counting-fake")
    msgs = conversation(n_turns, seed)
    with Memory.open(":memory:", embedder=HashingEmbedder(), llm=llm) as mem:
        for chunk in _chunks(msgs, 2):
            mem.add_messages("w", chunk, session_id="s")
    return {"turns": n_turns, "llm_calls": len(llm.calls), "llm_calls_per_turn": round(len(llm.calls) / n_turns, 3)}


def make_embedder(name: str, *, threads: int | None = 1) -> Any:
    """``hashing``, ``local`` (MiniLM, its default backend: ONNX Runtime when it can export, else torch),
    ``local-onnx`` / ``local-torch`` (one backend, no fallback; the same vectors and name), or ``local-bf16``
    (torch with bfloat16 products: fast on CPUs with native bf16, named apart). ``threads`` (local model only):
    intra-op threads. One by default: on a loaded 2-core machine two threads spin on each other (measured while
    other work ran: one sentence 117 ms on 2 threads, 22 ms on 1)."""
    from memagent import HashingEmbedder, LocalEmbedder

    backends = {"local": "auto", "local-onnx": "onnx", "local-torch": "torch", "local-bf16": "torch"}
    if name in backends:
        return LocalEmbedder(threads=threads, precision="bf16" if name == "local-bf16" else "fp32",
                             backend=backends[name])
    if name != "hashing":
        msg = f"unknown embedder {name!r}: choose hashing, {', '.join(backends)}"
        raise ValueError(msg)
    return HashingEmbedder()
