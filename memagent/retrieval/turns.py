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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import get_args

import numpy as np

from memagent._lexical import content_words
from memagent.embeddings.base import Embedder, stack_rows
from memagent.graph.domains import RELATED_DOMAINS, classify_domains
from memagent.graph.exchange import accepted_text
from memagent.graph.values import embed_known
from memagent.retrieval.arrays import RowEdit
from memagent.retrieval.cache import Snapshot
from memagent.retrieval.hybrid import HybridRanker, Scored
from memagent.retrieval.stock import StockSentences
from memagent.retrieval.turn_changes import Change, changes_of, restating, restating_among
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
_REPLY_FROM_MEMORY = "reply_from_memory"  # memagent.agent.REPLY_FROM_MEMORY (the agent imports memory, not back)
_NOT_CURRENT = tuple(s for s in get_args(MemoryItem.model_fields["status"].annotation) if s != "current")


def is_turn(event: Event) -> bool:
    """Whether ``event`` is conversation evidence: a user or assistant message with text (not an edit, an
    explicit instruction, a redacted turn, or a reply :class:`~memagent.agent.MemoryAgent` wrote from recalled
    memory: it restates the memories it was given, so as evidence it would only echo them back; what the user
    accepted of it is extracted from the user's answer)."""
    return (event.kind in _KINDS and event.role in _ROLES and bool(event.text.strip())
            and not event.metadata.get("redacted") and not event.metadata.get(_REPLY_FROM_MEMORY))


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
    bodies: dict[str, str]  # what each candidate says: the message, or an exchange's proposal and reply
    words: dict[str, frozenset[str]]  # content words of each body
    domains: dict[str, list[str]]
    stale: set[str]  # turns only superseded memories came from, or stating a value replaced since
    # An assistant proposal a bare reply accepted is one candidate with the reply (keyed by the reply's id):
    # the assistant turn it came from (absorbed) is not a candidate of its own.
    absorbed: dict[str, str] = field(default_factory=dict)  # assistant turn id -> the reply's id
    # Built once per snapshot so a recall touches no per-turn Python object beyond the few it scores: the ids in
    # order, absorbed proposals left out (the same list object every time, which the BM25 cache compares by
    # identity), their bodies, each id's row, and the newest turn's time (the "now" of recency).
    ids: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    pos: dict[str, int] = field(default_factory=dict)
    newest: datetime | None = None
    items: dict[str, MemoryItem] = field(default_factory=dict)  # turns as recalled items, made on first use
    # Content words of ranked memories' texts (for ``_covered``), keyed by item id with the item they were read from.
    item_words: dict[str, tuple[MemoryItem, set[str]]] = field(default_factory=dict)
    # The turns in time order, and the snapshot's events they were taken from (a patched snapshot's view extends
    # this one when its events only add to these).
    events: list[Event] = field(default_factory=list)
    everything: list[Event] = field(default_factory=list)
    order: dict[str, int] = field(default_factory=dict)  # event id -> its position in ``events``
    changes: list[Change] = field(default_factory=list)  # see turn_changes.changes_of
    restating: set[str] = field(default_factory=set)  # the turns turn_changes.restating found stale
    edit: RowEdit | None = None  # ``ids`` as the view's it extends plus the new turns (its BM25 model is patched)
    stock: StockSentences = field(default_factory=StockSentences)  # the assistant's stock sentences (retrieval/stock.py)

    def item(self, event: Event) -> MemoryItem:
        """The turn as a recalled item: the same object on every recall of this snapshot (the packer keeps the
        rendered line of that object). An assistant turn's line leaves out its stock sentences."""
        got = self.items.get(event.id)
        if got is None:
            text = self.texts[event.id]
            if event.role == "assistant" and text == turn_text(event):  # not an exchange's line
                short = self.stock.shortened(event.text)
                text = turn_text(event.model_copy(update={"text": short})) if short else text
            got = self.items[event.id] = _as_item(event, text)
        return got


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
        # Likewise which replies accept the assistant turn before them: reply id -> (hash, exchange or None).
        self._pairs: dict[str, dict[str, tuple[int, tuple[str, str] | None]]] = {}

    # -- writing ----------------------------------------------------------------------------------------
    def index_events(self, user_id: str, events: Iterable[Event]) -> int:
        """Embed and index the conversation turns among ``events`` (one embedding call); returns vectors added."""
        entries = self.entries(user_id, events)
        for key, ids, vectors in entries:
            self.index.add(key, ids, vectors)
        return sum(len(ids) for _, ids, _ in entries)

    def entries(self, user_id: str, events: Iterable[Event], *, known: Mapping[str, np.ndarray] | None = None,
                restated: Mapping[str, np.ndarray] | None = None, texts: Mapping[str, str] | None = None,
                ) -> list[tuple[str, list[str], np.ndarray]]:
        """The index entries (key, ids, vectors) of the conversation turns among ``events``: what
        :meth:`index_events` adds, for a caller that adds them with other vectors in one index write. ``known``:
        vectors this embedder gave for these very texts (a batch embedded them up front); ``restated``: event id ->
        the vector of a memory that restates that turn's very words, used instead of embedding it; ``texts``: event
        id -> what to embed, worked out over the whole write (:meth:`texts_to_embed`), so that where a write is cut
        into chunks does not change a turn's vector."""
        turns = [e for e in events if is_turn(e)]
        if not turns:
            return []
        given = texts if texts is not None and all(e.id in texts for e in turns) else None
        said = [given[e.id] for e in turns] if given is not None else embedded_texts(turns)
        shared = {e.id: restated[e.id] for e, t in zip(turns, said, strict=True)
                  if restated and e.id in restated and t == e.text}  # a bare reply is indexed with what it accepted
        todo = [t for e, t in zip(turns, said, strict=True) if e.id not in shared]
        fresh = iter(embed_known(self.embedder, todo, known) if todo else ())
        vectors = stack_rows([shared[e.id] if e.id in shared else next(fresh) for e in turns])
        return [(namespace_key(user_id, TURN_NAMESPACE), [e.id for e in turns], vectors)]

    def texts_to_embed(self, user_id: str, turns: Sequence[Event]) -> dict[str, str]:
        """Event id -> what :meth:`entries` embeds for each of ``turns`` (turns about to be written, in time order):
        :func:`embedded_texts` with the user's last stored turn before them, when it can be the proposal the first
        one accepts (an assistant turn of the same session, not later than it)."""
        before = None
        if turns and turns[0].role == "user":
            last = self.store.last_event_id(user_id)
            prev = self.store.get_event(user_id, last) if last is not None else None
            if prev is not None and is_turn(prev) and prev.role == "assistant" \
                    and prev.session_id == turns[0].session_id and prev.timestamp <= turns[0].timestamp:
                before = prev
        return dict(zip((e.id for e in turns), embedded_texts(turns, before=before), strict=True))

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
        missing = {i for i in events if i not in have}
        if missing:  # embedded beside the turns they follow, so an exchange finds the proposal it accepted
            ordered = list(events.values())
            texts = dict(zip((e.id for e in ordered), embedded_texts(ordered), strict=True))
            todo = [e for e in ordered if e.id in missing]
            vectors = self.embedder.embed([texts[e.id] for e in todo])
            self.index.add(key, [e.id for e in todo], np.asarray(vectors))
        return len(missing), len(gone)

    def drop(self, user_id: str) -> None:
        """Forget what was derived from the user's turns (their words and domains)."""
        with self._derived_lock:
            self._derived.pop(user_id, None)
            self._pairs.pop(user_id, None)

    def _derive(self, user_id: str, events: Sequence[Event], texts: dict[str, str], bodies: dict[str, str]
                ) -> tuple[dict[str, frozenset[str]], dict[str, list[str]]]:
        with self._derived_lock:
            self._check_version()
            mine = self._derived.setdefault(user_id, {})
            words, domains = {}, {}
            for e in events:
                got = mine.get(e.id)
                if got is None or got[0] != hash(texts[e.id]):
                    got = mine[e.id] = (hash(texts[e.id]), frozenset(content_words(bodies[e.id])),
                                        classify_domains(texts[e.id]))
                words[e.id], domains[e.id] = got[1], got[2]
            return words, domains

    def _check_version(self) -> None:
        """Forget every derived view when another process wrote (it may have forgotten turns); under the lock."""
        version = self.store.data_version()
        if version != self._derived_version:
            self._derived.clear()
            self._pairs.clear()
            self._derived_version = version

    def _exchanges(self, user_id: str, events: Sequence[Event]) -> dict[str, tuple[str, str]]:
        """:func:`exchanges_of` ``events``, each pair read once while its texts stay the same (see ``_derived``)."""
        out: dict[str, tuple[str, str]] = {}
        with self._derived_lock:
            self._check_version()
            mine = self._pairs.setdefault(user_id, {})
            for bot, reply in zip(events, events[1:], strict=False):
                if bot.role != "assistant" or reply.role != "user" or bot.session_id != reply.session_id:
                    continue
                stamp = hash((bot.id, bot.text, reply.text))
                got = mine.get(reply.id)
                if got is None or got[0] != stamp:
                    got = mine[reply.id] = (stamp, exchanges_of([bot, reply]).get(reply.id))
                if got[1] is not None:
                    out[reply.id] = got[1]
        return out

    # -- reading ----------------------------------------------------------------------------------------
    def search(self, user_id: str, qvec: np.ndarray) -> list[tuple[str, float]]:
        """The dense turn search of :meth:`rank`: (event id, cosine), best first."""
        return self.index.search(namespace_key(user_id, TURN_NAMESPACE), qvec, self.ranker.config.k_turns)

    def rank(self, user_id: str, query: str, qvec: np.ndarray, *, as_of: datetime | None = None,
             query_domains: Sequence[str] | None = None, beside: Sequence[Scored] = (),
             hits: Sequence[tuple[str, float]] | None = None) -> list[Scored]:
        """The user's best turns for ``query`` as scored candidates of kind ``TURN``; best first.

        A turn that a memory in ``beside`` (the ranked memories) derived from it already repeats, most of its
        content words, is left out: "User said: <the turn>" and the turn would spend the budget twice.
        ``hits``: :meth:`search` of ``qvec`` when the caller has it already.
        """
        cfg = self.ranker.config
        turns = self._turns(user_id)
        if not turns.by_id:
            return []
        key = namespace_key(user_id, TURN_NAMESPACE)
        dense: dict[str, float] = {}
        for i, sim in hits if hits is not None else self.search(user_id, qvec):  # a proposal found counts for the exchange
            j = turns.absorbed.get(i, i)
            dense[j] = max(dense.get(j, 0.0), max(0.0, sim))
        bm = self.ranker.bm25.array(f"{user_id}|{_SNAPSHOT_KEY}", turns.ids, turns.messages, query, edit=turns.edit)
        found = list(dense) + [turns.ids[r] for r in _top_rows(bm, cfg.k_turns) if turns.ids[r] not in dense]
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
        ref = as_of or turns.newest
        assert ref is not None  # there are turns
        out: list[tuple[float, Event, dict[str, float]]] = []
        for ev in pool:
            own = turns.domains[ev.id]
            age_days = max(0.0, (ref - ev.timestamp).total_seconds() / 86400)
            comp = {
                "dense": dense.get(ev.id, 0.0),
                "bm25": float(bm[turns.pos[ev.id]]) if bm is not None and ev.id in turns.pos else 0.0,
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
                kept.append(Scored(turns.item(ev), score, comp, "turn"))
        return kept[: cfg.k_turns]

    def _events(self, user_id: str, snap: Snapshot) -> list[Event]:
        """The user's events, kept on the snapshot (and patched with it after a write, ``retrieval.patch``)."""
        if snap.events is None:
            since = getattr(self.store, "events_since", None)
            if since is not None:
                snap.events, snap.event_seq = since(user_id, 0)
            else:
                snap.events = self.store.events(user_id)
        return snap.events

    def events_by_id(self, user_id: str) -> dict[str, Event]:
        """The user's conversation turns by event id, as of the current snapshot."""
        return self._turns(user_id).by_id

    def _turns(self, user_id: str) -> _Turns:
        snap = self.ranker.snapshot(user_id)
        cached = snap.extras.get(_SNAPSHOT_KEY)
        if isinstance(cached, _Turns):
            return cached
        everything = self._events(user_id, snap)
        # The current items are the snapshot's; only the others are read, once per snapshot (a snapshot patched
        # after a write has them patched too). The order of ``items`` does not matter.
        if snap.others is None:
            snap.others = self.store.items(user_id, statuses=_NOT_CURRENT)
        others = snap.others
        # A snapshot patched after a write extends the view of the one it was patched from when the write only
        # added events after all of its own (what a chatbot does): the per-turn work is done for the new turns.
        prev = snap.patched_from.pop(_SNAPSHOT_KEY, None)
        if not (isinstance(prev, _Turns) and prev.everything and len(prev.everything) <= len(everything)
                and everything[len(prev.everything) - 1] is prev.everything[-1]):
            prev = None
        new = [e for e in (everything[len(prev.everything):] if prev is not None else everything) if is_turn(e)]
        events = [*prev.events, *new] if prev is not None else new
        # A turn a replaced memory came from is left out even when a current memory came from it too ("My name
        # is Maya and I live in Boston", after a move): the current memories speak for what still holds.
        # (The snapshot's items are all current, so the superseded ones are among the others.)
        replaced = {ev for item in others if item.status == "superseded" for ev in item.source_event_ids}
        # Each turn's position in ``events``: extended, not rebuilt, when the view is (time order only appends).
        if prev is not None:
            order = dict(prev.order)
            order.update(zip([e.id for e in new], range(len(prev.events), len(events)), strict=True))
        else:
            order = {e.id: n for n, e in enumerate(events)}
        # ... and so is the assistant's reply to it, which confirms what was said ("Done: home streaming."): the
        # turn after each replaced one, looked up by position (not a pass over every pair of turns).
        replaced |= {nxt.id for ev, nxt in ((events[n], events[n + 1]) for n in
                                           (order[i] for i in replaced if i in order) if n + 1 < len(events))
                     if nxt.role == "assistant" and nxt.session_id == ev.session_id}
        texts = {**(prev.texts if prev is not None else {}), **{e.id: turn_text(e) for e in new}}
        bodies = {**(prev.bodies if prev is not None else {}), **{e.id: e.text for e in new}}
        absorbed: dict[str, str] = dict(prev.absorbed) if prev is not None else {}
        by_id = {**(prev.by_id if prev is not None else {}), **{e.id: e for e in new}}
        # A new turn's exchange is with the turn before it (the last old one, for the first new turn).
        paired = [*prev.events[-1:], *new] if prev is not None else events
        for reply_id, (bot_id, said) in self._exchanges(user_id, paired).items():
            texts[reply_id] = f"assistant: {said} / {turn_text(by_id[reply_id])}"
            bodies[reply_id] = said + " / " + by_id[reply_id].text
            absorbed[bot_id] = reply_id
        words, domains = self._derive(user_id, new, texts, bodies)
        if prev is not None:
            words, domains = {**prev.words, **words}, {**prev.domains, **domains}
        # Only items naming the value they replace matter among the current ones: one cheap pass picks them.
        others_by_id = {i.id: i for i in others}

        def lookup(iid: str) -> MemoryItem | None:
            got = snap.by_id.get(iid)
            return got if got is not None else others_by_id.get(iid)

        if snap.replacing is None:
            snap.replacing = [i for i in snap.items if "replaces" in i.metadata]
        changes = changes_of([*snap.replacing, *others], lookup)
        before, now = (set(prev.changes), set(changes)) if prev is not None else (set(), set())
        if prev is not None and before == now:  # the same changes: only the new turns are checked
            restated = prev.restating | restating(new, words, changes)
        elif prev is not None and before <= now:  # changes added (a write replaced a value): a turn restates when
            # it restates any one change, so the old turns are checked against the added changes only
            added = [c for c in changes if c not in before]
            restated = prev.restating | restating(new, words, changes)
            restated |= restating_among(prev.order, prev.by_id, words, added)
        else:
            restated = restating(events, words, changes)
        stale = replaced | restated
        # An exchange is stale when the proposal it took up is (the assistant named a value replaced since).
        stale |= {reply for bot, reply in absorbed.items() if bot in replaced}
        # Absorbed proposals are left out of the candidates; a write can absorb only the last old turn (the new
        # turns' exchanges are with the turn before each), so unless it did, the old candidates stay as they were.
        extend = prev is not None and not any(b in prev.pos for b in absorbed)
        if extend:
            assert prev is not None
            added_ids = [e.id for e in new if e.id not in absorbed]
            ids = [*prev.ids, *added_ids]
            messages = [*prev.messages, *(bodies[i] for i in added_ids)]
            pos = dict(prev.pos)
            pos.update(zip(added_ids, range(len(prev.ids), len(ids)), strict=True))
            edit = RowEdit(prev.ids, [], list(range(len(prev.ids), len(ids))))
        else:
            ids = [e.id for e in events if e.id not in absorbed]
            messages = [bodies[i] for i in ids]
            pos = {i: n for n, i in enumerate(ids)}
            edit = None
        newest = max((e.timestamp for e in new), default=None)
        if prev is not None and prev.newest is not None:
            newest = max(prev.newest, newest) if newest is not None else prev.newest
        turns = _Turns(by_id=by_id, texts=texts, bodies=bodies, words=words, domains=domains, stale=stale,
                       absorbed=absorbed, ids=ids, messages=messages, pos=pos, newest=newest, events=events,
                       everything=everything, order=order, changes=changes, restating=restated, edit=edit,
                       stock=(prev.stock if prev is not None else StockSentences()).extended(new))
        if prev is not None:  # the same objects for the turns that did not change (the packer keeps their lines)
            same_stock = turns.stock.stock is prev.stock.stock
            turns.items = {i: got for i, got in prev.items.items()
                           if texts.get(i) == got.text or (same_stock and texts.get(i) == prev.texts.get(i))}
            turns.item_words = dict(prev.item_words)
        snap.extras[_SNAPSHOT_KEY] = turns
        return turns


def embedded_texts(turns: Sequence[Event], *, before: Event | None = None) -> list[str]:
    """What each of ``turns`` (turns, in time order) is indexed with: the message itself, not its rendered line (the
    vector is the one a caller may have cached); a bare reply ("mm, sure") with what it accepted, the words that
    say what it is about. ``before``: the stored turn just before the first of ``turns``, so a reply written in a
    later call than the proposal it accepts gets the text it gets when both come in one call (or at reconcile).
    The write path embeds these with its other texts, in one call."""
    exchanges = exchanges_of([before, *turns] if before is not None else turns)
    return [exchanges[e.id][1] if e.id in exchanges else e.text for e in turns]


def exchanges_of(events: Sequence[Event]) -> dict[str, tuple[str, str]]:
    """The bare replies among ``events`` (turns, in time order) that accept the assistant turn just before them
    in the same session: reply id -> (assistant turn id, what it accepted, in the assistant's words)."""
    out: dict[str, tuple[str, str]] = {}
    for bot, reply in zip(events, events[1:], strict=False):
        if bot.role == "assistant" and reply.role == "user" and bot.session_id == reply.session_id:
            said = accepted_text(bot.text, reply.text)
            if said:
                out[reply.id] = (bot.id, said)
    return out


def _top_rows(scores: np.ndarray | None, k: int) -> list[int]:
    """Rows of the ``k`` best positive scores, best first, ties in row order (what a stable sort of all of them
    gives), without sorting the thousands of rows a common word matches."""
    if scores is None or k <= 0:
        return []
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:  # keep every row tied with the k-th best, so the stable order below is the full one's
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth]
    return positive[np.argsort(-scores[positive], kind="stable")][:k].tolist()


