"""Session plans (what a session reveals, changes or overrides) and their rendering into dialogues, with the five
PERMA noise types, for the synthetic generator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from benchmarks.perma import phrasing as P
from benchmarks.perma.catalog import Domain, Slot

__all__ = ["Plan", "Rendered", "annotation", "merge_turns", "render"]

NOISE_OMITTED, NOISE_SWITCH, NOISE_INCONSISTENT, NOISE_LANGUAGE, NOISE_COLLOQUIAL = 1, 2, 3, 4, 5


@dataclass
class Plan:
    """What one session does. Values are ``(slot, value)`` pairs of the session's domain."""

    domain: Domain
    kind: str  # preference_emergence | preference_supplement
    reveals: list[tuple[Slot, str]] = field(default_factory=list)
    restate: list[tuple[Slot, str]] = field(default_factory=list)
    change: tuple[Slot, str, str, str] | None = None  # slot, old, new, reason
    temporary: tuple[Slot, str, str, str] | None = None  # slot, standing, one-off value, occasion
    dependency: tuple[Domain, Slot, str] | None = None
    noise: int = 0  # applied to plain supplement sessions in the noisy variant
    noise_label: int = 0  # what the file says (emergence sessions carry a label only)
    date: datetime | None = None
    date_text: str = ""
    task_id: str = ""
    retracted: str | None = None  # the value tried then taken back (noise 3)

    @property
    def plain(self) -> bool:
        return self.kind == "preference_supplement" and self.change is None and self.temporary is None


@dataclass
class Rendered:
    conversation: list[dict[str, str]]
    retracted: str | None = None
    story: str | None = None  # natural style: the life event or occasion told for a change or a one-off


def annotation(plan: Plan) -> str:
    """The gold ``Domain-Slot-Value`` string of a session."""
    d = plan.domain.name
    items = [f"{d}-{s.name}-{v}" for s, v in plan.reveals + plan.restate]
    if plan.change:
        items.append(f"{d}-{plan.change[0].name}-{plan.change[2]}")
    if plan.temporary:
        s, standing, tmp, _ = plan.temporary
        items += [f"{d}-{s.name}-{tmp} temporary", f"{d}-{s.name}-{standing}"]
    if plan.dependency:
        dom, s, v = plan.dependency
        items.append(f"{dom.name}-{s.name}-{v}")
    return ", ".join(items)


def _statement(slot: Slot, value: str, rng: random.Random, *, answer: bool = False) -> str:
    frames = list(slot.templates)
    if slot.kind == "thing":
        frames += list(P.ANSWER_FRAMES if answer else P.STATEMENT_FRAMES)
    return P.fill(rng.choice(frames), v=value, noun=slot.noun)


def _distractor(slot: Slot, avoid: set[str], rng: random.Random) -> str:
    pool = [v for v in slot.values if v not in avoid]
    return rng.choice(pool) if pool else slot.values[0]


class _Dialogue:
    def __init__(self, plan: Plan, rng: random.Random, noise: int, lang: str) -> None:
        self.plan, self.rng, self.noise, self.lang = plan, rng, noise, lang
        self.msgs: list[dict[str, str]] = []
        self.retracted: str | None = None

    def user(self, text: str) -> None:
        self.msgs.append({"role": "user", "content": text})

    def bot(self, text: str, *, ask: bool = False) -> None:
        """An assistant turn, padded with detail sentences; a question usually stays the turn's last sentence."""
        extra = " ".join(self.rng.sample(P.DETAILS, self.rng.choice((1, 1, 2, 2, 3))))
        first = (ask or text.rstrip().endswith("?")) and self.rng.random() < 0.8
        self.msgs.append({"role": "assistant", "content": f"{extra} {text}" if first else f"{text} {extra}"})

    def say(self, slot: Slot, value: str, *, answer: bool = False) -> str:
        if self.noise == NOISE_LANGUAGE:
            return P.fill(self.rng.choice(P.LANGUAGES[self.lang]["value"]), v=value)
        return _statement(slot, value, self.rng, answer=answer)


