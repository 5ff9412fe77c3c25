"""benchmarks.perma.stale_why names the cause of a stale pair from the memories the change's session made."""

from __future__ import annotations

from datetime import UTC, datetime

from benchmarks.perma.loader import Change
from benchmarks.perma.metrics import covering_values, states_old_value
from benchmarks.perma.stale_why import _cause
from memagent.types import MemoryItem, MemoryKind

BEFORE, AT = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)
CHANGE = Change(AT, "Music", "platform", "Spotify", "Tidal", "change")


def _item(iid, text, domain="music", when=AT, kind=MemoryKind.PREFERENCE, **meta):
    return MemoryItem(id=iid, user_id="u", kind=kind, text=text, domain=domain, valid_from=when, metadata=meta)


def test_the_cause_follows_the_evidence():
    old = _item("o", "Music preference: Spotify", when=BEFORE)
    plain = _item("n", "Music preference: Tidal")
    marked = _item("n", "Music preference: Tidal (changed)", changed="1")
    assert _cause(CHANGE, old, [], {"o": old}) == "new value not extracted"
    assert _cause(CHANGE, old, [plain], {"o": old, "n": plain}) == "change not detected"
    assert _cause(CHANGE, old, [marked], {"o": old, "n": marked}) == "change replaced nothing"
    elsewhere = _item("w", "Work preference: Spotify", domain="work", when=BEFORE)
    assert _cause(CHANGE, elsewhere, [marked], {"w": elsewhere, "n": marked}) == "old kept in another domain"
    replaced = old.model_copy(update={"status": "superseded", "superseded_by": "n"})
    turn = _item("t", "user: Spotify please", domain=None, when=BEFORE, kind=MemoryKind.TURN)
    assert _cause(CHANGE, turn, [marked], {"o": replaced, "n": marked}) == "turn not retired"
    again = _item("a", "User said: back on Spotify", when=datetime(2024, 4, 1, tzinfo=UTC), kind=MemoryKind.EPISODE)
    assert _cause(CHANGE, again, [marked], {"o": replaced, "n": marked}) == "old said again"


def test_the_stale_test_is_the_metrics_one():
    covers = covering_values(CHANGE, ["Spotify Premium family plan", "Tidal"])
    assert covers == ["Spotify Premium family plan"]
    assert states_old_value(CHANGE, "Music preference: Spotify", [])
    assert not states_old_value(CHANGE, "Music: Tidal (changed from Spotify)", [])  # a change record
    assert not states_old_value(CHANGE, "Music: Spotify Premium family plan", covers)
