"""What a change that names no old value replaces ("long story short, vegan instead", "9:00 AM from now on").

Such a change leaves the old value current, and recalled beside the new one, unless something tells which
preference it was. The words of two values seldom do: an embedding does not know that "Fantastical" is a
calendar app as "Proton Calendar" is. Some values carry their slot with them, whatever the phrasing:

* a diet: a person keeps one diet at a time, so "vegan" replaces the "vegetarian" said (or agreed to) before,
  in whatever memory holds it: a preference, an accepted proposal, a "User said" note;
* a clock time, an amount or a part of the day: in one domain, values of one type are one slot's, so "9:00 AM"
  replaces the domain's one other time ("7:05 AM") and "early morning departures" its one other part of the day
  ("overnight buses"); with two or more there (a weekday and a weekend alarm) it is unclear which, and none is
  replaced;
* a kind of car: "an SUV" replaces the one other kind of car the user's preferences name ("an electric car"),
  under whatever domain it was filed;
* a name: "Proton Calendar" replaces the domain's one other name ("Fantastical"); with two names there (an
  artist and a streaming service) it is unclear which, and none is replaced. A name said in lower case ("pc
  instead") is known by the capitals the session or the user's memories wrote it with (:func:`known_names`);
* an amount range ("$30-$60" after "under $30"), a count of a unit of one family ("4.5 stars" after "4 stars",
  "90 minutes" after "two hours", never "4 stars" after "two hours"), the company kept ("with my partner" after
  "with my kids"): the domain's one other value of the kind.

A value that only shares its head noun with another ("short films", "animated films") names no slot: the two are
often two facets (length, genre), and such a rule retired current values.

Two values of a kind in one domain stand side by side until a change cue ("now", "these days", "switched to",
"from now on") makes one of them a change: only then does one replace the other.

These rules say which memory and which words of it were replaced; the words go on the change
(``metadata["replaces"]``), so turns from before it that state them are retired too (see
:mod:`memagent.retrieval.turns`). Past these, :class:`~memagent.graph.decide.RuleDecider` takes the one
preference of the domain clearly closest to the change (``slot_sim``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from memagent._lexical import containment, content_words
from memagent.graph.candidates import Candidate
from memagent.graph.heuristic import _DIETS
from memagent.types import MemoryItem, MemoryKind

__all__ = ["closest_value", "exclusive_targets", "known_names", "names_exclusive", "reaches", "recased", "remainder",
           "value_elements", "value_phrase", "value_type"]

# A clock time or an amount, matched whole to tell two of them apart ("7:05 AM", "$150").
_VALUE_PHRASES = {
    "time": re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b", re.I),
    "money": re.compile(r"[$€£¥]\s?\d+(?:[.,]\d+)?|\b\d+(?:[.,]\d+)?\s?(?:dollars|euros|pounds|usd|eur|gbp)\b", re.I),
}


def value_type(text: str) -> str | None:
    """'time' or 'money' when ``text`` holds a clock time or an amount: values of one slot share a type."""
    return next((name for name, rx in _VALUE_PHRASES.items() if rx.search(text)), None)


def value_phrase(text: str) -> str | None:
    """The first time or amount in ``text`` as said ("7:05 AM"), or None."""
    kind = value_type(text)
    m = _VALUE_PHRASES[kind].search(text) if kind else None
    return m.group(0) if m else None


_DIET = re.compile(rf"\b(?:{_DIETS})\b", re.I)
# "vegetarian-friendly", "vegan options for my sister": a diet word that describes a place or dish, not the user.
_DESCRIBES = re.compile(rf"\b(?:{_DIETS})[- ](?:friendly|options?|dishes|menus?|places?|restaurants?|spots?)\b", re.I)


def _diet(text: str) -> str | None:
    m = _DIET.search(text)
    return m.group(0).lower() if m and not _DESCRIBES.search(text) else None


# A part of the day ("early morning departures", "overnight buses", "evening classes"): a travel or alarm slot
# holds one at a time, as it holds one clock time.
# Meals and the working day name parts of it too ("lunchtime visits", "after work", "first thing").
_DAYPART = re.compile(r"\b(?:(?:early|late|mid)[- ]?)?(?:mornings?|afternoons?|evenings?|nights?|overnight|midday|noon|"
                      r"midnight|dawn|dusk|sunrise|sunset|daytime|night-?time|red-?eyes?|lunch-?times?|lunch\s+hours?|"
                      r"lunch\s+breaks?|after\s+(?:work|school|dinner|lunch)|before\s+(?:work|school)|first\s+thing|"
                      r"bedtime|(?:the\s+)?small\s+hours)\b", re.I)
# A kind of car ("an SUV", "an electric car", "a hatchback"): what one rents or drives is one of them, in whatever
# domain the memory was filed under (a car's kind is said in rentals, road trips, commutes).
_VEHICLE = re.compile(r"\b(?:suvs?|sedans?|saloons?|hatchbacks?|convertibles?|minivans?|mini-vans?|people[- ]carriers?|"
                      r"mpvs?|coupes?|pick-?up\s+trucks?|pick-?ups?|4x4s?|crossovers?|station\s+wagons?|estate\s+cars?|"
                      r"(?:electric|hybrid|compact|luxury|sports|small|mid-?size|full-?size|family)\s+cars?)\b", re.I)
# A name ("Proton Calendar", "YouTube Music", "Radiolab"): a run of capitalised words. One that opens the value is
# a name only when it is all the value ("Robyn"), or more than one word: "Mostly purple" is a capitalised sentence.
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'+&.!-]*|[a-z]+[A-Z][\w'+&.-]*|\d[\w'+&.-]*)$")
# Capitalised words that name no product, place or person: pronouns, articles, days and months.
_NOT_NAME = frozenset(["i", "i'd", "i'm", "i'll", "i've", "a", "an", "the", "my", "our",
                       *"monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun".split(),
                       *"january february march april may june july august september october november december".split()])
_MAX_NAME_WORDS = 4


def _name(text: str) -> str | None:
    """The first name in ``text``, lower-cased; None when it holds none."""
    words = [w.strip(".,;:!?()\"") for w in text.split()]
    run: list[str] = []
    for n, word in enumerate([*words, ""]):
        if word and _NAME_WORD.match(word) and word.lower() not in _NOT_NAME:
            run.append(word)
            continue
        if run:
            opening = n - len(run) == 0
            # Numbers alone ("30 minutes before", "2 players") name nothing: a name has a letter in it.
            named = any(re.search(r"[^\W\d_]", w) for w in run)
            if named and len(run) <= _MAX_NAME_WORDS and (not opening or len(run) > 1 or len(words) == 1):
                return " ".join(run).lower()
            run = []
    return None


def known_names(texts: list[str]) -> dict[str, str]:
    """The names ``texts`` write with capitals ("Steam Deck", "PC"), by their lower-cased words: a name said in
    lower case later ("please not steam deck again. xbox?") is known by them. A capitalised word opening a
    sentence is no name unless more words follow it in capitals."""
    out: dict[str, str] = {}
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            words = [w.strip(".,;:!?()\"'") for w in sentence.split()]
            run: list[str] = []
            for n, word in enumerate([*words, ""]):
                if word and _NAME_WORD.match(word) and word.lower() not in _NOT_NAME and any(c.isalpha() for c in word):
                    run.append(word)
                    continue
                if run and len(run) <= _MAX_NAME_WORDS and (n - len(run) > 0 or len(run) > 1):
                    out.setdefault(" ".join(run).lower(), " ".join(run))
                run = []
    return out


def recased(value: str, names: dict[str, str]) -> str:
    """``value`` with the names of ``names`` it holds in lower case written as they were ("pc" -> "PC")."""
    if not names or any(c.isupper() for c in value):
        return value
    for lower in sorted(names, key=len, reverse=True):
        value = re.sub(rf"(?<![\w'-]){re.escape(lower)}(?![\w'-])", names[lower], value)
    return value


Finder = Callable[[str], "str | None"]

# An amount as said, a range whole ("$30-$60", "$30 to $60"): "$30-$60" after "under $30" is a new amount, though
# it opens with the old one.
_MONEY_SPAN = re.compile(r"[$€£¥]\s?\d+(?:[.,]\d+)?(?:\s?(?:-|–|to)\s?[$€£¥]?\s?\d+(?:[.,]\d+)?)?|"
                         r"\b\d+(?:[.,]\d+)?\s?(?:dollars|euros|pounds|usd|eur|gbp)\b", re.I)


def _money(text: str) -> str | None:
    if value_type(text) != "money":
        return None
    m = _MONEY_SPAN.search(text)
    return re.sub(r"\s+", "", m.group(0).lower().replace("–", "-")) if m else None


# A count of a unit ("4.5 stars", "under two hours", "three nights"): one slot holds one count of a unit, so a new
# count of the unit ("90 minutes" is a length of time as "two hours" is) replaces the domain's one other count of it.
_NUMBER = (r"\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
           r"forty|fifty|sixty|ninety|a\s+hundred|an?|half\s+an?|a\s+couple\s+of|a\s+few")
_UNITS = {"duration": r"seconds? secs? minutes? mins? hours? hrs? days? nights? weeks? months? years?",
          "rating": r"stars? points? out\s+of\s+(?:5|five|10|ten)",
          "distance": "miles? km kms kilomet(?:er|re)s? metres? meters? blocks?",
          "people": "people persons? guests? adults? players? seats? tickets?",
          "size": "inch(?:es)? gb tb cm mm kg lbs? pounds? litres? liters? beds? bedrooms? rooms?",
          "stops": "stops? layovers? connections? changes?", "pages": "pages? chapters? episodes? seasons?"}
_QUANTITY = {family: re.compile(rf"\b(?:{_NUMBER})[\s-]*(?:{'|'.join(units.split())})(?![\w$])", re.I)
             for family, units in _UNITS.items()}


def _quantity(text: str) -> str | None:
    """The first count of a unit in ``text`` as ``family: words``; None when it holds none."""
    found = [(m.start(), family, m.group(0)) for family, rx in _QUANTITY.items() if (m := rx.search(text))]
    if not found:
        return None
    _, family, said = min(found)
    return f"{family}: {' '.join(said.lower().replace('-', ' ').split()).removesuffix('s')}"


# Who the user does a thing with ("with my kids", "solo", "with a couple of friends"): one at a time per domain.
_COMPANY = re.compile(r"\b(?:(?:with|for)\s+)?(?:my|our)\s+(?:\w+\s+)?(?:kids?|children|family|partner|wife|husband|"
                      r"girlfriend|boyfriend|fianc[eé]e?|friends?|mates?|colleagues?|co-?workers?|team|parents?|"
                      r"mum|mom|dad|sister|brother|son|daughter|grandparents?|flatmates?|roommates?|other\s+half)\b|"
                      r"\bwith\s+(?:a\s+(?:few|couple\s+of)\s+|some\s+)?(?:friends|mates|colleagues|the\s+family|"
                      r"family)\b|\b(?:solo|alone|on\s+my\s+own|by\s+myself|just\s+me)\b", re.I)


def _company(text: str) -> str | None:
    m = _COMPANY.search(text)
    return re.sub(r"^(?:with|for)\s+", "", " ".join(m.group(0).lower().split())) if m else None


def _matched(rx: re.Pattern[str]) -> Finder:
    def find(text: str) -> str | None:
        m = rx.search(text)
        return " ".join(m.group(0).lower().replace("-", " ").split()).removesuffix("s") if m else None
    return find


# The kinds of value a change naming no old value may replace by, in the order a new value is read: (kind, the
# old memories' domain must be the change's, the phrase of that kind in a text or None).
_KINDS: tuple[tuple[str, bool, Finder], ...] = (("diet", False, _diet), ("time", True, lambda t: value_phrase(t) if value_type(t) == "time" else None),
          ("money", True, _money), ("quantity", True, _quantity),
          ("daypart", True, _matched(_DAYPART)), ("vehicle", False, _matched(_VEHICLE)), ("company", True, _company),
          ("name", True, _name))


def _kind(cand: Candidate) -> tuple[str, bool, str, Finder] | None:
    value = cand.value or ""
    for name, same_domain, find in _KINDS:
        phrase = find(value)
        if phrase:
            if name == "quantity":  # a count of the same unit: "90 minutes" replaces "two hours", not "4 stars"
                family = phrase.split(":")[0]
                return name, same_domain, phrase, _of_family(family)
            return name, same_domain, phrase, find
    return None


def _of_family(family: str) -> Finder:
    return lambda text: p if (p := _quantity(text)) and p.startswith(f"{family}:") else None




def names_exclusive(cand: Candidate) -> bool:
    """Whether an unnamed change's new value is of a kind these rules resolve (a diet, a time, an amount, a part
    of the day, a kind of car, a name)."""
    return bool(cand.metadata.get("changed")) and not cand.temporary and not cand.metadata.get("replaces") \
        and _kind(cand) is not None


def reaches(cand: Candidate, item: MemoryItem) -> bool:
    """Whether ``item`` may be the one an unnamed change replaces by these rules: the writer adds such items to
    the change's bucket even when they are not among its nearest."""
    if not names_exclusive(cand) or not item.is_current or item.kind == MemoryKind.INSTRUCTION or item.polarity < 0:
        return False
    name, same_domain, phrase, find = _kind(cand)  # type: ignore[misc]  # not None: names_exclusive held
    if name == "diet":  # a diet is the user's whatever memory says it: a preference, a proposal, a "User said"
        old = _diet(item.text)
        return old is not None and old != phrase
    if item.kind not in (MemoryKind.PREFERENCE, MemoryKind.EPISODE):
        return False
    # A note of what the user said ("User said: nothing beats Apple Calendar") is no typed value: only one of the
    # change's own domain may hold the old value, whatever the kind.
    if (same_domain or item.kind == MemoryKind.EPISODE) and not (cand.domain and item.domain == cand.domain):
        return False
    old = find(item.value or _body(item.text))
    return old is not None and old != phrase


