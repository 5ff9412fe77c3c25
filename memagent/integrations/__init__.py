"""Adapters to other frameworks. Import the submodule you need (each imports its framework lazily)."""
