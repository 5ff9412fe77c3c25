"""The options an assistant turn offered, and which of them the user's reply picked."""

from __future__ import annotations

import re

from memagent._lexical import content_words

__all__ = ["listed_options", "marked_options", "picked_option"]

_ORDINALS = {"1": 1, "one": 1, "first": 1, "2": 2, "two": 2, "second": 2, "3": 3, "three": 3, "third": 3, "4": 4,
             "four": 4, "fourth": 4, "5": 5, "five": 5, "fifth": 5, "last": -1}
_ORDINAL = re.compile(r"\b(?:option|number|choice|no\.)\s*#?([1-5]|one|two|three|four|five)\b|"
                      r"\bthe\s+(first|second|third|fourth|fifth|last)\s+(?:one|option|choice|suggestion)\b", re.I)


_PREAMBLE = re.compile(r"^.*?\b(?:could\s+(?:also\s+)?(?:consider|try|choose)|might\s+(?:consider|try|enjoy)|could|might|"
                       r"consider|such\s+as|include|includes|including|between|:)\s+", re.I)


def marked_options(offered: str) -> list[str]:
    """The items of an enumerated ("1. A 2. B") or bulleted list in an assistant turn; empty when it has none."""
    marks = list(re.finditer(r"(?:^|\s)\d+[.)]\s+|(?:^|\n)\s*[-*•]\s+", offered))
    if len(marks) < 2:
        return []
    ends = [b.start() for b in marks[1:]] + [len(offered)]
    # An item ends at a blank line: the last one is otherwise followed by the rest of the reply.
    items = [re.split(r"\n\s*\n", offered[a.end() : end], maxsplit=1)[0] for a, end in zip(marks, ends, strict=False)]
    return [o.strip(" .\n") for o in items if o.strip(" .\n")]


def listed_options(offered: str) -> list[str]:
    """The options an assistant turn offered: the items of an enumerated or bulleted list, else of the prose
    list in one sentence ("you could try A, B, C, or D")."""
    marked = marked_options(offered)
    if marked:
        return marked
    trailing = list(re.finditer(r"\s*\(\d\)", offered))  # "... on the water (1), go fishing (2), or ..."
    if len(trailing) >= 2:
        starts = [0] + [t.end() for t in trailing[:-1]]
        items = [re.sub(r"^[\s,.;]*(?:or\s+|and\s+)?(?:alternatively,?\s+)?(?:you\s+(?:could|might|can)\s+(?:also\s+)?)?",
                        "", offered[a : t.start()], flags=re.I) for a, t in zip(starts, trailing, strict=True)]
        items[0] = _PREAMBLE.sub("", items[0], count=1)
        return [o.strip(" .") for o in items if o.strip(" .")]
    best: list[str] = []
    # "A, B, C, or D" first; "including A, B, C, and D" when no sentence offers alternatives with "or".
    sentences = re.split(r"(?<=[.!?])\s+", offered)
    joiner = r"\bor\b" if any(re.search(r"\bor\b", x) for x in sentences) else r",.*\band\b"
    for sent in sentences:
        if not re.search(joiner, sent):
            continue
        parts = re.split(r",\s*(?:or\s+|and\s+)?|\s+or\s+", _PREAMBLE.sub("", sent, count=1))
        parts = [re.sub(r"\s*\(\d+\)\s*$", "", p).strip(" .") for p in parts]
        parts = [p for p in parts if len(content_words(p)) >= 1]
        if len(parts) > len(best):
            best = parts
    return best if len(best) >= 2 else []


def picked_option(said: str, trigger: re.Match[str], offered: str) -> str | None:
    """The option in the assistant's list the user picked: by number ("option 3") or by the words the
    sentence shares with it (the trigger words, e.g. "sounds good", left out)."""
    options = listed_options(offered)
    if len(options) < 2:
        return None
    by_number = _ORDINAL.search(said)
    if by_number:
        n = _ORDINALS[(by_number.group(1) or by_number.group(2)).lower()]
        if n == -1 or n <= len(options):
            return options[n - 1 if n > 0 else -1]
    target = set(content_words(f"{said[: trigger.start()]} {said[trigger.end():]}"))
    if not target:
        return None
    best = max(options, key=lambda o: len(target & set(content_words(o))))
    # One shared word ("that sounds great for the kids") is chance; a pick names the option.
    return best if len(target & set(content_words(best))) >= min(2, len(target)) else None