# The label a note opens with ("User said: ", "One-off (temporary): "): its capitals name nothing.
_NOTE_LABEL = re.compile(r"^[A-Z][\w -]*(?:\([\w -]+\))?:\s+")


def _body(text: str) -> str:
    return _NOTE_LABEL.sub("", text, count=1)


def exclusive_targets(cand: Candidate, items: list[MemoryItem],
                      pick: Callable[[str, list[str]], int | None] | None = None) -> tuple[list[str], str | None]:
    """The memories of ``items`` an unnamed change replaces by its value's kind, and the old value's words
    ("vegetarian", "7:05 AM", "an electric car"); nothing when the kind says nothing or two different values
    could be meant (a weekday and a weekend alarm). Two or more names (a streaming service and two artists):
    ``pick(new value, old names)`` may tell which name is the one replaced (its index), else none is."""
    found = [i for i in items if reaches(cand, i)]
    if not found:
        return [], None
    name, _, _, find = _kind(cand)  # type: ignore[misc]
    if name != "diet":
        # A preference holding a value of the kind is the one replaced; a note stating one ("User said: nothing
        # beats Apple Calendar") only when no preference does (the value was said in passing and kept as said).
        found = [i for i in found if i.kind == MemoryKind.PREFERENCE] or found
        find = _in_body(find)
    if name == "diet":
        olds = {_diet(i.text) for i in found}
        # Every memory naming the earlier diet goes; two different earlier diets: the newest one's word is named.
        newest = max(found, key=lambda i: i.valid_from)
        return [i.id for i in found], _diet(newest.text) if len(olds) > 1 else olds.pop()
    phrases = {find(i.value or i.text) for i in found}
    if len(phrases) > 1 and name == "name" and pick is not None:
        olds = sorted(phrases)  # type: ignore[type-var]
        chosen = pick(cand.value or "", [_said(o, next(i for i in found if find(i.value or i.text) == o), whole=False)
                                         for o in olds])  # type: ignore[arg-type]
        if chosen is not None:
            phrases = {olds[chosen]}
            found = [i for i in found if find(i.value or i.text) == olds[chosen]]
    if len(phrases) != 1:
        return [], None
    said = phrases.pop()  # type: ignore[union-attr]
    if name == "quantity":
        said = said.split(": ", 1)[1]
    return [i.id for i in found], _said(said, found[0], whole=name in ("daypart", "vehicle", "company"))  # type: ignore[arg-type]


