"""ChromaIndex against a stub chroma client that answers as a chroma server does in a race: a read that began
before the collection's first upsert (another app server's) and read the records after it returns their ids
without their embeddings. The index retries such an answer; one that stays unpaired is a StoreError."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from memagent import HashingEmbedder, Memory
from memagent.errors import StoreError
from memagent.store.chroma_index import ChromaIndex


class _Collection:
    """The part of a chroma collection ChromaIndex uses, in memory. ``racing_gets`` answers the next that many
    gets of embeddings the way the server does mid-race (ids, no embeddings); ``racing_queries`` drops a
    distance from the next queries (no server was seen doing that: it checks the same guard on search)."""

    def __init__(self) -> None:
        self.metadata: dict[str, Any] = {}
        self.rows: dict[str, tuple[str, np.ndarray]] = {}  # id -> (user id, vector)
        self.racing_gets = self.racing_queries = 0
        self.raced = 0  # racing answers given: a test checks its race happened

    def modify(self, metadata: dict[str, Any]) -> None:
        self.metadata = dict(metadata)

    def upsert(self, ids: list[str], embeddings: np.ndarray, metadatas: list[dict[str, str]]) -> None:
        for i, v, m in zip(ids, embeddings, metadatas, strict=True):
            self.rows[i] = (m["user_id"], np.asarray(v, dtype=np.float32))

    def _matching(self, where: dict[str, str] | None, ids: list[str] | None = None) -> list[str]:
        return [i for i, (u, _) in self.rows.items()
                if (where is None or u == where["user_id"]) and (ids is None or i in ids)]

    def delete(self, ids: list[str] | None = None, where: dict[str, str] | None = None) -> None:
        for i in self._matching(where, ids):
            del self.rows[i]

    def get(self, ids: list[str] | None = None, where: dict[str, str] | None = None,
            include: list[str] = ()) -> dict[str, Any]:
        found = self._matching(where, ids)
        out: dict[str, Any] = {"ids": found, "metadatas": [{"user_id": self.rows[i][0]} for i in found]}
        if "embeddings" in include:
            out["embeddings"] = [self.rows[i][1] for i in found]
            if found and self.racing_gets > 0:
                self.racing_gets, self.raced, out["embeddings"] = self.racing_gets - 1, self.raced + 1, []
        return out

    def query(self, query_embeddings: list[np.ndarray], n_results: int, where: dict[str, str],
              include: list[str]) -> dict[str, Any]:
        q = query_embeddings[0] / np.linalg.norm(query_embeddings[0])
        found = self._matching(where)
        dist = {i: 1.0 - float(self.rows[i][1] @ q / np.linalg.norm(self.rows[i][1])) for i in found}
        best = sorted(found, key=dist.__getitem__)[:n_results]
        distances = [dist[i] for i in best]
        if best and self.racing_queries > 0:
            self.racing_queries, self.raced, distances = self.racing_queries - 1, self.raced + 1, distances[:-1]
        return {"ids": [best], "distances": [distances]}


class _Client:
    def __init__(self) -> None:
        self.collection = _Collection()

    def get_or_create_collection(self, name: str, **_: Any) -> _Collection:
        return self.collection


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return (v / np.linalg.norm(v))[None, :]


def test_a_write_on_another_app_server_racing_the_bucket_read_does_not_fail_the_write(tmp_path):
    client = _Client()
    emb = HashingEmbedder(dim=256)
    with Memory.open(tmp_path / "m.db", embedder=emb, index=ChromaIndex(client, emb.dim)) as mem:
        mem.add("u1", "My favorite tea is oolong")
        client.collection.racing_gets = 1  # the bucket of the next write reads the oolong item's vector mid-race
        result = mem.add("u1", "My favorite tea is sencha")
        assert client.collection.raced == 1
        assert [op.op.value for op in result.ops] == ["supersede"]
        assert [i.text for i in mem.items("u1")] == [result.ops[0].text]
        assert "sencha" in result.ops[0].text


def test_a_recall_racing_a_first_upsert_reads_again_and_finds_the_vectors(tmp_path):
    client = _Client()
    emb = HashingEmbedder(dim=256)
    with Memory.open(tmp_path / "m.db", embedder=emb, index=ChromaIndex(client, emb.dim)) as mem:
        mem.add("u1", "My favorite tea is oolong")
        calm = mem.recall("u1", "which tea do I like?").entries
        client.collection.racing_gets = 1
        raced = mem.recall("u1", "which tea do I like?").entries
        assert client.collection.raced == 1
        assert [(s.item.id, s.score) for s in raced] == [(s.item.id, s.score) for s in calm]


def test_vectors_that_stay_unpaired_are_a_store_error_not_a_shifted_mapping():
    client = _Client()
    index = ChromaIndex(client, dim=3)
    index.add("u1", ["a", "b"], np.vstack([_unit(1, 0, 0), _unit(0, 1, 0)]))
    client.collection.racing_gets = 1_000
    with pytest.raises(StoreError, match="2 ids but 0 embeddings"):
        index.vectors("u1", ["a", "b"])
    client.collection.racing_gets = 0
    assert set(index.vectors("u1", ["a", "b", "gone"])) == {"a", "b"}  # an id the index lacks is simply absent


def test_search_whose_distances_stay_unpaired_is_a_store_error():
    client = _Client()
    index = ChromaIndex(client, dim=3)
    index.add("u1", ["a", "b"], np.vstack([_unit(1, 0, 0), _unit(0, 1, 0)]))
    client.collection.racing_queries = 1
    assert [i for i, _ in index.search("u1", _unit(1, 0.1, 0)[0], 2)] == ["a", "b"]  # read again, whole
    client.collection.racing_queries = 1_000
    with pytest.raises(StoreError, match="2 ids but 1 distances"):
        index.search("u1", _unit(1, 0.1, 0)[0], 2)
