"""Fit ranked memories into a token budget: relevant standing instructions first, then preferences, facts,
episodes; whatever budget remains goes to the best-scoring rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from memagent.llm.tokens import count_tokens
from memagent.types import KIND_PRIORITY, MemoryKind, Recall, RecallEntry, _prompt_line

__all__ = ["PROMPT_OVERHEAD_TOKENS", "pack"]

# Header, footer and section titles of Recall.to_prompt(); measured, with a little slack.
PROMPT_OVERHEAD_TOKENS = 48


def pack(
    ranked: Sequence[RecallEntry],
    budget_tokens: int,
    gates: Mapping[MemoryKind, float],
    min_score: float = 0.0,
) -> tuple[list[RecallEntry], int, int]:
    """Choose entries under ``budget_tokens``; returns (chosen in priority order, tokens used, dropped count)."""
    available = budget_tokens - PROMPT_OVERHEAD_TOKENS
    sized = [e.model_copy(update={"tokens": count_tokens(_prompt_line(e.item)) + 1}) for e in ranked]
    chosen: list[RecallEntry] = []
    taken: set[str] = set()
    used = 0

    def take(entry: RecallEntry) -> None:
        nonlocal used
        if entry.item.id not in taken and used + entry.tokens <= available:
            chosen.append(entry)
            taken.add(entry.item.id)
            used += entry.tokens

    by_tier = sorted(sized, key=lambda e: (KIND_PRIORITY[e.item.kind], -e.score))
    for entry in by_tier:
        if entry.score >= gates.get(entry.item.kind, 1.0):
            take(entry)
    for entry in sorted(sized, key=lambda e: -e.score):
        if entry.score >= min_score:
            take(entry)
    chosen.sort(key=lambda e: (KIND_PRIORITY[e.item.kind], -e.score))
    return chosen, used + (PROMPT_OVERHEAD_TOKENS if chosen else 0), len(sized) - len(chosen)


def measure_overhead() -> int:
    """Tokens of the fixed parts of a rendered recall (used to check PROMPT_OVERHEAD_TOKENS in tests)."""
    empty = Recall(user_id="u", query="q", budget_tokens=0)
    return count_tokens(empty.to_prompt())
