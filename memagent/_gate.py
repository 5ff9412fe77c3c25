"""Skip a regular expression on text that lacks a word every match of it contains.

The extraction rules are dozens of case-insensitive patterns tried on every clause, in order, until one matches;
most clauses match none of them, and each failed search still costs a few microseconds (it is tried at every
position). :func:`gated` reads, once, the literal strings a pattern cannot match without (``r"\\bi\\s+(?:love|
adore)\\s+(\\w+)"`` needs "love" or "adore"); a search of text holding none of them is answered "no match" without
running the pattern. The answer is always the pattern's own: the gate only says no where the pattern must.

Only ASCII text is gated: there, a case-insensitive literal matches exactly what the lowercased literal matches
in the lowercased text. (Elsewhere Unicode case rules differ: "\\u017f" matches "s" under ``re.I``.) Literals
with other characters are not used, and a pattern whose parse is not understood gets no gate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as C  # noqa: N812 (the parser's opcode names, as the re module calls them)
from re import _parser
from typing import Any

__all__ = ["GatedPattern", "gated", "required_literals"]

_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}
_MAX_CLAUSES = 3  # the most selective requirements kept per pattern: each costs a few substring tests


def _clauses(seq: Any) -> list[frozenset[str]] | None:
    """Requirements of a parsed sequence: each clause is a set of lowercase strings one of which every match
    contains. None: the parse holds something this does not read (no gate then)."""
    out: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            text = "".join(run)
            if text.isascii():
                out.append(frozenset({text.lower()}))
            run.clear()

    for op, av in seq:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is C.SUBPATTERN:
            inner = _clauses(av[-1])
            if inner is None:
                return None
            out += inner
        elif op in _REPEATS:
            low, _high, body = av
            if low >= 1:
                inner = _clauses(body)
                if inner is None:
                    return None
                out += inner
        elif op is getattr(C, "ATOMIC_GROUP", None):
            inner = _clauses(av)
            if inner is None:
                return None
            out += inner
        elif op is C.BRANCH:
            options: set[str] = set()
            for alternative in av[1]:
                inner = _clauses(alternative)
                if inner is None:
                    return None
                best = _most_selective(inner, 1)
                if not best:  # an alternative that needs nothing: the branch needs nothing
                    options = set()
                    break
                options |= best[0]
            if options:
                out.append(frozenset(options))
        # Anything else (anchors, classes, any character, lookarounds, back references) requires no literal here;
        # ignoring it only makes the gate let more text through.
    flush()
    return out


def _most_selective(clauses: list[frozenset[str]], n: int) -> list[frozenset[str]]:
    """The ``n`` clauses whose shortest string is longest (rarest in text), fewest strings first on a tie."""
    return sorted(set(clauses), key=lambda c: (-min(map(len, c)), len(c), sorted(c)))[:n]


def required_literals(pattern: re.Pattern[str]) -> list[frozenset[str]]:
    """Up to three clauses, each a set of lowercase strings one of which every match of ``pattern`` contains
    (case-insensitively); empty when none was found (or the pattern could not be read)."""
    try:
        clauses = _clauses(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 (an unreadable parse only loses the shortcut, never changes an answer)
        return []
    return _most_selective(clauses or [], _MAX_CLAUSES)


# The last text gated and its lowercase form (None: not ASCII). A clause is tried against dozens of rules in turn:
# it is lowered once. One tuple, replaced whole, so threads never see one text with another's form.
_last: tuple[str | None, str | None] = (None, None)


class GatedPattern:
    """A compiled pattern whose ``search``, ``match``, ``fullmatch`` and ``finditer`` answer "no match" at once on
    ASCII text lacking a required literal; everything else is the pattern's."""

    __slots__ = ("_clauses", "_pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._pattern = pattern
        # a lone string is tested with ``in``; several with one search of their alternation (one call, not a loop)
        self._clauses: list[str | re.Pattern[str]] = [
            next(iter(c)) if len(c) == 1 else re.compile("|".join(re.escape(x) for x in sorted(c)))
            for c in required_literals(pattern)]

    def _excluded(self, text: str) -> bool:
        global _last
        if not self._clauses:
            return False
        last = _last
        if last[0] is text:
            low = last[1]
        else:
            low = text.lower() if text.isascii() else None
            _last = (text, low)
        if low is None:
            return False
        for clause in self._clauses:
            if (clause not in low) if isinstance(clause, str) else (clause.search(low) is None):
                return True
        return False

    def search(self, text: str) -> re.Match[str] | None:
        # _excluded inlined: this runs dozens of times per clause
        global _last
        clauses = self._clauses
        if clauses:
            last = _last
            if last[0] is text:
                low = last[1]
            else:
                low = text.lower() if text.isascii() else None
                _last = (text, low)
            if low is not None:
                for clause in clauses:
                    if (clause not in low) if clause.__class__ is str else (clause.search(low) is None):
                        return None
        return self._pattern.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return None if self._excluded(text) else self._pattern.match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return None if self._excluded(text) else self._pattern.fullmatch(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return iter(()) if self._excluded(text) else self._pattern.finditer(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def __repr__(self) -> str:
        return f"gated({self._pattern!r})"


def gated(pattern: re.Pattern[str]) -> GatedPattern:
    return GatedPattern(pattern)
