"""Simulated users: the offline one (deterministic, edits toward its latent preference) and the LLM one.

The offline user knows what each phrase of its own latent preference means in terms of writing skills
(``USER_SEMANTICS``: the user's reading of the 9 PRELUDE preferences, phrase by phrase). Given the agent's
draft, it writes the version it wants, the same content with its style (``style.render``), accepts the draft
when it is already that version (cost 0), and otherwise returns its version as the edit. The agent never sees
this table: it gets only the prompt text, and interprets preference phrases on its own (``interpret.py``).

The LLM user follows PRELUDE: a yes/no resolution question, then a revision prompt, both verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from benchmarks.prelude.documents import LATENT_PREFERENCES, Document
from benchmarks.prelude.style import Attr, render
from memagent.errors import ConfigError
from memagent.llm.base import ChatModel
from memagent.preferences.aggregate import split_phrases
from memagent.prompts import cipher as prompts

__all__ = ["Feedback", "LLMUser", "OfflineUser", "USER_SEMANTICS", "User"]

A = Attr
# What the simulated user means by each phrase of its latent preference (the hidden ground truth).
USER_SEMANTICS: dict[str, frozenset[Attr]] = {
    "style targeted to young children": frozenset({A.KIDS, A.SIMPLE}),
    "storytelling": frozenset({A.STORY}),
    "short sentences": frozenset({A.SHORT_SENTENCES}),
    "playful language": frozenset({A.PLAYFUL}),
    "interactive": frozenset({A.INTERACTIVE}),
    "positive": frozenset({A.POSITIVE}),
    "second person narrative": frozenset({A.SECOND_PERSON}),
    "brief": frozenset({A.BRIEF}),
    "show emotions": frozenset({A.EMOTION}),
    "invoke personal reflection": frozenset({A.REFLECT}),
    "immersive": frozenset({A.IMMERSIVE}),
    "bullet points": frozenset({A.BULLETS}),
    "parallel structure": frozenset({A.PARALLEL}),
    "tweet style": frozenset({A.TWEET}),
    "simple English": frozenset({A.SIMPLE}),
    "inquisitive": frozenset({A.INQUISITIVE}),
    "skillful foreshadowing": frozenset({A.FORESHADOW}),
    "with emojis": frozenset({A.EMOJI}),
    "question answering style": frozenset({A.QA}),
    "informal": frozenset({A.INFORMAL, A.GREETING_CASUAL}),
    "conversational": frozenset({A.CONVERSATIONAL}),
    "no closing": frozenset({A.CLOSING_NONE}),
    "structured": frozenset({A.NUMBERED}),
    "straight to the points": frozenset({A.BRIEF}),
    "respectful": frozenset({A.RESPECTFUL}),
    "professional greeting and closing": frozenset({A.GREETING_FORMAL, A.CLOSING_FORMAL}),
    "casual tone": frozenset({A.INFORMAL, A.GREETING_CASUAL}),
    "clear": frozenset({A.SHORT_SENTENCES}),
    "call to action": frozenset({A.CALL_TO_ACTION}),
    "engaging": frozenset({A.ENGAGING}),
    "personalized": frozenset({A.PERSONALIZED, A.GREETING_PERSONAL}),
    "professional tone": frozenset({A.PROFESSIONAL}),
    "thankful closing": frozenset({A.CLOSING_THANKS}),
}


@dataclass(frozen=True)
class Feedback:
    accepted: bool
    edited: str  # equals the draft when accepted


class User(Protocol):
    def respond(self, task: str, doc: Document, draft: str) -> Feedback: ...


def user_attrs(task: str, source: str) -> frozenset[Attr]:
    """The attributes the simulated user of ``source`` wants. Raises ConfigError for an unknown source."""
    try:
        latent = LATENT_PREFERENCES[task][source]
    except KeyError:
        msg = f"no latent preference for source {source!r} of task {task!r}"
        raise ConfigError(msg) from None
    return frozenset().union(*(USER_SEMANTICS[p] for p in split_phrases(latent)))


class OfflineUser:
    """Deterministic: the edit is the user's own rendering of the document; accepted when the draft equals it."""

    def respond(self, task: str, doc: Document, draft: str) -> Feedback:
        wanted = render(task, doc.text, user_attrs(task, doc.source))
        return Feedback(accepted=draft.strip() == wanted.strip(), edited=wanted)


class LLMUser:
    """PRELUDE's GPT-4 user: asks the model whether the draft fits the latent preference, then for a revision.

    Raises (from ``respond``): LLMError / LLMOutputError when the model fails.
    """

    def __init__(self, llm: ChatModel) -> None:
        self.llm = llm

    def respond(self, task: str, doc: Document, draft: str) -> Feedback:
        latent = LATENT_PREFERENCES[task][doc.source]
        verdict = self.llm.complete(prompts.user_resolution_prompt(task, doc.text, draft, latent))
        if "yes" in verdict.lower():
            return Feedback(accepted=True, edited=draft)
        edited = self.llm.complete(prompts.user_edit_prompt(task, draft, latent)).strip()
        return Feedback(accepted=False, edited=edited or draft)
