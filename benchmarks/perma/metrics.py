"""Offline, retrieval-level PERMA metrics: which gold preference values a recalled context contains.

For a question asked at time ``t`` about domains ``D``:

* **gold** = values annotated in sessions before ``t`` in ``D``, minus one-off (temporary) values and values a
  genuine change replaced before ``t`` (unless said again later);
* **facet recall** = share of gold values found in the recalled entries (also restricted to the task's slots);
* **future leak** = values that no session before ``t`` contains, found in the context (must be 0);
* **stale** = for each change ``old -> new`` before ``t`` in ``D``: ``old`` shown by an entry that does not also
  name ``new`` (an entry naming both is a change record, not a stale claim) and is not explained by a current value
  whose words include the old one's (the current "aisle seats near the exit" is not the replaced "an aisle seat");
* **override kept** = after a one-off override, the standing value is still recalled;
* **off-domain share** = entries naming gold values of other domains only, over entries naming any gold value.

A value is *found* in an entry when its normalised text occurs as a phrase, or all its content words occur in
that one entry (systems paraphrase: "User is vegetarian." holds the value "vegetarian"). The strict variant
(``found_strict``) and the future-leak check accept the phrase only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from benchmarks.perma.loader import Change, Facet, Question, UserData
from memagent._lexical import content_words

__all__ = ["Gold", "GoldIndex", "QuestionScore", "covering_values", "matches", "normalize", "score_entries",
           "states_old_value", "values_in"]

_NON_WORD = re.compile(r"[^0-9a-z$€£%]+")


def normalize(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


class _Entry:
    """An entry prepared once for many value lookups."""

    __slots__ = ("padded", "words")

    def __init__(self, text: str) -> None:
        self.padded = f" {normalize(text)} "
        self.words = frozenset(content_words(text))


@functools.lru_cache(maxsize=65536)
def _prep(value: str) -> tuple[str, frozenset[str]]:
    return f" {normalize(value)} ", frozenset(content_words(value))


def _value_match(value: str, entry: _Entry) -> bool:
    phrase, cw = _prep(value)
    # A phrase occurrence implies all its content words occur, so the word test alone decides when there are any.
    return cw <= entry.words if cw else phrase.strip() != "" and phrase in entry.padded


class _ValueSet:
    """Many values indexed by one of their content words, so an entry is checked against a few candidates."""

    def __init__(self, values: Sequence[str]) -> None:
        self.by_word: dict[str, list[str]] = {}
        self.wordless: list[str] = []
        for v in dict.fromkeys(values):
            cw = _prep(v)[1]
            if cw:
                self.by_word.setdefault(min(cw), []).append(v)
            else:
                self.wordless.append(v)

    def found_in(self, entry: _Entry) -> set[str]:
        cands = [v for w in entry.words for v in self.by_word.get(w, ())] + self.wordless
        return {v for v in cands if _value_match(v, entry)}


def _phrase_match(value: str, entry: _Entry) -> bool:
    phrase = _prep(value)[0]
    return phrase.strip() != "" and phrase in entry.padded


def matches(value: str, text: str) -> bool:
    """True when ``text`` contains ``value`` (as a phrase, or all of its content words)."""
    return _value_match(value, _Entry(text))


def values_in(values: Sequence[str], text: str) -> set[str]:
    """The ``values`` that :func:`matches` finds in ``text``, checked together (one tokenisation of the text)."""
    return _ValueSet(values).found_in(_Entry(text))


@dataclass
class Gold:
    current: list[Facet]
    slots: list[Facet]  # the subset in the task's Relevant Affinity Types
    future: list[str]
    changes: list[Change]  # genuine changes before t in the task's domains whose old value is not current
    overrides: list[Change]  # one-off overrides before t whose standing value is current
    other_domains: list[Facet]  # current values of the user's other domains (for off-domain share)


class GoldIndex:
    """Per-user gold bookkeeping: reveals, first appearance of each value in the dialogue, changes."""

    def __init__(self, user: UserData) -> None:
        self.user = user
        self.reveals = [(s.date, f) for s in user.sessions for f in s.facets if not f.temporary]
        self.changes = [c for c in user.changes if c.kind == "change"]
        self.overrides = [c for c in user.changes if c.kind == "temporary"] + _overrides_from_annotations(user)
        values = _ValueSet([f.value for s in user.sessions for f in s.facets]
                           + [v for c in user.changes for v in (c.old, c.new)])
        self.first_seen: dict[str, datetime] = {}
        # Sessions are in time order, so the first hit is the first appearance. A whole session is the unit: what a
        # system derives from one session (a chunk of turns, a memory labelled with the session's topic) may join
        # words of several of its messages, never words of a session it has not seen.
        for s in user.sessions:
            for v in values.found_in(_Entry(" ".join(m["content"] for m in s.conversation))):
                self.first_seen.setdefault(v, s.date)

    def current(self, t: datetime) -> list[Facet]:
        """Values standing at ``t``: revealed before it and not replaced by a later change."""
        state: dict[tuple[str, str], tuple[datetime, Facet | None]] = {}
        events: list[tuple[datetime, int, Facet | None, tuple[str, str]]] = []
        for d, f in self.reveals:
            if d < t:
                events.append((d, 1, f, (f.domain, normalize(f.value))))
        for c in self.changes:
            if c.date < t:
                events.append((c.date, 0, None, (c.domain, normalize(c.old))))
        for d, _, f, key in sorted(events, key=lambda e: (e[0], e[1])):
            state[key] = (d, f)
        return [f for _, f in state.values() if f is not None]

    def gold(self, q: Question) -> Gold:
        current = self.current(q.date)
        domains = set(q.domains)
        inside = [f for f in current if f.domain in domains]
        now = {(f.domain, normalize(f.value)) for f in current}
        qtext = q.question
        future = [v for v, d in self.first_seen.items() if d >= q.date and not matches(v, qtext)]
        changes = [c for c in self.changes if c.date < q.date and c.domain in domains
                   and (c.domain, normalize(c.old)) not in now and normalize(c.old) != normalize(c.new)]
        overrides = [c for c in self.overrides if c.date < q.date and c.domain in domains
                     and (c.domain, normalize(c.old)) in now]
        return Gold(current=inside, slots=[f for f in inside if f.slot in set(q.slots)], future=future,
                    changes=changes, overrides=overrides,
                    other_domains=[f for f in current if f.domain not in domains])


def _overrides_from_annotations(user: UserData) -> list[Change]:
    """The release marks a one-off value with ' temporary'; its standing value is the slot's latest other value."""
    out = []
    for s in user.sessions:
        for f in s.facets:
            if not f.temporary:
                continue
            standing = [g for t in user.sessions if t.date <= s.date for g in t.facets
                        if g.domain == f.domain and g.slot == f.slot and not g.temporary]
            if standing:
                out.append(Change(s.date, f.domain, f.slot, standing[-1].value, f.value, "temporary", s.task_id))
    return out


