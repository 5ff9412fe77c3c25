"""A second vector per preference: its value phrase.

A preference's sentence carries its context ("User prefers paper maps to phone navigation, since screens give
them headaches on long drives, but ..."), which dilutes its embedding; the value phrase ("paper maps") is what a
later request resembles. Recall scores such an item by the closer of the two. The vectors live in the
index under ``namespace_key(user_id, VALUE_NAMESPACE)`` as ``value_id(item id)`` (an index id names one vector
in the whole file), where forget, delete_user and rebuild_index reach them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from memagent.embeddings.base import Embedder, stack_rows
from memagent.store.index import VectorIndex, namespace_key
from memagent.types import MemoryItem, MemoryKind

__all__ = ["VALUE_NAMESPACE", "ItemVectors", "embed_items", "embed_known", "has_value_vector", "index_items", "value_id",
           "value_phrases"]

VALUE_NAMESPACE = "value"
_KINDS = (MemoryKind.PREFERENCE, MemoryKind.INSTRUCTION)


def value_id(item_id: str) -> str:
    return f"{item_id}#value"


def has_value_vector(kind: MemoryKind, text: str, value: str | None) -> bool:
    """Whether a memory of this kind, text and value gets a value vector (a profile item whose value says less)."""
    return kind in _KINDS and bool(value) and value.strip().casefold() != text.strip().casefold()  # type: ignore[union-attr]


def value_phrases(items: Iterable[MemoryItem]) -> dict[str, str]:
    """Value vector id -> value phrase, for the profile items whose value says less than their text."""
    return {value_id(i.id): i.value for i in items if has_value_vector(i.kind, i.text, i.value)}  # type: ignore[misc]


@dataclass
class ItemVectors:
    """Vectors of some items and of their value phrases, made before a write commits and indexed after it."""

    items: list[MemoryItem]
    vectors: np.ndarray  # one row per item
    values: dict[str, np.ndarray]  # value id -> vector


def embed_known(embedder: Embedder, texts: Sequence[str], known: Mapping[str, np.ndarray] | None) -> np.ndarray:
    """``embedder.embed(texts)``, or the vectors of ``known`` (what the embedder gave for these very texts) when
    it holds every one of them: no call then."""
    if known is not None and texts and all(t in known for t in texts):
        return stack_rows([known[t] for t in texts])
    return embedder.embed(texts)


def embed_items(embedder: Embedder, items: Sequence[MemoryItem], *,
                known: Mapping[str, np.ndarray] | None = None) -> ItemVectors:
    """Embed the items' texts and value phrases in one call; none when ``known`` (vectors the embedder gave for
    these very texts) has them all."""
    items = list(items)
    values = value_phrases(items)
    texts = [i.text for i in items] + list(values.values())
    vectors = embed_known(embedder, texts, known) if texts else np.zeros((0, embedder.dim), dtype=np.float32)
    return ItemVectors(items, vectors[: len(items)], dict(zip(values, vectors[len(items):], strict=True)))


def index_items(index: VectorIndex, user_id: str, made: ItemVectors) -> int:
    """Add the vectors to the user's index and value namespace; returns how many were added."""
    if not made.items:
        return 0
    entries = [(user_id, [i.id for i in made.items], made.vectors)]
    if made.values:
        entries.append((namespace_key(user_id, VALUE_NAMESPACE), list(made.values), stack_rows(list(made.values.values()))))
    for key, ids, vectors in entries:
        index.add(key, ids, vectors)
    return len(made.items) + len(made.values)
