"""Kill a writing process at random moments (SIGKILL, or a hard exit between a commit and its index update),
reopen the memory, and check that every write the process reported as stored is there, forgotten text is
gone from every file, and store and index agree."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from memagent.testing.forensics import bytes_found, consistency_problems

# The child writes numbered statements and standing instructions, and forgets some of its earlier ones by id. It
# prints "> <op> <n> <user>" before each call and "<op> <n> <user>" once it returned (w: stored, f: forgotten).
# With die_at = K its index exits hard on its K-th add: after that write committed, before its vectors landed.
_CHILD = r"""
import os, sys
from memagent import HashingEmbedder, Memory
from memagent.store.index import ExactIndex

path, start, die_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

class DiesAt(ExactIndex):
    calls = 0
    def add(self, user_id, ids, vectors):
        DiesAt.calls += 1
        if DiesAt.calls == die_at:
            os._exit(9)
        super().add(user_id, ids, vectors)

mem = Memory.open(path, embedder=HashingEmbedder(dim=256), index=DiesAt(path + ".vectors", 256))
ids = {}
n = start
while True:
    user = f"u{n % 3}"
    if n % 7 == 6 and n - 3 in ids:
        print(">", "f", n - 3, user, flush=True)
        mem.forget(user, ids.pop(n - 3))
        print("f", n - 3, user, flush=True)
    elif n % 5 == 4:
        print(">", "w", n, user, flush=True)
        mem.add_instruction(user, f"When I book flights, always fly with airline{n}")
        print("w", n, user, flush=True)
    else:
        print(">", "w", n, user, flush=True)
        ids[n] = mem.add(user, f"I love Secretword{n}x jazz and hobby{n}").ops[0].item_id
        print("w", n, user, flush=True)
    n += 1
"""


def _statement(n: int) -> str:
    return f"airline{n}" if n % 5 == 4 else f"Secretword{n}x"


def run(data_dir: Path, *, kills: int, seed: int) -> dict:
    """``kills`` trials on one growing memory, alternating SIGKILL at a random moment and a hard exit inside
    the index update. Returns the counts and any problem found."""
    from memagent import HashingEmbedder, Memory

    rng = random.Random(seed)
    path = data_dir / "crash.db"
    stored: dict[int, str] = {}  # n -> user, reported as stored and not forgotten since
    forgotten: set[int] = set()
    uncertain: set[int] = set()
    problems: list[str] = []
    survived = checked = 0
    start = 0
    for trial in range(kills):
        hard_exit = trial % 2 == 1
        die_at = rng.randint(2, 12) if hard_exit else 0
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), str(start), str(die_at)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        lines: list[str] = []
        target = rng.randint(3, 15)
        while not hard_exit and sum(not ln.startswith(">") for ln in lines) < target:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        if not hard_exit:
            time.sleep(rng.uniform(0, 0.03))  # land anywhere inside the next call
            proc.send_signal(signal.SIGKILL)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        lines += out.splitlines()
        if proc.returncode not in (-signal.SIGKILL, 9):
            problems.append(f"trial {trial}: the writer ended with {proc.returncode}: {err[-300:]}")
        in_flight = None
        for line in lines:
            parts = line.split()
            if len(parts) == 4 and parts[0] == ">":
                in_flight = int(parts[2])
                start = max(start, in_flight + 1)
            elif len(parts) == 3:
                in_flight = None
                if parts[0] == "w":
                    stored[int(parts[1])] = parts[2]
                else:
                    stored.pop(int(parts[1]), None)
                    forgotten.add(int(parts[1]))
        if in_flight is not None:  # the call the kill interrupted may or may not have landed: checked neither way
            stored.pop(in_flight, None)
            uncertain.add(in_flight)
        trouble = _check(Memory.open(path, embedder=HashingEmbedder(dim=256)), stored, forgotten - uncertain, data_dir)
        checked += len(stored)
        problems += [f"trial {trial}: {p}" for p in trouble]
        survived += not trouble
    return {"kills": kills, "kills_survived": survived, "writes_checked": len(stored), "write_checks": checked,
            "forgets_checked": len(forgotten - uncertain), "problems": problems}


def _check(mem, stored: dict[int, str], forgotten: set[int], data_dir: Path) -> list[str]:
    try:
        problems = consistency_problems(mem)
        texts = {u: " ".join(e.text for e in mem.events(u)) for u in mem.users()}
        texts.update({u: texts.get(u, "") + " ".join(i.text for i in mem.items(u)) for u in mem.users()})
        lost = [n for n, u in stored.items() if _statement(n) not in texts.get(u, "")]
        if lost:
            problems.append(f"{len(lost)} reported writes missing after reopen (first: {lost[:3]})")
        if not mem.recall("u0", "jazz hobby").entries and any(u == "u0" for u in stored.values()):
            problems.append("recall finds nothing after reopen")
        mem.add("u0", "I love reopening after a crash")  # the memory is writable again
    finally:
        mem.close()
    found = bytes_found(data_dir, [f"Secretword{n}x" for n in forgotten])
    if found:
        problems.append(f"{found} bytes of forgotten text still on disk")
    return problems
