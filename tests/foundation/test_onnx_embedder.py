"""LocalEmbedder's ONNX Runtime backend: same vectors as torch, export cached by model hash, typed errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import numpy as np
import pytest

from memagent.embeddings import LocalEmbedder, onnx_backend
from memagent.errors import ConfigError, MemagentWarning, MissingDependencyError

TEXTS = [
    "I love sushi",
    "   padded with spaces and a tab\t",  # sentence-transformers strips each text before tokenising
    "",
    "Noted.",
    "My sister's wedding is in Lisbon next June, so I'm looking for a light suit that won't wrinkle.",
    " ".join(["a long message about travel plans, hotels and trains"] * 40),  # over 256 tokens: truncated
    "Noted.",
    "Ünïcödé and emoji 🍣 survive the tokenizer",
]


@pytest.fixture(scope="module")
def torch_embedder():
    pytest.importorskip("torch", reason="torch is in the local extra; the ONNX export and this comparison need it")
    emb = LocalEmbedder(backend="torch")
    emb.embed(["warm up"])
    return emb


def test_onnx_is_the_default_backend_and_pools_exactly_like_torch(local_embedder, torch_embedder):
    assert local_embedder.active_backend == "onnx" and torch_embedder.active_backend == "torch"
    assert local_embedder.name == torch_embedder.name  # equal vectors: an index built by one accepts the other
    onnx_vectors, torch_vectors = local_embedder.embed(TEXTS), torch_embedder.embed(TEXTS)
    assert onnx_vectors.shape == (len(TEXTS), 384)
    assert (onnx_vectors * torch_vectors).sum(axis=1).min() >= 0.9999
    assert np.abs(onnx_vectors - torch_vectors).max() < 1e-4


def test_onnx_vectors_do_not_depend_on_the_batch(local_embedder):
    alone = np.stack([local_embedder.embed([t])[0] for t in TEXTS])
    assert np.allclose(local_embedder.embed(TEXTS), alone, atol=1e-5)  # padding is masked out of the mean


def test_an_exported_model_runs_without_torch(local_embedder, tmp_path):
    local_embedder.embed(["the export is in the cache now"])
    code = (
        "import sys\n"
        "for name in ('torch', 'transformers', 'sentence_transformers', 'onnx'):\n"
        "    sys.modules[name] = None  # importing any of them now fails\n"
        "from memagent import LocalEmbedder\n"
        "emb = LocalEmbedder(backend='onnx')\n"
        "print(emb.embed(['I love sushi']).shape, emb.active_backend)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(1, 384) onnx"


def _fake_model(root):
    root.mkdir()
    (root / "tokenizer.json").write_text("{}")
    (root / "model.safetensors").write_bytes(b"weights v1")
    (root / "config.json").write_text(json.dumps({"hidden_size": 8}))
    return root


def test_the_export_is_keyed_by_the_model_files_and_lands_whole(tmp_path, monkeypatch):
    model = _fake_model(tmp_path / "model")
    first = onnx_backend.onnx_model_file(model, tmp_path / "cache")
    assert first == onnx_backend.onnx_model_file(model, tmp_path / "cache")
    (model / "model.safetensors").write_bytes(b"weights v2")
    assert onnx_backend.onnx_model_file(model, tmp_path / "cache") != first  # new weights never meet an old export

    writes = []

    def fake_export(model_dir, out):
        writes.append(out)
        out.write_bytes(b"graph " + out.name.encode())

    monkeypatch.setattr(onnx_backend, "_export_to", fake_export)
    threads = [threading.Thread(target=onnx_backend.export_onnx, args=(model, first)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(writes)) == 4  # each exporter wrote its own temporary file ...
    assert first.read_bytes() in {b"graph " + w.name.encode() for w in writes}  # ... and one of them won whole
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name]  # no temporary file left behind


def test_a_failed_export_leaves_nothing(tmp_path, monkeypatch):
    model = _fake_model(tmp_path / "model")
    target = onnx_backend.onnx_model_file(model, tmp_path / "cache")

    def broken(model_dir, out):
        out.write_bytes(b"half a graph")
        raise RuntimeError("tracing failed")

    monkeypatch.setattr(onnx_backend, "_export_to", broken)
    with pytest.raises(RuntimeError, match="tracing failed"):
        onnx_backend.export_onnx(model, target)
    assert list(target.parent.iterdir()) == []


def test_an_unwritable_cache_is_a_config_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    model = _fake_model(tmp_path / "model")
    with pytest.raises(ConfigError, match="MEMAGENT_CACHE_DIR"):
        onnx_backend.export_onnx(model, onnx_backend.onnx_model_file(model, blocker))


def test_export_without_its_packages_names_the_extra(tmp_path, monkeypatch):
    model = _fake_model(tmp_path / "model")
    monkeypatch.setattr(onnx_backend, "find_spec", lambda name: None if name == "onnx" else object())
    with pytest.raises(MissingDependencyError, match=r"memagent\[local\]"):
        onnx_backend.export_onnx(model, onnx_backend.onnx_model_file(model, tmp_path / "cache"))


def test_auto_falls_back_to_torch_with_a_warning_and_onnx_does_not(torch_embedder, tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_backend, "find_spec", lambda name: None if name == "onnx" else object())
    with pytest.raises(MissingDependencyError, match="onnx"):
        LocalEmbedder(backend="onnx", cache_dir=tmp_path).embed(["x"])
    auto = LocalEmbedder(cache_dir=tmp_path)
    with pytest.warns(MemagentWarning, match="uses torch"):
        vector = auto.embed(["I love sushi"])
    assert auto.active_backend == "torch"
    assert np.allclose(vector, torch_embedder.embed(["I love sushi"]), atol=1e-6)


def test_models_the_onnx_path_cannot_pool_are_refused(tmp_path):
    model = _fake_model(tmp_path / "model")
    assert onnx_backend.onnx_supported(model) is None
    (model / "modules.json").write_text(json.dumps([{"type": "sentence_transformers.models.Transformer"},
                                                    {"type": "sentence_transformers.models.Pooling"},
                                                    {"type": "sentence_transformers.models.Dense"}]))
    assert "Dense" in onnx_backend.onnx_supported(model)
    with pytest.raises(ConfigError, match="Dense"):
        LocalEmbedder(str(model), backend="onnx", cache_dir=tmp_path).embed(["x"])


def test_backend_settings_are_checked():
    with pytest.raises(ConfigError, match="backend"):
        LocalEmbedder(backend="tensorrt")
    with pytest.raises(ConfigError, match="bf16"):
        LocalEmbedder(backend="onnx", precision="bf16")
    assert LocalEmbedder(precision="bf16").backend == "torch"  # autocast is a torch feature


def test_a_damaged_export_is_a_config_error_saying_how_to_recover(tmp_path):
    model_dir = LocalEmbedder()._model_dir()
    target = onnx_backend.onnx_model_file(model_dir, tmp_path)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a protobuf")
    with pytest.raises(ConfigError, match="delete the file"):
        LocalEmbedder(backend="onnx", cache_dir=tmp_path).embed(["x"])
