"""Forget something, then read every byte of the data directory (SQLite file, WAL, shared memory, vector
index) for the forgotten word: once while the memory is still open, once after it is closed."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from memagent.testing.forensics import bytes_found

# Killed inside the forget: after its commit, when the index is told to drop the vectors.
_KILLED_MID_FORGET = r"""
import os, sys
from memagent import HashingEmbedder, Memory
from memagent.store.index import ExactIndex

class DiesOnDelete(ExactIndex):
    def delete(self, user_id, ids):
        os._exit(9)

path, secret = sys.argv[1], sys.argv[2]
mem = Memory.open(path, embedder=HashingEmbedder(dim=256), index=DiesOnDelete(path + ".vectors", 256))
for i in range(20):
    mem.add("u1", f"I like hobby number {i} quite a lot")
mem.forget("u1", mem.add("u1", f"I love {secret} jazz").ops[0].item_id)
"""


def _by_id(mem, s):
    mem.forget("u1", mem.add("u1", f"I love {s} jazz").ops[0].item_id)


def _by_query(mem, s):
    mem.add("u1", f"I love {s} jazz")
    mem.add("u1", f"Nice, {s} jazz is lovely on a rainy day!", role="assistant")
    mem.forget("u1", query=f"{s} jazz")


def _superseded_chain(mem, s):
    for n in range(4):
        mem.add("u1", f"My favorite cheese is {s} number{n}")
    mem.forget("u1", mem.items("u1", kinds=["preference"])[-1].id)


def _asked_in_conversation(mem, s):
    mem.add("u1", f"I love {s} jazz")
    mem.add("u1", f"Please forget that I love {s} jazz")


def _instruction(mem, s):
    mem.forget("u1", mem.add_instruction("u1", f"When I book flights, always fly with {s} airlines").ops[0].item_id)


def _cipher_edit(mem, s):
    from memagent.preferences import Cipher

    home = mem.add("u1", f"I live in {s}").ops[0].item_id
    Cipher(mem).learn("u1", "Write to my landlord about the heater.", "Dear landlord, the heater is broken.",
                      f"Hi, greetings from {s}: the heater is broken, please fix it.")
    mem.forget("u1", home)


def _export_reimport(mem, s):
    mem.add("u1", f"I love {s} jazz")
    data = mem.export("u1")
    mem.forget("u1", query=f"{s} jazz")
    mem.import_(data, user_id="u2")
    mem.forget("u2", query=f"{s} jazz")


def _while_others_recall(mem, s):
    target = mem.add("u1", f"I love {s} jazz").ops[0].item_id
    stop = threading.Event()
    readers = [threading.Thread(target=lambda: [mem.recall("u1", f"{s} jazz hobby") for _ in iter(stop.is_set, True)])
               for _ in range(2)]
    for t in readers:
        t.start()
    mem.forget("u1", target)
    stop.set()
    for t in readers:
        t.join()


def _delete_user(mem, s):
    mem.add("u1", f"I love {s} jazz")
    mem.add_instruction("u1", f"Whenever I travel, always pack {s} tea")
    mem.delete_user("u1")


SCENARIOS: dict[str, Callable] = {
    "forget by id": _by_id, "forget by query (and the assistant's quote)": _by_query,
    "forget the newest of 4 superseded versions": _superseded_chain, "'please forget that ...' in a turn": _asked_in_conversation,
    "forget a standing instruction": _instruction, "forget a fact quoted by a CIPHER edit": _cipher_edit,
    "export, forget, re-import as another user, forget": _export_reimport,
    "forget while 2 threads recall": _while_others_recall, "delete_user": _delete_user,
}


def run(*, quick: bool) -> dict:
    """Every scenario (and one process killed inside a forget) in a fresh directory with its own word."""
    from memagent import HashingEmbedder, Memory

    rows = []
    for n, (name, scenario) in enumerate(SCENARIOS.items()):
        secret = f"Forgetword{n}z"
        with tempfile.TemporaryDirectory() as tmp:
            mem = Memory.open(Path(tmp) / "m.db", embedder=HashingEmbedder(dim=256))
            for i in range(5 if quick else 30):
                mem.add("u1", f"I like hobby number {i} quite a lot")
            scenario(mem, secret)
            while_open = bytes_found(tmp, [secret])
            mem.close()
            rows.append({"scenario": name, "bytes_found_open": while_open, "bytes_found_closed": bytes_found(tmp, [secret])})
    with tempfile.TemporaryDirectory() as tmp:
        path, secret = str(Path(tmp) / "m.db"), "Forgetwordkillz"
        proc = subprocess.run([sys.executable, "-c", _KILLED_MID_FORGET, path, secret], capture_output=True, timeout=300)
        mem = Memory.open(path, embedder=HashingEmbedder(dim=256))  # reopening finishes the interrupted forget
        while_open = bytes_found(tmp, [secret])
        mem.close()
        rows.append({"scenario": f"killed inside a forget (exit {proc.returncode}), reopened",
                     "bytes_found_open": while_open, "bytes_found_closed": bytes_found(tmp, [secret])})
    return {"scenarios": len(rows), "bytes_found": sum(r["bytes_found_open"] + r["bytes_found_closed"] for r in rows),
            "rows": rows}
