"""What the assistant's turn asked the user for, so a reply can be read against it: its last question, whether that
question asks for a value the user could prefer ("Which cuisine?") or only offers more ("Would you like more
details?"), the slots it names ("the seat or the amenity?"), and the proposal a "yes" accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from memagent._lexical import content_words
from memagent.graph.candidates import Candidate
from memagent.types import MemoryKind

__all__ = ["OFFER", "PROPOSAL", "asked_slots", "asks_value", "name_slots", "question"]

# The assistant asked for something: a question, or "tell me / let me know ... you prefer".
_ASKED = re.compile(r"\?\s*$|\b(?:tell\s+me|let\s+me\s+know|any\s+preferences?)\b[^.!?]*[.!]?\s*$", re.I)
# Questions that ask for nothing the user could prefer: an offer of more ("Would you like more details on these?",
# "tell me if you want more detail"), a question about the user's past ("Have you tried ...?"), "anything else?".
# A reply to one is no value: "Not yet, thankfully", "Yes, that would be helpful".
_NO_VALUE_ASKED = re.compile(
    r"^(?:(?:and|so|also|or)\s+)?(?:(?:have|has|had|did)\s+you\b|(?:would|do)\s+you\s+(?:like|want)\s+(?:me\s+to|"
    r"(?:some\s+|any\s+|a\s+few\s+|more\s+)?(?:more|further|additional|information|info|details?|tips?|ideas?|help|"
    r"suggestions?|recommendations?|advice|examples?|guidance|resources|to\s+(?:know|hear|learn|explore|discuss|see)))|"
    r"shall\s+i\s+(?:provide|give|share|send|explain|tell|go\s+over)|(?:is\s+there\s+)?anything\s+else)\b|"
    r"\b(?:tell\s+me|let\s+me\s+know)\s+if\s+(?:you\s+)?(?:want|need|would\s+like|'d\s+like|have)\s+"
    r"(?:more|me\s+to|any|further|other|questions|help)", re.I)
# The assistant's proposal a "yes" accepts: "Would quiet tables work for you?", "Shall I book the 7:30 one?".
PROPOSAL = re.compile(r"(?:how\s+about|shall\s+i\s+(?:go\s+with|use|book)|should\s+i\s+(?:use|book|"
                      r"go\s+with)|do\s+you\s+want|i\s+could\s+(?:go\s+with|use|book)|would)\s+(.+?)"
                      r"(?:\s+work(?:\s+for\s+you)?|,?\s+(?:again|as\s+usual|like\s+(?:last\s+time|before)))?\s*\?", re.I)
# The assistant's recommendation the user can accept: "Here is a quiet Ethiopian place with vegetarian dishes."
OFFER = re.compile(r"(?:^|(?<=[.!?]\s))(?:here\s+(?:is|are)|i\s+found|i(?:\s+would|'d)?\s+(?:recommend|suggest))\s+"
                   r"([^.!?]+)", re.I)
# The assistant's slot question: "Any preference for the seat or the amenity?", "Which sound should I use?".
_SLOT_QUESTIONS = [re.compile(p, re.I) for p in (
    r"\bpreferences?\s+(?:for|on|about)\s+(?:the\s+|your\s+)?([a-z][a-z -]{1,30}?)(?:\s+or\s+(?:the\s+)?([a-z][a-z -]{1,30}?))?\?",
    r"\btell\s+me\s+(?:the\s+|your\s+)([a-z][a-z -]{1,30}?)(?:\s+and\s+(?:the\s+)?([a-z][a-z -]{1,30}?))?\s+you\b",
    r"\b(?:what|which)\s+(?:kind\s+of\s+|type\s+of\s+|sort\s+of\s+)?(?!of\b)([a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)\s+"
    r"(?:and\s+(?:what|which)\s+([a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)\s+)?(?:do|would|should|did|shall|will|are|is)\b",
    r"\b(?:a|any|the)\s+([a-z][a-z -]{1,30}?)\s+in\s+mind\?", r"\bwhat\s+about\s+(?:the\s+)?([a-z][a-z -]{1,30}?)\?",
)]


def _asked(text: str) -> Iterator[str]:
    """The assistant turn's questions and requests for details, last first."""
    return (s for s in reversed(re.split(r"(?<=[.!?])\s+", text.strip())) if _ASKED.search(s))


def question(text: str) -> str:
    """The assistant turn's last question or request for details ("Tell me the cuisine you prefer."), or ""."""
    return next(_asked(text), "")


def asks_value(text: str) -> bool:
    """The assistant turn's last question asks for something the user could prefer (a time, a cuisine, one of its
    options), not whether the user wants more or has done something before."""
    last = question(text)
    return bool(last) and not _NO_VALUE_ASKED.search(last)


def asked_slots(text: str) -> list[str]:
    """The slots of the assistant turn's last question that names any ("Any preference for the car size? ...
    Here are three options. Which one?" -> ["car size"])."""
    return next((nouns for sentence in _asked(text) if (nouns := _slot_nouns(sentence))), [])


def _slot_nouns(question: str) -> list[str]:
    """Slots the assistant asked about in its last question, in order ("time", "sound")."""
    for pattern in _SLOT_QUESTIONS:
        m = pattern.search(question)
        if m:
            nouns = [g.strip() for g in m.groups() if g and g.strip()]
            return [n for n in nouns if content_words(n) and n.lower() not in ("you", "do", "one", "else", "time is it", "way")]
    return []


def name_slots(cands: list[Candidate], nouns: list[str]) -> list[Candidate]:
    """Give the values of a reply the slots the assistant asked about, in order ("the seat or the amenity?" ->
    "a window seat. USB charging."); one asked slot goes to the first value only."""
    open_ = [i for i, c in enumerate(cands) if c.kind == MemoryKind.PREFERENCE and c.action == "remember"
             and not c.temporary and "slot" not in c.metadata and not c.metadata.get("replaces_slot")]
    # A slot the user named ("For the payment method, my card") is answered: the rest go to the other values.
    named = {str(c.metadata.get("slot", "")).lower() for c in cands}
    nouns = [n for n in nouns if n.lower() not in named]
    if not nouns or not open_ or (len(nouns) > 1 and len(nouns) != len(open_)):
        return cands
    out = list(cands)
    for i, noun in zip(open_, nouns, strict=False):
        c = out[i]
        label = re.match(r"^([A-Z][\w ]*?) preference: ", c.text) if (c.subject or "").startswith("want:") else None
        text = f"{label.group(1)} {noun}: {c.text[label.end():]}" if label else c.text
        out[i] = c.model_copy(update={"text": text, "metadata": {**c.metadata, "slot": noun}})
    return out
