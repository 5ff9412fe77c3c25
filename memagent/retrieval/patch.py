"""Bring a user's read snapshot up to date after a write by reading only what the write changed.

A recall right after a write used to read every current item and event again (18 s at 100k memories, most of
it SQLite rows turned into pydantic objects) and rebuild every view from them. Every change of an item is
recorded in the history table (insert, merge, supersede, forget: ``Store.op_version`` is its newest row), and
events carry a per-user sequence number, so a snapshot read at history position ``p`` and sequence ``s`` is
patched by re-reading the items with history rows after ``p``, the events after ``s`` and the relation edges
of those items. The result equals a fresh read (same items in the same order, ``ORDER BY valid_from,
created_at, id``): ``tests/core/test_snapshot_patch.py`` compares recalls step by step.

Only writes that removed no text are patched (``HybridRanker.changed``); forgets, redactions and deleted users
drop the snapshot (``HybridRanker.drop``), and another process's commit clears every snapshot, as before.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from memagent.retrieval.arrays import ItemArrays, RowEdit
from memagent.retrieval.cache import Snapshot
from memagent.store.base import Store
from memagent.types import EdgeType, MemoryItem

__all__ = ["NEIGHBOUR_EDGES", "patch_snapshot", "patchable"]

NEIGHBOUR_EDGES = (EdgeType.RELATES_TO, EdgeType.TRIGGERS)


def patchable(store: Store) -> bool:
    """Whether the store can say what changed (the SQL stores can; any other engine gets full reloads)."""
    return callable(getattr(store, "changed_items", None)) and callable(getattr(store, "events_since", None))


def _order(item: MemoryItem) -> tuple[object, ...]:
    """The snapshot order, the store's ``items()`` order."""
    return item.valid_from, item.created_at, item.id


def _merge(kept: list[MemoryItem], added: list[MemoryItem]) -> list[MemoryItem]:
    for item in sorted(added, key=_order):
        bisect.insort(kept, item, key=_order)
    return kept


Columns = Callable[[list[MemoryItem], ItemArrays, set[str], RowEdit | None], ItemArrays]


def _rows_of(items: list[MemoryItem], objs: list[MemoryItem]) -> list[int] | None:
    """The rows of ``objs`` (objects of ``items``, which is in snapshot order), ascending, each found by bisection;
    None when one is not where the order puts it."""
    out = []
    for item in objs:
        at = bisect.bisect_left(items, _order(item), key=_order)
        while at < len(items) and items[at] is not item and _order(items[at]) == _order(item):
            at += 1
        if at == len(items) or items[at] is not item:
            return None
        out.append(at)
    return sorted(out)


def _without(items: list[MemoryItem], gone: list[MemoryItem]) -> list[MemoryItem]:
    """A copy of ``items`` (in snapshot order) without ``gone`` (some of its objects), each found by bisection."""
    out = list(items)
    for item in gone:
        at = bisect.bisect_left(out, _order(item), key=_order)
        while at < len(out) and out[at] is not item and _order(out[at]) == _order(item):
            at += 1
        if at == len(out) or out[at] is not item:  # not where the order puts it: look everywhere
            return [i for i in items if all(i is not g for g in gone)]
        del out[at]
    return out


def patch_snapshot(store: Store, user_id: str, old: Snapshot, columns: Columns) -> Snapshot:
    """A new snapshot: ``old`` with the changes since it was read (``old`` itself is left as it is, other threads
    may be reading it). ``columns(items, old_arrays, changed_ids)`` patches one of its ItemArrays views."""
    assert old.op_version is not None
    version = store.op_version(user_id)  # before the rows: a change committed meanwhile is read again next time
    changed: set[str] = store.changed_items(user_id, old.op_version)  # type: ignore[attr-defined]
    fresh = store.items(user_id, statuses=None, ids=sorted(changed)) if changed else []
    current = [i for i in fresh if i.status == "current"]
    gone = [old.by_id[i] for i in changed if i in old.by_id]
    items = _merge(_without(old.items, gone), current)
    by_id = dict(old.by_id)
    for iid in changed:
        by_id.pop(iid, None)
    by_id.update((i.id, i) for i in current)
    snap = Snapshot(items, by_id=by_id, op_version=version, line_tokens=old.line_tokens, lines=old.lines,
                    patched_from=dict(old.extras))
    snap.neighbours = _neighbours(store, user_id, old.neighbours, changed)
    if old.events is not None:
        new_events, snap.event_seq = store.events_since(user_id, old.event_seq)  # type: ignore[attr-defined]
        events = list(old.events)
        for e in new_events:  # after every older one of the same time: the store orders ties by sequence
            bisect.insort_right(events, e, key=lambda ev: ev.timestamp)
        snap.events = events
    if old.replacing is not None:
        snap.replacing = _merge([i for i in old.replacing if i.id not in changed],
                                [i for i in current if "replaces" in i.metadata])
    if old.others is not None:
        snap.others = _merge([i for i in old.others if i.id not in changed], [i for i in fresh if i.status != "current"])
    # Where the changed items left and entered the list: the unfiltered view's rows are copied by position.
    removed, inserted = _rows_of(old.items, gone), _rows_of(items, current)
    for key, arrays in old.arrays.items():
        kinds = _kinds_of(key, user_id)
        subset = items if kinds is None else [i for i in items if i.kind.value in kinds]
        edit = RowEdit(arrays.ids, removed, inserted) if kinds is None and removed is not None \
            and inserted is not None and len(arrays) == len(old.items) else None
        snap.arrays[key] = columns(subset, arrays, changed, edit)
    return snap


def _kinds_of(key: str, user_id: str) -> set[str] | None:
    """The kinds filter of an ItemArrays key (``HybridRanker._arrays``): "<user>" or "<user>|<kind,kind>"."""
    if key == user_id:
        return None
    return set(key[len(user_id) + 1:].split(","))


def _neighbours(store: Store, user_id: str, old: dict[str, set[str]], changed: set[str]) -> dict[str, set[str]]:
    """``old`` with the relation edges of the changed items read again (a write adds edges only at the items it
    inserts or updates, which are among them)."""
    if not changed:
        return old
    out = dict(old)
    copied: set[str] = set()

    def own(node: str) -> set[str]:
        if node not in copied:
            out[node] = set(out.get(node, ()))
            copied.add(node)
        return out[node]

    for iid in changed:
        for other in old.get(iid, ()):
            own(other).discard(iid)
        out.pop(iid, None)
        copied.discard(iid)
    for iid in sorted(changed):
        for e in store.edges(user_id, node=iid, types=list(NEIGHBOUR_EDGES)):
            own(e.src).add(e.dst)
            own(e.dst).add(e.src)
    for node in [n for n in copied if not out[n]]:
        del out[node]  # a fresh read has no entry for an item left without neighbours
    return out
