"""The write path: record an event, extract candidates, decide ops in small buckets, commit atomically.

1. Candidates come from one LLM call (``LLMPlanner``) or from the heuristic extractor plus ``RuleDecider``.
2. Every decision is made inside a bucket: the candidate's nearest current items plus same-subject items.
3. Event, items, edges and history rows commit in one SQLite transaction; if anything fails (an invalid LLM
   plan included) nothing is written. The vector index is updated after the commit; a crash in between is
   repaired by ``Memory``'s reconcile-on-open.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from memagent._lexical import STOPWORDS
from memagent.embeddings.base import Embedder
from memagent.errors import StoreError
from memagent.graph.batch import (
    IndexEntries,
    Prediction,
    Unindexed,
    add_vectors,
    predict,
    probe_text,
    restated_turns,
    write_chunks,
)
from memagent.graph.candidates import Candidate, Decision
from memagent.graph.decide import Bucket, RuleDecider, replaced_by
from memagent.graph.dialogue import DialogueExtractor
from memagent.graph.forget import Forgetter, Forgotten
from memagent.graph.heuristic import HeuristicExtractor
from memagent.graph.llm_planner import LLMPlanner
from memagent.graph.unnamed import names_exclusive, reaches
from memagent.graph.values import ItemVectors, embed_items, embed_known, index_items
from memagent.store.base import Store
from memagent.store.index import VectorIndex
from memagent.types import (
    AppliedOp,
    Edge,
    EdgeType,
    Event,
    EventKind,
    MemoryItem,
    MemoryKind,
    Op,
    WriteResult,
)

if TYPE_CHECKING:
    from memagent.instructions.policy import InstructionPolicy

__all__ = ["MemoryWriter"]

BUCKET_K = 8
_RECENT_USERS = 1024  # users whose sessions' last events are kept between batches
_RECENT_SESSIONS_PER_USER = 8
# An index's score and the bucket's own dot product of the same vectors may differ in the last float bits.
_SIM_SLACK = 1e-3
_CONTEXT_EVENTS = 4
_ATTEMPTS = 3  # a plan another process outdated before it was committed is made again, this many times at most


class _Outdated(Exception):
    """Another connection changed the user's memories between planning and committing."""


class _Replayed(Exception):
    """Another connection committed this very event (a retried request) between the check and the commit."""


