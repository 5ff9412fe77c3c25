"""Parse a standing instruction (or a request) into domains, condition slots and action slots, offline.

    "If I'm looking for a restaurant in San Jose, I prefer Thai."
    -> domains ["Restaurants"], conditions [CITY=San Jose], actions [CUISINE=Thai]
    "If I'm looking into Travel, I should also check out Hotels."
    -> domains ["Travel", "Hotels"], condition_domains ["Travel"], linked_domains ["Hotels"]

Domains come from the trained classifier (lexicon hits + words), values from the trained token tagger,
slot names from the trained typer (see :mod:`memagent.instructions.model`); yes/no slots ("allows pets",
"serves alcohol") from a small phrase table. A value is a *condition* when it sits in the clause that says
when the instruction applies ("if ...", "when ...", "whenever ..."), else an *action*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from memagent._lexical import content_words
from memagent.graph.domains import classify_domains
from memagent.instructions.domains import COARSE_DOMAIN, PLACE_SLOTS, domain_mentions, lexicon_scores
from memagent.instructions.model import ParserModel, Token, default_model, tokenize
from memagent.instructions.values import DOMAIN_SLOTS, gazetteer_matches, is_when_or_count, value_cues

__all__ = ["InstructionParser", "ParsedInstruction", "ParsedRequest", "SlotValue", "condition_clauses", "norm_value"]

Role = Literal["condition", "action", "request"]

# Below this slot probability a value is kept but never used to supersede or override another instruction:
# in 5-fold cross-validation on the train tags it keeps 93% of correctly typed values and 43% of mistyped ones.
SLOT_CONFIDENCE = 0.6

# Yes/no slots are phrased, not named: "pets are allowed", "offers laundry service".
BOOLEAN_SLOTS: dict[str, re.Pattern[str]] = {
    "PETS_ALLOWED": re.compile(r"\b(pets?[- ]friendly|allow(?:s|ing)? pets|pets? (?:are |is )?(?:allowed|welcome))\b", re.I),
    "HAS_LAUNDRY_SERVICE": re.compile(r"\blaundry\b", re.I),
    "SERVES_ALCOHOL": re.compile(r"\b(alcohol(?:ic)?|serves? (?:beer|wine|drinks))\b", re.I),
    "HAS_LIVE_MUSIC": re.compile(r"\blive music\b", re.I),
    "IS_UNISEX": re.compile(r"\b(unisex|both men and women|men and women|male or female)\b", re.I),
    "GOOD_FOR_KIDS": re.compile(r"\b(kid[- ]friendly|good for kids|children|child-friendly|with kids)\b", re.I),
    "HAS_WIFI": re.compile(r"\b(wi-?fi|internet)\b", re.I),
    "REFUNDABLE": re.compile(r"\brefundable\b", re.I),
    "FREE_ENTRY": re.compile(r"\bfree (?:entry|admission|of charge)\b", re.I),
}

_LEADING = re.compile(r"^\s*(?:if|when|whenever|every\s+time|any\s*time|once|in\s+case|for|while|should)\b", re.I)
_INNER = re.compile(r"\b(?:if|when|whenever|in\s+case)\b", re.I)
_NOT_CONDITION = re.compile(r"\b(?:see|check|ask|know|verify|determine|wonder|sure|out)\s+(?:to\s+see\s+)?$", re.I)
_ADDITIVE = re.compile(r"\b(?:also|too|as\s+well|another|additionally|in\s+addition|sometimes|alternatively)\b", re.I)
_LINK_CUE = re.compile(r"\b(?:also|additionally|both|as\s+well|in\s+addition|too|along\s+with|together\s+with|and)\b", re.I)
_RESTART = re.compile(r"(?<=\w)\s+(?=(?:I|I'd|I'll|my|My|please|always|make sure)\b)(?!I'm\b)")
_ABBREVIATION = re.compile(r"[A-Z]{2,4}|[A-Za-z]{1,3}\.[A-Za-z.]*")  # "Portland, OR", "Avril Swan, MD"; not "X, Carla"
_CONNECT = {",", "&", "of", "de", "la", "-", "'", "’", "and", "vs", "versus", "v", "the"}


def _service_like(value: str) -> bool:
    """A place, a business, a person, an airline or a number: values only service instructions set."""
    return bool(value_cues(value)) or any(c.isdigit() for c in value) or bool(re.search(r"\b[A-Z][a-z]+\s+[A-Z]", value))


def condition_clauses(text: str) -> list[tuple[int, int]]:
    """Character ranges of the clauses saying *when* an instruction applies.

    A leading "If/When/For ..." clause runs to "then" when there is one, else to the first comma; a later
    "if/when ..." runs to the next comma or full stop. "check if", "see if" introduce an action, not a
    condition.
    """
    out: list[tuple[int, int]] = []
    lead = _LEADING.match(text)
    if lead:
        then = re.search(r"\bthen\b", text[lead.end():], re.I)
        comma = text.find(",", lead.end())
        if then:
            end = lead.end() + then.start()
        elif comma >= 0:
            end = comma
        else:  # "When I look for restaurants I also like Korean food": the main clause starts a new subject
            subject = re.match(r"\s+(?:I'm|I\s+am|I|you're|you|we)\b", text[lead.end():])
            restart = _RESTART.search(text, lead.end() + (subject.end() if subject else 0))
            end = restart.start() if restart else len(text)
        out.append((0, end))
    for m in _INNER.finditer(text):
        if (out and m.start() < out[0][1]) or _NOT_CONDITION.search(text[:m.start()]):
            continue
        stop = re.search(r"[,.;](?:\s|$)|$", text[m.end():])
        out.append((m.start(), m.end() + (stop.start() if stop else len(text) - m.end())))
    return out


def norm_value(value: str) -> str:
    """Comparable form of a slot value: lowercase content words ("the Century 16!" -> "century 16")."""
    return " ".join(content_words(value)) or value.lower().strip()


@dataclass(frozen=True)
class SlotValue:
    slot: str | None
    value: str
    role: Role
    start: int = 0
    end: int = 0
    confidence: float = 1.0

    @property
    def norm(self) -> str:
        return norm_value(self.value)

    @property
    def group(self) -> str | None:
        """Slot name for comparisons: place slots share one group."""
        return "PLACE" if self.slot in PLACE_SLOTS else self.slot

    @property
    def sure_group(self) -> str | None:
        """``group`` when the typer is confident enough to replace or override on it, else None."""
        return self.group if self.confidence >= SLOT_CONFIDENCE else None


@dataclass
class ParsedInstruction:
    """The structure of one standing instruction; stored in the memory item's metadata."""

    text: str
    domains: list[str] = field(default_factory=list)
    condition_domains: list[str] = field(default_factory=list)
    linked_domains: list[str] = field(default_factory=list)
    conditions: list[SlotValue] = field(default_factory=list)
    actions: list[SlotValue] = field(default_factory=list)
    additive: bool = False
    domain_confidence: float = 0.0
    topics: list[str] = field(default_factory=list)  # memagent's coarse topics, when no service is recognised

    @property
    def primary_domain(self) -> str | None:
        return self.domains[0] if self.domains else None

    @property
    def is_general(self) -> bool:
        """About no recognised service ("always keep answers short"): scoped by ``topics``, or applies always."""
        return not self.domains

    @property
    def coarse_domain(self) -> str | None:
        return COARSE_DOMAIN.get(self.primary_domain or "")

    @property
    def is_link(self) -> bool:
        return bool(self.linked_domains)

    def to_metadata(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        return {"instruction": data}

    @classmethod
    def from_metadata(cls, text: str, metadata: Mapping[str, Any]) -> ParsedInstruction | None:
        data = metadata.get("instruction")
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(
                text=text, domains=list(data["domains"]), condition_domains=list(data["condition_domains"]),
                linked_domains=list(data["linked_domains"]),
                conditions=[SlotValue(**v) for v in data["conditions"]], actions=[SlotValue(**v) for v in data["actions"]],
                additive=bool(data["additive"]), domain_confidence=float(data.get("domain_confidence", 0.0)),
                topics=list(data.get("topics", [])),
            )
        except (KeyError, TypeError):
            return None  # written by another version: the caller re-parses the text


@dataclass
class ParsedRequest:
    text: str
    domains: list[str]
    values: list[SlotValue]
    domain_scores: dict[str, float] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)  # coarse topics of the request and of its services


