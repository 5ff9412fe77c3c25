"""Fit ranked memories into a token budget: relevant standing instructions first, then preferences, facts,
episodes; whatever budget remains goes to the best-scoring rest."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from memagent.llm.tokens import count_tokens
from memagent.retrieval.hybrid import Scored
from memagent.types import KIND_PRIORITY, MemoryKind, Recall, RecallEntry, prompt_line

__all__ = ["PROMPT_OVERHEAD_TOKENS", "pack"]

# Header, footer and section titles of Recall.to_prompt(); measured, with a little slack.
PROMPT_OVERHEAD_TOKENS = 48
# No entry costs less than this ("- x" is 2 tokens, plus its newline): below it, stop looking.
MIN_LINE_TOKENS = 3


def _tokens_at_least(line: str) -> int:
    """A cheap lower bound on ``count_tokens(line)``, to skip lines that cannot fit without tokenising them:
    cl100k never merges across a space, so each whitespace-separated word is at least one token. (Characters
    per token is no bound: a run of 64 '=' is one token.)"""
    return len(line.split())


def pack(
    ranked: Sequence[Scored],
    budget_tokens: int,
    gates: Mapping[MemoryKind, float],
    min_score: float = 0.0,
    *,
    profile_share: float = 0.0,
    profile_kinds: Collection[MemoryKind] = (MemoryKind.INSTRUCTION, MemoryKind.PREFERENCE),
    profile_strength: float = 0.0,
    line_tokens: dict[str, int] | None = None,
) -> tuple[list[RecallEntry], int, int]:
    """Choose entries under ``budget_tokens``; returns (chosen in priority order, tokens used, dropped count).

    ``profile_share`` of the budget first goes to the best-scoring profile entries (instructions and
    preferences), whatever their gate: a request rarely shares words with the preference it should respect,
    so the profile must not be crowded out by episodes that merely resemble the request. Within that share,
    ``profile_strength`` x importance is added to the score: a firmly held preference (an allergy, a refusal)
    outranks a passing reaction of similar relevance.

    ``line_tokens`` (line -> tokens) is filled as lines are counted; pass the same dict again while the
    memories are unchanged (the recall snapshot keeps one) and they are not tokenised twice.
    """
    available = budget_tokens - PROMPT_OVERHEAD_TOKENS
    sizes = line_tokens if line_tokens is not None else {}
    chosen: list[RecallEntry] = []
    taken: set[str] = set()
    used = 0

    def full() -> bool:
        return available - used < MIN_LINE_TOKENS

    def take(entry: Scored) -> None:
        nonlocal used
        if entry.item.id in taken:
            return
        line = prompt_line(entry.item)
        if used + _tokens_at_least(line) > available:
            return  # cannot fit even at the best compression: skip without tokenising
        size = sizes.get(line)
        if size is None:  # counted lazily: most candidates are never reached
            size = sizes[line] = count_tokens(line) + 1
        if used + size <= available:
            chosen.append(RecallEntry(item=entry.item, score=entry.score, tokens=size, components=entry.components,
                                      via=entry.via))  # type: ignore[arg-type]
            taken.add(entry.item.id)
            used += size

    if profile_share > 0:
        reserved = available * min(1.0, profile_share)
        for entry in sorted(ranked, key=lambda e: -(e.score + profile_strength * e.item.importance)):
            if used >= reserved or full():
                break
            if entry.item.kind in profile_kinds and entry.score >= min_score:
                take(entry)
    for entry in sorted(ranked, key=lambda e: (KIND_PRIORITY[e.item.kind], -e.score)):
        if full():
            break
        if entry.score >= gates.get(entry.item.kind, 1.0):
            take(entry)
    for entry in sorted(ranked, key=lambda e: -e.score):
        if full():
            break
        if entry.score >= min_score:
            take(entry)
    chosen.sort(key=lambda e: (KIND_PRIORITY[e.item.kind], -e.score))
    return chosen, used + (PROMPT_OVERHEAD_TOKENS if chosen else 0), len(ranked) - len(chosen)

def measure_overhead() -> int:
    """Tokens of the fixed parts of a rendered recall (used to check PROMPT_OVERHEAD_TOKENS in tests)."""
    empty = Recall(user_id="u", query="q", budget_tokens=0)
    return count_tokens(empty.to_prompt())
