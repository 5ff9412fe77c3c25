"""Everyday knowledge about slot values, as plain data: common categorical values and name cues.

The trained tagger and typer see few examples per slot (a few hundred tagged instructions), so lowercase
category words ("soup", "moderate", "economy") and business names ("Greenview Dental Care") are easy to
miss or mislabel. These tables give both models features that carry across values never seen in training.
The categorical lists follow the value sets of the Schema-Guided Dialogue services NLSI is built on.
"""

from __future__ import annotations

import re

__all__ = ["CATEGORICAL_VALUES", "DOMAIN_SLOTS", "gazetteer_matches", "is_when_or_count", "slot_prior", "value_cues"]

CATEGORICAL_VALUES: dict[str, tuple[str, ...]] = {
    "PRICE_RANGE": ("inexpensive", "cheap", "moderate", "moderately priced", "moderate-priced", "pricey",
                    "expensive", "very expensive", "affordable", "budget", "ultra high-end"),
    "SEATING_CLASS": ("economy", "premium economy", "business", "business class", "first class"),
    "EVENT_TYPE": ("music", "sports", "sport", "sporting", "theater", "theatre"),
    "SHOW_TYPE": ("regular", "3d", "imax"),
    "CAR_TYPE": ("compact", "standard", "full-size", "full size", "intermediate", "suv", "sedan", "hatchback",
                 "luxury", "minivan"),
    "CUISINE": ("italian", "mexican", "chinese", "japanese", "thai", "indian", "french", "american", "korean",
                "vietnamese", "greek", "spanish", "mediterranean", "middle eastern", "ethiopian", "brazilian",
                "peruvian", "filipino", "punjabi", "halal", "kosher", "vegetarian", "vegan", "seafood", "sushi",
                "pizza", "pasta", "burger", "burgers", "barbecue", "bbq", "breakfast", "brunch", "ramen", "noodles",
                "soup", "curry", "tacos", "burritos", "steakhouse", "asian", "asian fusion", "izakaya", "dim sum",
                "cantonese", "szechuan", "gastropub", "gastrobar", "southern", "comfort food", "deli", "bakery",
                "dessert", "salad", "sandwiches", "tapas", "caribbean", "african", "persian", "turkish", "lebanese",
                "german", "british", "cuban", "hawaiian", "cajun", "fusion", "dumplings", "pho", "poke"),
    "GENRE": ("comedy", "comedies", "drama", "dramas", "horror", "thriller", "thrillers", "action", "adventure",
              "fantasy", "romance", "romantic", "documentary", "documentaries", "animation", "animated", "sci-fi",
              "science fiction", "mystery", "crime", "family", "biopic", "biopics", "musical", "war", "western",
              "non-fiction", "comic", "comedic", "funny", "pop", "rock", "jazz", "country", "hip hop", "hip-hop", "rap", "blues",
              "classical", "reggae", "metal", "electronic", "r&b", "folk", "indie", "soul", "punk", "dance"),
    "CATEGORY": ("baseball", "basketball", "football", "soccer", "hockey", "tennis", "golf", "museum", "park",
                 "historical landmark", "tourist attraction", "nature preserve", "theme park", "shopping area",
                 "place of worship", "sports venue", "performing arts venue", "garden"),
    "TYPE": ("dermatologist", "ophthalmologist", "general practitioner", "psychiatrist", "gynecologist",
             "pediatrician", "cardiologist", "ent specialist", "orthopedist", "neurologist"),
    "RECIPIENT_ACCOUNT_TYPE": ("checking", "savings"),
    "NUMBER_OF_BEDS": ("one", "two", "three", "four", "five", "1", "2", "3", "4", "5"),
    "NUMBER_OF_BATHS": ("one", "two", "three", "four", "1", "2", "3", "4"),
    "STAR_RATING": tuple(f"{n}{sep}star{s}" for n in ("1", "2", "3", "4", "5", "one", "two", "three", "four", "five")
                         for sep in ("-", " ") for s in ("", "s")),
}

_BUSINESS = {"dental", "dentistry", "orthodontics", "restaurant", "cafe", "café", "bar", "grill", "kitchen", "bistro",
             "theater", "theatre", "cinema", "cinemas", "salon", "spa", "barber", "barbershop", "hotel", "inn", "suites",
             "lodge", "motel", "clinic", "medical", "center", "centre", "care", "group", "company", "shop", "house",
             "brewery", "tavern", "pub", "diner", "cuisine", "lab", "office", "associates", "studio", "cinemark",
             "amc", "century", "regal", "marriott", "hilton", "hyatt", "sheraton", "westin", "resort", "apartments",
             "health", "healthcare", "dentists", "pediatrics", "hospital", "salons", "cuts", "design"}
_PERSON = {"dr", "md", "m.d", "dds", "d.d.s", "phd", "ph.d", "do", "np", "mph", "facs"}
_PLACE = {"san", "los", "las", "santa", "new", "city", "fort", "port", "mount", "saint", "st", "el", "la",
          "north", "south", "east", "west", "beach", "valley", "springs", "heights"}