class InstructionParser:
    """Parses instructions and requests with a trained :class:`ParserModel` (default: the shipped one).

    Args:
        model: the trained model; ``None`` loads the shipped artefact on first use.
        value_threshold: P(token is a value) from which a token joins a value span.
        service_threshold: with no service word in a text, the classifier's top probability below which the
            text is taken to be about no service (a general instruction such as "always answer briefly").
    """

    def __init__(self, model: ParserModel | None = None, *, value_threshold: float = 0.5,
                 service_threshold: float = 0.3) -> None:
        self._model = model
        self.value_threshold = value_threshold
        self.service_threshold = service_threshold

    @property
    def model(self) -> ParserModel:
        if self._model is None:
            self._model = default_model()
        return self._model

    # -- instructions -------------------------------------------------------------------------------------
    def parse(self, text: str) -> ParsedInstruction:
        """Parse one instruction. Never fails on odd text: unknown parts are left empty."""
        text = text.strip()
        probs = self.model.domain_proba(text)
        ranked = sorted(probs, key=lambda d: -probs[d])
        mentions = domain_mentions(text)
        named = list(dict.fromkeys(d for d, _, _ in mentions))
        clauses = condition_clauses(text)
        parsed = ParsedInstruction(text=text, domains=[ranked[0]] if ranked else [],
                                   domain_confidence=round(probs.get(ranked[0], 0.0), 4) if ranked else 0.0)
        if named and ranked and ranked[0] not in named and probs.get(named[0], 0.0) > 0.2:
            parsed.domains = [named[0]]  # an explicit service name beats a guess from other words
        values = self._values(text, parsed.primary_domain, clauses)
        if self._no_service(text, probs) and not any(_service_like(v.value) for v in values):
            parsed.domains, parsed.topics = [], classify_domains(text)
            values = self._values(text, None, clauses)
        # "Look into Travel and Hotels" links services; "if the event type is Music, search for Country" does not:
        # a link names two services and sets no value of its own.
        own_values = [v for v in values if not any(a < v.end and v.start < b for _, a, b in mentions)]
        if len(named) >= 2 and _LINK_CUE.search(text) and not own_values:
            in_clause = [d for d, s, _ in mentions if any(a <= s < b for a, b in clauses)]
            parsed.domains = named
            parsed.condition_domains = list(dict.fromkeys(in_clause)) or named
            parsed.linked_domains = [d for d in named if d not in in_clause] if in_clause else named
            return parsed
        for sv in values:
            (parsed.conditions if sv.role == "condition" else parsed.actions).append(sv)
        parsed.additive = bool(_ADDITIVE.search(text))
        return parsed

    # -- requests -----------------------------------------------------------------------------------------
    def parse_request(self, text: str) -> ParsedRequest:
        """Domains a request is about (best first) and the slot values it states."""
        probs = self.model.domain_proba(text)
        ranked = sorted(probs, key=lambda d: -probs[d])
        domains = [] if self._no_service(text, probs) else ranked[:1]
        domains += [d for d, _, _ in domain_mentions(text) if d not in domains]
        values = [SlotValue(sv.slot, sv.value, "request", sv.start, sv.end, sv.confidence)
                  for sv in self._values(text, domains[0] if domains else None, [])]
        topics = list(dict.fromkeys([*classify_domains(text), *(COARSE_DOMAIN[d] for d in domains)]))
        return ParsedRequest(text=text, domains=domains, values=values, topics=topics,
                             domain_scores={d: round(p, 4) for d, p in probs.items()})

    def _no_service(self, text: str, probs: Mapping[str, float]) -> bool:
        """No service word, and the classifier only guessing: the text is about no NLSI service."""
        return not lexicon_scores(text) and max(probs.values(), default=0.0) < self.service_threshold

    # -- values -------------------------------------------------------------------------------------------
    def _values(self, text: str, domain: str | None, clauses: list[tuple[int, int]]) -> list[SlotValue]:
        def role(start: int) -> Role:
            return "condition" if any(a <= start < b for a, b in clauses) else "action"

        out: list[SlotValue] = []
        taken: list[tuple[int, int]] = []
        for slot, pattern in BOOLEAN_SLOTS.items():
            for m in pattern.finditer(text):
                out.append(SlotValue(slot, "True", role(m.start()), m.start(), m.end()))
                taken.append((m.start(), m.end()))
        tokens = tokenize(text)
        spans = self._runs(tokens, self.model.value_proba(text, tokens))
        allowed = set(DOMAIN_SLOTS.get(domain or "", ()))
        for slot, a, b in gazetteer_matches(text):  # lowercase category words the tagger may miss: "sporting"
            if slot in allowed and not any(s < b and a < e for s, e in spans):
                spans.append((a, b))
        for start, end in sorted(spans):
            if any(a < end and start < b for a, b in taken) or is_when_or_count(text, start, end):
                continue
            value = text[start:end]
            probs = self.model.slot_proba(text, start, end, domain)
            slot = max(probs, key=probs.__getitem__) if probs else None
            out.append(SlotValue(slot, value, role(start), start, end, round(probs.get(slot, 0.0), 4) if slot else 0.0))
        return sorted(out, key=lambda v: v.start)

    def _runs(self, tokens: list[Token], probs: list[float]) -> list[tuple[int, int]]:
        inside = [p >= self.value_threshold for p in probs]
        for i in range(1, len(tokens) - 1):  # "Portland, OR", "Dodgers versus the Giants": bridge connectors
            for gap in (1, 2):
                if (i + gap < len(tokens) and inside[i - 1] and inside[i + gap]
                        and all(not inside[j] and tokens[j].lower in _CONNECT for j in range(i, i + gap))
                        and (tokens[i].text != "," or _ABBREVIATION.fullmatch(tokens[i + gap].text))):
                    for j in range(i, i + gap):
                        inside[j] = True
        runs: list[tuple[int, int]] = []
        i, n = 0, len(tokens)
        while i < n:
            if not inside[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and inside[j + 1]:
                j += 1
            a, b = i, j
            while a <= b and tokens[a].text in {"the", "a", "an", ",", "'", "\"", "-", "’"}:
                a += 1
            while b >= a and tokens[b].text in {",", ".", "'", "\"", "-", "!", "?", "’"}:
                b -= 1
            if a <= b:
                runs.append((tokens[a].start, tokens[b].end))
            i = j + 1
        return runs
