"""PERMA-style benchmark: a loader for the PERMA layout, a synthetic generator with real preference change
(``python -m benchmarks.perma.generate``) and the retrieval/MCQ harness (``python -m benchmarks.perma``)."""
