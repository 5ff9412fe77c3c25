"""The generator's ``natural`` style: the same session plans as the default style, told the way people talk.

The assistant carries most turns (it lists options, names a guess, sums up) and the user answers briefly ("the
middle one", "yeah go on"); preferences come out in stories and complaints; a value is sometimes only named by
the assistant and confirmed by the user; changes are told as life events; small talk and whole unrelated
sessions sit in between; some users type in lowercase or with typos. Every value a session is annotated with
occurs in that session's text (:func:`unsaid` checks it with the harness's own matcher).

Phrasing comes from :mod:`benchmarks.perma.phrasing_natural` and :mod:`benchmarks.perma.natural_topics`, written
without reading memagent's extraction rules; the catalog contributes only values and what a session is about.
"""

from __future__ import annotations

import random
import re

from benchmarks.perma import natural_topics as T
from benchmarks.perma import phrasing_natural as N
from benchmarks.perma.catalog import Slot
from benchmarks.perma.metrics import matches
from benchmarks.perma.synth_sessions import (
    NOISE_COLLOQUIAL,
    NOISE_INCONSISTENT,
    NOISE_LANGUAGE,
    NOISE_OMITTED,
    NOISE_SWITCH,
    Plan,
    Rendered,
    merge_turns,
)

__all__ = ["HABITS", "annotated_values", "rehabit", "render_natural", "render_off_topic", "unsaid"]

# How a user types; drawn once per user. "sloppy" is lowercase with typos and shorthand.
HABITS = ("plain", "plain", "lowercase", "lowercase", "sloppy", "brisk")
# Moves that reveal one value, with weights; NOISE_OMITTED keeps the two where only the assistant names it.
MOVES = (("story", 5), ("names", 4), ("list", 4), ("answer", 3), ("contrast", 2))
_SHORTHAND = ((r"\byou\b", "u"), (r"\bplease\b", "pls"), (r"\bthough\b", "tho"), (r"\bbecause\b", "bc"),
              (r"\bprobably\b", "prob"), (r"\btomorrow\b", "tmrw"), (r"\bokay\b", "k"), (r"\bto be honest\b", "tbh"))


def annotated_values(plan: Plan) -> list[str]:
    """The values a session's annotation names (see :func:`benchmarks.perma.synth_sessions.annotation`)."""
    vals = [v for _, v in plan.reveals + plan.restate]
    if plan.change:
        vals.append(plan.change[2])
    if plan.temporary:
        vals += [plan.temporary[2], plan.temporary[1]]
    if plan.dependency:
        vals.append(plan.dependency[2])
    return vals


def unsaid(plan: Plan, conversation: list[dict[str, str]]) -> list[str]:
    """Annotated values the session's text does not contain by the benchmark's matcher (empty when consistent)."""
    text = " ".join(m["content"] for m in conversation)
    return [v for v in annotated_values(plan) if not matches(v, text)]


class _Talk:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.msgs: list[dict[str, str]] = []
        self.used: set[str] = set()  # filler sentences already said in this session

    def user(self, text: str) -> None:
        if text:
            self.msgs.append({"role": "user", "content": text})

    def bot(self, text: str, *, pad: float = 0.85) -> None:
        """An assistant turn; most get one or two filler sentences, since real assistant turns run long."""
        fresh = [f for f in N.ASSISTANT_FILLER if f not in self.used]
        if self.rng.random() < pad and len(fresh) >= 2:
            picked = self.rng.sample(fresh, self.rng.choice((1, 1, 2)))
            self.used.update(picked)
            extra = " ".join(picked)
            text = f"{extra} {text}" if text.endswith("?") else f"{text} {extra}"
        self.msgs.append({"role": "assistant", "content": text})

    def pick(self, pool: tuple[str, ...], **kw: str) -> str:
        return self.rng.choice(pool).format(**kw)


def _distractors(slot: Slot, avoid: set[str], rng: random.Random, n: int) -> list[str]:
    pool = [v for v in slot.values if v not in avoid]
    rng.shuffle(pool)
    return pool[:n]


