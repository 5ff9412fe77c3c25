"""Make the repo root importable so these tests can import ``benchmarks.nlsi`` when pytest runs as a script
(``python -m pytest`` already does this; ``pythonpath = ["."]`` in pyproject would make this file unnecessary)."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
