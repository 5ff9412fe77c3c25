"""Plan a write with one structured LLM call, then check the plan against the bucket before anything is stored."""

from __future__ import annotations

from collections.abc import Sequence

from memagent._text import check_text
from memagent.errors import InvalidInputError, LLMOutputError
from memagent.graph.candidates import Candidate, Decision
from memagent.llm.base import ChatModel
from memagent.prompts import write_plan
from memagent.types import Event, MemoryItem, Op

__all__ = ["LLMPlanner"]


class LLMPlanner:
    """Extraction and op decisions for a whole turn in a single call (plus at most one JSON repair).

    Raises (from ``plan``):
        LLMOutputError: the reply is not a valid plan: bad JSON, an id outside the bucket, or an illegal op
            (merge without exactly one target, insert with targets, supersede without text).
        LLMError: the model call failed.
    """

    def __init__(self, llm: ChatModel) -> None:
        self.llm = llm

    def plan(self, event: Event, context: Sequence[Event], bucket: Sequence[MemoryItem]) -> list[Decision]:
        plan = self.llm.structured(write_plan.messages(event, context, bucket), write_plan.WritePlan)
        allowed = {i.id for i in bucket}
        closed: dict[str, int] = {}  # ids a supersede or forget already retired in this plan -> op number
        decisions = []
        for n, p in enumerate(plan.ops):
            op = Op(p.op)
            bad = [t for t in p.target_ids if t not in allowed]
            again = [t for t in p.target_ids if t in closed]
            problem = None
            if bad:
                problem = f"unknown target ids {bad}"
            elif again:
                problem = f"target ids {again} were already superseded or forgotten by op #{closed[again[0]]}"
            elif op == Op.INSERT and p.target_ids:
                problem = "insert must not have target_ids"
            elif op == Op.MERGE and len(p.target_ids) != 1:
                problem = "merge needs exactly one target id"
            elif op in (Op.SUPERSEDE, Op.FORGET) and not p.target_ids:
                problem = f"{op.value} needs target ids"
            elif op in (Op.INSERT, Op.SUPERSEDE) and (p.kind is None or not (p.text or "").strip()):
                problem = f"{op.value} needs kind and text"
            elif op == Op.SUPERSEDE and p.temporary:
                problem = "a temporary override cannot supersede"
            elif p.text is not None and op != Op.NOOP:
                try:
                    check_text(p.text, field="text", allow_empty=op == Op.FORGET)
                except InvalidInputError as exc:
                    problem = str(exc)
            if problem:
                msg = f"invalid write plan, op #{n}: {problem}"
                raise LLMOutputError(msg, llm_output=plan.model_dump_json())
            if op in (Op.SUPERSEDE, Op.FORGET):
                closed.update(dict.fromkeys(p.target_ids, n))
            if op == Op.NOOP:
                continue
            cand = None
            if p.kind is not None and p.text:
                cand = Candidate(
                    kind=p.kind, text=p.text.strip(), subject=p.subject, value=p.value, domain=p.domain,
                    polarity=p.polarity, importance=p.importance, temporary=p.temporary, evidence=event.text[:500],
                    action="forget" if op == Op.FORGET else "remember",
                )
            decisions.append(Decision(op, cand, list(p.target_ids), reason="llm plan"))
        return decisions
