"""Exchanges: what a short user reply takes over from the assistant turn before it, and changes told in passing.

In assistant conversations the assistant often names the value and the user only agrees: "I'd go for the
harbour view room, want me to hold it?" "mm, sure". Read alone, "mm, sure" says nothing; read with the turn it
answers, it accepts the harbour view room. This module reads such an exchange:

* :func:`is_assent` — whether a reply opens by agreeing (and does not go on to refuse or correct);
* :func:`proposal` — the sentence of an assistant turn that a bare yes accepts: its last proposing sentence
  (a question or a sentence that suggests), or the sentence before a bare tag question ("..., shall I?");
* :func:`picked` — the option a positional reply picks from a listed offer ("the middle one", "second");
* :func:`change_in` — the old and new value of a change told in ordinary words ("I used to X but these days
  Y", "X doesn't work for me any more", "Y rather than X", "switch you to Y").

The cues are general English for agreeing, proposing and changing, not any one data set's phrasings; each is a
small alternation so it can be read and tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from memagent._gate import gated
from memagent._lexical import content_words
from memagent.graph.options import listed_options, marked_options

__all__ = ["Assent", "Change", "accepted_text", "alternatives", "asked", "assent", "change_in", "is_assent", "offered", "picked", "proposal", "proposal_window"]

# A reply that agrees: the head word(s) of the reply.
_ASSENT = re.compile(
    r"^\W*(?:yes|yeah|yea|yep|yup|ya|sure|ok(?:ay)?|k|alright|all\s+right|fine|perfect|exactly|absolutely|definitely|"
    r"certainly|of\s+course|correct|right(?=\s*(?:[,.!?]|$|(?:that|then|yes|yeah|ok|on)\b))|mm+(?:-?hm+)?|m*hm+|uh-?huh|great|lovely|brilliant|cool|nice|agreed|deal|"
    r"sounds\s+(?:good|great|fine|perfect|about\s+right|right|lovely)|spot\s+on|go\s+(?:for\s+it|ahead|on)|do\s+it|"
    r"please\s+do|why\s+not|good\s+(?:shout|call|idea)|works\s+for\s+me|fine\s+by\s+me|that(?:'?ll|\s+will)\s+do|"
    r"that\s+(?:works|one|sounds\s+\w+|is\s+(?:it|right|fine|perfect|the\s+one))|"
    r"that'?s\s+(?:it|right|fine|perfect|great|the\s+one|what\s+i\s+(?:want|need)))\b",
    re.I)
# ... unless it goes on to refuse, hedge or correct ("sure, but not the ...", "ok no wait").
_REFUSAL = re.compile(r"\b(?:no|not|nah|nope|don'?t|never|rather|instead|actually|but|except|wait|unless|hmm+|change)\b",
                      re.I)
_ASSENT_WORDS = 8  # an agreement that is not just a yes is a request or a story, read by the clause rules

# Suggesting: a sentence that offers a value for the user to accept.
_PROPOSES = re.compile(
    r"\b(?:suggest|recommend|propose|lean(?:ing)?\s+towards?|my\s+(?:pick|choice|vote|recommendation|bet)|"
    r"go\s+(?:with|for)|how\s+about|what\s+about|(?:would|should|might|could|will)\s+(?:probably\s+|really\s+)?suit|"
    r"is\s+the\s+one|keep\s+it\s+to|switch\s+you|move\s+you|put\s+you|book\s+you|sign\s+you|set\s+you\s+up|down\s+for\s+you|"
    r"i'?m\s+assuming|i\s+assume|i'?ll\s+(?:keep|put|go|use|book|set|make|stick)|"
    r"i\s+(?:can|could)\s+(?:book|switch|go|get|use|set|put|reserve|keep|try)|to\s+recap|let\s+me\s+make\s+sure|"
    r"i'?ll\s+put\s+it\s+down|last\s+time|previously|as\s+usual|like\s+before)\b",
    re.I)
# Words a bare tag question is made of ("Shall I go ahead?", "Want me to lock that in?", "Still right?"): a
# question with nothing else names no value, the sentence before it does.
_TAG_WORDS = frozenset(content_words(
    "want go way lock ahead proceed right good okay alright sound sounds fine work works missed anything else "
    "same shall book set confirm still correct change fancy again sure agree do make sort plan think mind "
    "happy move keep need something somewhere thing things stop tell otherwise know option choice one that's "
    "that'll us me you it this that then instead prefer rather"))
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_LEAD = re.compile(r"^(?:[^:]{0,40}:\s+|(?:(?:so|then|ok(?:ay)?|well|right|great|alright|honestly|frankly|personally|"
                   r"actually|in\s+that\s+case),?\s+)+)", re.I)
_TAIL = re.compile(r"(?:,\s*(?:if\s+you'?re\s+(?:ok|okay|happy|fine)\s+with\s+(?:that|it)|like\s+before|as\s+before|"
                   r"right|okay|ok|yes|no)\b[^,]*)+[?.!]*$|\s+(?:here|for\s+you|then)\s*(?=[?.!]*$)", re.I)
_MAX_PROPOSAL_WORDS = 30


@dataclass(frozen=True)
class Assent:
    """A reply that opens by agreeing: how firmly, and what it goes on to say."""

    firm: bool  # an explicit yes ("yep", "go ahead"), not only praise ("perfect", "great") that may just close
    thanks: bool  # it thanks: with praise only, that closes the conversation rather than accepting anything
    rest: str  # the words after the agreement ("mm, sure. also, no onions" -> "also, no onions")

    def accepts(self, asked: bool) -> bool:
        """Whether it takes up a proposal; ``asked``: the proposal was a question. "Perfect" answers a question
        with yes; "Perfect, thanks!" after a statement only closes."""
        return self.firm or (asked and not self.thanks)


def assent(reply: str) -> Assent | None:
    """The agreement ``reply`` opens with ("mm, sure", "yep that's it", "ok go on then", "that'll do"), or None
    when it opens otherwise, names a value of its own ("definitely tennis"), or refuses or corrects right after
    ("sure, but not the red one", "ok no wait")."""
    text = reply.strip()
    if not _ASSENT.match(text):
        return None
    parts = re.split(r"[.!?;]|,\s+(?=\w+\s+\w+\s+\w+)", text, maxsplit=1)
    head = re.sub(r"\bwhy\s+not\b", "", parts[0], flags=re.I)
    rest = parts[1].strip(" ,.!?") if len(parts) > 1 else ""
    if set(content_words(head)) - _BARE_WORDS:
        # Typed without a stop ("yeah fine the blue one every time, I'm boring"): the agreement is the run of
        # bare words it opens with, when what follows is a sentence of its own; a few words after it are the
        # reply's own answer ("definitely tennis", "yes the window seat"), not an agreement.
        tokens = head.split()
        n = 0
        while n < len(tokens) and not set(content_words(tokens[n])) - _BARE_WORDS:
            n += 1
        after = " ".join(tokens[n:])
        if n == 0 or len(re.split(r"[,;]", after)[0].split()) < 4:
            return None
        head, rest = " ".join(tokens[:n]), f"{after} {rest}".strip(" ,.!?")
    if len(head.split()) > _ASSENT_WORDS or _REFUSAL.search(head):
        return None
    rest = re.sub(r"^why\s+not\b[,!]?\s*", "", rest, flags=re.I)
    if _TAKEN_BACK.match(rest) or _CORRECTED.search(" ".join(rest.split()[:3])):
        return None
    firm = bool(_FIRM.search(head)) or not _PRAISE.match(head)
    return Assent(firm, bool(_THANKS.search(head) or _THANKS.match(rest)), rest if set(content_words(rest)) - _BARE_WORDS else "")


def is_assent(reply: str) -> bool:
    """True when ``reply`` opens by agreeing (see :func:`assent`)."""
    return assent(reply) is not None


# Praise that may only close a conversation, and what makes an agreement explicit.
_PRAISE = re.compile(r"^\W*(?:fine|perfect|great|lovely|brilliant|cool|nice|wonderful|awesome|excellent|amazing)\b", re.I)
_FIRM = re.compile(r"\b(?:yes|yeah|yea|yep|yup|sure|ok(?:ay)?|go\s+(?:for\s+it|ahead|on)|do\s+it|please\s+do|exactly|"
                   r"absolutely|definitely|that\s+(?:works|one)|that'?s\s+(?:it|right|the\s+one)|spot\s+on)\b", re.I)
_THANKS = re.compile(r"\b(?:thanks?|thank\s+you|ty|ta|cheers|appreciated?)\b", re.I)
# What a bare agreement is made of; any other word names something of its own.
_BARE_WORDS = frozenset(content_words(
    "yes yeah yea yep yup ya sure ok okay k alright right exactly absolutely definitely certainly course correct mm "
    "mmm mhm hm uh huh agreed deal sounds sound good great fine perfect about spot go ahead do please why works work "
    "lovely brilliant cool nice wonderful awesome excellent amazing shout call idea that'll that's one it then thanks "
    "thank ty ta much so well oh ah all lets let's on for me by what want need will"))


_CORRECTED = re.compile(r"\b(?:rather|instead|actually|but)\b", re.I)  # "yes I'd rather have the tea"
_TAKEN_BACK = re.compile(r"^(?:but|though|except|not|no|only\s+if|unless|actually|instead|rather)\b", re.I)


_OPEN_QUESTION = re.compile(r"^(?:\w+[,!]\s+)?(?:what(?!\s+about)|which|who|where|when|why|how(?!\s+(?:about|does|do|would))|"
                            r"any(?:thing|one)?\b|is\s+there|are\s+there|do\s+you\s+have|tell\s+me)\b", re.I)


def _is_tag(sentence: str) -> bool:
    """A bare tag question ("Shall I go ahead?"), or a sentence that only points back at what came before it
    ("I'll go ahead on that basis unless you stop me"): the value is in the sentence before. A sentence telling
    a change names its values, however few its words and whatever it points back at ("In that case I'd move you
    over to X rather than Y, if that sounds okay")."""
    rest = set(content_words(sentence)) - _TAG_WORDS
    if sentence.rstrip().endswith("?"):
        tag = not rest or (len(rest) <= 2 and bool(_ANAPHOR.search(sentence)))
    else:
        tag = len(rest) <= 3 and bool(_ANAPHOR.search(sentence))
    return tag and (not rest or change_in(sentence, proposed=True) is None)


_ANAPHOR = re.compile(r"\b(?:that|it|this|them|those)\b(?!\s+(?:one|is|'s|was)\b)", re.I)


def _proposing(bot: str) -> tuple[list[str], int] | None:
    """The assistant turn's sentences and the index of the one a bare yes accepts (see :func:`proposal`)."""
    sentences = [s.strip() for s in _SENTENCES.split(bot.strip()) if s.strip()]
    proposing = [n for n, s in enumerate(sentences) if s.endswith("?") or _PROPOSES.search(s)]
    if not proposing:
        return None
    chosen = proposing[-1]
    if _is_tag(sentences[chosen]):
        if chosen == 0 or _is_tag(sentences[chosen - 1]):
            return None
        chosen -= 1
    # An open question ("Which airline do you fly?", "Any dietary needs?") proposes nothing a yes could take up.
    if _OPEN_QUESTION.match(sentences[chosen]) and sentences[chosen].endswith("?"):
        return None
    # Two real questions make "yes" ambiguous ("Window or aisle? And do you want a meal?").
    if sentences[chosen].endswith("?") and any(n < chosen and sentences[n].endswith("?") and not _is_tag(sentences[n])
                                               for n in proposing):
        return None
    return sentences, chosen


def asked(bot: str) -> bool:
    """Whether the assistant turn's proposal is put as a question (its proposing sentence or the tag after it)."""
    found = _proposing(bot)
    if found is None:
        return False
    sentences, chosen = found
    return any(x.endswith("?") for x in sentences[chosen : chosen + 2])


def proposal(bot: str) -> str | None:
    """The sentence of an assistant turn that a bare yes accepts, trimmed of its lead-in and tag ("Then I'd
    suggest the harbour view room. Want me to hold it?" -> "I'd suggest the harbour view room"): its last
    proposing sentence (a question or a suggestion), or the one before a tag. None when the turn proposes
    nothing, or asks two real questions (a yes answers neither)."""
    found = _proposing(bot)
    if found is None:
        return None
    sentences, chosen = found
    text = _TAIL.sub("", _LEAD.sub("", sentences[chosen])).strip(" ,;")
    if not content_words(text) or len(text.split()) > _MAX_PROPOSAL_WORDS:
        return None
    return text.rstrip("?.! ")


def proposal_window(bot: str) -> str:
    """The proposing sentence and the one before it ("Does that mean X is off the table? I could switch you to
    Y."): where a proposed change names both values. Empty when the turn proposes nothing."""
    found = _proposing(bot)
    if found is None:
        return ""
    sentences, chosen = found
    return " ".join(sentences[max(0, chosen - 1) : chosen + 1])


_ENUMERATED = re.compile(r"^(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth|then|next|finally|lastly|and\s+finally)"
                         r",?\s+(.+?)[.!]?$", re.I)
_NOT_OPTION = re.compile(r"^(?:it|there|but|and\s+(?:it|there)|so|i|you|we|they|this|that|just|if)\b|"
                         r"\b(?:is|are|was|were|isn'?t|aren'?t|'s|'re|has|have|had|applies|looks?|seems?|can|will)\b",
                         re.I)


def _option_like(part: str) -> bool:
    return 0 < len(part.split()) <= 8 and bool(content_words(part)) and not _NOT_OPTION.search(part)


def offered(bot: str) -> list[str]:
    """The options an assistant turn lists for the user to pick from: sentences enumerated "First, A. Second,
    B.", or one sentence's list ("three came up: A; B; and C") near the end of the turn, every item of which
    reads as an option (no clause of the turn's small talk). Empty when it lists none."""
    sentences = [s.strip() for s in _SENTENCES.split(bot.strip()) if s.strip()]
    enumerated = [m.group(1).strip() for s in sentences if (m := _ENUMERATED.match(s))]
    if len(enumerated) >= 2 and all(_option_like(o) for o in enumerated):
        return enumerated
    for sentence in reversed(sentences[-4:]):
        for options in (_series(sentence), listed_options(sentence.replace(";", ","))):
            if len(options) >= 2 and all(_option_like(o) for o in options):
                return options
    return []


_LIST_LEAD = re.compile(r"^.*?(?::|\b(?:between|you'?ve\s+got|you\s+have|there'?s|there\s+are|choose\s+from|pick\s+from|"
                        r"such\s+as|including|could\s+(?:try|do|go\s+for)|(?:shall|should|can|could|would)\s+(?:i|we|you)\s+\w+)\s)",
                        re.I)


_ALTERNATIVES = re.compile(r"\b(?:or|between|options?|candidates?|choices?|shortlist\w*|whichever|which\s+(?:one|way)|"
                           r"any\s+of\s+(?:those|these|them)|first,)", re.I)


def alternatives(bot: str) -> list[str]:
    """:func:`offered` options when the turn offers them as alternatives ("A, B or C", "options: ...",
    "whichever you want"); a summary of what was agreed ("so: A, plus B") lists no alternatives."""
    return offered(bot) if _ALTERNATIVES.search(bot) else []


def _series(sentence: str) -> list[str]:
    """The items of "A, B and C" / "A; B; or C" / "A or B" after the sentence's lead-in ("I'd pick between"),
    without a closing aside (", honestly")."""
    body = _LIST_LEAD.sub("", sentence.strip().rstrip(".!?"), count=1).strip()
    parts = [p.strip() for p in re.split(r"\s*[,;]\s*(?:and\s+|or\s+)?", body) if p.strip()]
    while parts and re.fullmatch(r"\w+ly", parts[-1], re.I):
        parts.pop()
    if parts:
        last = re.split(r"\s+(?:and|or)\s+(?!.*\s(?:and|or)\s)", parts.pop(), maxsplit=1)
        parts += [p.strip() for p in last if p.strip()]
    return parts if len(parts) >= 2 else []


_POSITIONS = {"first": 0, "top": 0, "1st": 0, "second": 1, "middle": 1, "2nd": 1, "third": 2, "3rd": 2,
              "fourth": 3, "4th": 3, "last": -1, "bottom": -1}
# A position word used as one ("the second one", "middle please", "defo the last"), not inside a value ("first class").
_POSITIONAL = re.compile(r"\b(first|top|1st|second|middle|2nd|third|3rd|fourth|4th|last|bottom)\b"
                         r"(?=\s*(?:$|[,.!?]|(?:one|option|choice|pick|suggestion|please|pls|plz|thanks|thx|ta|cheers|then|"
                         r"i\s+think|i\s+guess|i\s+reckon|for\s+(?:sure|me)|sounds|is|works|looks)\b))", re.I)
# Position words long enough that one slip of a key ("thrd", "secnod", "midle") cannot make another word of a
# short reply; "last" and "top" are too short to be told from "list" or "tip".
_TYPO_TOLERANT = ("first", "second", "middle", "third", "fourth", "bottom")


def _position_typos(head: str) -> str:
    """``head`` with each word one edit (a letter dropped, doubled, swapped or mistyped) from a long position
    word written as that word: people reply to a list in a hurry."""
    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if low in _POSITIONS or len(low) < 4 or low.rstrip("s") in _POSITIONS:  # "a few seconds" picks nothing
            return word
        near = [p for p in _TYPO_TOLERANT if DamerauLevenshtein.distance(low, p, score_cutoff=1) <= 1]
        return near[0] if len(near) == 1 else word

    return re.sub(r"[A-Za-z]+", fix, head)


def picked(reply: str, bot: str) -> str | None:
    """The option of ``bot``'s list (:func:`offered`) a short positional reply picks ("the middle one", "second
    please", "defo the last"); None for a longer reply, one naming no position, or "middle" of an even list."""
    options = offered(bot)
    if len(options) < 2:
        options = marked_options(bot)  # a numbered list inline: "1. The Grand 2. The Plaza 3. The Ritz"
    head = re.split(r"[.!?;,]", reply.strip(), maxsplit=1)[0]  # "second i guess, the others don't do it for me"
    if len(options) < 2 or len(head.split()) > 8 or re.search(r"\b(?:not|no|nah|neither|none)\b", head, re.I):
        return None
    found = {m.group(1).lower() for m in _POSITIONAL.finditer(_position_typos(head))}
    if len(found) != 1:
        return None
    word = found.pop()
    if word == "middle" and len(options) != 3:
        return None
    n = _POSITIONS[word]
    return options[n] if n < len(options) else None


@dataclass(frozen=True)
class Change:
    """A change told in one stretch of text: the value given up (may be unknown) and the one taken instead."""

    old: str | None
    new: str


# The value given up. Each group stops at a clause boundary.
# A value: no clause mark and no word that starts another clause; "9:00 AM", "$1,200" keep their marks.
_SPAN = (r"((?:(?!\b(?:but|so|because|since|which|while|though|although|unless|if|rather|than|instead|"
         r"and\s+(?:now|then|so))\b)"
         r"(?:[^,.;:!?]|(?<=\d)[:.,](?=\d))){2,60}?)")
# Gated (memagent._gate): most text holds none of the words these need, and each would try every position.
_OLD = [gated(re.compile(p, re.I)) for p in (
    r"\bused\s+to\s+(?:be\s+(?:all\s+)?(?:about|into|on)\s+|like\s+|love\s+|prefer\s+|have\s+|go\s+(?:for|with)\s+|"
    r"do\s+|want\s+|use\s+|get\s+|pick\s+)" + _SPAN + r"(?=\s*(?:,|\.|;|\bbut\b|\band\b|\bnow\b|\bthese\s+days\b|$))",
    r"\b(?:no\s+longer\s+(?:into|doing|using|want(?:ing)?)|stopped\s+(?:doing\s+|using\s+)?|gave\s+up(?:\s+on)?|"
    r"moved\s+(?:on\s+|away\s+)?from|switch(?:ed|ing)?\s+(?:away\s+)?from|changed?\s+from|instead\s+of|rather\s+than|"
    r"(?:better|more)\s+(?:now\s+)?than)\s+(?:my\s+)?(?:usual\s+|old\s+|regular\s+)?" + _SPAN
    + r"(?=\s*(?:,|\.|;|\?|!|\bto\b|\bfor\s+(?:me|you)\b|\bnow\b|\band\b|\bbut\b|\bso\b|$))",
    r"(?:^|[,.;:]\s*|\b(?:so|but|and|because|since)\s+)(?:i\s+think\s+)?" + _SPAN
    + r"\s+(?:just\s+|really\s+|simply\s+|honestly\s+)?(?:doesn'?t|don'?t|won'?t|isn'?t|aren'?t|no\s+longer)\s+"
    r"(?:work|suit|fit|cut\s+it|do\s+it|make\s+sense|do\s+(?:it\s+)?for)\w*",
    r"(?:^|[,.;:]\s*|\bmean\s+|\bthat\s+)" + _SPAN + r"\s+is\s+off\s+the\s+table",
    r"\b(?:is|are)\s+" + _SPAN + r"\s+off\s+the\s+table",
)]
# The value taken instead.
_NEW = [gated(re.compile(p, re.I)) for p in (
    r"\b(?:(?:switch|swap|chang)\w*\s+(?:you\s+|me\s+|it\s+|us\s+)?(?:over\s+|across\s+)?|"
    r"(?:mov|put)\w*\s+(?:you\s+|me\s+|it\s+|us\s+)?(?:over|across)\s+)to\s+" + _SPAN
    + r"(?=\s*(?:,|\.|;|\?|!|\binstead\b|\brather\b|\bfrom\s+now\b|\bnow\b|\bif\b|$))",
    r"(?:^|[,.;:]\s*|\b(?:be|it'?s|so|and|now|with|is)\s+)" + _SPAN
    + r"\s+(?:from\s+now\s+on|going\s+forward|from\s+here\s+on|these\s+days|nowadays|instead(?!\s+of))",
    r"\b(?:these\s+days|nowadays|now)\s*,?\s+(?:it'?s|i'?m\s+(?:into|all\s+about|on)|i\s+(?:prefer|like|want|go\s+for|do))\s+"
    + _SPAN + r"(?=\s*(?:,|\.|;|!|\bfor\s+me\b|\binstead\b|$))",
    r"\b(?:it'?ll|it\s+will|it'?s\s+going\s+to|it\s+has\s+to|it'?s\s+got\s+to)\s+(?:have\s+to\s+)?be\s+" + _SPAN
    + r"\s+(?:now|from\s+now\s+on|going\s+forward|instead)\b",
    r"(?:^|[,.;:]\s*|\b(?:means|so|and)\s+)" + _SPAN + r"\s+is\s+(?:the\s+(?:thing|one|way\s+to\s+go|plan)|what\s+i\s+"
    r"(?:want|need|do))\s+now\b",
    r"\bnow\s+" + _SPAN + r"\s+(?:just\s+|really\s+)?(?:makes\s+(?:more\s+)?sense|works\s+better|suits\s+me)",
    r"\bwould\s+" + _SPAN + r"\s+suit\s+you\s+better",
    r"(?:^|[,.;:]\s*)" + _SPAN + r"\s+suits?\s+(?:me|you)\s+better",
)]
# Verbs and fillers a captured span may start with ("go with X from now on", "it's X").
_SPAN_HEAD = re.compile(r"^(?:(?:so|and|but|now|then|just|honestly|it'?ll\s+(?:have\s+to\s+)?be|"
                        r"it\s+(?:will|would)\s+(?:have\s+to\s+)?be|it'?s\s+going\s+to\s+be|(?:has|have)\s+to\s+be|it'?s|it\s+is|i'?d\s+say|i\s+think|go\s+with|use|"
                        r"make\s+it|have|be|with|the\s+thing\s+is|long\s+story\s+short|which\s+means|means?|want\s+me\s+to|"
                        r"i\s+could|i'?ll|let'?s|we|you)\s+)+", re.I)
# Spans that are no value: pronouns and what a story says about itself.
_NOT_VALUE = re.compile(r"^(?:it|that|this|things?|everything|stuff|one|them|me|you|i|we|what|how|the\s+way)$", re.I)


# A span that starts a clause of its own is no value ("I prefer ...", "what are ...", "maybe we could ...").
_CLAUSE_START = re.compile(r"^(?:i|i'm|i'd|i've|im|we|we're|you|he|she|they|my\s+(?:kids|family|company|boss)|what|how|why|"
                           r"where|when|who|which|maybe|or|should|could|would|can|will|do|does|did|is|are|all\s+this|"
                           r"there|here|popular|more|less|pretty|very|quite|really|too)\b", re.I)
# Said of a change that is only thought about, asked about or someone else's, not made.
_HYPOTHETICAL = re.compile(r"\b(?:consider\w*|thinking\s+(?:about|of)|wonder\w*|maybe|might|whether|if|should\s+i|"
                           r"planning|plan\s+to|hoping|want\s+to\s+know|any\s+(?:tips|advice|recommendations?)|"
                           r"right\s+now|for\s+now)\b", re.I)
_MAX_VALUE_WORDS = 6
# A clause, not a value. After a noun "'s" is the possessive ("my bank's app", "my mum's old laptop"); it is "is"
# or "has" after a pronoun or a question word ("it's", "that's", "there's", "what's").
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|'re|'m|don'?t|doesn'?t)\b|"
                     r"\b(?:it|that|this|there|here|he|she|what|who|where|how|everything|nothing|something)'s\b", re.I)


