"""Kill a writing process at random moments (SIGKILL, or a hard exit between a commit and its index update),
reopen the memory, and check that every write the process reported as stored is there, forgotten text is
gone from every file, and store and index agree."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from memagent.testing.forensics import bytes_found, consistency_problems

# The child writes numbered statements and standing instructions, and forgets some of its earlier ones by id.
# Before each call it prints "> <op> <n> <user>"; once the call returned, "w <n> <user> <event id>" for a write
# and "f <n> <user> <event ids>" for a forget, listing every event the forget blanked (a forget also blanks the
# events that merged into the item, or quote its value). With die_at = K its index exits hard on its K-th add:
# after that write committed, before its vectors landed.
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
        before = {e.id: e.text for e in mem.events(user)}
        mem.forget(user, ids.pop(n - 3))
        after = {e.id: e.text for e in mem.events(user)}
        print("f", n - 3, user, ",".join(e for e, t in before.items() if t and not after.get(e)) or "-", flush=True)
    elif n % 5 == 4:
        print(">", "w", n, user, flush=True)
        result = mem.add_instruction(user, f"When I book flights, always fly with airline{n}")
        print("w", n, user, result.event.id, flush=True)
    else:
        print(">", "w", n, user, flush=True)
        result = mem.add(user, f"I love Secretword{n}x jazz and hobby{n}")
        ids[n] = result.ops[0].item_id
        print("w", n, user, result.event.id, flush=True)
    n += 1
"""


def _statement(n: int) -> str:
    return f"airline{n}" if n % 5 == 4 else f"Secretword{n}x"


@dataclass
class _Ledger:
    """What the children reported: writes still expected (event id -> (n, user)) and what was forgotten."""

    stored: dict[str, tuple[int, str]] = field(default_factory=dict)
    forgotten: set[int] = field(default_factory=set)  # numbers whose text must have left every file
    next_n: int = 0

    def read(self, lines: list[str]) -> str | None:
        """Apply a child's output; returns the user of a forget the kill interrupted, if any."""
        in_flight: list[str] | None = None
        numbers = {eid: n for eid, (n, _) in self.stored.items()}
        for line in lines:
            parts = line.split()
            if len(parts) == 4 and parts[0] == ">":
                in_flight = parts
                self.next_n = max(self.next_n, int(parts[2]) + 1)
            elif len(parts) == 4 and parts[0] == "w":
                in_flight = None
                self.stored[parts[3]] = (int(parts[1]), parts[2])
                numbers[parts[3]] = int(parts[1])
            elif len(parts) == 4 and parts[0] == "f":
                in_flight = None
                for eid in parts[3].split(",") if parts[3] != "-" else []:
                    self.stored.pop(eid, None)
                    if eid in numbers:
                        self.forgotten.add(numbers[eid])
        self.next_n += 1  # a write the kill interrupted may have landed: its number is never reused
        return in_flight[3] if in_flight is not None and in_flight[1] == "f" else None


def run(data_dir: Path, *, kills: int, seed: int) -> dict:
    """``kills`` trials on one growing memory, alternating SIGKILL at a random moment and a hard exit inside
    the index update. Returns the counts and any problem found."""
    from memagent import HashingEmbedder, Memory

    rng = random.Random(seed)
    path = data_dir / "crash.db"
    ledger = _Ledger()
    problems: list[str] = []
    survived = checks = 0
    for trial in range(kills):
        hard_exit = trial % 2 == 1
        die_at = rng.randint(2, 12) if hard_exit else 0
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), str(ledger.next_n), str(die_at)],
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
        if proc.returncode not in (-signal.SIGKILL, 9):
            problems.append(f"trial {trial}: the writer ended with {proc.returncode}: {err[-300:]}")
        interrupted_forget = ledger.read(lines + out.splitlines())
        trouble = _check(Memory.open(path, embedder=HashingEmbedder(dim=256)), ledger, interrupted_forget, data_dir)
        checks += len(ledger.stored)
        problems += [f"trial {trial}: {p}" for p in trouble]
        survived += not trouble
    return {"kills": kills, "kills_survived": survived, "writes_checked": len(ledger.stored), "write_checks": checks,
            "forgets_checked": len(ledger.forgotten), "problems": problems}


def _check(mem, ledger: _Ledger, interrupted_forget: str | None, data_dir: Path) -> list[str]:
    """After a reopen: every expected write present, store and index in line, forgotten text gone. An event a
    forget the kill interrupted has blanked counts as forgotten (the forget committed), not as lost."""
    from memagent import NotFoundError

    try:
        problems = consistency_problems(mem)
        lost = []
        for eid, (n, user) in list(ledger.stored.items()):
            try:
                text = mem.store.get_event(user, eid).text
            except NotFoundError:
                lost.append(n)
                continue
            if not text and user == interrupted_forget:
                del ledger.stored[eid]
                ledger.forgotten.add(n)
            elif _statement(n) not in text:
                lost.append(n)
        if lost:
            problems.append(f"{len(lost)} reported writes missing after reopen (first: {lost[:3]})")
        mem.add("u0", "I love reopening after a crash")  # the memory is writable again
    finally:
        mem.close()
    found = bytes_found(data_dir, [f"Secretword{n}x" for n in ledger.forgotten])
    if found:
        problems.append(f"{found} bytes of forgotten text still on disk")
    return problems
