"""A small LRU of values the write path derives from a text, keyed by a hash of the text (never the text itself).

Extraction reads the last dozen turns of a session for every new turn (to know the conversation's topic), so
without a memo each turn's words are classified again a dozen times. What is kept is derived data (domain
counts), but a hash still lets someone confirm a guessed text, so the memo is evicted like the embedding cache:
``Memory`` passes it every text a forget, redaction or delete_user removes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from memagent.embeddings.cache import text_key

__all__ = ["TextMemo"]

V = TypeVar("V")


class TextMemo(Generic[V]):
    """``get(text, compute)`` computes once per text; ``evict(texts)`` and ``clear()`` drop entries."""

    def __init__(self, max_items: int = 4096) -> None:
        self.max_items = max_items
        self._values: OrderedDict[bytes, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, text: str, compute: Callable[[str], V]) -> V:
        key = text_key(text)
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found
        value = compute(text)
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.max_items:
                self._values.popitem(last=False)
        return value

    def evict(self, texts: Sequence[str]) -> None:
        with self._lock:
            for t in texts:
                self._values.pop(text_key(t), None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
