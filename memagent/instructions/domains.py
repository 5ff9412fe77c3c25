"""The service domains standing instructions are about, and a keyword lexicon that spots them offline.

The 17 domains are NLSI's (Moghe et al., 2024), which come from the Schema-Guided Dialogue services. Each
maps to one of memagent's coarse topic domains (:mod:`memagent.graph.domains`) so an instruction stored here
is also routed by the general recall path. The lexicon is plain data: extend ``DOMAIN_LEXICON`` to add words.
"""

from __future__ import annotations

import re
from collections import Counter

from memagent._lexical import stem, words

__all__ = [
    "COARSE_DOMAIN",
    "DOMAINS",
    "DOMAIN_LEXICON",
    "PLACE_SLOTS",
    "canonical_domain",
    "domain_mentions",
    "lexicon_scores",
    "slots_compatible",
]

DOMAINS = (
    "Banks", "Buses", "Dentists", "Doctors", "Events", "Flights", "Homes", "Hotels", "HouseStays", "Media",
    "Movies", "Music", "RentalCars", "Restaurants", "Salons", "Travel", "Weather",
)

COARSE_DOMAIN = {
    "Banks": "finance", "Buses": "transport", "Dentists": "health", "Doctors": "health", "Events": "events",
    "Flights": "flights", "Homes": "home", "Hotels": "hotels", "HouseStays": "hotels", "Media": "movies",
    "Movies": "movies", "Music": "music", "RentalCars": "transport", "Restaurants": "food", "Salons": "beauty",
    "Travel": "travel", "Weather": "weather",
}

_BY_KEY = {d.lower(): d for d in DOMAINS}
_ALIASES = {"housestay": "HouseStays", "rentalcar": "RentalCars", "salon": "Salons", "dentist": "Dentists",
            "doctor": "Doctors", "service": None}


def canonical_domain(intent: str | None) -> str | None:
    """``GET_RENTAL_CARS`` / ``GetRentalCars`` / ``rental cars`` -> ``RentalCars``; None when unknown."""
    if not intent:
        return None
    key = re.sub(r"[^a-z]", "", intent.lower())
    key = key.removeprefix("get")
    if key in _BY_KEY:
        return _BY_KEY[key]
    if key.endswith("s") and key[:-1] in _ALIASES:
        return _ALIASES[key[:-1]]
    return _ALIASES.get(key)


# Phrase -> weight. Naming the service ("Restaurants", "HouseStays") weighs most; words typical of it less.
DOMAIN_LEXICON: dict[str, dict[str, float]] = {
    "Restaurants": {"restaurant": 3, "restaurants": 3, "eat": 2, "eating": 2, "eatery": 2, "food": 2, "cuisine": 2,
                    "dine": 2, "dining": 2, "dinner": 1.5, "lunch": 1.5, "brunch": 1, "meal": 1.5, "grub": 2,
                    "table": 1, "alcohol": 1, "bite": 1, "diner": 2, "bistro": 2, "cafe": 1},
    "Movies": {"movie": 3, "movies": 3, "theater": 2, "theatre": 2, "cinema": 2.5, "film": 1.5, "films": 1.5,
               "show time": 1.5, "showtime": 1.5, "imax": 2, "3d": 1, "screening": 2, "watch": 1},
    "Media": {"media": 3, "stream": 2, "streaming": 2, "online": 1.5, "watch": 0.5, "subtitles": 2},
    "Music": {"music": 3, "song": 2.5, "songs": 2.5, "listen": 2, "artist": 1.5, "album": 2, "playlist": 2,
              "track": 1.5, "playback": 2},
    "Events": {"event": 3, "events": 3, "concert": 2, "game": 1, "festival": 2, "match": 1, "show": 0.5,
               "something to do": 2, "something fun": 2, "tickets": 1, "sports": 1, "performer": 1.5, "happening": 2,
               "things to do": 2, "around town": 1},
    "Travel": {"travel": 3, "trip": 2.5, "attraction": 2.5, "attractions": 2.5, "sightseeing": 2.5,
               "museum": 1.5, "landmark": 1.5, "tourist": 2, "visit": 1, "explore": 1},
    "Flights": {"flight": 3, "flights": 3, "fly": 2.5, "flying": 2.5, "airline": 2.5, "airlines": 2.5,
                "seating class": 1.5, "plane": 2.5, "airfare": 2, "economy": 0.5},
    "Buses": {"bus": 3, "buses": 3, "coach": 2, "bus ticket": 1, "departure city": 0.5},
    "Hotels": {"hotel": 3, "hotels": 3, "stay": 1, "place to stay": 1.5, "somewhere to stay": 1.5, "room": 1,
               "star rating": 1.5, "lodging": 1.5},
    "HouseStays": {"housestay": 3, "housestays": 3, "house stay": 3, "house stays": 3, "house to stay": 3, "airbnb": 2,
                   "laundry": 1.5, "vacation rental": 2},
    "Homes": {"home": 1.5, "homes": 3, "house": 1.5, "apartment": 2, "place to live": 3, "property": 1.5,
              "properties": 1.5, "bedrooms": 1.5, "bathrooms": 1.5, "beds": 1, "move": 1, "live": 1},
    "RentalCars": {"rentalcar": 3, "rentalcars": 3, "rental car": 3, "rent a car": 3, "car": 2, "cars": 2,
                   "pick up": 1, "pickup": 1, "renting": 1.5, "drive": 1},
    "Weather": {"weather": 3, "forecast": 2.5, "temperature": 2, "rain": 1.5, "humidity": 2},
    "Banks": {"bank": 3, "banks": 3, "account": 2, "checking": 1, "savings": 1, "transfer": 2, "balance": 2,
              "money": 1.5},
    "Salons": {"salon": 3, "salons": 3, "stylist": 2.5, "hair": 2.5, "haircut": 2.5, "barber": 2.5,
               "barbershop": 2.5, "unisex": 1.5},
    "Dentists": {"dentist": 3, "dentists": 3, "dental": 2.5, "teeth": 2, "orthodontist": 2.5, "cleaning": 0.5},
    "Doctors": {"doctor": 3, "doctors": 3, "physician": 2.5, "dermatologist": 2.5, "ophthalmologist": 2.5,
                "general practitioner": 2.5, "medical": 1.5, "clinic": 1.5, "checkup": 1.5, "md": 0.5},
}

