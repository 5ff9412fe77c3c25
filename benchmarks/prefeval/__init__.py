"""PrefEval-style benchmark: does a stated preference survive 10-300 turns of other talk?

Run ``python -m benchmarks.prefeval --help``. The data (CC BY-NC 4.0) is read from ``--data``; nothing of it
is copied into this repository.
"""
