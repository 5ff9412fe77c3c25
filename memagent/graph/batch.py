"""Writing a conversation's events in few transactions, with one embedding call and one index write per chunk.

``MemoryWriter.write_batch`` writes events exactly as writing them one by one would, but cheaper:

1. Every event is extracted up front against the context it will have once the events before it are stored
   (:func:`predict`), and every text the writes will embed (candidates, value phrases, the turns themselves) is
   embedded in one call.
2. The events are then decided and committed in chunks, each one ``BEGIN IMMEDIATE`` transaction: the plan is
   made under the write lock, so no other writer can outdate it and nothing is re-checked. A chunk closes after
   :data:`CHUNK_EVENTS` events, after :data:`CHUNK_SECONDS`, or as soon as another thread waits for the store
   (``SQLStore.waiting``: a write-behind acknowledgement, a read), so other threads sharing it wait briefly.
3. Items written in a chunk are not in the vector index until the chunk commits; later buckets of the chunk
   find them in :class:`Unindexed`. After the commit, the chunk's item, value and turn vectors go to the index
   in one write (a crash before it is healed by ``Memory.reconcile`` on open, as for a single write).

A predicted context is trusted without reading it back while nothing else could have changed it: every event
of the batch is in one session and sorts after the events before it, no other connection committed since the
contexts were read (``store.data_version``), and no event of the batch was a replay or redacted anything.
Otherwise each event's context is read from the store and the event extracted again if it differs.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from memagent._lexical import content_words
from memagent.embeddings.base import stack_rows
from memagent.errors import StoreError
from memagent.graph.candidates import Candidate
from memagent.graph.forget import Forgotten
from memagent.graph.values import VALUE_NAMESPACE, ItemVectors, has_value_vector, value_id
from memagent.store.index import VectorIndex, namespace_key
from memagent.types import Event, WriteResult

if TYPE_CHECKING:
    from memagent.graph.writer import MemoryWriter

__all__ = ["CHUNK_EVENTS", "CHUNK_SECONDS", "IndexEntries", "Prediction", "Unindexed", "add_vectors", "predict",
           "restated_turns", "restates", "write_chunks"]

CHUNK_EVENTS = 64
CHUNK_SECONDS = 0.01

# (index key, ids, vectors): what VectorIndex.add takes.
IndexEntries = list[tuple[str, list[str], np.ndarray]]


@dataclass
class Prediction:
    """What ``predict`` expects of one event's write."""

    context: list[tuple[str, str]]  # ids and texts of the context it should find
    candidates: list[Candidate] | None  # None: an LLM plans it
    texts: list[str]  # what its write embeds
    in_order: bool  # it sorts after every event of that context (so appending it keeps the order)


def predict(writer: MemoryWriter, events: Sequence[Event], last: int, last_unsessioned: int, version: object
            ) -> tuple[list[Prediction], dict[str | None, list[Event]]]:
    """Per event: the context it should find, its candidates and the texts its write will embed; and each
    session's context once all of them are written (what the next batch of the session will find)."""
    seen: dict[str | None, list[Event]] = {}
    for ev in events:
        if ev.session_id not in seen:
            seen[ev.session_id] = writer._recent_context(ev, version)
    out = []
    for event in events:
        context = seen[event.session_id][-(last if event.session_id else last_unsessioned):]
        key = [(e.id, e.text) for e in context]
        in_order = not context or event.timestamp >= max(e.timestamp for e in context)
        if writer.planner is not None and event.role == "user":
            out.append(Prediction(key, None, [event.text], in_order))
        else:
            cands = writer.extractor.extract(event, context)
            texts = [probe_text(c) for c in cands]
            texts += [c.value for c in cands if c.action != "forget" and has_value_vector(c.kind, c.text, c.value)]
            out.append(Prediction(key, cands, texts, in_order))  # type: ignore[arg-type]
        seen[event.session_id] = [*context, event]
    return out, seen


