"""The offline world's writing skills: style attributes, and rendering a document with a set of them.

Both the simulated user and the offline agent write with these skills (they are equally competent writers);
what differs is *which* attributes each applies. The user knows its latent preference; the agent only has
whatever preference text it was prompted with and must interpret it (``interpret.py``). A render is
deterministic: the same document and attributes give the same text, so an agent that applies exactly the
user's attributes produces exactly the user's version (cost 0), and every missing or extra attribute costs
the tokens it adds, removes or rewrites.

Content is extractive (the lead sentences of the document), which is what an LLM summary or email shares
with the user's revision; the skills are the style layer on top.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from enum import StrEnum

from memagent._lexical import STOPWORDS

__all__ = ["Attr", "FORMAT_ATTRS", "GREETINGS", "CLOSINGS", "TASK_ATTRS", "detect", "render", "split_sentences"]


class Attr(StrEnum):
    # content amount and sentence-level rewrites
    BRIEF = "brief"
    SHORT_SENTENCES = "short_sentences"
    SIMPLE = "simple"
    SECOND_PERSON = "second_person"
    POSITIVE = "positive"
    INFORMAL = "informal"
    PROFESSIONAL = "professional"
    # inserted rhetorical sentences
    KIDS = "kids"
    STORY = "story"
    PLAYFUL = "playful"
    INTERACTIVE = "interactive"
    EMOTION = "emotion"
    REFLECT = "reflect"
    IMMERSIVE = "immersive"
    INQUISITIVE = "inquisitive"
    FORESHADOW = "foreshadow"
    ENGAGING = "engaging"
    PERSONALIZED = "personalized"
    CONVERSATIONAL = "conversational"
    RESPECTFUL = "respectful"
    CALL_TO_ACTION = "call_to_action"
    # layout and marks
    BULLETS = "bullets"
    PARALLEL = "parallel"
    NUMBERED = "numbered"
    QA = "qa"
    TWEET = "tweet"
    EMOJI = "emoji"
    # email salutations (one greeting and one closing at most)
    GREETING_FORMAL = "greeting_formal"
    GREETING_CASUAL = "greeting_casual"
    GREETING_PERSONAL = "greeting_personal"
    CLOSING_FORMAL = "closing_formal"
    CLOSING_THANKS = "closing_thanks"
    CLOSING_NONE = "closing_none"


GREETINGS = (Attr.GREETING_PERSONAL, Attr.GREETING_FORMAL, Attr.GREETING_CASUAL)  # priority order
CLOSINGS = (Attr.CLOSING_NONE, Attr.CLOSING_THANKS, Attr.CLOSING_FORMAL)

_COMMON = {Attr.BRIEF, Attr.SHORT_SENTENCES, Attr.SIMPLE, Attr.POSITIVE, Attr.INFORMAL, Attr.PROFESSIONAL}
TASK_ATTRS: dict[str, frozenset[Attr]] = {
    "summarization": frozenset(_COMMON | {Attr.SECOND_PERSON, Attr.KIDS, Attr.STORY, Attr.PLAYFUL, Attr.INTERACTIVE,
                                          Attr.EMOTION, Attr.REFLECT, Attr.IMMERSIVE, Attr.INQUISITIVE,
                                          Attr.FORESHADOW, Attr.BULLETS, Attr.PARALLEL, Attr.QA, Attr.TWEET,
                                          Attr.EMOJI}),
    "email": frozenset(_COMMON | {Attr.ENGAGING, Attr.PERSONALIZED, Attr.CONVERSATIONAL, Attr.RESPECTFUL,
                                  Attr.CALL_TO_ACTION, Attr.NUMBERED, Attr.EMOJI, *GREETINGS, *CLOSINGS}),
}
# What an agent can copy from examples by looking at them: layout, marks and salutation lines.
FORMAT_ATTRS = frozenset({Attr.BULLETS, Attr.PARALLEL, Attr.NUMBERED, Attr.QA, Attr.TWEET, Attr.EMOJI,
                          *GREETINGS, *CLOSINGS})

# -- lexicons -------------------------------------------------------------------------------------------
_SIMPLER = {
    "approximately": "about", "utilize": "use", "utilized": "used", "utilizes": "uses", "demonstrate": "show",
    "demonstrated": "showed", "demonstrates": "shows", "significant": "big", "significantly": "greatly",
    "substantial": "large", "substantially": "greatly", "numerous": "many", "facilitate": "help",
    "additional": "more", "subsequently": "later", "consequently": "so", "implement": "build",
    "evaluate": "check", "evaluated": "checked", "indicate": "show", "indicates": "shows", "obtain": "get",
    "require": "need", "requires": "needs", "required": "needed", "residents": "people", "officials": "leaders",
    "investigation": "check", "participants": "people", "performance": "results", "framework": "system",
    "predominantly": "mostly", "established": "set up", "located": "found", "incorporates": "adds",
    "leverages": "uses", "previous": "older", "novel": "new", "robustness": "strength", "accuracy": "correctness",
    "computational": "computer", "consumption": "use", "mechanism": "method", "representations": "patterns",
    "environments": "worlds", "architecture": "design", "considerable": "big", "remarkable": "amazing",
    "constantly": "always", "immediately": "right away", "distinguishing": "telling apart",
    "increasingly": "more and more", "accumulates": "piles up", "concentrate": "focus", "operational": "real",
}
_BRIGHTER = {
    "terrible": "tough", "awful": "tough", "boring": "slow", "damaged": "hit", "damage": "harm",
    "difficult": "challenging", "problem": "challenge", "problems": "challenges", "crisis": "hard time",
    "fail": "stumble", "failed": "stumbled", "failure": "setback", "worst": "hardest",
    "destroyed": "cleared", "fear": "wonder whether", "worried": "wondered", "criticized": "questioned",
    "struggle": "work hard", "dangerous": "risky", "ridiculous": "over the top", "cheap": "simple",
    "hated": "disliked", "sadly": "still", "unfortunately": "still",
}
_CONTRACT = [
    ("I am", "I'm"), ("I have", "I've"), ("I will", "I'll"), ("I would", "I'd"), ("do not", "don't"),
    ("does not", "doesn't"), ("did not", "didn't"), ("is not", "isn't"), ("are not", "aren't"),
    ("was not", "wasn't"), ("cannot", "can't"), ("will not", "won't"), ("it is", "it's"), ("that is", "that's"),
    ("we are", "we're"), ("they are", "they're"), ("you are", "you're"), ("we have", "we've"),
    ("have not", "haven't"), ("has not", "hasn't"), ("could not", "couldn't"), ("would not", "wouldn't"),
    ("there is", "there's"), ("she is", "she's"), ("he is", "he's"),
]
_EXPAND = [(short, long) for long, short in _CONTRACT] + [("haven't", "have not"), ("I'm", "I am"), ("can't", "cannot")]
_PERSON = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
           "i've": "you've", "i'll": "you'll", "i'd": "you'd", "am": "are", "we": "you", "us": "you",
           "our": "your", "ours": "yours", "were": "were"}
_EMOJIS = ("🚀", "✨", "💡", "📈", "🔍", "🌟")
_QA_QUESTIONS = ("What is it about?", "What stands out?", "What is the verdict?", "What else should you know?",
                 "Anything more?", "Any last word?")

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def _pick(doc_id: str, options: tuple[str, ...]) -> str:
    h = int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=4).digest(), "little")
    return options[h % len(options)]


def _swap_words(sentence: str, table: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        new = table.get(word.lower())
        if new is None:
            return word
        # "I" is upper case anywhere; its replacement only at the start of the sentence.
        upper = word[0].isupper() and (m.start() == 0 or not word.lower().startswith("i"))
        return new[0].upper() + new[1:] if upper else new

    return re.sub(r"[A-Za-z]+(?:'[a-z]+)?", repl, sentence)


def _second_person(sentence: str) -> str:
    return _swap_words(re.sub(r"\bI was\b", "I were", sentence), _PERSON)


def _phrase_swap(sentence: str, pairs: Iterable[tuple[str, str]]) -> str:
    for old, new in pairs:
        sentence = re.sub(rf"\b{re.escape(old)}\b", new, sentence)
        cap_old, cap_new = old[0].upper() + old[1:], new[0].upper() + new[1:]
        sentence = re.sub(rf"\b{re.escape(cap_old)}\b", cap_new, sentence)
    return sentence


def _split_long(sentence: str) -> list[str]:
    parts = re.split(r", (?:and|but|so|while) (?=[a-z])|; |, which ", sentence)
    out = []
    for p in parts:
        p = p.strip()
        p = p if p.endswith(("?", "!")) else p.rstrip(".") + "."
        out.append(p[0].upper() + p[1:])
    return out


def _lower_first(s: str) -> str:
    first = s.split(" ", 1)[0]
    keep = first in ("I", "I'm", "I've", "I'd", "I'll") or (len(first) > 1 and first.isupper())
    return s if keep else s[0].lower() + s[1:]


def _topic(text: str) -> list[str]:
    """The first two substantial words of the text: what a hashtag or a teaser question is about."""
    first = split_sentences(text)[0] if text.strip() else ""
    return [w.lower() for w in re.findall(r"[A-Za-z]+", first) if len(w) >= 5 and w.lower() not in STOPWORDS][:2]


def _hashtags(text: str) -> str:
    return " ".join("#" + w.capitalize() for w in _topic(text))


def _rewrite(sentences: list[str], attrs: frozenset[Attr]) -> list[str]:
    out = []
    for s in sentences:
        if Attr.SIMPLE in attrs:
            s = re.sub(r"\s*\([^)]*\)", "", _swap_words(s, _SIMPLER))
        if Attr.SECOND_PERSON in attrs:
            s = _second_person(s)
        if Attr.POSITIVE in attrs:
            s = _swap_words(s, _BRIGHTER)
        if Attr.INFORMAL in attrs and Attr.PROFESSIONAL not in attrs:
            s = _phrase_swap(s, _CONTRACT)
        if Attr.PROFESSIONAL in attrs:
            s = _phrase_swap(s, _EXPAND).replace("!", ".")
        out += _split_long(s) if Attr.SHORT_SENTENCES in attrs else [s]
    return out


def _summary(doc_id: str, text: str, attrs: frozenset[Attr]) -> str:
    sents = split_sentences(text)
    n = 1 if Attr.TWEET in attrs else 2 if Attr.BRIEF in attrs else 3
    body = _rewrite(sents[:n], attrs)
    if Attr.STORY in attrs:
        body[0] = "Once upon a time, " + _lower_first(body[0])
    if Attr.IMMERSIVE in attrs:
        body[0] = "Picture this: " + _lower_first(body[0])
    if Attr.PLAYFUL in attrs:
        body.insert(1, "Wow!")
    if Attr.EMOTION in attrs:
        body.insert(1, "It feels overwhelming, and a little scary.")
    if Attr.INQUISITIVE in attrs:
        body.insert(0, f"Ever wondered about {' '.join(_topic(text)) or 'this'}?")
    if Attr.KIDS in attrs:
        body.insert(0, "This is a story for little ones.")
    if Attr.POSITIVE in attrs:
        body.append("There is a bright side to all of this.")
    if Attr.REFLECT in attrs:
        body.append("Take a moment to think about what you would do.")
    if Attr.FORESHADOW in attrs:
        body.append("But the real surprise is yet to come...")
    if Attr.INTERACTIVE in attrs:
        body.append("What is your favorite part?")
    if Attr.EMOJI in attrs:
        mark = _pick(doc_id, _EMOJIS)
        body = [f"{s} {mark}" for s in body]
    if Attr.QA in attrs:
        out = "\n".join(f"Q: {_QA_QUESTIONS[i % len(_QA_QUESTIONS)]}\nA: {s}" for i, s in enumerate(body))
    elif Attr.BULLETS in attrs:
        if Attr.PARALLEL in attrs:
            body = [re.sub(r"^(?:The|A|An) ", "", s).rstrip(".!") for s in body]
            body = [s[0].upper() + s[1:] for s in body]
        out = "\n".join(f"- {s}" for s in body)
    else:
        out = " ".join(body)
    if Attr.TWEET in attrs:
        out += "\n" + _hashtags(text)
    return out


def _email(doc_id: str, text: str, attrs: frozenset[Attr]) -> str:
    sents = split_sentences(text)
    body = _rewrite(sents[: 2 if Attr.BRIEF in attrs else 3], attrs)
    if Attr.CONVERSATIONAL in attrs:
        body[0] = "So, " + _lower_first(body[0])
        if len(body) > 1:
            body[1] = "Honestly, " + _lower_first(body[1])
    if Attr.PERSONALIZED in attrs:
        body.insert(0, "I thought of you as soon as this came up.")
    if Attr.ENGAGING in attrs:
        body.insert(0, "I have some exciting news to share!" if Attr.PROFESSIONAL not in attrs
                    else "I have some exciting news to share.")
    if Attr.POSITIVE in attrs:
        body.append("I am really hopeful about where this is going.")
    if Attr.RESPECTFUL in attrs:
        body.append("I would appreciate your thoughts on this, if you have the time.")
    if Attr.CALL_TO_ACTION in attrs:
        body.append("Could you let me know what you think by Friday?")
    if Attr.EMOJI in attrs:
        body = [f"{s} {_pick(doc_id, _EMOJIS)}" for s in body]
    text_body = "\n".join(f"{i + 1}. {s}" for i, s in enumerate(body)) if Attr.NUMBERED in attrs else " ".join(body)
    greeting = {Attr.GREETING_PERSONAL: "Hi Sam,", Attr.GREETING_FORMAL: "Dear colleague,",
                Attr.GREETING_CASUAL: "Hey there!"}
    closing = {Attr.CLOSING_NONE: "", Attr.CLOSING_THANKS: "Thank you so much for your time and support!\nBest,\nJordan",
               Attr.CLOSING_FORMAL: "Kind regards,\nJordan"}
    hello = next((greeting[g] for g in GREETINGS if g in attrs), "Hello,")
    bye = next((closing[c] for c in CLOSINGS if c in attrs), "Best,\nJordan")
    return f"{hello}\n\n{text_body}" + (f"\n\n{bye}" if bye else "")


def render(task: str, text: str, attrs: Iterable[Attr]) -> str:
    """Write the summary (or email) of ``text`` with the given attributes (ones foreign to the task are ignored).

    Uses nothing but the text, so an agent that only sees its prompt can render exactly what the user would.
    """
    chosen = frozenset(attrs) & TASK_ATTRS[task]
    doc_id = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return _summary(doc_id, text, chosen) if task == "summarization" else _email(doc_id, text, chosen)


_DETECT: dict[Attr, re.Pattern[str]] = {
    Attr.QA: re.compile(r"^Q: .*\nA: ", re.MULTILINE),
    Attr.BULLETS: re.compile(r"^- ", re.MULTILINE),
    Attr.NUMBERED: re.compile(r"^\d+\. ", re.MULTILINE),
    Attr.TWEET: re.compile(r"\n#\w+"),
    Attr.EMOJI: re.compile("[" + "".join(_EMOJIS) + "]"),
    Attr.GREETING_PERSONAL: re.compile(r"\AHi Sam,"),
    Attr.GREETING_FORMAL: re.compile(r"\ADear colleague,"),
    Attr.GREETING_CASUAL: re.compile(r"\AHey there!"),
    Attr.CLOSING_THANKS: re.compile(r"Thank you so much for your time and support!\nBest,\nJordan\Z"),
    Attr.CLOSING_FORMAL: re.compile(r"Kind regards,\nJordan\Z"),
    Attr.STORY: re.compile(r"Once upon a time, "),
    Attr.IMMERSIVE: re.compile(r"Picture this: "),
    Attr.PLAYFUL: re.compile(r"\bWow!"),
    Attr.EMOTION: re.compile(r"It feels overwhelming"),
    Attr.INQUISITIVE: re.compile(r"Ever wondered about "),
    Attr.KIDS: re.compile(r"This is a story for little ones\."),
    Attr.REFLECT: re.compile(r"Take a moment to think"),
    Attr.FORESHADOW: re.compile(r"the real surprise is yet to come"),
    Attr.INTERACTIVE: re.compile(r"What is your favorite part\?"),
    Attr.CONVERSATIONAL: re.compile(r"\bSo, .*Honestly, |\bSo, ", re.DOTALL),
    Attr.PERSONALIZED: re.compile(r"I thought of you as soon as"),
    Attr.ENGAGING: re.compile(r"I have some exciting news to share"),
    Attr.RESPECTFUL: re.compile(r"I would appreciate your thoughts"),
    Attr.CALL_TO_ACTION: re.compile(r"Could you let me know what you think"),
}


def detect(task: str, text: str, *, only: Iterable[Attr] | None = None) -> set[Attr]:
    """Attributes whose visible signature ``text`` carries (the ones a reader can spot without the source)."""
    allowed = TASK_ATTRS[task] if only is None else TASK_ATTRS[task] & set(only)
    found = {a for a, rx in _DETECT.items() if a in allowed and rx.search(text)}
    if Attr.BULLETS in found and Attr.PARALLEL in allowed and not re.search(r"^- .*[.!?]$", text, re.MULTILINE):
        found.add(Attr.PARALLEL)
    if task == "email" and Attr.CLOSING_NONE in allowed and not text.rstrip().endswith("Jordan"):
        found.add(Attr.CLOSING_NONE)
    return found