def render(plan: Plan, rng: random.Random, *, noise: int = 0, lang: str = "es") -> Rendered:
    """The conversation of one session; ``noise`` is one of PERMA's codes 0-5."""
    d = _Dialogue(plan, rng, noise, lang)
    dom = plan.domain
    opener = rng.choice(dom.openers)
    if noise == NOISE_LANGUAGE:
        opener = P.fill(rng.choice(P.LANGUAGES[lang]["open"]), thing=dom.thing)
    if rng.random() < 0.5:
        opener = f"{opener} {rng.choice(P.FILLERS)}" if rng.random() < 0.5 else f"{rng.choice(P.FILLERS)} {opener}"
    reveals = list(plan.reveals)
    if reveals and plan.kind == "preference_emergence" and rng.random() < 0.5:
        slot, value = reveals.pop(0)
        opener = f"{opener} {d.say(slot, value)}"
    d.user(opener)
    if noise == NOISE_SWITCH:
        question, reply = rng.choice(P.DIGRESSIONS)
        d.bot("Sure, I can help with that.")
        d.user(question)
        d.bot(reply)
    _reveal(d, reveals, noise)
    for slot, value in plan.restate:
        if noise == NOISE_OMITTED:
            d.bot(P.fill(rng.choice(P.PROPOSE), v=value))
            d.user(rng.choice(P.ACCEPT))
        else:
            d.bot(P.fill(rng.choice(P.ASK), noun=slot.noun), ask=True)
            d.user(d.say(slot, value, answer=True))
    if plan.change:
        slot, old, new, reason = plan.change
        d.bot("Sure. Anything I should know before I set this up?")
        d.user(P.fill(rng.choice(P.CHANGE), old=old, new=new, noun=slot.noun, reason=reason))
        d.bot(f"Thanks for letting me know. I've updated your {slot.noun} to {new}.")
    if plan.temporary:
        slot, standing, tmp, occasion = plan.temporary
        d.bot(f"Okay. Should I use your usual {slot.noun}?")
        d.user(P.fill(rng.choice(P.TEMPORARY), tmp=tmp, standing=standing, noun=slot.noun, occasion=occasion))
        d.bot(f"Got it: {tmp} this one time, and your usual {slot.noun} stays {standing}.")
    if plan.dependency:
        other, slot, value = plan.dependency
        d.user(P.fill(rng.choice(P.DEPENDENCY), activity=other.activity, v=value))
        d.bot(f"Noted, I'll plan around {other.activity} too.")
    if noise == NOISE_LANGUAGE:
        d.user(rng.choice(P.LANGUAGES[lang]["thanks"]))
    else:
        d.user(rng.choice(P.THANKS))
    d.bot(rng.choice(P.BYE))
    if noise == NOISE_COLLOQUIAL:
        values = tuple(v for _, v in plan.reveals + plan.restate) + ((plan.dependency[2],) if plan.dependency else ())
        for m in d.msgs:
            if m["role"] == "user":
                m["content"] = P.colloquial(m["content"], rng, values)
    return Rendered(merge_turns(d.msgs), d.retracted)


def merge_turns(msgs: list[dict[str, str]]) -> list[dict[str, str]]:
    """Consecutive messages of one role become one message, so turns alternate as in the release."""
    out: list[dict[str, str]] = []
    for m in msgs:
        if out and out[-1]["role"] == m["role"]:
            out[-1] = {"role": m["role"], "content": f"{out[-1]['content']} {m['content']}"}
        else:
            out.append(dict(m))
    return out


def _reveal(d: _Dialogue, reveals: list[tuple[Slot, str]], noise: int) -> None:
    rng = d.rng
    while reveals:
        batch, reveals = reveals[:2], reveals[2:]
        if len(batch) == 2 and batch[0][0] is not batch[1][0]:
            d.bot(P.fill(rng.choice(P.ASK_TWO), n1=batch[0][0].noun, n2=batch[1][0].noun), ask=True)
        else:
            d.bot(P.fill(rng.choice(P.ASK), noun=batch[0][0].noun), ask=True)
        slot, value = batch[0]
        if noise == NOISE_OMITTED:
            d.user("Hmm, you know what I like, I think.")
            d.bot(f"Would {value} work for you?")
            d.user(rng.choice(P.ACCEPT) + (" " + d.say(*batch[1]) if len(batch) > 1 else ""))
        elif noise == NOISE_INCONSISTENT and d.retracted is None:
            x = _distractor(slot, {value}, rng)
            d.retracted = x
            d.user(P.fill(rng.choice(P.RETRACT_TRY), x=x))
            d.bot(f"Sure, I can switch to {x}.")
            revert = P.fill(rng.choice(P.RETRACT_REVERT), x=x, v=value)
            d.user(revert if value.lower() in revert.lower() else f"{revert} {d.say(slot, value)}")
            if len(batch) > 1:
                d.bot("Okay, back to what you had.")
                d.user(d.say(*batch[1], answer=True))
        elif rng.random() < 0.2 and noise != NOISE_LANGUAGE:
            a, b = (_distractor(slot, {value}, rng) for _ in range(2))
            options = [value, a, b] if a != b else [value, a, _distractor(slot, {value, a}, rng)]
            rng.shuffle(options)
            d.bot(P.fill(rng.choice(P.OPTIONS_OFFER), a=options[0], b=options[1], c=options[2]))
            d.user(P.fill(rng.choice(P.PICK), v=value) + (" " + d.say(*batch[1]) if len(batch) > 1 else ""))
        else:
            parts = [d.say(s, v, answer=i == 0) for i, (s, v) in enumerate(batch)]
            if rng.random() < 0.35 and noise != NOISE_LANGUAGE:
                parts.insert(rng.randrange(len(parts) + 1), rng.choice(P.FILLERS))
            d.user(" ".join(parts))
        vals = " and ".join(v for _, v in batch)
        d.bot(P.fill(rng.choice(P.CONFIRM), vals=vals))
