"""A memory is also scored by the turn it was extracted from (RecallConfig.w_source, retrieval/hybrid.py)."""

from __future__ import annotations

import numpy as np
import pytest

from memagent import Memory, RecallConfig
from memagent.retrieval.hybrid import SOURCE_NAMESPACE
from memagent.store.index import namespace_key

# Our own sentences: the preference is worded from the turn ("keeps to themselves ... brainstorming"), while
# the turn also says what it was said about (stretches at the desk), which the later request is about.
TURN = ("Thanks, that helps with my sketches. I usually keep to myself when I work, so brainstorming in a group is "
        "not for me. Could you suggest a few stretches I can do at my desk between drawings?")
REQUEST = "What stretching exercises could I do during short breaks at my desk?"


def _entry(path, embedder, config: RecallConfig):
    with Memory.open(path, embedder=embedder, recall_config=config) as mem:
        mem.add_messages("u1", [{"role": "user", "content": TURN},
                                {"role": "assistant", "content": "Neck rolls and wrist circles are a good start."}])
        qvec = embedder.embed([REQUEST])[0]
        pref = next(e for e in mem.ranker.rank("u1", REQUEST, qvec) if e.item.kind.value == "preference")
        found = mem.index.vectors(namespace_key("u1", SOURCE_NAMESPACE), pref.item.source_event_ids[:1])
        source_cos = float(next(iter(found.values())) @ qvec)
        return pref, source_cos


def test_a_memory_is_as_relevant_as_its_source_turn_times_w_source(tmp_path, local_embedder):
    on, source_cos = _entry(tmp_path / "on.db", local_embedder, RecallConfig())
    off, _ = _entry(tmp_path / "off.db", local_embedder, RecallConfig(w_source=0.0))
    w = RecallConfig().w_source
    assert w > 0  # on by default: Memory.open(path) is the product
    assert source_cos * w > off.components["dense"]  # the turn resembles the request more than the wording does
    assert on.components["dense"] == pytest.approx(max(off.components["dense"], w * source_cos), abs=1e-5)
    assert on.components["topic"] >= off.components["topic"]
    assert on.score > off.score


def test_no_source_vector_counts_zero(tmp_path, local_embedder):
    """An item whose source turn has no vector (a turn written before turns were indexed) keeps its own scores."""
    with Memory.open(tmp_path / "m.db", embedder=local_embedder) as mem:
        mem.add("u1", "I prefer aisle seats on long flights.")
        item = next(i for i in mem.items("u1") if i.kind.value == "preference")
        mem.index.delete(namespace_key("u1", SOURCE_NAMESPACE), item.source_event_ids)
        dense, topic = mem.ranker._source("u1", [item], local_embedder.embed(["a flight to Rome"])[0],
                                          np.ones(len(mem.ranker.topics.names), dtype=np.float32))
        assert dense.tolist() == [0.0] and topic.tolist() == [0.0]
