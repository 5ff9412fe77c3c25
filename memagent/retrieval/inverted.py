"""BM25 as an inverted index in numpy: built in a few vectorised steps, scored through the query's postings only.

The scores are those of ``bm25s.BM25()`` (Lucene variant, k1 = 1.5, b = 0.75), bit for bit: each posting's
weight is computed with the same operations in the same precision (float64, stored as float32), and a document's
weights are summed in float32 in the query's word order (tests/core/test_read_path.py compares the two). What
changes is the cost: ``bm25s`` counts every document's terms in a Python loop at each build; here a document is
encoded into token ids once (callers keep those ids across rebuilds, see ``retrieval.bm25``) and the rest is a
sort of all (token, document) pairs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["InvertedBM25", "encode"]

K1 = 1.5
B = 0.75


def encode(tokens: Sequence[str], vocab: dict[str, int]) -> np.ndarray:
    """``tokens`` as ids of ``vocab``, adding the new ones (ids are never reused, so kept encodings stay valid)."""
    return np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int64, count=len(tokens))


class InvertedBM25:
    """Postings of every token id below ``n_vocab``: documents (rows) and BM25 weights, grouped by token.

    Args:
        docs: each document's token ids (at least one each; repeated ids are term frequencies).
        n_vocab: the size of the vocabulary the ids come from.
    """

    __slots__ = ("_weights", "idf32", "indices", "indptr", "lens", "mean", "n_docs", "n_terms", "tf")

    def __init__(self, docs: Sequence[np.ndarray], n_vocab: int) -> None:
        n = len(docs)
        lens = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n)
        if n == 0 or not lens.any():
            self._empty(n, n_vocab, lens)
            return
        rows = np.repeat(np.arange(n, dtype=np.int64), lens)
        pairs, tf = np.unique(np.concatenate(docs) * n + rows, return_counts=True)  # by token, then document
        tok, row = np.divmod(pairs, n)
        self._weigh(tok, row, tf, lens, n_vocab)

    def _empty(self, n: int, n_vocab: int, lens: np.ndarray) -> None:
        self.n_docs, self.lens = n, lens
        self.indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        self.indices, self.n_terms = np.zeros(0, np.int32), 0
        self.tf = np.zeros(0, np.int64)
        self.idf32, self.mean, self._weights = np.zeros(n_vocab, np.float32), 0.0, {}

    def _weigh(self, tok: np.ndarray, row: np.ndarray, tf: np.ndarray, lens: np.ndarray, n_vocab: int) -> None:
        """The postings of (token, document, term frequency) triples sorted by token (documents in any order)."""
        n = len(lens)
        self.n_docs, self.lens, self.tf = n, lens, tf
        df = np.bincount(tok, minlength=n_vocab)
        self.n_terms = int(np.count_nonzero(df))
        # idf of each distinct document frequency with math.log, as bm25s does (np.log may differ in the last bit),
        # looked up by frequency (a bincount finds the distinct ones without sorting the vocabulary)
        values = np.flatnonzero(np.bincount(df))
        lut = np.zeros(int(values[-1]) + 1 if len(values) else 1, dtype=np.float64)
        lut[values] = [math.log(1 + (n - d + 0.5) / (d + 0.5)) if d else 0.0 for d in values.tolist()]
        self.idf32 = lut.astype(np.float32)[df]
        self.mean = lens.mean()
        self.indices = row.astype(np.int32)
        self.indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(df, out=self.indptr[1:])
        # Each posting's weight depends on every document (idf, mean length), so a write would weigh every posting
        # again (~1M at 100k memories); they are weighed per token when a request first reads it (``weights``).
        self._weights: dict[int, np.ndarray] = {}

    def weights(self, t: int) -> np.ndarray:
        """The BM25 weights of token ``t``'s postings (float32): computed on first use, each with the operations a
        weighing of every posting at once used (float64, element by element, so the same to the bit)."""
        got = self._weights.get(t)
        if got is None:
            start, end = self.indptr[t], self.indptr[t + 1]
            tf64 = self.tf[start:end].astype(np.float32).astype(np.float64)
            tfc = tf64 / (K1 * ((1 - B) + B * self.lens[self.indices[start:end]] / self.mean) + tf64)
            got = self._weights[t] = (np.float64(self.idf32[t]) * tfc).astype(np.float32)
        return got

    def patched(self, src: np.ndarray, fresh: dict[int, np.ndarray], n_vocab: int) -> InvertedBM25:
        """The index of a corpus that keeps some of these documents: ``src[r]`` is the row here of its document
        ``r`` (-1 for a new or changed one, whose token ids are ``fresh[r]``). Equal, score for score, to building
        it from every document's tokens: the same (token, document, frequency) triples weighed the same way,
        without tokenising or sorting the documents kept (a write changes a few of thousands)."""
        n = len(src)
        out = InvertedBM25.__new__(InvertedBM25)
        lens = np.zeros(n, dtype=np.int64)
        kept = np.flatnonzero(src >= 0)
        lens[kept] = self.lens[src[kept]]
        for r, d in fresh.items():
            lens[r] = len(d)
        if n == 0 or not lens.any():
            out._empty(n, n_vocab, lens)
            return out
        moved = np.full(self.n_docs, -1, dtype=np.int64)
        moved[src[kept]] = kept
        tok = np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int64), np.diff(self.indptr))
        row = moved[self.indices]
        stay = row >= 0
        tok, row, tf = tok[stay], row[stay], self.tf[stay]
        if fresh:
            docs = list(fresh.values())
            rows = np.repeat(np.fromiter(fresh, dtype=np.int64, count=len(fresh)),
                             np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs)))
            pairs, new_tf = np.unique(np.concatenate(docs) * n + rows, return_counts=True)
            new_tok, new_row = np.divmod(pairs, n)
            at = np.searchsorted(tok, new_tok, side="right")  # both sorted by token: merge without a sort
            tok, row, tf = np.insert(tok, at, new_tok), np.insert(row, at, new_row), np.insert(tf, at, new_tf)
        out._weigh(tok, row, tf, lens, n_vocab)
        return out

    def scores(self, query_ids: Iterable[int]) -> np.ndarray:
        """Raw BM25 score of every document (float32); a repeated query word counts again, as in bm25s."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        limit = len(self.indptr) - 1
        for t in query_ids:
            if t < limit:  # ids added to the vocabulary after this index was built are in no document here
                start, end = self.indptr[t], self.indptr[t + 1]
                out[self.indices[start:end]] += self.weights(t)  # a document appears once per token
        return out