def _clean(span: str | None) -> str | None:
    if not span:
        return None
    v = _SPAN_HEAD.sub("", span.strip()).strip(" ,;:'\"")
    # After "with" a clause's subject is the company kept: "it'll have to be with my kids from now on".
    company = bool(re.search(r"\bwith\s+" + re.escape(v), span, re.I)) if v else False
    if not v or _NOT_VALUE.match(v) or (_CLAUSE_START.match(v) and not company) or _FINITE.search(v) \
            or not content_words(v) or len(v.split()) > _MAX_VALUE_WORDS:
        return None
    return v


def change_in(text: str, *, proposed: bool = False) -> Change | None:
    """The change ``text`` tells, when it names the new value in a change construction; the old value when it
    names that too. "I used to be all about jazz but these days it's techno" -> Change("jazz", "techno").

    Told by the user (``proposed=False``), a question, or a change only thought about or made by someone else
    ("my company is considering switching to ...", "should I go vegan instead?"), is none. ``proposed``: the
    assistant's proposal a user accepted ("Would decaf suit you better now than espresso?")."""
    t = text.replace("\u2019", "'")
    if not proposed and (t.rstrip().endswith("?") or _HYPOTHETICAL.search(t)):
        return None
    new = next((v for rx in _NEW for m in rx.finditer(t) if (v := _clean(m.group(1)))), None)
    if new is None:
        return None
    old = next((v for rx in _OLD for m in rx.finditer(t) if (v := _clean(m.group(1))) and v.lower() != new.lower()
                and new.lower() not in v.lower()), None)
    return Change(old, new)


def accepted_text(bot: str, reply: str) -> str | None:
    """What a short reply to an assistant turn agreed to, as the assistant said it: the proposing sentences
    (:func:`proposal_window` when they tell a change, else the one proposing sentence), or the option a
    positional reply picked; None when ``reply`` is no bare agreement or pick, or ``bot`` proposed nothing."""
    option = picked(reply, bot)
    if option:
        return option
    agreed = assent(reply)
    found = _proposing(bot) if agreed is not None and len(reply.split()) <= 2 * _ASSENT_WORDS else None
    if found is None or not agreed.accepts(asked(bot)):  # type: ignore[union-attr]
        return None
    sentences, chosen = found
    window = " ".join(sentences[max(0, chosen - 1) : chosen + 1])
    if change_in(window, proposed=True) is not None:
        return window
    return " ".join(sentences[chosen : chosen + 2]) if chosen + 1 < len(sentences) and _is_tag(sentences[chosen + 1]) \
        else sentences[chosen]
