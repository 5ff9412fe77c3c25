"""A snapshot patched after a write (``retrieval/patch.py``) recalls exactly what a fresh read of the store recalls.

Each test drives a seeded random sequence of writes, forgets, redactions and deleted users, and after every step
compares the recall of the long-lived memory (whose snapshot is patched) with the recall of a new ``Memory``
over the same store and index (which reads everything): same entries, scores, components and prompt text.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

import memagent.retrieval.hybrid as hybrid
from memagent import HashingEmbedder, Memory
from memagent.retrieval.arrays import ItemArrays, RowEdit
from memagent.retrieval.bm25 import BM25Cache
from memagent.retrieval.cache import Snapshot
from memagent.retrieval.hybrid import HybridRanker
from memagent.store.sqlite import SQLiteStore
from memagent.types import Edge, EdgeType, MemoryItem, MemoryKind, Op, Recall

PLACES = ["Porto", "Lisbon", "Oslo", "Kyoto", "Denver", "Nairobi"]
FOODS = ["sushi", "tacos", "ramen", "paella", "falafel", "pho", "goulash"]
HOBBIES = ["kayaking", "chess", "climbing", "pottery", "running", "birdwatching"]
QUERIES = ["what should I cook tonight", "where do I live", "plan my weekend", "any hobby ideas",
           "recommend a restaurant", "what do I like to eat"]


def _said(rng: random.Random) -> str:
    return rng.choice([
        f"I live in {rng.choice(PLACES)}",
        f"I moved to {rng.choice(PLACES)} last month",
        f"I love {rng.choice(FOODS)}",
        f"I don't like {rng.choice(FOODS)} anymore",
        f"My favourite hobby is {rng.choice(HOBBIES)}",
        f"I really enjoy {rng.choice(HOBBIES)} with my cousin on weekends",
        f"Always suggest {rng.choice(FOODS)} places when I ask for dinner",
        f"we ended up at that {rng.choice(FOODS)} place again, honestly it was great",
    ])


def _view(recall: Recall) -> tuple[object, ...]:
    entries = [(e.item.id, e.item.text, e.score, e.via, e.compact, e.tokens, sorted(e.components.items()))
               for e in recall.entries]
    return entries, recall.used_tokens, recall.to_prompt()


def _check(mem: Memory, uid: str, rng: random.Random) -> None:
    mem.flush()  # a write-behind memory's queue first: the fresh memory would write it itself on open
    fresh = Memory(mem.store, mem.index, mem.embedder, reconcile=False)
    for query in rng.sample(QUERIES, 2):
        for kinds in (None, ["preference", "instruction"]):
            got = mem.recall(uid, query, kinds=kinds, touch=False)
            want = fresh.recall(uid, query, kinds=kinds, touch=False)
            assert _view(got) == _view(want), (query, kinds)
    _same_snapshot(mem.ranker.snapshot(uid), fresh.ranker.snapshot(uid))


def _columns(arrays: ItemArrays) -> dict[str, object]:
    names = {code: name for name, code in arrays.domains.items()}
    return {"ids": arrays.ids, "texts": arrays.texts, "domains": [names.get(int(c)) for c in arrays.domain_codes],
            "pos": [arrays.pos.get(i) for i in arrays.ids] + [arrays.pos.get("mem_gone"), "mem_gone" in arrays.pos],
            **{col: getattr(arrays, col).tolist() for col in ("kinds", "profile", "importance", "evidence", "stamps",
                                                               "recency")},
            "topic": None if arrays.topic_sqrt is None else arrays.topic_sqrt.tolist()}


def _same_snapshot(got: Snapshot, want: Snapshot) -> None:
    """Every view the read path keeps, patched and read afresh (beyond what one recall happens to show)."""
    assert [i.id for i in got.items] == [i.id for i in want.items]
    assert [i.model_dump(exclude={"access_count", "last_accessed"}) for i in got.items] == [
        i.model_dump(exclude={"access_count", "last_accessed"}) for i in want.items]
    assert got.by_id.keys() == want.by_id.keys()
    assert got.neighbours == want.neighbours
    for key in got.arrays.keys() & want.arrays.keys():
        assert _columns(got.arrays[key]) == _columns(want.arrays[key]), key
    if got.events is not None and want.events is not None:
        assert [e.id for e in got.events] == [e.id for e in want.events]
    if got.replacing is not None:
        assert [i.id for i in got.replacing] == [i.id for i in want.items if "replaces" in i.metadata]
    if got.others is not None and want.others is not None:
        assert sorted(i.id for i in got.others) == sorted(i.id for i in want.others)
    turns, fresh_turns = got.extras.get("turns"), want.extras.get("turns")
    if turns is not None and fresh_turns is not None:
        assert (turns.ids, turns.stale, turns.absorbed) == (fresh_turns.ids, fresh_turns.stale, fresh_turns.absorbed)
        # What an extended view keeps beside (extended, not rebuilt): the same as a view built afresh.
        assert (turns.messages, turns.pos, turns.restating, turns.order) == (
            fresh_turns.messages, fresh_turns.pos, fresh_turns.restating, fresh_turns.order)


def _step(mem: Memory, uid: str, rng: random.Random, clock: list[datetime]) -> None:
    clock[0] += timedelta(minutes=rng.randint(1, 600))
    roll = rng.random()
    if roll < 0.15:  # a chatbot's exchange over two writes: the proposal, then the bare reply taking it up
        mem.add(uid, f"How about {rng.choice(FOODS)} in {rng.choice(PLACES)}?", role="assistant",
                timestamp=clock[0], session_id="s0")
        mem.recall(uid, "dinner ideas", touch=False)  # the reply lands in the next patch
        mem.add(uid, rng.choice(["sure, sounds good", "yes please", "ok let's do that"]),
                timestamp=clock[0] + timedelta(seconds=30), session_id="s0")
    elif roll < 0.45:
        mem.add(uid, _said(rng), timestamp=clock[0], session_id=f"s{rng.randint(0, 2)}")
    elif roll < 0.65:
        mem.add_messages(uid, [{"role": "user", "content": _said(rng)},
                               {"role": "assistant", "content": f"How about {rng.choice(FOODS)} in {rng.choice(PLACES)}?"},
                               {"role": "user", "content": "sure, sounds good"}],
                         session_id=f"s{rng.randint(0, 2)}", timestamp=clock[0])
    elif roll < 0.72:  # backfilled: older than what is stored, lands in the middle of the snapshot
        mem.add(uid, _said(rng), timestamp=clock[0] - timedelta(days=rng.randint(1, 30)))
    elif roll < 0.80 and mem.items(uid):
        mem.forget(uid, rng.choice(mem.items(uid)).id)
    elif roll < 0.85:
        mem.forget(uid, query=rng.choice(FOODS + PLACES))
    elif roll < 0.90 and mem.events(uid):
        mem.redact_events(uid, [rng.choice(mem.events(uid)).id])
    elif roll < 0.93:
        mem.delete_user(uid)
        mem.add(uid, _said(rng), timestamp=clock[0])
    else:
        mem.add(uid, f"forget that I like {rng.choice(FOODS)}", timestamp=clock[0])


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts patched snapshots, so a test shows the patched path ran (a test of only reloads would prove nothing)."""
    calls: list[int] = []
    real = hybrid.patch_snapshot

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hybrid, "patch_snapshot", counted)
    return calls


