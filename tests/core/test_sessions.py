"""Session relevance in recall (memagent/retrieval/sessions.py): a remark inherits what its conversation is about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from memagent import HashingEmbedder, Memory, RecallConfig
from memagent.retrieval.hybrid import Scored
from memagent.retrieval.sessions import SESSION_EVENTS, SessionBoost
from memagent.types import Event, EventKind, MemoryItem, MemoryKind

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
QUERY = "anything worth seeing this weekend?"


def _fill(mem: Memory) -> None:
    """A session about going out whose budget remark shares no word with the request, then sessions about chores
    whose remarks do share one ("worth") and whose preferences fill the profile."""
    mem.add_messages("u", [
        {"role": "user", "content": "it's been ages since I went out, what's worth seeing this weekend?"},
        {"role": "assistant", "content": "Happy to look at what's on this weekend."},
        {"role": "user", "content": "under twenty dollars is my ceiling"},
        {"role": "assistant", "content": "Noted."},
    ], session_id="out", timestamp=T0)
    chores = ["laundry", "groceries", "the dishes", "ironing", "the bins", "hoovering", "the garden", "the car"]
    for n, chore in enumerate(chores, 1):
        mem.add_messages("u", [
            {"role": "user", "content": f"I'd like {chore} done on Saturday mornings"},
            {"role": "assistant", "content": "Done."},
            {"role": "user", "content": f"honestly {chore} is hardly worth the bother, I keep skipping it"},
            {"role": "assistant", "content": "Fair enough."},
        ], session_id=f"chores{n}", timestamp=T0 + timedelta(days=n))


def _recalled(mem: Memory, budget: int) -> str:
    return mem.recall("u", QUERY, budget_tokens=budget).to_prompt()


@pytest.mark.parametrize("budget", [340, 420])
def test_a_remark_is_recalled_for_a_request_about_its_session(budget):
    # opt in (off by default: see RecallConfig.w_session)
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=256), recall_config=RecallConfig(w_session=0.15))
    _fill(mem)
    assert "twenty dollars" in _recalled(mem, budget)
    mem.close()


def test_without_session_relevance_the_remark_is_crowded_out():
    # The same data with the component off: the remark loses to the remarks that share a word with the request.
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=256), recall_config=RecallConfig(w_session=0.0))
    _fill(mem)
    assert "twenty dollars" not in _recalled(mem, 340)
    assert "twenty dollars" not in _recalled(mem, 420)
    mem.close()


def _event(eid: str, session: str) -> Event:
    return Event(id=eid, user_id="u", kind=EventKind.TURN, role="user", text="x", session_id=session, timestamp=T0)


def _item(iid: str, source: str, kind: MemoryKind = MemoryKind.EPISODE) -> MemoryItem:
    return MemoryItem(id=iid, user_id="u", kind=kind, text=iid, source_event_ids=[source], created_at=T0,
                      valid_from=T0)


def test_the_best_session_counts_fully_the_next_in_proportion_and_the_rest_not_at_all():
    events = {f"e{n}": _event(f"e{n}", s) for n, s in enumerate(["a", "a", "b", "c", "d"])}
    hits = [("e0", 0.8), ("e1", 0.6), ("e2", 0.5), ("e3", 0.45), ("e4", 0.2)]
    boost = SessionBoost(hits, events, top=2)
    # a: mean of its two best (0.7); b: one hit, its second is the weakest hit found (0.2): 0.35, half of a.
    assert boost.relevance == pytest.approx({"a": 1.0, "b": 0.5})
    ranked = [Scored(_item("x", "e2"), 0.3, {}), Scored(_item("y", "e3"), 0.35, {}), Scored(_item("z", "e0"), 0.1, {})]
    out = boost.apply(ranked, 0.2)
    assert [e.item.id for e in out] == ["x", "y", "z"]  # x: 0.3 + 0.1; y (session c, not among the top 2): 0.35
    assert out[0].components["session"] == pytest.approx(0.5)
    assert "session" not in out[1].components
    assert out[2].score == pytest.approx(0.3)


def test_a_session_that_never_ends_adds_only_its_last_events_memories():
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=256))
    msgs = []
    for n in range(SESSION_EVENTS):  # twice the cap in events: a user turn and a reply each
        msgs += [{"role": "user", "content": f"honestly the number {n} tram is hardly ever on time"},
                 {"role": "assistant", "content": "Noted."}]
    mem.add_messages("u", msgs, session_id="forever", timestamp=T0)
    snap = mem.ranker.snapshot("u")
    boost = SessionBoost(mem.turns.search("u", mem.queries.get("u", "tram")), mem.turns.events_by_id("u"), top=4)
    members = boost.members(mem.store, "u", snap)
    last = {e.id for e in mem.store.events("u", session_id="forever")[-SESSION_EVENTS:]}
    assert members and len(members) <= SESSION_EVENTS // 2
    assert all(set(snap.by_id[i].source_event_ids) & last for i in members)
    assert boost.members(mem.store, "u", snap) == members  # read once per snapshot
    mem.close()
