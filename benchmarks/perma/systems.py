"""The systems the PERMA harness compares. Each sees one user's sessions in time order and, at a question,
returns the context it would give an answering model within a token budget.

* ``memagent``: the public API with its defaults, as a user gets it from ``Memory.open(path)``:
  ``Memory.add_messages`` per session (with the session's timestamp), then
  ``Memory.recall(question, budget_tokens=...)``; the context is ``Recall.to_prompt()``.
* ``memagent_no_turns``: ablation, the defaults without conversation turns in recall (``RecallConfig(turns=False)``).
* ``memagent_heuristic``: ablation, the first-person :class:`~memagent.graph.heuristic.HeuristicExtractor` only.
* ``bm25_turns``: BM25 over exchanges (a user message and the reply: PERMA's RAG baseline chunks 2 messages).
* ``dense_turns``: the same exchanges ranked by cosine similarity with the memory's embedder.
* ``recency``: the latest exchanges.
* ``full_history``: every exchange so far (no budget; the upper bound on recall, at full cost).
* ``none``: no context (the floor for MCQ accuracy).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np

from benchmarks.perma.loader import Question, Session
from memagent import Memory, RecallConfig
from memagent.embeddings import Embedder
from memagent.errors import ConfigError
from memagent.graph.heuristic import HeuristicExtractor
from memagent.llm.tokens import count_tokens
from memagent.retrieval.bm25 import BM25Cache

__all__ = ["SYSTEMS", "Context", "System", "make_system"]

SYSTEMS = ("memagent", "memagent_no_turns", "memagent_heuristic", "bm25_turns", "dense_turns", "recency", "full_history", "none")


@dataclass
class Context:
    texts: list[str]  # the entries, scored one by one
    prompt: str  # what an answering model would read
    tokens: int
    future_items: int = 0  # entries sourced at or after the question time (must be 0)


class System(Protocol):
    name: str

    def ingest(self, session: Session) -> None: ...

    def contexts(self, question: Question, budgets: Sequence[int]) -> dict[int, Context]: ...

    def close(self) -> None: ...


@dataclass
class _Chunk:
    date: datetime
    text: str
    tokens: int


@dataclass
class _TurnSystem(ABC):
    """Keeps the user's exchanges as (user message + reply) chunks; subclasses rank them."""

    name: str
    chunks: list[_Chunk] = field(default_factory=list)

    def ingest(self, session: Session) -> None:
        conv = session.conversation
        day = session.date.date().isoformat()
        i = 0
        while i < len(conv):
            pair = conv[i : i + 2] if conv[i]["role"] == "user" else conv[i : i + 1]
            text = f"[{day}] " + " / ".join(f"{m['role']}: {m['content']}" for m in pair)
            self.chunks.append(_Chunk(session.date, text, count_tokens(text) + 1))
            i += len(pair)

    @abstractmethod
    def contexts(self, question: Question, budgets: Sequence[int]) -> dict[int, Context]:
        """The context shown for ``question`` at each budget."""

    def close(self) -> None:
        self.chunks.clear()


class _RankedTurns(_TurnSystem):
    """Packs the best-ranked chunks into each budget; subclasses rank."""

    @abstractmethod
    def order(self, question: Question) -> list[int]:
        """Chunk indices, best first, for ``question``."""

    def contexts(self, question: Question, budgets: Sequence[int]) -> dict[int, Context]:
        ranked = self.order(question)
        out = {}
        for budget in budgets:
            picked, used = [], 0
            for i in ranked:
                if used + self.chunks[i].tokens <= budget:
                    picked.append(i)
                    used += self.chunks[i].tokens
            picked.sort()  # shown in time order, as a prompt would
            out[budget] = _render([self.chunks[i] for i in picked], question.date)
        return out


def _render(chunks: Sequence[_Chunk], when: datetime) -> Context:
    prompt = "\n".join(c.text for c in chunks)
    return Context([c.text for c in chunks], prompt, count_tokens(prompt) if prompt else 0,
                   sum(c.date >= when for c in chunks))


