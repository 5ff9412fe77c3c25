"""Markdown tables and plots for a PERMA harness run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.common import markdown_table, plot_lines

__all__ = ["markdown", "plots"]


def _f(v: Any) -> Any:
    return "-" if v is None else v


def markdown(result: dict[str, Any], *, command: str, title: str, budget: int) -> str:
    summary = result["summary"]
    n_users, n_q = len(result["users"]), len({(r["user"], r["task_id"], r["type"]) for r in result["records"]})
    lines = [f"# {title}", "", f"Command: `{command}`", "",
             f"{n_users} users, {n_q} questions; headline budget {budget} tokens. Facet recall = mean over questions "
             "of the share of gold preference values (revealed before the question, in its domains, not replaced, "
             "not one-off) found in the recalled context (as a phrase, or all its content words in one entry; "
             "*strict*: as a phrase only).", ""]
    head = ["system", "facet recall", "strict", "SD", "MD", "slot recall", "future leak", "stale rate (pairs)",
            "override kept", "off-domain", "tokens", "recall ms p50/p95", "ingest ms/session"]
    rows = []
    for name, s in summary.items():
        h, g = s["headline"], s["groups"]
        rows.append([name, _f(h["facet_recall"]), _f(h["facet_recall_strict"]), _f(g.get("SD", {}).get("facet_recall")),
                     _f(g.get("MD", {}).get("facet_recall")), _f(h["slot_recall"]), _f(h["future_leak_rate"]),
                     f"{_f(h['stale_rate']) if h['stale_rate'] is None else round(h['stale_rate'], 3)} ({h['stale_pairs']})",
                     _f(h["override_kept"]), _f(h["off_domain_share"]), "-" if h["tokens"] is None else round(h["tokens"]),
                     f"{h['recall_ms_p50']:.1f} / {h['recall_ms_p95']:.1f}", round(h["ingest_ms_per_session"], 1)])
    lines += ["## Headline", "", markdown_table(head, rows), ""]
    if any("mcq_accuracy" in s["headline"] for s in summary.values()):
        lines += ["## MCQ accuracy (LLM mode)", "", markdown_table(
            ["system", "accuracy", "unparsed replies"],
            [[n, _f(s["headline"].get("mcq_accuracy")), s["headline"].get("mcq_unparsed", "-")]
             for n, s in summary.items() if "mcq_accuracy" in s["headline"]]), ""]
    splits = sorted({k for s in summary.values() for k in s["groups"] if k.startswith("split:")})
    if len(splits) > 1:
        lines += ["## By split (held-out users: sha256(user_id) % 5 == 0)", "", markdown_table(
            ["system", *(f"{k[6:]} recall" for k in splits), *(f"{k[6:]} stale" for k in splits)],
            [[n, *(_f(s["groups"][k]["facet_recall"]) for k in splits), *(_f(s["groups"][k]["stale_rate"]) for k in splits)]
             for n, s in summary.items()]), ""]
    keys = sorted({k for s in summary.values() for k in s["groups"] if "-" in k})
    lines += ["## Facet recall by kind and checkpoint (1 zero-memory, 2 in-time, 3 post-intervention)", "",
              markdown_table(["system", *keys], [[n, *(_f(s["groups"].get(k, {}).get("facet_recall")) for k in keys)]
                                                 for n, s in summary.items()]), ""]
    budgets = sorted({b for s in summary.values() for b in s["by_budget"]})
    lines += ["## Facet recall (tokens) by budget", "", markdown_table(
        ["system", *map(str, budgets)],
        [[n, *(f"{_fmt(s['by_budget'][b]['facet_recall'])} ({_fmt(s['by_budget'][b]['tokens'], 0)})" for b in budgets)]
         for n, s in summary.items()]), ""]
    return "\n".join(lines)


def _fmt(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def plots(result: dict[str, Any], out: Path, *, prefix: str = "perma") -> list[Path]:
    summary = result["summary"]
    made = []
    series = {n: ([float(b) for b in s["by_budget"]], [s["by_budget"][b]["facet_recall"] or 0.0 for b in s["by_budget"]])
              for n, s in summary.items() if n not in ("full_history", "none")}
    p = plot_lines(out / f"{prefix}_recall_vs_budget.png", series, title="PERMA facet recall vs context budget",
                   xlabel="budget (tokens)", ylabel="facet recall")
    made += [p] if p else []
    series = {n: ([float(m) for m in s["timeline"]], [v or 0.0 for v in s["timeline"].values()])
              for n, s in summary.items() if n != "none"}
    p = plot_lines(out / f"{prefix}_recall_over_time.png", series, title="PERMA facet recall over the timeline",
                   xlabel="months since the user's first session", ylabel="facet recall")
    made += [p] if p else []
    return made