class MemoryWriter:
    def __init__(
        self,
        store: Store,
        index: VectorIndex,
        embedder: Embedder,
        forgetter: Forgetter,
        *,
        extractor: HeuristicExtractor | None = None,
        decider: RuleDecider | None = None,
        planner: LLMPlanner | None = None,
        policy: InstructionPolicy | None = None,
    ) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self.forgetter = forgetter
        self.extractor = extractor or DialogueExtractor()
        self.decider = decider or RuleDecider(embedder=embedder)  # its embedder tells names apart (decide.py)
        self.planner = planner
        self.policy = policy  # what may become a standing instruction; None stores every instruction candidate
        self._unindexed: dict[str, Unindexed] = {}  # per user: items a batch wrote that are not indexed yet
        # user -> session -> (data_version, event_epoch, last events); least recently written user first
        self._recent: OrderedDict[str, dict[str | None, tuple[object, int, list[Event]]]] = OrderedDict()
        self._recent_lock = threading.Lock()
        # per user, while write_batch runs: the vectors it embedded up front, by text (see _embed)
        self._batch_vectors: dict[str, dict[str, np.ndarray]] = {}
        # ... and the vectors of its turns that a candidate restates, by event id (see restated_vectors)
        self._restated: dict[str, dict[str, np.ndarray]] = {}

    # -- buckets ----------------------------------------------------------------------------------------
    def bucket(self, user_id: str, vector: np.ndarray, cand: Candidate | None = None, k: int = BUCKET_K) -> Bucket:
        """The candidate's nearest current items, plus same-subject items (and food likes for a diet change).

        When the decider says no rule of its reads an item less similar than some floor
        (``RuleDecider.min_similarity``), the nearest items below it are not read at all; the bucket is then the
        one the decider would have acted on, minus items it would have ignored (same order)."""
        found = self.index.search(user_id, vector, k * 3)
        unindexed = self._unindexed.get(user_id)
        if unindexed is not None and unindexed.ids:  # written earlier in this batch: in the index after its commit
            found = sorted(found + unindexed.search(vector, k * 3), key=lambda h: -h[1])[: k * 3]
        hits = dict(found)
        extra: list[MemoryItem] = []
        if cand is not None and cand.subject:
            extra += self.store.items(user_id, subject=cand.subject)
        floor = getattr(self.decider, "min_similarity", None)
        floor = floor(cand) if floor is not None and cand is not None else None
        # A same-subject item among the hits but below the floor would sit among the nearest ones, not after
        # them: keep every hit then, so the bucket's order stays the one the rules were written against.
        if floor is not None and not any(hits.get(i.id, floor) < floor for i in extra):
            hits = {i: sim for i, sim in hits.items() if sim >= floor - _SIM_SLACK}
        current_ids = getattr(self.store, "current_ids", None)
        if current_ids is not None:  # SQLite: build only the k nearest current items, not every hit
            nearest = sorted(current_ids(user_id, hits), key=lambda i: -hits[i])[:k] if hits else []
            ranked = sorted(self.store.items(user_id, ids=nearest), key=lambda i: -hits[i.id])
        else:
            items = {i.id: i for i in self.store.items(user_id, ids=list(hits))}
            ranked = sorted((i for i in items.values() if i.is_current), key=lambda i: -hits[i.id])[:k]
        if cand is not None and cand.subject == "diet":
            extra += [i for i in self.store.items(user_id, kinds=[MemoryKind.PREFERENCE.value]) if i.domain == "food"][:40]
        if cand is not None and (cand.metadata.get("replaces") or cand.metadata.get("replaces_slot")):
            # A change that names the old value (or slot) must reach it even when it is not among the nearest.
            extra += [i for i in self.store.items(user_id) if replaced_by(cand, i, same_domain=False)]
        elif cand is not None and names_exclusive(cand):
            # ... and so must a change whose value's kind says what it replaces (a diet, a time, an amount).
            extra += [i for i in self.store.items(user_id) if reaches(cand, i)]
        seen = {i.id for i in ranked}
        ranked += [i for i in extra if i.id not in seen and not seen.add(i.id)]  # type: ignore[func-returns-value]
        vecs = self.index.vectors(user_id, [i.id for i in ranked])
        if unindexed is not None:
            vecs.update(unindexed.vectors([i.id for i in ranked if i.id not in vecs]))
        return [(i, float(vecs[i.id] @ vector) if i.id in vecs else hits.get(i.id, 0.0)) for i in ranked]

    # -- planning ---------------------------------------------------------------------------------------
    def plan(self, event: Event, context: Sequence[Event]) -> list[Decision]:
        """Decide the ops for one event without writing anything."""
        if self.planner is not None and event.role == "user":
            vec = self.embedder.embed([event.text])[0]
            bucket = [i for i, _ in self.bucket(event.user_id, vec, k=BUCKET_K * 2)]
            return self.planner.plan(event, context, bucket)
        return self.decide(event.user_id, self.extractor.extract(event, context))

    def decide(self, user_id: str, candidates: Sequence[Candidate]) -> list[Decision]:
        """Rule-based decisions for given candidates, each inside its own bucket."""
        if not candidates:
            return []
        vectors = self._embed(user_id, [probe_text(c) for c in candidates])
        decisions = []
        claimed: set[str] = set()
        for cand, vec in zip(candidates, vectors, strict=True):
            d = self.decider.decide(cand, self.bucket(user_id, vec, cand))
            d.target_ids = [t for t in d.target_ids if t not in claimed]
            if d.op in (Op.MERGE, Op.SUPERSEDE, Op.FORGET) and not d.target_ids:
                d = Decision(Op.INSERT if d.op == Op.SUPERSEDE else Op.NOOP, cand, reason=d.reason)
            if d.op in (Op.SUPERSEDE, Op.FORGET):
                claimed.update(d.target_ids)
            decisions.append(d)
            # what a replaced memory said besides the old value stays current, as a memory of its own
            decisions += [Decision(Op.INSERT, kept, reason="kept from a replaced memory") for kept in d.kept
                          if d.op == Op.SUPERSEDE and kept.metadata.get("kept_from") in d.target_ids]
        return decisions

    # -- batches --------------------------------------------------------------------------------------
    def write_batch(self, events: Sequence[Event], *, extra: Callable[[list[WriteResult]], IndexEntries] | None = None,
                    queued: bool = True, turn_texts: Sequence[str] = ()) -> list[WriteResult]:
        """Write a conversation's events (all of one user) in order, with one embedding call for all of them.

        The result is what writing them one at a time gives (see :mod:`memagent.graph.batch`): each event is
        extracted up front against the context it will have, every text the writes embed (candidates, value
        phrases, the user turns an LLM plans, the turns themselves) is embedded in one batch, and with the rules
        the events are decided and committed in a few transactions, each followed by one index write.
        ``extra(results)`` gives more vectors to index with them (``Memory`` passes the turns'), and ``turn_texts`` what
        it will embed for them, embedded in the same call; ``queued=False`` says the events were never in the
        write-behind queue (nothing to take out of it).
        """
        if not events:
            return []
        version = self.store.data_version()  # before the contexts are read: see batch.write_chunks
        predicted, after = predict(self, events, self._context_events(), _CONTEXT_EVENTS, version)
        by_rules = self.planner is None or not any(e.role == "user" for e in events)
        # The events' own texts too: Memory indexes each conversation turn's vector once they are written; a turn a
        # candidate restates is indexed with the candidate's vector (batch.restated_turns), not embedded again.
        restated = restated_turns(events, predicted) if by_rules else {}
        said = {e.text for e in events if e.id in restated}
        texts = [t for p in predicted for t in p.texts] + [t for t in [*(e.text for e in events if e.text),
                                                                       *turn_texts] if t not in said]
        vectors = self.embedder.embed(texts)
        if by_rules:
            user_id = events[0].user_id
            known = self._batch_vectors[user_id] = dict(zip(texts, vectors, strict=True))
            self._restated[user_id] = {i: known[t] for i, t in restated.items()}
            try:
                return write_chunks(self, events, predicted, version, extra, queued=queued, after=after)
            finally:
                self._batch_vectors.pop(user_id, None)
                self._restated.pop(user_id, None)
        # An LLM plans user turns: one event per transaction, each planned outside the write lock.
        self._forget_recent(events[0].user_id)
        results = [self.write(event, predicted=(p.context, p.candidates)) for event, p in zip(events, predicted,
                                                                                            strict=True)]
        if extra is not None:
            try:
                add_vectors(self.index, extra(results))
            except StoreError as exc:
                msg = f"{exc} (the writes themselves were committed; Memory.reconcile() or the next open indexes them)"
                raise StoreError(msg, committed=True, event_id=results[-1].event.id) from exc
        return results

    def _embed(self, user_id: str, texts: Sequence[str]) -> np.ndarray:
        """``embedder.embed(texts)``, from the vectors write_batch embedded up front when it has them all: each is
        the embedder's own vector of that very text (from the same call), and a batch then costs one embedding
        call, not three (the candidates' buckets and the new items look theirs up again)."""
        return embed_known(self.embedder, texts, self._batch_vectors.get(user_id))

    def batch_vectors(self, user_id: str) -> dict[str, np.ndarray] | None:
        """While ``write_batch`` writes the user's events: the vectors it embedded up front, by text (the embedder's
        own vectors of those very texts); None otherwise."""
        return self._batch_vectors.get(user_id)

    def restated_vectors(self, user_id: str) -> dict[str, np.ndarray]:
        """While write_batch runs (its ``extra``): event id -> the vector its turn is indexed with, for the turns a
        candidate restates (the candidate's vector, embedded up front instead of the turn's own)."""
        return self._restated.get(user_id, {})

    def _context_events(self) -> int:
        return int(getattr(self.extractor, "context_events", _CONTEXT_EVENTS))  # extractors may read more of it

    def _context(self, event: Event) -> list[Event]:
        """The earlier events an extractor reads for ``event``: the last few of its session (or of the user)."""
        if event.session_id:
            return self.store.events(event.user_id, session_id=event.session_id, last=self._context_events())
        return self.store.events(event.user_id, last=_CONTEXT_EVENTS)

    # -- the sessions' recent events, between batches -----------------------------------------------------
    # A chatbot writes a session one exchange at a time; each batch would read the session's last events back
    # (and validate them) although the previous batch just wrote them. Kept here instead, valid while no
    # other connection committed (store.data_version) and no event changed through the store object since
    # (store.event_epoch: this writer's own writes, another writer's, redactions, delete_user). The texts go
    # with every forget, redaction and delete_user too (evict), as cached embeddings do.
    def _recent_context(self, event: Event, version: object) -> list[Event]:
        with self._recent_lock:
            got = self._recent.get(event.user_id, {}).get(event.session_id)
        epoch = getattr(self.store, "event_epoch", None)
        if got is not None and epoch is not None and got[0] == version and got[1] == epoch:
            return list(got[2])
        return self._context(event)

    def _remember_context(self, user_id: str, session_id: str | None, version: object,
                          events: Sequence[Event], written: Sequence[Event]) -> None:
        """Keep the session's last ``events`` (what its next batch will find); of them, only those in ``written``
        (the batch just written) are new: the others came from ``_recent_context``, already as stored (kept last
        time, or read from the store). write_chunks drops the user's kept events before it writes, so they
        cannot be looked up here: without ``written`` every event would be converted again, ~12 per write."""
        epoch = getattr(self.store, "event_epoch", None)
        if epoch is None or version is None:
            return
        n = self._context_events() if session_id else _CONTEXT_EVENTS
        new = {id(e) for e in written}
        # As the store gives them back: timestamps through the stored float, so comparisons come out the same.
        kept = []
        for e in events[-n:]:
            if id(e) not in new:
                kept.append(e)
                continue
            stored = datetime.fromtimestamp(e.timestamp.timestamp(), UTC)
            kept.append(e if stored == e.timestamp else e.model_copy(update={"timestamp": stored}))
        with self._recent_lock:
            sessions = self._recent.setdefault(user_id, {})
            sessions.pop(session_id, None)
            sessions[session_id] = (version, epoch, kept)
            while len(sessions) > _RECENT_SESSIONS_PER_USER:  # the user's least recently written session
                sessions.pop(next(iter(sessions)))
            self._recent.move_to_end(user_id)
            while len(self._recent) > _RECENT_USERS:
                self._recent.popitem(last=False)

    def _forget_recent(self, user_id: str) -> None:
        with self._recent_lock:
            self._recent.pop(user_id, None)

    def evict(self, texts: Sequence[str]) -> None:
        """A forget, redaction or delete_user: drop every session's kept events (they may hold the text)."""
        with self._recent_lock:
            self._recent.clear()
        for known in [*self._batch_vectors.values(), *self._restated.values()]:  # this batch forgot: embed afresh
            known.clear()

    def _candidates(self, event: Event, guess: Prediction) -> list[Candidate]:
        """The event's candidates against its stored context: the predicted ones when that context is the one
        they were extracted against, else extracted again."""
        context = self._context(event)
        if guess.candidates is not None and guess.context == [(e.id, e.text) for e in context]:
            return guess.candidates
        return self.extractor.extract(event, context)

    # -- applying ---------------------------------------------------------------------------------------
    def write(self, event: Event, decisions: Sequence[Decision] | None = None, *,
              candidates: Sequence[Candidate] | None = None,
              predicted: tuple[list[tuple[str, str]], list[Candidate] | None] | None = None) -> WriteResult:
        """Record ``event`` and apply its decisions in one transaction: the given ones, the rules' decisions for
        the given ``candidates``, or a plan made here. In-process writers of one user are serialised by
        ``Memory``; a plan that another process outdated (it changed this user's memories after the bucket was
        read) is made again, the last time under the user's lock, so two writers never both supersede the same
        value and leave two current ones.

        Idempotent by event id: an event the user already has (a retried request with the same client event
        id) writes nothing and returns what the first write applied (see :meth:`replay`).
        """
        if self.store.event_exists(event.user_id, event.id):
            self._take_pending(event.id)  # a queued event another connection already wrote
            return self.replay(event.user_id, event.id)
        attempt = 1
        while True:
            try:
                return self._write(event, decisions, candidates, check=decisions is None and attempt < _ATTEMPTS,
                                   plan_locked=decisions is None and attempt >= _ATTEMPTS,
                                   predicted=predicted if attempt == 1 else None)
            except _Outdated:
                attempt += 1
            except _Replayed:  # a retry of this event committed on another connection meanwhile
                self._take_pending(event.id)
                return self.replay(event.user_id, event.id)

    def replay(self, user_id: str, event_id: str) -> WriteResult:
        """The stored event and the ops its write applied, read back from the op history."""
        event = self.store.get_event(user_id, event_id)
        ops = []
        for h in self.store.history(user_id):
            if h.event_id != event_id or h.item_id is None or "superseded_by" in h.detail:
                continue  # another event's, or the closing of an older version (part of its supersede op)
            targets = h.detail.get("targets") or []
            ops.append(AppliedOp(op=h.op, item_id=None if h.op == Op.FORGET else h.item_id,
                                 target_id=h.item_id if h.op in (Op.MERGE, Op.FORGET) else (targets[0] if targets else None),
                                 text=h.text, reason=str(h.detail.get("reason", "replayed"))))
        return WriteResult(event=event, ops=ops)

    def _plan(self, event: Event, decisions: Sequence[Decision] | None, candidates: Sequence[Candidate] | None,
              predicted: tuple[list[tuple[str, str]], list[Candidate] | None] | None = None,
              ) -> tuple[Sequence[Decision], ItemVectors, list[AppliedOp]]:
        user_id = event.user_id
        context = self._context(event)
        if (decisions is None and candidates is None and predicted is not None and predicted[1] is not None
                and predicted[0] == [(e.id, e.text) for e in context]):
            candidates = predicted[1]  # extracted by write_batch against this very context
        if decisions is None:
            decisions = self.decide(user_id, candidates) if candidates is not None else self.plan(event, context)
        return self._screened(event, decisions)

    def _decide_new(self, event: Event, candidates: Sequence[Candidate]
                    ) -> tuple[Sequence[Decision], ItemVectors, list[AppliedOp]]:
        return self._screened(event, self.decide(event.user_id, candidates))

    def _screened(self, event: Event, decisions: Sequence[Decision]
                  ) -> tuple[Sequence[Decision], ItemVectors, list[AppliedOp]]:
        decisions, refused = self.screen(event, decisions)
        new_items = [self._new_item(event, d.candidate) for d in decisions
                     if d.op in (Op.INSERT, Op.SUPERSEDE) and d.candidate is not None]
        return decisions, embed_items(self.embedder, new_items, known=self._batch_vectors.get(event.user_id)), refused

    def _write(self, event: Event, decisions: Sequence[Decision] | None, candidates: Sequence[Candidate] | None,
               *, check: bool, plan_locked: bool = False,
               predicted: tuple[list[tuple[str, str]], list[Candidate] | None] | None = None) -> WriteResult:
        user_id = event.user_id
        version = self.store.op_version(user_id)
        if not plan_locked:
            decisions, pending, refused = self._plan(event, decisions, candidates, predicted)
        with self.store.transaction():
            self.store.lock_user(user_id)  # other processes' writers of this user wait until this commits
            if plan_locked:
                decisions, pending, refused = self._plan(event, decisions, candidates)
            elif check and self.store.op_version(user_id) != version:
                raise _Outdated
            self.store.ensure_user(user_id)  # inside the transaction: a failed write leaves no empty user behind
            if self.store.event_exists(user_id, event.id):
                raise _Replayed
            self._take_pending(event.id)  # written now: no longer queued (see graph/behind.py)
            applied, forgotten, redact_request = self._apply(event, decisions, pending,
                                                             self.store.last_event_id(user_id))
        try:
            if pending.items:
                try:
                    index_items(self.index, user_id, pending)
                except StoreError as exc:
                    msg = (f"{exc} (the write itself was committed as event {event.id}; its memories reach dense "
                           "search after Memory.reconcile() or the next open)")
                    raise StoreError(msg, committed=True, event_id=event.id) from exc
        finally:  # committed: forgotten text must leave the caches and the journal even if the index failed
            if forgotten.texts:
                self.forgetter.after_commit(user_id, forgotten)
        if redact_request:
            event = event.model_copy(update={"text": "", "metadata": {"redacted": True}})
        return WriteResult(event=event, ops=applied + refused)  # refusals last: ops[0] stays the first memory

    def _apply(self, event: Event, decisions: Sequence[Decision], pending: ItemVectors, previous: str | None
               ) -> tuple[list[AppliedOp], Forgotten, bool]:
        """Inside the caller's transaction: insert the event (after ``previous``, the user's last event) and apply
        its decisions. Returns the ops applied, what a forget removed, and whether the event itself was redacted
        (a forget request repeats what is being forgotten)."""
        user_id = event.user_id
        applied: list[AppliedOp] = []
        forgotten = Forgotten()
        redact_request = False
        self.store.insert_event(event)
        if previous:
            self.store.insert_edge(Edge(user_id=user_id, src=event.id, dst=previous, type=EdgeType.FOLLOWS))
        it = iter(pending.items)
        for d in decisions:
            if d.op in (Op.INSERT, Op.SUPERSEDE) and d.candidate is not None:
                applied.append(self._apply_new(event, d, next(it)))
            elif d.op == Op.MERGE:
                applied.append(self._apply_merge(event, d))
            elif d.op == Op.FORGET:
                forgotten += self.forgetter.purge(user_id, d.target_ids, event_id=event.id)
                if d.candidate is not None:
                    forgotten.texts += [d.candidate.text, d.candidate.value or d.candidate.text]
                applied += [AppliedOp(op=Op.FORGET, target_id=t, reason=d.reason) for t in d.target_ids]
                redact_request = True
            elif d.candidate is not None and d.candidate.action == "forget":  # matched no memory: the request
                # still says what is to be forgotten, and so do turns quoting a name it gives ("forget everything
                # about Zorblat"); a generic phrase ("the thing") is not searched for, it would blank unrelated turns
                value = d.candidate.value or d.candidate.text
                named = any(w[:1].isupper() and w.lower() not in STOPWORDS
                            for w in (t.strip(".,;:!?\"'()") for t in value.split()))
                for ev in self.store.events_mentioning(user_id, value) if named else []:
                    forgotten.texts.append(self.store.get_event(user_id, ev).text)
                    self.store.redact_event(user_id, ev)
                forgotten.texts += [d.candidate.text, value]
                redact_request = True
        if redact_request:
            forgotten.texts.append(event.text)
            self.store.redact_event(user_id, event.id)
        return applied, forgotten, redact_request

    def _take_pending(self, event_id: str) -> None:
        """Drop the event's row from the write-behind queue, in a store that keeps one (SQLite)."""
        take = getattr(self.store, "take_pending", None)
        if take is not None:
            take(event_id)

    def screen(self, event: Event, decisions: Sequence[Decision]) -> tuple[list[Decision], list[AppliedOp]]:
        """Drop the instructions the policy refuses (whoever proposed them: the rules, an LLM plan, a plugin);
        each becomes a ``noop`` op saying why. Forgetting an instruction is never refused."""
        if self.policy is None:
            return list(decisions), []
        kept, refused = [], []
        for d in decisions:
            cand = d.candidate
            if (cand is not None and cand.kind == MemoryKind.INSTRUCTION and cand.action != "forget"
                    and d.op in (Op.INSERT, Op.SUPERSEDE, Op.MERGE)):
                verdict = self.policy.review(cand.text, event)
                if not verdict.allowed:
                    refused.append(AppliedOp(op=Op.NOOP, kind=MemoryKind.INSTRUCTION,
                                             reason=f"not a standing instruction: {verdict.reason}"))
                    continue
            kept.append(d)
        return kept, refused

    def _new_item(self, event: Event, cand: Candidate) -> MemoryItem:
        metadata = {**cand.metadata, **({"temporary": True} if cand.temporary else {})}
        if cand.kind == MemoryKind.INSTRUCTION:  # who said it and when, rendered beside it in every prompt
            metadata["provenance"] = {"said_by": event.role, "on": event.timestamp.date().isoformat(),
                                      "event_id": event.id, "via": event.kind.value}
        return MemoryItem(
            user_id=event.user_id,
            kind=cand.kind,
            text=cand.text,
            subject=cand.subject,
            value=cand.value,
            domain=cand.domain,
            polarity=cand.polarity,
            importance=cand.importance,
            valid_from=event.timestamp,
            source_event_ids=[event.id],
            metadata=metadata,
        )

    def _apply_new(self, event: Event, d: Decision, item: MemoryItem) -> AppliedOp:
        user_id = event.user_id
        if d.candidate is not None and d.candidate.action == "retract" and d.op == Op.INSERT:
            item = item.model_copy(update={"importance": min(item.importance, 0.5)})
        if event.kind == EventKind.EDIT:
            item.metadata = {**item.metadata, "source": "edit"}
        self.store.insert_item(item)
        self.store.insert_edge(Edge(user_id=user_id, src=item.id, dst=event.id, type=EdgeType.DERIVED_FROM))
        self.store.add_history(user_id, d.op, item_id=item.id, event_id=event.id, text=item.text,
                               detail={"reason": d.reason, "targets": d.target_ids}, at=event.timestamp)
        if d.op == Op.SUPERSEDE:
            newer = []
            for old_id in d.target_ids:
                old = self.store.get_item(user_id, old_id)
                if old.valid_from > event.timestamp:  # this event is older (backfilled): the stored value wins
                    newer.append(old)
                    continue
                self.store.update_item(user_id, old_id, status="superseded", valid_to=event.timestamp,
                                       superseded_by=item.id)
                self.store.insert_edge(Edge(user_id=user_id, src=item.id, dst=old_id, type=EdgeType.SUPERSEDES))
                self.store.add_history(user_id, Op.SUPERSEDE, item_id=old_id, event_id=event.id,
                                       detail={"superseded_by": item.id}, at=event.timestamp)
            if newer:  # the new item is a past value: valid until the first newer statement, which supersedes it
                successor = min(newer, key=lambda i: i.valid_from)
                self.store.update_item(user_id, item.id, status="superseded", valid_to=successor.valid_from,
                                       superseded_by=successor.id)
                self.store.insert_edge(Edge(user_id=user_id, src=successor.id, dst=item.id, type=EdgeType.SUPERSEDES))
                self.store.add_history(user_id, Op.SUPERSEDE, item_id=item.id, event_id=event.id,
                                       detail={"superseded_by": successor.id, "reason": "older than the stored value"},
                                       at=event.timestamp)
                self._split_predecessors(event, item, successor)
        elif item.subject:
            subject_ids = getattr(self.store, "current_subject_ids", None)  # SQL stores: ids without the items
            others = (subject_ids(user_id, item.subject) if subject_ids is not None
                      else [i.id for i in self.store.items(user_id, subject=item.subject)])
            for other in others:
                if other != item.id:
                    self.store.insert_edge(Edge(user_id=user_id, src=item.id, dst=other, type=EdgeType.RELATES_TO))
        return AppliedOp(op=d.op, item_id=item.id, target_id=d.target_ids[0] if d.target_ids else None,
                         kind=item.kind, text=item.text, reason=d.reason)

    def _split_predecessors(self, event: Event, item: MemoryItem, successor: MemoryItem) -> None:
        """A backfilled value lands inside the validity of the value ``successor`` replaced: that value now ends
        where the backfilled one starts, so every date keeps exactly one value (A -> C becomes A -> B -> C)."""
        user_id = event.user_id
        for prev in self.store.items(user_id, statuses=("superseded",)):
            if (prev.superseded_by != successor.id or prev.id == item.id or prev.valid_from > event.timestamp
                    or (prev.valid_to is not None and prev.valid_to <= event.timestamp)):
                continue
            self.store.update_item(user_id, prev.id, valid_to=event.timestamp, superseded_by=item.id)
            self.store.insert_edge(Edge(user_id=user_id, src=item.id, dst=prev.id, type=EdgeType.SUPERSEDES))
            self.store.add_history(user_id, Op.SUPERSEDE, item_id=prev.id, event_id=event.id,
                                   detail={"superseded_by": item.id, "reason": "a backfilled value came between"},
                                   at=event.timestamp)

    def _apply_merge(self, event: Event, d: Decision) -> AppliedOp:
        user_id, target = event.user_id, d.target_ids[0]
        old = self.store.get_item(user_id, target)
        self.store.update_item(
            user_id, target,
            evidence_count=old.evidence_count + 1,
            confidence=min(1.0, old.confidence + 0.1),
            importance=max(old.importance, d.candidate.importance if d.candidate else 0.0),
        )
        self.store.link_item_event(user_id, target, event.id)
        self.store.insert_edge(Edge(user_id=user_id, src=event.id, dst=target, type=EdgeType.MERGED_INTO))
        self.store.add_history(user_id, Op.MERGE, item_id=target, event_id=event.id,
                               detail={"reason": d.reason, "evidence_count": old.evidence_count + 1}, at=event.timestamp)
        return AppliedOp(op=Op.MERGE, item_id=target, target_id=target, kind=old.kind, text=old.text, reason=d.reason)

