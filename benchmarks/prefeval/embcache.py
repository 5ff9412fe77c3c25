"""Vectors kept on disk between benchmark runs, so a rerun or an ablation does not embed the same texts again.

The file holds text hashes (never the text) and vectors, under the embedder's name: a file written by another
embedder is ignored, not mixed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from memagent.embeddings import Embedder
from memagent.embeddings.cache import text_key

__all__ = ["StoredEmbedder"]


class StoredEmbedder:
    """Wraps an embedder; vectors of texts seen before come from ``path`` (an ``.npz``), new ones are embedded
    in one batch per call. ``save()`` writes the file. Same ``name`` and ``dim`` as the wrapped embedder."""

    def __init__(self, inner: Embedder, path: str | Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = Path(path)
        self._vectors: dict[bytes, np.ndarray] = {}
        self._dirty = False
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as data:
                if str(data["embedder"]) == self.name:
                    self._vectors = dict(zip((row.tobytes() for row in data["keys"]), data["vectors"], strict=True))

    @property
    def dim(self) -> int:
        return self.inner.dim

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        if missing:
            fresh = self.inner.embed([texts[i] for i in missing])
            for i, v in zip(missing, fresh, strict=True):
                self._vectors[keys[i]] = np.asarray(v, dtype=np.float32)
            self._dirty = True
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def save(self) -> None:
        """Write the vectors (atomically: a crash leaves the previous file)."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        keys = list(self._vectors)
        raw = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), -1)  # fixed-size hashes
        np.savez(tmp, embedder=np.array(self.name), keys=raw,
                 vectors=np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32))
        tmp.replace(self.path)
        self._dirty = False
