"""Raw conversation turns as recall evidence, beside the memories extracted from them.

Extraction keeps what its rules (or the LLM) recognise; real talk states much of what matters in ways no rule
expects ("we ended up at that little Oaxacan place again, honestly the mole is the reason"). The turn still
holds it. So every user and assistant turn is embedded when it is written (vectors under
``namespace_key(user, "turns")``, keyed by event id) and at recall the best turns are scored like memories,
dense + BM25 + topic + recency, and fused into the same ranking and the same token budget (kind ``TURN``).

Two rules keep turns from undoing what the graph knows:

* a turn that a superseded memory came from is left out (the memories still current from it, and the one that
  superseded it, speak instead), and so is a turn from before a change that states the replaced value and not
  the new one;
* a turn scores ``w_turn`` times what a memory of the same relevance scores, so a distilled memory comes
  first, and turns are rendered with their date, newest last, so a reader can prefer the newer of two.

A message said again word for word competes once, as its newest copy.

Forgetting removes turns like everything else: a forgotten memory's source turns are redacted (their text is
gone) and their vectors deleted by :class:`~memagent.graph.forget.Forgetter` (the namespace is registered), and
:meth:`TurnSearch.reconcile` drops vectors of any other redacted turn.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from memagent._lexical import content_words
from memagent.embeddings.base import Embedder
from memagent.graph.domains import RELATED_DOMAINS, classify_domains
from memagent.retrieval.hybrid import HybridRanker, Scored
from memagent.store.base import Store
from memagent.store.index import VectorIndex, namespace_key
from memagent.types import Event, EventKind, MemoryItem, MemoryKind

__all__ = ["TURN_NAMESPACE", "TurnSearch", "is_turn", "turn_text"]

TURN_NAMESPACE = "turns"
_KINDS = frozenset({EventKind.TURN, EventKind.SESSION})
_ROLES = frozenset({"user", "assistant"})
# The first words of a long message: an assistant's reply names what it proposes or confirms early on.
_MAX_WORDS = {"user": 80, "assistant": 80}
_SNAPSHOT_KEY = "turns"


def is_turn(event: Event) -> bool:
    """Whether ``event`` is conversation evidence: a user or assistant message with text (not an edit, an
    explicit instruction or a redacted turn)."""
    return (event.kind in _KINDS and event.role in _ROLES and bool(event.text.strip())
            and not event.metadata.get("redacted"))


def turn_text(event: Event) -> str:
    """``"<role>: <text>"`` on one line, clipped to the first words of a long message."""
    words = event.text.split()
    limit = _MAX_WORDS.get(event.role, 40)
    body = " ".join(words[:limit]) + (" ..." if len(words) > limit else "")
    return f"{event.role}: {body}"


@dataclass
class _Turns:
    """One user's turn candidates as of a snapshot: the events, their rendered texts, what they are about."""

    by_id: dict[str, Event]
    texts: dict[str, str]
    words: dict[str, frozenset[str]]  # content words of each turn's message
    domains: dict[str, list[str]]
    stale: set[str]  # turns only superseded memories came from, or stating a value replaced since


