"""The PRELUDE loop: per round, the agent drafts, the user accepts or edits, the cost is counted, the agent learns.

``run_task`` plays every method over the same document sequence per seed and returns plain data (costs per
round, acceptance, preference accuracy, LLM usage, time) that ``report.py`` turns into tables and plots.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.common import progress
from benchmarks.prelude.agents import Agent, CipherAgent, ICLEditAgent, NoLearningAgent, OracleAgent
from benchmarks.prelude.documents import LATENT_PREFERENCES, Document, sample_rounds
from benchmarks.prelude.user import User
from memagent.embeddings.base import Embedder
from memagent.errors import ConfigError
from memagent.llm.base import ChatModel
from memagent.memory import Memory
from memagent.preferences import Cipher, edit_distance

__all__ = ["METHODS", "RETRIEVING", "MethodRun", "PreferenceClassifier", "Setup", "make_agent", "run_task"]

METHODS = ("no-learning", "oracle", "icl-edit-5", "cipher-1", "cipher-5")
RETRIEVING = ("icl-edit-", "cipher-")  # methods whose results depend on the context encoder


class PreferenceClassifier:
    """Which latent preference of the task a preference text is closest to (cosine of embeddings)."""

    def __init__(self, task: str, embedder: Embedder) -> None:
        self.sources = list(LATENT_PREFERENCES[task])
        self.embedder = embedder
        self._vecs = embedder.embed([LATENT_PREFERENCES[task][s] for s in self.sources])

    def classify(self, preference: str | None) -> str | None:
        if not preference:
            return None
        return self.sources[int(np.argmax(self._vecs @ self.embedder.embed([preference])[0]))]


@dataclass
class Setup:
    """What a run needs besides the method: how to build writers and learners, the user, the encoders."""

    task: str
    user: User
    encoder: Embedder  # context encoder for retrieval (ICL-edit, CIPHER)
    new_writer: Callable[[], ChatModel]
    new_learner: Callable[[], ChatModel | None] = lambda: None
    semantic: Embedder | None = None  # memory items and preference accuracy; default: ``encoder``
    label: str = ""  # appended to the names of retrieving methods, e.g. the encoder when several are compared

    @property
    def memory_embedder(self) -> Embedder:
        return self.semantic or self.encoder


@dataclass
class MethodRun:
    method: str
    seed: int
    costs: list[int] = field(default_factory=list)
    accepted: list[bool] = field(default_factory=list)
    first_seen: list[bool] = field(default_factory=list)
    heldout: list[bool] = field(default_factory=list)  # the document was written after the rules were built
    correct: list[bool] = field(default_factory=list)  # preference used classified as the true one
    uses_preference: bool = False
    writer_usage: dict[str, int] = field(default_factory=dict)
    learner_usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    memory_items: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method, "seed": self.seed, "cumulative_cost": int(sum(self.costs)),
            "costs": self.costs, "accept_rate": float(np.mean(self.accepted)) if self.accepted else 0.0,
            "first_seen_cost": int(sum(c for c, f in zip(self.costs, self.first_seen, strict=True) if f)),
            "first_seen_rounds": int(sum(self.first_seen)),
            "heldout_cost": int(sum(c for c, h in zip(self.costs, self.heldout, strict=True) if h)),
            "heldout_rounds": int(sum(self.heldout)),
            "preference_accuracy": float(np.mean(self.correct)) if self.uses_preference else None,
            "writer_usage": self.writer_usage, "learner_usage": self.learner_usage, "seconds": round(self.seconds, 2),
            "memory_items": self.memory_items,
        }


def _k(method: str) -> int:
    tail = method.rsplit("-", 1)[1]
    if not tail.isdigit() or int(tail) < 1:
        msg = f"method {method!r} needs a positive k at the end, e.g. cipher-5"
        raise ConfigError(msg)
    return int(tail)


def make_agent(method: str, setup: Setup) -> tuple[Agent, Memory | None]:
    """Build a fresh agent (and, for CIPHER, its fresh in-memory Memory). Raises ConfigError (unknown method)."""
    writer = setup.new_writer()
    if method == "no-learning":
        return NoLearningAgent(setup.task, writer), None
    if method == "oracle":
        return OracleAgent(setup.task, writer), None
    if method.startswith("icl-edit-"):
        return ICLEditAgent(setup.task, writer, setup.encoder, k=_k(method)), None
    if method.startswith("cipher-"):
        source_known = method.endswith("-source-known")
        k = _k(method.removesuffix("-source-known"))
        memory = Memory.open(":memory:", embedder=setup.memory_embedder)
        cipher = Cipher(memory, setup.new_learner(), task=setup.task, k=k, context_embedder=setup.encoder)
        return CipherAgent(setup.task, writer, cipher, k=k, source_known=source_known), memory
    msg = (f"unknown method {method!r}; expected one of {METHODS} (any k for icl-edit-k / cipher-k; "
           "cipher-k-source-known is the oracle-retrieval diagnostic)")
    raise ConfigError(msg)


def run_method(method: str, setup: Setup, docs: Sequence[Document], seed: int, *, show_progress: bool = True) -> MethodRun:
    agent, memory = make_agent(method, setup)
    classifier = PreferenceClassifier(setup.task, setup.memory_embedder)
    labelled = setup.label and method.startswith(RETRIEVING)
    run = MethodRun(f"{method} [{setup.label}]" if labelled else method, seed)
    seen: set[str] = set()
    start = time.perf_counter()
    try:
        for doc in progress(docs, desc=f"{setup.task} {method} seed {seed}", disable=not show_progress):
            draft = agent.draft(doc)
            feedback = setup.user.respond(setup.task, doc, draft.text)
            run.costs.append(0 if feedback.accepted else edit_distance(draft.text, feedback.edited))
            run.accepted.append(feedback.accepted)
            run.first_seen.append(doc.id not in seen)
            run.heldout.append(doc.split == "heldout")
            seen.add(doc.id)
            run.correct.append(classifier.classify(draft.preference) == doc.source)
            run.uses_preference |= draft.preference is not None
            agent.learn(doc, draft, feedback)
        run.seconds = time.perf_counter() - start
        run.writer_usage = agent.writer.usage.as_dict()
        run.learner_usage = agent.learner_usage()
        if memory is not None:
            run.memory_items = sum(len(memory.items(u)) for u in memory.users())
    finally:
        if memory is not None:
            memory.close()
    return run


def run_task(setup: Setup, docs_by_source: dict[str, list[Document]], methods: Sequence[str], rounds: int,
             seeds: Sequence[int], *, show_progress: bool = True) -> list[MethodRun]:
    """Every method on the same per-seed document sequence. Raises ConfigError (bad method or rounds)."""
    runs = []
    for seed in seeds:
        docs = sample_rounds(docs_by_source, rounds, seed)
        for method in methods:
            runs.append(run_method(method, setup, docs, seed, show_progress=show_progress))
    return runs
