"""The read path: hybrid ranking of a user's memories and packing into a token budget."""

from memagent.retrieval.hybrid import HybridRanker, RecallConfig
from memagent.retrieval.packer import pack

__all__ = ["HybridRanker", "RecallConfig", "pack"]