@dataclass
class QuestionScore:
    found: int = 0
    found_strict: int = 0  # the value as a phrase, verbatim after normalisation
    total: int = 0
    slot_found: int = 0
    slot_total: int = 0
    leaked: list[str] = field(default_factory=list)
    stale: int = 0
    stale_pairs: int = 0
    override_kept: int = 0
    override_pairs: int = 0
    off_domain: int = 0
    attributed: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.total if self.total else None


def covering_values(change: Change, current: Sequence[str]) -> list[str]:
    """Current values whose words include the old value's: an entry naming one of them is explained by it ("aisle
    seats near the exit" is not the replaced "an aisle seat")."""
    return [v for v in current if _prep(change.old)[1] <= _prep(v)[1] and normalize(v) != normalize(change.old)]


def states_old_value(change: Change, entry: str | _Entry, covers: Sequence[str]) -> bool:
    """Whether ``entry`` presents the old value of ``change`` as current: it names the old value, not the new one
    (an entry naming both is a change record), and no value of ``covers`` (:func:`covering_values`)."""
    e = _entry(entry) if isinstance(entry, str) else entry
    return _value_match(change.old, e) and not _value_match(change.new, e) and not any(_value_match(v, e) for v in covers)


@functools.lru_cache(maxsize=200_000)
def _entry(text: str) -> _Entry:
    return _Entry(text)


def score_entries(gold: Gold, texts: Sequence[str]) -> QuestionScore:
    """Score one recalled context (a list of entry texts) against the gold of its question."""
    entries = [_entry(t) for t in texts]
    mine_set = _ValueSet([f.value for f in gold.current])
    other_set = _ValueSet([f.value for f in gold.other_domains])
    future_set = _ValueSet(gold.future)
    hits: set[str] = set()
    strict: set[str] = set()
    leaked: set[str] = set()
    attributed = off_domain = 0
    for e in entries:
        mine, other = mine_set.found_in(e), other_set.found_in(e)
        hits |= mine
        strict |= {v for v in mine if _phrase_match(v, e)}
        # Leaks count verbatim phrases only: loose word matches of a future value are chance (a date, a label).
        leaked |= {v for v in future_set.found_in(e) if _phrase_match(v, e)}
        attributed += bool(mine or other)
        off_domain += bool(other and not mine)
    s = QuestionScore(total=len(gold.current), slot_total=len(gold.slots))
    s.found = sum(f.value in hits for f in gold.current)
    s.found_strict = sum(f.value in strict for f in gold.current)
    s.slot_found = sum(f.value in hits for f in gold.slots)
    s.leaked = sorted(leaked)
    current_all = [f.value for f in gold.current + gold.other_domains]
    for c in gold.changes:
        s.stale_pairs += 1
        covers = covering_values(c, current_all)
        s.stale += any(states_old_value(c, e, covers) for e in entries)
    for c in gold.overrides:
        s.override_pairs += 1
        s.override_kept += any(_value_match(c.old, e) for e in entries)
    s.attributed, s.off_domain = attributed, off_domain
    return s
