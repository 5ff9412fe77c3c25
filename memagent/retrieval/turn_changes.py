"""The value changes conversation turns are checked against (``retrieval.turns``): a turn from before a change
that states the replaced value, and not the one replacing it, is stale.

Run after every write over a user's items and turns (100k of each at 100k memories), so each pass reads as little
as it can: the changes from the superseded items and those naming what they replace, the old turns against the
changes a write added only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from memagent._lexical import content_words
from memagent.types import Event, MemoryItem

__all__ = ["Change", "changes_of", "restating", "restating_among"]

Change = tuple[datetime, frozenset[str], frozenset[str]]  # (until, the replaced value's words, the new value's)


def changes_of(items: Sequence[MemoryItem], lookup: Callable[[str], MemoryItem | None] | None = None) -> list[Change]:
    """The value changes turns are checked against (``restating``): (until, the replaced value's words, the
    words of the value standing now). ``lookup``: every item by id when ``items`` holds only those that can name a
    change (the superseded ones and those naming what they replace, in item order), so a write does not pass over
    every current item; without it the successors are looked up among ``items``."""
    # Run again after every write: a comprehension finds the replaced values, and only the items a successor chain
    # can reach (those some item names as its successor) are looked up by id.
    olds = [i for i in items if i.status == "superseded" and i.value and i.valid_to is not None]
    if lookup is None:
        successors = {i.superseded_by for i in items if i.superseded_by} if olds else set()
        lookup = ({i.id: i for i in items if i.id in successors} if successors else {}).get
    changes: list[Change] = []
    for old in olds:
        new = lookup(old.superseded_by or "")
        seen = {old.id}
        while new is not None and new.superseded_by and new.superseded_by not in seen:  # the value standing now
            seen.add(new.id)
            new = lookup(new.superseded_by)
        old_words = frozenset(content_words(old.value))
        if old_words:
            changes.append((old.valid_to, old_words, frozenset(content_words(new.value or "")) if new else frozenset()))
    # A change names the value it replaces even when no memory held that value (it was only said in passing,
    # or only by the assistant): turns before the change that state it are stale all the same.
    for item in [i for i in items if "replaces" in i.metadata]:
        replaced = item.metadata["replaces"]
        if isinstance(replaced, str) and item.value and not item.metadata.get("temporary"):
            old_words = frozenset(content_words(replaced))
            if old_words:
                changes.append((item.valid_from, old_words, frozenset(content_words(item.value))))
    return changes


def restating(events: Sequence[Event], words: dict[str, frozenset[str]], changes: Sequence[Change]) -> set[str]:
    """Turns from before a change that state the replaced value and not the one that replaced it ("soft
    chimes" in March, after "birdsong" superseded it in May): shown, they would present the old value as news."""
    out: set[str] = set()
    for until, old, new in changes:  # one pass per change, no generator per turn (a write checks 100k turns)
        out.update([ev.id for ev in events if ev.timestamp < until and old <= words[ev.id]
                    and not (new and new <= words[ev.id])])
    return out


def restating_among(order: Mapping[str, int], by_id: Mapping[str, Event], words: dict[str, frozenset[str]],
                    changes: Sequence[Change]) -> set[str]:
    """``restating(events, words, changes)`` for the events ``order`` holds (their ids), found from the words
    first: a pass over ``words`` (one entry per turn) finds the few turns holding a change's replaced words, then
    only those are looked up (``by_id``: the events)."""
    out: set[str] = set()
    for until, old, new in changes:
        out.update([i for i in [i for i, own in words.items() if old <= own] if i in order
                    and by_id[i].timestamp < until and not (new and new <= words[i])])
    return out
