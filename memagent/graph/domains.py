"""A small keyword lexicon that routes text to a topic domain, offline.

Used at write time (each memory gets a domain) and at read time (a request's domains boost the memories of
those domains), so a question about "restaurants in Rome" meets the stored "severe gluten intolerance" even
when the two share no word. The lexicon is deliberately plain data: extend ``DOMAIN_KEYWORDS`` to add one.
"""

from __future__ import annotations

import re
from collections import Counter

from memagent._lexical import _WORD, stem, words

__all__ = ["DOMAIN_KEYWORDS", "RELATED_DOMAINS", "classify_domains", "primary_domain", "related_domains",
           "word_domain"]

DOMAIN_KEYWORDS: dict[str, list[str]] = {
    "food": (
        "food eat eating ate meal meals dinner lunch breakfast brunch snack cook cooking recipe recipes cuisine dish "
        "dishes restaurant restaurants cafe café diet vegetarian vegan pescatarian gluten dairy lactose allergy "
        "allergic nut nuts peanut peanuts shellfish meat beef pork chicken fish seafood sushi pizza pasta salad "
        "spicy sweet dessert coffee tea wine beer drink drinks kosher halal keto paleo sugar bakery chef menu "
        "taste flavor flavour grocery groceries organic steak burger burgers tacos curry noodles ramen bbq"
    ).split(),
    "travel": (
        "travel trip trips vacation holiday holidays visit visiting tour tourist destination itinerary abroad "
        "sightseeing beach mountains hiking backpacking cruise passport luggage journey explore city cities"
    ).split(),
    "flights": "flight flights fly flying airline airlines airport plane seat aisle window economy business layover".split(),
    "hotels": "hotel hotels stay lodging resort motel hostel airbnb room suite accommodation check-in".split(),
    "transport": (
        "car cars drive driving rental bus buses train trains taxi uber subway commute bike bicycle ride transit"
    ).split(),
    "music": "music song songs album albums band bands concert concerts genre playlist jazz rock pop classical hip-hop singer guitar piano".split(),
    "movies": "movie movies film films cinema watch watching show shows series tv television netflix documentary actor director streaming episode".split(),
    "books": "book books read reading novel novels author authors fiction nonfiction library audiobook audiobooks poetry kindle".split(),
    "games": "game games gaming video-game console playstation xbox nintendo board-game puzzle puzzles chess".split(),
    "sports": "sport sports team football soccer basketball baseball tennis golf match league player athlete".split(),
    "fitness": "fitness workout workouts exercise gym run running yoga pilates training cardio weights swim swimming marathon".split(),
    "health": "health doctor dentist medical medication medicine sleep therapy mental stress condition symptoms injury".split(),
    "beauty": "beauty skincare skin makeup cosmetics hair haircut salon fragrance perfume nails spa".split(),
    "fashion": "fashion clothes clothing wear wearing dress shirt shoes jacket style outfit brand brands fabric cotton wool synthetic".split(),
    "shopping": "shop shopping buy buying purchase store stores price budget deal deals discount order".split(),
    "technology": "tech technology phone laptop computer software app apps gadget gadgets device devices android iphone mac windows linux".split(),
    "home": "home house apartment furniture decor garden gardening kitchen bedroom cleaning interior".split(),
    "pets": "pet pets dog dogs cat cats puppy kitten vet animal animals bird fish aquarium".split(),
    "work": "work job career office boss colleague colleagues meeting meetings remote project projects company employer salary".split(),
    "education": "learn learning study studying course courses class classes school university college teacher lesson lessons tutorial".split(),
    "finance": "money bank banking finance invest investing investment savings budget loan credit stock stocks crypto".split(),
    "events": "event events festival festivals party parties ticket tickets exhibition museum museums theater theatre".split(),
    "alarm": "alarm alarms wake wake-up snooze ringtone".split(),
    "calendar": "calendar schedule appointment appointments reminder reminders".split(),
    "messaging": "message messages text texting email emails chat call calls contact".split(),
    "weather": "weather forecast rain sunny temperature".split(),
    "cars": "car cars vehicle vehicles suv sedan electric hybrid motorcycle truck engine".split(),
}

