"""The instruction pool behind NLSI-style episodes, and the reference rules that define the gold answers.

Each tagged instruction becomes a :class:`PoolInstruction`: its domain(s), and its gold slot values with a
role, *condition* when the value sits in the clause saying when the instruction applies ("if ...", "when ..."),
else *action*. :func:`reference_select` is the task definition the episodes are scored against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.nlsi.phrasing import DOMAIN_PHRASES
from memagent._lexical import content_words
from memagent.instructions.domains import DOMAINS, PLACE_SLOTS, domain_mentions
from memagent.instructions.parse import BOOLEAN_SLOTS, condition_clauses
from memagent.instructions.tags import TaggedInstruction

__all__ = ["GoldSlot", "Pool", "PoolInstruction", "reference_select", "to_pool"]


@dataclass(frozen=True)
class GoldSlot:
    slot: str
    value: str
    role: str  # condition | action
    start: int = 0
    end: int = 0

    @property
    def group(self) -> str:
        return "PLACE" if self.slot in PLACE_SLOTS else self.slot

    @property
    def norm(self) -> str:
        if self.slot in BOOLEAN_SLOTS:  # "suitable for children" and "kid-friendly" are the same yes
            return "true"
        return " ".join(content_words(self.value)) or self.value.lower()


@dataclass(frozen=True)
class PoolInstruction:
    text: str
    domains: tuple[str, ...]
    slots: tuple[GoldSlot, ...] = ()
    cond_domains: tuple[str, ...] = ()
    additive: bool = False

    @property
    def domain(self) -> str:
        return self.domains[0]

    @property
    def is_link(self) -> bool:
        return len(self.domains) > 1

    @property
    def conditions(self) -> list[GoldSlot]:
        return [s for s in self.slots if s.role == "condition"]

    @property
    def actions(self) -> list[GoldSlot]:
        return [s for s in self.slots if s.role == "action"]

    @property
    def action_groups(self) -> frozenset[str]:
        return frozenset(a.group for a in self.actions)

    def key(self) -> tuple[str, frozenset[str], frozenset[tuple[str, str]]]:
        """What a newer non-additive instruction replaces: same domain, action slots and conditions."""
        return self.domain, self.action_groups, frozenset((c.group, c.norm) for c in self.conditions)


def _broken(span_value: str, slot: str) -> bool:
    """A span holding the slot's name instead of a value ("my preferred [SL:CATEGORY category] is X")."""
    words = set(content_words(span_value))
    if not words or span_value.strip().lower() in {d.lower() for d in DOMAINS}:
        return True
    return words <= set(content_words(slot.replace("_", " "))) | {"prefer", "city"} and slot != "CITY"


def _link_conditions(t: TaggedInstruction) -> tuple[str, ...]:
    """Which tagged domains trigger a link: the one named in its "if/when" clause; else the outer tag of a
    nested pair ("[IN:A ... [IN:B ...]]"); else every domain ("look at both Hotels and Flights")."""
    clauses = condition_clauses(t.text)
    named = [d for d, s, _ in domain_mentions(t.text) if d in t.domains and any(a <= s < b for a, b in clauses)]
    return tuple(dict.fromkeys(named)) or tuple(dict.fromkeys(o for o, _ in t.nested)) or tuple(t.domains)


def to_pool(t: TaggedInstruction) -> PoolInstruction | None:
    """A tagged row as a pool instruction; None when its tags are unusable for building episodes."""
    if t.unplaced:
        return None
    if t.multi_domain:
        if t.spans:
            return None
        return PoolInstruction(t.text, tuple(t.domains), cond_domains=_link_conditions(t))
    if any(_broken(s.value, s.slot) for s in t.spans):
        return None
    clauses = condition_clauses(t.text)
    slots = tuple(GoldSlot(s.slot, s.value, "condition" if any(a <= s.start < b for a, b in clauses) else "action",
                           s.start, s.end) for s in t.spans)
    ins = PoolInstruction(t.text, tuple(t.domains), slots)
    if ins.conditions and not ins.actions:
        return None
    return ins


@dataclass
class Pool:
    """Instructions grouped for the generators, plus known values per (domain, slot)."""

    defaults: dict[str, list[PoolInstruction]] = field(default_factory=dict)
    conditionals: dict[str, list[PoolInstruction]] = field(default_factory=dict)
    links: list[PoolInstruction] = field(default_factory=list)
    values: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Sequence[TaggedInstruction]) -> Pool:
        pool = cls()
        for t in rows:
            ins = to_pool(t)
            if ins is None:
                continue
            if ins.is_link:
                pool.links.append(ins)
                continue
            bucket = pool.conditionals if ins.conditions else pool.defaults
            bucket.setdefault(ins.domain, []).append(ins)
            for s in ins.slots:
                vals = pool.values.setdefault((ins.domain, s.slot), [])
                if s.value not in vals:
                    vals.append(s.value)
        return pool

    def domains(self) -> list[str]:
        return sorted(d for d in self.defaults if d in DOMAIN_PHRASES)


# -- the reference rules ----------------------------------------------------------------------------------
def _current(profile: Sequence[PoolInstruction]) -> tuple[list[int], list[int]]:
    """Indices still current after newer non-additive instructions replaced older ones; and the replaced."""
    latest: dict[object, int] = {}
    replaced = []
    for i, ins in enumerate(profile):
        if ins.is_link or ins.additive or not ins.actions:
            continue
        k = ins.key()
        if k in latest:
            replaced.append(latest[k])
        latest[k] = i
    return [i for i in range(len(profile)) if i not in replaced], replaced


def reference_select(profile: Sequence[PoolInstruction], domain: str,
                     mentions: Sequence[tuple[str, str]]) -> tuple[list[int], list[int]]:
    """Gold applicable indices and conflict losers for a request about ``domain`` stating ``mentions``."""
    current, replaced = _current(profile)
    stated = {(g.group, g.norm) for g in (GoldSlot(s, v, "request") for s, v in mentions)}
    stated_groups = {g for g, _ in stated}
    active, chosen = {domain}, []
    for _ in range(6):
        changed = False
        for i in current:
            ins = profile[i]
            if i in chosen:
                continue
            if ins.is_link:
                if set(ins.cond_domains) & active:
                    active |= set(ins.domains)
                    chosen.append(i)
                    changed = True
                continue
            if ins.domain not in active:
                continue
            set_by = {(a.group, a.norm) for j in chosen for a in profile[j].actions}
            if all((c.group, c.norm) in stated or (c.group, c.norm) in set_by for c in ins.conditions):
                chosen.append(i)
                changed = True
        if not changed:
            break
    losers = [i for i in chosen if profile[i].actions and all(
        a.group in stated_groups and (a.group, a.norm) not in stated for a in profile[i].actions)]
    for i in chosen:
        ins = profile[i]
        if i in losers or ins.is_link or ins.conditions:
            continue
        if any(j not in losers and profile[j].conditions and profile[j].domain == ins.domain
               and profile[j].action_groups & ins.action_groups for j in chosen):
            losers.append(i)
    superseded = [i for i in replaced if any(profile[j].key() == profile[i].key() for j in chosen if j not in losers)]
    return sorted(i for i in chosen if i not in losers), sorted(losers + superseded)