def _in_body(find: Finder) -> Finder:
    return lambda text: find(_body(text))


def _said(phrase: str, item: MemoryItem, *, whole: bool) -> str:
    """``phrase`` as ``item`` says it ("7:05 AM"); ``whole``: the element of the item's listed value that holds it
    ("overnight buses" of "the back row together with overnight buses"), when short. These words go on the
    change and retire older turns that state them, in any domain: a bare "overnight" would retire too many."""
    text = item.value or item.text
    for word in (phrase, phrase + "s"):
        words = r"[- ]".join(re.escape(w) for w in word.split())
        m = re.search(rf"(?<!\w)(?:(?:an?|the)\s+)?{words}(?!\w)", text, re.I)
        if m is None:
            continue
        if whole:
            start = max((j.end() for j in _JOINTS.finditer(text, 0, m.start())), default=0)
            end = next((j.start() for j in _JOINTS.finditer(text, m.end())), len(text))
            element = text[start:end].strip(" .,;!?")
            if len(element.split()) <= _MAX_OLD_WORDS:
                return element
        return m.group(0)
    return phrase


_MAX_OLD_WORDS = 5


# The joints of a listed value ("a lively bar scene together with vegetarian", "Proton Calendar and green").
# A bare "with" joins only after a comma: "coffee with oat milk" is one value.
_JOINTS = re.compile(r"\s*[,;]\s*(?:(?:and|plus|together\s+with|as\s+well\s+as|along\s+with|with)\s+)?|"
                     r"\s+(?:and|plus|together\s+with|as\s+well\s+as|along\s+with)\s+", re.I)


