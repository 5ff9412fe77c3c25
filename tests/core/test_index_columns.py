"""The sparse-column search (memagent.store.columns) against the plain exact scan it replaces for sparse requests."""

from __future__ import annotations

import numpy as np
import pytest

from memagent._blas import one_blas_thread
from memagent.store.columns import MIN_ROWS, SparseColumns, dot_rows, top_rows
from memagent.store.index import ExactIndex


def _sparse(rng: np.random.Generator, n: int, dim: int, nnz: int, *, integers: bool = False) -> np.ndarray:
    out = np.zeros((n, dim), dtype=np.float32)
    cols = np.stack([rng.choice(dim, nnz, replace=False) for _ in range(n)])
    values = rng.integers(-3, 4, (n, nnz)) if integers else rng.standard_normal((n, nnz))
    np.put_along_axis(out, cols, values.astype(np.float32), 1)
    return out


def _plain(matrix: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores = matrix @ q
    top = top_rows(scores, k)
    return top, scores[top]


def test_top_rows_is_the_stable_full_sort_whatever_the_ties():
    rng = np.random.default_rng(0)
    # both ways: a few hundred scores are sorted whole, more are partitioned first
    for n, k in [(1, 1), (50, 0), (50, 10), (50, 50), (50, 80), (1000, 100), (1000, 999), (3000, 100), (3000, 2999)]:
        scores = rng.integers(-3, 4, n).astype(np.float32)  # a handful of values: ties everywhere
        assert np.array_equal(top_rows(scores, k), np.argsort(-scores, kind="stable")[:k])
    with_nan = np.array([0.5, np.nan, 0.5, 1.0, np.nan, 0.2], dtype=np.float32)
    assert np.array_equal(top_rows(with_nan, 3), np.argsort(-with_nan, kind="stable")[:3])
    many_nan = np.tile(with_nan, 500)  # past the whole-sort size
    assert np.array_equal(top_rows(many_nan, 700), np.argsort(-many_nan, kind="stable")[:700])


@pytest.mark.parametrize("integers", [False, True])
def test_sparse_search_gives_the_plain_scans_rows_and_scores(integers):
    rng = np.random.default_rng(1 + integers)
    n, dim = 6000, 96
    matrix = _sparse(rng, n, dim, 8, integers=integers)
    matrix[100:140] = matrix[7]  # identical rows: tied scores, wherever they fall
    matrix[3000:3010] = 0.0  # rows no request touches (score exactly 0)
    columns = SparseColumns.build(matrix)
    assert columns is not None and columns.base == n
    taken = 0
    for trial in range(60):
        q = np.zeros(dim, dtype=np.float32)
        cols = rng.choice(dim, 1 + trial % 6, replace=False)
        q[cols] = rng.integers(-2, 3, len(cols)) if integers else rng.standard_normal(len(cols))
        if trial % 7 == 0:
            q = matrix[7].copy()  # the tied rows are the best ones
        for k in (1, 40, 100, n, n + 5):
            got = columns.search(matrix, q, k)
            if got is None:
                continue
            taken += 1
            want = _plain(matrix, q, k)
            assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]), (trial, k)
    assert taken > 200  # the sparse path did answer (a request of few columns is cheap on it)


def test_a_dense_request_or_matrix_takes_the_plain_path():
    rng = np.random.default_rng(3)
    sparse = _sparse(rng, 5000, 64, 12)  # 19% non-zero: a request of every column reads more than the plain scan
    columns = SparseColumns.build(sparse)
    assert columns is not None
    assert columns.search(sparse, rng.standard_normal(64).astype(np.float32), 10) is None
    assert SparseColumns.build(rng.standard_normal((5000, 64)).astype(np.float32)) is None
    with_nan = sparse.copy()
    with_nan[17, 3] = np.nan
    assert SparseColumns.build(with_nan) is None