class _BM25Turns(_RankedTurns):
    def order(self, question: Question) -> list[int]:
        ids = [str(i) for i in range(len(self.chunks))]
        scores = BM25Cache.score_once(ids, [c.text for c in self.chunks], question.question)
        return sorted((int(i) for i in scores), key=lambda i: (-scores[str(i)], -i))


class _Recency(_RankedTurns):
    def order(self, question: Question) -> list[int]:
        return list(range(len(self.chunks) - 1, -1, -1))


class _FullHistory(_TurnSystem):
    def contexts(self, question: Question, budgets: Sequence[int]) -> dict[int, Context]:
        ctx = _render(self.chunks, question.date)
        return dict.fromkeys(budgets, ctx)


class _NoMemory(_TurnSystem):
    def contexts(self, question: Question, budgets: Sequence[int]) -> dict[int, Context]:
        return dict.fromkeys(budgets, Context([], "No memory found.", 0))


class _DenseTurns(_RankedTurns):
    def __init__(self, name: str, embedder: Embedder) -> None:
        super().__init__(name)
        self.embedder = embedder
        self.vectors: list[np.ndarray] = []

    def ingest(self, session: Session) -> None:
        before = len(self.chunks)
        super().ingest(session)
        new = self.chunks[before:]
        if new:
            self.vectors.extend(self.embedder.embed([c.text for c in new]))

    def order(self, question: Question) -> list[int]:
        if not self.chunks:
            return []
        q = self.embedder.embed([question.question])[0]
        sims = np.stack(self.vectors) @ q
        return [int(i) for i in np.argsort(-sims, kind="stable")]


class MemagentSystem:
    """memagent through its public API. ``as_of=True`` asks at the question time instead of replaying up to it."""

    name = "memagent"

    def __init__(self, memory: Memory, user_id: str, *, as_of: bool = False) -> None:
        self.memory = memory
        self.user_id = user_id
        self.as_of = as_of
        self._empty = True

    def ingest(self, session: Session) -> None:
        messages = [m for m in session.conversation if m.get("role") in ("user", "assistant")]
        self.memory.add_messages(self.user_id, messages, session_id=f"{session.task_id}@{session.date_text}",
                                 timestamp=session.date)
        self._empty = self._empty and not messages

    def contexts(self, question: Question, budgets: Sequence[int]) -> dict[int, Context]:
        out = {}
        for budget in budgets:
            if self._empty:  # recall of a user nobody has written for raises NotFoundError
                out[budget] = Context([], "", 0)
                continue
            recall = self.memory.recall(self.user_id, question.question, budget_tokens=budget, touch=False,
                                        as_of=question.date if self.as_of else None)
            prompt = recall.to_prompt()
            future = sum(e.item.valid_from >= question.date for e in recall.entries)
            out[budget] = Context(recall.texts(), prompt, count_tokens(prompt) if recall.entries else 0, future)
        return out

    def close(self) -> None:
        self.memory.close()


def make_system(name: str, user_id: str, embedder: Embedder, *, as_of: bool = False) -> System:
    """A fresh system for one user.

    Raises:
        ConfigError: unknown system name.
    """
    if name.startswith("memagent"):
        options = {"memagent": {}, "memagent_no_turns": {"recall_config": RecallConfig(turns=False)},
                   "memagent_heuristic": {"extractor": HeuristicExtractor()}}
        if name not in options:
            msg = f"unknown system {name!r}; choose from {', '.join(SYSTEMS)}"
            raise ConfigError(msg)
        memory = Memory.open(":memory:", embedder=embedder, **options[name])
        system = MemagentSystem(memory, user_id, as_of=as_of)
        system.name = name
        return system
    simple = {"bm25_turns": _BM25Turns, "recency": _Recency, "full_history": _FullHistory, "none": _NoMemory}
    if name in simple:
        return simple[name](name)
    if name == "dense_turns":
        return _DenseTurns(name, embedder)
    msg = f"unknown system {name!r}; choose from {', '.join(SYSTEMS)}"
    raise ConfigError(msg)
