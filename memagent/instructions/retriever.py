"""Select a user's standing instructions that apply to a request, with the reason for each.

    retriever = InstructionRetriever(memory, strategy="multipass")
    sel = retriever.select("u1", "Find me a flight to Boston")
    sel.texts(); sel.overridden  # applicable instructions; conflict losers and why they lost

Strategies, behind one interface:

- ``dense``: cosine similarity of the request and each instruction (the memory's embedder) above a threshold;
- ``bm25``: BM25 score above a threshold;
- ``hybrid``: weighted dense + BM25 + domain agreement (parsed request vs parsed instruction);
- ``llm``: one structured call to a chat model that reads every instruction (needs ``llm``);
- ``multipass``: offline reasoning over parsed structure (see :mod:`memagent.instructions.multipass`).

The similarity strategies read each item once and follow no chains; ``multipass`` and ``llm`` also report
the conflict losers. Every strategy considers current instructions only: superseded ones are reported as
losers when their domain is in play.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from memagent._lexical import content_words
from memagent._text import check_text
from memagent.errors import ConfigError, LLMOutputError
from memagent.instructions.multipass import multipass
from memagent.instructions.parse import InstructionParser, ParsedRequest
from memagent.instructions.store import StoredInstruction, stored_instructions
from memagent.llm.base import ChatModel
from memagent.prompts import instructions as prompt
from memagent.types import MemoryItem, prompt_line

if TYPE_CHECKING:
    from memagent.memory import Memory

__all__ = ["InstructionRetriever", "Overridden", "RetrieverConfig", "STRATEGIES", "SelectedInstruction", "Selection",
           "Strategy"]

Strategy = Literal["dense", "bm25", "hybrid", "llm", "multipass"]
STRATEGIES: tuple[str, ...] = get_args(Strategy)


@dataclass(frozen=True)
class RetrieverConfig:
    """Thresholds of the similarity strategies (tuned on episodes built from the NLSI train file with the
    default local embedder; see ``benchmarks/nlsi``) and limits of the others."""

    dense_threshold: float = 0.36
    bm25_threshold: float = 0.67
    hybrid_threshold: float = 0.33
    w_dense: float = 0.5
    w_bm25: float = 0.2
    w_domain: float = 0.3
    top_k: int = 10
    max_passes: int = 4


class SelectedInstruction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: MemoryItem
    score: float
    via: Literal["direct", "hop", "domain", "similarity", "llm"] = "direct"
    reason: str = ""

    @property
    def text(self) -> str:
        return self.item.text


class Overridden(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: MemoryItem
    reason: str
    winner_id: str | None = Field(default=None, description="the instruction that won; None when the request did")


class Selection(BaseModel):
    """The instructions that apply to one request; an empty selection is a valid answer."""

    model_config = ConfigDict(extra="forbid")

    user_id: str
    request: str
    strategy: str
    request_domains: list[str] = Field(default_factory=list)
    selected: list[SelectedInstruction] = Field(default_factory=list)
    overridden: list[Overridden] = Field(default_factory=list)

    def __len__(self) -> int:
        return len(self.selected)

    def ids(self) -> list[str]:
        return [s.item.id for s in self.selected]

    def texts(self) -> list[str]:
        return [s.item.text for s in self.selected]

    def to_prompt(self) -> str:
        """The applicable instructions as a fenced block for an LLM prompt: the user's preferences, each with
        who said it and when, rendered like recalled memories (one inert line each, see
        :func:`memagent.types.prompt_line`), so no instruction can close the block or pose as the system."""
        if not self.selected:
            return "<standing_instructions>\n(none apply)\n</standing_instructions>"
        lines = ["The user's own standing instructions (their preferences for how to help them, not system rules):"]
        lines += [prompt_line(s.item) for s in self.selected]
        return "<standing_instructions>\n" + "\n".join(lines) + "\n</standing_instructions>"


class InstructionRetriever:
    """Selects applicable standing instructions of a user from a :class:`~memagent.Memory`.

    Args:
        memory: where the instructions live (``memory.add_instruction`` / conversation extraction).
        strategy: one of ``STRATEGIES``.
        llm: the chat model for ``strategy="llm"``.
        parser: instruction/request parser (default: the shipped trained model).
        config: thresholds and limits.

    Raises:
        ConfigError: unknown strategy, or ``"llm"`` without an ``llm``.
    """

    def __init__(self, memory: Memory, strategy: Strategy = "multipass", *, llm: ChatModel | None = None,
                 parser: InstructionParser | None = None, config: RetrieverConfig | None = None) -> None:
        if strategy not in STRATEGIES:
            msg = f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}"
            raise ConfigError(msg)
        if strategy == "llm" and llm is None:
            msg = "strategy 'llm' needs a chat model: InstructionRetriever(memory, 'llm', llm=...)"
            raise ConfigError(msg)
        self.memory = memory
        self.strategy: Strategy = strategy
        self.llm = llm
        self.parser = parser or InstructionParser()
        self.config = config or RetrieverConfig()

    def with_strategy(self, strategy: Strategy, **config: float) -> InstructionRetriever:
        """A retriever sharing this one's memory, parser and LLM, with another strategy or thresholds."""
        return InstructionRetriever(self.memory, strategy, llm=self.llm, parser=self.parser,
                                    config=replace(self.config, **config))  # type: ignore[arg-type]

    def select(self, user_id: str, request: str) -> Selection:
        """The user's instructions that apply to ``request``.

        Raises:
            NotFoundError: unknown user. InvalidInputError: empty or invalid request.
            LLMError / LLMOutputError: the ``llm`` strategy's call failed or returned unknown numbers.
        """
        uid = self.memory.require_user(user_id)
        text = check_text(request, field="request")
        instructions = stored_instructions(self.memory, uid, parser=self.parser)
        parsed = self.parser.parse_request(text)
        sel = Selection(user_id=uid, request=text, strategy=self.strategy, request_domains=parsed.domains)
        if not instructions:
            return sel
        if self.strategy == "multipass":
            self._multipass(sel, instructions, parsed)
        elif self.strategy == "llm":
            self._llm(sel, instructions)
        else:
            self._similarity(sel, uid, instructions, parsed)
        self._report_superseded(sel, uid)
        return sel

    # -- strategies -------------------------------------------------------------------------------------
    def _similarity(self, sel: Selection, uid: str, instructions: list[StoredInstruction], req: ParsedRequest) -> None:
        cfg = self.config
        scores: dict[str, float] = {}
        if self.strategy in ("dense", "hybrid"):
            dense = self._dense(uid, instructions, req.text)
        if self.strategy in ("bm25", "hybrid"):
            bm = _bm25([i.text for i in instructions], req.text)
        for n, ins in enumerate(instructions):
            if self.strategy == "dense":
                scores[ins.id] = dense[n]
            elif self.strategy == "bm25":
                scores[ins.id] = bm[n]
            else:
                agree = 1.0 if ins.parsed.primary_domain in req.domains or set(ins.parsed.condition_domains) & set(req.domains) else 0.0
                scores[ins.id] = cfg.w_dense * dense[n] + cfg.w_bm25 * bm[n] / (bm[n] + 2.0) + cfg.w_domain * agree
        threshold = {"dense": cfg.dense_threshold, "bm25": cfg.bm25_threshold, "hybrid": cfg.hybrid_threshold}[self.strategy]
        ranked = sorted((i for i in instructions if scores[i.id] >= threshold), key=lambda i: -scores[i.id])
        sel.selected = [SelectedInstruction(item=i.item, score=round(scores[i.id], 4), via="similarity",
                                            reason=f"{self.strategy} score {scores[i.id]:.2f} >= {threshold:.2f}")
                        for i in ranked[: cfg.top_k]]

    def _dense(self, uid: str, instructions: list[StoredInstruction], request: str) -> list[float]:
        qvec = self.memory.embed([request])[0]
        vecs = self.memory.index.vectors(uid, [i.id for i in instructions])
        missing = [i for i in instructions if i.id not in vecs]
        if missing:
            vecs.update(zip([i.id for i in missing], self.memory.embed([i.text for i in missing]), strict=True))
        return [float(np.dot(vecs[i.id], qvec)) for i in instructions]

    def _multipass(self, sel: Selection, instructions: list[StoredInstruction], req: ParsedRequest) -> None:
        result = multipass(instructions, req, max_passes=self.config.max_passes)
        sel.request_domains = result.active_domains
        sel.selected = [SelectedInstruction(item=p.instruction.item, score=p.score, via=p.via, reason=p.reason)  # type: ignore[arg-type]
                        for p in result.picks]
        sel.overridden = [Overridden(item=loss.instruction.item, reason=loss.reason, winner_id=loss.winner_id)
                          for loss in result.losses]

    def _llm(self, sel: Selection, instructions: list[StoredInstruction]) -> None:
        assert self.llm is not None  # checked in __init__
        listing = [(n + 1, i.text, i.item.valid_from.date().isoformat()) for n, i in enumerate(instructions)]
        reply = self.llm.structured(prompt.messages(sel.request, listing), prompt.InstructionSelectionReply)
        bad = [c.number for c in reply.applicable + reply.overridden if not 1 <= c.number <= len(instructions)]
        if bad:
            msg = f"the model chose instruction numbers {bad} but only 1..{len(instructions)} exist"
            raise LLMOutputError(msg, llm_output=reply.model_dump_json())
        chosen = list(dict.fromkeys(c.number for c in reply.applicable))
        reasons = {c.number: c.reason for c in reply.applicable}
        sel.selected = [SelectedInstruction(item=instructions[n - 1].item, score=1.0, via="llm", reason=reasons[n])
                        for n in chosen]
        sel.overridden = [Overridden(item=instructions[c.number - 1].item, reason=c.reason or "overridden")
                          for c in reply.overridden if c.number not in chosen]

    def _report_superseded(self, sel: Selection, uid: str) -> None:
        """Older instructions replaced by a selected one are conflict losers too (newest wins)."""
        chosen = {s.item.id for s in sel.selected}
        if not chosen:
            return
        reported = {o.item.id for o in sel.overridden}
        for old in stored_instructions(self.memory, uid, parser=self.parser, include_inactive=True):
            item = old.item
            if item.status == "superseded" and item.superseded_by in chosen and item.id not in reported:
                sel.overridden.append(Overridden(item=item, winner_id=item.superseded_by,
                                                 reason=f"replaced by a newer instruction on {item.valid_to.date() if item.valid_to else '?'}"))


def _bm25(texts: list[str], query: str) -> list[float]:
    """Raw BM25 scores (bm25s) of ``texts`` for ``query``; zeros when the query has no content word."""
    import bm25s

    q = content_words(query)
    if not q:
        return [0.0] * len(texts)
    model = bm25s.BM25()
    model.index([content_words(t) or ["_"] for t in texts], show_progress=False)
    return [float(s) for s in model.get_scores(q)]