# How the extractor frames a turn it keeps whole ("User said: <the turn>"); "User's" is the turn's "my".
_FRAME = re.compile(r"^(?:User said|One-off \(temporary\)): ")
_FRAMING_WORDS = frozenset({"user'"})


def restates(turn: str, memory_text: str) -> bool:
    """Whether ``memory_text`` says the turn's words again: the same content words (stemmed, no stopwords), once
    the extractor's framing ("User said: ", "User hates" for "I hate", "User's" for "my") is set aside."""
    said = set(content_words(turn)) - _FRAMING_WORDS
    return bool(said) and said == set(content_words(_FRAME.sub("", memory_text))) - _FRAMING_WORDS


def restated_turns(events: Sequence[Event], predicted: Sequence[Prediction]) -> dict[str, str]:
    """Event id -> the probe text of a candidate that restates it (:func:`restates`), for each such event.

    Such a turn is indexed with that candidate's vector instead of one of its own: it saves an embedding per
    remembered statement (on the perf benchmark's conversation of plain statements, 1.46 -> 0.96 texts per turn
    and a third of the model's CPU time), and the turn search finds the turn by the words it said either way.
    Forget requests probe with what is to be forgotten, so they never stand in for a turn. Only the batch's own
    index write shares: ``TurnSearch.reconcile`` (a crash before that write) embeds the turn itself."""
    out: dict[str, str] = {}
    for event, guess in zip(events, predicted, strict=True):
        for cand in guess.candidates or ():
            if cand.action != "forget" and event.text and restates(event.text, cand.text):
                out[event.id] = cand.text
                break
    return out


def probe_text(cand: Candidate) -> str:
    """What a candidate's bucket is searched with: a forget request's value (what is to be forgotten), else its text."""
    return cand.value or cand.text if cand.action == "forget" else cand.text


class Unindexed:
    """Item vectors a chunk wrote that are not in the index yet: the chunk's later buckets search them too."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._rows: list[np.ndarray] = []
        self._pos: dict[str, int] = {}

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        for i, v in zip(ids, vectors, strict=True):
            self._pos[i] = len(self.ids)
            self.ids.append(i)
            self._rows.append(np.asarray(v, dtype=np.float32))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        if not self.ids:
            return []
        scores = stack_rows(self._rows) @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self.ids[i], float(scores[i])) for i in top]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {i: self._rows[self._pos[i]] for i in ids if i in self._pos}


def add_vectors(index: VectorIndex, entries: IndexEntries) -> None:
    """Add several keys' vectors, in one transaction where the index can (``ExactIndex.one_transaction``)."""
    entries = [e for e in entries if len(e[1])]
    if not entries:
        return
    joined = getattr(index, "one_transaction", None)
    with joined() if joined is not None else contextlib.nullcontext():
        for key, ids, vectors in entries:
            index.add(key, ids, vectors)


@dataclass
class _Chunk:
    """What one chunk's transaction wrote, to index and clean up after its commit."""

    results: list[WriteResult] = field(default_factory=list)
    made: list[ItemVectors] = field(default_factory=list)
    forgotten: Forgotten = field(default_factory=Forgotten)


