"""Standing instructions as first-class memories: parse on write, key them so updates supersede.

The subject key decides what an instruction replaces (see :class:`memagent.graph.decide.RuleDecider`):

- ``instr:<Domain>:<SLOTS>[|<conditions>]`` -- one value at a time: a newer instruction on the same domain,
  action slot(s) and condition supersedes the older one ("my preferred cuisine is Thai" -> "... Italian");
- ``instr+:<Domain>:<SLOTS>:<values>`` -- additive ("I also like Italian"), or a slot the parser is unsure of:
  coexists with the others (a wrong replacement would lose an instruction; a missed one only shows both);
- ``instr:link:<Domains>`` -- "when I look at Travel, also check Hotels";
- ``instr+:<Domain>:<words>`` -- nothing parsed to key on: kept beside the others (exact repeats merge).

Removing an instruction is ``memory.forget(user_id, item_id)`` (or ``query=...``), like any memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from memagent._lexical import content_words
from memagent._text import check_text, check_user_id
from memagent.errors import InvalidInputError
from memagent.graph.candidates import Candidate
from memagent.instructions.parse import InstructionParser, ParsedInstruction
from memagent.types import Event, EventKind, MemoryItem, MemoryKind, WriteResult, as_utc, utcnow

if TYPE_CHECKING:
    from memagent.memory import Memory

__all__ = ["StoredInstruction", "add_instruction", "instruction_candidate", "stored_instructions", "subject_key"]

_PREFIX = "Standing instruction: "
_shared_parser = InstructionParser()


def subject_key(p: ParsedInstruction) -> str:
    """The key under which ``p`` supersedes, merges with, or coexists with the user's other instructions."""
    domain = p.primary_domain or "general"
    if p.is_link:
        return f"instr:link:{'+'.join(sorted(p.domains))}"
    slots = sorted({a.group for a in p.actions if a.group})
    if not slots:
        words = "_".join(content_words(p.text)[:6])
        return f"instr+:{domain}:{words}"
    slot_key = "+".join(slots)
    if p.additive or any(a.sure_group is None for a in p.actions):  # unsure what it sets: never replace
        values = "+".join(sorted({a.norm for a in p.actions}))
        return f"instr+:{domain}:{slot_key}:{values}"
    conditions = ",".join(sorted(f"{c.group or '?'}={c.norm}" for c in p.conditions))
    return f"instr:{domain}:{slot_key}" + (f"|{conditions}" if conditions else "")


def instruction_candidate(text: str, *, parser: InstructionParser | None = None, evidence: str = "",
                          display: str | None = None) -> Candidate:
    """A ``Candidate`` for ``text`` carrying its parsed structure in ``metadata["instruction"]``.

    ``display`` is the stored text (default: ``text``); the heuristic extractor passes its own wording.
    """
    parsed = (parser or _shared_parser).parse(text)
    value = " | ".join(a.norm for a in parsed.actions) or " ".join(content_words(text)[:8])
    return Candidate(
        kind=MemoryKind.INSTRUCTION, text=display or text, subject=subject_key(parsed), value=value,
        domain=parsed.coarse_domain or next(iter(parsed.topics), None), importance=0.9, evidence=evidence or text, metadata=parsed.to_metadata(),
    )


def add_instruction(memory: Memory, user_id: str, text: str, *, timestamp: datetime | None = None,
                    session_id: str | None = None, parser: InstructionParser | None = None) -> WriteResult:
    """Parse ``text`` and store it as a standing instruction of ``user_id`` (what ``Memory.add_instruction`` does).

    Raises:
        InvalidInputError: empty, oversized or invalid text; a bad user id; text the memory's
            ``instruction_policy`` refuses (``error.reason`` says why; nothing is written).
        StoreError: the database failed (nothing is written).
    """
    uid = check_user_id(user_id)
    body = check_text(text, field="text").strip()
    event = Event(user_id=uid, kind=EventKind.INSTRUCTION, text=body,
                  timestamp=as_utc(timestamp) if timestamp else utcnow(), session_id=session_id)
    verdict = memory.instruction_policy.review(body, event)
    if not verdict.allowed:
        msg = f"not stored as a standing instruction: {verdict.reason}"
        raise InvalidInputError(msg, field="text", reason=verdict.reason)
    return memory.write(event, [instruction_candidate(body, parser=parser)])


@dataclass
class StoredInstruction:
    """A current instruction of a user with its parsed structure."""

    item: MemoryItem
    parsed: ParsedInstruction

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def text(self) -> str:
        return self.item.text


def stored_instructions(memory: Memory, user_id: str, *, parser: InstructionParser | None = None,
                        include_inactive: bool = False) -> list[StoredInstruction]:
    """The user's instructions (current ones unless ``include_inactive``), oldest first, parsed.

    Items written without parsed structure (by the LLM write planner, or an older version) are parsed now.

    Raises:
        NotFoundError: unknown user.
    """
    out = []
    for item in memory.items(user_id, kinds=[MemoryKind.INSTRUCTION], include_inactive=include_inactive):
        body = item.text.removeprefix(_PREFIX)
        parsed = ParsedInstruction.from_metadata(body, item.metadata) or (parser or _shared_parser).parse(body)
        out.append(StoredInstruction(item, parsed))
    return out