def remainder(item: MemoryItem, old: str) -> Candidate | None:
    """What ``item`` says besides the replaced value ``old``, as a memory of its own, when ``old`` is one element
    of the list its value is ("X together with Y", "X, Y and Z"); None when it is all the item says, or when the
    item's words do not split cleanly around it (a sentence is not cut up)."""
    value = item.value or ""
    if not value or not item.text.endswith(value) or item.polarity < 0:
        return None
    # The old value is cut out as a phrase first: it may hold a joint itself ("warm and chatty").
    found = re.search(rf"(?<!\w){re.escape(old.strip())}(?!\w)", value, re.I)
    if found is None:
        return None
    before, after = _JOINTS.split(value[: found.start()]), _JOINTS.split(value[found.end():])
    if (before[-1].strip() or after[0].strip()) or not (len(before) > 1 or len(after) > 1):
        return None  # the old value is part of a longer element ("vegetarian-ish tapas"), or the whole value
    keep = [p for p in (*before, *after) if content_words(p)]
    if not keep:
        return None
    rest = " and ".join(p.strip(" ,;.") for p in keep)
    meta = {k: v for k, v in item.metadata.items() if k not in ("replaces", "changed", "slot")}
    return Candidate(kind=item.kind, text=item.text[: len(item.text) - len(value)] + rest, subject=None, value=rest,
                     domain=item.domain, polarity=item.polarity, importance=item.importance,
                     evidence=item.text, metadata={**meta, "kept_from": item.id})


