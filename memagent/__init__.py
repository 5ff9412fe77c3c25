"""memagent: personalized long-term memory for chatbots, fully offline.

The public API lives here; everything else is an implementation module.
"""

from memagent._version import __version__
from memagent.agent import MemoryAgent
from memagent.embeddings import (
    CachedEmbedder,
    Embedder,
    HashingEmbedder,
    LangChainEmbedder,
    LocalEmbedder,
    OpenAIEmbedder,
    default_embedder,
)
from memagent.errors import (
    ConfigError,
    IndexMismatchError,
    InvalidInputError,
    LLMConnectionError,
    LLMError,
    LLMOutputError,
    LLMStatusError,
    LLMTimeoutError,
    MemagentError,
    MemagentWarning,
    MissingDependencyError,
    NotFoundError,
    StoreError,
)
from memagent.graph.decay import DecayPolicy
from memagent.graph.decide import RuleDecider
from memagent.graph.dialogue import DialogueExtractor
from memagent.graph.heuristic import HeuristicExtractor
from memagent.llm import ChatModel, LangChainChat, OpenAIChat, ScriptedChat, count_tokens
from memagent.memory import Memory
from memagent.retrieval.hybrid import RecallConfig
from memagent.store.chroma_index import ChromaIndex
from memagent.store.index import ExactIndex, VectorIndex
from memagent.types import Event, EventKind, MemoryItem, MemoryKind, Op, Recall, RecallEntry, WriteResult

__all__ = [
    "CachedEmbedder",
    "ChatModel",
    "ChromaIndex",
    "ConfigError",
    "DecayPolicy",
    "DialogueExtractor",
    "Embedder",
    "Event",
    "EventKind",
    "ExactIndex",
    "HashingEmbedder",
    "HeuristicExtractor",
    "IndexMismatchError",
    "InvalidInputError",
    "LLMConnectionError",
    "LLMError",
    "LLMOutputError",
    "LLMStatusError",
    "LLMTimeoutError",
    "LangChainChat",
    "LangChainEmbedder",
    "LocalEmbedder",
    "MemagentError",
    "MemagentWarning",
    "Memory",
    "MemoryAgent",
    "MemoryItem",
    "MemoryKind",
    "MissingDependencyError",
    "NotFoundError",
    "Op",
    "OpenAIChat",
    "OpenAIEmbedder",
    "Recall",
    "RecallConfig",
    "RecallEntry",
    "RuleDecider",
    "ScriptedChat",
    "StoreError",
    "VectorIndex",
    "WriteResult",
    "__version__",
    "count_tokens",
    "default_embedder",
]
