"""NLSI-style episodes built from tagged instructions: a user profile, a request, the gold applicable set.

What is real and what is synthetic:

- **real**: every instruction text comes from the tagged file (NLSI texts), and its domain, slots and values
  from the gold tags; the condition/action role of a value comes from the clause it sits in;
- **synthetic**: the requests (:mod:`benchmarks.nlsi.phrasing`); the profiles (real instructions of many
  users mixed into one); for **MultiHop**, the first instruction's value is replaced by the value the second
  one's condition needs (as NLSI built its chains from templates); for **MultiPreference**, a second real
  instruction on the same slot gets an additive marker ("..., as well"), because in memagent a plain
  restatement of a slot is an update (**Conflict**, newest wins).

Gold sets follow one reference rule set (:func:`reference_select`), applied to the gold tags.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from benchmarks.nlsi.phrasing import DOMAIN_PHRASES, request_text
from benchmarks.nlsi.pool import GoldSlot, Pool, PoolInstruction, reference_select
from memagent._lexical import content_words
from memagent.instructions.parse import BOOLEAN_SLOTS

__all__ = ["REASONING_TYPES", "Episode", "GoldSlot", "Pool", "PoolInstruction", "build_episodes", "reference_select"]

REASONING_TYPES = ("NoneApplicable", "Plain", "MultiHop", "MultiDomain", "MultiPreference", "Conflict")


@dataclass
class Episode:
    id: str
    type: str
    subkind: str
    request: str
    request_domain: str
    mentions: list[tuple[str, str]]
    profile: list[PoolInstruction]  # in the order they are written (oldest first)
    gold: list[int] = field(default_factory=list)  # indices into profile
    losers: list[int] = field(default_factory=list)  # conflict losers (overridden or superseded)


# -- generators -------------------------------------------------------------------------------------------
def _substitute(ins: PoolInstruction, slot: GoldSlot, value: str) -> PoolInstruction:
    text = ins.text[:slot.start] + value + ins.text[slot.end:]
    shift = len(value) - (slot.end - slot.start)
    slots = tuple(replace(s, value=value, end=s.start + len(value)) if s == slot else
                  (replace(s, start=s.start + shift, end=s.end + shift) if s.start > slot.start else s) for s in ins.slots)
    return replace(ins, text=text, slots=slots)


def _additive(ins: PoolInstruction, rng: random.Random) -> PoolInstruction:
    """The same instruction phrased as an addition ("..., as well." / "Also, ...")."""
    body = ins.text.rstrip()
    if rng.random() < 0.5:
        text = re.sub(r"[.!]?\s*$", "", body) + ", as well."
    else:
        text = "Also, " + (body if body.startswith("I ") else body[0].lower() + body[1:])
    # character offsets no longer hold after the rewrite; values and roles do
    return replace(ins, text=text, additive=True, slots=tuple(replace(s, start=0, end=0) for s in ins.slots))


class Builder:
    """Draws episodes of one reasoning type at a time from a :class:`Pool` with a seeded RNG."""

    def __init__(self, pool: Pool, rng: random.Random, sizes: tuple[int, int] = (5, 20)) -> None:
        self.pool, self.rng, self.sizes = pool, rng, sizes

    # helpers
    def _distractors(self, exclude: set[str], n: int, taken: Sequence[PoolInstruction]) -> list[PoolInstruction]:
        cands = [i for d, items in self.pool.defaults.items() if d not in exclude for i in items]
        cands += [i for d, items in self.pool.conditionals.items() if d not in exclude for i in items]
        cands += [i for i in self.pool.links if not set(i.domains) & exclude]
        self.rng.shuffle(cands)
        out: list[PoolInstruction] = []
        keys = {t.key() for t in taken if not t.is_link}
        for c in cands:
            if len(out) >= n:
                break
            if c.is_link and any(o.is_link and set(o.domains) & set(c.domains) for o in out):
                continue  # two links sharing a domain would chain distractor domains together
            if not c.is_link and c.key() in keys:
                continue
            if not c.is_link:
                keys.add(c.key())
            out.append(c)
        return out

    def _hard_negatives(self, domain: str, k: int, avoid: set[tuple[str, str]]) -> list[PoolInstruction]:
        """Conditional instructions of ``domain`` whose conditions the request will not meet."""
        items = [c for c in self.pool.conditionals.get(domain, []) if not {(s.group, s.norm) for s in c.conditions} & avoid]
        return self.rng.sample(items, min(k, len(items)))

    def _finish(self, kind: str, sub: str, domain: str, core: list[PoolInstruction],
                mentions: list[tuple[str, str]], *, order: Callable[[list[PoolInstruction]], list[PoolInstruction]] | None = None,
                exclude: set[str] | None = None) -> Episode:
        size = max(len(core), self.rng.randint(*self.sizes))
        extra = self._distractors((exclude or set()) | {domain}, size - len(core), core)
        profile = core + extra
        self.rng.shuffle(profile)
        if order is not None:
            profile = order(profile)
        request = request_text(domain, mentions, self.rng)
        gold, losers = reference_select(profile, domain, mentions)
        return Episode("", kind, sub, request, domain, mentions, profile, gold, losers)

    def _pick_defaults(self, domain: str, k: int, avoid_groups: frozenset[str] = frozenset()) -> list[PoolInstruction]:
        out: list[PoolInstruction] = []
        groups = set(avoid_groups)
        items = list(self.pool.defaults.get(domain, []))
        self.rng.shuffle(items)
        for d in items:
            if len(out) >= k:
                break
            if d.actions and d.action_groups & groups:
                continue
            groups |= d.action_groups
            out.append(d)
        return out

    def _other_value(self, domain: str, slot: str, avoid: set[str]) -> str | None:
        vals = [v for v in self.pool.values.get((domain, slot), []) if " ".join(content_words(v)) not in avoid]
        return self.rng.choice(vals) if vals else None

    # one generator per reasoning type; each returns None when the pool cannot serve it
    def plain(self) -> Episode | None:
        domain = self.rng.choice(self.pool.domains())
        core: list[PoolInstruction] = []
        mentions: list[tuple[str, str]] = []
        conds = self.pool.conditionals.get(domain, [])
        if conds and self.rng.random() < 0.5:
            met = self.rng.choice(conds)
            core.append(met)
            mentions = [(c.slot, c.value) for c in met.conditions]
        used = frozenset(g for c in core for g in c.action_groups | {s.group for s in c.conditions})
        core += self._pick_defaults(domain, self.rng.randint(0 if core else 1, 3), used)
        said = {(g.group, g.norm) for g in (GoldSlot(s, v, "request") for s, v in mentions)}
        core += self._hard_negatives(domain, self.rng.randint(0, 2), said)
        return self._finish("Plain", "defaults+conditional" if mentions else "defaults", domain, core, mentions)

    def none_applicable(self) -> Episode | None:
        domain = self.rng.choice(sorted(set(self.pool.conditionals) | set(self.pool.defaults)))
        if domain not in DOMAIN_PHRASES:
            return None
        core = self._hard_negatives(domain, self.rng.randint(0, 2), set())
        return self._finish("NoneApplicable", "hard-negatives" if core else "other-domains", domain, core, [],
                            exclude={domain} | {d for link in self.pool.links for d in link.domains if domain in link.domains})

    def multi_hop(self) -> Episode | None:
        chains = [(b, c) for items in self.pool.conditionals.values() for b in items for c in b.conditions
                  if len(b.conditions) == 1 and self._setters(b.domain, c.group)]
        if not chains:
            return None
        second, cond = self.rng.choice(chains)
        first = self.rng.choice(self._setters(second.domain, cond.group))
        slot = next(a for a in first.actions if a.group == cond.group)
        first = _substitute(first, slot, cond.value)
        core = [first, second] + self._pick_defaults(second.domain, self.rng.randint(0, 1), first.action_groups | second.action_groups)
        core += self._hard_negatives(second.domain, self.rng.randint(0, 1), {(cond.group, cond.norm)})
        return self._finish("MultiHop", "slot-chain", second.domain, core, [])

    def _setters(self, domain: str, group: str) -> list[PoolInstruction]:
        return [d for d in self.pool.defaults.get(domain, []) if len(d.actions) == 1 and d.actions[0].group == group]

    def multi_domain(self) -> Episode | None:
        links = [link for link in self.pool.links if any(d in self.pool.defaults for d in link.domains)]
        if not links:
            return None
        link = self.rng.choice(links)
        trigger = self.rng.choice(list(link.cond_domains))
        targets = [d for d in link.domains if d != trigger]
        core = [link]
        for d in targets:
            core += self._pick_defaults(d, self.rng.randint(1, 2))
        core += self._pick_defaults(trigger, self.rng.randint(0, 1))
        if trigger not in DOMAIN_PHRASES or len(core) == 1:
            return None
        return self._finish("MultiDomain", "link", trigger, core, [], exclude=set(link.domains))

    def multi_preference(self) -> Episode | None:
        pairs = [(d, g) for d, items in self.pool.defaults.items()
                 for g in sorted({a.group for i in items for a in i.actions})  # sorted: sets iterate by hash seed
                 if sum(1 for i in items if i.action_groups == {g}) >= 2]
        if not pairs:
            return None
        domain, group = self.rng.choice(pairs)
        same = [i for i in self.pool.defaults[domain] if i.action_groups == {group}]
        first, second = self.rng.sample(same, 2)
        if {a.norm for a in first.actions} & {a.norm for a in second.actions}:
            return None
        second_add = _additive(second, self.rng)
        core = [first, second_add] + self._pick_defaults(domain, self.rng.randint(0, 1), frozenset({group}))
        core += self._hard_negatives(domain, self.rng.randint(0, 1), set())
        return self._finish("MultiPreference", "additive", domain, core, [],
                            order=lambda p: _before(p, first, second_add))

    def conflict(self) -> Episode | None:
        sub = self.rng.choice(("request-override", "newer-wins", "specific-wins"))
        domain = self.rng.choice(self.pool.domains())
        singles = [i for i in self.pool.defaults.get(domain, []) if len(i.actions) == 1]
        if not singles:
            return None
        target = self.rng.choice(singles)
        a = target.actions[0]
        others = self._pick_defaults(domain, self.rng.randint(0, 2), target.action_groups)
        if sub == "request-override":
            if a.slot in BOOLEAN_SLOTS:
                return None  # yes/no slots are phrased, not valued: no other value to ask for
            value = self._other_value(domain, a.slot, {a.norm})
            if value is None:
                return None
            return self._finish("Conflict", sub, domain, [target, *others], [(a.slot, value)])
        if sub == "newer-wins":
            rivals = [i for i in singles if i.action_groups == target.action_groups and i.actions[0].norm != a.norm]
            if not rivals:
                return None
            newer = self.rng.choice(rivals)
            return self._finish("Conflict", sub, domain, [target, newer, *others], [],
                                order=lambda p: _before(p, target, newer))
        specific = [c for c in self.pool.conditionals.get(domain, [])
                    if c.action_groups & target.action_groups and not c.action_groups - target.action_groups]
        if not specific:
            return None
        chosen = self.rng.choice(specific)
        others = [o for o in others if not o.action_groups & {c.group for c in chosen.conditions}]
        return self._finish("Conflict", sub, domain, [target, chosen, *others], [(c.slot, c.value) for c in chosen.conditions])


def _before(profile: list[PoolInstruction], first: PoolInstruction, second: PoolInstruction) -> list[PoolInstruction]:
    """Reorder so ``first`` is written before ``second``."""
    i, j = profile.index(first), profile.index(second)
    if i > j:
        profile[i], profile[j] = profile[j], profile[i]
    return profile


def build_episodes(pool: Pool, per_type: int, *, seed: int = 0, sizes: tuple[int, int] = (5, 20),
                   types: Sequence[str] = REASONING_TYPES) -> list[Episode]:
    """``per_type`` episodes of each reasoning type (fewer when the pool cannot make them), deterministic."""
    out: list[Episode] = []
    for t_index, kind in enumerate(types):
        builder = Builder(pool, random.Random(seed * 1000 + t_index), sizes)
        make = {"NoneApplicable": builder.none_applicable, "Plain": builder.plain, "MultiHop": builder.multi_hop,
                "MultiDomain": builder.multi_domain, "MultiPreference": builder.multi_preference,
                "Conflict": builder.conflict}[kind]
        made, tries = 0, 0
        while made < per_type and tries < per_type * 30:
            tries += 1
            ep = make()
            if ep is None or not _fits(ep):
                continue
            ep.id = f"{kind}-{made:03d}"
            out.append(ep)
            made += 1
    return out


def _fits(ep: Episode) -> bool:
    """The episode shows its reasoning type under the reference rules."""
    gold = [ep.profile[i] for i in ep.gold]
    if ep.type == "NoneApplicable":
        return not gold
    if not gold:
        return False
    if ep.type == "MultiHop":
        return any(g.conditions for g in gold) and not ep.mentions
    if ep.type == "MultiDomain":
        return any(g.is_link for g in gold) and any(g.domain != ep.request_domain and not g.is_link for g in gold)
    if ep.type == "MultiPreference":
        return sum(1 for g in gold if g.domain == ep.request_domain and not g.conditions) >= 2
    if ep.type == "Conflict":
        return bool(ep.losers)
    return True
