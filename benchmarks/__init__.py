"""Benchmarks: each ``python -m benchmarks.<name>`` prints figures and writes JSON + markdown (+ plots)."""