class TurnSearch:
    """Indexes a user's turns when they are written and scores them at recall (see the module docstring)."""

    def __init__(self, store: Store, index: VectorIndex, embedder: Embedder, ranker: HybridRanker) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self.ranker = ranker  # its snapshot cache and BM25 cache hold the turn views, invalidated with the rest
        # What each turn's text yields (content words, domains) outlives snapshots: a write adds one turn and
        # should not re-read 600. Keyed by event id and a hash of the text; a user's entries go whenever their
        # turns are forgotten or redacted (reconcile), with delete_user (drop), and all of them when another
        # process changes the store, so no view of a forgotten turn stays behind.
        self._derived: dict[str, dict[str, tuple[int, frozenset[str], list[str]]]] = {}
        self._derived_version = store.data_version()
        self._derived_lock = threading.Lock()

    # -- writing ----------------------------------------------------------------------------------------
    def index_events(self, user_id: str, events: Iterable[Event]) -> int:
        """Embed and index the conversation turns among ``events`` (one embedding call); returns vectors added."""
        turns = [e for e in events if is_turn(e)]
        if not turns:
            return 0
        # The message itself, not its rendered line: the vector is the same one a caller may have cached.
        vectors = self.embedder.embed([e.text for e in turns])
        self.index.add(namespace_key(user_id, TURN_NAMESPACE), [e.id for e in turns], np.asarray(vectors))
        return len(turns)

    def reconcile(self, user_id: str) -> tuple[int, int]:
        """Index the user's turns the index lacks (a crash after the commit, data written before turns were
        indexed) and drop vectors of turns that were redacted or deleted. Returns (added, removed)."""
        self.drop(user_id)
        key = namespace_key(user_id, TURN_NAMESPACE)
        events = {e.id: e for e in self.store.events(user_id) if is_turn(e)}
        have = self.index.ids(key)
        gone = have - set(events)
        if gone:
            self.index.delete(key, gone)
        added = self.index_events(user_id, [e for i, e in events.items() if i not in have])
        return added, len(gone)

    def drop(self, user_id: str) -> None:
        """Forget what was derived from the user's turns (their words and domains)."""
        with self._derived_lock:
            self._derived.pop(user_id, None)

    def _derive(self, user_id: str, events: Sequence[Event], texts: dict[str, str]
                ) -> tuple[dict[str, frozenset[str]], dict[str, list[str]]]:
        version = self.store.data_version()
        with self._derived_lock:
            if version != self._derived_version:  # another process wrote (it may have forgotten turns)
                self._derived.clear()
                self._derived_version = version
            mine = self._derived.setdefault(user_id, {})
            words, domains = {}, {}
            for e in events:
                got = mine.get(e.id)
                if got is None or got[0] != hash(e.text):
                    got = mine[e.id] = (hash(e.text), frozenset(content_words(e.text)), classify_domains(texts[e.id]))
                words[e.id], domains[e.id] = got[1], got[2]
            return words, domains

    # -- reading ----------------------------------------------------------------------------------------
    def rank(self, user_id: str, query: str, qvec: np.ndarray, *, as_of: datetime | None = None,
             query_domains: Sequence[str] | None = None, beside: Sequence[Scored] = ()) -> list[Scored]:
        """The user's best turns for ``query`` as scored candidates of kind ``TURN``; best first.

        A turn that a memory in ``beside`` (the ranked memories) derived from it already repeats, most of its
        content words, is left out: "User said: <the turn>" and the turn would spend the budget twice.
        """
        cfg = self.ranker.config
        turns = self._turns(user_id)
        if not turns.by_id:
            return []
        key = namespace_key(user_id, TURN_NAMESPACE)
        dense = {i: max(0.0, s) for i, s in self.index.search(key, qvec, cfg.k_turns)}
        ids = list(turns.texts)
        bm = self.ranker.bm25.scores(f"{user_id}|{_SNAPSHOT_KEY}", ids, [turns.by_id[i].text for i in ids], query)
        found = list(dense) + [i for i, _ in sorted(bm.items(), key=lambda kv: -kv[1])[: cfg.k_turns] if i not in dense]
        covered = _covered(turns, beside, set(found))
        pool = [turns.by_id[i] for i in found if i in turns.by_id and i not in turns.stale and i not in covered
                and (as_of is None or turns.by_id[i].timestamp < as_of)]
        if not pool:
            return []
        # Topic agreement and dense scores of BM25-only finds need their vectors.
        vecs = self.index.vectors(key, [e.id for e in pool])
        have = [e.id for e in pool if e.id in vecs]
        topic: dict[str, float] = {}
        if have:
            mat = np.stack([vecs[i] for i in have])
            for i, sim in zip(have, mat @ qvec, strict=True):
                dense.setdefault(i, max(0.0, float(sim)))
            if self.ranker.topics is not None and cfg.soft_domains:
                topic = dict(zip(have, (float(a) for a in self.ranker.topics.affinity(qvec, mat)), strict=True))
        domains = list(query_domains) if query_domains is not None else classify_domains(query)
        related = {r for d in domains for r in RELATED_DOMAINS.get(d, ())} - set(domains)
        ref = as_of or max(e.timestamp for e in turns.by_id.values())
        out: list[tuple[float, Event, dict[str, float]]] = []
        for ev in pool:
            own = turns.domains[ev.id]
            age_days = max(0.0, (ref - ev.timestamp).total_seconds() / 86400)
            comp = {
                "dense": dense.get(ev.id, 0.0),
                "bm25": bm.get(ev.id, 0.0),
                "domain": 1.0 if set(own) & set(domains) else 0.5 if set(own) & related else 0.0,
                "topic": topic.get(ev.id, 0.0),
                "recency": math.exp(-math.log(2) * age_days / cfg.recency_half_life_days),
            }
            score = cfg.w_turn * (
                cfg.w_dense * comp["dense"] + cfg.w_bm25 * comp["bm25"]
                + cfg.w_domain * max(comp["domain"], comp["topic"]) + cfg.w_recency * comp["recency"]
                + cfg.w_importance * cfg.turn_importance
            )
            out.append((round(score, 6), ev, comp))
        out.sort(key=lambda t: (-t[0], -t[1].timestamp.timestamp()))
        # A message said again word for word (an assistant's stock reply, a pasted request) is one piece of
        # evidence: only its best-scoring, newest copy competes, or the copies would fill the budget together.
        seen: set[tuple[str, str]] = set()
        kept = []
        for score, ev, comp in out:
            said = (ev.role, " ".join(ev.text.split()).lower())
            if said not in seen:
                seen.add(said)
                kept.append(Scored(_as_item(ev, turns.texts[ev.id]), score, comp, "turn"))
        return kept[: cfg.k_turns]

    def _turns(self, user_id: str) -> _Turns:
        snap = self.ranker.snapshot(user_id)
        cached = snap.extras.get(_SNAPSHOT_KEY)
        if isinstance(cached, _Turns):
            return cached
        events = [e for e in self.store.events(user_id) if is_turn(e)]
        items = self.store.items(user_id, statuses=None)
        # A turn a replaced memory came from is left out even when a current memory came from it too ("My name
        # is Maya and I live in Boston", after a move): the current memories speak for what still holds.
        replaced = {ev for item in items if item.status == "superseded" for ev in item.source_event_ids}
        # ... and so is the assistant's reply to it, which confirms what was said ("Done: home streaming.").
        replaced |= {nxt.id for ev, nxt in zip(events, events[1:], strict=False)
                     if ev.id in replaced and nxt.role == "assistant" and nxt.session_id == ev.session_id}
        texts = {e.id: turn_text(e) for e in events}
        words, domains = self._derive(user_id, events, texts)
        turns = _Turns(by_id={e.id: e for e in events}, texts=texts, words=words, domains=domains,
                       stale=replaced | _restating_replaced(events, words, items))
        snap.extras[_SNAPSHOT_KEY] = turns
        return turns


