"""Embedder throughput: sentences per second at a given batch size."""
