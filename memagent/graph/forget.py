"""Forgetting that really removes text: rows, history text, source events, index vectors, caches, file pages.

Forgetting an item also forgets the older versions it superseded (they say the same thing in the past
tense) and blanks the text of the events it was derived from (they contain the very words) and of any other
event that quotes its value (an assistant reply that repeated it, for instance). History keeps
one op row per forgotten item, without text, so the forgetting itself stays auditable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from memagent.graph.values import value_id
from memagent.store.base import Store
from memagent.store.index import VectorIndex, namespace_key
from memagent.types import EdgeType, MemoryItem, Op

__all__ = ["Forgetter", "Forgotten"]


@dataclass
class Forgotten:
    """What a purge removed: the items, and every text whose embedding may sit in a cache."""

    items: list[MemoryItem] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iadd__(self, other: Forgotten) -> Forgotten:
        self.items += other.items
        self.texts += other.texts
        return self


class Forgetter:
    def __init__(
        self, store: Store, index: VectorIndex, caches: Iterable[object] = (), namespaces: set[str] | None = None
    ) -> None:
        self.store = store
        self.index = index
        self.caches = list(caches)
        # Plugins keep extra vectors under namespace_key(user, namespace), keyed by item or event id (CIPHER contexts).
        self.namespaces = namespaces if namespaces is not None else set()

    def chain(self, user_id: str, item_ids: Iterable[str]) -> list[str]:
        """The items plus everything they superseded, transitively."""
        out: list[str] = []
        todo = list(item_ids)
        while todo:
            iid = todo.pop()
            if iid in out:
                continue
            out.append(iid)
            todo += [e.dst for e in self.store.edges(user_id, node=iid, types=[EdgeType.SUPERSEDES]) if e.src == iid]
        return out

    def purge(self, user_id: str, item_ids: Iterable[str], *, event_id: str | None = None) -> Forgotten:
        """Delete items (and their superseded versions) inside the caller's transaction; returns what went."""
        gone = Forgotten()
        with self.store.transaction():
            self.store.lock_user(user_id)  # the chain is read under the lock: another app server may be purging it
            at = self.store.get_event(user_id, event_id).timestamp if event_id else None
            todo = self.chain(user_id, item_ids)
            done: set[str] = set()
            while todo:
                iid = todo.pop(0)
                if iid in done:
                    continue
                done.add(iid)
                item = self.store.get_item(user_id, iid)
                quoting = self.store.events_mentioning(user_id, item.value) if _searchable(item.value) else []
                for ev in dict.fromkeys([*item.source_event_ids, *quoting]):
                    gone.texts.append(self.store.get_event(user_id, ev).text)
                    self.store.redact_event(user_id, ev)
                    # Other memories read from a quoting turn may repeat the value ("User said: ... Roquefort").
                    todo += [other for other in self.store.item_ids_for_event(user_id, ev)
                             if other not in done and _mentions(self.store.get_item(user_id, other).text, item.value)]
                self.store.purge_item(user_id, iid)
                self.store.add_history(user_id, Op.FORGET, item_id=iid, event_id=event_id,
                                       detail={"kind": item.kind.value}, at=at)
                gone.items.append(item)
                gone.texts.append(item.text)
        return gone

    def after_commit(self, user_id: str, gone: Forgotten) -> None:
        """Checkpoint so no old page image survives in a journal, drop cached embeddings, then drop vectors.

        The store is scrubbed first: if the process dies after it, reopening only has vectors (no text) to
        reconcile; if it dies before, the vectors are still there and ``Memory.reconcile`` scrubs on reopen.
        Caches come before the index, which is the only step here that can fail.
        """
        self.store.scrub()
        for cache in self.caches:
            evict = getattr(cache, "evict", None)
            if evict is not None:
                evict(gone.texts)
        self.index.delete(user_id, [i.id for i in gone.items])
        keys = [k for i in gone.items for k in (i.id, value_id(i.id), *i.source_event_ids)]
        for ns in self.namespaces:
            self.index.delete(namespace_key(user_id, ns), keys)
        scrub = getattr(self.index, "scrub", None)
        if scrub is not None:
            scrub()


def _searchable(value: str | None) -> bool:
    """Whether turns are searched for the value: one under 3 characters would match unrelated turns."""
    return value is not None and len(value) >= 3


def _mentions(text: str, value: str | None) -> bool:
    return _searchable(value) and value.casefold() in text.casefold()  # type: ignore[union-attr]
