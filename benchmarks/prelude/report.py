"""Summaries, the markdown table and the cumulative-cost plot of a PRELUDE run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import markdown_table, plot_lines
from benchmarks.prelude.harness import MethodRun

__all__ = ["PAPER", "plot_task", "summarize", "table"]

# Cumulative cost reported by the paper (GPT-4 agent and user; best encoder per method), for context only.
PAPER = {
    "summarization": {"no-learning": 48269, "oracle": 6573, "icl-edit-5": 38500, "cipher-5": 32974},
    "email": {"no-learning": 31103, "oracle": 1851, "icl-edit-5": 31000, "cipher-5": 8391},
}


def summarize(runs: Sequence[MethodRun]) -> list[dict[str, Any]]:
    """One row per method: means over seeds, and the ratio to no-learning's mean cumulative cost."""
    methods = list(dict.fromkeys(r.method for r in runs))
    base = [sum(r.costs) for r in runs if r.method == "no-learning"]  # unlabelled: it retrieves nothing
    base_mean = float(np.mean(base)) if base else None
    # Every method plays the same documents per seed, so split costs compare on the same rounds.
    base_split = {split: sum(_split_cost(r, split) for r in runs if r.method == "no-learning")
                  for split in ("dev", "heldout")}
    rows = []
    for m in methods:
        rs = [r for r in runs if r.method == m]
        cum = np.array([sum(r.costs) for r in rs], dtype=float)
        first = np.array([sum(c for c, f in zip(r.costs, r.first_seen, strict=True) if f) for r in rs], dtype=float)
        acc = [float(np.mean(r.correct)) for r in rs if r.uses_preference]
        split_ratio = {split: (sum(_split_cost(r, split) for r in rs) / base_split[split]) if base_split[split] else None
                       for split in ("dev", "heldout")}
        rows.append({
            "method": m,
            "seeds": len(rs),
            "cumulative_cost_mean": float(cum.mean()),
            "cumulative_cost_std": float(cum.std(ddof=1)) if len(cum) > 1 else 0.0,
            "vs_no_learning": float(cum.mean() / base_mean) if base_mean else None,
            "first_seen_cost_mean": float(first.mean()),
            "repeat_rounds_mean": float(np.mean([len(r.costs) - sum(r.first_seen) for r in rs])),
            "dev_vs_no_learning": split_ratio["dev"],
            "heldout_vs_no_learning": split_ratio["heldout"],
            "accept_rate": float(np.mean([np.mean(r.accepted) for r in rs])),
            "preference_accuracy": float(np.mean(acc)) if acc else None,
            "writer_calls": float(np.mean([r.writer_usage.get("calls", 0) for r in rs])),
            "writer_tokens": float(np.mean([r.writer_usage.get("total_tokens", 0) for r in rs])),
            "learner_calls": float(np.mean([r.learner_usage.get("calls", 0) for r in rs])),
            "learner_tokens": float(np.mean([r.learner_usage.get("total_tokens", 0) for r in rs])),
            "learner_calls_estimated": float(np.mean([r.learner_usage.get("estimated_calls", 0) for r in rs])),
            "learner_tokens_estimated": float(np.mean([r.learner_usage.get("estimated_tokens", 0) for r in rs])),
            "seconds": float(np.mean([r.seconds for r in rs])),
            "memory_items": float(np.mean([r.memory_items for r in rs])) if rs[0].memory_items is not None else None,
        })
    return rows


def _split_cost(run: MethodRun, split: str) -> int:
    return sum(c for c, h in zip(run.costs, run.heldout, strict=True) if h == (split == "heldout"))


def _learner(r: dict[str, Any]) -> str:
    text = f"{r['learner_calls']:,.0f} / {r['learner_tokens']:,.0f}"
    if r["learner_calls_estimated"]:
        text += f" (≈{r['learner_calls_estimated']:,.0f} / ≈{r['learner_tokens_estimated']:,.0f})"
    return text


def _fmt(v: float | None, pattern: str) -> str:
    return "n/a" if v is None else pattern.format(v)


def table(rows: Sequence[dict[str, Any]]) -> str:
    headers = ["method", "cumulative cost (mean ± sd)", "× no-learning", "× no-learning, dev / held-out docs",
               "accept rate", "pref. accuracy", "agent tokens", "learner LLM calls / tokens (offline: same calls with an LLM)",
               "s per run"]
    body = [
        [r["method"], f"{r['cumulative_cost_mean']:,.0f} ± {r['cumulative_cost_std']:,.0f}",
         _fmt(r["vs_no_learning"], "{:.3f}"),
         f"{_fmt(r['dev_vs_no_learning'], '{:.3f}')} / {_fmt(r['heldout_vs_no_learning'], '{:.3f}')}",
         f"{r['accept_rate']:.2f}",
         _fmt(r["preference_accuracy"], "{:.2f}"), f"{r['writer_tokens']:,.0f}",
         _learner(r), f"{r['seconds']:.1f}"]
        for r in rows
    ]
    return markdown_table(headers, body)


def _plotted(methods: list[str]) -> list[str]:
    """Every method of the first encoder, and only CIPHER-5 of the others (more lines would be unreadable)."""
    labels = list(dict.fromkeys(m.split(" [", 1)[1].rstrip("]") for m in methods if " [" in m))
    return [m for m in methods if " [" not in m or m.endswith(f"[{labels[0]}]") or m.startswith("cipher-5 [")]


def plot_task(path: Path, task: str, runs: Sequence[MethodRun]) -> Path | None:
    series = {}
    for m in _plotted(list(dict.fromkeys(r.method for r in runs))):
        curves = np.array([np.cumsum(r.costs) for r in runs if r.method == m], dtype=float)
        mean = curves.mean(axis=0)
        series[m] = (list(range(1, len(mean) + 1)), mean.tolist())
    return plot_lines(path, series, title=f"PRELUDE {task}: cumulative edit cost (mean over seeds)",
                      xlabel="round", ylabel="cumulative edit cost (word-level Levenshtein)")
