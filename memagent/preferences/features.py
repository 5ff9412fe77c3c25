"""Surface style features of a text, measured without a model: layout, length, person, tone cues, salutations.

The offline preference inferencer compares these features between an agent's output, the user's edit and
the source context. Cue lexicons are plain data (extend ``CUES`` to teach it a new device); they list common
English wording for each device, so they recognise the usual ways of writing it, not every way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from memagent._lexical import words

__all__ = ["CUES", "StyleProfile", "cue_hits", "sentences", "style_profile"]

# Each family: lower-case phrases matched on word boundaries. Order of families = order of inferred phrases.
CUES: dict[str, tuple[str, ...]] = {
    "story": ("once upon a time", "one day", "long ago", "there once was", "there was once", "our story",
              "the story of", "and so", "in a land"),
    "immersive": ("imagine", "picture this", "picture yourself", "you find yourself", "step into", "close your eyes",
                  "you can almost", "feel the", "see yourself"),
    "reflection": ("reflect", "think about", "ask yourself", "take a moment", "consider how", "what would you do",
                   "how would you feel", "look back", "what does this mean for you"),
    "teaser": ("stay tuned", "but wait", "there's more", "more to come", "coming soon", "you won't believe",
               "yet to come", "the twist", "plot twist", "what happens next", "the real surprise", "just the beginning",
               "keep reading", "hold on"),
    "call_to_action": ("let me know", "get back to me", "please reply", "please respond", "reply by", "sign up",
                       "join us", "don't miss", "register now", "would you be able",
                       "please share", "reach out", "let's", "please send"),
    "hook": ("exciting news", "big news", "guess what", "great news", "thrilled to", "excited to share",
             "check this out", "you'll love", "i can't wait to tell you"),
    "children": ("kids", "children", "little ones", "boys and girls", "young readers", "little friends"),
    "playful": ("wow", "yay", "whoa", "oh boy", "ta-da", "hooray", "how cool", "woohoo", "super fun", "silly"),
    "positive": ("great", "wonderful", "amazing", "happy", "bright side", "hopeful", "good news", "fantastic",
                 "excellent", "glad", "delighted", "proud", "cheerful", "brilliant", "uplifting", "looking up"),
    "emotion": ("feel", "feels", "feeling", "felt", "heartbroken", "anxious", "worried", "scared", "joy", "sad",
                "angry", "frustrated", "overwhelmed", "relieved", "nervous", "hurt", "lonely", "ache"),
    "gratitude": ("thank you", "thanks", "grateful", "appreciate", "gratitude"),
    "respect": ("please", "kindly", "i would appreciate", "respectfully", "if you could", "your time",
                "at your convenience", "i hope this finds you well", "with respect"),
    "personal": ("thought of you", "knowing you", "as you know", "since you", "just for you", "i know you",
                 "you in particular", "made me think of you"),
    "conversational": ("you know", "honestly", "anyway", "by the way", "to be honest", "i mean", "guess what",
                       "kind of", "pretty much", "so yeah", "oh, and"),
    "slang": ("gonna", "wanna", "kinda", "super", "awesome", "cool", "stuff", "totally", "yeah", "lol", "hey"),
}

_CUE_RE = {fam: re.compile(r"(?<![\w'])(" + "|".join(re.escape(p) for p in sorted(ps, key=len, reverse=True))
                           + r")(?![\w'])", re.IGNORECASE) for fam, ps in CUES.items()}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_BULLET = re.compile(r"^\s*[-*\u2022\u25cf\u25aa]\s+\S")
_NUMBERED = re.compile(r"^\s*(?:\d+[.)]|\(\d+\)|[a-z][.)])\s+\S", re.IGNORECASE)
_QA = re.compile(r"^\s*(?:q|a|question|answer)\s*\d*\s*[:.]\s*\S", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<!\w)#\w+")
# Pictographs, dingbats, flags, and symbols in the emoji blocks (the text-presentation ones too).
_EMOJI = re.compile("[\U0001f300-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\U00002b50\U00002b55]")
_CONTRACTION = re.compile(r"\b\w+(?:n't|'(?:s|m|d|ll|re|ve))\b", re.IGNORECASE)
_SECOND = {"you", "your", "yours", "yourself", "yourselves", "you're", "you've", "you'll", "you'd"}
_FIRST = {"i", "me", "my", "mine", "myself", "i'm", "i've", "i'll", "i'd"}
_FORMAL_GREETING = re.compile(r"^(dear|good (morning|afternoon|evening)|greetings|to whom)\b", re.IGNORECASE)
_CASUAL_GREETING = re.compile(r"^(hey|hiya|yo|howdy|hi there|hello there|heya)\b", re.IGNORECASE)
_PLAIN_GREETING = re.compile(r"^(hi|hello)\b", re.IGNORECASE)
_GENERIC_ADDRESSEE = {"there", "all", "everyone", "team", "folks", "friends", "colleague", "colleagues", "sir", "madam"}
_FORMAL_CLOSING = re.compile(r"^(sincerely|yours (sincerely|faithfully|truly)|(kind|best|warm|warmest) regards|"
                             r"respectfully|with (best|kind) regards|regards)\b", re.IGNORECASE)
_CASUAL_CLOSING = re.compile(r"^(cheers|talk soon|see ya|see you|later|take care|xo|catch you|ttyl)\b", re.IGNORECASE)
_PLAIN_CLOSING = re.compile(r"^(best|all the best|thanks|thank you|many thanks)\s*[,!.]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class StyleProfile:
    """What a text looks like on the surface. Counts are absolute; ratios are per word."""

    words: int
    sentences: int
    avg_sentence_words: float
    long_word_ratio: float
    bullet_lines: int
    numbered_lines: int
    qa_lines: int
    bare_bullets: int  # list items without closing punctuation and without a leading article
    emojis: int
    hashtags: int
    questions: int
    opens_with_question: bool
    ends_with_question: bool
    exclamations: int
    second_person: float
    first_person: float
    contractions: int
    greeting: str | None  # "formal" | "casual" | "personal" | "plain" | None
    closing: str | None  # "formal" | "thankful" | "casual" | "plain" | None
    cues: dict[str, frozenset[str]] = field(default_factory=dict)


def sentences(text: str) -> list[str]:
    """Sentences and lines of ``text`` (a list item or a salutation counts as one)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def cue_hits(text: str) -> dict[str, frozenset[str]]:
    """The cue phrases of each family found in ``text`` (lower-cased)."""
    out: dict[str, frozenset[str]] = {}
    for fam, rx in _CUE_RE.items():
        found = frozenset(m.group(1).lower() for m in rx.finditer(text))
        if found:
            out[fam] = found
    return out


