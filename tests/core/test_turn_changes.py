"""retrieval/turn_changes.py ``changes_of`` (run over every item after each write) gives what its definition gives: for each
replaced value, the words of the value standing at the end of its successor chain; for each change naming the value
it replaces, that value's words; in item order."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from memagent._lexical import content_words
from memagent.retrieval.turn_changes import changes_of as _changes
from memagent.types import MemoryItem, MemoryKind

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _definition(items):
    by_id = {i.id: i for i in items}
    out = []
    for old in items:
        if old.status != "superseded" or not old.value or old.valid_to is None:
            continue
        new, seen = by_id.get(old.superseded_by or ""), {old.id}
        while new is not None and new.superseded_by and new.superseded_by not in seen:
            seen.add(new.id)
            new = by_id.get(new.superseded_by)
        if content_words(old.value):
            out.append((old.valid_to, frozenset(content_words(old.value)),
                        frozenset(content_words(new.value or "")) if new else frozenset()))
    for item in items:
        replaced = item.metadata.get("replaces")
        if isinstance(replaced, str) and item.value and not item.metadata.get("temporary") and content_words(replaced):
            out.append((item.valid_from, frozenset(content_words(replaced)), frozenset(content_words(item.value))))
    return out


def _items(rng: random.Random, n: int, p_replaced: float) -> list[MemoryItem]:
    meta = [{}] * 6 + [{"replaces": "green tea"}, {"replaces": 3}, {"replaces": "jazz", "temporary": True}]
    items = [MemoryItem(user_id="u", kind=MemoryKind.PREFERENCE, text=f"t{i}", valid_from=T0 + timedelta(minutes=i),
                        value=rng.choice([None, "", "the", f"jazz style {i}", "hot tea"]), metadata=rng.choice(meta))
             for i in range(n)]
    for item in items:
        if rng.random() < p_replaced:
            item.status, item.valid_to = "superseded", T0 + timedelta(days=1)
            item.superseded_by = rng.choice([rng.choice(items).id, "mem_purged", None])  # cycles and dead ends too
    rng.shuffle(items)
    return items


def test_changes_are_the_definitions_on_random_item_sets_with_chains_cycles_and_dead_ends():
    rng = random.Random(17)
    for _ in range(300):
        items = _items(rng, rng.randrange(0, 40), rng.choice([0.0, 0.2, 0.6, 1.0]))
        assert _changes(items) == _definition(items)