_STATE = re.compile(r",?\s+(?:[A-Z]{2}|Australia|UK|England|France|Canada|Mexico|India|NSW)$")
# Words that make a value an airline: generic ones, and carriers people name bare ("always fly Delta").
_AIRLINE = {"airlines", "airline", "airways", "air", "delta", "united", "american", "southwest", "jetblue",
            "alaska", "spirit", "frontier", "hawaiian", "lufthansa", "ryanair", "easyjet", "klm", "emirates",
            "qantas", "qatar", "iberia", "aeromexico", "westjet", "virgin", "finnair", "swiss", "turkish"}

_GAZ: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?<![\w-]){re.escape(v)}(?![\w-])", re.I), slot)
    for slot, values in CATEGORICAL_VALUES.items() for v in sorted(values, key=len, reverse=True)
]


_WHEN = re.compile(
    r"(?:next\s+|this\s+|on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight|"
    r"weekend|week|month|morning|evening|afternoon|january|february|march|april|may|june|july|august|september|"
    r"october|november|december)s?", re.I)
_COUNT = re.compile(r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)", re.I)


def is_when_or_count(text: str, start: int, end: int) -> bool:
    """A date or a head count ("Saturday", "next week", "a table for two"): not a value standing
    instructions set, so it must not be typed as one of a domain's slots."""
    value = text[start:end].strip()
    if _WHEN.fullmatch(value):
        return True
    before = text[:start].lower().split()[-1:] or [""]
    after = text[end:].lower().split()[:1] or [""]
    return bool(_COUNT.fullmatch(value)) and before[0] == "for" and not re.match(r"(?:bed|bath|star)", after[0])


def gazetteer_matches(text: str) -> list[tuple[str, int, int]]:
    """Categorical values found in ``text``: (slot, start, end); longest first at each position."""
    out: list[tuple[str, int, int]] = []
    for pattern, slot in _GAZ:
        out.extend((slot, m.start(), m.end()) for m in pattern.finditer(text))
    return out


def value_cues(value: str) -> list[str]:
    """Kinds of name a value looks like: business, person, place, airline (possibly several)."""
    toks = [t.strip(".,'").lower() for t in value.split()]
    cues = []
    if any(t in _BUSINESS for t in toks):
        cues.append("business")
    if any(t in _PERSON for t in toks):
        cues.append("person")
    if (toks and toks[0] in _PLACE) or _STATE.search(value):
        cues.append("place")
    if any(t in _AIRLINE for t in toks):
        cues.append("airline")
    return cues


# The slots each service takes (Schema-Guided Dialogue), so a value is typed among its domain's slots only.
DOMAIN_SLOTS: dict[str, tuple[str, ...]] = {
    "Restaurants": ("CITY", "CUISINE", "PRICE_RANGE", "RESTAURANT_NAME", "SERVES_ALCOHOL", "HAS_LIVE_MUSIC"),
    "Movies": ("LOCATION", "THEATER_NAME", "GENRE", "SHOW_TYPE", "SHOW_TIME", "MOVIE_NAME", "DIRECTED_BY"),
    "Media": ("GENRE", "TITLE", "DIRECTED_BY", "SUBTITLES"),
    "Music": ("ARTIST", "GENRE", "ALBUM", "PLAYBACK_DEVICE"),
    "Events": ("CITY", "EVENT_TYPE", "CATEGORY", "EVENT_NAME", "VENUE"),
    "Travel": ("LOCATION", "CATEGORY", "GOOD_FOR_KIDS", "FREE_ENTRY", "ATTRACTION_NAME"),
    "Flights": ("ORIGIN", "DESTINATION", "AIRLINES", "SEATING_CLASS", "REFUNDABLE", "NUMBER_STOPS"),
    "Buses": ("ORIGIN", "DESTINATION", "FARE_TYPE"),
    "Hotels": ("LOCATION", "HOTEL_NAME", "STAR_RATING", "AVERAGE_RATING", "HAS_WIFI", "PETS_WELCOME"),
    "HouseStays": ("WHERE_TO", "RATING", "AVERAGE_RATING", "HAS_LAUNDRY_SERVICE"),
    "Homes": ("AREA", "NUMBER_OF_BEDS", "NUMBER_OF_BATHS", "PETS_ALLOWED", "FURNISHED"),
    "RentalCars": ("PICKUP_LOCATION", "PICKUP_CITY", "CAR_TYPE", "CAR_NAME"),
    "Weather": ("LOCATION", "CITY"),
    "Banks": ("RECIPIENT_ACCOUNT_TYPE", "ACCOUNT_TYPE"),
    "Salons": ("CITY", "STYLIST_NAME", "SALON_NAME", "IS_UNISEX"),
    "Dentists": ("CITY", "DENTIST_NAME", "OFFERS_COSMETIC_SERVICES"),
    "Doctors": ("CITY", "DOCTOR_NAME", "TYPE"),
}