# Task-assistant vocabulary (PERMA's 20 domains: buses, trains, rental cars, media, home services, ...). Only words no
# domain above claims, so earlier routing is unchanged; two new domains at the end.
_ASSISTANT_KEYWORDS: dict[str, list[str]] = {
    "transport": "coach coaches intercity rail railway railways station stations fare fares".split(),
    "events": "comedy stand-up standup gig gigs premiere premieres".split(),
    "finance": "spending expenses bonus cash retirement".split(),
    "calendar": "agenda invite invites deadline deadlines".split(),
    "messaging": "reply replies texts whatsapp telegram imessage".split(),
    "movies": "subtitles subtitle screening screenings imax".split(),
    "books": "paperback paperbacks hardcover hardcovers e-reader ereader memoir memoirs".split(),
    "games": "rpg rpgs co-op multiplayer".split(),
    "music": "spotify artist artists vinyl".split(),
    "sports": "stadium stadiums".split(),
    "travel": "getaway getaways".split(),
    "hotels": "b&b bnb checkout".split(),
    "media": "podcast podcasts youtube vlog vlogs".split(),
    "home_services": "cleaner cleaners plumber plumbers plumbing handyman electrician repair repairs babysitter "
                     "housekeeping gardener".split(),
}
for _domain, _words in _ASSISTANT_KEYWORDS.items():
    DOMAIN_KEYWORDS[_domain] = [*DOMAIN_KEYWORDS.get(_domain, []), *_words]

# Everyday personal-preference vocabulary (diet, style, learning, climate, hobbies). Same rule: words already
# claimed above keep their domain.
_PERSONAL_KEYWORDS: dict[str, list[str]] = {
    "food": ("dining dine diner diners eatery eateries bistro protein ingredient ingredients honey vegetable vegetables "
             "fruit fruits nutrition nutritious calorie calories caffeine alcohol spice spices").split(),
    "travel": "attraction attractions excursion excursions landmark landmarks adventure adventures outdoor outdoors "
              "hike hikes camping tour tours".split(),
    "education": "educational curriculum tutor tutoring textbook textbooks workshop workshops degree certification "
                 "bootcamp flashcards learner learners".split(),
    "beauty": "cosmetic serum serums moisturizer lotion lotions shampoo conditioner lipstick mascara scent scents "
              "fragrances anti-aging".split(),
    "fashion": "wardrobe accessories jewelry sneakers boots jeans coat coats sweater sweaters dresses handbag handbags "
               "leather silk polyester".split(),
    "technology": "tablet tablets smartwatch headphones earbuds camera cameras screen screens oled monitor keyboard "
                  "printer wearable wearables".split(),
    "home": "sofa couch rug rugs lighting wallpaper renovation renovate appliances mattress neighborhood "
            "neighbourhood relocate relocating".split(),
    "fitness": "hiit stretching dance athletic".split(),
    "health": "supplement supplements vitamins remedies remedy pain wellness meditation pollen anxiety".split(),
    "weather": "climate climates humid humidity heat cold winter summer snow".split(),
    "games": "vr tabletop esports larp".split(),
    "movies": "superhero superheroes anime sitcom sitcoms drama dramas horror thriller thrillers blockbuster "
              "blockbusters".split(),
    "pets": "breed breeds flea fleas tick ticks leash litter grooming".split(),
    "cars": "minivan minivans automaker automakers horsepower ev evs fuel mpg".split(),
    "transport": "ride-sharing rideshare scooter scooters ferry metro lyft".split(),
    "hotels": "inn lodge amenities".split(),
    "events": "gallery galleries exhibit exhibits".split(),
}
for _domain, _words in _PERSONAL_KEYWORDS.items():
    DOMAIN_KEYWORDS[_domain] = [*DOMAIN_KEYWORDS.get(_domain, []), *_words]

