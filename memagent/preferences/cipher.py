"""CIPHER (Gao et al., NeurIPS 2024): learn a user's latent preference from their edits, per context.

    cipher = Cipher(memory, llm)                                 # llm=None: offline heuristic inference
    pref = cipher.infer("u1", document, k=5)                     # aggregate preferences of the 5 nearest contexts
    draft = my_llm(cipher.condition(prompt, pref.preference))
    cipher.learn("u1", document, draft, user_version, used=pref.preference)

Each learned preference is a memory (kind=preference, metadata source="edit") derived from an EDIT event that
holds the context; the context's embedding sits in the memory's vector index under
``namespace_key(user, "cipher")``, keyed by that event id, so ``Memory.forget`` of the preference and ``Memory.delete_user`` remove it too.
Equivalent preferences merge into one item (the rule decider), which then lists every edit behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from memagent._text import check_text, check_user_id
from memagent.embeddings.base import Embedder
from memagent.errors import ConfigError, NotFoundError
from memagent.graph.candidates import Candidate
from memagent.llm.base import ChatModel
from memagent.memory import Memory
from memagent.preferences.aggregate import aggregate_preferences
from memagent.preferences.edit import edit_distance
from memagent.preferences.heuristic import HeuristicInferencer
from memagent.prompts import cipher as prompts
from memagent.store.index import namespace_key
from memagent.types import Event, EventKind, MemoryItem, MemoryKind, Op, as_utc, utcnow

__all__ = ["Cipher", "Evidence", "Inferred", "Learned"]

NAMESPACE = "cipher"


@dataclass(frozen=True)
class Learned:
    """What one ``learn`` call did."""

    cost: int  # word-level edit distance between output and edit
    edited: bool
    preference: str | None  # the preference stored for this context (None: nothing stored)
    event_id: str | None = None
    item_id: str | None = None
    op: Op | None = None  # insert (a new preference) or merge (an equivalent one existed)


@dataclass(frozen=True)
class Evidence:
    """One retrieved past context: its edit event, the preference memory it backs, and the similarity."""

    event_id: str
    item_id: str
    similarity: float
    preference: str


@dataclass(frozen=True)
class Inferred:
    """The preference to condition on for a new context, and the edits it comes from."""

    preference: str | None
    evidence: list[Evidence] = field(default_factory=list)
    method: str = "none"  # "none" (no history), "nearest" (k=1 or one hit), "llm", "heuristic"

    def __bool__(self) -> bool:
        return bool(self.preference)


class Cipher:
    """Preference learning from user edits, stored in a :class:`~memagent.Memory`.

    Args:
        memory: where preferences, edit events and context vectors live.
        llm: infers (one call per edited ``learn``) and aggregates (one call per ``infer`` with k > 1 and
            several hits). None: offline heuristics (:class:`HeuristicInferencer`, ``aggregate_preferences``).
        task: prompt family, ``"summarization"``, ``"email"`` (PRELUDE's verbatim prompts) or ``"generic"``.
        k: default number of past contexts ``infer`` retrieves.
        inferencer: the offline inferencer (default thresholds otherwise).
        min_support: offline aggregation keeps phrases backed by this share of the retrieved weight.
        domain: the memory domain given to learned preferences.
        context_embedder: embeds contexts for retrieval (default: the memory's embedder). It must have the
            memory's dimension; ``MixedEmbedder(memory embedder, StyleEmbedder())`` also sees the kind of text.

    Raises:
        ConfigError: unknown task, k < 1, or a context embedder of another dimension.
    """

    def __init__(
        self,
        memory: Memory,
        llm: ChatModel | None = None,
        *,
        task: str = "generic",
        k: int = 5,
        inferencer: HeuristicInferencer | None = None,
        min_support: float = 0.5,
        domain: str = "writing",
        context_embedder: Embedder | None = None,
    ) -> None:
        prompts.task_prompts(task)
        if k < 1:
            msg = f"k must be at least 1, got {k}"
            raise ConfigError(msg)
        if context_embedder is not None and context_embedder.dim != memory.embedder.dim:
            msg = (f"context_embedder has dimension {context_embedder.dim}; the memory's index holds "
                   f"{memory.embedder.dim}-dimensional vectors")
            raise ConfigError(msg)
        self.context_embedder = context_embedder
        self.memory = memory
        self.llm = llm
        self.task = task
        self.k = k
        self.inferencer = inferencer or HeuristicInferencer()
        self.min_support = min_support
        self.domain = domain
        memory.register_reindexer(NAMESPACE, self.reindex)

    # -- learning ---------------------------------------------------------------------------------------
    def learn(
        self,
        user_id: str,
        context: str,
        output: str,
        edited: str,
        *,
        used: str | None = None,
        timestamp: datetime | None = None,
        session_id: str | None = None,
    ) -> Learned:
        """Learn from the user's reaction to ``output``, written for ``context``.

        When the user changed the text, the preference that explains the edit is inferred (one LLM call, or
        the heuristic) and stored for this context. When the user accepted it unchanged, the preference the
        output was conditioned on (``used``) is stored for this context instead, as CIPHER does; with no
        ``used`` nothing is stored.

        Raises:
            InvalidInputError: empty or invalid texts or user id.
            LLMOutputError / LLMError: the inference call failed (nothing is stored).
            StoreError: the database failed.
        """
        uid = check_user_id(user_id)
        check_text(context, field="context")
        check_text(output, field="output")
        check_text(edited, field="edited")
        cost = edit_distance(output, edited)
        changed = output.strip() != edited.strip()
        if changed:
            preference = self._infer_from_edit(context, output, edited, used)
        else:
            preference = used.strip() if used and used.strip() else None
        if not preference:
            return Learned(cost=cost, edited=changed, preference=None)
        event = Event(
            user_id=uid, kind=EventKind.EDIT, text=context, session_id=session_id,
            timestamp=as_utc(timestamp) if timestamp else utcnow(),
            metadata={"task": self.task, "output": output, "edited": edited, "cost": cost, "accepted": not changed,
                      "preference": preference},
        )
        # The bare phrase as the item text: a shared lead-in ("Prefers this style: ...") would push unrelated
        # preferences over the decider's merge threshold.
        cand = Candidate(
            kind=MemoryKind.PREFERENCE,
            text=preference,
            value=preference,
            domain=self.domain,
            polarity=1,
            importance=0.6,
            evidence=edited[:500],
            metadata={"source": "edit", "task": self.task, "inferred_by": self._method_name(changed)},
        )
        # The context vector goes in first: a crash after it leaves a vector no event backs (ignored by infer),
        # whereas one after the write would leave a stored preference that infer can never retrieve.
        key = namespace_key(uid, NAMESPACE)
        self.memory.index.add(key, [event.id], self._embed_context(context))
        try:
            result = self.memory.write(event, [cand])
        except BaseException:
            try:
                self.memory.store.get_event(uid, event.id)  # committed (the index failed after): keep the context
            except NotFoundError:
                self.memory.index.delete(key, [event.id])
            raise
        op = result.ops[0] if result.ops else None
        return Learned(cost=cost, edited=changed, preference=preference, event_id=event.id,
                       item_id=op.item_id if op else None, op=op.op if op else None)

    def reindex(self, user_id: str) -> int:
        """Embed the contexts of the user's learned edits that have no vector yet, e.g. after
        ``Memory.import_`` (an export carries the edit events, not their vectors). Returns how many.

        Raises: InvalidInputError (bad user id), NotFoundError (unknown user).
        """
        uid = check_user_id(user_id)
        self.memory.store.require_user(uid)
        key = namespace_key(uid, NAMESPACE)
        have = self.memory.index.ids(key)
        todo = [e for e in self.memory.store.events(uid)
                if e.kind == EventKind.EDIT and e.metadata.get("preference") and e.id not in have]
        if not todo:
            return 0
        texts = [e.text for e in todo]
        vecs = self.memory.embed(texts) if self.context_embedder is None else self.context_embedder.embed(texts)
        self.memory.index.add(key, [e.id for e in todo], vecs)
        return len(todo)

    def _method_name(self, changed: bool) -> str:
        if not changed:
            return "accepted"
        return "llm" if self.llm is not None else "heuristic"

    def _infer_from_edit(self, context: str, output: str, edited: str, used: str | None) -> str:
        if self.llm is not None:
            reply = self.llm.structured(prompts.inference_messages(self.task, [(output, edited)]), prompts.PreferencePhrase)
            return reply.preference.strip()
        return self.inferencer.infer(output, edited, context=context, used=used).text

    # -- inference --------------------------------------------------------------------------------------
    def infer(self, user_id: str, context: str, k: int | None = None) -> Inferred:
        """The preference to use for ``context``: from the ``k`` most similar past contexts of this user.

        A user with no learned preferences gets ``Inferred(None)`` (generate without one).

        Raises:
            InvalidInputError: empty or invalid context or user id.
            ConfigError: k < 1.
            LLMOutputError / LLMError: the aggregation call failed.
        """
        uid = check_user_id(user_id)
        check_text(context, field="context")
        k = self.k if k is None else k
        if k < 1:
            msg = f"k must be at least 1, got {k}"
            raise ConfigError(msg)
        if not self.memory.store.user_exists(uid):
            return Inferred(None)
        vec = self._embed_context(context)[0]
        evidence = []
        for event_id, sim in self.memory.index.search(namespace_key(uid, NAMESPACE), vec, k):
            item = self._preference_of(uid, event_id)
            if item is None:
                continue
            # The phrase inferred for that very context; the item may have merged several wordings.
            own = self.memory.store.get_event(uid, event_id).metadata.get("preference")
            evidence.append(Evidence(event_id, item.id, sim, own if isinstance(own, str) and own else item.value or item.text))
        if not evidence:
            return Inferred(None)
        texts = [e.preference for e in evidence]
        if len(evidence) == 1:
            return Inferred(texts[0], evidence, "nearest")
        if self.llm is not None:
            reply = self.llm.structured(prompts.aggregation_messages(self.task, texts), prompts.PreferencePhrase)
            return Inferred(reply.preference.strip(), evidence, "llm")
        text, _ = aggregate_preferences(texts, [e.similarity for e in evidence], min_support=self.min_support)
        return Inferred(text, evidence, "heuristic")

    def _embed_context(self, context: str) -> np.ndarray:
        if self.context_embedder is None:
            return self.memory.embed([context])
        return self.context_embedder.embed([context])

    def _preference_of(self, user_id: str, event_id: str) -> MemoryItem | None:
        """The current CIPHER preference an edit event backs (following supersessions)."""
        ids = self.memory.store.item_ids_for_event(user_id, event_id)
        items = self.memory.store.items(user_id, statuses=None, ids=ids) if ids else []
        for item in items:
            seen = set()
            while item.superseded_by and item.superseded_by not in seen:
                seen.add(item.superseded_by)
                item = self.memory.store.get_item(user_id, item.superseded_by)
            if item.is_current and item.kind == MemoryKind.PREFERENCE and item.metadata.get("source") == "edit":
                return item
        return None

    @staticmethod
    def condition(prompt: str, preference: str | None) -> str:
        """``prompt`` with the preference appended (unchanged when there is none)."""
        return prompts.condition(prompt, preference)
