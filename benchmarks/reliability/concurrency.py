"""Concurrent writers on one memory: threads sharing a ``Memory`` and processes sharing its file. Every write
must land exactly once, nobody may hit "database is locked", and a value several writers change at once must
end with one current version."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from memagent.testing.forensics import consistency_problems

# Each process writes its own statements for a shared user and moves the shared user's home city.
_PROCESS = r"""
import sys
from memagent import HashingEmbedder, Memory
mem = Memory.open(sys.argv[1], embedder=HashingEmbedder(dim=256))
for i in range(int(sys.argv[3])):
    mem.add("shared", f"I love proc{sys.argv[2]}hobby{i} a lot")
    mem.add("shared", f"I live in Procity{sys.argv[2]}n{i}")
mem.close()
"""


def run(data_dir: Path, *, threads: int, processes: int, writes: int) -> dict:
    """``threads`` threads and ``processes`` processes, each making ``writes`` pairs of writes (a new
    preference, and a move of the shared user's home city)."""
    from memagent import HashingEmbedder, Memory

    path = data_dir / "concurrent.db"
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    errors: list[str] = []

    def worker(n: int) -> None:
        try:
            for i in range(writes):
                mem.add(f"own{n}", f"I love thread{n}hobby{i} a lot")
                mem.add("shared", f"I love thread{n}shared{i} a lot")
                mem.add("shared", f"I live in Threadcity{n}n{i}")
        except Exception as exc:  # reported in the results
            errors.append(f"thread {n}: {type(exc).__name__}: {exc}")

    procs = [subprocess.Popen([sys.executable, "-c", _PROCESS, str(path), str(n), str(writes)],
                              stderr=subprocess.PIPE, text=True) for n in range(processes)]
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    for n, p in enumerate(procs):
        _, err = p.communicate(timeout=600)
        if p.returncode:
            errors.append(f"process {n}: exit {p.returncode}: {err[-300:]}")
    mem.close()
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    expected = threads * writes * 3 + processes * writes * 2
    events = sum(mem.store.counts(u)["events"] for u in mem.users())
    homes = [i for i in mem.items("shared") if i.subject == "home_city"]
    problems = consistency_problems(mem)
    mem.close()
    return {"threads": threads, "processes": processes, "concurrent_writers": threads + processes,
            "writes": expected, "writes_stored": events, "lost_writes": expected - events,
            "current_home_cities": len(homes), "errors": errors, "problems": problems}
