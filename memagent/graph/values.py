"""A second vector per preference: its value phrase.

A preference's sentence carries its context ("User prefers paper maps to phone navigation, since screens give
them headaches on long drives, but ..."), which dilutes its embedding; the value phrase ("paper maps") is what a
later request resembles. Recall scores such an item by the closer of the two. The vectors live in the
index under ``namespace_key(user_id, VALUE_NAMESPACE)`` as ``value_id(item id)`` (an index id names one vector
in the whole file), where forget, delete_user and rebuild_index reach them.
"""

from __future__ import annotations

from collections.abc import Iterable

from memagent.types import MemoryItem, MemoryKind

__all__ = ["VALUE_NAMESPACE", "value_id", "value_phrases"]

VALUE_NAMESPACE = "value"
_KINDS = (MemoryKind.PREFERENCE, MemoryKind.INSTRUCTION)


def value_id(item_id: str) -> str:
    return f"{item_id}#value"


def value_phrases(items: Iterable[MemoryItem]) -> dict[str, str]:
    """Value vector id -> value phrase, for the profile items whose value says less than their text."""
    return {value_id(i.id): i.value for i in items
            if i.kind in _KINDS and i.value and i.value.strip().casefold() != i.text.strip().casefold()}