def _restating_replaced(events: Sequence[Event], words: dict[str, frozenset[str]],
                        items: Sequence[MemoryItem]) -> set[str]:
    """Turns from before a change that state the replaced value and not the one that replaced it ("soft
    chimes" in March, after "birdsong" superseded it in May): shown, they would present the old value as news."""
    by_id = {i.id: i for i in items}
    changes: list[tuple[datetime, frozenset[str], frozenset[str]]] = []
    for old in items:
        if old.status != "superseded" or not old.value or old.valid_to is None:
            continue
        new = by_id.get(old.superseded_by or "")
        seen = {old.id}
        while new is not None and new.superseded_by and new.superseded_by not in seen:  # the value standing now
            seen.add(new.id)
            new = by_id.get(new.superseded_by)
        old_words = frozenset(content_words(old.value))
        if old_words:
            changes.append((old.valid_to, old_words, frozenset(content_words(new.value or "")) if new else frozenset()))
    if not changes:
        return set()
    return {ev.id for ev in events
            if any(ev.timestamp < until and old <= words[ev.id] and not (new and new <= words[ev.id])
                   for until, old, new in changes)}


def _covered(turns: _Turns, beside: Sequence[Scored], among: set[str], share: float = 0.8) -> set[str]:
    """Those of ``among`` at least ``share`` of whose content words a ranked memory derived from them repeats."""
    out: set[str] = set()
    for s in beside:
        for ev in s.item.source_event_ids:
            if ev in among and ev not in out and turns.words.get(ev):
                own = turns.words[ev]
                if len(own & set(content_words(s.item.text))) >= share * len(own):
                    out.add(ev)
    return out


def _as_item(event: Event, text: str) -> MemoryItem:
    """A turn in the shape of a recalled memory (never stored as one): its id is the event's."""
    return MemoryItem.model_construct(
        id=event.id, user_id=event.user_id, kind=MemoryKind.TURN, text=text, subject=None, value=None, domain=None,
        polarity=0, importance=0.0, confidence=1.0, evidence_count=1, created_at=event.timestamp,
        valid_from=event.timestamp, valid_to=None, superseded_by=None, status="current",
        source_event_ids=[event.id], access_count=0, last_accessed=None,
        metadata={"role": event.role, "session_id": event.session_id},
    )
