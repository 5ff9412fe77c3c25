"""Run a benchmark phase in a fresh process, so its peak RSS (and its caches) are its own."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any

__all__ = ["load", "run_phase"]


def load() -> list[float]:
    """The 1-, 5- and 15-minute load averages: recorded beside every timing (the machine is shared)."""
    return [round(x, 2) for x in os.getloadavg()]


def _in_child(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    before = load()
    out = fn(*args, **kwargs)
    result = out if isinstance(out, dict) else {"rows": out}
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["load_before_after"] = [before, load()]
    return result


def run_phase(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """``fn(*args, **kwargs)`` in a spawned process (nothing inherited); its result plus ``peak_rss_mb`` and the
    load averages before and after."""
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(_in_child, fn, *args, **kwargs).result()
