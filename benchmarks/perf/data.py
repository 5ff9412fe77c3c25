"""Synthetic memories for the perf benchmark, and a bulk load of them through the public API.

``statements`` is a stream of first-person statements (preferences, facts, episodes) whose every write goes
through extraction, a bucket search and an op decision. Writing 100,000 of them that way takes minutes, so the
large sizes are loaded in bulk instead: a few hundred statements go through the real write path, their memories
are exported, and the export is tiled (each copy renumbered, so texts stay distinct) and loaded with
``Memory.import_``, one transaction and one embedding call, exactly the path a product's restore takes.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

SUBJECTS = ["jazz", "sushi", "hiking", "tennis", "opera", "ramen", "chess", "yoga", "cycling", "pottery", "kayaking",
            "tango", "baking", "sci-fi novels", "board games", "thai food", "espresso", "trail running", "photography",
            "podcasts", "gardening", "karaoke", "surfing", "knitting", "rock climbing"]
TEMPLATES = [
    "I love {s} with {x}",
    "I really enjoy {s} on {d}",
    "I hate {s} when it is {a}",
    "I prefer {s} over {t}",
    "My favorite {c} is {s} number {n}",
    "We talked about {s} and {t} at the {p} for a while on {d}",
    "I usually do {s} at the {p} on {d}",
]
WORDS = {"x": ["friends", "music", "my sister", "colleagues", "a view"], "d": ["mondays", "weekends", "holidays",
         "rainy days", "fridays"], "a": ["crowded", "too loud", "expensive", "rushed"], "c": ["hobby", "dish", "genre",
         "sport", "place"], "p": ["park", "office", "cafe", "club", "beach"]}
QUERIES = ["what should we do this weekend?", "dinner ideas for friday", "music for a rainy day", "gift ideas",
           "plan a holiday", "a new hobby to try", "sports near the beach", "something relaxing after work"]

_NUMBER = re.compile(r"\b(style|number) (\d+)\b")


def statements(n: int, seed: int, *, start: int = 0) -> list[str]:
    """``n`` statements; each names a numbered variant ("jazz style 12") so no two are the same memory."""
    rng = random.Random(seed)
    out = []
    for i in range(start, start + n):
        t = rng.choice(TEMPLATES)
        out.append(t.format(s=rng.choice(SUBJECTS) + f" style {i}", t=rng.choice(SUBJECTS), n=i,
                            **{k: rng.choice(v) for k, v in WORDS.items()}))
    return out


def queries(n: int) -> list[str]:
    return [QUERIES[i % len(QUERIES)] + f" #{i}" for i in range(n)]


def _renumber(value: Any, offset: int) -> Any:
    if isinstance(value, str):
        return _NUMBER.sub(lambda m: f"{m.group(1)} {int(m.group(2)) + offset}", value)
    return value


def tiled_export(template: dict[str, Any], n_items: int, *, user_id: str, first_copy: int = 0) -> dict[str, Any]:
    """An export holding ``n_items`` current memories: copies of ``template``'s, each copy renumbered and given
    fresh ids and later timestamps. Only current items and their source events are kept (no edges, no history),
    so every copy is self-contained."""
    from memagent.types import new_id

    items = [i for i in template["items"] if i["status"] == "current"]
    events = {e["id"]: e for e in template["events"]}
    base = datetime(2025, 1, 1, tzinfo=UTC)
    out_items: list[dict[str, Any]] = []
    out_events: list[dict[str, Any]] = []
    copy = first_copy
    while len(out_items) < n_items:
        offset = copy * 1_000_000
        for item in items:
            if len(out_items) >= n_items:
                break
            when = (base + timedelta(minutes=len(out_items))).isoformat()
            ev_ids = []
            for src in item["source_event_ids"]:
                ev = events[src]
                ev_id = new_id("ev")
                ev_ids.append(ev_id)
                out_events.append({**ev, "id": ev_id, "user_id": user_id, "text": _renumber(ev["text"], offset),
                                   "timestamp": when})
            out_items.append({**item, "id": new_id("mem"), "user_id": user_id, "source_event_ids": ev_ids,
                              "text": _renumber(item["text"], offset), "value": _renumber(item["value"], offset),
                              "subject": _renumber(item["subject"], offset), "created_at": when, "valid_from": when,
                              "superseded_by": None, "valid_to": None})
        copy += 1
        if not items:
            break
    return {"format": template["format"], "user_id": user_id, "events": out_events, "items": out_items,
            "edges": [], "history": []}


def template_export(embedder: Any, n_statements: int, seed: int) -> dict[str, Any]:
    """Memories of ``n_statements`` written through the real write path, exported."""
    from memagent import Memory

    with Memory.open(":memory:", embedder=embedder) as mem:
        for text in statements(n_statements, seed):
            mem.add("template", text)
        return mem.export("template")


REPLIES = ["Noted.", "Thanks for telling me!", "Got it, I'll keep that in mind.", "Sounds lovely.", "Okay!"]


def conversation(n_turns: int, seed: int) -> list[dict[str, str]]:
    """``n_turns`` messages alternating a user statement and a short assistant reply."""
    rng = random.Random(seed)
    users = statements((n_turns + 1) // 2, seed)
    out: list[dict[str, str]] = []
    for text in users:
        out.append({"role": "user", "content": text})
        out.append({"role": "assistant", "content": rng.choice(REPLIES)})
    return out[:n_turns]
