"""The conversation a memory came from, as evidence of what the memory is about.

In an assistant conversation most of what the user says is short and says nothing of the task: "under $25 is my
ceiling", "prob with my partner", "lunchtime visits is more me". Ranked on its own words against "Any shows worth
seeing next month?", such a note scores like noise, and a keyword router that files it under the session's topic
often files it wrong ("whats on this weekend" is no domain the lexicon knows). The session around it does say
what it is about: its opening request, the assistant's replies. So a request first finds its sessions, the ones
whose turns are most like it (from the turn search recall runs anyway), and every memory and turn of those
sessions inherits their relevance, the best session fully and the next ones in proportion. The memories of those
sessions also become candidates when neither search nor the profile found them.
"""

from __future__ import annotations

from collections.abc import Sequence

from memagent.retrieval.cache import Snapshot
from memagent.retrieval.hybrid import Scored
from memagent.store.base import Store
from memagent.types import Event, MemoryKind

__all__ = ["SESSION_EVENTS", "SessionBoost"]

_VIEW_KEY = "sessions"
# A session's memories are read from its last this many events: a conversation that never ends (one session id
# for everything) still adds a bounded number of candidates.
SESSION_EVENTS = 64


class SessionBoost:
    """Session relevance of one request (see the module docstring).

    Args:
        hits: the turn search's (event id, cosine) pairs for the request, best first.
        events: turn events by id (the turn view's), to find each hit's session.
        top: how many sessions inherit relevance.
    """

    def __init__(self, hits: Sequence[tuple[str, float]], events: dict[str, Event], top: int) -> None:
        sims: dict[str, list[float]] = {}
        for eid, sim in hits:
            ev = events.get(eid)
            if ev is not None and ev.session_id:
                sims.setdefault(ev.session_id, []).append(max(0.0, sim))
        floor = min((max(0.0, s) for _, s in hits), default=0.0)
        # The mean of a session's two best turns: one aside that happens to resemble the request is half a match.
        rel = {sid: (s[0] + (s[1] if len(s) > 1 else floor)) / 2 for sid, s in sims.items()}
        best = sorted(rel.items(), key=lambda kv: -kv[1])[:top]
        scale = best[0][1] if best and best[0][1] > 0 else 1.0
        self.relevance = {sid: r / scale for sid, r in best}
        self.events = events

    def session_of(self, entry: Scored) -> str | None:
        item = entry.item
        if item.kind == MemoryKind.TURN:
            return item.metadata.get("session_id")
        for eid in item.source_event_ids:
            ev = self.events.get(eid)
            if ev is not None:
                return ev.session_id
        return None

    def members(self, store: Store, user_id: str, snap: Snapshot) -> list[str]:
        """Current memory ids derived from the user turns of the relevant sessions (their last
        :data:`SESSION_EVENTS` events). Kept on the snapshot; a snapshot patched after a write reuses its base's
        list for every session whose newest event is the same (one query of the session's events per session)."""
        view = snap.extras.setdefault(_VIEW_KEY, {})
        base = snap.patched_from.get(_VIEW_KEY)
        assert isinstance(view, dict)
        out: list[str] = []
        for sid in self.relevance:
            got = view.get(sid)
            if got is None:
                events = store.events(user_id, session_id=sid, last=SESSION_EVENTS)
                newest = events[-1].id if events else None
                old = base.get(sid) if isinstance(base, dict) else None
                got = view[sid] = old if old is not None and old[0] == newest else (
                    newest, [i for e in events if e.role == "user" for i in store.item_ids_for_event(user_id, e.id)])
            out += [i for i in got[1] if i in snap.by_id]
        return out

    def apply(self, ranked: list[Scored], weight: float) -> list[Scored]:
        """``ranked`` with ``weight`` x its session's relevance added to each score (component ``session``)."""
        if not self.relevance or weight <= 0:
            return ranked
        for entry in ranked:
            sid = self.session_of(entry)
            rel = self.relevance.get(sid, 0.0) if sid else 0.0
            if rel:
                entry.score = round(entry.score + weight * rel, 6)
                entry.components = {**entry.components, "session": rel}
        return sorted(ranked, key=lambda e: -e.score)