def value_elements(item: MemoryItem) -> list[str]:
    """The short elements of a preference's value ("science fiction", "paperbacks" of "science fiction together
    with paperbacks"); none for a sentence (a note of what was said, an agreed proposal)."""
    if item.kind != MemoryKind.PREFERENCE or item.polarity < 0 or not item.value or not item.text.endswith(item.value):
        return []
    parts = [p.strip(" ,;.") for p in _JOINTS.split(item.value)]
    return [p for p in parts if content_words(p) and len(p.split()) <= 4]


def closest_value(cand: Candidate, items: list[MemoryItem],
                  pick: Callable[[str, list[str]], int | None]) -> tuple[list[str], str | None]:
    """The preferences of the change's domain an unnamed change replaces by resemblance of values alone
    ("hardcovers" replaces "Kindle e-books", not "literary memoirs" or "Mary Beard"), and the old value's words;
    ``pick(new, olds)`` chooses the old value clearly closest, or none. Values of one slot resemble each other
    more than values of other slots do, but sentences around them ("Books preference: ...") would make every
    memory of the domain alike, so only the values are compared."""
    new = cand.value or ""
    if not new or not cand.domain or cand.temporary or not cand.metadata.get("changed"):
        return [], None
    holders: dict[str, list[MemoryItem]] = {}  # an old value's words as first said -> the memories holding it
    said: dict[str, str] = {}
    for item in items:
        if item.is_current and item.domain == cand.domain:
            for element in value_elements(item):
                if containment(new, element) < 1.0 and containment(element, new) < 1.0:
                    key = said.setdefault(element.lower(), element)
                    holders.setdefault(key, []).append(item)
    olds = sorted(holders)
    chosen = pick(new, olds) if olds else None
    if chosen is None:
        return [], None
    return [i.id for i in holders[olds[chosen]]], olds[chosen]
