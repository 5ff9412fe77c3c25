"""Contract test suites: subclass in a test module, set the fixture, inherit the checks (like langchain's
standard tests). Every Embedder, VectorIndex and Store implementation in memagent runs them."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np
import pytest

from memagent.errors import NotFoundError, StoreError
from memagent.store.base import Store
from memagent.types import Edge, EdgeType, Event, MemoryItem, MemoryKind, Op

__all__ = ["EmbedderContract", "StoreBackend", "StoreContract", "VectorIndexContract"]


def _missing_fixture(suite: object, name: str) -> None:
    """Fail the test with what to write: a subclass that forgot the fixture would otherwise get pytest's
    generic "fixture not found" listing, or inherit checks against nothing."""
    pytest.fail(f"{type(suite).__name__} must define the `{name}` fixture, returning the implementation to check, "
                f"e.g. `@pytest.fixture\n    def {name}(self): return My{name.capitalize()}(...)`", pytrace=False)


class EmbedderContract:
    """Subclass and provide an ``embedder`` fixture."""

    @pytest.fixture
    def embedder(self) -> Any:
        _missing_fixture(self, "embedder")

    def test_shape_dtype_and_unit_length(self, embedder: Any) -> None:
        out = embedder.embed(["I love sushi", "the train was late", ""])
        assert out.shape == (3, embedder.dim)
        assert out.dtype == np.float32
        norms = np.linalg.norm(out[:2], axis=1)
        assert np.allclose(norms, 1.0, atol=1e-4)

    def test_deterministic_and_batch_independent(self, embedder: Any) -> None:
        a = embedder.embed(["alpha beta", "gamma delta"])
        b = embedder.embed(["gamma delta"])
        assert np.allclose(a[1], b[0], atol=1e-5)

    def test_empty_list(self, embedder: Any) -> None:
        assert embedder.embed([]).shape == (0, embedder.dim)

    def test_has_name(self, embedder: Any) -> None:
        assert isinstance(embedder.name, str) and embedder.name

    def test_rejects_bare_string(self, embedder: Any) -> None:
        from memagent.errors import InvalidInputError

        with pytest.raises(InvalidInputError):
            embedder.embed("not a list")


class VectorIndexContract:
    """Subclass and provide an ``index`` fixture (dim 4)."""

    @pytest.fixture
    def index(self) -> Any:
        _missing_fixture(self, "index")

    @staticmethod
    def _unit(*v: float) -> np.ndarray:
        a = np.asarray(v, dtype=np.float32)
        return a / np.linalg.norm(a)

    def test_search_orders_by_cosine_and_isolates_users(self, index: Any) -> None:
        index.add("u1", ["a", "b"], np.stack([self._unit(1, 0, 0, 0), self._unit(0, 1, 0, 0)]))
        index.add("u2", ["c"], np.stack([self._unit(1, 0, 0, 0)]))
        hits = index.search("u1", self._unit(1, 0.1, 0, 0), 5)
        assert [h[0] for h in hits] == ["a", "b"]
        assert hits[0][1] > hits[1][1]
        assert index.ids("u1") == {"a", "b"} and index.ids("u2") == {"c"}
        assert index.search("nobody", self._unit(1, 0, 0, 0), 3) == []

    def test_vectors_delete_and_delete_user(self, index: Any) -> None:
        index.add("u1", ["a", "b"], np.stack([self._unit(1, 0, 0, 0), self._unit(0, 1, 0, 0)]))
        vecs = index.vectors("u1", ["a", "zzz"])
        assert set(vecs) == {"a"} and np.allclose(vecs["a"], self._unit(1, 0, 0, 0), atol=1e-6)
        index.delete("u1", ["a"])
        assert index.ids("u1") == {"b"}
        index.delete_user("u1")
        assert index.ids("u1") == set()

    def test_add_replaces_existing_id(self, index: Any) -> None:
        index.add("u1", ["a"], np.stack([self._unit(1, 0, 0, 0)]))
        index.add("u1", ["a"], np.stack([self._unit(0, 0, 1, 0)]))
        assert index.search("u1", self._unit(0, 0, 1, 0), 1)[0][0] == "a"
        assert index.ids("u1") == {"a"}

    def test_embedder_identity_roundtrip(self, index: Any) -> None:
        assert index.embedder_identity() is None
        index.set_embedder_identity({"name": "e", "dim": 4})
        assert index.embedder_identity() == {"name": "e", "dim": 4}


class StoreBackend(Protocol):
    """What :class:`StoreContract` needs: fresh connections to ONE empty database, and a byte scan of its files.

    Every ``store()`` / ``memory()`` call is a new connection to the same database, as another app server
    would open (for SQLite: another ``SQLiteStore`` on the same file).
    """

    def store(self) -> Store: ...

    def memory(self) -> Any: ...

    def files_containing(self, needle: str) -> list[str]: ...


def _ev(user: str, text: str, n: int, **kw: Any) -> Event:
    return Event(user_id=user, text=text, timestamp=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n), **kw)


def _item(user: str, text: str, *, subject: str | None = None, sources: Sequence[str] = ()) -> MemoryItem:
    return MemoryItem(user_id=user, kind=MemoryKind.FACT, text=text, subject=subject, valid_from=datetime(2025, 1, 1, tzinfo=UTC),
                      source_event_ids=list(sources))


def _concurrently(work: Any, apps: Sequence[Any]) -> list[BaseException]:
    """Run ``work(app, n)`` for every app server in its own thread, at once; returns what they raised."""
    errors: list[BaseException] = []

    def run(app: Any, n: int) -> None:
        try:
            work(app, n)
        except BaseException as exc:  # collected and returned to the test, which asserts on them
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(app, n)) for n, app in enumerate(apps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def _write(store: Store, event: Event) -> None:
    with store.transaction():
        store.ensure_user(event.user_id)
        store.insert_event(event)


class StoreContract:
    """Subclass and provide a ``backend`` fixture (a :class:`StoreBackend` over an empty database).

    Every ``Store`` implementation runs it: rows are scoped by user, transactions are atomic, writers of one
    user are serialised across connections, retried writes never duplicate, forgetting leaves no bytes.
    """

    SECRET = "Quokkaville"

    @pytest.fixture
    def backend(self) -> Any:
        _missing_fixture(self, "backend")

    # -- the store ------------------------------------------------------------------------------------------
    def test_events_in_time_order_per_user_and_session(self, backend: StoreBackend) -> None:
        s = backend.store()
        for n, (user, session) in enumerate([("u1", "a"), ("u1", "b"), ("u2", "a"), ("u1", "a")]):
            _write(s, _ev(user, f"turn {n}", n, session_id=session))
        assert [e.text for e in s.events("u1")] == ["turn 0", "turn 1", "turn 3"]
        assert [e.text for e in s.events("u1", session_id="a")] == ["turn 0", "turn 3"]
        assert [e.text for e in s.events("u1", last=2)] == ["turn 1", "turn 3"]
        assert [e.text for e in s.events("u1", until=datetime(2025, 1, 1, 0, 1, tzinfo=UTC))] == ["turn 0", "turn 1"]
        last = s.last_event_id("u1")
        assert last is not None and s.get_event("u1", last).text == "turn 3"
        assert s.events_mentioning("u1", "TURN 1") == [s.events("u1")[1].id]
        with pytest.raises(NotFoundError):
            s.get_event("u2", last)  # another user's id is unknown, not readable
        assert s.users() == ["u1", "u2"] and s.counts("u2")["events"] == 1

    def test_items_filters_updates_and_links(self, backend: StoreBackend) -> None:
        s = backend.store()
        ev = _ev("u1", "I live in Porto", 0)
        _write(s, ev)
        a, b = _item("u1", "User lives in Porto.", subject="home", sources=[ev.id]), _item("u1", "User has a cat.")
        s.insert_item(a)
        s.insert_item(b)
        s.ensure_user("u2")
        s.insert_item(_item("u2", "User lives in Oslo.", subject="home"))
        assert [i.id for i in s.items("u1", subject="home")] == [a.id]
        assert s.get_item("u1", a.id).source_event_ids == [ev.id]
        s.update_item("u1", b.id, status="superseded", superseded_by=a.id, metadata={"k": "v"})
        assert [i.id for i in s.items("u1")] == [a.id]
        assert {i.id for i in s.items("u1", statuses=None)} == {a.id, b.id} == s.item_ids("u1")
        assert s.get_item("u1", b.id).metadata == {"k": "v"}
        assert [i.id for i in s.items("u1", statuses=None, ids=[b.id, "nope"])] == [b.id]
        assert s.items("u1", ids=[]) == []
        s.touch_items("u1", [a.id], datetime(2025, 2, 1, tzinfo=UTC))
        assert s.get_item("u1", a.id).access_count == 1
        assert s.item_ids_for_event("u1", ev.id) == [a.id]
        with pytest.raises(NotFoundError):
            s.update_item("u2", a.id, status="decayed")
        with pytest.raises(NotFoundError):
            s.get_item("u2", a.id)

    def test_edges_history_and_op_version(self, backend: StoreBackend) -> None:
        s = backend.store()
        _write(s, _ev("u1", "hello", 0))
        before = s.op_version("u1")
        s.insert_edge(Edge(user_id="u1", src="x", dst="y", type=EdgeType.RELATES_TO))
        s.add_history("u1", Op.INSERT, item_id="x", text="User says hello.", detail={"reason": "r"})
        assert s.op_version("u1") > before and s.op_version("u2") == 0
        assert [(e.src, e.dst, e.type) for e in s.edges("u1", node="y")] == [("x", "y", EdgeType.RELATES_TO)]
        assert s.edges("u1", types=[EdgeType.FOLLOWS]) == [] and s.edges("u2") == []
        [h] = s.history("u1", item_id="x")
        assert (h.op, h.text, h.detail) == (Op.INSERT, "User says hello.", {"reason": "r"})

    def test_what_changed_since_a_position_events_and_items(self, backend: StoreBackend) -> None:
        """What a read path patches its snapshot from (``retrieval/patch.py``): events after a sequence number,
        items with history after an op version, and ``items()`` in one order even for items of one instant."""
        s = backend.store()
        _write(s, _ev("u1", "first", 5))
        events, seq = s.events_since("u1", 0)  # type: ignore[attr-defined]
        assert [e.text for e in events] == ["first"] and seq > 0
        _write(s, _ev("u1", "second", 9))
        _write(s, _ev("u1", "backfilled", 1))
        _write(s, _ev("u2", "not mine", 10))
        later, top = s.events_since("u1", seq)  # type: ignore[attr-defined]
        assert [e.text for e in later] == ["backfilled", "second"] and top > seq
        assert s.events_since("u1", top) == ([], top)  # type: ignore[attr-defined]
        a, b, c = (_item("u1", f"User fact {n}.").model_copy(update={"created_at": datetime(2025, 1, 1, tzinfo=UTC)})
                   for n in range(3))  # one valid_from and created_at: the id decides
        for item in (c, a, b):
            s.insert_item(item)
        assert [i.id for i in s.items("u1")] == sorted([a.id, b.id, c.id])
        at = s.op_version("u1")
        s.add_history("u1", Op.MERGE, item_id=b.id)
        s.add_history("u1", Op.SUPERSEDE, item_id=c.id)
        s.add_history("u2", Op.INSERT, item_id="elsewhere")
        assert s.changed_items("u1", at) == {b.id, c.id}  # type: ignore[attr-defined]
        assert s.changed_items("u1", s.op_version("u1")) == set()  # type: ignore[attr-defined]

    def test_a_failed_transaction_writes_nothing_and_nested_ones_join(self, backend: StoreBackend) -> None:
        s = backend.store()
        with pytest.raises(RuntimeError), s.transaction():
            s.ensure_user("u1")
            with s.transaction():
                s.insert_event(_ev("u1", "lost", 0))
            raise RuntimeError("boom")
        assert not s.user_exists("u1") and backend.store().users() == []

    def test_a_duplicate_event_id_is_refused_and_existence_is_per_user(self, backend: StoreBackend) -> None:
        s = backend.store()
        ev = _ev("u1", "once", 0)
        _write(s, ev)
        assert s.event_exists("u1", ev.id) and not s.event_exists("u2", ev.id)
        with pytest.raises(StoreError):
            _write(s, ev)
        assert len(s.events("u1")) == 1

    def test_schema_is_migrated_once_and_the_store_id_is_shared(self, backend: StoreBackend) -> None:
        a, b = backend.store(), backend.store()
        assert isinstance(a, Store)  # every method of the protocol is there
        assert a.meta_get("schema_version") is not None
        assert a.meta_get("schema_version") == b.meta_get("schema_version")
        assert a.store_id() == b.store_id()

    def test_data_version_moves_when_another_connection_commits(self, backend: StoreBackend) -> None:
        a, b = backend.store(), backend.store()
        seen = a.data_version()
        _write(b, _ev("u1", "from another app server", 0))
        assert a.data_version() != seen

    def test_purge_item_and_delete_user_leave_no_rows(self, backend: StoreBackend) -> None:
        s = backend.store()
        ev = _ev("u1", f"I love {self.SECRET}", 0)
        _write(s, ev)
        item = _item("u1", f"User loves {self.SECRET}.", sources=[ev.id])
        s.insert_item(item)
        s.add_history("u1", Op.INSERT, item_id=item.id, text=item.text)
        s.purge_item("u1", item.id)
        assert s.item_ids("u1") == set() and [h.text for h in s.history("u1")] == [None]
        _write(s, _ev("u2", "keep me", 0))
        s.delete_user("u1")
        assert s.users() == ["u2"] and s.counts("u1") == {"events": 0, "items": 0, "edges": 0, "history": 0}

    def test_writers_of_one_user_wait_for_each_other(self, backend: StoreBackend) -> None:
        """A transaction that locks the user sees every write committed by the previous holder."""
        a, b = backend.store(), backend.store()
        _write(a, _ev("u1", "hello", 0))
        inside, seen = threading.Event(), []

        def other_app_server() -> None:
            inside.wait(10)
            with b.transaction():
                b.lock_user("u1")
                seen.append(b.op_version("u1"))

        t = threading.Thread(target=other_app_server)
        t.start()
        with a.transaction():
            a.lock_user("u1")
            inside.set()
            time.sleep(0.3)  # b is queued on the lock meanwhile
            a.add_history("u1", Op.INSERT, item_id="x", text="t")
        t.join(10)
        assert seen == [a.op_version("u1")]

    # -- memory over the store -----------------------------------------------------------------------------
    def test_a_retried_write_with_the_same_event_id_never_duplicates(self, backend: StoreBackend) -> None:
        app1, app2 = backend.memory(), backend.memory()
        first = app1.add("u1", "I live in Porto", event_id="req-1")
        again = app2.add("u1", "I live in Porto", event_id="req-1")  # the retry landed on another app server
        assert [(o.op, o.item_id) for o in again.ops] == [(o.op, o.item_id) for o in first.ops] != []
        assert again.event.id == first.event.id == "req-1"
        assert len(app1.events("u1")) == 1 and len(app1.items("u1")) == 1
        assert len(app1.history("u1")) == len(first.ops)

    def test_concurrent_retries_on_two_app_servers_write_once(self, backend: StoreBackend) -> None:
        apps = [backend.memory() for _ in range(2)]
        results: list[Any] = []

        def send(app: Any, n: int) -> None:
            for k in range(5):
                results.append(app.add("u1", f"My favorite tea is oolong {k}", event_id=f"req-{k}"))

        errors = _concurrently(send, apps)
        assert errors == [], errors
        assert len(results) == 10
        assert sorted(e.id for e in apps[0].events("u1")) == [f"req-{k}" for k in range(5)]

    def test_two_app_servers_never_both_supersede_one_preference(self, backend: StoreBackend) -> None:
        apps = [backend.memory() for _ in range(2)]
        apps[0].add("u1", "My favorite cheese is brie")

        def write(app: Any, n: int) -> None:
            for k in range(6):
                app.add("u1", f"My favorite cheese is kind{n}x{k}")

        assert _concurrently(write, apps) == []
        current = apps[1].items("u1")
        assert len(current) == 1, [i.text for i in current]
        assert len(apps[0].items("u1", include_inactive=True)) == 13

    def test_users_are_isolated_through_memory(self, backend: StoreBackend) -> None:
        mem = backend.memory()
        mem.add("u1", "I love jazz")
        mem.add("u2", "I love opera")
        assert "opera" not in mem.recall("u1", "music opera").to_prompt()
        with pytest.raises(NotFoundError):
            mem.get("u2", mem.items("u1")[0].id)

    def test_forget_and_delete_user_leave_no_byte_of_the_text(self, backend: StoreBackend) -> None:
        mem = backend.memory()
        item = mem.add("u1", f"I love {self.SECRET} jazz").ops[0].item_id
        mem.add("u1", "I live in Lisbon")
        mem.add("u2", f"My favorite town is {self.SECRET}town")
        assert backend.files_containing(self.SECRET) != []  # the scan can see text when it is there
        mem.forget("u1", item)
        mem.delete_user("u2")
        assert all(self.SECRET not in e.text for e in mem.events("u1"))
        assert backend.files_containing(self.SECRET) == []
        assert [i.text for i in mem.items("u1")] == ["User lives in Lisbon."]
