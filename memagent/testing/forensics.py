"""Checks of what a memory really holds, on disk and in every view: for tests and the reliability benchmark.

    files_containing(data_dir, "Quokkaville")   # [] once forgotten: no byte left in the db, WAL or index files
    consistency_problems(memory)                # [] when every stored item has its vector and nothing more
    user_views(memory, user_id)                 # every text a caller can read about one user, by view
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memagent.memory import Memory

__all__ = ["TRICKY_USER_IDS", "bytes_found", "consistency_problems", "files_containing", "user_views"]

# User ids that look like each other, like index keys of each other (plugin namespaces, filters), like SQL,
# or differ only by case, a space or an invisible character.
TRICKY_USER_IDS = ("u1", "u10", "u1|preference", "u1 ", "U1", "u1%", "u_", "'; DROP TABLE items; --", "ü1", "u1\u200b",
                   "u1::x", "u1::cipher", "*", "a" * 256)


def files_containing(root: str | Path, needle: str) -> list[str]:
    """Files under ``root`` (relative paths) whose bytes contain ``needle`` encoded as UTF-8."""
    root = Path(root)
    data = needle.encode()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and data in p.read_bytes())


def bytes_found(root: str | Path, needles: Iterable[str]) -> int:
    """Bytes of ``needles`` found under ``root``: occurrences x length, summed over files and needles."""
    files = [p.read_bytes() for p in Path(root).rglob("*") if p.is_file()]
    return sum(blob.count(n.encode()) * len(n.encode()) for n in needles for blob in files)


def consistency_problems(memory: Memory) -> list[str]:
    """What is out of line between the store and the vector index, and what SQLite's integrity check says."""
    problems = []
    path = getattr(memory.store, "path", None)
    if isinstance(path, str | Path) and Path(path).is_file():  # a connection of its own: read-only, any store class
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            problems.append(f"integrity_check: {verdict}")
    for uid in memory.users():
        stored, indexed = memory.store.item_ids(uid), memory.index.ids(uid)
        if stored - indexed:
            problems.append(f"{uid}: {len(stored - indexed)} items without a vector")
        if indexed - stored:
            problems.append(f"{uid}: {len(indexed - stored)} vectors without an item")
    return problems


def user_views(memory: Memory, user_id: str, *, query: str = "what do you know about me") -> dict[str, str]:
    """Everything a caller can read about ``user_id``, one text per view: recall (now and as of now), items,
    events, history, export, graph, standing-instruction selection and the async facade."""
    from memagent.aio import AsyncMemory
    from memagent.instructions.retriever import InstructionRetriever

    return {
        "recall": memory.recall(user_id, query).to_prompt(),
        "as_of": memory.recall(user_id, query, as_of=datetime.now(UTC)).to_prompt(),
        "items": json.dumps([i.model_dump(mode="json") for i in memory.items(user_id, include_inactive=True)]),
        "events": json.dumps([e.model_dump(mode="json") for e in memory.events(user_id)]),
        "history": json.dumps([h.model_dump(mode="json") for h in memory.history(user_id)]),
        "export": json.dumps(memory.export(user_id)),
        "graph": str(list(memory.graph(user_id).nodes(data=True))),
        "instructions": InstructionRetriever(memory, "hybrid").select(user_id, query).to_prompt(),
        "async": asyncio.run(AsyncMemory(memory).recall(user_id, query)).to_prompt(),
    }
