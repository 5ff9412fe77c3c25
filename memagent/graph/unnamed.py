"""What a change that names no old value replaces ("long story short, vegan instead", "9:00 AM from now on").

Such a change leaves the old value current, and recalled beside the new one, unless something tells which
preference it was. The words of two values seldom do: an embedding does not know that "Fantastical" is a
calendar app as "Proton Calendar" is. Some values carry their slot with them, whatever the phrasing:

* a diet: a person keeps one diet at a time, so "vegan" replaces the "vegetarian" said (or agreed to) before,
  in whatever memory holds it: a preference, an accepted proposal, a "User said" note;
* a clock time or an amount: in one domain, values of one type are one slot's, so "9:00 AM" replaces the
  domain's one other time ("7:05 AM"); with two or more times there (a weekday and a weekend alarm) it is
  unclear which, and none is replaced.

These rules say which memory and which words of it were replaced; the words go on the change
(``metadata["replaces"]``), so turns from before it that state them are retired too (see
:mod:`memagent.retrieval.turns`). Past these, :class:`~memagent.graph.decide.RuleDecider` takes the one
preference of the domain clearly closest to the change (``slot_sim``).
"""

from __future__ import annotations

import re

from memagent._lexical import content_words
from memagent.graph.candidates import Candidate
from memagent.graph.heuristic import _DIETS
from memagent.types import MemoryItem, MemoryKind

__all__ = ["exclusive_targets", "names_exclusive", "reaches", "remainder", "value_phrase", "value_type"]

# A clock time or an amount, matched whole to tell two of them apart ("7:05 AM", "$150").
_VALUE_PHRASES = {
    "time": re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b", re.I),
    "money": re.compile(r"[$€£¥]\s?\d+(?:[.,]\d+)?|\b\d+(?:[.,]\d+)?\s?(?:dollars|euros|pounds|usd|eur|gbp)\b", re.I),
}


def value_type(text: str) -> str | None:
    """'time' or 'money' when ``text`` holds a clock time or an amount: values of one slot share a type."""
    return next((name for name, rx in _VALUE_PHRASES.items() if rx.search(text)), None)


def value_phrase(text: str) -> str | None:
    """The first time or amount in ``text`` as said ("7:05 AM"), or None."""
    kind = value_type(text)
    m = _VALUE_PHRASES[kind].search(text) if kind else None
    return m.group(0) if m else None


_DIET = re.compile(rf"\b(?:{_DIETS})\b", re.I)
# "vegetarian-friendly", "vegan options for my sister": a diet word that describes a place or dish, not the user.
_DESCRIBES = re.compile(rf"\b(?:{_DIETS})[- ](?:friendly|options?|dishes|menus?|places?|restaurants?|spots?)\b", re.I)


def _diet(text: str) -> str | None:
    m = _DIET.search(text)
    return m.group(0).lower() if m and not _DESCRIBES.search(text) else None


def names_exclusive(cand: Candidate) -> bool:
    """Whether an unnamed change's new value is of a kind these rules resolve (a diet, a time, an amount)."""
    value = cand.value or ""
    return bool(cand.metadata.get("changed")) and not cand.temporary and bool(_diet(value) or value_type(value))


def reaches(cand: Candidate, item: MemoryItem) -> bool:
    """Whether ``item`` may be the one an unnamed change replaces by these rules: the writer adds such items to
    the change's bucket even when they are not among its nearest."""
    if not names_exclusive(cand) or not item.is_current or item.kind == MemoryKind.INSTRUCTION or item.polarity < 0:
        return False
    new = cand.value or ""
    if _diet(new):
        old = _diet(item.text)
        return old is not None and old != _diet(new)
    return (item.kind == MemoryKind.PREFERENCE and bool(cand.domain) and item.domain == cand.domain
            and value_type(item.value or item.text) == value_type(new)
            and value_phrase(item.value or item.text) != value_phrase(new))


def exclusive_targets(cand: Candidate, items: list[MemoryItem]) -> tuple[list[str], str | None]:
    """The memories of ``items`` an unnamed change replaces by its value's kind, and the old value's words
    ("vegetarian", "7:05 AM"); nothing when the kind says nothing or two different values could be meant."""
    found = [i for i in items if reaches(cand, i)]
    if not found:
        return [], None
    new = cand.value or ""
    if _diet(new):
        olds = {_diet(i.text) for i in found}
        # Every memory naming the earlier diet goes; two different earlier diets: the newest one's word is named.
        newest = max(found, key=lambda i: i.valid_from)
        return [i.id for i in found], _diet(newest.text) if len(olds) > 1 else olds.pop()
    phrases = {value_phrase(i.value or i.text) for i in found}
    if len(phrases) != 1:
        return [], None
    return [i.id for i in found], phrases.pop()


# The joints of a listed value ("a lively bar scene together with vegetarian", "Proton Calendar and green").
# A bare "with" joins only after a comma: "coffee with oat milk" is one value.
_JOINTS = re.compile(r"\s*[,;]\s*(?:(?:and|plus|together\s+with|as\s+well\s+as|along\s+with|with)\s+)?|"
                     r"\s+(?:and|plus|together\s+with|as\s+well\s+as|along\s+with)\s+", re.I)


def remainder(item: MemoryItem, old: str) -> Candidate | None:
    """What ``item`` says besides the replaced value ``old``, as a memory of its own, when ``old`` is one element
    of the list its value is ("X together with Y", "X, Y and Z"); None when it is all the item says, or when the
    item's words do not split cleanly around it (a sentence is not cut up)."""
    value = item.value or ""
    if not value or not item.text.endswith(value) or item.polarity < 0:
        return None
    # The old value is cut out as a phrase first: it may hold a joint itself ("warm and chatty").
    found = re.search(rf"(?<!\w){re.escape(old.strip())}(?!\w)", value, re.I)
    if found is None:
        return None
    before, after = _JOINTS.split(value[: found.start()]), _JOINTS.split(value[found.end():])
    if (before[-1].strip() or after[0].strip()) or not (len(before) > 1 or len(after) > 1):
        return None  # the old value is part of a longer element ("vegetarian-ish tapas"), or the whole value
    keep = [p for p in (*before, *after) if content_words(p)]
    if not keep:
        return None
    rest = " and ".join(p.strip(" ,;.") for p in keep)
    meta = {k: v for k, v in item.metadata.items() if k not in ("replaces", "changed", "slot")}
    return Candidate(kind=item.kind, text=item.text[: len(item.text) - len(value)] + rest, subject=None, value=rest,
                     domain=item.domain, polarity=item.polarity, importance=item.importance,
                     evidence=item.text, metadata={**meta, "kept_from": item.id})
