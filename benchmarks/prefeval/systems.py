"""The systems compared: what each puts in front of the model for the question.

Every system sees one user's messages in order (the preference conversation, then the distractors) and then
builds a context for the question. A context lists its entries, each with the indices of the messages it came
from, so the harness decides a gold hit by provenance, never by matching text.

- ``none``: the question alone.
- ``full_context``: the whole conversation as chat messages, oldest dropped first to fit ``window`` tokens,
  as a real model with that context length would see it.
- ``naive_rag``: the top-k earlier messages by embedding similarity to the question (the paper's RAG).
- ``bm25_turns`` / ``dense_turns``: earlier messages ranked by BM25 / cosine similarity to the question, packed
  best first into the same ``budget`` as memagent (the baselines issue 17 asks memagent to beat).
- ``memagent``: ``Memory.add_messages`` for every session, then ``Memory.recall`` within ``budget`` tokens.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from benchmarks.prefeval.data import Message
from benchmarks.prefeval.llm_mode import Responder, context_responder
from memagent import Memory
from memagent.embeddings import CachedEmbedder
from memagent.errors import ConfigError
from memagent.llm.base import ChatModel
from memagent.llm.tokens import count_tokens
from memagent.retrieval.bm25 import BM25Cache
from memagent.types import Recall

__all__ = ["SYSTEMS", "Context", "FullContext", "MemagentSystem", "NaiveRAG", "NoMemory", "System", "make_system"]

SYSTEMS = ("none", "full_context", "naive_rag", "bm25_turns", "dense_turns", "memagent")


@functools.lru_cache(maxsize=200_000)
def _tokens(text: str) -> int:
    return count_tokens(text)


@dataclass
class Context:
    """What one system gives the model: a text block and/or chat messages, and where each entry came from."""

    text: str = ""
    chat: list[dict[str, str]] = field(default_factory=list)
    entries: list[set[int]] = field(default_factory=list)  # message indices behind each entry, best first
    tokens: int = 0
    detail: dict[str, Any] = field(default_factory=dict)

    def gold_rank(self, gold: set[int] | frozenset[int]) -> int | None:
        """1-based position of the first entry that came from a gold message, None when none did."""
        return next((n for n, src in enumerate(self.entries, 1) if src & gold), None)


class System(ABC):
    """One user at a time: ``reset``, ``ingest`` sessions in order, then ``context`` for a question."""

    name: str = "system"

    def __init__(self) -> None:
        self.log: list[Message] = []

    def reset(self, user_id: str) -> None:
        self.user_id = user_id
        self.log = []

    def ingest(self, session: Sequence[Message], *, session_id: str, timestamp: datetime) -> None:
        self.log.extend(session)

    @abstractmethod
    def context(self, question: str) -> Context: ...

    def responder(self, llm: ChatModel, ctx: Context) -> Responder:
        """How this system answers with a model (LLM mode): by default, from ``ctx``."""
        return context_responder(llm, ctx)

    def close(self) -> None:  # noqa: B027 (optional hook: most systems hold nothing)
        """Release what the system holds (databases, models)."""


class NoMemory(System):
    name = "none"

    def context(self, question: str) -> Context:
        return Context()


class FullContext(System):
    """The conversation so far, truncated from the oldest message to fit ``window`` tokens."""

    name = "full_context"

    def __init__(self, window: int) -> None:
        super().__init__()
        if window < 1:
            msg = f"window must be positive (got {window})"
            raise ConfigError(msg)
        self.window = window

    def context(self, question: str) -> Context:
        room = self.window - _tokens(question)
        kept: list[int] = []
        used = 0
        for i in range(len(self.log) - 1, -1, -1):
            cost = _tokens(self.log[i].content) + 4  # per-message chat framing, as the OpenAI counter adds
            if used + cost > room:
                break
            kept.append(i)
            used += cost
        kept.reverse()
        return Context(chat=[{"role": self.log[i].role, "content": self.log[i].content} for i in kept],
                       entries=[{i} for i in kept], tokens=used, detail={"messages": len(kept), "of": len(self.log)})


class NaiveRAG(System):
    """Top-k earlier messages (either speaker) by cosine similarity to the question."""

    name = "naive_rag"

    def __init__(self, embedder: CachedEmbedder, k: int = 5) -> None:
        super().__init__()
        self.embedder = embedder
        self.k = k

    def reset(self, user_id: str) -> None:
        super().reset(user_id)
        self.vectors: list[np.ndarray] = []

    def ingest(self, session: Sequence[Message], *, session_id: str, timestamp: datetime) -> None:
        super().ingest(session, session_id=session_id, timestamp=timestamp)
        self.vectors.extend(self.embedder.embed([m.content for m in session]))

    def context(self, question: str) -> Context:
        if not self.log:
            return Context()
        sims = np.stack(self.vectors) @ self.embedder.embed([question])[0]
        top = [int(i) for i in np.argsort(-sims, kind="stable")[: self.k]]
        lines = [f"- {self.log[i].role}: {self.log[i].content}" for i in top]
        text = "Relevant messages from earlier conversations with this user:\n" + "\n".join(lines)
        return Context(text=text, entries=[{i} for i in top], tokens=_tokens(text))


class RankedTurns(System):
    """Earlier messages ranked by BM25 or by cosine similarity, packed best first into ``budget`` tokens."""

    def __init__(self, name: str, embedder: CachedEmbedder, budget: int) -> None:
        super().__init__()
        self.name, self.embedder, self.budget = name, embedder, budget

    def reset(self, user_id: str) -> None:
        super().reset(user_id)
        self.vectors: list[np.ndarray] = []

    def ingest(self, session: Sequence[Message], *, session_id: str, timestamp: datetime) -> None:
        super().ingest(session, session_id=session_id, timestamp=timestamp)
        if self.name == "dense_turns":
            self.vectors.extend(self.embedder.embed([m.content for m in session]))

    def _order(self, question: str) -> list[int]:
        if self.name == "dense_turns":
            sims = np.stack(self.vectors) @ self.embedder.embed([question])[0]
            return [int(i) for i in np.argsort(-sims, kind="stable")]
        ids = [str(i) for i in range(len(self.log))]
        scores = BM25Cache.score_once(ids, [m.content for m in self.log], question)
        return sorted((int(i) for i in scores), key=lambda i: (-scores[str(i)], -i))

    def context(self, question: str) -> Context:
        if not self.log:
            return Context()
        header = "Relevant messages from earlier conversations with this user:"
        used, picked = _tokens(header), []
        for i in self._order(question):
            cost = _tokens(f"- {self.log[i].role}: {self.log[i].content}") + 1
            if used + cost <= self.budget:
                picked.append(i)
                used += cost
        text = "\n".join([header, *(f"- {self.log[i].role}: {self.log[i].content}" for i in picked)])
        return Context(text=text, entries=[{i} for i in picked], tokens=_tokens(text))


class MemagentSystem(System):
    """A fresh in-memory ``Memory`` per user, fed and queried through the public API only."""

    name = "memagent"

    def __init__(self, memory_factory: Callable[[], Memory], budget: int) -> None:
        super().__init__()
        self.memory_factory = memory_factory
        self.budget = budget
        self.memory: Memory | None = None
        self.event_index: dict[str, int] = {}
        self.last_recall: Recall | None = None

    def reset(self, user_id: str) -> None:
        super().reset(user_id)
        self.close()
        self.memory = self.memory_factory()
        self.event_index = {}

    def ingest(self, session: Sequence[Message], *, session_id: str, timestamp: datetime) -> None:
        results = self._memory().add_messages(self.user_id, [{"role": m.role, "content": m.content} for m in session],
                                           session_id=session_id, timestamp=timestamp)
        for res in results:
            self.event_index[res.event.id] = len(self.log)
            self.log.append(Message(res.event.role, res.event.text))

    def context(self, question: str) -> Context:
        recall = self._memory().recall(self.user_id, question, budget_tokens=self.budget, touch=False)
        self.last_recall = recall
        text = recall.to_prompt()
        entries = [{self.event_index[e] for e in entry.source_event_ids if e in self.event_index}
                   for entry in recall.entries]
        current = self._memory().items(self.user_id)
        return Context(text=text, entries=entries, tokens=_tokens(text), detail={
            "entry_kinds": [e.item.kind.value for e in recall.entries],
            "items": len(current), "preferences": sum(i.kind.value == "preference" for i in current),
        })

    def responder(self, llm: ChatModel, ctx: Context) -> Responder:
        """Answers through ``MemoryAgent`` (read-only, no session history), as a product would."""
        from memagent.agent import MemoryAgent

        agent = MemoryAgent(llm, self._memory(), budget_tokens=self.budget, history_tokens=0, remember=False)
        return lambda question: agent.chat(self.user_id, question).text

    def _memory(self) -> Memory:
        if self.memory is None:
            msg = "MemagentSystem: call reset(user_id) before ingest/context"
            raise RuntimeError(msg)  # API misuse, outside the memagent error tree (as httpx does)
        return self.memory

    def close(self) -> None:
        if self.memory is not None:
            self.memory.close()
            self.memory = None


def make_system(name: str, *, embedder: CachedEmbedder, budget: int, window: int, rag_k: int,
                memory_factory: Callable[[], Memory] | None = None) -> System:
    """Build one system by name.

    Raises:
        ConfigError: unknown name or invalid setting.
    """
    if name == "none":
        return NoMemory()
    if name == "full_context":
        return FullContext(window)
    if name == "naive_rag":
        return NaiveRAG(embedder, rag_k)
    if name in ("bm25_turns", "dense_turns"):
        return RankedTurns(name, embedder, budget)
    if name == "memagent":
        return MemagentSystem(memory_factory or (lambda: Memory.open(":memory:", embedder=embedder)), budget)
    msg = f"unknown system {name!r}; choose from {', '.join(SYSTEMS)}"
    raise ConfigError(msg)
