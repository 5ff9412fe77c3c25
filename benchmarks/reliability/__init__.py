"""``python -m benchmarks.reliability``: prompt injection, crashes, concurrent writers, isolation, forgetting."""
