"""How the offline agent reads a preference written in free text: phrases -> writing skills.

The agent splits the text into phrases, matches each against a vocabulary of ways people describe each style
(word patterns, not the PRELUDE preference strings), handles negation ("no emojis", "without a sign-off")
and salutation wording ("professional greeting and closing"), and, for phrases no pattern covers, falls back
to the nearest style description by embedding similarity when an embedder is given. A phrase it cannot place
is ignored, as a writer would ignore an instruction it does not understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from benchmarks.prelude.style import GREETINGS, TASK_ATTRS, Attr
from memagent.embeddings.base import Embedder
from memagent.preferences.aggregate import split_phrases

__all__ = ["Interpreter"]

A = Attr


@dataclass(frozen=True)
class _Concept:
    attrs: frozenset[Attr]
    pattern: re.Pattern[str]
    description: str


def _c(attrs: set[Attr], pattern: str, description: str) -> _Concept:
    return _Concept(frozenset(attrs), re.compile(pattern, re.IGNORECASE), description)


_CONCEPTS = (
    _c({A.BRIEF}, r"\bbrief|\bconcise|succinct|\bshort\b(?! sentence)|to the point|\bterse|\bcompact|less wordy|"
       r"\bshorter\b(?! sentence)", "brief and concise, short overall length"),
    _c({A.SHORT_SENTENCES}, r"short(er)? sentences|\bclear\b|\bcrisp|\bpunchy|sentence length",
       "short, clear sentences"),
    _c({A.SIMPLE}, r"\bsimple\b|plain (english|language|words)|easy (words|to read)|jargon|\baccessible|everyday words",
       "simple English words, no jargon"),
    _c({A.SECOND_PERSON}, r"second[- ]person|addresses the reader as you|\byou\b[- ]perspective",
       "second person narrative addressing the reader as you"),
    _c({A.POSITIVE}, r"\bpositiv|\bupbeat|optimis|cheerful|hopeful|\bbright",
       "positive, upbeat and optimistic tone"),
    _c({A.INFORMAL, A.GREETING_CASUAL}, r"\binformal|\bcasual\b(?! (greeting|closing|sign))|contractions|"
       r"\brelaxed|laid[- ]back|colloquial", "informal, casual tone with contractions"),
    _c({A.PROFESSIONAL}, r"\bprofessional\b(?! (greeting|closing|sign))|\bformal\b(?! (greeting|closing|sign))|"
       r"\bpolished|business-like", "professional, formal tone"),
    _c({A.KIDS, A.SIMPLE}, r"\bchild|\bkids?\b|young (readers|audience)|little ones",
       "written for young children"),
    _c({A.STORY}, r"\bstor(y|ies|ytelling)|\btale\b|narrative arc", "storytelling, told as a story"),
    _c({A.PLAYFUL}, r"playful|\bfun\b|whimsical|light-?hearted|\bsilly|humou?r", "playful, fun language"),
    _c({A.INTERACTIVE}, r"interactive|asks? the reader|asking the reader|ends? with a question|"
       r"questions? to the reader|reader participation", "interactive, ends by asking the reader a question"),
    _c({A.EMOTION}, r"emotion|feelings|heartfelt|empath", "shows emotions and feelings"),
    _c({A.REFLECT}, r"reflect|introspect|self-examination", "invokes personal reflection"),
    _c({A.IMMERSIVE}, r"immersive|\bvivid|\bpicture|imagery|sensory|scene-setting", "immersive, vivid imagery"),
    _c({A.INQUISITIVE}, r"inquisitive|curious|curiosity|opens? with a question|question hook|\bwonder",
       "inquisitive, opens with a question"),
    _c({A.FORESHADOW}, r"foreshadow|teaser|suspense|cliffhanger|what comes next|anticipation",
       "foreshadowing, hints that more is coming"),
    _c({A.ENGAGING}, r"\bengaging\b(?! the reader)|\bhook\b|exciting|attention[- ]grabbing|captivating",
       "engaging hook that grabs attention"),
    _c({A.PERSONALIZED, A.GREETING_PERSONAL}, r"personali[sz]ed|personal touch|tailored|thought of you",
       "personalized to the recipient"),
    _c({A.CONVERSATIONAL}, r"conversational|chatty|talking to a friend", "conversational, chatty"),
    _c({A.RESPECTFUL}, r"respectful|\bpolite|courteous|deferential|considerate", "respectful and polite"),
    _c({A.CALL_TO_ACTION}, r"call[- ]to[- ]action|call for action|asks? for a (reply|response)|"
       r"requests? a (reply|response)|next steps", "call to action asking for a reply"),
    _c({A.BULLETS}, r"bullet|list format|itemi[sz]ed", "bullet points"),
    _c({A.PARALLEL}, r"\bparallel|consistent (structure|form|phrasing)", "parallel structure"),
    _c({A.NUMBERED}, r"numbered|\bstructured\b|\borgani[sz]ed\b|enumerat|\boutline", "structured with numbered points"),
    _c({A.QA}, r"question[- ]?(and[- ])?answer|\bq ?& ?a\b|\bfaq\b", "question answering style"),
    _c({A.TWEET}, r"\btweet|twitter|hashtag|social media", "tweet style with hashtags"),
    _c({A.EMOJI}, r"emoji|emoticon", "with emojis"),
)
# Phrases whose wording already carries its polarity.
_FIXED = (
    (re.compile(r"\b(no|without|avoid\w*)\b.*\bcontractions", re.IGNORECASE), {A.PROFESSIONAL}, {A.INFORMAL}),
    (re.compile(r"\b(detailed|thorough|elaborate|longer)\b", re.IGNORECASE), set(), {A.BRIEF}),
)
_NEG = re.compile(r"\b(no|not|never|without|avoid\w*|don't|less|skip)\b", re.IGNORECASE)
_GREETING_WORD = re.compile(r"greeting|salutation|opening line|\bhello\b", re.IGNORECASE)
_CLOSING_WORD = re.compile(r"closing|sign[- ]?off|farewell|\bending\b|valediction", re.IGNORECASE)
_KIND = (
    (re.compile(r"thank|grateful|gratitude|appreciat", re.IGNORECASE), "thanks"),
    (re.compile(r"personal|name", re.IGNORECASE), "personal"),
    (re.compile(r"professional|formal|respectful|polite", re.IGNORECASE), "formal"),
    (re.compile(r"casual|informal|friendly|warm", re.IGNORECASE), "casual"),
)
_GREETING_OF = {"personal": A.GREETING_PERSONAL, "formal": A.GREETING_FORMAL, "casual": A.GREETING_CASUAL,
                "thanks": A.GREETING_FORMAL}
_CLOSING_OF = {"thanks": A.CLOSING_THANKS, "formal": A.CLOSING_FORMAL, "personal": A.CLOSING_FORMAL}


class Interpreter:
    """Turn preference text into the writing skills the agent applies for ``task``.

    Args:
        embedder: optional; phrases no pattern matches go to the nearest concept description when the cosine
            similarity reaches ``min_similarity``.
    """

    def __init__(self, embedder: Embedder | None = None, *, min_similarity: float = 0.6) -> None:
        self.embedder = embedder
        self.min_similarity = min_similarity
        self._desc_vecs: np.ndarray | None = None

    def attrs(self, task: str, preference: str | None) -> frozenset[Attr]:
        if not preference:
            return frozenset()
        want: set[Attr] = set()
        drop: set[Attr] = set()
        implied_greeting: set[Attr] = set()
        greeting: Attr | None = None
        closing: Attr | None = None
        for phrase in split_phrases(preference):
            neg = bool(_NEG.search(phrase))
            fixed = [(add, rem) for rx, add, rem in _FIXED if rx.search(phrase)]
            if fixed:
                for add, rem in fixed:
                    want |= add
                    drop |= rem
                continue
            g, c = self._salutation(phrase, neg)
            greeting, closing = g or greeting, c or closing
            concepts = [k for k in _CONCEPTS if k.pattern.search(_without_salutation(phrase))]
            if not concepts and not (g or c):
                concepts = self._nearest(phrase)
            for k in concepts:
                attrs = set(k.attrs)
                implied_greeting |= {a for a in attrs if a in GREETINGS}
                attrs -= set(GREETINGS)
                (drop if neg else want).update(attrs)
        want -= drop
        if greeting is None and implied_greeting:
            greeting = next(g for g in GREETINGS if g in implied_greeting)
        want |= {x for x in (greeting, closing) if x is not None}
        return frozenset(want) & TASK_ATTRS[task]

    @staticmethod
    def _salutation(phrase: str, neg: bool) -> tuple[Attr | None, Attr | None]:
        kind = next((k for rx, k in _KIND if rx.search(phrase)), None)
        greeting = closing = None
        if _GREETING_WORD.search(phrase) and kind and not neg:
            greeting = _GREETING_OF[kind]
        if _CLOSING_WORD.search(phrase):
            if neg:
                closing = A.CLOSING_NONE
            elif kind:
                closing = _CLOSING_OF.get(kind)
        return greeting, closing

    def _nearest(self, phrase: str) -> list[_Concept]:
        if self.embedder is None:
            return []
        if self._desc_vecs is None:
            self._desc_vecs = self.embedder.embed([k.description for k in _CONCEPTS])
        sims = self._desc_vecs @ self.embedder.embed([phrase.lower()])[0]
        best = int(np.argmax(sims))
        return [_CONCEPTS[best]] if sims[best] >= self.min_similarity else []


def _without_salutation(phrase: str) -> str:
    """'professional greeting and closing' names salutations, not the tone of the whole text."""
    if _GREETING_WORD.search(phrase) or _CLOSING_WORD.search(phrase):
        return re.sub(r"\b(professional|formal|casual|informal|personali[sz]ed|thankful|respectful)\b", "", phrase,
                      flags=re.IGNORECASE)
    return phrase
