"""NLSI-style standing-instruction selection benchmark: ``python -m benchmarks.nlsi --data DIR --out DIR``."""
