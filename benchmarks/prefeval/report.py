"""Markdown tables, JSON and the hit-rate plot for a PrefEval run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import markdown_table, plot_lines, write_results

__all__ = ["render", "write_report"]

_LLM_COLUMNS = ("generation_correct", "unaware_violation", "hallucination_violation", "inconsistency_violation",
                "unhelpful", "mcq_correct")


def _headline(rows: Sequence[dict[str, Any]], systems: Sequence[str]) -> str:
    cells: dict[tuple[str, str, int], dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        cells[(r["form"], r["filler"], r["turns"])][r["system"]] = r
    table = []
    for (form, filler, turns), by_sys in sorted(cells.items()):
        line: list[Any] = [form, filler, turns]
        for s in systems:
            r = by_sys.get(s)
            line.append(f"{r['hit_rate']:.3f} / {r['tokens_mean']:,.0f}" if r else "-")
        table.append(line)
    return markdown_table(["form", "filler", "turns", *(f"{s} hit / tokens" for s in systems)], table)


def _detail(rows: Sequence[dict[str, Any]]) -> str:
    return markdown_table(
        ["form", "filler", "turns", "system", "n", "hit", "median rank", "tokens", "recall ms p50", "recall ms p95",
         "ingest ms/msg"],
        [[r["form"], r["filler"], r["turns"], r["system"], r["n"], r["hit_rate"],
          "-" if r["median_rank"] is None else r["median_rank"], r["tokens_mean"], r["recall_ms_p50"],
          r["recall_ms_p95"], r["ingest_ms_per_message"]] for r in rows],
    )


def _llm(rows: Sequence[dict[str, Any]]) -> str:
    scored = [r for r in rows if r.get("llm")]
    if not scored:
        return ""
    return markdown_table(
        ["form", "filler", "turns", "system", "n", *_LLM_COLUMNS],
        [[r["form"], r["filler"], r["turns"], r["system"], r["n"],
          *(r["llm"].get(c, "-") for c in _LLM_COLUMNS)] for r in scored],
    )


def render(rows: Sequence[dict[str, Any]], *, systems: Sequence[str], command: str, settings: dict[str, Any],
           notes: Sequence[str] = ()) -> str:
    parts = [
        "# PrefEval-style preference recall",
        f"Command:\n\n```\n{command}\n```",
        "Settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()),
        "## Gold-preference hit rate in the context, and context tokens (mean)",
        _headline(rows, systems),
    ]
    llm = _llm(rows)
    if llm:
        parts += ["## LLM mode: generation accuracy, error rates and MCQ accuracy", llm]
    parts += ["## Details", _detail(rows)]
    if notes:
        parts += ["## Notes", "\n".join(f"- {n}" for n in notes)]
    return "\n\n".join(parts)


def write_report(out_dir: str | Path, rows: Sequence[dict[str, Any]], records: Sequence[dict[str, Any]], *,
                 systems: Sequence[str], command: str, settings: dict[str, Any],
                 notes: Sequence[str] = ()) -> tuple[Path, Path, Path | None]:
    """``prefeval.json`` (summary + per-pair records), ``prefeval.md`` and ``prefeval.png``."""
    md = render(rows, systems=systems, command=command, settings=settings, notes=notes)
    json_path, md_path = write_results(out_dir, "prefeval", {"command": command, "settings": settings,
                                                             "summary": list(rows), "records": list(records)}, md)
    series: dict[str, tuple[list[float], list[float]]] = {}
    by_curve: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        by_curve[f"{r['system']} ({r['filler']})"][r["turns"]].append(r["hit_rate"])
    for label, points in sorted(by_curve.items()):
        xs = sorted(points)
        series[label] = (xs, [sum(points[x]) / len(points[x]) for x in xs])
    png = plot_lines(Path(out_dir) / "prefeval.png", series, title="PrefEval: gold preference in context (mean over forms)",
                     xlabel="distractor turns", ylabel="hit rate")
    return json_path, md_path, png