def _reveal(t: _Talk, slot: Slot, value: str, avoid: set[str], noise: int, lang: str) -> None:
    rng = t.rng
    moves = [m for m in MOVES if noise != NOISE_OMITTED or m[0] in ("names", "list")]
    move = rng.choices([m for m, _ in moves], [w for _, w in moves])[0]
    others = _distractors(slot, avoid | {value}, rng, 2)
    if move in ("list", "contrast") and len(others) < (2 if move == "list" else 1):
        move = "names"
    if noise == NOISE_LANGUAGE:
        t.bot(t.pick(N.ASSISTANT_TAKE))
        t.user(t.pick(T.FOREIGN[lang], v=value))
        t.bot(t.pick(N.LIST_TAKE, v=value), pad=0.3)
    elif move == "story":
        t.user(t.pick(N.STORIES[slot.kind], v=value))
        t.bot(rng.choice(("That makes sense, I'll factor it in.", "Good to know, thanks for explaining.",
                          "Fair enough! I'll bear that in mind.", "Understood.")))
    elif move == "names":
        t.user(t.pick(N.VAGUE_WISH))
        t.bot(t.pick(N.ASSISTANT_NAMES, v=value))
        t.user(t.pick(N.CONFIRM))
    elif move == "list":
        options = [value, *others]
        rng.shuffle(options)
        t.bot(t.pick(N.LIST_OFFER, a=options[0], b=options[1], c=options[2]))
        t.user(t.pick(N.ORDINAL_PICK, o=rng.choice(N.ORDINALS[options.index(value)])))
        t.bot(t.pick(N.LIST_TAKE, v=value), pad=0.4)
    elif move == "answer":
        t.bot(t.pick(N.ASSISTANT_TAKE))
        t.user(t.pick(N.BARE_ANSWER, v=value))
        t.bot(rng.choice(("Noted.", "Okay, on it.", "Sure.", f"{value[:1].upper()}{value[1:]}, got it.")), pad=0.5)
    else:
        t.user(t.pick(N.CONTRAST, x=others[0], v=value))
        t.bot(rng.choice(("Ha, fair. I'll steer clear of that.", "Got it, I'll go the other way then.",
                          "No problem, noted.")))


def _recap(t: _Talk, a: str, b: str) -> None:
    t.user(t.pick(N.VAGUE_WISH))
    t.bot(t.pick(N.RECAP, a=a, b=b))
    t.user(t.pick(N.CONFIRM))


def _retry(t: _Talk, slot: Slot, value: str, avoid: set[str]) -> str | None:
    """Noise 3: another value tried, then taken back; returns the tried value."""
    others = _distractors(slot, avoid | {value}, t.rng, 1)
    if not others:
        return None
    x = others[0]
    t.user(t.pick(N.RETRY_TRY, x=x))
    t.bot(f"{x[:1].upper()}{x[1:]} is doable too. Want me to swap it in?", pad=0.3)
    t.user(t.pick(N.RETRY_BACK, x=x, v=value))
    t.bot("No problem, leaving it as it was.", pad=0.2)
    return x


def _change(t: _Talk, slot: Slot, old: str, new: str) -> str:
    rng = t.rng
    story = rng.choice(N.LIFE_STORIES.get(slot.kind, ()) + N.LIFE_STORIES["any"])
    t.bot(rng.choice(("Before I set this up, has anything changed since last time?",
                      "Anything new on your side I should know about?", "How have things been, by the way?")))
    if rng.random() < 0.5:
        t.user(t.pick(N.CHANGE_USER, story=story, old=old, new=new))
    else:
        t.user(story)
        t.bot(t.pick(N.CHANGE_ASSISTANT, old=old, new=new), pad=0.3)
        t.user(t.pick(N.CONFIRM))
    t.bot(t.pick(N.CHANGE_ACK, new=new))
    return story


def _temporary(t: _Talk, standing: str, tmp: str) -> str:
    rng = t.rng
    occasion = rng.choice(N.OCCASION_STORIES)
    form = rng.randrange(3)
    if form == 0:
        t.user(t.pick(N.TEMP_USER, occasion=occasion, tmp=tmp, standing=standing))
        t.bot(rng.choice(("Understood, a one-off then.", "Sure, just this once.", "No problem, noted as an exception.")))
    elif form == 1:
        t.user(t.pick(N.TEMP_REQUEST, occasion=occasion, tmp=tmp))
        t.bot(t.pick(N.TEMP_ASSISTANT, tmp=tmp, standing=standing))
        t.user(t.pick(N.CONFIRM))
    else:
        t.bot(t.pick(N.RECALL_CHECK, v=standing))
        t.user("not this time. " + t.pick(N.TEMP_REQUEST, occasion=occasion, tmp=tmp))
        t.bot(t.pick(N.TEMP_ASSISTANT, tmp=tmp, standing=standing), pad=0.3)
    return occasion


