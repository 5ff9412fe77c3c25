"""Replay PERMA-layout users through each system and score what they recall at each question.

Time: each user's sessions are replayed in time order with their own timestamps, and each question is asked
when its date comes up (only sessions dated before the question's day have been written). This is how a
deployed memory meets a question (it cannot have seen the future), so future leaks are impossible by
construction and the metric checks the harness itself. ``as_of=True`` instead writes the whole timeline first
and asks ``Memory.recall(as_of=question_date)``: that measures memagent's time-travel reads, where a leak would
mean an item's validity interval is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import percentile, progress, timer
from benchmarks.perma import mcq
from benchmarks.perma.loader import Question, UserData, is_held_out, list_users, load_user
from benchmarks.perma.metrics import GoldIndex, score_entries
from benchmarks.perma.systems import System, make_system
from memagent.embeddings import Embedder
from memagent.errors import ConfigError
from memagent.llm.base import ChatModel

__all__ = ["RunConfig", "run", "run_user", "select_users", "summarize"]

SPLITS = ("all", "dev", "heldout")


@dataclass
class RunConfig:
    data: Path
    embedder: Embedder
    variant: str = "c"
    budget: int = 1000
    budgets: tuple[int, ...] = (250, 500, 1000, 2000)
    systems: tuple[str, ...] = ("memagent", "bm25_turns", "recency", "full_history")
    split: str = "all"
    max_users: int | None = None
    users: tuple[str, ...] = ()
    as_of: bool = False
    llm: ChatModel | None = None
    llm_systems: tuple[str, ...] = ()
    max_questions: int | None = None  # per user, for --quick
    show_progress: bool | None = None
    factory: Callable[[str, str, Embedder, bool], System] | None = field(default=None, repr=False)

    @property
    def all_budgets(self) -> list[int]:
        return sorted({*self.budgets, self.budget})


def select_users(cfg: RunConfig) -> list[str]:
    """The users to run, after --users, --split and --max-users.

    Raises:
        ConfigError: bad split, or an explicitly named user that is not in the data.
    """
    if cfg.split not in SPLITS:
        msg = f"split must be one of {SPLITS}, got {cfg.split!r}"
        raise ConfigError(msg)
    users = list_users(cfg.data)
    if cfg.users:
        missing = sorted(set(cfg.users) - set(users))
        if missing:
            msg = f"users not found under {cfg.data}: {missing}"
            raise ConfigError(msg)
        users = [u for u in users if u in cfg.users]
    if cfg.split != "all":
        users = [u for u in users if is_held_out(u) == (cfg.split == "heldout")]
    return users[: cfg.max_users] if cfg.max_users else users


def run_user(cfg: RunConfig, user: UserData) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """All question records of one user, plus per-system ingest statistics."""
    make = cfg.factory or (lambda name, uid, emb, as_of: make_system(name, uid, emb, as_of=as_of))
    systems = {name: make(name, user.user_id, cfg.embedder, cfg.as_of) for name in cfg.systems}
    gold_index = GoldIndex(user)
    questions = user.questions[: cfg.max_questions] if cfg.max_questions else user.questions
    ingest = {name: {"seconds": 0.0, "sessions": 0} for name in systems}
    records: list[dict[str, Any]] = []
    pending = list(user.sessions)

    def feed(until: Any) -> None:
        while pending and (until is None or pending[0].date < until):
            session = pending.pop(0)
            for name, system in systems.items():
                with timer() as t:
                    system.ingest(session)
                ingest[name]["seconds"] += t[0]
                ingest[name]["sessions"] += 1

    try:
        if cfg.as_of:
            feed(None)
        for q in questions:
            feed(q.date)
            records.append(_ask(cfg, user, q, gold_index, systems))
    finally:
        for system in systems.values():
            system.close()
    return records, ingest


def _ask(cfg: RunConfig, user: UserData, q: Question, gold_index: GoldIndex,
         systems: dict[str, System]) -> dict[str, Any]:
    gold = gold_index.gold(q)
    rec: dict[str, Any] = {
        "user": user.user_id, "task_id": q.task_id, "type": q.qtype, "multi_domain": q.multi_domain,
        "date": q.date.date().isoformat(), "domains": q.domains, "gold": len(gold.current),
        "months": _months(user, q), "systems": {},
    }
    for name, system in systems.items():
        with timer() as t:
            contexts = system.contexts(q, cfg.all_budgets)
        per_budget = {}
        for budget, ctx in contexts.items():
            score = score_entries(gold, ctx.texts)
            per_budget[budget] = {**asdict(score), "tokens": ctx.tokens, "future_items": ctx.future_items}
        out: dict[str, Any] = {"budgets": per_budget, "ms": 1000 * t[0] / max(1, len(contexts))}
        if cfg.llm is not None and name in (cfg.llm_systems or cfg.systems) and q.options:
            letter = mcq.answer(cfg.llm, contexts[cfg.budget].prompt, q)
            out["mcq"] = {"answer": letter, "correct": letter == q.gold_label}
        rec["systems"][name] = out
    return rec


def _months(user: UserData, q: Question) -> int:
    start = user.sessions[0].date if user.sessions else q.date
    return max(0, (q.date.year - start.year) * 12 + q.date.month - start.month)


def run(cfg: RunConfig) -> dict[str, Any]:
    """Run every selected user; returns the records, per-system ingest stats and the summary.

    Raises:
        ConfigError: bad data path, split, variant, system or user.
    """
    users = select_users(cfg)
    if not users:
        msg = f"no users selected under {cfg.data} (split={cfg.split})"
        raise ConfigError(msg)
    records: list[dict[str, Any]] = []
    ingest: dict[str, dict[str, float]] = defaultdict(lambda: {"seconds": 0.0, "sessions": 0})
    for uid in progress(users, desc="perma users", disable=None if cfg.show_progress is None else not cfg.show_progress):
        recs, ing = run_user(cfg, load_user(cfg.data, uid, cfg.variant))
        records += recs
        for name, stats in ing.items():
            for k, v in stats.items():
                ingest[name][k] += v
    return {"users": users, "records": records, "ingest": dict(ingest), "summary": summarize(cfg, records, ingest)}


def _agg(scores: Sequence[dict[str, Any]]) -> dict[str, float | int | None]:
    """Pool per-question scores: recall is the mean over questions that have gold values."""
    with_gold = [s for s in scores if s["total"]]
    with_slots = [s for s in scores if s["slot_total"]]
    pairs = sum(s["stale_pairs"] for s in scores)
    ov_pairs = sum(s["override_pairs"] for s in scores)
    attributed = sum(s["attributed"] for s in scores)
    return {
        "questions": len(scores),
        "facet_recall": _mean([s["found"] / s["total"] for s in with_gold]),
        "facet_recall_micro": _ratio(sum(s["found"] for s in with_gold), sum(s["total"] for s in with_gold)),
        "facet_recall_strict": _mean([s["found_strict"] / s["total"] for s in with_gold]),
        "slot_recall": _mean([s["slot_found"] / s["slot_total"] for s in with_slots]),
        "future_leak_rate": _ratio(sum(bool(s["leaked"] or s["future_items"]) for s in scores), len(scores)),
        "leaked_values": sum(len(s["leaked"]) for s in scores),
        "stale_rate": _ratio(sum(s["stale"] for s in scores), pairs),
        "stale_pairs": pairs,
        "override_kept": _ratio(sum(s["override_kept"] for s in scores), ov_pairs),
        "override_pairs": ov_pairs,
        "off_domain_share": _ratio(sum(s["off_domain"] for s in scores), attributed),
        "tokens": _mean([s["tokens"] for s in scores]),
    }


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def summarize(cfg: RunConfig, records: Sequence[dict[str, Any]], ingest: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Per-system headline metrics, breakdowns by kind x checkpoint, recall vs budget and over the timeline."""
    out: dict[str, Any] = {}
    for name in cfg.systems:
        rows = [r for r in records if name in r["systems"]]
        at = [r["systems"][name]["budgets"][cfg.budget] for r in rows]
        head = _agg(at)
        ms = [r["systems"][name]["ms"] for r in rows]
        stats = ingest.get(name, {"seconds": 0.0, "sessions": 0})
        head.update({
            "recall_ms_p50": percentile(ms, 50), "recall_ms_p95": percentile(ms, 95),
            "ingest_s": stats["seconds"], "ingest_ms_per_session": 1000 * stats["seconds"] / max(1, stats["sessions"]),
        })
        answered = [r["systems"][name]["mcq"] for r in rows if "mcq" in r["systems"][name]]
        if answered:
            head["mcq_accuracy"] = _ratio(sum(a["correct"] for a in answered), len(answered))
            head["mcq_unparsed"] = sum(a["answer"] is None for a in answered)
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r, s in zip(rows, at, strict=True):
            kind = "MD" if r["multi_domain"] else "SD"
            split = "heldout" if is_held_out(r["user"]) else "dev"
            for key in (kind, f"type{r['type']}", f"{kind}-type{r['type']}", f"split:{split}"):
                groups[key].append(s)
        timeline: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r, s in zip(rows, at, strict=True):
            timeline[r["months"]].append(s)
        out[name] = {
            "headline": head,
            "groups": {k: _agg(v) for k, v in sorted(groups.items())},
            "by_budget": {b: _agg([r["systems"][name]["budgets"][b] for r in rows]) for b in cfg.all_budgets},
            "timeline": {m: _agg(v)["facet_recall"] for m, v in sorted(timeline.items())},
        }
    return out
