"""Write throughput and recall latency of the embedded stack (SQLite + exact index)."""
