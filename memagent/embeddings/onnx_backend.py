"""ONNX Runtime backend of :class:`~memagent.embeddings.local.LocalEmbedder`: export once, then run without torch.

A sentence-transformers model directory (Transformer -> mean Pooling -> Normalize) is exported to ONNX on first
use with ``torch.onnx.export`` and stored in a user cache directory under the SHA-256 of the model's files, so a
changed model never meets an old export. Later processes load the file with onnxruntime and the ``tokenizers``
fast tokenizer (both come with chromadb): torch is imported only to export. Two processes exporting at once
each write a temporary file in the cache directory and rename it into place (atomic on one filesystem), so a
reader never sees half a file.

The runtime repeats what sentence-transformers does: strip each text, tokenise with ``max_seq_length``
truncation, mean-pool the last hidden state over the attention mask (denominator clamped at 1e-9), normalise.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from memagent.errors import ConfigError, MissingDependencyError

__all__ = ["EXPORT_VERSION", "OnnxEncoder", "cache_root", "export_onnx", "onnx_model_file", "onnx_supported"]

# Part of the cache key: bump when the export (wrapper, opset, graph fusion) changes, so old files are ignored.
EXPORT_VERSION = "1"
_OPSET = 17
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_KEYED_FILES = (*_WEIGHT_FILES, "config.json", "tokenizer.json", "sentence_bert_config.json", "modules.json",
                "1_Pooling/config.json")


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where exported models live: ``cache_dir``, else ``$MEMAGENT_CACHE_DIR``, else ``$XDG_CACHE_HOME/memagent``
    (``~/.cache/memagent``), each with an ``onnx`` subfolder."""
    if cache_dir is not None:
        return Path(cache_dir) / "onnx"
    if os.environ.get("MEMAGENT_CACHE_DIR"):
        return Path(os.environ["MEMAGENT_CACHE_DIR"]) / "onnx"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "memagent" / "onnx"


def onnx_supported(model_dir: str | os.PathLike[str]) -> str | None:
    """``None`` when the model is Transformer -> mean Pooling [-> Normalize], else why the ONNX path can't run it."""
    root = Path(model_dir)
    if not (root / "tokenizer.json").is_file():
        return "the model has no tokenizer.json (a fast tokenizer is needed without transformers)"
    if not any((root / w).is_file() for w in _WEIGHT_FILES):
        return "the model has no model.safetensors or pytorch_model.bin"
    modules = _read_json(root / "modules.json", default=[])
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds and kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"modules {kinds} are not Transformer -> Pooling [-> Normalize]"
    pooling = _read_json(root / "1_Pooling" / "config.json", default={"pooling_mode_mean_tokens": True})
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if modes != ["pooling_mode_mean_tokens"]:
        return f"pooling {modes} is not mean pooling"
    return None


def onnx_model_file(model_dir: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache path of ``model_dir``'s export (which may not exist yet): keyed by its files' SHA-256."""
    digest = hashlib.sha256(f"memagent-onnx-export-v{EXPORT_VERSION}-opset{_OPSET}".encode())
    root = Path(model_dir)
    for name in _KEYED_FILES:
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0")
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    return cache_root(cache_dir) / f"{digest.hexdigest()[:32]}.onnx"


def export_onnx(model_dir: str | os.PathLike[str], target: Path) -> Path:
    """Export ``model_dir``'s transformer to ``target`` (temp file + rename); needs torch, transformers and onnx.

    Raises:
        MissingDependencyError: torch, transformers or onnx is not installed.
        ConfigError: the cache directory can't be written (the message names the setting that moves it).
    """
    for module in ("torch", "transformers", "onnx"):
        if find_spec(module) is None:
            msg = (f"exporting the local model to ONNX needs {module} (once; later runs load the exported file): "
                   'pip install "memagent[local]"')
            raise MissingDependencyError(msg, extra="local")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=target.stem + ".", suffix=".tmp")
    except OSError as e:
        msg = (f"cannot write the ONNX export to {target.parent} ({e.strerror}); set MEMAGENT_CACHE_DIR or pass "
               "cache_dir= to a writable folder")
        raise ConfigError(msg) from e
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _export_to(Path(model_dir), tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it holds public weights, no user data
        os.replace(tmp, target)  # atomic: a concurrent exporter's rename wins or loses whole, never half
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _export_to(model_dir: Path, out: Path) -> None:
    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(str(model_dir))
    # Eager attention exports as plain MatMul/Softmax, which onnxruntime fuses itself when it loads the graph.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    uses_types = getattr(config, "type_vocab_size", 0) > 0
    names = ["input_ids", "attention_mask", *(["token_type_ids"] if uses_types else [])]

    class LastHidden(torch.nn.Module):
        # transformers 5's forward takes extra positional parameters: pass the inputs by keyword
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *inputs: Any) -> Any:
            return self.inner(**dict(zip(names, inputs, strict=True))).last_hidden_state

    sample = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    # Tracing warns about shapes fixed at trace time (sizes checked in Python by transformers); the batch and token
    # axes are declared dynamic and the export is checked against torch by the tests, so the warnings are noise.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHidden(model), sample, str(out), input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=_OPSET, dynamo=False)


class OnnxEncoder:
    """Tokeniser + onnxruntime session + mean pooling of one exported sentence-transformers model.

    Args:
        model_dir: the sentence-transformers model directory (tokenizer and configs are read from it).
        onnx_file: its exported graph.
        threads: onnxruntime intra-op threads; ``None``: onnxruntime's default (one per physical core).
        batch_size: texts per forward pass, after sorting by token count.

    Raises:
        ConfigError: onnxruntime cannot load ``onnx_file`` (the message says how to export again).
    """

    def __init__(self, model_dir: str | os.PathLike[str], onnx_file: Path, *, threads: int | None,
                 batch_size: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        root = Path(model_dir)
        st_config = _read_json(root / "sentence_bert_config.json", default={})
        self.max_tokens = int(st_config.get("max_seq_length") or 512)
        self.lowercase = bool(st_config.get("do_lower_case", False))
        self.dim = int(_read_json(root / "config.json", default={}).get("hidden_size", 0))
        self.batch_size = max(batch_size, 1)
        self.tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        self.tokenizer.no_padding()  # tokenizer.json may pad to a fixed 128: pad each pass to its longest text
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = 0 if threads is None else threads
        options.inter_op_num_threads = 1
        # Spinning worker threads burn the cores other processes share; they only help a dedicated machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime's own exception types (Fail, InvalidProtobuf, ...), one message
            msg = (f"onnxruntime cannot load the exported model {onnx_file} ({e}); delete the file to export "
                   "again, or set MEMAGENT_CACHE_DIR / cache_dir= to another folder")
            raise ConfigError(msg) from e
        self.inputs = [i.name for i in self.session.get_inputs()]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors of ``texts`` (float32, one row per text, in order)."""
        prepared = [t.strip().lower() if self.lowercase else t.strip() for t in texts]
        encodings = self.tokenizer.encode_batch(prepared)
        order = sorted(range(len(prepared)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(prepared), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)  # pad id 0 (BERT's [PAD]); masked out below
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {name: feed[name] for name in self.inputs})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.clip(norms, 1e-12, None)  # sentence-transformers' Normalize uses eps 1e-12
        return out


def _read_json(path: Path, *, default: Any) -> Any:
    if not path.is_file():
        return default
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)