# Slots that name a place: compared as one group, since taggers and users mix them up within a domain.
PLACE_SLOTS = frozenset({"CITY", "LOCATION", "AREA", "WHERE_TO"})

_UNIGRAMS: dict[str, list[tuple[str, float]]] = {}
_PHRASES: list[tuple[re.Pattern[str], str, float]] = []
for _domain, _entries in DOMAIN_LEXICON.items():
    for _phrase, _weight in _entries.items():
        if " " in _phrase:
            _PHRASES.append((re.compile(rf"\b{re.escape(_phrase)}\b"), _domain, float(_weight)))
        else:
            _UNIGRAMS.setdefault(_phrase, []).append((_domain, float(_weight)))
            _UNIGRAMS.setdefault(stem(_phrase), []).append((_domain, float(_weight)))


def lexicon_scores(text: str) -> Counter[str]:
    """Sum of lexicon weights per domain found in ``text`` (each word counted once per domain)."""
    scores: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for w in words(text):
        for key in (w, stem(w)):
            for domain, weight in _UNIGRAMS.get(key, ()):
                if (domain, w) not in seen:
                    seen.add((domain, w))
                    scores[domain] += weight
    lowered = " ".join(words(text))
    for pattern, domain, weight in _PHRASES:
        if pattern.search(lowered):
            scores[domain] += weight
    return scores


_NAMING = 2.5  # weight from which a lexicon entry names the service rather than hints at it
_MENTION = re.compile(
    r"\b(" + "|".join(sorted((re.escape(p) for e in DOMAIN_LEXICON.values() for p, w in e.items() if w >= _NAMING),
                             key=len, reverse=True)) + r")\b", re.I)
_MENTION_DOMAIN = {p: d for d, e in DOMAIN_LEXICON.items() for p, w in e.items() if w >= _NAMING}


def domain_mentions(text: str) -> list[tuple[str, int, int]]:
    """Where ``text`` names a service ("Hotels", "rental car", "dentist"): (domain, start, end), in order."""
    return [(_MENTION_DOMAIN[m.group(1).lower()], m.start(), m.end()) for m in _MENTION.finditer(text)]


def slots_compatible(a: str | None, b: str | None) -> bool:
    """Same slot, or two place slots."""
    if a is None or b is None:
        return False
    return a == b or (a in PLACE_SLOTS and b in PLACE_SLOTS)