def test_a_request_with_no_non_zero_entry_scores_every_row_zero(tmp_path):
    """A request the hashing embedder gives no entry ("the", "?? !!") takes the plain path: the columns have no
    entry to read (it raised ValueError past MIN_ROWS rows), and every row scores 0, so the first rows come back."""
    rng = np.random.default_rng(5)
    matrix = _sparse(rng, MIN_ROWS + 100, 64, 6)
    zero = np.zeros(64, dtype=np.float32)
    columns = SparseColumns.build(matrix)
    assert columns is not None and columns.search(matrix, zero, 10) is None
    index = ExactIndex(tmp_path / "v.db", dim=64)
    ids = [f"m{i}" for i in range(len(matrix))]
    index.add("u", ids, matrix)
    found = index.search("u", zero, 10)
    assert [i for i, _ in found] == ids[:10] and all(s == 0.0 for _, s in found)
    index.close()


def test_dot_rows_scores_rows_as_the_whole_product_does():
    """What the rescoring relies on: BLAS scores a row in a full block of 4 the same wherever the block is (the
    remainder rows of the whole product, at most 3 per BLAS thread, may differ in the last bit)."""
    rng = np.random.default_rng(4)
    matrix = rng.standard_normal((40_000, 384)).astype(np.float32)
    q = rng.standard_normal(384).astype(np.float32)
    with one_blas_thread():
        full = matrix @ q
        for size in (1, 2, 3, 5, 301, 4096):
            rows = rng.choice(len(matrix), size, replace=False)
            assert np.array_equal(dot_rows(matrix, rows, q), full[rows]), size
    assert len(dot_rows(matrix, np.zeros(0, dtype=np.int64), q)) == 0


def _index_top(index: ExactIndex, user: str, q: np.ndarray, k: int) -> list[tuple[str, float]]:
    um = index._cache[user]
    top, values = _plain(um.matrix, q, k)
    return [(um.ids[i], float(v)) for i, v in zip(top, values, strict=True)]


def test_exact_index_sparse_path_through_appends_replacements_deletes_and_delete_user(tmp_path):
    rng = np.random.default_rng(5)
    dim = 64
    index = ExactIndex(tmp_path / "v.db", dim)
    n = MIN_ROWS + 500
    vectors = _sparse(rng, n, dim, 6)
    ids = [f"m{i}" for i in range(n)]
    index.add("u", ids, vectors)
    queries = []
    for _ in range(20):
        q = np.zeros(dim, dtype=np.float32)
        q[rng.choice(dim, 3, replace=False)] = rng.standard_normal(3)
        queries.append(q)

    def check() -> None:
        for q in queries:
            for k in (5, 100):
                assert index.search("u", q, k) == _index_top(index, "u", q, k)

    check()
    um = index._cache["u"]
    assert um.columns is not None and um.columns.base == n  # built by the first search
    index.add("u", [f"new{i}" for i in range(30)], _sparse(rng, 30, dim, 6))  # appended after the build
    secret = queries[0] * 10  # a row now matching the first request best of all
    index.add("u", ["m5"], secret[None, :])  # replaced in place: its column entries are stale
    assert 5 in um.columns.stale
    check()
    assert index.search("u", queries[0], 1)[0][0] == "m5"
    index.delete("u", ["m5"])
    assert "m5" not in {i for q in queries for i, _ in index.search("u", q, 100)}
    columns = index._cache["u"].columns
    assert columns is not None and columns.base == n + 30 - 1  # rebuilt without the deleted row
    kept = columns.vals.reshape(-1)
    assert not np.isin(secret[secret != 0], kept).any()  # no entry of the deleted vector survives
    check()
    index.delete_user("u")
    assert "u" not in index._cache and index.search("u", queries[0], 5) == []


def test_exact_index_keeps_no_columns_for_dense_vectors(tmp_path):
    rng = np.random.default_rng(6)
    index = ExactIndex(":memory:", 32)
    vectors = rng.standard_normal((MIN_ROWS, 32)).astype(np.float32)
    index.add("u", [str(i) for i in range(MIN_ROWS)], vectors)
    q = rng.standard_normal(32).astype(np.float32)
    assert index.search("u", q, 50) == _index_top(index, "u", q, 50)
    assert index._cache["u"].columns is None and index._cache["u"].dense
