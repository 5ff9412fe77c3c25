"""Contract test suites: subclass in a test module, set the fixture, inherit the checks (like langchain's
standard tests). Every Embedder and VectorIndex implementation in memagent runs them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

__all__ = ["EmbedderContract", "VectorIndexContract"]


def _missing_fixture(suite: object, name: str) -> None:
    """Fail the test with what to write: a subclass that forgot the fixture would otherwise get pytest's
    generic "fixture not found" listing, or inherit checks against nothing."""
    pytest.fail(f"{type(suite).__name__} must define the `{name}` fixture, returning the implementation to check, "
                f"e.g. `@pytest.fixture\n    def {name}(self): return My{name.capitalize()}(...)`", pytrace=False)


class EmbedderContract:
    """Subclass and provide an ``embedder`` fixture."""

    @pytest.fixture
    def embedder(self) -> Any:
        _missing_fixture(self, "embedder")

    def test_shape_dtype_and_unit_length(self, embedder: Any) -> None:
        out = embedder.embed(["I love sushi", "the train was late", ""])
        assert out.shape == (3, embedder.dim)
        assert out.dtype == np.float32
        norms = np.linalg.norm(out[:2], axis=1)
        assert np.allclose(norms, 1.0, atol=1e-4)

    def test_deterministic_and_batch_independent(self, embedder: Any) -> None:
        a = embedder.embed(["alpha beta", "gamma delta"])
        b = embedder.embed(["gamma delta"])
        assert np.allclose(a[1], b[0], atol=1e-5)

    def test_empty_list(self, embedder: Any) -> None:
        assert embedder.embed([]).shape == (0, embedder.dim)

    def test_has_name(self, embedder: Any) -> None:
        assert isinstance(embedder.name, str) and embedder.name

    def test_rejects_bare_string(self, embedder: Any) -> None:
        from memagent.errors import InvalidInputError

        with pytest.raises(InvalidInputError):
            embedder.embed("not a list")


class VectorIndexContract:
    """Subclass and provide an ``index`` fixture (dim 4)."""

    @pytest.fixture
    def index(self) -> Any:
        _missing_fixture(self, "index")

    @staticmethod
    def _unit(*v: float) -> np.ndarray:
        a = np.asarray(v, dtype=np.float32)
        return a / np.linalg.norm(a)

    def test_search_orders_by_cosine_and_isolates_users(self, index: Any) -> None:
        index.add("u1", ["a", "b"], np.stack([self._unit(1, 0, 0, 0), self._unit(0, 1, 0, 0)]))
        index.add("u2", ["c"], np.stack([self._unit(1, 0, 0, 0)]))
        hits = index.search("u1", self._unit(1, 0.1, 0, 0), 5)
        assert [h[0] for h in hits] == ["a", "b"]
        assert hits[0][1] > hits[1][1]
        assert index.ids("u1") == {"a", "b"} and index.ids("u2") == {"c"}
        assert index.search("nobody", self._unit(1, 0, 0, 0), 3) == []

    def test_vectors_delete_and_delete_user(self, index: Any) -> None:
        index.add("u1", ["a", "b"], np.stack([self._unit(1, 0, 0, 0), self._unit(0, 1, 0, 0)]))
        vecs = index.vectors("u1", ["a", "zzz"])
        assert set(vecs) == {"a"} and np.allclose(vecs["a"], self._unit(1, 0, 0, 0), atol=1e-6)
        index.delete("u1", ["a"])
        assert index.ids("u1") == {"b"}
        index.delete_user("u1")
        assert index.ids("u1") == set()

    def test_add_replaces_existing_id(self, index: Any) -> None:
        index.add("u1", ["a"], np.stack([self._unit(1, 0, 0, 0)]))
        index.add("u1", ["a"], np.stack([self._unit(0, 0, 1, 0)]))
        assert index.search("u1", self._unit(0, 0, 1, 0), 1)[0][0] == "a"
        assert index.ids("u1") == {"a"}

    def test_embedder_identity_roundtrip(self, index: Any) -> None:
        assert index.embedder_identity() is None
        index.set_embedder_identity({"name": "e", "dim": 4})
        assert index.embedder_identity() == {"name": "e", "dim": 4}
