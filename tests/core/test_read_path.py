"""The read path's caches and shortcuts give what the plain computation gives."""

from __future__ import annotations

import bm25s
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import memagent.retrieval.bm25 as bm25_module
from memagent import HashingEmbedder, Memory
from memagent.graph.values import VALUE_NAMESPACE
from memagent.retrieval.bm25 import BM25Cache
from memagent.retrieval.hybrid import Scored
from memagent.retrieval.inverted import InvertedBM25, encode
from memagent.retrieval.packer import fit, pack
from memagent.retrieval.turns import _top_rows
from memagent.store.index import namespace_key
from memagent.types import MemoryItem, MemoryKind, Recall


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.0, 0.1, 0.25, 0.25, 0.5, 1.0]), max_size=60), st.integers(0, 12))
def test_top_rows_is_the_stable_sort_of_the_positive_scores(scores, k):
    arr = np.array(scores, dtype=np.float64)
    expected = [n for n, _ in sorted(((n, s) for n, s in enumerate(scores) if s > 0), key=lambda t: -t[1])][:k]
    assert _top_rows(arr if scores else None, k) == (expected if scores else [])


_WORDS = st.sampled_from(["jazz", "tea", "cheese", "park", "tennis", "rain", "ramen", "club"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=12), min_size=1, max_size=40),
       st.lists(st.lists(st.one_of(_WORDS, st.just("absent")), min_size=1, max_size=5), min_size=1, max_size=5))
def test_the_inverted_index_scores_what_bm25s_scores_bit_for_bit(docs, queries):
    reference = bm25s.BM25()
    reference.index(docs, show_progress=False)
    vocab: dict[str, int] = {}
    index = InvertedBM25([encode(d, vocab) for d in docs], len(vocab))
    for q in queries:
        expected = np.asarray(reference.get_scores(q), dtype=np.float32)
        assert np.array_equal(index.scores([vocab[t] for t in q if t in vocab]), expected)


def test_a_bm25_rebuild_after_a_write_tokenises_only_the_changed_texts(monkeypatch):
    seen: list[str] = []
    real = bm25_module._tokens
    monkeypatch.setattr(bm25_module, "_tokens", lambda text: seen.append(text) or real(text))
    cache = BM25Cache()
    ids, texts = ["a", "b", "c"], ["blue cheese", "jazz club", "red wine"]
    first = cache.array("u1", ids, texts, "cheese")
    assert sorted(seen) == sorted(texts)
    seen.clear()
    cache.invalidate("u1")  # a write: "b" changed, "d" is new
    again = cache.array("u1", [*ids, "d"], ["blue cheese", "jazz bar", "red wine", "goat cheese"], "cheese")
    assert sorted(seen) == ["goat cheese", "jazz bar"]
    fresh = BM25Cache().array("u1", [*ids, "d"], ["blue cheese", "jazz bar", "red wine", "goat cheese"], "cheese")
    assert first is not None and again is not None and fresh is not None
    assert np.array_equal(again, fresh)


def test_dropped_or_evicted_tokens_are_read_again(monkeypatch):
    seen: list[str] = []
    real = bm25_module._tokens
    monkeypatch.setattr(bm25_module, "_tokens", lambda text: seen.append(text) or real(text))
    cache = BM25Cache()
    cache.array("u1", ["a", "b"], ["blue cheese", "jazz club"], "cheese")
    cache.array("u2", ["x"], ["green tea"], "tea")
    cache.evict(["blue cheese"])  # its words are in u1's vocabulary: all of u1's view goes, u2's stays
    cache.invalidate("u1")
    cache.invalidate("u2")
    seen.clear()
    cache.array("u1", ["a", "b"], ["blue cheese", "jazz club"], "cheese")
    cache.array("u2", ["x"], ["green tea"], "tea")
    assert sorted(seen) == ["blue cheese", "jazz club"]
    cache.drop("u2")
    seen.clear()
    cache.array("u2", ["x"], ["green tea"], "tea")
    assert seen == ["green tea"]


def test_tokens_read_while_a_forget_lands_are_not_kept():
    cache = BM25Cache()

    class ForgottenMeanwhile(list):
        def __iter__(self):
            cache.drop("u1")
            return super().__iter__()

    cache.array("u1", ["a", "b"], ForgottenMeanwhile(["Quokkaville blue cheese", "jazz"]), "cheese")
    assert "u1" not in cache._kept and "u1" not in cache._entries


def _item(text: str, kind: MemoryKind = MemoryKind.PREFERENCE) -> MemoryItem:
    return MemoryItem(id="mem_1", user_id="u1", kind=kind, text=text, importance=0.5)


