"""Soft topic agreement (retrieval/topics.py): its arithmetic, and that recall uses it where no word is shared."""

from __future__ import annotations

import numpy as np
import pytest

from memagent import HashingEmbedder, Memory, RecallConfig
from memagent.retrieval.topics import TopicAffinity


class CountingEmbedder(HashingEmbedder):
    def __init__(self, dim: int = 512) -> None:
        super().__init__(dim=dim)
        self.calls = 0

    def embed(self, texts):  # type: ignore[override]
        self.calls += 1
        return super().embed(texts)


def test_distributions_and_affinity_are_well_formed():
    emb = CountingEmbedder()
    topics = TopicAffinity(emb)
    vecs = emb.embed(["I love sushi and ramen", "my flight to Lisbon", "a new laptop"])
    dist = topics.distributions(vecs)
    assert dist.shape == (3, len(topics.names))
    assert np.allclose(dist.sum(axis=1), 1.0)
    aff = topics.affinity(vecs[0], vecs)
    assert aff[0] == pytest.approx(1.0, abs=1e-5)  # a text agrees fully with itself
    assert ((aff >= 0) & (aff <= 1 + 1e-6)).all()
    assert topics.affinity(vecs[0], np.zeros((0, vecs.shape[1]))).shape == (0,)


def test_prototypes_are_embedded_once_per_process_and_embedder_identity():
    # Topics of this test alone, so that no other test's TopicAffinity has embedded these prototypes before.
    own = {"tea": ["oolong", "sencha", "matcha"], "trains": ["sleeper", "carriage", "platform"]}
    emb = CountingEmbedder()
    topics = TopicAffinity(emb, own)
    v = emb.embed(["x"])[0]
    before = emb.calls
    for _ in range(3):
        topics.affinity(v, np.stack([v, v]))
    assert emb.calls == before + 1
    again = CountingEmbedder()  # another Memory's embedder of the same name and dimension: nothing to embed
    assert np.array_equal(TopicAffinity(again, own).distributions(v), topics.distributions(v))
    assert again.calls == 0
    other = CountingEmbedder(dim=128)  # another dimension is another embedder
    other.name = emb.name
    TopicAffinity(other, own).distributions(other.embed(["x"]))
    assert other.calls == 2


def test_topic_agreement_without_a_shared_word(local_embedder):
    topics = TopicAffinity(local_embedder)
    request = local_embedder.embed(["Can you recommend some long-wearing lipstick brands for me?"])[0]
    items = local_embedder.embed(["User avoids cosmetics tested on animals.", "User prefers window seats on trains."])
    cosmetics, trains = topics.affinity(request, items)
    assert cosmetics > trains + 0.15
    assert topics.top(request, 1)[0][0] == "beauty"


def test_recall_counts_topic_agreement_as_domain_match(tmp_path, local_embedder):
    """The mechanism: an item the keyword lexicon cannot route gains w_domain x its topic agreement. (Whether
    that ranks better overall is measured by the PrefEval and PERMA benchmarks, not here.)"""
    request = "Can you recommend some long-wearing lipstick brands for me?"

    def entry(config: RecallConfig):
        with Memory.open(tmp_path / f"{config.soft_domains}.db", embedder=local_embedder, recall_config=config) as mem:
            for turn in ("I only buy vegan products.", "I prefer quiet hotels.", "I love jazz concerts."):
                mem.add("u1", turn)
            ranked = mem.ranker.rank("u1", request, local_embedder.embed([request])[0])
            by_text = {e.item.text: e for e in ranked}
            vegan = next(e for t, e in by_text.items() if "vegan" in t)
            return vegan, next(e for t, e in by_text.items() if "hotels" in t)

    (vegan_on, hotels_on), (vegan_off, _) = entry(RecallConfig()), entry(RecallConfig(soft_domains=False))
    keyword, topic = vegan_on.components["domain"], vegan_on.components["topic"]
    assert keyword < 1.0 and topic > keyword  # the lexicon routes it to another domain; the embedder sees beauty
    assert vegan_off.components["topic"] == 0.0
    assert topic > hotels_on.components["topic"] + 0.3
    w = RecallConfig().w_domain
    assert vegan_on.score == pytest.approx(vegan_off.score + w * (topic - keyword), abs=1e-5)
