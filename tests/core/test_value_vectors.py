"""A preference is also indexed by its value phrase; recall scores it by the closer of its two vectors."""

from __future__ import annotations

import numpy as np

from memagent import Memory, MemoryKind
from memagent.graph.values import VALUE_NAMESPACE, value_id
from memagent.store.index import namespace_key

LONG = ("I prefer paper maps to phone navigation, since screens give me headaches on long drives, "
        "but yesterday I used the app anyway")


def _pref(mem: Memory, user: str = "u1"):
    return next(i for i in mem.items(user) if i.kind == MemoryKind.PREFERENCE)


def test_the_value_phrase_gets_its_own_vector_and_recall_uses_the_closer_one(memory, embedder):
    memory.add("u1", LONG)
    item = _pref(memory)
    key = namespace_key("u1", VALUE_NAMESPACE)
    assert memory.index.ids(key) == {value_id(item.id)}
    query = "paper maps"
    q = embedder.embed([query])[0]
    text_sim = float(memory.index.vectors("u1", [item.id])[item.id] @ q)
    value_sim = float(memory.index.vectors(key, [value_id(item.id)])[value_id(item.id)] @ q)
    assert value_sim > text_sim  # the sentence's context dilutes it
    entry = next(e for e in memory.recall("u1", query, budget_tokens=300).entries if e.item.id == item.id)
    assert np.isclose(entry.components["dense"], value_sim, atol=1e-5)


def test_forget_and_delete_user_remove_value_vectors(memory):
    memory.add("u1", LONG)
    memory.add("u2", LONG)
    memory.forget("u1", item_id=_pref(memory).id)
    assert memory.index.ids(namespace_key("u1", VALUE_NAMESPACE)) == set()
    memory.delete_user("u2")
    assert namespace_key("u2", VALUE_NAMESPACE) not in memory.index.users()


def test_rebuild_and_import_recreate_value_vectors(tmp_path, memory, embedder):
    memory.add("u1", LONG)
    vid = value_id(_pref(memory).id)
    key = namespace_key("u1", VALUE_NAMESPACE)
    memory.index.delete_user(key)
    memory.rebuild_index()
    assert memory.index.ids(key) == {vid}
    other = Memory.open(tmp_path / "other.db", embedder=embedder)
    other.import_(memory.export("u1"))
    assert other.index.ids(key) == {vid}
    other.close()
