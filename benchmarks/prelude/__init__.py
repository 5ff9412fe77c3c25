"""PRELUDE (Gao et al., NeurIPS 2024): learning a user's latent writing preference from their edits.

Run ``python -m benchmarks.prelude`` (see ``README.md`` in this folder for how the offline world works).
"""
