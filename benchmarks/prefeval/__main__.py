"""``python -m benchmarks.prefeval``: see :mod:`benchmarks.prefeval.cli`."""

from __future__ import annotations

import sys

from benchmarks.prefeval.cli import main

if __name__ == "__main__":
    sys.exit(main())
