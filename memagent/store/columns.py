"""Exact search over sparse vectors, reading only the columns a query uses.

The hashing embedder's vectors have few non-zero entries (about 10% of 384 for a memory, 10-20 entries for a
request). ``matrix @ q`` reads every byte of the matrix (150 MB at 100k x 384 float32, memory-bandwidth bound: 8-10
ms), but only the columns where ``q`` is non-zero contribute. :class:`SparseColumns` keeps the matrix's non-zero
entries grouped by column (compressed sparse columns, 8 bytes per non-zero: ~30 MB at 100k rows and 10% density,
beside the 150 MB matrix), so a sparse request reads ~1% of that.

The answer is the one the plain scan gives, not an approximation: the column sums find every row that can be among
the ``k`` best (every row whose sum is within twice a bound on the rounding error of the k-th best sum), and
those rows are scored again with the plain product on their own matrix rows (:func:`dot_rows`: what the whole
product gives them, to the bit, but for at most 3 rows per BLAS thread that BLAS sums in another order, where
the last bit may differ). A row no query column touches scores exactly 0, as in the plain scan. Rows tied on
score are taken in row order (:func:`top_rows`), on either path.

Nothing is kept for dense vectors (a sentence-transformer's): the index is built only at most ``MAX_DENSITY``
non-zero, and a dense request never takes this path.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_DENSITY", "MIN_ROWS", "SparseColumns", "dot_rows", "top_rows"]

# Below this many rows the plain product takes well under a millisecond: nothing is built.
MIN_ROWS = 4096
# Past this share of non-zero entries the columns would hold more than half the matrix's bytes.
MAX_DENSITY = 0.25
# Rows appended or changed since a build are scored with the plain product; past this share of the rows built
# (and at least _MIN_STALE rows), the next search builds again.
_STALE_SHARE = 0.125
_MIN_STALE = 2048
# A request whose columns hold more than this share of the matrix's entries reads less with the plain product
# (scattered additions cost several times a streamed multiply-add).
_COST_SHARE = 1 / 16
# More rows than this to score again (many near-ties with the k-th best): the plain product is cheaper.
_MAX_RESCORE = 4096
_BLOCK = 8192
# Up to this many scores, top_rows sorts them all (measured: 500 rows, 23 us against 37 us; 2,000 rows, 114 against 41).
_SORT_ALL_ROWS = 1024


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the ``k`` largest scores, best first, ties in row order: ``np.argsort(-scores,
    kind="stable")[:k]`` without sorting every row. (A partial sort alone picks among rows tied with the k-th
    best in an order that depends on the whole array; this choice does not.)"""
    n = len(scores)
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k == n:
        return np.argsort(-scores, kind="stable")
    if n <= _SORT_ALL_ROWS:  # a few hundred rows (a write's bucket search): one sort beats the dozen calls below
        return np.argsort(-scores, kind="stable")[:k]
    key = -scores  # ascending, NaN last: argsort's order
    kth = np.partition(key, k - 1)[k - 1]
    if not np.isfinite(kth):  # fewer than k finite scores: the full sort's order is the rule
        return np.argsort(key, kind="stable")[:k]
    above = np.flatnonzero(key < kth)
    tied = np.flatnonzero(key == kth)[: k - len(above)]
    top = np.concatenate([above, tied])
    return top[np.argsort(key[top], kind="stable")]


