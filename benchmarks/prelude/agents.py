"""The compared agents: no learning, oracle preference, ICL-edit-k, CIPHER-k (memagent's ``Cipher``).

Each agent writes with a chat model (the offline writer or an LLM) from PRELUDE's verbatim prompts, so every
method pays for its prompts in the same currency. CIPHER keeps its state in a ``memagent.Memory``: inferred
preferences are memories, context vectors live in the memory's index.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from benchmarks.prelude.documents import LATENT_PREFERENCES, Document
from benchmarks.prelude.user import Feedback
from memagent.embeddings.base import Embedder
from memagent.llm.base import ChatModel, Message
from memagent.llm.tokens import count_tokens
from memagent.preferences import Cipher
from memagent.prompts.cipher import aggregation_messages, icl_edit_prompt, inference_messages, task_prompt

__all__ = ["Agent", "CipherAgent", "Draft", "ICLEditAgent", "NoLearningAgent", "OracleAgent"]


@dataclass(frozen=True)
class Draft:
    text: str
    preference: str | None = None  # the preference text the draft was conditioned on


class Agent(ABC):
    """Writes a draft for a document, then sees the user's feedback."""

    name: str = "agent"

    def __init__(self, task: str, writer: ChatModel) -> None:
        self.task = task
        self.writer = writer

    @abstractmethod
    def draft(self, doc: Document) -> Draft: ...

    def learn(self, doc: Document, draft: Draft, feedback: Feedback) -> None:  # noqa: B027 - optional hook
        """Default: learn nothing."""

    def learner_usage(self) -> dict[str, int]:
        """LLM calls and tokens spent on learning (inference, aggregation), apart from writing."""
        return {"calls": 0, "total_tokens": 0}


class NoLearningAgent(Agent):
    name = "no-learning"

    def draft(self, doc: Document) -> Draft:
        return Draft(self.writer.complete(task_prompt(self.task, doc.text)))


class OracleAgent(Agent):
    """Conditioned on the true latent preference of the document's source."""

    name = "oracle"

    def draft(self, doc: Document) -> Draft:
        pref = LATENT_PREFERENCES[self.task][doc.source]
        return Draft(self.writer.complete(task_prompt(self.task, doc.text, pref)), pref)


class ICLEditAgent(Agent):
    """Retrieves the k most similar past contexts and shows their (draft, edit) pairs as examples.

    Every round is stored, accepted ones too (their edit equals the draft), as in PRELUDE.
    """

    def __init__(self, task: str, writer: ChatModel, embedder: Embedder, k: int = 5) -> None:
        super().__init__(task, writer)
        self.embedder = embedder
        self.k = k
        self.name = f"icl-edit-{k}"
        self._vecs: list[np.ndarray] = []
        self._pairs: list[tuple[str, str]] = []

    def draft(self, doc: Document) -> Draft:
        if not self._pairs:
            return Draft(self.writer.complete(task_prompt(self.task, doc.text)))
        q = self.embedder.embed([doc.text])[0]
        sims = np.stack(self._vecs) @ q
        top = np.argsort(-sims, kind="stable")[: self.k]
        return Draft(self.writer.complete(icl_edit_prompt(self.task, doc.text, [self._pairs[i] for i in top])))

    def learn(self, doc: Document, draft: Draft, feedback: Feedback) -> None:
        self._vecs.append(self.embedder.embed([doc.text])[0])
        self._pairs.append((draft.text, feedback.edited))


class CipherAgent(Agent):
    """CIPHER-k through memagent: infer (retrieve + aggregate), write conditioned on it, learn from the edit.

    ``source_known=True`` is a diagnostic, not a method: each document source gets its own memory user, so
    retrieval only ever sees contexts of the right source (an oracle retriever). Comparing it with plain
    CIPHER splits the gap to the oracle into retrieval errors and inference/aggregation errors.
    """

    def __init__(self, task: str, writer: ChatModel, cipher: Cipher, *, k: int, user_id: str = "prelude-user",
                 source_known: bool = False) -> None:
        super().__init__(task, writer)
        self.cipher = cipher
        self.k = k
        self.user_id = user_id
        self.source_known = source_known
        self.name = f"cipher-{k}" + ("-source-known" if source_known else "")
        self._est_calls = self._est_tokens = 0

    def _user(self, doc: Document) -> str:
        return f"{self.user_id}::{doc.source}" if self.source_known else self.user_id

    def draft(self, doc: Document) -> Draft:
        inferred = self.cipher.infer(self._user(doc), doc.text, k=self.k)
        if inferred.method == "heuristic":  # an LLM would have aggregated these
            msgs = aggregation_messages(self.task, [e.preference for e in inferred.evidence])
            self._estimate(msgs, inferred.preference or "")
        pref = inferred.preference
        return Draft(self.writer.complete(task_prompt(self.task, doc.text, pref)), pref)

    def learn(self, doc: Document, draft: Draft, feedback: Feedback) -> None:
        learned = self.cipher.learn(self._user(doc), doc.text, draft.text, feedback.edited, used=draft.preference)
        if learned.edited and self.cipher.llm is None:  # an LLM would have inferred this
            self._estimate(inference_messages(self.task, [(draft.text, feedback.edited)]), learned.preference or "")

    def _estimate(self, messages: list[Message], reply: str) -> None:
        """Offline, count the tokens the same calls would cost with an LLM (prompt + the reply we produced)."""
        self._est_calls += 1
        self._est_tokens += sum(count_tokens(m["content"]) + 4 for m in messages) + count_tokens(reply)

    def learner_usage(self) -> dict[str, int]:
        if self.cipher.llm is None:
            return {"calls": 0, "total_tokens": 0, "estimated_calls": self._est_calls,
                    "estimated_tokens": self._est_tokens}
        u = self.cipher.llm.usage
        return {"calls": u.calls, "total_tokens": u.total_tokens}