# Requests in one domain often need memories of another (a trip needs food, hotel and flight preferences).
RELATED_DOMAINS: dict[str, tuple[str, ...]] = {
    "travel": ("flights", "hotels", "food", "transport", "events"),
    "flights": ("travel", "hotels", "transport"),
    "hotels": ("travel", "flights", "food"),
    "food": ("health",),
    "health": ("food", "fitness"),
    "fitness": ("health", "sports"),
    "events": ("music", "movies", "sports", "food"),
    "shopping": ("fashion", "technology", "home", "beauty", "cars"),
    "fashion": ("shopping", "beauty"),
    "music": ("events",),
    "movies": ("books",),
    "books": ("movies", "education"),
    "media": ("movies", "music"),
    "calendar": ("events", "work", "alarm", "messaging"),
    "home_services": ("home", "pets"),
    "beauty": ("health", "shopping"),
    "pets": ("health",),
    "cars": ("transport", "shopping"),
    "transport": ("cars", "travel"),
    "sports": ("fitness",),
    "education": ("books",),
    "weather": ("travel", "home"),
}

_INDEX: dict[str, str] = {}
for _domain, _words in DOMAIN_KEYWORDS.items():
    for _w in _words:
        _INDEX.setdefault(_w, _domain)
        _INDEX.setdefault(stem(_w), _domain)


# "book" the verb ("can you book me a table", "help me book a bus") is not about books.
_BOOK_VERB = re.compile(r"(?:^|(?<=[.!?]\s)|\b(?<=to\s)|\b(?<=please\s)|\b(?<=you\s)|\b(?<=me\s)|\b(?<=and\s)|"
                        r"\b(?<=i\s)|\b(?<=we\s)|\b(?<=i'll\s)|\b(?<=i'd\s)|\b(?<=let's\s))book(?:ed|ing)?\b", re.I)


# "deal with it", "no big deal": the verb and the idiom are no bargain (shopping's "deal"). "a booking charge",
# "the booking", "booked": a reservation, whatever word comes before; a book one reads is never booked.
_DEAL_IDIOM = re.compile(r"\bdeal(?:s|t|ing)?\s+with\b|\b(?:big|great|good)\s+deal\b(?!\s+(?:on|for)\b)|"
                         r"\bbook(?:ings?|ed)\b", re.I)
# "Nothing alarming" is no alarm, "in order to" no order, "of course" no course; "there by lunch", "after dinner"
# tell the time, not the food.
_IDIOMS = re.compile(r"\balarming(?:ly)?\b|\bin\s+order\b|\bof\s+course\b|"
                     r"\b(?:by|before|after|until|till|around|past)\s+(?:lunch|dinner|breakfast)(?:\s*time)?\b", re.I)
_HOME_WARD = re.compile(r"\b(go|goes|going|went|gone|fly|flying|flew|head|heading|get|getting|got|come|coming|came|back|"
                        r"way|drive|driving|walk|walking|ride|train|bus)\s+home\b", re.I)  # the way, not the house
# Each rewrite runs only on text holding one of its words (classify_domains runs on every turn and request).
_NO_DOMAIN: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    (("book",), _BOOK_VERB, " "),
    (("deal", "book"), _DEAL_IDIOM, " "),
    (("alarming", "order", "course", "lunch", "dinner", "breakfast"), _IDIOMS, " "),
    (("home",), _HOME_WARD, r"\1"),
)