def write_chunks(writer: MemoryWriter, events: Sequence[Event], predicted: Sequence[Prediction], version: object,
                 extra: Callable[[list[WriteResult]], IndexEntries] | None, *, queued: bool = True,
                 after: dict[str | None, list[Event]] | None = None) -> list[WriteResult]:
    """Decide and commit ``events`` (all of one user, none planned by an LLM) in chunks; see the module docstring.

    ``version``: ``store.data_version()`` from before the contexts were read. ``extra(results)``: more vectors to
    index with a chunk's items (``Memory`` passes the turns'). ``queued``: the events may be in the write-behind
    queue (each one's row is deleted as it is written); False for events that were never queued. ``after``: the
    session's predicted context once every event is written, kept for the session's next batch when every
    prediction held (``MemoryWriter._recent_context``).
    """
    store, user_id = writer.store, events[0].user_id
    writer._forget_recent(user_id)  # kept again below only if the whole batch went as predicted
    trusted = len({e.session_id for e in events}) == 1
    predicted_all = True
    now: object = None
    results: list[WriteResult] = []
    start = 0
    while start < len(events):
        chunk = _Chunk()
        pending = writer._unindexed[user_id] = Unindexed()
        try:
            with store.transaction():
                store.lock_user(user_id)  # other processes' writers of this user wait until this commits
                now = store.data_version()  # under the write lock: no other connection commits before ours
                trusted = trusted and now == version
                previous = store.last_event_id(user_id)
                if previous is None:  # else the user's row exists: their events reference it (foreign key)
                    store.ensure_user(user_id)  # inside the transaction: a failed write leaves no empty user behind
                opened = time.perf_counter()
                while start < len(events) and (not chunk.results or (
                        len(chunk.results) < CHUNK_EVENTS and time.perf_counter() - opened < CHUNK_SECONDS
                        and not getattr(store, "waiting", 0))):  # another thread waits for the store: commit
                    event, guess = events[start], predicted[start]
                    start += 1
                    if store.event_exists(user_id, event.id):  # a retried request: written before
                        trusted = False
                        writer._take_pending(event.id)
                        chunk.results.append(writer.replay(user_id, event.id))
                        continue
                    predicted_all = predicted_all and trusted and guess.in_order
                    cands = guess.candidates if trusted and guess.in_order else writer._candidates(event, guess)
                    decisions, made, refused = writer._decide_new(event, cands)
                    if queued:
                        writer._take_pending(event.id)  # written now: no longer queued (see graph/behind.py)
                    applied, forgotten, redacted = writer._apply(event, decisions, made, previous)
                    previous = event.id
                    pending.add([i.id for i in made.items], made.vectors)
                    chunk.made.append(made)
                    chunk.forgotten += forgotten
                    if redacted:
                        trusted = False  # later contexts lose this text
                        event = event.model_copy(update={"text": "", "metadata": {"redacted": True}})
                    chunk.results.append(WriteResult(event=event, ops=applied + refused))
            if start < len(events):
                version = store.data_version()  # after our own commit (PostgreSQL's snapshot moves with it)
        finally:
            writer._unindexed.pop(user_id, None)
        results += chunk.results
        _index_chunk(writer, user_id, chunk, extra)
    if predicted_all and trusted and after is not None:
        for session_id, context in after.items():
            writer._remember_context(user_id, session_id, now, context, events)
    return results


def _index_chunk(writer: MemoryWriter, user_id: str, chunk: _Chunk,
                 extra: Callable[[list[WriteResult]], IndexEntries] | None) -> None:
    """After a chunk's commit: its vectors into the index in one write; forgotten text out of caches and journal."""
    gone = {i.id for i in chunk.forgotten.items}
    gone_values = {value_id(i) for i in gone}
    ids: list[str] = []
    rows: list[np.ndarray] = []
    values: dict[str, np.ndarray] = {}
    for made in chunk.made:
        for item, vec in zip(made.items, made.vectors, strict=True):
            if item.id not in gone:  # written and forgotten in the same chunk
                ids.append(item.id)
                rows.append(vec)
        values.update({k: v for k, v in made.values.items() if k not in gone_values})
    entries: IndexEntries = []
    if ids:
        entries.append((user_id, ids, stack_rows(rows)))
    if values:
        entries.append((namespace_key(user_id, VALUE_NAMESPACE), list(values), stack_rows(list(values.values()))))
    try:
        if extra is not None:
            entries += extra(chunk.results)
        try:
            add_vectors(writer.index, entries)
        except StoreError as exc:
            last = chunk.results[-1].event.id
            msg = (f"{exc} (the writes themselves were committed, up to event {last}; their memories reach dense "
                   "search after Memory.reconcile() or the next open)")
            raise StoreError(msg, committed=True, event_id=last) from exc
    finally:  # committed: forgotten text must leave the caches and the journal even if the index failed
        if chunk.forgotten.texts:
            writer.forgetter.after_commit(user_id, chunk.forgotten)
