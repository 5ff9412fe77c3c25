"""``Memory``: the per-user event-linked memory graph a chatbot embeds.

    mem = Memory.open("~/.memagent/app.db")              # SQLite + exact vector index beside it
    mem.add("u1", "I'm vegetarian now", session_id="s1")  # event -> extraction -> insert/merge/supersede/forget
    mem.recall("u1", "dinner ideas", budget_tokens=800).to_prompt()
    mem.forget("u1", query="vegetarian"); mem.delete_user("u1")

Dependencies (store, vector index, embedder, optional LLM) are passed in; ``Memory.open`` builds the embedded
defaults. Every method takes the user id first and never reads or returns another user's data.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from memagent._text import MAX_ID_CHARS, check_text, check_user_id
from memagent.embeddings import CachedEmbedder, Embedder, default_embedder
from memagent.embeddings.cache import QueryVectors
from memagent.errors import ConfigError, IndexMismatchError, InvalidInputError, NotFoundError
from memagent.graph.behind import WriteBehind
from memagent.graph.candidates import Candidate
from memagent.graph.decay import ConsolidationReport, DecayPolicy, consolidate
from memagent.graph.decide import RuleDecider, containment
from memagent.graph.forget import Forgetter
from memagent.graph.heuristic import HeuristicExtractor
from memagent.graph.llm_planner import LLMPlanner
from memagent.graph.values import VALUE_NAMESPACE, embed_items, index_items
from memagent.graph.views import Explanation, build_graph, explain, export_user, import_user
from memagent.graph.writer import MemoryWriter
from memagent.instructions.policy import DefaultInstructionPolicy, InstructionPolicy
from memagent.llm.base import ChatModel
from memagent.retrieval.hybrid import HybridRanker, RecallConfig, Scored
from memagent.retrieval.packer import fit, pack
from memagent.retrieval.sessions import SessionBoost
from memagent.retrieval.topics import TopicAffinity
from memagent.retrieval.turns import TURN_NAMESPACE, TurnSearch, is_turn
from memagent.store.base import Store
from memagent.store.index import VectorIndex, check_embedder_identity, key_owner, namespace_key
from memagent.types import (
    Event,
    EventKind,
    HistoryEntry,
    MemoryItem,
    MemoryKind,
    Op,
    Recall,
    Role,
    WriteResult,
    as_utc,
    utcnow,
)

__all__ = ["Memory"]

DEFAULT_BUDGET_TOKENS = 800


class Memory:
    """Long-term memory for many users, backed by a store (system of record) and a vector index.

    Args:
        store: the system of record (``SQLiteStore`` or ``PostgresStore``).
        index: a vector index (``ExactIndex`` or ``ChromaIndex``); rebuilt from the store when out of sync.
        embedder: embeds memory texts and queries; its name is recorded in the index.
        llm: optional chat model; when given, each write is planned with one structured call.
        recall_config: weights and limits of the read path.
        decay: the consolidation policy.
        extractor / decider: the offline write path (used when ``llm`` is None).
        instruction_policy: what may become a standing instruction (default
            :class:`~memagent.instructions.policy.DefaultInstructionPolicy`: the user's own requests only, never
            text that tries to override the system, reveal prompts or change the assistant's role).
        reconcile: bring the index in line with the store on open (heals crashes between commit and index).
        reindex: when the index was built by another embedder, re-embed everything with this one instead of
            raising (memory items, and plugin vectors keyed by event or item ids, such as CIPHER contexts).
        write_behind: ``add`` and ``add_messages`` return once the events are durably queued; a background
            thread writes them in batches (see :mod:`memagent.graph.behind`). Reads of a user write that user's
            queued events first. Events queued when a process died are written by the next open, either way.

    Raises:
        IndexMismatchError: the index was built with another embedder (and ``reindex`` is False).
        StoreError: the store or index cannot be opened.
    """

    def __init__(
        self,
        store: Store,
        index: VectorIndex,
        embedder: Embedder,
        *,
        llm: ChatModel | None = None,
        recall_config: RecallConfig | None = None,
        decay: DecayPolicy | None = None,
        extractor: HeuristicExtractor | None = None,
        decider: RuleDecider | None = None,
        instruction_policy: InstructionPolicy | None = None,
        reconcile: bool = True,
        reindex: bool = False,
        write_behind: bool = False,
    ) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder)
        self.llm = llm
        self.decay = decay or DecayPolicy()
        self.instruction_policy = instruction_policy if instruction_policy is not None else DefaultInstructionPolicy()
        bind = getattr(index, "bind", None)
        if bind is not None:  # a shared index (one chroma server, several stores) keeps each store apart
            bind(store.store_id())
        try:
            check_embedder_identity(index, self.embedder.name, self.embedder.dim)
        except IndexMismatchError:
            if not reindex:
                raise
            index.set_embedder_identity({"name": self.embedder.name, "dim": self.embedder.dim})
            reindex_needed = True
        else:
            reindex_needed = False
        self.ranker = HybridRanker(store, index, recall_config, topics=TopicAffinity(self.embedder))
        # Index key suffixes of extra vectors: preferences' value phrases, plugins' (e.g. CIPHER contexts).
        self.namespaces: set[str] = {VALUE_NAMESPACE, TURN_NAMESPACE}
        self.turns = TurnSearch(store, index, self.embedder, self.ranker)
        # Plugins that keep vectors of their own re-create them from stored data after an import.
        self._reindexers: dict[str, Callable[[str], int]] = {}
        # Request vectors are cached apart from memory texts (they say what the user asked): see QueryVectors.
        self.queries = QueryVectors(self.embedder.inner)
        self.forgetter = Forgetter(store, index, caches=[self.embedder, self.queries, self.ranker.bm25,
                                                         self.ranker.snapshots], namespaces=self.namespaces)
        self.writer = MemoryWriter(
            store, index, self.embedder, self.forgetter, extractor=extractor, decider=decider,
            planner=LLMPlanner(llm) if llm is not None else None, policy=self.instruction_policy,
        )
        # What the writer kept of recent turns and the extractor derived from them (DialogueExtractor's topic
        # memo) goes with the texts too.
        self._text_caches: list[Any] = [self.embedder, self.writer] + (
            [self.writer.extractor] if hasattr(self.writer.extractor, "evict") else [])
        self.forgetter.caches += self._text_caches[1:]
        self._user_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        if reindex_needed:
            self.rebuild_index()
        elif reconcile:
            self.reconcile()
        self.behind: WriteBehind | None = None
        queued = getattr(self.store, "pending_users", None)  # the write-behind queue (SQLite stores keep one)
        for uid in queued() if queued is not None else []:  # acknowledged by a memory that stopped before writing
            self._write_queued(uid)
        if write_behind:
            if queued is None:
                msg = f"write_behind needs a store with a write queue (SQLiteStore), not {type(store).__name__}"
                raise ConfigError(msg)
            self.behind = WriteBehind(store, lambda uid, events: self._add(uid, events, queued=True))

    # -- construction -----------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path = ":memory:",
        *,
        embedder: Embedder | None = None,
        llm: ChatModel | None = None,
        index: VectorIndex | None = None,
        vector: str | None = None,
        store_options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Memory:
        """Open (or create) a memory: a ``.db`` file, a directory, ``":memory:"``, ``"sqlite:///app.db"``, or a
        shared ``"postgresql://user:pass@host/db"`` (see :mod:`memagent.store.backends`).

        With SQLite the exact vector index lives beside the database (``<path>.vectors``) unless ``index`` is
        given (e.g. ``ChromaIndex.persistent(dir)``) or ``vector="chroma://host:port"`` names a chroma server.
        PostgreSQL needs ``vector="chroma://host:port"`` (or an ``index``), and does not reconcile on open
        (run :meth:`reconcile` from one maintenance process). ``store_options`` go to the store's constructor
        (``timeout`` for SQLite; ``scrub`` for PostgreSQL).

        Raises:
            ConfigError: ``path`` or ``vector`` is unusable. StoreError / IndexMismatchError: as for ``Memory``.
            MissingDependencyError: psycopg is missing for a PostgreSQL URL.
        """
        from memagent.store.backends import open_backend

        # "is None", not "or": an empty CachedEmbedder has len() 0 and would be silently replaced.
        embedder = embedder if embedder is not None else default_embedder()
        backend = open_backend(path, dim=embedder.dim, vector=vector, index=index,
                               store_options=dict(store_options or {}))
        return cls(backend.store, backend.index, embedder, llm=llm, **{**backend.defaults, **kwargs})

    def close(self) -> None:
        if self.behind is not None:
            self.behind.close()  # writes what is still queued
        self.index.close()
        self.store.close()

    def flush(self) -> None:
        """Write every queued event now (a write-behind memory writes them in the background anyway)."""
        queued = getattr(self.store, "pending_users", None)
        for uid in queued() if queued is not None else []:
            self._write_queued(uid)

    def _write_queued(self, user_id: str) -> None:
        if self.behind is not None:
            self.behind.settle(user_id)
            return
        while events := self.store.pending(user_id, limit=64):  # type: ignore[attr-defined]
            self._add(user_id, events, queued=True)

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lock(self, user_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._user_locks.setdefault(user_id, threading.Lock())

    def _known(self, user_id: str) -> str:
        uid = check_user_id(user_id)
        if self.behind is not None:  # read your own writes
            self.behind.settle(uid)
        self.store.require_user(uid)
        return uid

    # -- writing ----------------------------------------------------------------------------------------
    def add(
        self,
        user_id: str,
        message: str | Event,
        *,
        role: Role = "user",
        timestamp: datetime | None = None,
        session_id: str | None = None,
        kind: EventKind = EventKind.TURN,
        metadata: Mapping[str, Any] | None = None,
        event_id: str | None = None,
    ) -> WriteResult:
        """Record one event for ``user_id`` and update the memory graph from it.

        Returns the stored event and the ops applied (insert / merge / supersede / forget). ``event_id`` is
        the client's id for the event: a retried request with the same id writes nothing and returns the
        first write's result, on every app server (an ``Event`` passed in is keyed by its own ``id``).

        Raises:
            InvalidInputError: empty, oversized or invalid-unicode text; a bad user id; an Event of another user.
            LLMOutputError: the LLM's write plan was invalid (nothing is written).
            LLMError: the LLM call failed (nothing is written).
            StoreError: the database failed (nothing is written), or the vector index failed after the write
                committed (``error.committed`` is True; ``Memory.reconcile()`` or reopening re-indexes).
        """
        uid = check_user_id(user_id)
        event = self._event(uid, message, role=role, timestamp=timestamp, session_id=session_id, kind=kind,
                            metadata=metadata, event_id=event_id)
        if self.behind is not None:
            self.behind.submit([event])
            return WriteResult(event=event, pending=True)
        return self._add(uid, [event])[0]

    def _event(self, uid: str, message: str | Event, *, role: Role = "user", timestamp: datetime | None = None,
               session_id: str | None = None, kind: EventKind = EventKind.TURN,
               metadata: Mapping[str, Any] | None = None, event_id: str | None = None) -> Event:
        """The validated event for ``message``. Raises InvalidInputError."""
        if isinstance(message, Event):
            if message.user_id != uid:
                msg = f"event belongs to user {message.user_id!r}, not {uid!r}"
                raise InvalidInputError(msg)
            check_text(message.text, field="event.text")
            event = message
        else:
            text, when = check_text(message, field="message"), _check_time(timestamp, "timestamp")
            given_id = {"id": check_text(event_id, field="event_id", max_chars=MAX_ID_CHARS)} if event_id is not None else {}
            try:
                event = Event(user_id=uid, text=text, role=role, kind=kind, timestamp=when or utcnow(),
                              session_id=session_id, metadata=dict(metadata or {}), **given_id)
                if event.metadata:  # must be JSON (stored as such); an empty dict is
                    json.dumps(event.metadata)
            except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
                msg = f"invalid event for user {uid!r}: {exc}"
                raise InvalidInputError(msg) from exc
        return event

    def _add(self, uid: str, events: Sequence[Event], *, queued: bool = False) -> list[WriteResult]:
        """Write events in order (one embedding call for all their texts and turns, a few transactions, each
        followed by one index write of its memories and turns: ``MemoryWriter.write_batch``).

        ``queued``: the events were read from the write-behind queue before this thread held the user's lock;
        only those still queued are written (another thread may have written them meanwhile, or deleted the
        user: writing them again would bring a deleted user's text back).
        """
        with self._lock(uid):
            if queued:
                still = {e.id for e in self.store.pending(uid, limit=len(events))}  # type: ignore[attr-defined]
                events = [e for e in events if e.id in still]
                if not events:
                    return []
            results: list[WriteResult] | None = None
            with self.ranker.snapshots.writing(uid):
                try:
                    # Each chunk's turn vectors go to the index with its memories' (one index write), unless the chunk
                    # forgot something: turns were redacted, and the user's turn vectors are re-checked below instead.
                    turn_texts = self.turns.texts_to_embed(uid, [e for e in events if is_turn(e)])
                    results = self.writer.write_batch(
                        events, queued=queued, turn_texts=list(turn_texts.values()),
                        extra=lambda done: [] if _forgot(done) else self.turns.entries(
                            uid, [r.event for r in done], known=self.writer.batch_vectors(uid),
                            restated=self.writer.restated_vectors(uid), texts=turn_texts))
                finally:  # a failure after the commit (the index) must not leave a stale snapshot
                    if results is not None and not _forgot(results):
                        self.ranker.changed(uid)  # nothing removed: the next read patches the snapshot
                    else:
                        self.ranker.invalidate(uid)
            # Not reached when a write failed: turns committed before it are indexed by reconcile (next open).
            assert results is not None
            if _forgot(results):
                self.turns.reconcile(uid)
        return results

    def add_messages(
        self,
        user_id: str,
        messages: Sequence[Mapping[str, str]],
        *,
        session_id: str | None = None,
        timestamp: datetime | None = None,
    ) -> list[WriteResult]:
        """Add a conversation (``[{"role": "user"|"assistant", "content": ...}, ...]``), one event per message.

        The result is what adding the messages one by one gives, but the texts to embed are embedded in one call.

        Raises: as :meth:`add`; an invalid message raises before any of them is written.
        """
        parsed = []
        if isinstance(messages, str | bytes):
            msg = "messages must be a list of {'role': ..., 'content': ...} mappings, not a string"
            raise InvalidInputError(msg)
        for n, m in enumerate(messages):
            if not isinstance(m, Mapping):
                msg = f"messages[{n}] must be a mapping with 'role' and 'content', got {type(m).__name__}"
                raise InvalidInputError(msg)
            role, content = m.get("role"), m.get("content")
            if role not in ("user", "assistant", "system"):
                msg = f"messages[{n}] has role {role!r}; expected user, assistant or system"
                raise InvalidInputError(msg)
            parsed.append((role, check_text(content, field=f"messages[{n}].content")))
        uid = check_user_id(user_id)
        events = [self._event(uid, c, role=r, session_id=session_id, timestamp=timestamp) for r, c in parsed]  # type: ignore[arg-type]
        if self.behind is not None:
            self.behind.submit(events)
            return [WriteResult(event=e, pending=True) for e in events]
        return self._add(uid, events)  # one embedding call for the whole conversation

    def write(self, event: Event, candidates: Sequence[Candidate]) -> WriteResult:
        """Record ``event`` with candidates a plugin extracted itself (CIPHER edits, standing instructions);
        ops are decided by the rules inside each candidate's bucket, as for heuristic writes.

        Raises: as :meth:`add`.
        """
        uid = check_user_id(event.user_id)
        check_text(event.text, field="event.text")
        if self.behind is not None:  # after the user's queued events, in order
            self.behind.settle(uid)
        with self._lock(uid):
            try:
                result = self.writer.write(event, candidates=candidates)
            finally:
                self.ranker.invalidate(uid)
        return result

    def add_instruction(self, user_id: str, text: str, *, timestamp: datetime | None = None,
                        session_id: str | None = None) -> WriteResult:
        """Store a standing instruction ("when I book flights, always economy with Delta") with its parsed
        structure (domains, condition and action slots). A newer instruction on the same slot supersedes.

        Raises: as :meth:`add`; InvalidInputError also for text ``instruction_policy`` refuses (an attempt to
        override the system, reveal prompts or change the assistant's role).
        """
        from memagent.instructions import add_instruction

        return add_instruction(self, user_id, text, timestamp=timestamp, session_id=session_id)

    # -- reading ----------------------------------------------------------------------------------------
    def recall(
        self,
        user_id: str,
        query: str,
        *,
        budget_tokens: int = DEFAULT_BUDGET_TOKENS,
        kinds: Iterable[MemoryKind | str] | None = None,
        as_of: datetime | None = None,
        touch: bool = True,
    ) -> Recall:
        """What memory should contribute to ``query``, packed into ``budget_tokens``.

        Current memories only, unless ``as_of`` asks what was true at that time (superseded items included
        when they were valid then). Standing instructions come first, then preferences, facts, episodes.

        Raises:
            NotFoundError: unknown user. InvalidInputError: empty/invalid query. ConfigError: budget < 64.
        """
        uid = self._known(user_id)
        check_text(query, field="query")
        if not isinstance(budget_tokens, int) or budget_tokens < 64:
            msg = f"budget_tokens must be an int of at least 64 (got {budget_tokens!r})"
            raise ConfigError(msg)
        kind_set = _check_kinds(kinds)
        as_of = _check_time(as_of, "as_of")
        cfg = self.ranker.config
        ranked = self.ranked(uid, query, kinds=kind_set, as_of=as_of)
        snap = None if as_of else self.ranker.snapshot(uid)  # a past state is never cached
        chosen, used, dropped = pack(ranked, budget_tokens, cfg.priority_gate, cfg.min_score,
                                     profile_share=cfg.profile_share, compact_share=cfg.compact_share,
                                     profile_kinds=cfg.profile_kinds,
                                     profile_strength=cfg.profile_strength, turn_share=cfg.turn_share,
                                     line_tokens=snap.line_tokens if snap else None,
                                     lines=snap.lines if snap else None)
        recall = fit(Recall(user_id=uid, query=query, budget_tokens=budget_tokens, used_tokens=used,
                            as_of=as_of, entries=chosen, dropped=dropped), lines=snap.lines if snap else None)
        touched = [e.item.id for e in recall.entries if e.item.kind != MemoryKind.TURN]
        if touch and touched and as_of is None:
            self.store.touch_items(uid, touched, utcnow())
        return recall

    def ranked(self, uid: str, query: str, *, kinds: set[MemoryKind] | None = None,
               as_of: datetime | None = None) -> list[Scored]:
        """Every candidate :meth:`recall` packs for ``query`` (memories, then turns, session relevance added),
        for a known user and checked arguments; tools that explain a recall (``benchmarks.perma.misses``) read it."""
        qvec = self.queries.get(uid, query)
        cfg = self.ranker.config
        item_kinds = None if kinds is None else kinds - {MemoryKind.TURN}
        snap = None if as_of else self.ranker.snapshot(uid)  # a past state is never cached
        hits = self.turns.search(uid, qvec) if cfg.turns else None
        boost = SessionBoost(hits, self.turns.events_by_id(uid), cfg.session_top) \
            if hits and snap is not None and cfg.w_session > 0 else None
        extra = boost.members(self.store, uid, snap) if boost is not None and snap is not None else ()
        ranked = self.ranker.rank(uid, query, qvec, kinds=item_kinds, as_of=as_of, extra=extra) \
            if item_kinds != set() else []
        if cfg.turns and (kinds is None or MemoryKind.TURN in kinds):
            ranked += self.turns.rank(uid, query, qvec, as_of=as_of, beside=ranked, hits=hits)
        if boost is not None:
            ranked = boost.apply(ranked, cfg.w_session)
        return ranked

    def get(self, user_id: str, item_id: str) -> MemoryItem:
        """Raises NotFoundError for an unknown user or an item that is not this user's."""
        return self.store.get_item(self._known(user_id), item_id)

    def items(self, user_id: str, *, kinds: Iterable[MemoryKind | str] | None = None,
              include_inactive: bool = False) -> list[MemoryItem]:
        """The user's memories (current only unless ``include_inactive``). Raises NotFoundError."""
        uid = self._known(user_id)
        kind_set = _check_kinds(kinds)
        return self.store.items(uid, statuses=None if include_inactive else ("current",),
                                kinds=[k.value for k in kind_set] if kind_set is not None else None)

    def profile(self, user_id: str) -> list[MemoryItem]:
        """The compact current profile: standing instructions and preferences. Raises NotFoundError."""
        return self.items(user_id, kinds=[MemoryKind.INSTRUCTION, MemoryKind.PREFERENCE])

    def events(self, user_id: str, *, session_id: str | None = None) -> list[Event]:
        return self.store.events(self._known(user_id), session_id=session_id)

    def history(self, user_id: str, item_id: str | None = None) -> list[HistoryEntry]:
        """The op log (forgotten items keep their op rows, without text), or one item's.

        Raises: NotFoundError for an unknown user, or an item id that is not this user's (as ``get`` does).
        """
        uid = self._known(user_id)
        rows = self.store.history(uid, item_id=item_id)
        if item_id is not None and not rows:  # a forgotten item keeps its rows; no rows and no item: not ours
            self.store.get_item(uid, item_id)
        return rows

    def explain(self, user_id: str, item_id: str) -> Explanation:
        """The item, the events that support it, what it superseded and what superseded it. Raises NotFoundError."""
        return explain(self.store, self._known(user_id), item_id)

    def graph(self, user_id: str) -> Any:
        """The user's events and memories as a networkx ``MultiDiGraph``. Raises NotFoundError."""
        return build_graph(self.store, self._known(user_id))

    def users(self) -> list[str]:
        return self.store.users()

    def has_user(self, user_id: str) -> bool:
        return self.store.user_exists(user_id)

    # -- forgetting -------------------------------------------------------------------------------------
    def forget(self, user_id: str, item_id: str | None = None, *, query: str | None = None,
               min_match: float = 0.6) -> list[str]:
        """Remove memories for good: by id, or every memory (current or past version) matching ``query``.

        The text goes from the items, the history (op rows stay, without text), the source events, the vector
        index and caches; the database pages are zeroed and the journal checkpointed. Older versions the
        item superseded go too. Returns the ids removed.

        Raises:
            NotFoundError: unknown user or item. ConfigError: neither or both of item_id and query.
        """
        uid = self._known(user_id)
        if (item_id is None) == (query is None):
            msg = "forget() needs exactly one of item_id or query"
            raise ConfigError(msg)
        if not isinstance(min_match, int | float) or not 0 < min_match <= 1:
            msg = f"min_match must be a number in (0, 1] (got {min_match!r}); 0 would match every memory"
            raise ConfigError(msg)
        q = check_text(query, field="query") if query is not None else ""
        with self._lock(uid):  # targets are chosen under the lock: a concurrent forget may have taken some
            if item_id is not None:
                self.store.get_item(uid, item_id)
                targets = [item_id]
            else:
                qvec = self.embedder.embed([q])[0]
                candidates = self.store.items(uid, statuses=None)  # past versions hold the text too
                vecs = self.index.vectors(uid, [i.id for i in candidates])
                targets = [i.id for i in candidates
                           if max(float(vecs[i.id] @ qvec) if i.id in vecs else 0.0, containment(q, i.text)) >= min_match]
                self.embedder.evict([q])
            if not targets:
                return []
            try:
                gone = self.forgetter.purge(uid, targets)
                self.forgetter.after_commit(uid, gone)
            finally:
                self.ranker.drop(uid)
            self.turns.reconcile(uid)  # turns that quoted a forgotten value were redacted: drop their vectors
        return [i.id for i in gone.items]

    def redact_events(self, user_id: str, event_ids: Iterable[str]) -> int:
        """Blank the text of events (the records stay, marked redacted); memories derived from them are kept.
        Use :meth:`forget` to remove memories. Returns how many events were redacted.

        Raises: NotFoundError for an unknown user or an event that is not this user's.
        """
        uid = self._known(user_id)
        ids = list(event_ids)
        with self._lock(uid):
            texts = [self.store.get_event(uid, ev).text for ev in ids]
            with self.store.transaction():
                for ev in ids:
                    self.store.redact_event(uid, ev)
            self._evict(texts)
            self.queries.invalidate(uid)
            self.ranker.drop(uid)
            self.store.scrub()
            self.turns.reconcile(uid)
        return len(ids)

    def delete_user(self, user_id: str) -> None:
        """Remove everything about a user: rows, history, vectors, caches; the files are vacuumed.

        Raises: NotFoundError for an unknown user.
        """
        uid = self._known(user_id)
        with self._lock(uid):
            texts = [i.text for i in self.store.items(uid, statuses=None)] + [e.text for e in self.store.events(uid)]
            self.store.delete_user(uid)
            self.store.scrub(vacuum=True)  # before the index: a crash after this leaves no text (see forget)
            self.index.delete_user(uid)
            for ns in self.namespaces:
                self.index.delete_user(namespace_key(uid, ns))
            self._evict(texts)
            self.queries.invalidate(uid)
            self.ranker.drop(uid)
            self.turns.drop(uid)

    def _evict(self, texts: Sequence[str]) -> None:
        """Drop what any cache derived from ``texts`` (embeddings, extraction memos)."""
        for cache in self._text_caches:
            cache.evict(texts)

    def consolidate(self, user_id: str, *, now: datetime | None = None) -> ConsolidationReport:
        """Fold duplicates and decay unimportant, unused memories (see :mod:`memagent.graph.decay`)."""
        uid = self._known(user_id)
        with self._lock(uid):
            report = consolidate(self.store, uid, self.decay, now=_check_time(now, "now"))
            self.ranker.invalidate(uid)
        return report

    # -- export / import --------------------------------------------------------------------------------
    def export(self, user_id: str) -> dict[str, Any]:
        """Everything stored for a user as JSON-ready data. Raises NotFoundError."""
        return export_user(self.store, self._known(user_id))

    def import_(self, data: Mapping[str, Any], *, user_id: str | None = None) -> str:
        """Load an :meth:`export` (optionally as another user id); returns the user id.

        Raises: InvalidInputError (not an export), StoreError (the user already has data).
        """
        data = dict(data) if isinstance(data, Mapping) else data
        uid, items = import_user(self.store, data, user_id=check_user_id(user_id) if user_id else None)
        self._index_items(uid, items)
        self.turns.reconcile(uid)
        for rebuild in self._reindexers.values():
            rebuild(uid)
        self.ranker.invalidate(uid)
        return uid

    def register_reindexer(self, namespace: str, rebuild: Callable[[str], int]) -> None:
        """Let a plugin that keeps vectors under ``namespace`` re-create a user's from stored data after
        :meth:`import_` (an export holds texts, not vectors). ``rebuild(user_id)`` returns vectors written."""
        self.namespaces.add(namespace)
        self._reindexers[namespace] = rebuild

    # -- index maintenance ------------------------------------------------------------------------------
    def reconcile(self) -> dict[str, int]:
        """Make the vector index match the store: embed items it lacks, drop vectors of deleted items.

        Runs on open, so a crash between a commit and the index update heals itself. Returns counts.
        """
        store_users = set(self.store.users())
        embedded = removed = 0
        for key in self.index.users():
            owner, ns = key_owner(key)
            if ns is None and key not in store_users and key.endswith("::cipher") and key[:-8] in store_users:
                owner, ns = key[:-8], "cipher"  # written before namespace_key existed: move it
                vecs = self.index.vectors(key, sorted(self.index.ids(key)))
                self.index.add(namespace_key(owner, ns), list(vecs), np.stack(list(vecs.values())))
                self.index.delete_user(key)
            if owner not in store_users:
                removed += len(self.index.ids(key))
                self.index.delete_user(key)
            elif ns is not None:
                self.namespaces.add(ns)  # so forget and delete_user reach it before the plugin is loaded
        for uid in store_users:
            stored, have = self.store.item_ids(uid), self.index.ids(uid)
            missing = self.store.items(uid, statuses=None, ids=stored - have) if stored - have else []
            if missing:
                self._index_items(uid, missing)
                embedded += len(missing)
            if have - stored:
                self.index.delete(uid, have - stored)
                removed += len(have - stored)
            added, dropped = self.turns.reconcile(uid)
            embedded, removed = embedded + added, removed + dropped
        if removed:  # a forget or delete_user was interrupted after its commit: finish its scrub
            self.store.scrub()
            scrub = getattr(self.index, "scrub", None)
            if scrub is not None:
                scrub()
        return {"embedded": embedded, "removed": removed}

    def rebuild_index(self) -> int:
        """Re-embed every item of every user, and plugin vectors keyed by event or item ids (CIPHER contexts
        are the edit events' texts), with this memory's embedder. Returns the number of vectors written."""
        count = 0
        users = set(self.store.users())
        for key in self.index.users():
            owner, ns = key_owner(key)
            if ns in (None, VALUE_NAMESPACE, TURN_NAMESPACE) or owner not in users:
                continue  # the users' own vectors, value phrases and turns are rebuilt below
            ids = sorted(self.index.ids(key))
            texts = self._texts_for(owner, ids)
            self.index.delete_user(key)
            if texts:
                self.index.add(key, list(texts), self.embedder.embed(list(texts.values())))
                count += len(texts)
        for uid in users:
            items = self.store.items(uid, statuses=None)
            self.index.delete_user(uid)
            self.index.delete_user(namespace_key(uid, VALUE_NAMESPACE))
            self.index.delete_user(namespace_key(uid, TURN_NAMESPACE))
            count += self._index_items(uid, items) + self.turns.reconcile(uid)[0]
        return count

    def _index_items(self, user_id: str, items: Sequence[MemoryItem]) -> int:
        """Embed items (and the value phrases of preferences) in one call and index them; returns vectors added."""
        return index_items(self.index, user_id, embed_items(self.embedder, items))

    def _texts_for(self, user_id: str, ids: Sequence[str]) -> dict[str, str]:
        """Texts behind plugin vector ids: an event's text or an item's text (ids that are neither are dropped)."""
        out: dict[str, str] = {}
        items = {i.id: i.text for i in self.store.items(user_id, statuses=None, ids=ids)}
        for key in ids:
            if key in items:
                out[key] = items[key]
            else:
                try:
                    text = self.store.get_event(user_id, key).text
                except NotFoundError:
                    continue
                if text:
                    out[key] = text
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with this memory's embedder (cached); plugins use it to stay in the same vector space."""
        return self.embedder.embed(texts)

    def require_user(self, user_id: str) -> str:
        """Return the validated id of an existing user. Raises NotFoundError / InvalidInputError."""
        return self._known(user_id)


def _forgot(results: Sequence[WriteResult]) -> bool:
    """Whether writing these results forgot or redacted anything (so turn vectors may have to go)."""
    return any(r.event.metadata.get("redacted") or r.by_op(Op.FORGET) for r in results)


def _check_time(value: object, field: str) -> datetime | None:
    """``value`` in UTC (naive = UTC), or None. Raises InvalidInputError for anything but a datetime."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        msg = f"{field} must be a datetime, got {type(value).__name__}"
        raise InvalidInputError(msg, field=field)
    return as_utc(value)


def _check_kinds(kinds: Iterable[MemoryKind | str] | MemoryKind | str | None) -> set[MemoryKind] | None:
    """The memory kinds asked for (one kind may be given alone). Raises InvalidInputError for unknown kinds."""
    if kinds is None:
        return None
    try:
        return {MemoryKind(kinds)} if isinstance(kinds, str) else {MemoryKind(k) for k in kinds}
    except (ValueError, TypeError) as exc:
        msg = f"kinds must be among {', '.join(k.value for k in MemoryKind)}; got {kinds!r}"
        raise InvalidInputError(msg, field="kinds") from exc