def render_natural(plan: Plan, rng: random.Random, *, habit: str, avoid: dict[str, set[str]], noise: int = 0,
                   lang: str = "es") -> Rendered:
    """One session in the natural style. ``avoid`` maps a slot name to every value this user ever holds for it,
    so that listed alternatives are never one of the user's own (past, future or one-off) values."""
    t = _Talk(rng)
    dom = plan.domain
    greet = "" if habit == "brisk" else rng.choice(N.GREETING)
    t.user(f"{greet} {rng.choice(T.OPENERS[dom.name])}".strip())
    t.bot(t.pick(N.ASSISTANT_OPEN, thing=dom.thing))
    if noise == NOISE_SWITCH or rng.random() < 0.3:
        for u, a in rng.sample(T.SMALL_TALK, 2 if noise == NOISE_SWITCH else 1):
            t.user(u)
            t.bot(a, pad=0.2)
    retracted = None
    reveals = list(plan.reveals)
    while reveals:
        if len(reveals) >= 2 and noise != NOISE_LANGUAGE and rng.random() < 0.25:
            (_, a), (_, b) = reveals[:2]
            reveals = reveals[2:]
            _recap(t, a, b)
            continue
        slot, value = reveals.pop(0)
        _reveal(t, slot, value, avoid.get(slot.name, set()), noise, lang)
        if noise == NOISE_INCONSISTENT and retracted is None:
            retracted = _retry(t, slot, value, avoid.get(slot.name, set()))
    for slot, value in plan.restate:
        if rng.random() < 0.6:
            t.bot(t.pick(N.RECALL_CHECK, v=value))
            t.user(t.pick(N.CONFIRM))
        else:
            t.user(t.pick(N.STORIES[slot.kind], v=value))
            t.bot("Same as before then, perfect.", pad=0.3)
    story = None
    if plan.change:
        slot, old, new, _ = plan.change
        story = _change(t, slot, old, new)
    if plan.temporary:
        _, standing, tmp, _ = plan.temporary
        story = _temporary(t, standing, tmp)
    if plan.dependency:
        other, _, value = plan.dependency
        if rng.random() < 0.5:
            t.bot(t.pick(N.DEPEND_ASSISTANT, activity=other.activity, v=value))
            t.user(t.pick(N.CONFIRM))
        else:
            t.user(t.pick(N.DEPEND_USER, activity=other.activity, v=value))
            t.bot("Noted, I'll plan around that as well.", pad=0.2)
    if habit != "brisk":
        t.user(rng.choice(N.CLOSE_USER))
    t.bot(rng.choice(N.CLOSE_ASSISTANT), pad=0.0)
    protect = tuple(annotated_values(plan))
    out = rehabit(t.msgs, "sloppy" if noise == NOISE_COLLOQUIAL else habit, rng, protect)
    return Rendered(merge_turns(out), retracted, story)


def render_off_topic(rng: random.Random, habit: str) -> list[dict[str, str]]:
    """A session about nothing the benchmark asks: small talk and one unrelated task."""
    t = _Talk(rng)
    script = rng.choice(T.OFF_TOPIC)
    greet = "" if habit == "brisk" else rng.choice(N.GREETING)
    first, reply = script[0]
    t.user(f"{greet} {first}".strip())
    t.bot(reply, pad=0.2)
    for u, a in script[1:]:
        t.user(u)
        t.bot(a, pad=0.2)
    if rng.random() < 0.5:
        u, a = rng.choice(T.SMALL_TALK)
        t.user(u)
        t.bot(a, pad=0.0)
    t.user(rng.choice(N.CLOSE_USER))
    t.bot(rng.choice(N.CLOSE_ASSISTANT), pad=0.0)
    return merge_turns(rehabit(t.msgs, habit, rng, ()))


def rehabit(msgs: list[dict[str, str]], habit: str, rng: random.Random,
            protect: tuple[str, ...]) -> list[dict[str, str]]:
    """The user's typing habit on their turns; ``protect`` values keep their letters (case may change)."""
    return [{**m, "content": _type_like(m["content"], habit, rng, protect)} if m["role"] == "user" else dict(m)
            for m in msgs]


def _type_like(text: str, habit: str, rng: random.Random, protect: tuple[str, ...]) -> str:
    if habit in ("plain", "brisk"):
        text = text[:1].upper() + text[1:]
        return text if text[-1:] in ".!?)" else text + "."
    if habit == "lowercase":
        return text.lower().rstrip(".")
    keep = sorted({p for p in protect if p}, key=len, reverse=True)
    parts = re.split("(" + "|".join(re.escape(p) for p in keep) + ")", text, flags=re.I) if keep else [text]
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a protected value
            out.append(part.lower())
            continue
        part = part.lower().replace("'", "")
        for pattern, short in _SHORTHAND:
            if rng.random() < 0.7:
                part = re.sub(pattern, short, part)
        out.append(re.sub(r"[a-z]{5,}", lambda w: _typo(w.group(0), rng), part))
    return "".join(out).rstrip(".")


def _typo(word: str, rng: random.Random) -> str:
    if rng.random() > 0.08:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped letters
    if kind == 1:
        return word[:i] + word[i + 1 :]  # a dropped letter
    return word[:i] + word[i] + word[i:]  # a doubled letter