def _greeting(lines: list[str]) -> str | None:
    if not lines:
        return None
    first = lines[0]
    if len(first.split()) > 12:
        return None
    if _FORMAL_GREETING.match(first):
        return "formal"
    if _CASUAL_GREETING.match(first):
        return "casual"
    m = re.match(r"^(?:[Hh]i|[Hh]ello|[Hh]ey|HI|HELLO|HEY)\s+([A-Z][a-z]+)", first)
    if m and m.group(1).lower() not in _GENERIC_ADDRESSEE:
        return "personal"
    if _PLAIN_GREETING.match(first):
        return "plain"
    return None


_THANKS = re.compile(r"\b(thank|thanks|grateful|gratitude)\b", re.IGNORECASE)


def _is_thanks(line: str) -> bool:
    return bool(_THANKS.search(line)) and len(line.split()) <= 15 and not _NUMBERED.match(line)


def _signoff_kind(line: str) -> str | None:
    if _FORMAL_CLOSING.match(line):
        return "formal"
    if _CASUAL_CLOSING.match(line):
        return "casual"
    if _PLAIN_CLOSING.match(line):
        return "plain"
    return None


def _closing_lines(lines: list[str]) -> int:
    """How many trailing lines the sign-off takes: a thanks line, a sign-off phrase, a signature."""
    if len(lines) < 2:
        return 0
    for back in range(min(2, len(lines) - 1), 0, -1):
        if _signoff_kind(lines[-back]):
            return back + 1 if back < len(lines) - 1 and _is_thanks(lines[-back - 1]) else back
    return 1 if _is_thanks(lines[-1]) else 0


def _closing(lines: list[str]) -> str | None:
    n = _closing_lines(lines)
    if not n:
        return None
    block = lines[-n:]
    if any(_is_thanks(line) for line in block):
        return "thankful"
    return next((k for line in block if (k := _signoff_kind(line))), None)


def _is_question(sentence: str) -> bool:
    return re.sub(r"[^\w?]+$", "", sentence).endswith("?")


def style_profile(text: str) -> StyleProfile:
    """Measure the surface style of ``text``."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    sents = sentences(text)
    prose = [x for x in sents if not re.fullmatch(r"(?:#\w+\s*)+", x)]
    toks = words(text)
    n = max(len(toks), 1)
    greeting, closing = _greeting(lines), _closing(lines)
    # Salutations are described as such; their words ("thank you for your time") are not tone cues.
    body = lines[1:] if greeting else list(lines)
    if closing:
        body = body[: -_closing_lines(body)] or body
    bullets = [ln for ln in lines if _BULLET.match(ln)]
    numbered = [ln for ln in lines if _NUMBERED.match(ln)]
    items = [re.sub(r"^\s*(?:[-*\u2022\u25cf\u25aa]|\d+[.)])\s+", "", ln) for ln in bullets + numbered]
    bare = [it for it in items if not re.search(r"[.!?]$", it) and not re.match(r"(?i)(the|a|an)\b", it)]
    return StyleProfile(
        words=len(toks),
        sentences=len(sents),
        avg_sentence_words=len(toks) / max(len(sents), 1),
        long_word_ratio=sum(1 for w in toks if len(w) >= 9) / n,
        bullet_lines=len(bullets),
        numbered_lines=len(numbered),
        qa_lines=sum(1 for ln in lines if _QA.match(ln)),
        bare_bullets=len(bare),
        emojis=len(_EMOJI.findall(text)),
        hashtags=len(_HASHTAG.findall(text)),
        questions=text.count("?"),
        opens_with_question=bool(prose) and _is_question(prose[0]),
        ends_with_question=bool(prose) and _is_question(prose[-1]),
        exclamations=sum(ln.count("!") for ln in body),
        second_person=sum(1 for w in toks if w in _SECOND) / n,
        first_person=sum(1 for w in toks if w in _FIRST) / n,
        contractions=len(_CONTRACTION.findall(text)),
        greeting=greeting,
        closing=closing,
        cues=cue_hits("\n".join(body)),
    )
