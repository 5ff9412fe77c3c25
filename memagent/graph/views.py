"""Read-only views of a user's memory graph: provenance chains, networkx graphs, JSON export/import."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from memagent.store.base import Store
from memagent.types import Edge, EdgeType, Event, HistoryEntry, MemoryItem

__all__ = ["EXPORT_FORMAT", "Explanation", "build_graph", "explain", "export_user"]

EXPORT_FORMAT = "memagent-user-export/1"


class Explanation(BaseModel):
    """Why memagent believes something: the item, the events behind it, what it replaced, what replaced it."""

    item: MemoryItem
    events: list[Event] = Field(default_factory=list)
    supersedes: list[MemoryItem] = Field(default_factory=list, description="older versions, newest first")
    superseded_by: MemoryItem | None = None
    history: list[HistoryEntry] = Field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.item.text}  [{self.item.kind.value}, {self.item.status}, evidence x{self.item.evidence_count}]"]
        lines += [f"  from event {e.id} ({e.timestamp:%Y-%m-%d %H:%M}): {e.text!r}" for e in self.events]
        lines += [f"  replaced: {old.text} (valid until {old.valid_to:%Y-%m-%d})" for old in self.supersedes if old.valid_to]
        if self.superseded_by is not None:
            lines.append(f"  replaced by: {self.superseded_by.text}")
        return "\n".join(lines)


def explain(store: Store, user_id: str, item_id: str) -> Explanation:
    """Raises NotFoundError for an unknown item of this user."""
    item = store.get_item(user_id, item_id)
    events = [store.get_event(user_id, ev) for ev in item.source_event_ids]
    older: list[MemoryItem] = []
    frontier = [item.id]
    while frontier:
        node = frontier.pop()
        for e in store.edges(user_id, node=node, types=[EdgeType.SUPERSEDES]):
            if e.src == node:
                old = store.get_item(user_id, e.dst)
                older.append(old)
                frontier.append(old.id)
    newer = store.get_item(user_id, item.superseded_by) if item.superseded_by else None
    return Explanation(item=item, events=events, supersedes=older, superseded_by=newer,
                       history=store.history(user_id, item_id=item_id))


def build_graph(store: Store, user_id: str) -> Any:
    """A networkx MultiDiGraph of the user's events and items (all statuses), edges typed by ``type``."""
    import networkx as nx

    g = nx.MultiDiGraph(user_id=user_id)
    for ev in store.events(user_id):
        g.add_node(ev.id, node_type="event", kind=ev.kind.value, role=ev.role, text=ev.text,
                   timestamp=ev.timestamp, session_id=ev.session_id)
    for it in store.items(user_id, statuses=None):
        g.add_node(it.id, node_type="item", kind=it.kind.value, text=it.text, status=it.status, subject=it.subject,
                   domain=it.domain, valid_from=it.valid_from, valid_to=it.valid_to, importance=it.importance)
    for e in store.edges(user_id):
        if e.src in g and e.dst in g:
            g.add_edge(e.src, e.dst, key=e.type.value, type=e.type.value, created_at=e.created_at)
    return g


def export_user(store: Store, user_id: str) -> dict[str, Any]:
    """Everything stored for a user, as JSON-ready data (``Memory.import_`` reads it back)."""
    store.require_user(user_id)
    return {
        "format": EXPORT_FORMAT,
        "user_id": user_id,
        "events": [e.model_dump(mode="json") for e in store.events(user_id)],
        "items": [i.model_dump(mode="json") for i in store.items(user_id, statuses=None)],
        "edges": [e.model_dump(mode="json") for e in store.edges(user_id)],
        "history": [h.model_dump(mode="json") for h in store.history(user_id)],
    }


def import_user(store: Store, data: dict[str, Any], *, user_id: str | None = None) -> tuple[str, list[MemoryItem]]:
    """Write an export into the store (optionally under another user id) in one transaction.

    Raises:
        InvalidInputError: not an export of this format (pydantic errors are wrapped).
        StoreError: the user already has data (ids would collide).
    """
    from pydantic import ValidationError

    from memagent._text import check_user_id
    from memagent.errors import InvalidInputError, StoreError
    from memagent.types import Op

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        msg = f"not a memagent export (expected format {EXPORT_FORMAT!r})"
        raise InvalidInputError(msg)
    uid = check_user_id(user_id or data.get("user_id"))  # the export's own id is input too
    if store.user_exists(uid) and store.counts(uid)["events"]:
        msg = f"user {uid!r} already has data; import into a new user id or delete_user first"
        raise StoreError(msg, user_id=uid)
    try:
        if uid != data.get("user_id"):
            data = _with_fresh_ids(data)
        events = [Event.model_validate({**e, "user_id": uid}) for e in data["events"]]
        items = [MemoryItem.model_validate({**i, "user_id": uid}) for i in data["items"]]
        edges = [Edge.model_validate({**e, "user_id": uid}) for e in data["edges"]]
        history = [HistoryEntry.model_validate({**h, "user_id": uid}) for h in data.get("history", [])]
    except (ValidationError, KeyError, TypeError, AttributeError) as exc:
        msg = f"malformed export: {exc!r}"
        raise InvalidInputError(msg) from exc
    known = {e.id for e in events} | {i.id for i in items}
    foreign = [ev for i in items for ev in i.source_event_ids if ev not in known]
    foreign += [i.superseded_by for i in items if i.superseded_by and i.superseded_by not in known]
    foreign += [end for e in edges for end in (e.src, e.dst) if end not in known]
    if foreign:  # ids of another user: their rows stay private, but this user's memories would stop being forgettable
        msg = f"malformed export: it refers to ids it does not contain: {sorted(set(foreign))[:3]}"
        raise InvalidInputError(msg)
    with store.transaction():
        store.ensure_user(uid)
        for ev in events:
            store.insert_event(ev)
        for it in items:
            store.insert_item(it)
        for e in edges:
            store.insert_edge(e)
        for h in history:
            store.add_history(uid, Op(h.op), item_id=h.item_id, event_id=h.event_id, text=h.text, detail=h.detail, at=h.at)
    return uid, items


def _with_fresh_ids(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of an export with new event and item ids, so it can live beside the original user."""
    from memagent.types import new_id

    mapping = {e["id"]: new_id("ev") for e in data.get("events", [])}
    mapping |= {i["id"]: new_id("mem") for i in data.get("items", [])}

    def m(x: Any) -> Any:
        return mapping.get(x, x) if isinstance(x, str) else x

    return {
        **data,
        "events": [{**e, "id": m(e["id"])} for e in data.get("events", [])],
        "items": [{**i, "id": m(i["id"]), "superseded_by": m(i.get("superseded_by")),
                   "source_event_ids": [m(s) for s in i.get("source_event_ids", [])]} for i in data.get("items", [])],
        "edges": [{**e, "src": m(e["src"]), "dst": m(e["dst"])} for e in data.get("edges", [])],
        "history": [{**h, "item_id": m(h.get("item_id")), "event_id": m(h.get("event_id"))}
                    for h in data.get("history", [])],
    }
