"""Write-behind: an acknowledged turn is written exactly once, even when the process dies with turns queued."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

from memagent import HashingEmbedder, Memory

T0 = datetime(2025, 5, 1)
TURNS = [f"I love {x} music" for x in ("jazz", "soul", "funk", "blues", "salsa", "opera", "tango", "disco")] + \
        [f"My favorite {c} is number {n}" for n, c in enumerate(("dish", "sport", "place", "hobby") * 4)]

_CHILD = r"""
import sys, time
from datetime import datetime, timedelta
from memagent import HashingEmbedder, Memory

class Slow(HashingEmbedder):
    name = "memagent-hashing-v1-256"  # the same vectors as the parent's, slowly
    def _embed(self, texts):
        time.sleep(0.4)
        return super()._embed(texts)

turns = sys.argv[2].split("|")
mem = Memory.open(sys.argv[1], embedder=Slow(dim=256), write_behind=True)
for n, t in enumerate(turns):
    assert mem.add("u1", t, session_id="s", timestamp=datetime(2025, 5, 1) + timedelta(minutes=n)).pending
print("acked", flush=True)
time.sleep(60)
"""


def _written(mem: Memory) -> list[str]:
    return sorted(i.text for i in mem.items("u1", include_inactive=True))


def test_killed_with_turns_queued_the_next_open_writes_each_once(tmp_path):
    path = str(tmp_path / "m.db")
    with subprocess.Popen([sys.executable, "-c", _CHILD, path, "|".join(TURNS)], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as child:
        assert child.stdout is not None and child.stdout.readline().strip() == "acked"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    with sqlite3.connect(path) as conn:
        queued = conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0]
    assert 0 < queued <= len(TURNS)  # killed mid-queue: some acknowledged turns were not written yet
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    assert [e.text for e in mem.events("u1")] == TURNS  # every acknowledged turn, once, in order
    assert mem.index.ids("u1") == mem.store.item_ids("u1")
    ref = Memory.open(tmp_path / "ref.db", embedder=HashingEmbedder(dim=256))
    for n, t in enumerate(TURNS):
        ref.add("u1", t, session_id="s", timestamp=T0 + timedelta(minutes=n))
    assert _written(mem) == _written(ref)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0
    mem.close()
    ref.close()


def test_reads_see_their_own_queued_writes(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256), write_behind=True)
    results = mem.add_messages("u1", [{"role": "user", "content": "I'm allergic to peanuts"},
                                      {"role": "assistant", "content": "Noted."}])
    assert all(r.pending and not r.ops for r in results)
    assert any("peanut" in t for t in mem.recall("u1", "snack ideas with peanuts").texts())
    mem.add("u2", "I love opera")
    mem.delete_user("u2")  # the queued turn is written, then deleted with everything else
    assert not mem.has_user("u2")
    mem.close()
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0
        assert "opera" not in " ".join(r[0] for r in conn.execute("SELECT text FROM events"))
