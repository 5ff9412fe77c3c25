"""On-demand consolidation: fold exact duplicates together and let unimportant, unused memories fade.

Retention = importance x recency (of the last access or of the item) + a bonus for repeated evidence and use.
An item below the threshold becomes ``decayed``: out of recall, still in history and ``explain``.
Never decayed: standing instructions and any preference or fact that is the current value of its subject,
because forgetting the user's diet because nobody asked about it for a year would be a bug, not a policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from memagent._lexical import content_words, words
from memagent.store.base import Store
from memagent.types import Edge, EdgeType, MemoryItem, MemoryKind, Op, utcnow

__all__ = ["ConsolidationReport", "DecayPolicy", "consolidate"]


@dataclass
class DecayPolicy:
    half_life_days: float = 180.0
    threshold: float = 0.12

    def retention(self, item: MemoryItem, now: datetime) -> float:
        last = item.last_accessed or item.valid_from
        age = max(0.0, (now - last).total_seconds() / 86400)
        recency = math.exp(-math.log(2) * age / self.half_life_days)
        bonus = 0.1 * min(item.evidence_count - 1, 4) / 4 + 0.1 * min(item.access_count, 5) / 5
        return item.importance * recency + bonus

    @staticmethod
    def protected(item: MemoryItem) -> bool:
        return item.kind == MemoryKind.INSTRUCTION or (item.subject is not None and item.kind != MemoryKind.EPISODE)


_NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "cannot", "without"})


def _duplicate_key(item: MemoryItem) -> tuple[str, int, bool, str]:
    """Items with the same key say the same thing. Content words drop "not" and "no", so polarity and negation
    are part of the key: "User does not love jazz." must never fold into "User loves jazz."."""
    ws = words(item.text.replace("\u2019", "'"))
    negated = any(w in _NEGATIONS or w.endswith("n't") for w in ws)
    return item.kind.value, item.polarity, negated, " ".join(content_words(item.text))


@dataclass
class ConsolidationReport:
    merged: dict[str, str] = field(default_factory=dict)  # duplicate id -> the id it was folded into
    decayed: list[str] = field(default_factory=list)
    kept: int = 0


def consolidate(store: Store, user_id: str, policy: DecayPolicy, *, now: datetime | None = None) -> ConsolidationReport:
    """Raises NotFoundError for an unknown user."""
    store.require_user(user_id)
    now = now or utcnow()
    report = ConsolidationReport()
    with store.transaction():
        store.lock_user(user_id)  # read under the lock: another app server may be consolidating this user too
        items = store.items(user_id)
        seen: dict[tuple[str, int, bool, str], MemoryItem] = {}
        for item in items:
            key = _duplicate_key(item)
            keep = seen.get(key)
            if keep is None:
                seen[key] = item
                continue
            store.update_item(user_id, keep.id, evidence_count=keep.evidence_count + item.evidence_count)
            for ev in item.source_event_ids:
                store.link_item_event(user_id, keep.id, ev)
            store.update_item(user_id, item.id, status="superseded", valid_to=now, superseded_by=keep.id)
            store.insert_edge(Edge(user_id=user_id, src=keep.id, dst=item.id, type=EdgeType.SUPERSEDES,
                                   metadata={"reason": "duplicate"}))
            store.add_history(user_id, Op.MERGE, item_id=keep.id, detail={"duplicate": item.id})
            report.merged[item.id] = keep.id
        for item in seen.values():
            if not policy.protected(item) and policy.retention(item, now) < policy.threshold:
                store.update_item(user_id, item.id, status="decayed")
                store.add_history(user_id, Op.DECAY, item_id=item.id,
                                  detail={"retention": round(policy.retention(item, now), 4)})
                report.decayed.append(item.id)
            else:
                report.kept += 1
    return report
