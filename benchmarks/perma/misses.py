"""``python -m benchmarks.perma.misses``: why memagent missed each gold value it missed.

Replays users' sessions through ``Memory.open`` defaults exactly as :mod:`benchmarks.perma.harness` does, and at
each question ranks the candidates the way ``Memory.recall`` does (memories, then turns beside them), packs them
into the budget, and for every gold value the recalled context lacks says which of these it was:

* ``none``: no current memory and no conversation turn holds the value (extraction lost it and no turn says it
  in the words the metric looks for);
* ``stale_turn``: only turns recall leaves out as stale hold it (a superseded memory came from them);
* ``not_candidate``: a current memory or turn holds it, but neither search nor the profile brought it in;
* ``ranked_out``: it was ranked, at position N with a score below every packed entry's;
* ``cut``: it scored at least as high as some packed entry, but the packer's shares or the line's size kept it out
  (``fit`` dropping lines to keep the budget is counted here too).

For each miss the best-ranked holder is reported with its rank, score and score components, kind, domain and
importance, so the cause can be read off: ``--examples N`` prints N of them per class. The summary goes to stdout
as a table and, with ``--out``, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.perma.loader import Question, UserData, list_users, load_user
from benchmarks.perma.metrics import GoldIndex, values_in
from benchmarks.perma.systems import MemagentSystem, make_system
from memagent.embeddings import Embedder, HashingEmbedder, LocalEmbedder
from memagent.retrieval.hybrid import Scored
from memagent.retrieval.packer import fit, pack
from memagent.retrieval.turns import is_turn
from memagent.types import MemoryKind, Recall

__all__ = ["CLASSES", "Miss", "diagnose_user", "main"]

CLASSES = ("none", "stale_turn", "not_candidate", "ranked_out", "cut")


@dataclass
class Miss:
    user: str
    task_id: str
    question: str
    value: str
    domain: str
    cause: str
    rank: int | None = None  # 1-based position of the best-ranked holder among all candidates
    packed: int = 0  # entries packed for the question
    score: float | None = None
    components: dict[str, float] = field(default_factory=dict)
    holder: str = ""  # the best holder's text (clipped)
    holder_kind: str = ""
    holder_domain: str | None = None
    holder_importance: float | None = None


def _ranked(system: MemagentSystem, query: str) -> list[Scored]:
    """The candidates ``Memory.recall`` packs for ``query``, best first."""
    return sorted(system.memory.ranked(system.user_id, query), key=lambda e: -e.score)


def _packed(system: MemagentSystem, ranked: Sequence[Scored], query: str, budget: int) -> Recall:
    cfg = system.memory.ranker.config
    chosen, used, dropped = pack(ranked, budget, cfg.priority_gate, cfg.min_score, profile_share=cfg.profile_share,
                                 compact_share=cfg.compact_share, profile_kinds=cfg.profile_kinds,
                                 profile_strength=cfg.profile_strength, turn_share=cfg.turn_share)
    return fit(Recall(user_id=system.user_id, query=query, budget_tokens=budget, used_tokens=used, entries=chosen,
                      dropped=dropped))


def _question_misses(system: MemagentSystem, user: UserData, q: Question, gold_index: GoldIndex,
                     budget: int) -> tuple[int, list[Miss]]:
    gold = gold_index.gold(q)
    if not gold.current or system._empty:
        return len(gold.current), []
    ranked = _ranked(system, q.question)
    recall = _packed(system, ranked, q.question, budget)
    shown = set().union(*(values_in([f.value for f in gold.current], t) for t in recall.texts()))
    missing = [f for f in gold.current if f.value not in shown]
    if not missing:
        return len(gold.current), []
    mem, uid = system.memory, system.user_id
    lowest = min((e.score for e in recall.entries), default=float("inf"))
    values = [f.value for f in missing]
    rank_of: dict[str, tuple[int, Scored]] = {}
    for n, entry in enumerate(ranked, 1):
        for v in values_in(values, entry.item.text):
            rank_of.setdefault(v, (n, entry))
    items = mem.ranker.snapshot(uid).items
    turns = mem.turns._turns(uid)
    held_by_item = {v: i for i in items for v in values_in(values, i.text)}
    held_by_turn: dict[str, bool] = {}
    for ev in turns.events:
        if is_turn(ev):
            for v in values_in(values, turns.texts.get(ev.id, ev.text)):
                fresh = ev.id not in turns.stale
                held_by_turn[v] = held_by_turn.get(v, False) or fresh
    out = []
    for f in missing:
        miss = Miss(user.user_id, q.task_id, q.question, f.value, f.domain, "none", packed=len(recall.entries))
        if f.value in rank_of:
            n, entry = rank_of[f.value]
            miss.rank, miss.score, miss.components = n, entry.score, dict(entry.components)
            miss.holder, miss.holder_kind = entry.item.text[:160], entry.item.kind.value
            miss.holder_domain, miss.holder_importance = entry.item.domain, entry.item.importance
            miss.cause = "cut" if entry.score >= lowest else "ranked_out"
        elif f.value in held_by_item:
            item = held_by_item[f.value]
            miss.cause, miss.holder, miss.holder_kind = "not_candidate", item.text[:160], item.kind.value
            miss.holder_domain, miss.holder_importance = item.domain, item.importance
        elif held_by_turn.get(f.value):
            miss.cause, miss.holder_kind = "not_candidate", MemoryKind.TURN.value
        elif f.value in held_by_turn:
            miss.cause = "stale_turn"
        out.append(miss)
    return len(gold.current), out


def diagnose_user(user: UserData, embedder: Embedder, budget: int, max_questions: int | None = None,
                  settings: dict[str, str] | None = None) -> tuple[int, list[Miss]]:
    """(gold values asked, the misses) of one user, replayed in time order as the harness does. ``settings``:
    ``RecallConfig`` fields to change from the defaults (an ablation: name -> value as text)."""
    system = make_system("memagent", user.user_id, embedder)
    assert isinstance(system, MemagentSystem)
    cfg = system.memory.ranker.config
    for name, value in (settings or {}).items():
        old = getattr(cfg, name)
        setattr(cfg, name, value.lower() in ("1", "true", "yes") if isinstance(old, bool) else type(old)(value))
    gold_index = GoldIndex(user)
    pending = list(user.sessions)
    total, misses = 0, []
    try:
        for q in user.questions[:max_questions] if max_questions else user.questions:
            while pending and pending[0].date < q.date:
                system.ingest(pending.pop(0))
            n, got = _question_misses(system, user, q, gold_index, budget)
            total += n
            misses += got
    finally:
        system.close()
    return total, misses


def summary(total: int, misses: Sequence[Miss]) -> dict[str, Any]:
    by_cause = Counter(m.cause for m in misses)
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for m in misses:
        kinds[m.cause][m.holder_kind or "-"] += 1
    ranks = sorted(m.rank for m in misses if m.rank is not None)
    notes = [m for m in misses if m.holder.startswith("User said:")]
    return {
        "gold": total, "missed": len(misses), "recall": 1 - len(misses) / total if total else None,
        "share_of_gold": {c: by_cause[c] / total if total else 0.0 for c in CLASSES},
        "holder_kinds": {c: dict(kinds[c]) for c in CLASSES},
        "rank_quartiles": [ranks[len(ranks) * k // 4] for k in range(4)] if ranks else [],
        "user_said_notes": len(notes),
        "holder_domain_off_question": sum(m.holder_domain is not None and m.holder_domain != m.domain.lower().replace(" ", "_")
                                          for m in misses if m.holder_kind and m.holder_kind != "turn"),
    }


def _embedder(name: str) -> Embedder:
    return HashingEmbedder() if name == "hashing" else LocalEmbedder(threads=1)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perma.misses", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="a PERMA-layout directory")
    p.add_argument("--variant", default="c", choices=["c", "n", "s"])
    p.add_argument("--budget", type=int, default=1000)
    p.add_argument("--users", default="", help="comma-separated user ids (default: all)")
    p.add_argument("--max-users", type=int, default=None)
    p.add_argument("--max-questions", type=int, default=None, help="per user")
    p.add_argument("--embedder", default="local", choices=["local", "hashing"])
    p.add_argument("--examples", type=int, default=5, help="misses printed per cause")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help="ablation: a RecallConfig field to change (numbers and booleans as text), repeatable")
    p.add_argument("--out", default=None, help="write the summary and every miss as JSON here")
    args = p.parse_args(argv)
    users = [u for u in list_users(args.data) if not args.users or u in args.users.split(",")][: args.max_users]
    embedder = _embedder(args.embedder)
    total, misses = 0, []
    for uid in users:
        n, got = diagnose_user(load_user(args.data, uid, args.variant), embedder, args.budget, args.max_questions,
                               dict(kv.split("=", 1) for kv in args.set))
        total += n
        misses += got
        print(f"{uid}: {n} gold values, {len(got)} missed", file=sys.stderr)
    result = {"summary": summary(total, misses), "misses": [asdict(m) for m in misses]}
    s = result["summary"]
    print(f"gold values {s['gold']}, missed {s['missed']} (recall {s['recall']:.3f}); share of gold by cause:")
    for c in CLASSES:
        print(f"  {c:14s} {s['share_of_gold'][c]:.3f}  holders {s['holder_kinds'][c]}")
    print(f"rank quartiles of ranked misses {s['rank_quartiles']}; 'User said' holders {s['user_said_notes']}")
    for c in CLASSES:
        for m in [m for m in misses if m.cause == c][: args.examples]:
            comp = " ".join(f"{k}={v:.2f}" for k, v in m.components.items())
            print(f"[{c}] {m.value!r} ({m.domain}) q={m.question[:70]!r}\n    rank {m.rank}/{m.packed} packed "
                  f"score {m.score} {comp}\n    {m.holder_kind} {m.holder_domain} imp={m.holder_importance} {m.holder!r}")
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