@pytest.fixture
def edits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts rows copied by position (``RowEdit``: item columns, BM25 models, turn views), so a test shows that
    path ran, not only the lookups by id."""
    calls: list[int] = []
    real = RowEdit.sources

    def counted(self, n):
        got = real(self, n)
        if got is not None:
            calls.append(1)
        return got

    monkeypatch.setattr(RowEdit, "sources", counted)
    return calls


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recall_from_a_patched_snapshot_equals_a_fresh_read_after_every_step(tmp_path, seed, patches, edits):
    rng = random.Random(seed)
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128))
    clock = [datetime(2025, 1, 1, tzinfo=UTC)]
    for n in range(12):
        mem.add("u", _said(rng), timestamp=clock[0] + timedelta(minutes=n))
    mem.add("other", "I love sushi")
    for _ in range(35):
        _step(mem, "u", rng, clock)
        if mem.has_user("u"):
            _check(mem, "u", rng)
    assert len(patches) >= 10
    assert len(edits) >= 10
    mem.close()


def test_another_connections_write_is_seen_by_a_memory_that_patches(tmp_path, patches):
    a = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128))
    b = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128))
    a.add("u", "I love ramen")
    a.recall("u", "dinner", touch=False)
    b.add("u", "I live in Kyoto")  # another process: a's snapshot cannot know
    a.add("u", "My favourite hobby is chess")  # a patches from its own history position...
    got = a.recall("u", "where do I live", touch=False)
    assert "Kyoto" in got.to_prompt()  # ...but the other commit moved data_version and cleared everything
    _check(a, "u", random.Random(0))
    a.close()
    b.close()


def test_concurrent_writers_and_readers_leave_a_snapshot_with_every_committed_write(tmp_path, patches):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128))
    mem.add("u", "I love sushi")
    mem.recall("u", "dinner", touch=False)  # a snapshot to patch
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for k in range(15):
                mem.add("u", f"I really enjoy {HOBBIES[(n + k) % len(HOBBIES)]} number {n}-{k}")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    def reader() -> None:
        try:
            for k in range(30):
                mem.recall("u", QUERIES[k % len(QUERIES)], touch=False)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)] + [threading.Thread(target=reader)
                                                                              for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check(mem, "u", random.Random(1))
    assert len(patches) >= 1
    mem.close()


def test_write_behind_recall_sees_every_queued_write(tmp_path, patches):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128), write_behind=True)
    mem.add("u", "I love sushi")
    mem.recall("u", "dinner", touch=False)
    rng = random.Random(5)
    for _ in range(8):
        mem.add("u", _said(rng))
        _check(mem, "u", rng)  # a read writes the user's queued events first, then patches
    assert len(patches) >= 1
    mem.close()


def test_patched_relations_and_tied_times_match_a_fresh_read():
    """Relation edges (the graph hop) and items of one instant, written straight to a store as a writer would."""
    store = SQLiteStore(":memory:")
    store.ensure_user("u")
    when = datetime(2025, 1, 1, tzinfo=UTC)

    def put(text: str, *, related: Sequence[str] = ()) -> MemoryItem:
        item = MemoryItem(user_id="u", kind=MemoryKind.FACT, text=text, valid_from=when, created_at=when)
        with store.transaction():
            store.insert_item(item)
            for other in related:
                store.insert_edge(Edge(user_id="u", src=item.id, dst=other, type=EdgeType.RELATES_TO))
            store.add_history("u", Op.INSERT, item_id=item.id, text=text)
        return item

    ranker = HybridRanker(store, index=None)  # type: ignore[arg-type]  # snapshots read no vector
    a, b = put("User has a dog."), put("User walks the dog daily.")
    ranker.snapshot("u")
    for n in range(4):
        c = put(f"User's dog is {n} years old.", related=[a.id, b.id])
        with store.transaction():
            store.update_item("u", a.id, evidence_count=n + 2)
            store.add_history("u", Op.MERGE, item_id=a.id)
        if n == 2:
            with store.transaction():
                store.update_item("u", b.id, status="superseded", superseded_by=c.id)
                store.add_history("u", Op.SUPERSEDE, item_id=b.id)
        ranker.changed("u")
        got, want = ranker.snapshot("u"), HybridRanker(store, index=None).snapshot("u")  # type: ignore[arg-type]
        assert got.op_version is not None and got is not want
        _same_snapshot(got, want)
        assert got.neighbours and got.by_id[a.id].evidence_count == n + 2


def test_a_patched_bm25_model_scores_exactly_as_a_full_build():
    rng = random.Random(7)
    words = [*FOODS, *PLACES, *HOBBIES, "dinner", "weekend", "cousin", "sister"]
    texts = {f"d{n}": " ".join(rng.choices(words, k=rng.randint(1, 9))) for n in range(300)}
    patched, patches = BM25Cache(), 0
    for step in range(30):
        for _ in range(rng.randint(1, 4)):  # a write: new documents, a changed one, a removed one
            roll = rng.random()
            if roll < 0.6:
                texts[f"d{300 + step}-{rng.random()}"] = " ".join(rng.choices(words, k=rng.randint(1, 9)))
            elif roll < 0.8:
                texts[rng.choice(sorted(texts))] = " ".join(rng.choices(words, k=rng.randint(1, 9)))
            else:
                texts.pop(rng.choice(sorted(texts)))
        ids = sorted(texts, key=lambda _: rng.random())  # any order: rows move
        patched.invalidate("u")
        kept = patched._kept.get("u")
        got = patched.array("u", ids, [texts[i] for i in ids], "dinner sushi cousin sushi")
        patches += kept is not None and patched._kept["u"].docs is kept.docs  # the patched path ran
        want = BM25Cache().array("u", ids, [texts[i] for i in ids], "dinner sushi cousin sushi")
        assert got is not None and want is not None and np.array_equal(got, want)
    assert patches >= 20
