"""Hybrid ranking of one user's memories for a request.

Candidates are the union of: the dense top-k, the BM25 top-k, the user's whole current profile (standing
instructions and preferences, which are compact and must be considered even when they share no word with the
request), and one hop of graph neighbours of the best hits. Each candidate's score combines

    dense cosine + BM25 + domain match + importance + recency (+ evidence)

where the domain match is the larger of the keyword routing (``graph/domains.py``) and the topic agreement
measured with the embedder (``retrieval/topics.py``),

with weights from :class:`RecallConfig`; every component is kept on the entry so products can show why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter

import numpy as np

from memagent._blas import one_blas_thread
from memagent.graph.domains import RELATED_DOMAINS, classify_domains
from memagent.graph.values import VALUE_NAMESPACE, value_id
from memagent.retrieval.arrays import ItemArrays
from memagent.retrieval.bm25 import BM25Cache
from memagent.retrieval.cache import Snapshot, SnapshotCache
from memagent.retrieval.patch import NEIGHBOUR_EDGES, patch_snapshot, patchable
from memagent.retrieval.topics import TopicAffinity
from memagent.store.base import Store
from memagent.store.index import VectorIndex, namespace_key
from memagent.types import MemoryItem, MemoryKind

__all__ = ["HybridRanker", "RecallConfig", "Scored"]


_COMPONENTS = ("dense", "bm25", "domain", "topic", "importance", "recency", "evidence")


class _Columns:
    """The components of the rows one ``_score`` call scored, as lists (one per name in ``_COMPONENTS``)."""

    __slots__ = ("values",)

    def __init__(self, values: list[list[float]]) -> None:
        self.values = values

    def row(self, j: int) -> dict[str, float]:
        return dict(zip(_COMPONENTS, [column[j] for column in self.values], strict=True))


class Scored:
    """A ranked candidate: plain and cheap, since thousands are scored per recall and few are packed. Its
    ``components`` may be given as a row of ``_Columns`` and become a dict when first read (only packed entries
    are: a recall at 100k memories scores ~650)."""

    __slots__ = ("_components", "item", "score", "via")

    def __init__(self, item: MemoryItem, score: float, components: dict[str, float] | tuple[_Columns, int],
                 via: str = "search") -> None:
        self.item, self.score, self._components, self.via = item, score, components, via

    @property
    def components(self) -> dict[str, float]:
        got = self._components
        if isinstance(got, tuple):
            got = self._components = got[0].row(got[1])
        return got

    @components.setter
    def components(self, value: dict[str, float]) -> None:
        self._components = value

    def __repr__(self) -> str:
        return f"Scored(item={self.item!r}, score={self.score!r}, components={self.components!r}, via={self.via!r})"


@dataclass
class RecallConfig:
    """Weights and limits of the read path. Defaults are tuned on the PrefEval and PERMA harnesses."""

    w_dense: float = 0.45
    # BM25 is normalised per request (the best match scores 1), so words every request has ("recommend",
    # "activities", "events") lift whatever shares them: among a user's many preferences the one a request should
    # respect rarely shares a word with it. 0.20 let such matches crowd it out (PrefEval, 150+ preferences each).
    w_bm25: float = 0.10
    w_domain: float = 0.15
    w_importance: float = 0.10
    w_recency: float = 0.05
    w_evidence: float = 0.05
    recency_half_life_days: float = 90.0
    k_search: int = 100
    # Profile items beyond this many are first ranked without their dense similarity (which needs their vectors)
    # and only the best this many are scored in full; at or under it, every profile item is scored in full.
    max_profile_candidates: int = 500
    graph_seeds: int = 10
    graph_decay: float = 0.6
    profile_kinds: tuple[MemoryKind, ...] = (MemoryKind.INSTRUCTION, MemoryKind.PREFERENCE)
    # Below this score an entry is never packed, however much budget is left.
    min_score: float = 0.1
    # Share of the budget reserved for the best-scoring profile items (see ``retrieval.packer.pack``).
    profile_share: float = 0.4
    # Then, when the profile holds more, this share goes to further profile items in short form (their first
    # clause): two or three fit where one full line would.
    compact_share: float = 0.4
    # Extra weight of importance when ranking inside that share (firm preferences before passing remarks).
    profile_strength: float = 0.2
    # Also route a request to the domains of the user's memories most like it (``memory_domains``): "find me
    # something for my commute" names no domain, but resembles what the user asked in one before.
    infer_domains: bool = False
    infer_k: int = 5
    infer_min_sim: float = 0.45
    infer_min_share: float = 0.3
    # The domain component is also at least the topic agreement of request and memory measured with the
    # embedder (``retrieval.topics``): "products tested on animals" meets "makeup brands" with no shared word.
    soft_domains: bool = True
    # Conversation turns compete beside memories (``retrieval.turns``): real talk states much that no extraction
    # rule catches. A turn scores ``w_turn`` x a memory of equal relevance (the distilled memory first), plus
    # ``w_importance`` x ``turn_importance`` (user and assistant alike: in assistant conversations the assistant
    # often names the value the user just confirms); ``turn_share`` of the budget is kept for the best turns once
    # the profile's full lines are in, and further turns compete with the short profile lines on score.
    turns: bool = True
    w_turn: float = 0.9
    k_turns: int = 40
    turn_share: float = 0.15
    turn_importance: float = 0.5
    # Memories and turns of the ``session_top`` sessions most like the request (by their best turns) gain
    # ``w_session`` x that likeness, the best session fully (``retrieval.sessions``): what a short remark is
    # about is often said only by the conversation around it. Off by default: at 0.15 (MiniLM, 300 turns, PERMA
    # natural seed 0) facet recall rose 0.762 -> 0.821 but stale rose 0.309 -> 0.394 (old sessions come back with
    # their old values) and PrefEval's sessions filler fell 0.95 -> 0.80 (choice, explicit): distractor sessions.
    w_session: float = 0.0
    session_top: int = 4
    # Entries at least this relevant are packed in priority order (instructions first, ...); the rest
    # compete on score for what budget is left.
    priority_gate: dict[MemoryKind, float] = field(
        default_factory=lambda: {
            MemoryKind.INSTRUCTION: 0.30,
            MemoryKind.PREFERENCE: 0.30,
            MemoryKind.FACT: 0.35,
            MemoryKind.EPISODE: 0.45,
            MemoryKind.TURN: 0.45,
        }
    )


def memory_domains(pool: list[MemoryItem], dense: dict[str, float], cfg: RecallConfig) -> list[str]:
    """Domains of the ``infer_k`` memories most similar to the request (at least ``infer_min_sim``), each holding at
    least ``infer_min_share`` of their similarity mass; at most two, best first."""
    top = sorted((i for i in pool if i.domain and dense.get(i.id, 0.0) >= cfg.infer_min_sim),
                 key=lambda i: -dense[i.id])[: cfg.infer_k]
    votes: Counter[str] = Counter()
    for item in top:
        votes[item.domain] += dense[item.id]  # type: ignore[index]
    total = sum(votes.values())
    return [d for d, w in votes.most_common(2) if w >= cfg.infer_min_share * total]


class HybridRanker:
    def __init__(self, store: Store, index: VectorIndex, config: RecallConfig | None = None,
                 topics: TopicAffinity | None = None) -> None:
        self.store = store
        self.index = index
        self.config = config or RecallConfig()
        self.topics = topics
        self.bm25 = BM25Cache()
        self.snapshots = SnapshotCache()
        self._seen_version = store.data_version()

    def invalidate(self, user_id: str) -> None:
        """Drop every cached view of the user's memories (call after any change)."""
        self.bm25.invalidate(user_id)
        self.snapshots.invalidate(user_id)

    def changed(self, user_id: str) -> None:
        """After a write that removed no text: the next read patches the user's snapshot from the rows changed
        since (``retrieval.patch``) instead of reading everything again; the BM25 views patch the models they
        keep (``BM25Cache``). Anything else (forget, redaction, consolidation, import) calls ``invalidate`` or
        ``drop``."""
        self.bm25.invalidate(user_id)
        self.snapshots.changed(user_id)

    def drop(self, user_id: str) -> None:
        """``invalidate``, and drop what is kept across changes too (the BM25 tokens of each text): call when
        text is removed (forget, redaction, a deleted user)."""
        self.bm25.drop(user_id)
        self.snapshots.invalidate(user_id)

    def snapshot(self, user_id: str) -> Snapshot:
        version = self.store.data_version()
        if version != self._seen_version:  # another process wrote: every cached view may be stale
            self.snapshots.clear()
            self.bm25.clear()
            self._seen_version = version
        can_patch = patchable(self.store)

        def load() -> Snapshot:
            at = self.store.op_version(user_id) if can_patch else None  # before the rows (see retrieval.patch)
            snap = Snapshot(self.store.items(user_id), op_version=at)
            for e in self.store.edges(user_id, types=list(NEIGHBOUR_EDGES)):
                snap.neighbours.setdefault(e.src, set()).add(e.dst)
                snap.neighbours.setdefault(e.dst, set()).add(e.src)
            return snap

        def patch(old: Snapshot) -> Snapshot:
            cfg = self.config
            rows = self._topic_rows(user_id) if self.topics is not None and cfg.soft_domains else None
            return patch_snapshot(self.store, user_id, old, lambda items, arrays, changed, edit: ItemArrays.patched(
                arrays, items, changed, cfg.profile_kinds, half_life_days=cfg.recency_half_life_days, topic_rows=rows,
                edit=edit))

        return self.snapshots.get(user_id, load, patch if can_patch else None)

    def _arrays(self, user_id: str, snap: Snapshot, kinds: set[MemoryKind] | None) -> tuple[str, ItemArrays]:
        """The snapshot's current items (of ``kinds``) as columns, built once per snapshot and kinds filter."""
        key = user_id if kinds is None else f"{user_id}|{','.join(sorted(k.value for k in kinds))}"
        arrays = snap.arrays.get(key)
        if arrays is None:
            items = snap.items if not kinds else [i for i in snap.items if i.kind in kinds]
            arrays = snap.arrays[key] = self._columns(user_id, items, ref=None)
        return key, arrays

    def _columns(self, user_id: str, items: list[MemoryItem], ref: datetime | None) -> ItemArrays:
        cfg = self.config
        rows = self._topic_rows(user_id) if self.topics is not None and cfg.soft_domains else None
        return ItemArrays(items, cfg.profile_kinds, ref=ref, half_life_days=cfg.recency_half_life_days, topic_rows=rows)

    def _topic_rows(self, user_id: str) -> Callable[[list[str]], np.ndarray]:
        def rows(ids: list[str]) -> np.ndarray:
            assert self.topics is not None
            mat, found = self._rows(user_id, ids)
            out = self.topics.roots(mat)
            out[~found] = 0.0  # no vector: no topic (a zero vector would get a uniform distribution)
            return out

        return rows

    def candidates(self, user_id: str, qvec: np.ndarray, query: str, arrays: ItemArrays, bm: np.ndarray,
                   q_topic: np.ndarray | None, domains: list[str], related: set[str]) -> tuple[np.ndarray, set[int]]:
        """Rows worth scoring in full (in snapshot order), and which of them were found by search (the rest are
        profile items). Search: the dense top-k and the BM25 top-k. Profile: every instruction and preference,
        or, past ``max_profile_candidates``, the best of them by everything but the dense similarity."""
        cfg = self.config
        searched = [arrays.pos[iid] for iid, _ in self.index.search(user_id, qvec, cfg.k_search) if iid in arrays.pos]
        positive = np.flatnonzero(bm > 0)
        if len(positive) > cfg.k_search:
            positive = positive[np.argpartition(-bm[positive], cfg.k_search - 1)[: cfg.k_search]]
        found = set(searched) | set(positive.tolist())
        profile, codes, (importance, recency, evidence) = arrays.profile_view(
            (cfg.w_importance, cfg.w_recency, cfg.w_evidence))
        if len(profile) > cfg.max_profile_candidates:
            partial = (cfg.w_bm25 * bm[profile]
                       + cfg.w_domain * np.maximum(arrays.domain_table(domains, related)[codes],
                                                   arrays.topic(q_topic, profile))
                       + importance + recency + evidence)
            profile = profile[np.argpartition(-partial, cfg.max_profile_candidates - 1)[: cfg.max_profile_candidates]]
        rows = np.unique(np.concatenate([np.fromiter(found, dtype=np.int64, count=len(found)), profile]))
        return rows, found

    def rank(
        self,
        user_id: str,
        query: str,
        qvec: np.ndarray,
        *,
        kinds: set[MemoryKind] | None = None,
        as_of: datetime | None = None,
        query_domains: list[str] | None = None,
        extra: Sequence[str] = (),
    ) -> list[Scored]:
        """Score the candidates for ``query``; best first. ``extra``: ids of current memories to score as
        candidates too (those of the request's sessions, ``retrieval.sessions``)."""
        cfg = self.config
        domains = query_domains if query_domains is not None else classify_domains(query)
        related = {r for d in domains for r in RELATED_DOMAINS.get(d, ())} - set(domains)
        q_topic = self.topics.roots(qvec)[0] if self.topics is not None and cfg.soft_domains else None
        if as_of is not None:  # a past state: every item valid then is a candidate, nothing is cached
            pool = [i for i in self.store.items(user_id, statuses=None) if i.valid_at(as_of)]
            pool = [i for i in pool if kinds is None or i.kind in kinds]
            if not pool:
                return []
            arrays = self._columns(user_id, pool, ref=as_of)
            bm = self.bm25.score_once(arrays.ids, [i.text for i in pool], query)
            bm_arr = np.array([bm.get(i, 0.0) for i in arrays.ids], dtype=np.float64)
            rows, found = np.arange(len(pool)), set(range(len(pool)))
            located = None
        else:
            snap = self.snapshot(user_id)
            key, arrays = self._arrays(user_id, snap, kinds)
            if not len(arrays):
                return []
            bm_found = self.bm25.array(key, arrays.ids, arrays.texts, query, edit=arrays.edit)
            bm_arr = bm_found if bm_found is not None else np.zeros(len(arrays))
            rows, found = self.candidates(user_id, qvec, query, arrays, bm_arr, q_topic, domains, related)
            if extra:
                rows = np.union1d(rows, [arrays.pos[i] for i in extra if i in arrays.pos]).astype(np.int64)
            located = arrays.ids
        entries = self._score(user_id, qvec, arrays, rows, found, bm_arr, q_topic, domains, related,
                              ref=as_of, infer=cfg.infer_domains and query_domains is None, located=located)
        if as_of is None:
            self._expand(user_id, entries, kinds)
        return sorted(entries.values(), key=attrgetter("score"), reverse=True)  # stable, as key=-score is

    def _score(self, user_id: str, qvec: np.ndarray, arrays: ItemArrays, rows: np.ndarray, found: set[int],
               bm: np.ndarray, q_topic: np.ndarray | None, domains: list[str], related: set[str], *,
               ref: datetime | None, infer: bool, located: list[str] | None = None) -> dict[str, Scored]:
        """Every component of ``rows`` and their weighted sum, as entries keyed by item id (in row order).
        ``located``: ``arrays.ids`` when ``arrays`` is a snapshot's (kept as long), so the index may keep where
        each id's vector is (``ExactIndex.rows_of``)."""
        cfg = self.config
        at = rows.tolist()  # Python ints: indexing a list with numpy integers costs several times more
        items = [arrays.items[r] for r in at]
        ids = [arrays.ids[r] for r in at]
        dense = self._dense(user_id, ids, qvec, among=None if located is None else (located, rows))
        if infer:
            extra = memory_domains(items, dict(zip(ids, dense.tolist(), strict=True)), cfg)
            domains = [*domains, *(d for d in extra if d not in domains)]
            related = {r for d in domains for r in RELATED_DOMAINS.get(d, ())} - set(domains)
        # Recency is measured from the newest candidate (or the as_of date), as the loop this replaced did.
        stamps = arrays.stamps[rows]
        now = ref.timestamp() if ref is not None else float(stamps.max())
        recency = np.exp(-np.log(2) * np.maximum(0.0, (now - stamps) / 86400) / cfg.recency_half_life_days)
        domain = arrays.domain_match(domains, related, rows)
        topic = arrays.topic(q_topic, rows)
        bm_rows, importance, evidence = bm[rows], arrays.importance[rows], arrays.evidence[rows]
        score = (cfg.w_dense * dense + cfg.w_bm25 * bm_rows + cfg.w_domain * np.maximum(domain, topic)
                 + cfg.w_importance * importance + cfg.w_recency * recency + cfg.w_evidence * evidence)
        columns = _Columns([dense.tolist(), bm_rows.tolist(), domain.tolist(), topic.tolist(), importance.tolist(),
                            recency.tolist(), evidence.tolist()])
        return {item.id: Scored(item, s, (columns, j), "search" if row in found else "profile")
                for j, (item, row, s) in enumerate(zip(items, at, np.round(score, 6).tolist(), strict=True))}

    def _dense(self, user_id: str, ids: list[str], qvec: np.ndarray,
               among: tuple[list[str], np.ndarray] | None = None) -> np.ndarray:
        """Cosine of each item with the request (0 at least), or of its value phrase when that is closer.

        ``among`` (a snapshot's item ids, and the rows of it that ``ids`` are) lets an index with ``rows_of``
        (ExactIndex) gather the vectors from the row positions it keeps for that list."""
        rows_of = getattr(self.index, "rows_of", None)
        if among is not None and rows_of is not None:
            all_ids, rows = among
            items, _ = rows_of(user_id, all_ids, rows)
            values, _ = rows_of(namespace_key(user_id, VALUE_NAMESPACE), all_ids, rows, suffix=value_id(""))
        else:
            items, _ = self._rows(user_id, ids)
            values, _ = self._rows(namespace_key(user_id, VALUE_NAMESPACE), [value_id(i) for i in ids])
        q = np.asarray(qvec, dtype=np.float32)
        with one_blas_thread():
            sims = np.maximum(items @ q, values @ q)
        return np.maximum(0.0, sims).astype(np.float64)

    def _rows(self, key: str, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The stored vectors of ``ids`` as rows (zero rows for ids without one, their cosine is 0), and which
        ids have one. ``ExactIndex.rows`` gathers them in one step; any other index goes through ``vectors``."""
        rows = getattr(self.index, "rows", None)
        if rows is not None:
            return rows(key, ids)  # type: ignore[no-any-return]
        found = self.index.vectors(key, ids)
        dim = getattr(self.index, "dim", None)
        if not isinstance(dim, int):
            dim = len(next(iter(found.values()))) if found else 1
        out = np.zeros((len(ids), dim), dtype=np.float32)
        mask = np.zeros(len(ids), dtype=bool)
        for n, iid in enumerate(ids):
            vec = found.get(iid)
            if vec is not None:
                out[n], mask[n] = vec, True
        return out, mask

    def _expand(self, user_id: str, entries: dict[str, Scored], kinds: set[MemoryKind] | None) -> None:
        """One hop along relates_to / triggers edges from the best hits."""
        snap = self.snapshot(user_id)
        seeds = sorted(entries.values(), key=attrgetter("score"), reverse=True)[: self.config.graph_seeds]
        neighbours: dict[str, float] = {}
        for seed in seeds:
            for other in sorted(snap.neighbours.get(seed.item.id, ())):  # a set's order depends on its history
                if other not in entries:
                    neighbours[other] = max(neighbours.get(other, 0.0), seed.score * self.config.graph_decay)
        for iid, score in neighbours.items():
            item = snap.by_id.get(iid)
            if item is not None and (kinds is None or item.kind in kinds):
                entries[iid] = Scored(item, round(score, 6), {"graph": score}, "graph")
