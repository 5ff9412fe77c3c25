"""Fit ranked memories into a token budget: relevant standing instructions first, then preferences, facts,
episodes; whatever budget remains goes to the best-scoring rest."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from operator import attrgetter

import numpy as np

from memagent.llm.tokens import count_tokens
from memagent.retrieval.hybrid import Scored
from memagent.types import (
    KIND_PRIORITY,
    SECTION_TITLES,
    MemoryItem,
    MemoryKind,
    Recall,
    RecallEntry,
    prompt_frame,
    prompt_line,
)

__all__ = ["PROMPT_OVERHEAD_TOKENS", "fit", "pack"]

# The fence and header lines of Recall.to_prompt() (section titles are counted as their kinds appear).
PROMPT_OVERHEAD_TOKENS = count_tokens("\n".join([*prompt_frame()[0], prompt_frame()[1]])) + 1
_TITLE_TOKENS = {kind: count_tokens(title) + 1 for kind, title in SECTION_TITLES.items()}
_KINDS = list(MemoryKind)
_KIND_CODES = {k: n for n, k in enumerate(_KINDS)}
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
    compact_share: float = 0.0,
    profile_kinds: Collection[MemoryKind] = (MemoryKind.INSTRUCTION, MemoryKind.PREFERENCE),
    profile_strength: float = 0.0,
    turn_share: float = 0.0,
    line_tokens: dict[str, int] | None = None,
    lines: dict[tuple[str, bool], tuple[MemoryItem, str, int]] | None = None,
) -> tuple[list[RecallEntry], int, int]:
    """Choose entries under ``budget_tokens``; returns (chosen in priority order, tokens used, dropped count).

    ``profile_share`` of the budget first goes to the best-scoring profile entries (instructions and
    preferences), whatever their gate: a request rarely shares words with the preference it should respect,
    so the profile must not be crowded out by episodes that merely resemble the request. Within that share,
    ``profile_strength`` x importance is added to the score: a firmly held preference (an allergy, a refusal)
    outranks a passing reaction of similar relevance.

    When the profile holds more than that share, the next ``compact_share`` goes to the following profile
    entries in short form (a preference's first clause, see :func:`memagent.types.compact_text`): two or three
    fit where one full line would, so a large profile is not cut off at the first few dozen lines. Budget left
    at the end turns short entries back into full ones, best first.

    Right after the profile's full lines, ``turn_share`` of the budget goes to the best conversation turns
    (kind ``TURN``, see :mod:`memagent.retrieval.turns`): the evidence extraction may have missed. The short
    profile lines and further turns then compete on score for the rest of ``profile_share + compact_share``.

    ``line_tokens`` (line -> tokens) is filled as lines are counted; pass the same dict again while the
    memories are unchanged (the recall snapshot keeps one) and they are not tokenised twice. ``lines`` ((item id,
    compact) -> the item, its rendered line and that line's lower bound on tokens) is kept the same way: rendering
    sanitises each text, and a recall tries hundreds. A line is reused only for the very item object it was rendered from (the snapshot's), so an
    entry ranked from an older snapshot never puts its text in a newer one's cache.
    """
    available = budget_tokens - PROMPT_OVERHEAD_TOKENS
    sizes = line_tokens if line_tokens is not None else {}
    chosen: dict[str, RecallEntry] = {}
    used = 0
    kinds_in: set[MemoryKind] = set()
    lines = lines if lines is not None else {}

    def rendered(item: MemoryItem, compact: bool) -> tuple[MemoryItem, str, int]:
        key = (item.id, compact)
        got = lines.get(key)
        if got is None or got[0] is not item:
            line = prompt_line(item, compact=compact)
            got = lines[key] = (item, line, _tokens_at_least(line))
        return got

    def line_of(item: MemoryItem, compact: bool) -> str:
        return rendered(item, compact)[1]

    def size_of(line: str) -> int:
        size = sizes.get(line)
        if size is None:  # counted lazily: most candidates are never reached
            size = sizes[line] = count_tokens(line) + 1
        return size

    def full() -> bool:
        return available - used < MIN_LINE_TOKENS

    def take(entry: Scored, *, compact: bool = False) -> None:
        nonlocal used
        if entry.item.id in chosen:
            return
        compact = compact and entry.item.kind == MemoryKind.PREFERENCE  # an instruction's conditions are its meaning
        _, line, least = rendered(entry.item, compact)
        title = 0 if entry.item.kind in kinds_in else _TITLE_TOKENS[entry.item.kind]  # its section's first line
        if used + title + least > available:
            return  # cannot fit even at the best compression: skip without tokenising
        size = size_of(line)
        if used + title + size <= available:
            chosen[entry.item.id] = RecallEntry(item=entry.item, score=entry.score, tokens=size,
                                                components=entry.components, via=entry.via,  # type: ignore[arg-type]
                                                compact=compact)
            used += size + title
            kinds_in.add(entry.item.kind)

    def fill(entries: Sequence[Scored], until: float, *, compact: bool = False) -> None:
        for entry in entries:
            if used >= until or full():
                break
            take(entry, compact=compact)

    def may_fit(rows: list[int]) -> list[int]:
        """Those of ``rows`` not chosen whose full line could still fit (by its size when counted before, else its
        lower bound): ``take`` turns every other one away, and the budget left only shrinks, so leaving them out
        takes the same entries (the last two passes go through every candidate, ~600 at 100k memories, and all
        but a few no longer fit)."""
        room = available - used
        out = []
        for i in rows:
            item = ranked[i].item
            if item.id not in chosen:
                _, line, least = rendered(item, False)
                if sizes.get(line, least) <= room:
                    out.append(i)
        return out

    # The orders below are stable sorts of the entries (numpy's on the same float64 keys, not Python's with a
    # key function per entry: a recall at 100k memories packs ~700 candidates).
    n = len(ranked)
    items = [e.item for e in ranked]
    # Each entry's kind as a code, and what the passes below need of a kind as tables over the codes (one pass
    # over the entries instead of one per property).
    codes = np.fromiter(map(_KIND_CODES.__getitem__, map(attrgetter("kind"), items)), dtype=np.int64, count=n)
    score = np.fromiter(map(attrgetter("score"), ranked), dtype=np.float64, count=n)
    strong = score + profile_strength * np.fromiter(map(attrgetter("importance"), items), dtype=np.float64, count=n)
    in_profile = np.array([k in profile_kinds for k in _KINDS], dtype=bool)[codes]
    eligible = score >= min_score
    by_strength = np.argsort(-strong, kind="stable")
    by_score = np.argsort(-score, kind="stable")
    profile = [ranked[i] for i in by_strength[(in_profile & eligible)[by_strength]].tolist()]
    is_turn = codes == _KIND_CODES[MemoryKind.TURN]
    turn_rows = by_score[(is_turn & eligible)[by_score]].tolist()
    turns = [ranked[i] for i in turn_rows]
    if profile_share > 0:
        fill(profile, available * min(1.0, profile_share))
    if turn_share > 0:
        fill(turns, used + available * turn_share)
    if profile_share > 0 or turn_share > 0:
        # The rest of the profile (in short form) and further turns compete on score for the next share.
        left = [i for i in by_strength[(in_profile & eligible)[by_strength]].tolist()
                if ranked[i].item.id not in chosen] if profile_share > 0 else []
        left += [i for i in turn_rows if ranked[i].item.id not in chosen]
        rows = np.asarray(left, dtype=np.int64)
        key = np.where(in_profile, strong, score)[rows]
        fill([ranked[i] for i in rows[np.argsort(-key, kind="stable")].tolist()],
             available * min(1.0, profile_share + compact_share), compact=True)
    gate = np.array([gates.get(k, 1.0) for k in _KINDS], dtype=np.float64)[codes]
    by_kind = np.lexsort((-score, np.array([KIND_PRIORITY[k] for k in _KINDS], dtype=np.int64)[codes]))
    for i in may_fit(by_kind[(score >= gate)[by_kind]].tolist()):
        if full():
            break
        take(ranked[i])
    for i in may_fit(by_score[eligible[by_score]].tolist()):
        if full():
            break
        take(ranked[i])
    for entry in sorted((e for e in chosen.values() if e.compact), key=lambda e: -e.score):
        grow = size_of(line_of(entry.item, False)) - entry.tokens
        if used + grow <= available:
            chosen[entry.item.id] = entry.model_copy(update={"compact": False, "tokens": entry.tokens + grow})
            used += grow
    out = sorted(chosen.values(), key=lambda e: (KIND_PRIORITY[e.item.kind], -e.score))
    return out, used + (PROMPT_OVERHEAD_TOKENS if out else 0), len(ranked) - len(out)


def fit(recall: Recall, lines: dict[tuple[str, bool], tuple[MemoryItem, str, int]] | None = None) -> Recall:
    """``recall`` with ``used_tokens`` set to the exact size of ``to_prompt()`` (tiktoken), dropping the
    lowest-scoring entries while that exceeds the budget: the packer's per-line counts and its allowance for
    headers are estimates (a section title appears only when its kind does), the budget is a promise.
    ``lines``: the rendered lines ``pack`` kept (the same dict), so the prompt is not rendered twice."""
    kept = lines if lines is not None else {}

    def line(item: MemoryItem, compact: bool) -> str:
        got = kept.get((item.id, compact))
        return got[1] if got is not None and got[0] is item else prompt_line(item, compact=compact)

    entries = list(recall.entries)
    while True:
        trial = recall.model_copy(update={"entries": entries})
        size = count_tokens(trial.to_prompt(line=line)) if entries else 0
        if size <= recall.budget_tokens or not entries:
            return trial.model_copy(update={"used_tokens": size,
                                            "dropped": recall.dropped + len(recall.entries) - len(entries)})
        over = size - recall.budget_tokens
        for entry in sorted(entries, key=lambda e: e.score):  # the weakest lines that cover the excess
            entries.remove(entry)
            over -= entry.tokens
            if over <= 0:
                break


def measure_overhead() -> int:
    """Tokens of the fixed parts of a rendered recall (used to check PROMPT_OVERHEAD_TOKENS in tests)."""
    empty = Recall(user_id="u", query="q", budget_tokens=0)
    return count_tokens(empty.to_prompt())