# Keywords with an everyday sense outside their domain: "my team needs an update" (work, not sports), "I've run
# out of stuff to watch" (not fitness), "work was chaos today", "a window seat" on a bus. Alone they name no
# domain; they count for theirs only beside a plain keyword of it ("the football team", "a yoga class and a
# run"), so an aside or an attribute cannot move a conversation's topic.
_WEAK = frozenset(
    "team teams player players run runs running ran training weights show seat seats aisle window economy business "
    "stay room rooms suite checkout work working project projects remote store stores price budget text "
    "call calls chat contact class classes lesson lessons app apps phone screen sleep heat summer winter pop "
    "rock style brand brands electric credit stock bonus taste sweet menu meeting meetings mental".split())
_WEAK_STEMS = frozenset(stem(w) for w in _WEAK)
# Phrases that settle a weak word's sense: "business class", "go for a run", "first class" (a cabin, not a lesson).
_SENSES: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    (("class", "econom"), re.compile(r"\b(?:business|first|economy|premium)\s+class\b|\bpremium\s+economy\b", re.I),
     "flights"),
    (("run",), re.compile(r"\b(?:go(?:ing|es)?|went)\s+for\s+(?:a|my)\s+(?:\w+\s+)?run\b|"
                          r"\b(?:morning|evening|daily|long)\s+runs?\b", re.I), "fitness"),
    (("stay", "night"), re.compile(r"\b(?:places?|somewhere|where)\s+(?:for\s+(?:me|us)\s+)?to\s+stay\b|"
                                   r"\b(?:during|for)\s+(?:my|our|the)\s+stay\b|"
                                   r"\bwhere\s+(?:should|could|can|shall|do|would)\s+(?:i|we)\s+stay\b|"
                                   r"\b(?:\d+|two|three|four|five|six|seven|a\s+few|a\s+couple\s+of)\s+nights\b", re.I),
     "hotels"),
)


def _is_weak(word: str) -> bool:
    return word in _WEAK or (word not in _INDEX and stem(word) in _WEAK_STEMS)


def classify_domains(text: str, *, top: int = 3) -> list[str]:
    """Domains whose keywords occur in ``text``, most frequent first (empty when none match). A weak keyword
    (``_WEAK``) counts only when a plain keyword of its domain occurs too."""
    counts: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    text = text.strip()
    low = text.lower()
    for gate, pattern, domain in _SENSES:
        if any(g in low for g in gate):
            found = len(pattern.findall(text))
            if found:
                counts[domain] += found
                text = pattern.sub(" ", text)
    for gate, pattern, repl in _NO_DOMAIN:
        if any(g in low for g in gate):
            text = pattern.sub(repl, text)
    for w in words(text):
        if w.endswith("'s"):  # "the train's easiest", "the hotel's pool"
            w = w[:-2]
        domain = _INDEX.get(w) or _INDEX.get(stem(w))
        if domain:
            (weak if _is_weak(w) else counts)[domain] += 1
    for domain, n in weak.items():
        if counts[domain]:
            counts[domain] += n
    return [d for d, _ in counts.most_common(top)]


_BOOK_WORD = re.compile(r"book(?:ed|ing)?", re.I)


def word_domain(word: str) -> str | None:
    """``classify_domains(word, top=1)`` for one lowercase word token (as ``content_words`` gives), without
    tokenising it again: extraction asks this of every word of a turn."""
    if _BOOK_WORD.fullmatch(word):  # alone, "book" reads as the verb (see _BOOK_VERB)
        return None
    if not _WORD.fullmatch(word):  # not one token ("someone'" after stemming): tokenise as classify does
        found = classify_domains(word, top=1)
        return found[0] if found else None
    if _is_weak(word):  # alone, a weak keyword names no domain
        return None
    return _INDEX.get(word) or _INDEX.get(stem(word))


def related_domains(a: str | None, b: str | None) -> bool:
    """True when one domain lists the other in ``RELATED_DOMAINS`` (either way round)."""
    return bool(a and b) and (b in RELATED_DOMAINS.get(a or "", ()) or a in RELATED_DOMAINS.get(b or "", ()))


def primary_domain(text: str) -> str | None:
    found = classify_domains(text, top=1)
    return found[0] if found else None