def test_the_packer_reuses_a_rendered_line_only_for_the_same_item():
    lines: dict = {}
    old = _item("User likes green tea")
    chosen, _, _ = pack([Scored(old, 0.9, {})], 400, {}, lines=lines)
    assert "green tea" in chosen[0].item.text and lines[("mem_1", False)][1] == "- User likes green tea"
    new = _item("User likes black coffee")  # same id, merged text, from a newer snapshot
    pack([Scored(new, 0.9, {})], 400, {}, lines=lines)
    assert lines[("mem_1", False)][1] == "- User likes black coffee"


def test_recalls_with_kept_views_equal_recalls_without(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128))
    for n, text in enumerate(["I love jazz on weekends", "I hate crowded beaches", "I prefer tea over coffee",
                              "We talked about tennis at the park on fridays", "My favorite dish is ramen"] * 4):
        mem.add("u1", f"{text} number {n}")
    queries = ["music for the weekend", "what to drink", "sports at the park", "dinner"]
    warm = [mem.recall("u1", q, touch=False).to_prompt() for q in queries for _ in range(2)]
    mem.ranker.invalidate("u1")
    mem.ranker.bm25.clear()
    cold = [mem.recall("u1", q, touch=False).to_prompt() for q in queries for _ in range(2)]
    assert warm == cold
    mem.close()


def test_dense_scores_through_kept_row_positions_equal_the_plain_lookup(tmp_path):
    mem = Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=128))
    for n, text in enumerate(["I love jazz on weekends", "I prefer tea over coffee", "My favorite dish is ramen",
                              "I hate crowded beaches"] * 3):
        mem.add("u1", f"{text} number {n}")
    rk = mem.ranker
    snap = rk.snapshot("u1")
    _, arrays = rk._arrays("u1", snap, None)
    assert mem.index.ids(namespace_key("u1", VALUE_NAMESPACE))  # value phrases take part
    qvec = mem.embedder.embed(["tea or ramen"])[0]
    for rows in (np.arange(len(arrays)), np.array([3, 1, 3]), np.array([0])):
        ids = [arrays.ids[r] for r in rows]
        plain = rk._dense("u1", ids, qvec)
        kept = rk._dense("u1", ids, qvec, among=(arrays.ids, rows))
        assert np.array_equal(plain, kept) and plain.max() > 0
    mem.close()


def test_fit_renders_from_the_packers_lines_only_for_the_same_item():
    """fit reads the lines pack rendered (the prompt is not rendered twice), by the very item object: a line kept
    for another object with the same id (an older snapshot's) is rendered again from the item."""
    item = _item("User likes green tea")
    chosen, used, _ = pack([Scored(item, 0.9, {})], 400, {})
    recall = Recall(user_id="u1", query="tea", budget_tokens=400, used_tokens=used, entries=chosen)
    stale = {("mem_1", False): (_item("User likes black coffee"), "- User likes black coffee", 5)}
    assert fit(recall, lines=stale).to_prompt() == recall.to_prompt()
    kept = {("mem_1", False): (item, "- kept line", 3)}
    rendered = []
    recall.to_prompt(line=lambda i, compact: rendered.append((i, compact)) or "- x")
    assert rendered == [(item, False)]
    assert fit(recall, lines=kept).used_tokens != fit(recall).used_tokens  # the kept line was the one counted


def test_lazy_components_are_the_scored_columns():
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=128))
    for text in ["I love jazz on weekends", "I hate crowded beaches", "My favorite dish is ramen"]:
        mem.add("u1", text)
    ranked = mem.ranker.rank("u1", "jazz this weekend", mem.queries.get("u1", "jazz this weekend"))
    assert ranked and all(set(s.components) == {"dense", "bm25", "domain", "topic", "importance", "recency",
                                                 "evidence"} for s in ranked if s.via != "graph")
    cfg = mem.ranker.config
    for s in ranked:
        c = s.components
        total = (cfg.w_dense * c["dense"] + cfg.w_bm25 * c["bm25"] + cfg.w_domain * max(c["domain"], c["topic"])
                 + cfg.w_importance * c["importance"] + cfg.w_recency * c["recency"] + cfg.w_evidence * c["evidence"])
        assert abs(total - s.score) < 1e-5
    mem.close()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([None, "music", "food", "travel", "sports"]), min_size=1, max_size=40),
       st.lists(st.sampled_from(["music", "food", "travel", "pets"]), max_size=2),
       st.sets(st.sampled_from(["music", "food", "travel", "pets"]), max_size=2))
def test_domain_match_by_table_is_the_match_by_search(domains_of, domains, related):
    from memagent.retrieval.arrays import ItemArrays

    items = [MemoryItem(id=f"m{n}", user_id="u1", kind=MemoryKind.FACT, text="x", domain=d)
             for n, d in enumerate(domains_of)]
    arrays = ItemArrays(items, (MemoryKind.PREFERENCE,), ref=None, half_life_days=90.0)
    want = np.array([1.0 if d in domains else 0.5 if d in related else 0.0 for d in domains_of])
    assert np.array_equal(arrays.domain_match(domains, related), want)