def dot_rows(matrix: np.ndarray, rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``(matrix @ q)[rows]`` from those rows alone, as the whole product gives them but for the few rows BLAS
    scores in its remainder loop (float32 gemv sums a block of 4 rows in one order and the last rows of a block
    of rows in another; a row's sum within a full block is the same wherever the block is). So the rows are
    padded to a multiple of 4: every one is scored in a full block. The remainder rows of the whole product
    (at most 3 per BLAS thread) may differ from this in the last bit; nothing else does (tests check it)."""
    pad = (-len(rows)) % 4
    if pad and len(rows):
        rows = np.concatenate([rows, np.repeat(rows[:1], pad)])
    return (matrix[rows] @ q)[: len(rows) - pad]


class SparseColumns:
    """The non-zero entries of rows ``[0, base)`` of a matrix, by column: column ``j``'s are ``rows[indptr[j]:
    indptr[j + 1]]`` (ascending) with values ``vals[...]``. ``stale``: rows below ``base`` changed since (scored with
    the plain product until the next build)."""

    __slots__ = ("base", "indptr", "max_norm", "rows", "stale", "vals")

    def __init__(self, indptr: np.ndarray, rows: np.ndarray, vals: np.ndarray, base: int, max_norm: float) -> None:
        self.indptr, self.rows, self.vals, self.base, self.max_norm = indptr, rows, vals, base, max_norm
        self.stale: set[int] = set()

    @classmethod
    def build(cls, matrix: np.ndarray) -> SparseColumns | None:
        """The columns of ``matrix`` (float32 rows), or None when it is too dense or holds a non-finite value
        (a NaN times a query's 0 is NaN in the plain product, and skipped here)."""
        n, dim = matrix.shape
        rows, cols, vals = [], [], []
        nonzero = 0
        max_norm = 0.0
        for start in range(0, n, _BLOCK):
            block = matrix[start : start + _BLOCK]
            if not np.isfinite(block).all():
                return None
            r, c = np.nonzero(block)
            nonzero += len(r)
            if nonzero > MAX_DENSITY * n * dim:
                return None
            rows.append((r + start).astype(np.int32))
            cols.append(c.astype(np.uint16 if dim <= 65535 else np.int64))
            vals.append(block[r, c])
            max_norm = max(max_norm, float(np.sqrt(np.einsum("ij,ij->i", block, block, dtype=np.float64).max())))
        col = np.concatenate(cols)
        order = np.argsort(col, kind="stable")  # by column, rows ascending within each (a radix sort on uint16)
        indptr = np.zeros(dim + 1, dtype=np.int64)
        np.cumsum(np.bincount(col, minlength=dim), out=indptr[1:])
        return cls(indptr, np.concatenate(rows)[order], np.concatenate(vals)[order], n, max_norm)

    def nbytes(self) -> int:
        return int(self.indptr.nbytes + self.rows.nbytes + self.vals.nbytes)

    def needs_rebuild(self, n: int) -> bool:
        """Whether so many rows were appended or changed since the build that building again pays."""
        return (n - self.base) + len(self.stale) > max(_MIN_STALE, _STALE_SHARE * self.base)

    def search(self, matrix: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The ``k`` best rows of ``matrix`` (its first rows are the ones built from) for ``q``, best first with
        their float32 scores: exactly ``top_rows(matrix @ q, k)`` and those scores. None when the plain product
        is cheaper for this request."""
        n, dim = matrix.shape
        cols = np.flatnonzero(q)
        starts, ends = self.indptr[cols], self.indptr[cols + 1]
        if not len(cols) or int((ends - starts).sum()) > _COST_SHARE * self.base * dim or not np.isfinite(q).all():
            return None  # (a request with no non-zero entry, "the" for the hashing embedder: every row scores 0)
        hit_rows = np.concatenate([self.rows[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)])
        weights = np.concatenate([self.vals[a:b] * q[j] for j, a, b in
                                  zip(cols.tolist(), starts.tolist(), ends.tolist(), strict=True)])
        # float64 sums: within the error bound below (well inside it), whatever the order of the terms.
        scores = np.bincount(hit_rows, weights=weights.astype(np.float64), minlength=n)
        exact = np.asarray(sorted(self.stale), dtype=np.int64)
        if n > self.base:
            exact = np.concatenate([exact, np.arange(self.base, n)])
        if len(exact):
            scores[exact] = dot_rows(matrix, exact, q)
        # |sum - float32 product| <= 2 * gamma * sum_j |r_j q_j| <= 2 * gamma * |r| |q| (each within gamma of the
        # exact sum, gamma = (dim + 2) * 2**-24 bounds float32 rounding in any order), so the k-th best moves by
        # at most that, and a row more than twice it below the k-th best sum is below the k-th best product.
        delta = 2.0 * (dim + 2) * 2.0**-24 * self.max_norm * float(np.linalg.norm(q.astype(np.float64))) * 1.01
        k = min(k, n)
        kth = np.partition(scores, n - k)[n - k]
        # Every row that can be among the k best (at least k: all those at or above the k-th best sum) ...
        floor = kth - 2 * delta
        cand = np.flatnonzero(scores >= floor)
        # ... scored again unless its score is exact already: a row scored above, or one no request column
        # touches (0, as in the plain product; only looked for when 0 is among the candidates' scores).
        rough = (cand < self.base) & ~np.isin(cand, exact)
        if floor <= 0:
            touched = np.zeros(n, dtype=bool)
            touched[hit_rows] = True
            rough &= touched[cand]
        near = cand[rough]
        if len(near) > _MAX_RESCORE:
            return None
        if len(near):
            scores[near] = dot_rows(matrix, near, q)
        top = cand[top_rows(scores[cand], k)]  # cand is in row order, so ties stay in row order
        return top, scores[top].astype(np.float32)
