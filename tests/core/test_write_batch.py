"""add_messages embeds a conversation in one call and gives what adding the messages one by one gives."""

from __future__ import annotations

from datetime import datetime, timedelta

from memagent import HashingEmbedder, Memory
from memagent.testing import CountingEmbedder

T0 = datetime(2025, 3, 1)

CONVERSATION = [
    ("user", "I love jazz and I'm vegetarian"),
    ("assistant", "Noted! Any favourite artists?"),
    ("user", "My favorite band is Radiohead"),
    ("assistant", "Great choice."),
    ("user", "I prefer window seats over aisle seats"),
    ("user", "Actually I'm not vegetarian anymore, I eat fish now"),
    ("user", "Forget that I love jazz"),
    ("user", "I usually go hiking on weekends"),
]


def _messages():
    return [{"role": r, "content": c} for r, c in CONVERSATION]


def _state(mem: Memory, user: str):
    items = sorted((i.kind.value, i.text, i.status) for i in mem.items(user, include_inactive=True))
    events = [(e.role, e.text) for e in mem.events(user)]
    return items, events


def test_add_messages_matches_one_by_one(tmp_path):
    batch = Memory.open(tmp_path / "a.db", embedder=HashingEmbedder(dim=256))
    single = Memory.open(tmp_path / "b.db", embedder=HashingEmbedder(dim=256))
    results = batch.add_messages("u", _messages(), session_id="s", timestamp=T0)
    expected = [single.add("u", c, role=r, session_id="s", timestamp=T0) for r, c in CONVERSATION]
    assert [[(o.op, o.text) for o in r.ops] for r in results] == [[(o.op, o.text) for o in r.ops] for r in expected]
    assert _state(batch, "u") == _state(single, "u")
    assert any(not t for _, t in _state(batch, "u")[1])  # the forget request was redacted in the batch too
    batch.close()
    single.close()


def test_add_messages_embeds_once_per_call(tmp_path):
    counting = CountingEmbedder(HashingEmbedder(dim=256))
    mem = Memory.open(tmp_path / "m.db", embedder=counting)
    mem.add("u", "I live in Lisbon", session_id="s", timestamp=T0)
    before = counting.calls
    msgs = [{"role": "user", "content": f"I love {x} music"} for x in ("jazz", "soul", "funk", "blues", "salsa")]
    mem.add_messages("u", msgs, session_id="s", timestamp=T0 + timedelta(hours=1))
    assert counting.calls - before == 1
    assert len(mem.items("u")) == 6
    one_by_one = CountingEmbedder(HashingEmbedder(dim=256))
    other = Memory.open(tmp_path / "o.db", embedder=one_by_one)
    for m in msgs:
        other.add("u", m["content"], session_id="s")
    assert one_by_one.calls >= len(msgs)  # what the batch saves
    mem.close()
    other.close()


def test_a_context_that_changed_is_extracted_again(tmp_path):
    """Events older than the stored ones are not the latest context: the prediction is dropped, not trusted."""
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    mem.add("u", "I love opera", session_id="s", timestamp=T0 + timedelta(days=10))
    mem.add_messages("u", [{"role": "user", "content": "I hate opera"}, {"role": "user", "content": "I love tea"}],
                     session_id="s", timestamp=T0)
    ref = Memory.open(tmp_path / "r.db", embedder=HashingEmbedder(dim=256))
    ref.add("u", "I love opera", session_id="s", timestamp=T0 + timedelta(days=10))
    ref.add("u", "I hate opera", session_id="s", timestamp=T0)
    ref.add("u", "I love tea", session_id="s", timestamp=T0)
    assert _state(mem, "u")[0] == _state(ref, "u")[0]
    mem.close()
    ref.close()
