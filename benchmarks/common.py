"""Shared plumbing for the benchmark scripts: output files, progress bars, timing, percentiles, plots."""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["RESULTS", "environment", "markdown_table", "output_dir", "percentile", "plot_lines", "progress", "timer",
           "write_results"]

RESULTS = Path(__file__).resolve().parents[1] / "results"


def output_dir(out: str | Path | None, name: str, *, quick: bool = False) -> Path:
    """Where a benchmark writes: ``out`` when given, else ``results/<name>`` for a full run and a fresh temporary
    folder for a ``--quick`` smoke run, which must never overwrite the committed results."""
    if out is not None:
        return Path(out)
    return Path(tempfile.mkdtemp(prefix=f"memagent-{name}-")) if quick else RESULTS / name


def environment() -> dict[str, Any]:
    """Where a result was measured: recorded in every JSON output."""
    import os

    import memagent

    return {
        "memagent": memagent.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": sys.argv,
    }


def progress(items: Iterable[T], *, desc: str, total: int | None = None, disable: bool | None = None) -> Iterator[T]:
    """A tqdm progress bar on stderr (hidden when stderr is not a terminal unless forced)."""
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, total=total, file=sys.stderr, disable=disable, dynamic_ncols=True, leave=False)


@contextmanager
def timer() -> Iterator[list[float]]:
    """``with timer() as t: ...`` then ``t[0]`` holds elapsed seconds."""
    box: list[float] = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    qs = statistics.quantiles(values, n=100, method="inclusive")
    if p <= 0:
        return float(min(values))
    if p >= 100:
        return float(max(values))
    return float(qs[int(p) - 1])


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(out_dir: str | Path, name: str, data: dict[str, Any], markdown: str) -> tuple[Path, Path]:
    """Write ``<out>/<name>.json`` (with the environment) and ``<out>/<name>.md``; returns both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / f"{name}.json", out / f"{name}.md"
    json_path.write_text(json.dumps({"environment": environment(), **data}, indent=2, default=str) + "\n")
    md_path.write_text(markdown.rstrip() + "\n")
    return json_path, md_path


def plot_lines(path: str | Path, series: dict[str, tuple[Sequence[float], Sequence[float]]], *, title: str,
               xlabel: str, ylabel: str) -> Path | None:
    """Line plot of ``{label: (xs, ys)}`` to a PNG; returns None (and says so) when matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        print("matplotlib not installed: skipping plot (pip install 'memagent[plots]')", file=sys.stderr)
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for label, (xs, ys) in series.items():
        ax.plot(list(xs), list(ys), marker="o" if len(xs) <= 12 else None, label=label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)
