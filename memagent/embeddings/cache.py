"""An LRU cache in front of any embedder, keyed by a hash of the text (the cache never holds the text)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from memagent._text import check_text
from memagent.embeddings.base import Embedder, stack_rows
from memagent.errors import InvalidInputError

__all__ = ["CachedEmbedder", "QueryVectors", "text_key"]


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class CachedEmbedder:
    """Wraps an embedder; repeated texts are embedded once. Same ``name`` and ``dim`` as the wrapped one.

    ``evict(texts)`` drops entries, so forgetting a memory also drops its vector from the cache.
    """

    def __init__(self, inner: Embedder, *, max_items: int = 50_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_items = max_items
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self.inner.dim

    def __len__(self) -> int:
        return len(self._cache)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Raises: InvalidInputError for a bare string or an invalid item (as the wrapped embedder would)."""
        if isinstance(texts, str):
            msg = "embed() takes a list of texts; wrap a single text in a list or call embed_one()"
            raise InvalidInputError(msg)
        texts = [check_text(t, field="texts[i]", allow_empty=True) for t in texts]
        keys = [text_key(t) for t in texts]
        with self._lock:
            first: dict[bytes, int] = {}
            for i, k in enumerate(keys):
                if k not in self._cache:
                    first.setdefault(k, i)
            missing = list(first.values())
        if missing:
            vectors = self.inner.embed([texts[i] for i in missing])
            with self._lock:
                for i, v in zip(missing, vectors, strict=True):
                    self._cache[keys[i]] = v
                while len(self._cache) > self.max_items:
                    self._cache.popitem(last=False)
            fresh = dict(zip((keys[i] for i in missing), vectors, strict=True))
        else:
            fresh = {}
        with self._lock:
            rows = []
            for k in keys:
                v = fresh.get(k)
                if v is None:
                    v = self._cache[k]
                    self._cache.move_to_end(k)
                rows.append(v)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return stack_rows(rows).astype(np.float32, copy=False)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def evict(self, texts: Sequence[str]) -> None:
        with self._lock:
            for t in texts:
                self._cache.pop(text_key(t), None)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


class QueryVectors:
    """A small LRU of recent request vectors, keyed by user, embedder name and a hash of the request.

    A chatbot recalls with the same few requests again and again (a retry, a regenerated reply, the agent loop
    asking twice); each repeat then skips the model. Requests are kept apart from the memory texts' cache: their
    vectors say what a user asked, so ``invalidate(user)`` drops a user's (on delete_user and redaction) and
    ``evict`` (called by every forget) drops them all.
    """

    def __init__(self, embedder: Embedder, *, max_items: int = 1024) -> None:
        self.embedder = embedder
        self.max_items = max_items
        self._cache: OrderedDict[tuple[str, str, bytes], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._cache)

    def get(self, user_id: str, text: str) -> np.ndarray:
        key = (user_id, self.embedder.name, text_key(text))
        with self._lock:
            vec = self._cache.get(key)
            if vec is not None:
                self._cache.move_to_end(key)
                return vec
        vec = self.embedder.embed([text])[0]
        with self._lock:
            self._cache[key] = vec
            while len(self._cache) > self.max_items:
                self._cache.popitem(last=False)
        return vec

    def invalidate(self, user_id: str) -> None:
        with self._lock:
            for key in [k for k in self._cache if k[0] == user_id]:
                del self._cache[key]

    def evict(self, texts: Sequence[str]) -> None:
        """Forgetting anything drops every cached request: a request may quote what was forgotten."""
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
