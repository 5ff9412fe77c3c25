"""Offline multi-pass selection over parsed instructions: follow chains, then settle conflicts.

Pass by pass, until nothing changes (at most ``max_passes``):

1. an instruction applies when the request is about its domain and each of its conditions holds, either
   stated in the request or set by an instruction already selected (**MultiHop**);
2. a selected link instruction ("when I look at Travel, also check Hotels") adds its domains to the active
   set, so their instructions are considered in the next pass (**MultiDomain**).

Then conflicts (**Conflict**): an instruction setting a slot the request states differently is overridden by
the request; among instructions on the same slot, one whose condition holds beats an unconditional one.
Several unconditional instructions on one slot all stay (**MultiPreference**). Nothing applying is a valid
answer (**NoneApplicable**).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from memagent._lexical import content_words
from memagent.instructions.parse import ParsedInstruction, ParsedRequest, SlotValue
from memagent.instructions.store import StoredInstruction

__all__ = ["MultipassResult", "value_matches", "values_equal", "multipass"]


def values_equal(a: str, b: str, threshold: float = 88.0) -> bool:
    """The same value, up to case, punctuation and small spelling differences ("San Fran" ~ "san fran.")."""
    na, nb = " ".join(content_words(a)) or a.lower(), " ".join(content_words(b)) or b.lower()
    return na == nb or fuzz.token_sort_ratio(na, nb) >= threshold


def value_matches(value: str, text: str, threshold: float = 90.0) -> bool:
    """``value`` is mentioned in ``text``: all its content words appear, or a close fuzzy substring does."""
    vw = content_words(value)
    tw = set(content_words(text))
    if vw and all(w in tw for w in vw):
        return True
    v = value.lower().strip()
    return len(v) >= 4 and fuzz.partial_ratio(v, text.lower()) >= threshold


@dataclass
class Pick:
    instruction: StoredInstruction
    via: str  # direct | hop | domain
    reason: str
    score: float
    enabled_by: tuple[str, ...] = ()  # instructions whose actions met this one's conditions


@dataclass
class Loss:
    instruction: StoredInstruction
    reason: str
    winner_id: str | None  # None: the request itself


@dataclass
class MultipassResult:
    picks: list[Pick] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    active_domains: list[str] = field(default_factory=list)


def _condition_met(cond: SlotValue, request: ParsedRequest, picked: Sequence[Pick]) -> tuple[bool, str | None]:
    """(met, id of the selected instruction that met it, or None when the request did)."""
    for rv in request.values:
        if rv.group and cond.group and rv.group == cond.group and not values_equal(rv.value, cond.value):
            return False, None  # the request states this slot with another value
    if value_matches(cond.value, request.text) or any(
            rv.slot == cond.slot and values_equal(rv.value, cond.value) for rv in request.values):
        return True, None
    for pick in picked:
        for act in pick.instruction.parsed.actions:
            if values_equal(act.value, cond.value):
                return True, pick.instruction.id
    return False, None


def multipass(instructions: Sequence[StoredInstruction], request: ParsedRequest, *, max_passes: int = 4) -> MultipassResult:
    """Select the applicable instructions for ``request`` (see the module docstring)."""
    active = list(dict.fromkeys(request.domains))
    result = MultipassResult()
    picked: dict[str, Pick] = {}
    for n in range(max_passes):
        changed = False
        for ins in instructions:
            if ins.id in picked:
                continue
            p = ins.parsed
            if p.is_link:
                trigger = next((d for d in p.condition_domains if d in active), None)
                if trigger is None:
                    continue
                new = [d for d in p.domains if d not in active]
                active.extend(new)
                targets = ", ".join(d for d in p.domains if d != trigger)
                picked[ins.id] = Pick(ins, "direct" if n == 0 else "domain",
                                      f"request involves {trigger}; this links it to {targets}", 1.0)
                changed = True
                continue
            if p.is_general:
                if not p.topics or set(p.topics) & set(request.topics):
                    topic = next((t for t in p.topics if t in request.topics), None)
                    picked[ins.id] = Pick(ins, "direct", f"request is about {topic}" if topic else "applies to every request", 1.0)
                    changed = True
                continue
            domain = p.primary_domain
            if domain is None or domain not in active:
                continue
            hops: list[str] = []
            met = True
            for cond in p.conditions:
                ok, via = _condition_met(cond, request, list(picked.values()))
                if not ok:
                    met = False
                    break
                if via is not None:
                    hops.append(via)
            if not met:
                continue
            from_link = domain not in request.domains
            if hops:
                reason = f"its condition is set by instruction {hops[0]}"
                via = "hop"
            elif p.conditions:
                reason = "request is about " + domain + " and states " + ", ".join(c.value for c in p.conditions)
                via = "domain" if from_link else "direct"
            else:
                reason = f"applies to every {domain} request" + (" (domain linked by another instruction)" if from_link else "")
                via = "domain" if from_link else "direct"
            picked[ins.id] = Pick(ins, via, reason, 1.0 if via == "direct" else 0.9, tuple(hops))
            changed = True
        if not changed:
            break
    result.active_domains = active
    _settle(picked, request, result)
    return result


def _settle(picked: dict[str, Pick], request: ParsedRequest, result: MultipassResult) -> None:
    """Drop overridden instructions into ``result.losses``; the rest become ``result.picks``."""
    stated = [rv for rv in request.values if rv.sure_group]
    lost: dict[str, Loss] = {}
    for pick in picked.values():
        p = pick.instruction.parsed
        if p.is_link or not p.actions:
            continue
        overridden = [a for a in p.actions if a.sure_group and any(
            rv.sure_group == a.sure_group and not values_equal(rv.value, a.value)
            and not any(values_equal(rv.value, c.value) for c in p.conditions) for rv in stated)]
        if overridden and len(overridden) == len(p.actions):
            said = next(rv.value for rv in stated if rv.sure_group == overridden[0].sure_group)
            lost[pick.instruction.id] = Loss(pick.instruction, f"the request asks for {said} instead", None)
    for pick in picked.values():
        p = pick.instruction.parsed
        if pick.instruction.id in lost or p.is_link or p.conditions:
            continue
        rival = next((o for o in picked.values() if o.instruction.id not in lost and o.instruction.parsed.conditions
                      and pick.instruction.id not in o.enabled_by
                      and o.instruction.parsed.primary_domain == p.primary_domain
                      and _same_slot(p.actions, o.instruction.parsed)), None)
        if rival is not None:
            lost[pick.instruction.id] = Loss(pick.instruction, "a more specific instruction on the same thing applies",
                                             rival.instruction.id)
    result.losses = list(lost.values())
    result.picks = [p for i, p in picked.items() if i not in lost]


def _same_slot(general: Sequence[SlotValue], specific: ParsedInstruction) -> bool:
    """Both surely set one slot. A slot the specific instruction conditions on is not one it sets (when the
    parser says so, it mistyped the action)."""
    conditioned = {c.group for c in specific.conditions}
    return any(g.sure_group and g.sure_group == s.sure_group and s.sure_group not in conditioned
               for g in general for s in specific.actions)
