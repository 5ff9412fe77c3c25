"""What extraction produces and what the op decision consumes: candidate memories and decided ops."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from memagent.types import MemoryKind, Op

__all__ = ["Candidate", "Decision", "SINGLE_VALUED_PREFIXES"]

Action = Literal["remember", "forget", "retract"]

# Subjects that hold one value at a time: a new value supersedes the old one. Others ("likes:sushi") are
# keyed per value, so "I like sushi" and "I like pizza" coexist, while "I don't like sushi" supersedes.
SINGLE_VALUED_PREFIXES = (
    "diet",
    "home_city",
    "hometown",
    "job",
    "employer",
    "name",
    "age",
    "relationship",
    "favorite:",
    "prefer:",
    "fact:",
    "routine:",
    "setting:",
    "instr:",  # standing instructions keyed by domain + slot (+ condition); additive ones use "instr+:"
)


class Candidate(BaseModel):
    """A memory extraction proposes, before it is checked against what the user already has."""

    kind: MemoryKind
    text: str = Field(description="Self-contained statement in third person, e.g. 'User is vegetarian.'")
    subject: str | None = Field(default=None, description="Stable key of what it is about, e.g. 'diet', 'likes:sushi'")
    value: str | None = None
    domain: str | None = None
    polarity: int = Field(default=0, ge=-1, le=1)
    importance: float = Field(default=0.5, ge=0.0, le=1.0)
    action: Action = Field(
        default="remember",
        description="remember: store it; forget: the user asked to forget what this matches; "
        "retract: the user says this no longer holds",
    )
    temporary: bool = Field(default=False, description="a one-off override that must not replace the standing value")
    evidence: str = Field(default="", description="The words of the turn this came from")
    metadata: dict[str, Any] = Field(default_factory=dict, description="stored on the item (plugins: parsed "
                                     "instruction structure, CIPHER provenance, ...)")

    @property
    def single_valued(self) -> bool:
        return self.subject is not None and self.subject.startswith(SINGLE_VALUED_PREFIXES)


@dataclass
class Decision:
    """An op decided for one candidate inside its bucket of similar existing items."""

    op: Op
    candidate: Candidate | None
    target_ids: list[str] = field(default_factory=list)
    reason: str = ""
    # Memories written beside it: what a replaced memory said besides the old value ("a lively bar scene" of
    # "a lively bar scene together with vegetarian", when "vegan" replaced "vegetarian") stays current.
    kept: list[Candidate] = field(default_factory=list)
