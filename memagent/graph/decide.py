"""Rules that decide INSERT / MERGE / SUPERSEDE / FORGET / NOOP for a candidate inside its bucket (no LLM).

The bucket (TiM) is the handful of the user's current items most similar to the candidate, plus the items
that share its subject key. Decisions never look beyond it, so a write costs the same for a user with ten
memories or ten thousand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from memagent._lexical import containment, content_words
from memagent.graph.candidates import Candidate, Decision
from memagent.graph.domains import related_domains
from memagent.graph.unnamed import (
    closest_value,
    exclusive_targets,
    known_names,
    recased,
    remainder,
    value_type,
)
from memagent.types import MemoryItem, MemoryKind, Op

if TYPE_CHECKING:
    from memagent.embeddings.base import Embedder

__all__ = ["Bucket", "RuleDecider", "containment", "replaced_by", "value_type"]

Bucket = list[tuple[MemoryItem, float]]  # (existing current item, cosine similarity to the candidate)

# A new diet makes some standing likes stale: "I'm vegetarian now" retires "User loves steak".
_MEAT = {"meat", "steak", "beef", "pork", "bacon", "ham", "chicken", "lamb", "burger", "burgers", "sausage",
         "salami", "turkey", "veal", "duck", "brisket", "ribs", "bbq", "barbecue", "pepperoni"}
_ANIMAL = _MEAT | {"fish", "seafood", "salmon", "tuna", "shrimp", "sushi", "cheese", "milk", "egg", "eggs",
                   "butter", "yogurt", "honey", "dairy", "cream"}
DIET_CONFLICTS = {"vegetarian": _MEAT | {"fish", "seafood", "salmon", "tuna", "shrimp"}, "vegan": _ANIMAL,
                  "pescatarian": _MEAT}
# ... only when the diet is said as a change: "I'm an ethical vegan" told in passing describes the user, and an
# earlier pick of a chicken salad says what it said then (often more, "the others were too salty"); retiring it
# on that alone loses it.
_DIET_CHANGE = re.compile(r"\b(?:now|became|become|becoming|went|gone|turned|switched|started|starting|decided|"
                          r"converted|recently|lately|these\s+days|nowadays|any\s*more|no\s+longer|from\s+now\s+on|"
                          r"going\s+forward)\b", re.I)
# ... and only where the animal is food: a fish tank, backyard chickens or a trip to Turkey stay.
_NOT_FOOD = re.compile(r"\b(?:pets?|tanks?|aquariums?|bowl|keep|keeping|adopt\w*|farm\w*|feed\w*|fishing|watch\w*|"
                       r"birds?|feathers?|breed\w*|coop|zoo|wildlife|visit\w*|trips?|travel\w*)\b", re.I)


def _norm(value: str | None) -> str:
    return " ".join(content_words(value or ""))


def replaced_by(cand: Candidate, item: MemoryItem, *, same_domain: bool = True) -> bool:
    """True when ``cand`` is a change that replaces ``item``. One-off (temporary) candidates never replace anything.

    * ``metadata["replaces"]`` names the old value: the item states it (all its words; as an exact phrase when the
      item sits under another domain, since routing is only a guess) and does not state the new value.
    * ``metadata["replaces_slot"]`` names the slot: a preference of that slot in the same or a related domain, or,
      with ``replaces_type``, a preference of the same domain holding a value of that type (times, amounts).

    ``same_domain=False`` widens the slot rule to any domain's item of that slot (the caller's fallback).
    """
    meta = cand.metadata
    if cand.temporary or not (meta.get("replaces") or meta.get("replaces_slot")) or not item.is_current:
        return False
    if item.kind == MemoryKind.INSTRUCTION or (cand.value and containment(cand.value, item.text) == 1.0):
        return False
    other_domain = bool(cand.domain and item.domain and cand.domain != item.domain)
    if meta.get("replaces"):
        old = meta["replaces"]
        if other_domain:
            return f" {_phrase(old)} " in f" {_phrase(item.text)} "
        return containment(old, item.text) == 1.0
    if item.kind != MemoryKind.PREFERENCE:
        return False
    # The slot is named in metadata (dialogue memories) or is the subject of a first-person statement
    # ("My favorite color is blue" has subject favorite:color; "... is green now" replaces slot "favorite color").
    if item.metadata.get("slot") == meta["replaces_slot"] or (item.subject and _phrase(item.subject) == _phrase(meta["replaces_slot"])):
        return not other_domain or related_domains(cand.domain, item.domain) or not same_domain
    return bool(meta.get("replaces_type")) and not other_domain and value_type(item.value or item.text) == meta["replaces_type"]


def _restating(cand: Candidate, bucket: Bucket, replaced: list[str]) -> list[str]:
    """Other memories of the bucket that state a value the change replaced and not the new one ("User said:
    first class, as always" beside the replaced "Train class: first class"): left current, they would still
    present the old value as the user's."""
    by_id = {i.id: i for i, _ in bucket}
    old = [by_id[r].value for r in replaced if r in by_id and by_id[r].value]
    old += [cand.metadata["replaces"]] if isinstance(cand.metadata.get("replaces"), str) else []
    if not old:
        return []
    new = cand.value or ""
    return [i.id for i, _ in bucket
            if i.id not in replaced and i.is_current and i.kind != MemoryKind.INSTRUCTION
            and (not cand.domain or not i.domain or i.domain == cand.domain)
            and any(containment(v, i.text) == 1.0 for v in old) and not (new and containment(new, i.text) == 1.0)]


def _kept(cand: Candidate, bucket: Bucket, targets: list[str]) -> list[Candidate]:
    """What the replaced memories said besides the value the change names (see :func:`unnamed.remainder`)."""
    old = cand.metadata.get("replaces")
    if not isinstance(old, str):
        return []
    wanted = set(targets)
    return [r for i, _ in bucket if i.id in wanted and (r := remainder(i, old)) is not None]


def _phrase(text: str) -> str:
    return " ".join(re.findall(r"[0-9a-z$€£%]+", text.lower()))


@dataclass
class RuleDecider:
    """Similarity + subject-key rules. Thresholds are cosine similarities of the embedder in use.

    Args:
        merge_sim: same kind and polarity at least this similar = the same memory (merge evidence).
        conflict_sim: opposite polarity at least this similar = a change of mind (supersede).
        forget_match: a forget request matches items whose similarity or word containment reaches this.
    """

    merge_sim: float = 0.92
    conflict_sim: float = 0.8
    forget_match: float = 0.75
    # A change that names neither the old value nor its slot ("long story short, the night bus instead")
    # replaces the one preference of its domain clearly closest to it: at least this similar, and ahead of the
    # next one by this margin (values of one slot resemble each other more than values of another slot do).
    slot_sim: float = 0.6
    slot_margin: float = 0.1
    # An unnamed change to a name ("Spotify from now on") with two or more names in its domain (a streaming
    # service, two artists) replaces the one whose name alone the new one's resembles: at least this similar and
    # ahead of the next by this margin. Names alone, not the memories' sentences: "Music preference: ..." makes
    # every memory of the domain alike. Needs ``embedder`` (the writer gives its own); without it, no name is.
    name_sim: float = 0.35
    name_margin: float = 0.2
    embedder: Embedder | None = field(default=None, repr=False, compare=False)

    def min_similarity(self, cand: Candidate) -> float | None:
        """The least similarity a bucket item needs for :meth:`decide` to act on it, beyond same-subject items
        (always in the bucket); None when it reads every item (forget requests, changes, diets). The
        writer then does not read the nearest items below it. A subclass whose ``decide`` reads more of the
        bucket returns None."""
        if cand.action == "forget" or cand.subject == "diet" or cand.metadata.get("replaces") \
                or cand.metadata.get("replaces_slot") or cand.metadata.get("changed"):
            # a change naming no old value replaces the closest preference of its domain from slot_sim up
            return None
        return min(self.merge_sim, self.conflict_sim)

    def decide(self, cand: Candidate, bucket: Bucket) -> Decision:
        if cand.action == "forget":
            request = cand.value or cand.text
            # Either most of the request's words are in the memory, or all of the memory's value is named in the
            # request ("forget that I love jazz" matches "User is into jazz.", whose value is "jazz").
            targets = [i.id for i, sim in bucket
                       if max(sim, containment(request, i.text), containment(i.value or "", request) if i.value else 0.0)
                       >= self.forget_match]
            if not targets:
                return Decision(Op.NOOP, cand, reason="forget request matched no memory")
            return Decision(Op.FORGET, cand, targets, reason="user asked to forget")
        replaced = [i.id for i, _ in bucket if replaced_by(cand, i)] or \
            [i.id for i, _ in bucket if replaced_by(cand, i, same_domain=False)]
        if not replaced:
            replaced, cand = self._unnamed_change(cand, bucket)
        if replaced:
            targets = replaced + _restating(cand, bucket, replaced)
            return Decision(Op.SUPERSEDE, cand, targets, reason="the user replaced this value",
                            kept=_kept(cand, bucket, targets))
        if cand.temporary or cand.kind == MemoryKind.EPISODE:
            near = [i for i, sim in bucket if i.kind == cand.kind and sim >= max(self.merge_sim, 0.97)]
            if near and not cand.temporary:
                return Decision(Op.MERGE, cand, [near[0].id], reason="same episode seen again")
            return Decision(Op.INSERT, cand, reason="temporary override: kept beside the standing value" if cand.temporary else "new episode")

        same_subject = [i for i, _ in bucket if cand.subject and i.subject == cand.subject and i.kind != MemoryKind.EPISODE]
        if cand.action == "retract":
            already = [i for i in same_subject if i.polarity == -1 and _norm(i.value) == _norm(cand.value)]
            if already:
                return Decision(Op.MERGE, cand, [already[0].id], reason="retraction already recorded")
            targets = [i.id for i in same_subject if i.polarity != -1 or _norm(i.value) != _norm(cand.value)]
            targets += [i.id for i, sim in bucket if sim >= self.conflict_sim and i.kind == cand.kind and i.polarity == 1
                        and i.id not in targets]
            if targets:
                return Decision(Op.SUPERSEDE, cand, targets, reason="user says this no longer holds")
            return Decision(Op.INSERT, cand, reason="retraction of something not stored: kept as a negative preference")

        if same_subject:
            same = [i for i in same_subject if _norm(i.value) == _norm(cand.value) and i.polarity == cand.polarity]
            if same:
                return Decision(Op.MERGE, cand, [same[0].id], reason=f"same value for subject {cand.subject!r}")
            changed = [i.id for i in same_subject if cand.single_valued or i.polarity != cand.polarity]
            if changed:
                return Decision(Op.SUPERSEDE, cand, changed + self._diet_conflicts(cand, bucket, changed),
                                reason=f"new value for subject {cand.subject!r}")

        near = [i for i, sim in bucket if sim >= self.merge_sim and i.kind == cand.kind and i.polarity == cand.polarity]
        if cand.kind == MemoryKind.INSTRUCTION and cand.subject:
            # Parsed instructions differing only in a value ("two beds" / "three beds") embed almost alike;
            # their subject keys already decided merge vs supersede above, so similarity must not merge them.
            near = [i for i in near if i.subject in (None, cand.subject)]
        if near:
            return Decision(Op.MERGE, cand, [near[0].id], reason="near-duplicate of an existing memory")
        opposite = [i.id for i, sim in bucket if sim >= self.conflict_sim and i.kind == MemoryKind.PREFERENCE
                    and cand.polarity != 0 and i.polarity == -cand.polarity]
        conflicts = opposite + self._diet_conflicts(cand, bucket, opposite)
        if conflicts:
            return Decision(Op.SUPERSEDE, cand, conflicts, reason="contradicts an existing preference")
        return Decision(Op.INSERT, cand, reason="new memory")

    def _unnamed_change(self, cand: Candidate, bucket: Bucket) -> tuple[list[str], Candidate]:
        """The memories a change naming no old value replaces, and the change naming what it replaced when that
        is known: by the new value's kind (a diet, a time, an amount; :mod:`memagent.graph.unnamed`), else the
        one preference of the domain clearly closest to it (see ``slot_sim``); nothing when unclear."""
        if cand.temporary or not cand.metadata.get("changed"):
            return [], cand
        if cand.value and cand.value.islower():
            # A name said in lower case ("xbox these days") that the user's memories write with capitals.
            cased = recased(cand.value, known_names([i.text for i, _ in bucket]))
            if cased != cand.value:
                cand = cand.model_copy(update={"value": cased, "text": cand.text.replace(cand.value, cased)})
        items = [i for i, _ in bucket]
        targets, old = exclusive_targets(cand, items, self._closest_name if self.embedder else None)
        if not targets and self.embedder is not None:
            targets, old = closest_value(cand, items, self._closest_name)
        if targets and old:
            named = cand.text.replace(" (changed)", f" (changed from {old})", 1)
            return targets, cand.model_copy(update={"text": named, "metadata": {**cand.metadata, "replaces": old}})
        return self._closest_of_domain(cand, bucket), cand

    def _closest_name(self, new: str, olds: list[str]) -> int | None:
        vectors = self.embedder.embed([new, *olds])  # type: ignore[union-attr]  # called only with an embedder
        sims = vectors[1:] @ vectors[0]
        order = sorted(range(len(olds)), key=lambda n: -sims[n])
        best, second = float(sims[order[0]]), float(sims[order[1]]) if len(order) > 1 else -1.0
        return order[0] if best >= self.name_sim and best - second >= self.name_margin else None

    def _closest_of_domain(self, cand: Candidate, bucket: Bucket) -> list[str]:
        if not cand.domain:
            return []
        same = sorted(((sim, i.id) for i, sim in bucket
                       if i.kind == MemoryKind.PREFERENCE and i.is_current and i.domain == cand.domain and i.polarity == 1
                       and not (cand.value and containment(cand.value, i.text) == 1.0)), reverse=True)
        if not same or same[0][0] < self.slot_sim or (len(same) > 1 and same[0][0] - same[1][0] < self.slot_margin):
            return []
        return [same[0][1]]

    @staticmethod
    def _diet_conflicts(cand: Candidate, bucket: Bucket, already: list[str]) -> list[str]:
        if cand.subject != "diet" or not cand.value or not _DIET_CHANGE.search(cand.evidence or ""):
            return []
        banned = DIET_CONFLICTS.get(cand.value.lower(), set())
        out = []
        for item, _ in bucket:
            words = set(re.findall(r"[a-z]+", (item.value or item.text).lower()))
            if (item.id not in already and item.polarity == 1 and item.kind == MemoryKind.PREFERENCE and words & banned
                    and not _NOT_FOOD.search(item.text)):
                out.append(item.id)
        return out
