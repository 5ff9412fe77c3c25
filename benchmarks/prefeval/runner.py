"""The benchmark loop: each pair is a fresh user; ingest the preference, then distractors up to each turn
count, and ask every system for a context (and, in LLM mode, an answer) at each count.

Turn counts share one ingestion: the filler of a pair is a fixed sequence and every count is a prefix of it,
so a user is fed once up to the largest count and queried at each smaller one on the way.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.common import percentile, progress
from benchmarks.prefeval.data import Pair
from benchmarks.prefeval.filler import FillerPool, Session, build_filler
from benchmarks.prefeval.llm_mode import LLMJudge, evaluate_llm
from benchmarks.prefeval.systems import System
from memagent.embeddings import CachedEmbedder
from memagent.errors import ConfigError
from memagent.graph.heuristic import HeuristicExtractor
from memagent.llm.base import ChatModel
from memagent.types import Event

__all__ = ["Record", "RunSettings", "run", "plan_fillers", "summarise", "warm_cache"]

_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
_SESSION_GAP = timedelta(hours=7)


@dataclass(frozen=True)
class RunSettings:
    turns: tuple[int, ...]
    fillers: tuple[str, ...]
    seed: int = 0
    show_progress: bool | None = None


@dataclass
class Record:
    """One (pair, filler, system, turn count) measurement."""

    pair: str
    topic: str
    form: str
    filler: str
    system: str
    turns: int
    hit: bool
    rank: int | None
    tokens: int
    recall_ms: float
    ingest_ms_per_message: float
    detail: dict[str, Any] = field(default_factory=dict)
    llm: dict[str, Any] = field(default_factory=dict)


def _chunks(sessions: Sequence[Session], checkpoints: Sequence[int]) -> Iterator[tuple[int, list[tuple[int, Session]]]]:
    """For each checkpoint, the (session number, messages) to ingest since the previous one."""
    flat = [(n, s[j : j + 2]) for n, s in enumerate(sessions) for j in range(0, len(s), 2)]
    done = 0
    for cp in checkpoints:
        part: list[tuple[int, Session]] = []
        for n, turn in flat[done:cp]:
            if part and part[-1][0] == n:
                part[-1] = (n, part[-1][1] + turn)
            else:
                part.append((n, turn))
        done = max(done, min(cp, len(flat)))
        yield cp, part


def _feed(system: System, pair: Pair, sessions: Sequence[Session], checkpoints: Sequence[int], filler: str,
          llm: ChatModel | None, judge: LLMJudge | None, seed: int) -> Iterator[Record]:
    system.reset(f"{pair.form}:{pair.key}:{filler}")
    ingest_s, ingested = 0.0, 0
    t0 = time.perf_counter()
    system.ingest(pair.messages, session_id="preference", timestamp=_START)
    ingest_s += time.perf_counter() - t0
    ingested += len(pair.messages)
    for cp, part in _chunks(sessions, checkpoints):
        for n, msgs in part:
            t0 = time.perf_counter()
            system.ingest(msgs, session_id=f"filler-{n}", timestamp=_START + (n + 1) * _SESSION_GAP)
            ingest_s += time.perf_counter() - t0
            ingested += len(msgs)
        t0 = time.perf_counter()
        ctx = system.context(pair.question)
        recall_s = time.perf_counter() - t0
        rank = ctx.gold_rank(pair.gold)
        rec = Record(
            pair=pair.key, topic=pair.topic, form=pair.form, filler=filler, system=system.name, turns=cp,
            hit=rank is not None, rank=rank, tokens=ctx.tokens, recall_ms=recall_s * 1000,
            ingest_ms_per_message=ingest_s * 1000 / max(1, ingested), detail=ctx.detail,
        )
        if llm is not None and judge is not None:
            rec.llm = evaluate_llm(system.responder(llm, ctx), judge, pair, seed=seed, turns=cp)
        yield rec


def run(
    pairs: Sequence[Pair],
    systems: Sequence[System],
    pool: FillerPool,
    settings: RunSettings,
    *,
    llm: ChatModel | None = None,
    judge: LLMJudge | None = None,
    fillers: Mapping[tuple[str, str], Sequence[Session]] | None = None,
) -> list[Record]:
    """Measure every system on every pair, filler and turn count (``fillers`` from :func:`plan_fillers`).

    Raises:
        ConfigError: a negative turn count or an unknown filler.
        MemagentError: a system failed (nothing is swallowed).
    """
    if any(t < 0 for t in settings.turns):
        msg = f"turn counts must be >= 0 (got {settings.turns})"
        raise ConfigError(msg)
    checkpoints = sorted(set(settings.turns))
    records: list[Record] = []
    planned = fillers if fillers is not None else plan_fillers(pairs, pool, settings)
    jobs = [(f, p) for f in settings.fillers for p in pairs]
    hide = None if settings.show_progress is None else not settings.show_progress
    for filler, pair in progress(jobs, desc="prefeval", disable=hide):
        sessions = planned[(filler, pair.key)]
        for system in systems:
            records.extend(_feed(system, pair, sessions, checkpoints, filler, llm, judge, settings.seed))
    for system in systems:
        system.close()
    return records


def plan_fillers(pairs: Sequence[Pair], pool: FillerPool, settings: RunSettings) -> dict[tuple[str, str], list[Session]]:
    """The distractor sessions of every (filler, pair key), up to the largest turn count.

    Raises: ConfigError for an unknown filler.
    """
    most = max(settings.turns)
    return {(f, p.key): build_filler(p, pool, f, most, seed=settings.seed) for f in settings.fillers for p in pairs}


def warm_cache(embedder: CachedEmbedder, pairs: Sequence[Pair], fillers: Mapping[Any, Sequence[Session]], *,
               batch: int = 128) -> int:
    """Embed, in large batches, every text the run will embed one message at a time: the messages, the
    questions, and the memory texts the default extractor derives from user messages. Texts repeat across
    users, so this only moves embedding work out of the timed ingest and recall. Returns the texts embedded.
    """
    msgs = {m for p in pairs for m in p.messages} | {m for sessions in fillers.values() for s in sessions for m in s}
    texts = {m.content for m in msgs} | {p.question for p in pairs}
    extractor = HeuristicExtractor()
    for m in msgs:
        if m.role == "user":
            texts.update(c.text for c in extractor.extract(Event(user_id="warm", text=m.content)))
    ordered = sorted(texts)
    for i in range(0, len(ordered), batch):
        embedder.embed(ordered[i : i + batch])
    return len(ordered)


def summarise(records: Sequence[Record]) -> list[dict[str, Any]]:
    """One row per (form, filler, turns, system): hit rate, ranks, tokens, latencies and LLM scores."""
    groups: dict[tuple[str, str, int, str], list[Record]] = defaultdict(list)
    for r in records:
        groups[(r.form, r.filler, r.turns, r.system)].append(r)
    rows = []
    for (form, filler, turns, system), rs in sorted(groups.items()):
        ranks = [r.rank for r in rs if r.rank is not None]
        row: dict[str, Any] = {
            "form": form, "filler": filler, "turns": turns, "system": system, "n": len(rs),
            "hit_rate": sum(r.hit for r in rs) / len(rs),
            "median_rank": statistics.median(ranks) if ranks else None,
            "tokens_mean": statistics.fmean(r.tokens for r in rs),
            "recall_ms_p50": percentile([r.recall_ms for r in rs], 50),
            "recall_ms_p95": percentile([r.recall_ms for r in rs], 95),
            "ingest_ms_per_message": statistics.fmean(r.ingest_ms_per_message for r in rs),
        }
        scored = [r.llm for r in rs if r.llm]
        if scored:
            row["llm"] = {k: statistics.fmean(float(s[k]) for s in scored if k in s)
                          for k in sorted({k for s in scored for k in s if isinstance(s[k], bool | int | float)})}
        rows.append(row)
    return rows
