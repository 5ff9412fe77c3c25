"""Synthetic user requests for NLSI-style episodes: a domain phrase plus the slot values the request states.

NLSI's requests are real SGD dialogue turns, which are not in the data here, so requests are generated:
several hand-written phrasings per domain (deliberately varied: not all name the service) and one phrasing
per kind of slot. A request never quotes an instruction; it only states values (a city, a cuisine).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

__all__ = ["DOMAIN_PHRASES", "request_text", "slot_phrase"]

DOMAIN_PHRASES: dict[str, tuple[str, ...]] = {
    "Restaurants": ("I'm looking for somewhere to eat", "Can you find me a restaurant", "I want to grab a bite",
                    "Find me a place for dinner", "Book a table for two tonight"),
    "Movies": ("I want to catch a movie", "What's playing at the theater", "Find me a film to see at the cinema",
               "Get me two tickets for a movie tonight"),
    "Media": ("I want to stream something online", "Find me something to stream tonight",
              "Put on a film for me to stream"),
    "Music": ("Play some music", "I want to listen to a song", "Put on a few tracks for me"),
    "Events": ("Are there any events this weekend", "Find me something fun to do", "I want tickets to a show",
               "What's happening around town on Saturday"),
    "Travel": ("I'm planning a trip", "What attractions can I visit", "Suggest some places to go sightseeing"),
    "Flights": ("Book me a flight", "I need to fly out next Monday", "Find me plane tickets"),
    "Buses": ("I need a bus ticket", "Find me a bus for Friday", "Is there a coach I can take tomorrow"),
    "Hotels": ("Find me a hotel", "I need a hotel room for three nights", "Book me a hotel near the conference"),
    "HouseStays": ("Find me a house to stay in for a few nights", "I need a house stay for the weekend",
                   "Look for an airbnb for my vacation"),
    "Homes": ("I'm looking for an apartment to rent", "Help me find a place to live", "I want to visit a property"),
    "RentalCars": ("I need a rental car", "Reserve a car for me", "I want to rent a car for the week"),
    "Weather": ("What's the weather like", "Check the forecast for me", "Will it rain tomorrow"),
    "Banks": ("I want to transfer money", "Send some money from my account", "Make a bank transfer for me"),
    "Salons": ("I need a haircut", "Book me a salon appointment", "I want to get my hair done"),
    "Dentists": ("I need to see a dentist", "Book a dental checkup", "My teeth hurt, find me someone"),
    "Doctors": ("I need to see a doctor", "Find me a physician", "Book a medical appointment for me"),
}

_SLOT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "CITY": ("in {v}", "around {v}"),
    "LOCATION": ("in {v}", "around {v}"),
    "AREA": ("in {v}", "in the {v} area"),
    "WHERE_TO": ("in {v}", "near {v}"),
    "DESTINATION": ("to {v}", "going to {v}"),
    "ORIGIN": ("from {v}", "leaving from {v}"),
    "PICKUP_LOCATION": ("picking it up at {v}",),
    "PICKUP_CITY": ("picking it up in {v}",),
    "CUISINE": ("serving {v} food", "with {v} on the menu"),
    "GENRE": ("something {v}", "in the {v} genre"),
    "PRICE_RANGE": ("that is {v}", "in the {v} price range"),
    "RESTAURANT_NAME": ("at {v}",), "THEATER_NAME": ("at {v}",), "HOTEL_NAME": ("at the {v}", "at {v}"),
    "SALON_NAME": ("at {v}",), "STYLIST_NAME": ("with {v}",), "DENTIST_NAME": ("with {v}", "and I'd like to see {v}"),
    "DOCTOR_NAME": ("with {v}", "and I'd like to see {v}"), "EVENT_NAME": ("for {v}",), "ARTIST": ("by {v}",),
    "EVENT_TYPE": ("for a {v} event",), "CATEGORY": ("in the {v} category",), "AIRLINES": ("flying {v}", "on {v}"),
    "SEATING_CLASS": ("in {v} class",), "CAR_TYPE": ("a {v} car",), "TYPE": ("who is a {v}",),
    "SHOW_TYPE": ("in {v}", "a {v} showing"), "SHOW_TIME": ("at {v}",), "DIRECTED_BY": ("directed by {v}",),
    "STAR_RATING": ("rated {v} stars",), "AVERAGE_RATING": ("with a rating of {v}",), "RATING": ("rated {v}",),
    "NUMBER_OF_BEDS": ("with {v} bedrooms",), "NUMBER_OF_BATHS": ("with {v} bathrooms",),
    # yes/no slots: the tagged value is a phrase ("suitable for children"), so the request words it itself
    "GOOD_FOR_KIDS": ("that is good for kids",), "PETS_ALLOWED": ("that allows pets",),
    "HAS_LAUNDRY_SERVICE": ("with laundry service",), "SERVES_ALCOHOL": ("that serves alcohol",),
    "IS_UNISEX": ("that is unisex",), "HAS_WIFI": ("with wifi",), "HAS_LIVE_MUSIC": ("with live music",),
    "REFUNDABLE": ("that is refundable",), "FREE_ENTRY": ("with free entry",),
}


def slot_phrase(slot: str, value: str, rng: random.Random) -> str:
    """How a request states ``slot = value`` ("in San Jose", "serving Thai food", "with car type Compact")."""
    templates = _SLOT_TEMPLATES.get(slot)
    if templates:
        return rng.choice(templates).format(v=value)
    words = slot.lower().replace("_", " ").replace(" name", "")
    return rng.choice((f"with {words} {value}", f"where the {words} is {value}", f"and I want {value}"))


def request_text(domain: str, mentions: Sequence[tuple[str, str]], rng: random.Random) -> str:
    """A request for ``domain`` stating ``mentions`` (slot, value)."""
    base = rng.choice(DOMAIN_PHRASES[domain])
    end = "?" if base.split()[0] in ("What's", "What", "Are", "Is", "Will", "Can") else "."
    if not mentions:
        return base + end
    parts = [slot_phrase(s, v, rng) for s, v in mentions]
    return f"{base} {', '.join(parts[:-1]) + ' and ' if len(parts) > 1 else ''}{parts[-1]}{end}"