def _covered(turns: _Turns, beside: Sequence[Scored], among: set[str], share: float = 0.8) -> set[str]:
    """Those of ``among`` at least ``share`` of whose content words a ranked memory derived from them repeats."""
    out: set[str] = set()  # the pairs in one comprehension first: a recall at 100k memories ranks ~700 of them
    for item, ev in [(s.item, ev) for s in beside for ev in s.item.source_event_ids if ev in among]:
        if ev not in out and turns.words.get(ev):
            own = turns.words[ev]
            if len(own & _item_words(turns, item)) >= share * len(own):
                out.add(ev)
    return out


def _item_words(turns: _Turns, item: MemoryItem) -> set[str]:
    got = turns.item_words.get(item.id)
    if got is None or got[0] is not item:  # an item of another snapshot (ranked while this one was built)
        got = turns.item_words[item.id] = (item, set(content_words(item.text)))
    return got[1]


def _as_item(event: Event, text: str) -> MemoryItem:
    """A turn in the shape of a recalled memory (never stored as one): its id is the event's."""
    return MemoryItem.model_construct(
        id=event.id, user_id=event.user_id, kind=MemoryKind.TURN, text=text, subject=None, value=None, domain=None,
        polarity=0, importance=0.0, confidence=1.0, evidence_count=1, created_at=event.timestamp,
        valid_from=event.timestamp, valid_to=None, superseded_by=None, status="current",
        source_event_ids=[event.id], access_count=0, last_accessed=None,
        metadata={"role": event.role, "session_id": event.session_id},
    )
