"""The chunked write path (memagent/graph/batch.py): whatever the chunking, trust and ordering, a conversation
written in one call ends exactly as written one message at a time; its vectors reach the index in one write per
chunk; what extraction memoised of a turn goes when the turn is forgotten."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from memagent import HashingEmbedder, Memory, Op
from memagent.embeddings.cache import text_key
from memagent.graph import batch
from memagent.store.index import ExactIndex

T0 = datetime(2025, 3, 1)

TALK = [
    ("user", "I love jazz and I'm vegetarian"),
    ("assistant", "Noted! Any favourite artists?"),
    ("user", "My favorite band is Radiohead"),
    ("assistant", "Which seat do you prefer on flights?"),
    ("user", "Window seats, please"),
    ("user", "Actually I'm not vegetarian anymore, I eat fish now"),
    ("user", "Forget that I love jazz"),
    ("user", "I usually go hiking on weekends"),
    ("user", "I switched from Spotify to Apple Music"),
    ("assistant", "Done."),
    ("user", "My favorite band is Portishead now"),
]


def _state(mem: Memory, user: str):
    items = sorted((i.kind.value, i.text, i.status, i.evidence_count) for i in mem.items(user, include_inactive=True))
    events = [(e.role, e.text, e.session_id) for e in mem.events(user)]
    edges = sorted((e.type.value,) for e in mem.store.edges(user))
    return items, events, edges


def _ops(results):
    return [[(o.op, o.text) for o in r.ops] for r in results]


def _one_by_one(path, events):
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    results = [mem.add("u", text, role=role, session_id=sid, timestamp=when) for role, text, sid, when in events]
    return mem, results


def _batched(path, events):
    mem = Memory.open(path, embedder=HashingEmbedder(dim=256))
    evs = [mem._event("u", text, role=role, session_id=sid, timestamp=when) for role, text, sid, when in events]
    return mem, mem._add("u", evs)


@pytest.mark.parametrize("chunk_events", [1, 3, 64])
@pytest.mark.parametrize("shape", ["one_session", "two_sessions", "no_session", "out_of_order"])
def test_a_batch_ends_as_writing_one_by_one(tmp_path, monkeypatch, chunk_events, shape):
    monkeypatch.setattr(batch, "CHUNK_EVENTS", chunk_events)
    events = []
    for n, (role, text) in enumerate(TALK):
        sid = {"one_session": "s", "no_session": None}.get(shape, "s" if n % 2 else "t")
        when = T0 + timedelta(minutes=n if shape != "out_of_order" else (n * 7) % len(TALK))
        events.append((role, text, sid, when))
    if shape == "out_of_order":  # the stored events are newer than the batch's: predicted contexts are wrong
        events.insert(0, ("user", "I love opera", "s", T0 + timedelta(days=3)))
    ref, expected = _one_by_one(tmp_path / "ref.db", events)
    mem, results = _batched(tmp_path / "b.db", events)
    assert _ops(results) == _ops(expected)
    assert _state(mem, "u") == _state(ref, "u")
    assert mem.index.ids("u") == mem.store.item_ids("u")
    mem.close()
    ref.close()


def test_a_replayed_event_id_in_a_batch_writes_nothing_again(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    first = mem.add("u", "I love jazz", event_id="c-1", session_id="s", timestamp=T0)
    again = mem._add("u", [mem._event("u", "I love jazz", event_id="c-1", session_id="s", timestamp=T0),
                           mem._event("u", "I live in Porto", session_id="s", timestamp=T0 + timedelta(minutes=1))])
    assert _ops(again[:1]) == _ops([first])
    assert [i.text for i in mem.items("u")] == ["User loves jazz.", "User lives in Porto."]
    mem.close()


def test_a_write_indexes_its_items_values_and_turns_in_one_index_transaction(tmp_path):
    index = ExactIndex(tmp_path / "v", 256)
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256), index=index)
    statements: list[str] = []
    index._conn.set_trace_callback(statements.append)  # what the index file is sent
    mem.add("u", "I prefer window seats over aisle seats")  # an item, its value phrase and the turn
    index._conn.set_trace_callback(None)
    assert sum(s.strip().upper() == "COMMIT" for s in statements) == 1
    # the bucket search, its vectors, and the write once for its three keys (not once per key)
    assert sum("data_version" in s for s in statements) == 3
    assert len(mem.index.ids("u")) == 1 and mem.index.users() >= {"u", "u\x1fvalue", "u\x1fturns"}
    mem.close()


def test_a_failed_index_transaction_keeps_nothing_of_it(tmp_path):
    index = ExactIndex(tmp_path / "v", 4)
    index.add("u", ["a"], [[1, 0, 0, 0]])
    with pytest.raises(RuntimeError), index.one_transaction():
        index.add("u", ["b"], [[0, 1, 0, 0]])
        index.add("u\x1fturns", ["t"], [[0, 0, 1, 0]])
        raise RuntimeError("power cut")
    assert index.ids("u") == {"a"} and index.ids("u\x1fturns") == set()
    assert [i for i, _ in index.search("u", [0, 1, 0, 0], 5)] == ["a"]  # the cached matrix forgot "b" too
    index.close()


def test_forget_and_delete_user_drop_what_extraction_memoised_of_the_turns(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    memo = mem.writer.extractor._topics
    said = "I love Zorblat jazz on fridays"
    mem.add_messages("u", [{"role": "user", "content": said}, {"role": "user", "content": "Book me a table"}],
                     session_id="s")
    mem.add("u2", "I love Zorblat opera", session_id="s")
    mem.add("u2", "Any dinner ideas?", session_id="s")  # reads the first turn's topic from the memo
    assert text_key(said) in memo._values and text_key("I love Zorblat opera") in memo._values
    res = mem.add("u", "Forget that I love Zorblat jazz", session_id="s")
    assert res.by_op(Op.FORGET)
    assert text_key(said) not in memo._values  # the forgotten memory's source turn
    mem.delete_user("u2")
    assert text_key("I love Zorblat opera") not in memo._values
    mem.close()


@pytest.mark.parametrize("talk", [
    # older messages arriving later: the context sorts them by time, not in the order they were sent
    [("assistant", "Which airline do you prefer?", 10), ("assistant", "Which seat do you prefer?", 1),
     ("user", "Window, please", 2)],
    # a forget redacts turns the later ones would have read their topic from
    [("user", "Help me plan a dinner, I love sushi", 0), ("assistant", "Sure! Anything else?", 1),
     ("user", "Forget that I love sushi", 2), ("assistant", "Any preference for the place?", 3),
     ("user", "A quiet corner table", 4)],
])
def test_a_context_the_batch_cannot_predict_is_read_back(tmp_path, talk):
    events = [(role, text, "s", T0 + timedelta(minutes=m)) for role, text, m in talk]
    ref, expected = _one_by_one(tmp_path / "ref.db", events)
    mem, results = _batched(tmp_path / "b.db", events)
    assert _ops(results) == _ops(expected)
    assert _state(mem, "u") == _state(ref, "u")
    mem.close()
    ref.close()


@pytest.mark.parametrize("elsewhere", ["another connection", "a plugin write", "a redaction"])
def test_session_events_kept_between_writes_never_hide_a_change_made_elsewhere(tmp_path, elsewhere):
    from memagent.types import Event

    def talk(mem, other):
        mem.add("u", "Which seat do you prefer?", role="assistant", session_id="s", timestamp=T0)
        question = "Which airline do you prefer?"
        if elsewhere == "another connection":
            other.add("u", question, role="assistant", session_id="s", timestamp=T0 + timedelta(minutes=1))
        elif elsewhere == "a plugin write":
            mem.write(Event(user_id="u", text=question, role="assistant", session_id="s",
                            timestamp=T0 + timedelta(minutes=1)), [])
        else:  # the question is blanked: the answer has no question to answer any more
            first = mem.events("u")[0].id
            mem.redact_events("u", [first])
        return mem.add("u", "Delta, please", session_id="s", timestamp=T0 + timedelta(minutes=2))

    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    other = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    got = talk(mem, other)
    ref = Memory.open(tmp_path / "r.db", embedder=HashingEmbedder(dim=256))
    ref.writer._recent_context = lambda event, version: ref.writer._context(event)  # always read back
    expected = talk(ref, ref)
    assert _ops([got]) == _ops([expected])
    assert _state(mem, "u")[0] == _state(ref, "u")[0]
    for m in (mem, other, ref):
        m.close()


def test_forget_drops_the_session_events_the_writer_kept(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    mem.add("u", "I love Zorblat jazz", session_id="s")
    mem.add("u", "Noted.", role="assistant", session_id="s")
    def kept_texts():
        return [e.text for sessions in mem.writer._recent.values() for _, _, kept in sessions.values() for e in kept]

    assert any("Zorblat" in t for t in kept_texts())
    mem.forget("u", query="Zorblat jazz")
    assert not any("Zorblat" in t for t in kept_texts())
    mem.close()


def test_a_batch_commits_early_for_a_thread_waiting_on_the_store(tmp_path):
    import threading
    import time

    from memagent.graph.decide import RuleDecider

    state: dict = {}

    class ReaderArrives(RuleDecider):
        def decide(self, cand, bucket):
            if "reader" not in state:  # first decision, inside the batch's first transaction
                state["reader"] = threading.Thread(target=lambda: state.setdefault("read", mem.has_user("u")))
                state["reader"].start()
                while mem.store.waiting == 0:
                    time.sleep(0.001)
            return super().decide(cand, bucket)

    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256), decider=ReaderArrives())
    commits = []
    real_commit = mem.store._commit
    mem.store._commit = lambda: (commits.append(1), real_commit())[1]
    mem.add_messages("u", [{"role": "user", "content": f"I love {x} music"} for x in ("jazz", "soul", "funk")],
                     session_id="s")
    state["reader"].join()
    assert state["read"] is True  # it read after the first commit, which wrote the user
    assert len(commits) >= 2 and mem.store.waiting == 0
    assert len(mem.items("u")) == 3
    mem.close()
