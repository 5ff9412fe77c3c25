"""A turn that a memory restates word for word (batch.restates) is indexed with that memory's vector instead of an
embedding of its own; every other turn keeps its own vector, and the rule never changes a memory's vector."""

from __future__ import annotations

import numpy as np
import pytest

from memagent import HashingEmbedder, Memory
from memagent.embeddings.cache import CachedEmbedder
from memagent.graph.batch import restates
from memagent.retrieval.turns import TURN_NAMESPACE
from memagent.store.index import namespace_key


class _Counting(CachedEmbedder):
    def __init__(self) -> None:
        super().__init__(HashingEmbedder(dim=256))
        self.texts: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.texts += list(texts)
        return super().embed(texts)


@pytest.mark.parametrize(("turn", "memory"), [
    ("I hate opera when it is too loud", "User hates opera when it is too loud."),
    ("My favorite dish is ramen", "User's favorite dish is ramen."),
    ("I overslept twice this week.", "User said: I overslept twice this week"),
])
def test_a_memory_in_the_turns_own_words_restates_it(turn, memory):
    assert restates(turn, memory)


@pytest.mark.parametrize(("turn", "memory"), [
    ("I love jazz and I'm vegetarian", "User loves jazz."),  # a part of the turn
    ("I prefer tea", "User prefers tea in the morning."),  # more than the turn
    ("My mom said I should rest", "User said: My mom I should rest"),  # the turn's own "said" is a word of it
    ("Okay!", "User said: Okay!"),  # no content words at all
])
def test_a_memory_with_other_words_does_not(turn, memory):
    assert not restates(turn, memory)


def _turn_vectors(mem: Memory, user: str) -> dict[str, np.ndarray]:
    ids = [e.id for e in mem.store.events(user)]
    return mem.index.vectors(namespace_key(user, TURN_NAMESPACE), ids)


@pytest.mark.parametrize("batched", [False, True])
def test_a_restated_turn_takes_its_memorys_vector_and_is_not_embedded(tmp_path, batched):
    emb = _Counting()
    mem = Memory.open(tmp_path / "m.db", embedder=emb)
    talk = [{"role": "user", "content": "I hate opera when it is too loud"},
            {"role": "user", "content": "I love jazz and I'm vegetarian"}]
    if batched:
        mem.add_messages("u", talk, session_id="s")
    else:
        for m in talk:
            mem.add("u", m["content"], session_id="s")
    assert "I hate opera when it is too loud" not in emb.texts  # its memory's vector stands in for it
    assert "I love jazz and I'm vegetarian" in emb.texts  # no memory says all of it: embedded as before
    events = {e.text: e.id for e in mem.store.events("u")}
    turns = _turn_vectors(mem, "u")
    opera = next(i for i in mem.items("u") if "opera" in i.text)
    fresh = HashingEmbedder(dim=256)
    assert np.array_equal(turns[events["I hate opera when it is too loud"]], fresh.embed([opera.text])[0])
    assert np.array_equal(turns[events["I love jazz and I'm vegetarian"]],
                          fresh.embed(["I love jazz and I'm vegetarian"])[0])
    assert np.array_equal(mem.index.vectors("u", [opera.id])[opera.id], fresh.embed([opera.text])[0])
    mem.close()


def test_reconcile_indexes_a_lost_restated_turn_with_its_own_vector(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))
    mem.add("u", "I hate opera when it is too loud", session_id="s")
    key = namespace_key("u", TURN_NAMESPACE)
    mem.index.delete(key, mem.index.ids(key))  # as if the process died between the commit and the index write
    assert mem.turns.reconcile("u") == (1, 0)
    (vec,) = _turn_vectors(mem, "u").values()
    assert np.array_equal(vec, HashingEmbedder(dim=256).embed(["I hate opera when it is too loud"])[0])
    mem.close()
