"""What may become a standing instruction.

A standing instruction is the strongest thing memory holds: it is recalled first and the model is asked to
follow it. So only a user's own request about how to help *them* qualifies. :class:`DefaultInstructionPolicy`
refuses, with a reason:

- words that are not the user's: assistant or system turns, imported documents, edits, events whose
  ``metadata["source"]`` names a tool, a retrieval or a document;
- text pasted into a user turn: an e-mail (headers, quoted replies), code, a log or tool output;
- text that tries to steer the model rather than state a preference: override or ignore its instructions,
  reveal its prompt, change its role or lift its rules (in several languages; see
  :func:`memagent.prompts.sanitize.looks_like_override`), or carries an encoded payload;
- text carrying prompt markup: a fence tag, a role marker such as ``SYSTEM:``, a chat-template token.

What happens to refused text: a refused instruction is **not stored as a memory at all**, neither as an
instruction nor as a quoted episode (an injection kept as data would be recalled into every later prompt on
its subject). The turn itself stays in the event log, like every turn, and the write reports a ``noop`` op
whose reason names the rule; the turn's other memories (a preference said in the same message) are kept.
``Memory.add_instruction`` raises ``InvalidInputError`` instead, since its caller asked for exactly that.

A product with other rules passes its own ``InstructionPolicy`` (anything with a ``review`` method)::

    Memory.open(path, instruction_policy=MyPolicy())
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from memagent.prompts.sanitize import looks_like_override, prompt_markup
from memagent.types import Event, EventKind

__all__ = ["DefaultInstructionPolicy", "InstructionPolicy", "Verdict"]


@dataclass(frozen=True)
class Verdict:
    """A policy's answer: ``allowed``, or refused with the ``reason`` (shown in the write's op)."""

    allowed: bool
    reason: str = ""


ALLOWED = Verdict(True)


@runtime_checkable
class InstructionPolicy(Protocol):
    """Decides whether ``text``, extracted from ``event``, may be stored as a standing instruction."""

    def review(self, text: str, event: Event) -> Verdict: ...


# Sources that put words into an event that the user did not say.
NOT_THE_USER = frozenset({"tool", "tool_output", "function", "retrieval", "search", "web", "document", "file", "email",
                          "import", "assistant", "system"})

_PASTED = re.compile(
    r"^(?:from|to|cc|subject|date|sent|reply-to):\s.*\n(?:.*\n)*?^(?:from|to|cc|subject|date|sent):\s"  # mail headers
    r"|^>\s?\S.*\n(?:.*\n)*?^>"  # two quoted reply lines
    r"|^-{2,}\s*(?:original message|forwarded message|begin)|-----BEGIN [A-Z ]+-----"
    r"|^(?:observation|tool output|tool result|function result|output|stdout|stderr|traceback)\s*[:(]"
    r"|```|^\s*[{\[]\s*\"",  # code fence, a JSON document
    re.I | re.M,
)


class DefaultInstructionPolicy:
    """The rules in this module's docstring.

    Args:
        pasted_lines: a user turn with this many non-empty lines or more is taken as pasted content (a
            document, a log), not a request; a spoken instruction is a sentence or two.
    """

    def __init__(self, *, pasted_lines: int = 8) -> None:
        self.pasted_lines = pasted_lines

    def review(self, text: str, event: Event) -> Verdict:
        if event.role != "user":
            return Verdict(False, f"only the user's own words become standing instructions (this is the {event.role}'s)")
        if event.kind in (EventKind.DOCUMENT, EventKind.EDIT):
            return Verdict(False, f"text from {'a document' if event.kind == EventKind.DOCUMENT else 'an edit'} is data, "
                                  "not an instruction")
        source = event.metadata.get("source")
        if isinstance(source, str) and source.lower() in NOT_THE_USER:
            return Verdict(False, f"text from a {source} is data, not the user's instruction")
        if _PASTED.search(event.text) or sum(1 for ln in event.text.splitlines() if ln.strip()) >= self.pasted_lines:
            return Verdict(False, "the message looks like pasted content (an e-mail, code, a log or tool output)")
        for candidate in dict.fromkeys((text, event.text)):
            if looks_like_override(candidate):
                return Verdict(False, "it tries to override the assistant's instructions, reveal its prompt or change its role")
            if prompt_markup(candidate):
                return Verdict(False, "it contains prompt markup (a tag, a role marker or a chat-template token)")
        return ALLOWED