# How English names a slot next to its value ("my preferred theater is X", "X as the city").
_SLOT_CUES: dict[str, str] = {
    "CITY": r"city|town", "LOCATION": r"location|located", "AREA": r"area|region|neighbou?rhood",
    "WHERE_TO": r"destination|where to|going to|heading to", "DESTINATION": r"destination|arriv\w*|going to|heading to",
    "ORIGIN": r"from|origin|depart\w*|leaving|starting", "CUISINE": r"cuisine|food|serves?|dish\w*",
    "PRICE_RANGE": r"price\w*|cost\w*", "RESTAURANT_NAME": r"restaurant(?:'s)? name|restaurant called|restaurant named",
    "GENRE": r"genre|style", "THEATER_NAME": r"theat(?:er|re)s?|cinemas?", "SHOW_TYPE": r"show type|showings?|format",
    "SHOW_TIME": r"show ?time|time", "EVENT_NAME": r"event name|event called|called|named|performer",
    "EVENT_TYPE": r"event type|type of event", "CATEGORY": r"category|topic", "AIRLINES": r"airlines?|carrier",
    "SEATING_CLASS": r"seat\w*|class|cabin", "HOTEL_NAME": r"hotel name|hotel called", "STAR_RATING": r"stars?",
    "AVERAGE_RATING": r"rating|rated", "RATING": r"rating|rated", "STYLIST_NAME": r"stylist",
    "SALON_NAME": r"salon name|barber ?shop", "DENTIST_NAME": r"dentist(?:'s)? name|dentist is",
    "DOCTOR_NAME": r"doctor(?:'s)? name|doctor is", "TYPE": r"type|specialist|specialty",
    "CAR_TYPE": r"car type|type of car", "PICKUP_LOCATION": r"pick ?(?:it )?up (?:at|from)|pickup location|pick-?up spot",
    "PICKUP_CITY": r"pick ?(?:it )?up in|pick ?up city|pickup city",
    "NUMBER_OF_BEDS": r"beds?|bedrooms?", "NUMBER_OF_BATHS": r"baths?|bathrooms?", "ARTIST": r"artist|singer|band",
    "RECIPIENT_ACCOUNT_TYPE": r"account", "DIRECTED_BY": r"directed|director", "TITLE": r"title",
}
_SLOT_CUE_RX = {slot: re.compile(rf"\b(?:{rx})\b", re.I) for slot, rx in _SLOT_CUES.items()}
_NAME_SLOTS = {"Restaurants": "RESTAURANT_NAME", "Dentists": "DENTIST_NAME", "Doctors": "DOCTOR_NAME",
               "Hotels": "HOTEL_NAME", "Movies": "THEATER_NAME", "Salons": "STYLIST_NAME", "Events": "EVENT_NAME",
               "Music": "ARTIST", "Media": "TITLE", "Travel": "ATTRACTION_NAME"}
NAMED_BOOST = 3.5  # log-odds added to a slot named next to the value (both boosts picked by 5-fold CV on train)
KNOWN_VALUE_BOOST = 3.0  # log-odds added to a slot whose known categorical values include the whole value
_PLACE_SLOTS = ("CITY", "LOCATION", "AREA", "WHERE_TO", "DESTINATION", "PICKUP_CITY")


def slot_prior(text: str, start: int, end: int, domain: str | None) -> dict[str, float]:
    """Log-odds boosts for the slots of ``domain`` that the words around ``text[start:end]`` or the value's
    own form point to: the slot named within a few words, a business name in a domain with a name slot."""
    if domain not in DOMAIN_SLOTS:
        return {}
    left = " ".join(re.findall(r"\S+", text[:start])[-5:])
    right = " ".join(re.findall(r"\S+", text[end:])[:4])
    value = text[start:end]
    boosts: dict[str, float] = {}
    for slot in DOMAIN_SLOTS[domain]:
        rx = _SLOT_CUE_RX.get(slot)
        if rx is not None and (rx.search(left) or rx.search(right)):
            boosts[slot] = boosts.get(slot, 0.0) + NAMED_BOOST
    cues = value_cues(value)
    if re.match(r",?\s*(?:MD|M\.D|DDS|D\.D\.S|DO|Ph\.D|PhD)\b", text[end:]):
        cues.append("person")  # "Carla Stelling, MD": the title sits just outside the tagged name
    name_slot = _NAME_SLOTS.get(domain)
    if name_slot and ("business" in cues or "person" in cues):
        boosts[name_slot] = boosts.get(name_slot, 0.0) + NAMED_BOOST
    if "airline" in cues and "AIRLINES" in DOMAIN_SLOTS[domain]:
        boosts["AIRLINES"] = boosts.get("AIRLINES", 0.0) + NAMED_BOOST
    if "place" in cues:
        for slot in _PLACE_SLOTS:
            if slot in DOMAIN_SLOTS[domain]:
                boosts[slot] = boosts.get(slot, 0.0) + 0.5
    for slot, a, b in gazetteer_matches(value):
        if slot in DOMAIN_SLOTS[domain] and (a, b) == (0, len(value)):
            boosts[slot] = boosts.get(slot, 0.0) + KNOWN_VALUE_BOOST
    return boosts
