"""Read NLSI/TAPS-style tagged instructions: ``org`` text plus a TOP-bracketed ``aug`` copy.

    org: "If you're looking for an Izakaya, check to see if the prices are moderate."
    aug: "[IN:GET_RESTAURANTS If you're looking for an [SL:CUISINE Izakaya ], check ... [SL:PRICE_RANGE moderate ]. ]"

The brackets are hand (gold) or GPT-4 (silver) tags; they are noisy: intent names are spelled several ways,
slot names sometimes carry spaces, and a span occasionally holds the slot's name instead of its value. This
module normalises names, locates every slot value in ``org`` (character offsets) and records which intents
are nested inside others (``[IN:A ... [IN:B ...]]``: a request for A also asks for B).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from memagent.errors import InvalidInputError, NotFoundError
from memagent.instructions.domains import canonical_domain

__all__ = ["Span", "TaggedInstruction", "load_tagged", "parse_tagged"]

_TOKEN = re.compile(r"\[(IN|SL):\s*([A-Za-z_]+)\s+|\[(IN|SL):\s*([A-Za-z_]+)\]|\]")


@dataclass(frozen=True)
class Span:
    """A slot value located in the instruction text: ``text[start:end] == value``."""

    slot: str
    value: str
    start: int
    end: int


@dataclass
class TaggedInstruction:
    """One tagged row: the text, its domains in tag order, nested (triggered) domains, and slot spans."""

    text: str
    domains: list[str]
    spans: list[Span] = field(default_factory=list)
    nested: list[tuple[str, str]] = field(default_factory=list)  # (outer domain, inner domain)
    unplaced: int = 0  # slot values that could not be found in ``text``

    @property
    def multi_domain(self) -> bool:
        return len(set(self.domains)) > 1


def canonical_slot(name: str) -> str:
    """``' cuisine'`` / ``'where_to'`` -> ``'CUISINE'`` / ``'WHERE_TO'``."""
    return re.sub(r"\s+", "", name).upper()


def parse_tagged(org: str, aug: str) -> TaggedInstruction:
    """Parse one row. Unknown intent names are dropped (the silver file has ``IN:G`` and ``IN:ACTION``).

    Raises:
        InvalidInputError: ``org`` is empty.
    """
    text = org.strip()
    if not text:
        msg = "tagged instruction has empty text"
        raise InvalidInputError(msg)
    stack: list[tuple[str, str, list[str]]] = []  # (kind, name, collected text parts)
    domains: list[str] = []
    nested: list[tuple[str, str]] = []
    raw_slots: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(aug):
        chunk = aug[pos:m.start()]
        for frame in stack:
            frame[2].append(chunk)
        pos = m.end()
        if m.group(0) == "]":
            if not stack:
                continue
            kind, name, parts = stack.pop()
            if kind == "SL":
                value = re.sub(r"\s+", " ", "".join(parts)).strip().strip("'\"").strip()
                value = re.sub(r"\s+([.,;!?])$", "", value).rstrip(" .")
                if value:
                    raw_slots.append((canonical_slot(name), value))
            continue
        kind, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if m.group(3):  # "[SL:NAME]" with no value
            continue
        if kind == "IN":
            domain = canonical_domain(name)
            if domain is not None:
                outer = next((n for k, n, _ in reversed(stack) if k == "IN"), None)
                outer_domain = canonical_domain(outer) if outer else None
                if outer_domain and outer_domain != domain:
                    nested.append((outer_domain, domain))
                if domain not in domains:
                    domains.append(domain)
        stack.append((kind, name, []))
    spans, unplaced = _locate(text, raw_slots)
    return TaggedInstruction(text=text, domains=domains, spans=spans, nested=nested, unplaced=unplaced)


def _locate(text: str, slots: list[tuple[str, str]]) -> tuple[list[Span], int]:
    """Find each value in ``text`` left to right; case-insensitive fallback; count the ones not found."""
    spans: list[Span] = []
    cursor, missing = 0, 0
    lower = text.lower()
    for slot, value in slots:
        at = text.find(value, cursor)
        if at < 0:
            at = lower.find(value.lower(), cursor)
        if at < 0:
            at = lower.find(value.lower())
        if at < 0:
            missing += 1
            continue
        spans.append(Span(slot, text[at:at + len(value)], at, at + len(value)))
        cursor = at + len(value)
    return spans, missing


def load_tagged(path: str | Path) -> list[TaggedInstruction]:
    """Rows of a CSV with ``org`` and ``aug`` columns, deduplicated by text; rows with no known domain skipped.

    Raises:
        NotFoundError: the file does not exist.
        InvalidInputError: the file lacks the ``org`` / ``aug`` columns.
    """
    p = Path(path)
    if not p.is_file():
        msg = f"no tagged-instruction file at {p}"
        raise NotFoundError(msg, path=str(p))
    out: list[TaggedInstruction] = []
    seen: set[str] = set()
    for org, aug in _rows(p):
        if not org.strip() or org.strip() in seen:
            continue
        tagged = parse_tagged(org, aug)
        if tagged.domains:
            seen.add(tagged.text)
            out.append(tagged)
    return out


def _rows(path: Path) -> Iterator[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"org", "aug"} <= set(reader.fieldnames):
            msg = f"{path} needs the columns 'org' and 'aug' (found {reader.fieldnames})"
            raise InvalidInputError(msg, path=str(path))
        for row in reader:
            yield row["org"] or "", row["aug"] or ""
