"""Forgetting is real: no byte of the forgotten text remains in any file under the data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from memagent import ConfigError, Memory, NotFoundError, Op

SECRET = "Zanzibarian"  # a word that appears nowhere else


def _files_containing(root: Path, needle: str) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            hits.append(str(path.relative_to(root)))
    return hits


def _populate(mem: Memory) -> None:
    mem.add("u1", "I love jazz")
    mem.add("u1", f"My favorite cheese is {SECRET} blue")
    mem.add("u1", f"My favorite cheese is aged {SECRET} gouda now")  # supersedes: two versions hold the word
    mem.add("u1", "I live in Lisbon")
    mem.add("u2", f"I love {SECRET} cheese too")  # another user's data must survive


def test_forget_by_query_leaves_no_byte_on_disk(tmp_path, embedder):
    mem = Memory.open(tmp_path / "mem.db", embedder=embedder)
    _populate(mem)
    mem.recall("u1", "cheese")  # warm caches with the secret
    assert _files_containing(tmp_path, SECRET)
    gone = mem.forget("u1", query=f"favorite cheese {SECRET}")
    assert len(gone) == 2  # the current item and the version it superseded
    assert not [i for i in mem.items("u1", include_inactive=True) if SECRET in i.text]
    assert all(SECRET not in (h.text or "") for h in mem.history("u1"))
    assert [h.op for h in mem.history("u1") if h.item_id in gone].count(Op.FORGET) == 2
    assert all(SECRET not in e.text for e in mem.events("u1"))
    assert SECRET not in mem.recall("u1", "cheese").to_prompt()
    # u2's copy of the word is untouched: delete it too, then the files must be clean
    assert any(SECRET in i.text for i in mem.items("u2"))
    mem.delete_user("u2")
    mem.close()
    assert _files_containing(tmp_path, SECRET) == []


def test_forget_by_id_and_by_conversation(tmp_path, embedder):
    mem = Memory.open(tmp_path / "mem.db", embedder=embedder)
    jazz = mem.add("u1", f"I love {SECRET} jazz").ops[0].item_id
    mem.add("u1", "I live in Lisbon")
    assert mem.forget("u1", jazz) == [jazz]
    with pytest.raises(NotFoundError):
        mem.get("u1", jazz)
    mem.add("u1", f"I love {SECRET} opera")
    res = mem.add("u1", f"Please forget that I love {SECRET} opera")
    assert [o.op for o in res.ops] == [Op.FORGET]
    assert res.event.text == ""  # the request repeats the secret: it is redacted too
    mem.close()
    assert _files_containing(tmp_path, SECRET) == []
    assert [i.text for i in Memory.open(tmp_path / "mem.db", embedder=embedder).items("u1")] == ["User lives in Lisbon."]


def test_delete_user_removes_everything_and_only_that_user(tmp_path, embedder):
    mem = Memory.open(tmp_path / "mem.db", embedder=embedder)
    _populate(mem)
    mem.delete_user("u1")
    assert mem.users() == ["u2"]
    with pytest.raises(NotFoundError):
        mem.items("u1")
    assert mem.index.ids("u1") == set()
    assert mem.store.counts("u1") == {"events": 0, "items": 0, "edges": 0, "history": 0}
    assert mem.recall("u2", "cheese").entries
    mem.close()
    assert b"Lisbon" not in b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


def test_forget_needs_exactly_one_selector(memory):
    memory.add("u1", "I love jazz")
    with pytest.raises(ConfigError):
        memory.forget("u1")
    with pytest.raises(ConfigError):
        memory.forget("u1", "mem_x", query="jazz")
    with pytest.raises(NotFoundError):
        memory.forget("u1", "mem_does_not_exist")


def test_forget_request_names_the_value_in_other_words(memory):
    memory.add("u1", "I'm a big fan of jazz")
    memory.add("u1", "I live in Lisbon")
    res = memory.add("u1", "Please forget that I love jazz")
    assert [o.op for o in res.ops] == [Op.FORGET]
    assert [i.text for i in memory.items("u1")] == ["User lives in Lisbon."]


def test_forget_by_id_also_forgets_memories_read_from_turns_quoting_the_value(tmp_path, embedder):
    mem = Memory.open(tmp_path / "m.db", embedder=embedder)
    cheese = mem.add("u1", f"My favorite cheese is {SECRET}").ops[0].item_id
    mem.add("u1", f"We had a long {SECRET} tasting evening with friends downtown")  # stored as an episode
    mem.add("u1", "I live in Lisbon")
    gone = mem.forget("u1", cheese)
    assert len(gone) == 2
    assert [i.text for i in mem.items("u1", include_inactive=True)] == ["User lives in Lisbon."]
    mem.close()
    assert _files_containing(tmp_path, SECRET) == []
