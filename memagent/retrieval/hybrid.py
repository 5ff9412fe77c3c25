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

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from memagent._blas import one_blas_thread
from memagent.graph.domains import RELATED_DOMAINS, classify_domains
from memagent.graph.values import VALUE_NAMESPACE, value_id
from memagent.retrieval.bm25 import BM25Cache
from memagent.retrieval.cache import Snapshot, SnapshotCache
from memagent.retrieval.topics import TopicAffinity
from memagent.store.base import Store
from memagent.store.index import VectorIndex, namespace_key
from memagent.types import EdgeType, MemoryItem, MemoryKind

__all__ = ["HybridRanker", "RecallConfig", "Scored"]


@dataclass(slots=True)
class Scored:
    """A ranked candidate: plain and cheap, since thousands are scored per recall and few are packed."""

    item: MemoryItem
    score: float
    components: dict[str, float]
    via: str = "search"


@dataclass
class RecallConfig:
    """Weights and limits of the read path. Defaults are tuned on the PrefEval and PERMA harnesses."""

    w_dense: float = 0.45
    w_bm25: float = 0.20
    w_domain: float = 0.15
    w_importance: float = 0.10
    w_recency: float = 0.05
    w_evidence: float = 0.05
    recency_half_life_days: float = 90.0
    k_search: int = 100
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
    # ``w_importance`` x ``turn_user_importance`` when the user said it; ``turn_share`` of the budget is kept for
    # the best turns once the profile's full lines are in.
    turns: bool = True
    w_turn: float = 0.9
    k_turns: int = 40
    turn_share: float = 0.3
    turn_user_importance: float = 0.5
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

    def snapshot(self, user_id: str) -> Snapshot:
        version = self.store.data_version()
        if version != self._seen_version:  # another process wrote: every cached view may be stale
            self.snapshots.clear()
            self.bm25.clear()
            self._seen_version = version

        def load() -> Snapshot:
            snap = Snapshot(self.store.items(user_id))
            for e in self.store.edges(user_id, types=[EdgeType.RELATES_TO, EdgeType.TRIGGERS]):
                snap.neighbours.setdefault(e.src, set()).add(e.dst)
                snap.neighbours.setdefault(e.dst, set()).add(e.src)
            return snap

        return self.snapshots.get(user_id, load)

    def candidates(
        self, user_id: str, qvec: np.ndarray, query: str, kinds: set[MemoryKind] | None, as_of: datetime | None
    ) -> tuple[list[MemoryItem], dict[str, str], dict[str, float]]:
        """The items worth scoring, how each was found (search / profile), and their BM25 scores."""
        cfg = self.config
        if as_of is not None:
            pool = [i for i in self.store.items(user_id, statuses=None) if i.valid_at(as_of)]
            pool = [i for i in pool if kinds is None or i.kind in kinds]
            bm = self.bm25.score_once([i.id for i in pool], [i.text for i in pool], query)
            return pool, {i.id: "search" for i in pool}, bm
        found: dict[str, str] = {}
        for iid, _ in self.index.search(user_id, qvec, cfg.k_search):
            found[iid] = "search"
        current = self.snapshot(user_id).items
        if kinds:
            current = [i for i in current if i.kind in kinds]
        cache_key = user_id if kinds is None else f"{user_id}|{','.join(sorted(k.value for k in kinds))}"
        bm = self.bm25.scores(cache_key, [i.id for i in current], [i.text for i in current], query)
        for iid, _ in sorted(bm.items(), key=lambda kv: -kv[1])[: cfg.k_search]:
            found.setdefault(iid, "search")
        for i in current:
            if i.kind in cfg.profile_kinds:
                found.setdefault(i.id, "profile")
        return [i for i in current if i.id in found], found, bm

    def rank(
        self,
        user_id: str,
        query: str,
        qvec: np.ndarray,
        *,
        kinds: set[MemoryKind] | None = None,
        as_of: datetime | None = None,
        query_domains: list[str] | None = None,
    ) -> list[Scored]:
        """Score the candidates for ``query``; best first."""
        cfg = self.config
        pool, via, bm = self.candidates(user_id, qvec, query, kinds, as_of)
        if not pool:
            return []
        ids, vecs = self._vectors(user_id, [i.id for i in pool])
        dense = self._cosines(ids, vecs, qvec)
        topic: dict[str, float] = {}
        if self.topics is not None and cfg.soft_domains and ids:
            topic = dict(zip(ids, (float(a) for a in self.topics.affinity(qvec, vecs)), strict=True))
        # A preference is as close as its closer vector: its sentence, or its value phrase (graph/values.py).
        by_value = {value_id(i.id): i.id for i in pool}
        vids, vvecs = self._vectors(namespace_key(user_id, VALUE_NAMESPACE), list(by_value))
        for vid, sim in self._cosines(vids, vvecs, qvec).items():
            dense[by_value[vid]] = max(dense.get(by_value[vid], 0.0), sim)
        domains = query_domains if query_domains is not None else classify_domains(query)
        if cfg.infer_domains and query_domains is None:
            domains = [*domains, *(d for d in memory_domains(pool, dense, cfg) if d not in domains)]
        related = {r for d in domains for r in RELATED_DOMAINS.get(d, ())} - set(domains)
        ref = as_of or max(i.valid_from for i in pool)
        entries: dict[str, Scored] = {}
        for item in pool:
            age_days = max(0.0, (ref - item.valid_from).total_seconds() / 86400)
            comp = {
                "dense": dense.get(item.id, 0.0),
                "bm25": bm.get(item.id, 0.0),
                "domain": 1.0 if item.domain in domains else 0.5 if item.domain in related else 0.0,
                "topic": topic.get(item.id, 0.0),
                "importance": item.importance,
                "recency": math.exp(-math.log(2) * age_days / cfg.recency_half_life_days),
                "evidence": min(1.0, (item.evidence_count - 1) / 4),
            }
            score = (
                cfg.w_dense * comp["dense"]
                + cfg.w_bm25 * comp["bm25"]
                + cfg.w_domain * max(comp["domain"], comp["topic"])
                + cfg.w_importance * comp["importance"]
                + cfg.w_recency * comp["recency"]
                + cfg.w_evidence * comp["evidence"]
            )
            entries[item.id] = Scored(item, round(score, 6), comp, "profile" if via.get(item.id) == "profile" else "search")
        if as_of is None:
            self._expand(user_id, entries, kinds)
        return sorted(entries.values(), key=lambda e: -e.score)

    def _vectors(self, key: str, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """The stored vectors of ``ids`` that have one, as (their ids, a matrix)."""
        found = self.index.vectors(key, ids)
        if not found:
            return [], np.zeros((0, 0), dtype=np.float32)
        return list(found), np.stack(list(found.values()))

    @staticmethod
    def _cosines(ids: list[str], vecs: np.ndarray, qvec: np.ndarray) -> dict[str, float]:
        if not ids:
            return {}
        with one_blas_thread():
            sims = vecs @ qvec
        return {iid: max(0.0, float(sim)) for iid, sim in zip(ids, sims, strict=True)}

    def _expand(self, user_id: str, entries: dict[str, Scored], kinds: set[MemoryKind] | None) -> None:
        """One hop along relates_to / triggers edges from the best hits."""
        snap = self.snapshot(user_id)
        seeds = sorted(entries.values(), key=lambda e: -e.score)[: self.config.graph_seeds]
        neighbours: dict[str, float] = {}
        for seed in seeds:
            for other in snap.neighbours.get(seed.item.id, ()):
                if other not in entries:
                    neighbours[other] = max(neighbours.get(other, 0.0), seed.score * self.config.graph_decay)
        for iid, score in neighbours.items():
            item = snap.by_id.get(iid)
            if item is not None and (kinds is None or item.kind in kinds):
                entries[iid] = Scored(item, round(score, 6), {"graph": score}, "graph")
