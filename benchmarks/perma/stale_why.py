"""Why an old, replaced preference value is still shown as current: one line of cause per stale pair.

``python -m benchmarks.perma.stale_why --data DIR [--users u1,u2] [--budget 1000] [--verbose]``

Replays each user through memagent as the harness does (``benchmarks.perma.harness``: sessions in time order, a
recall when each question's date comes) and, for every (question, change) pair the stale metric counts, prints
the change (old -> new, domain, date), the user's turns that said the old and the new value, the memories the
change's session created (domain, status, change metadata), the stale entry (a memory or a raw turn) and the
cause the evidence points to:

* ``new value not extracted``: no memory of the change's session holds the new value;
* ``change not detected``: a memory holds it, but nothing marks it as a change (``replaces``/``changed``);
* ``change replaced nothing``: marked as a change, yet it superseded no memory;
* ``old kept in another domain``: the stale memory sits in another domain than the change's memory;
* ``old said again``: the stale memory or turn is from after the change (the user, or the assistant, named the
  old value again);
* ``turn not retired``: a raw turn from before the change states the old value although its memory was replaced;
* ``memory left current``: anything else (a second memory holding the old value, outside the change's bucket).

It uses the generator's change events (``preference_changes.json``), so it runs on generated data only.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.perma.loader import Change, Session, UserData, list_users, load_user
from benchmarks.perma.metrics import GoldIndex, covering_values, matches, states_old_value
from benchmarks.perma.systems import MemagentSystem, make_system
from memagent.embeddings import Embedder, HashingEmbedder, LocalEmbedder
from memagent.types import MemoryItem, MemoryKind

__all__ = ["StalePair", "diagnose_user", "main"]


@dataclass
class StalePair:
    user: str
    question: str
    change: Change
    entry: MemoryItem
    cause: str
    lines: list[str]


def _session_of(user: UserData, change: Change) -> Session | None:
    return next((s for s in user.sessions if s.task_id == change.task_id and s.date == change.date), None)


def _turns_saying(user: UserData, value: str, until: object | None = None) -> list[tuple[Session, str]]:
    out = []
    for s in user.sessions:
        if until is not None and s.date > until:  # type: ignore[operator]
            break
        out += [(s, m["content"]) for m in s.conversation if m.get("role") == "user" and matches(value, m["content"])]
    return out


def _describe(item: MemoryItem) -> str:
    meta = {k: item.metadata[k] for k in ("replaces", "changed", "replaces_slot", "slot", "temporary") if k in item.metadata}
    return (f"[{item.kind.value} {item.status} {item.domain or '-'} {item.valid_from.date()}] {item.text!r}"
            + (f" {meta}" if meta else "") + (f" superseded_by={item.superseded_by}" if item.superseded_by else ""))


def _cause(change: Change, entry: MemoryItem, made: list[MemoryItem], items: dict[str, MemoryItem]) -> str:
    holding = [i for i in made if i.kind != MemoryKind.TURN and matches(change.new, i.text)]
    if entry.valid_from > change.date:
        return "old said again"
    if not holding:
        return "new value not extracted"
    marked = [i for i in holding if {"replaces", "changed", "replaces_slot"} & set(i.metadata)]
    if not marked:
        return "change not detected"
    replaced = [o for o in items.values() if o.superseded_by in {i.id for i in marked}]
    if entry.kind == MemoryKind.TURN:
        return "turn not retired" if replaced else "change replaced nothing"
    if entry.domain and all(i.domain and i.domain != entry.domain for i in marked):
        return "old kept in another domain"
    if not replaced:
        return "change replaced nothing"
    return "memory left current"


def diagnose_user(user: UserData, embedder: Embedder, budget: int = 1000) -> list[StalePair]:
    system = make_system("memagent", user.user_id, embedder)
    assert isinstance(system, MemagentSystem)
    memory = system.memory
    gold_index = GoldIndex(user)
    pending = list(user.sessions)
    out: list[StalePair] = []
    try:
        for q in user.questions:
            while pending and pending[0].date < q.date:
                system.ingest(pending.pop(0))
            gold = gold_index.gold(q)
            if not gold.changes or system._empty:
                continue
            recall = memory.recall(user.user_id, q.question, budget_tokens=budget, touch=False)
            current = [f.value for f in gold.current + gold.other_domains]
            items = {i.id: i for i in memory.items(user.user_id, include_inactive=True)}
            events = {e.id: e for e in memory.events(user.user_id)}
            for change in gold.changes:
                covers = covering_values(change, current)
                stale = [e.item for e in recall.entries if states_old_value(change, e.item.text, covers)]
                if not stale:
                    continue
                session = _session_of(user, change)
                sid = f"{session.task_id}@{session.date_text}" if session else None
                made = [i for i in items.values() if any(events[ev].session_id == sid for ev in i.source_event_ids
                                                         if ev in events)]
                entry = stale[0]
                lines = [f"change {change.domain}/{change.slot}: {change.old!r} -> {change.new!r} on {change.date.date()}"]
                lines += [f"  old said {s.date.date()} ({s.domain}): {t[:200]!r}" for s, t in
                          _turns_saying(user, change.old, change.date)[-2:]]
                lines += [f"  new said {s.date.date()} ({s.domain}): {t[:200]!r}" for s, t in
                          _turns_saying(user, change.new, change.date) if s.date == change.date]
                lines += [f"  made: {_describe(i)}" for i in made]
                lines += [f"  STALE: {_describe(e)}" for e in stale]
                out.append(StalePair(user.user_id, q.question, change, entry, _cause(change, entry, made, items), lines))
    finally:
        system.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perma.stale_why", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--variant", default="c")
    p.add_argument("--users", default="")
    p.add_argument("--budget", type=int, default=1000)
    p.add_argument("--embedder", default="local", choices=["local", "hashing"])
    p.add_argument("--verbose", action="store_true", help="print every pair's turns and memories")
    args = p.parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    embedder: Embedder = HashingEmbedder() if args.embedder == "hashing" else LocalEmbedder(threads=1)
    users = [u for u in list_users(Path(args.data)) if not args.users or u in args.users.split(",")]
    causes: Counter[str] = Counter()
    seen: set[tuple[str, str, str]] = set()
    for uid in users:
        for pair in diagnose_user(load_user(Path(args.data), uid, args.variant), embedder, args.budget):
            causes[pair.cause] += 1
            key = (pair.user, pair.change.old, pair.change.new)
            print(f"{pair.user} {pair.cause}: {pair.change.old!r} -> {pair.change.new!r}"
                  + ("" if key not in seen else " (again)"))
            if args.verbose and key not in seen:
                print("\n".join(pair.lines))
            seen.add(key)
    print("\ncauses (pairs):", ", ".join(f"{c} {n}" for c, n in causes.most_common()), f"total {sum(causes.values())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
