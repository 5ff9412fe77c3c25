"""Stock sentences: what an assistant says in many turns ("Let me know if you need anything else.") is no evidence.

A recalled assistant turn is there for what it proposed or confirmed; the courtesies around it cost budget and say
nothing of the user. A sentence the assistant said in at least :data:`STOCK_MIN_TURNS` of a user's turns is stock:
the turn's rendered line leaves it out (the turn is still searched with its whole text), so more evidence fits in
the same tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from memagent.types import Event

__all__ = ["STOCK_MIN_TURNS", "StockSentences"]

STOCK_MIN_TURNS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _key(sentence: str) -> str:
    return sentence.casefold()


class StockSentences:
    """The user's assistant sentences counted by turn, and those said often enough to be stock."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.stock: frozenset[str] = frozenset()

    def extended(self, events: Iterable[Event]) -> StockSentences:
        """These counts plus the assistant turns among ``events``. The counter is shared with (moved from) this
        one: a turn view extends the view it was patched from once, and the old view no longer reads its counts."""
        out = StockSentences()
        out.counts = self.counts
        grown = set()
        for e in events:
            if e.role == "assistant":
                for key in {_key(s) for s in _sentences(e.text)}:
                    out.counts[key] += 1
                    if out.counts[key] == STOCK_MIN_TURNS:
                        grown.add(key)
        out.stock = self.stock | grown if grown else self.stock
        return out

    def shortened(self, text: str) -> str | None:
        """``text`` without its stock sentences, or None when it has none (or nothing else)."""
        if not self.stock:
            return None
        kept = [s for s in _sentences(text) if _key(s) not in self.stock]
        return " ".join(kept) if kept and len(kept) < len(_sentences(text)) else None
