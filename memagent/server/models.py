"""Request and response bodies of the memory service (the OpenAPI schema is generated from these).

Responses are built from memagent's own types with the tenant prefix removed: a stored ``acme/u1`` is shown
to tenant ``acme`` as ``u1``, and no model here carries another tenant's id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from memagent.graph.views import Explanation
from memagent.types import AppliedOp, HistoryEntry, MemoryKind, Op, Recall, WriteResult

__all__ = [
    "AddMessages",
    "DeletedUser",
    "ErrorBody",
    "EventOut",
    "ExplanationOut",
    "Forgotten",
    "HistoryOut",
    "MemoryOut",
    "Message",
    "RecallOut",
    "UsersOut",
    "WriteOut",
]

MAX_MESSAGES = 100


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    @classmethod
    def of(cls, obj: Any) -> Self:
        """The response model of a memagent object: its fields of the same name (user ids are not among them)."""
        return cls.model_validate(obj)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant", "system"] = "user"
    content: str = Field(description="the message text (memagent rejects empty or oversized text with 422)")


class AddMessages(BaseModel):
    """One or more messages of a conversation; each becomes an event and may write memories."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"messages": [{"role": "user", "content": "I moved to Seattle last week."}], "session_id": "s1"}]})

    messages: list[Message] = Field(min_length=1, max_length=MAX_MESSAGES)
    session_id: str | None = Field(default=None, max_length=256)
    timestamp: datetime | None = Field(default=None, description="when the messages were said (default: now)")


class OpOut(_Out):
    op: Op
    memory_id: str | None = Field(default=None, description="the memory created or touched")
    target_id: str | None = Field(default=None, description="the memory replaced or removed")
    kind: MemoryKind | None = None
    text: str | None = None
    reason: str = ""

    @classmethod
    def of(cls, op: AppliedOp) -> OpOut:
        return cls(op=op.op, memory_id=op.item_id, target_id=op.target_id, kind=op.kind, text=op.text, reason=op.reason)


class WriteOut(_Out):
    event_ids: list[str]
    ops: list[OpOut]

    @classmethod
    def of(cls, results: list[WriteResult]) -> WriteOut:
        return cls(event_ids=[r.event.id for r in results], ops=[OpOut.of(o) for r in results for o in r.ops])


class MemoryOut(_Out):
    id: str
    kind: MemoryKind
    text: str
    subject: str | None = None
    value: str | None = None
    domain: str | None = None
    status: str
    importance: float
    confidence: float
    evidence_count: int
    created_at: datetime
    valid_from: datetime
    valid_to: datetime | None = None
    superseded_by: str | None = None
    source_event_ids: list[str]


class EventOut(_Out):
    id: str
    kind: str
    role: str
    text: str
    timestamp: datetime
    session_id: str | None = None


class RecallEntryOut(_Out):
    memory: MemoryOut
    score: float
    tokens: int
    components: dict[str, float] = Field(description="dense, bm25, recency, importance, ... behind the score")
    via: str
    compact: bool


class RecallOut(_Out):
    user_id: str
    query: str
    budget_tokens: int
    used_tokens: int
    dropped: int
    prompt: str = Field(description="the entries rendered for an LLM prompt, fenced as data")
    entries: list[RecallEntryOut]

    @classmethod
    def of(cls, recall: Recall, user_id: str) -> RecallOut:
        entries = [RecallEntryOut(memory=MemoryOut.of(e.item), score=e.score, tokens=e.tokens,
                                  components=e.components, via=e.via, compact=e.compact) for e in recall.entries]
        return cls(user_id=user_id, query=recall.query, budget_tokens=recall.budget_tokens,
                   used_tokens=recall.used_tokens, dropped=recall.dropped, prompt=recall.to_prompt(), entries=entries)


class HistoryOut(_Out):
    id: int
    op: Op
    memory_id: str | None
    event_id: str | None
    at: datetime
    text: str | None = Field(description="None once the memory was forgotten")
    detail: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, entry: HistoryEntry) -> HistoryOut:
        return cls(id=entry.id, op=entry.op, memory_id=entry.item_id, event_id=entry.event_id, at=entry.at,
                   text=entry.text, detail=entry.detail)


class ExplanationOut(_Out):
    memory: MemoryOut
    events: list[EventOut] = Field(description="the events the memory was derived from")
    supersedes: list[MemoryOut] = Field(description="older versions it replaced, newest first")
    superseded_by: MemoryOut | None = None
    history: list[HistoryOut]

    @classmethod
    def of(cls, why: Explanation) -> ExplanationOut:
        return cls(memory=MemoryOut.of(why.item), events=[EventOut.of(e) for e in why.events],
                   supersedes=[MemoryOut.of(i) for i in why.supersedes],
                   superseded_by=MemoryOut.of(why.superseded_by) if why.superseded_by else None,
                   history=[HistoryOut.of(h) for h in why.history])


class Forgotten(_Out):
    forgotten: list[str] = Field(description="ids of the memories removed (older versions included)")


class DeletedUser(_Out):
    user_id: str
    deleted: bool = True


class UsersOut(_Out):
    users: list[str]


class ErrorDetail(_Out):
    code: str = Field(description="stable error code, e.g. not_found, invalid_input, unauthorized")
    message: str


class ErrorBody(_Out):
    error: ErrorDetail
