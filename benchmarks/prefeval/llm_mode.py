"""LLM mode: answer the question with each system's context, judge the answer, and run the MCQ task.

Generation is judged with four yes/no checks (does the answer acknowledge a preference; is that preference
invented; does the answer violate the real preference; is it helpful), which give PrefEval's four error
types. An answer with none of them is correct. The MCQ task shows the four options in a seeded shuffle and
asks for ``<choice>X</choice>``; the correct option is the data's first one.

Baselines answer from their context (``build_messages``); memagent answers through ``MemoryAgent``, the loop
a product runs (see ``MemagentSystem.responder``), so its recall is made for the exact text the model is asked.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from memagent.llm.base import ChatModel

if TYPE_CHECKING:
    from benchmarks.prefeval.data import Pair
    from benchmarks.prefeval.systems import Context

__all__ = ["LLMJudge", "Responder", "Verdict", "build_messages", "context_responder", "evaluate_llm", "mcq"]

SYSTEM_PROMPT = "You are a helpful assistant."
LENGTH_HINT = " (Please respond within 300 words.)"
LETTERS = "ABCD"
_CHOICE = re.compile(r"<choice>\s*([A-D])\s*</choice>", re.I)


class Verdict(BaseModel):
    """The judge's answer to one yes/no check."""

    answer: Literal["yes", "no"]
    reason: str = ""


@dataclass
class LLMJudge:
    """The judge model (may be the same object as the model under test)."""

    model: ChatModel


_RULES = ("You are grading an AI assistant's answer to a user. Reply with a JSON object "
          '{"answer": "yes" or "no", "reason": one short sentence}.')
_CHECKS = {
    "acknowledged": (
        "Question: {question}\n\nAnswer:\n{answer}\n\nDoes the answer mention or explicitly take into account any "
        "preference, restriction or personal circumstance of the user (for example 'since you avoid ...' or "
        "'given that you prefer ...')?"
    ),
    "hallucinated": (
        "The user's real preference: {preference}\n\nAnswer:\n{answer}\n\nThe answer refers to a preference of the "
        "user. Is the preference it refers to different from the real one (invented, or about something else)?"
    ),
    "violated": (
        "The user's preference: {preference}\n\nQuestion: {question}\n\nAnswer:\n{answer}\n\nDoes the answer "
        "recommend or suggest anything that goes against the user's preference?"
    ),
    "helpful": (
        "Question: {question}\n\nAnswer:\n{answer}\n\nDoes the answer make a genuine attempt to help with the "
        "question, with relevant suggestions, rather than refusing, deflecting or only asking questions back?"
    ),
}


def build_messages(ctx: Context, question: str) -> list[dict[str, str]]:
    """The conversation the model under test sees: memory as system context, the chat tail, the question."""
    system = SYSTEM_PROMPT + (f"\n\n{ctx.text}" if ctx.text else "")
    return [{"role": "system", "content": system}, *ctx.chat, {"role": "user", "content": question}]


def _check(judge: LLMJudge, name: str, **fields: str) -> bool:
    prompt = [{"role": "system", "content": _RULES}, {"role": "user", "content": _CHECKS[name].format(**fields)}]
    return judge.model.structured(prompt, Verdict).answer == "yes"


def judge_answer(judge: LLMJudge, pair: Pair, reply: str) -> dict[str, bool]:
    """The four checks and the error types they imply.

    Raises:
        LLMOutputError: the judge's verdict was not valid JSON after one repair. LLMError: the call failed.
    """
    f = {"question": pair.question, "answer": reply, "preference": pair.preference}
    ack = _check(judge, "acknowledged", **f)
    hallucinated = ack and _check(judge, "hallucinated", **f)
    violated = _check(judge, "violated", **f)
    helpful = _check(judge, "helpful", **f)
    errors = {
        "unaware_violation": violated and not ack,
        "hallucination_violation": violated and hallucinated,
        "inconsistency_violation": violated and ack and not hallucinated,
        "unhelpful": not helpful,
    }
    return {"acknowledged": ack, "hallucinated": hallucinated, "violated": violated, "helpful": helpful,
            **errors, "generation_correct": not any(errors.values())}


Responder = Callable[[str], str]


def context_responder(llm: ChatModel, ctx: Context) -> Responder:
    """Answers with ``ctx`` as the memory (baselines). Raises LLMError from the backend when called."""
    return lambda question: llm.complete(build_messages(ctx, question))


def mcq(respond: Responder, pair: Pair, *, seed: int, turns: int) -> dict[str, bool]:
    """Ask the model to pick one of the shuffled options; correct when it picks the data's first option.

    Raises: LLMError from the backend. An unreadable reply counts as wrong (``mcq_parsed`` is False).
    """
    order = list(range(len(pair.mcq_options)))
    random.Random(f"{seed}:mcq:{pair.key}:{turns}").shuffle(order)
    listed = "\n".join(f"{LETTERS[n]}. {pair.mcq_options[i]}" for n, i in enumerate(order))
    question = (f"{pair.question}\n\nChoose the one option that suits me best:\n{listed}\n\n"
                "Reply with your choice as <choice>X</choice>, where X is the letter.")
    reply = respond(question)
    found = _CHOICE.search(reply)
    picked = order[LETTERS.index(found.group(1).upper())] if found else None
    return {"mcq_parsed": found is not None, "mcq_correct": picked == 0}


def evaluate_llm(respond: Responder, judge: LLMJudge, pair: Pair, *, seed: int, turns: int) -> dict[str, Any]:
    """Generation (judged) and, when the pair has options, MCQ results for one system's responder.

    Raises: as :func:`judge_answer` and :func:`mcq`.
    """
    reply = respond(pair.question + LENGTH_HINT)
    out: dict[str, Any] = judge_answer(judge, pair, reply)
    if len(pair.mcq_options) == len(LETTERS):
        out.update(mcq(respond, pair, seed=seed, turns=turns))
    return out
