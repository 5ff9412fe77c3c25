"""Parsing instructions and requests with the shipped model: domains, condition and action slots, links."""

from __future__ import annotations

import pytest

from memagent.instructions.parse import InstructionParser, ParsedInstruction, condition_clauses


@pytest.fixture(scope="module")
def parser() -> InstructionParser:
    return InstructionParser()


def _clauses(text: str) -> list[str]:
    return [text[a:b] for a, b in condition_clauses(text)]


def test_condition_clauses() -> None:
    assert _clauses("If I'm looking for a restaurant in San Jose, I prefer Thai.") == ["If I'm looking for a restaurant in San Jose"]
    assert _clauses("If destination city is Atlanta then look for Delta") == ["If destination city is Atlanta "]
    assert _clauses("Look for a 3d show if the genre is Horror.") == ["if the genre is Horror"]
    assert _clauses("When I look for restaurants I also like Korean food") == ["When I look for restaurants"]
    assert _clauses("Check to see if the prices are moderate.") == []  # "see if" asks, it does not condition


def test_plain_instruction(parser: InstructionParser) -> None:
    p = parser.parse("If I ask for Restaurants, my preferred cuisine is Thai")
    assert p.domains == ["Restaurants"] and not p.conditions
    assert [(a.slot, a.value) for a in p.actions] == [("CUISINE", "Thai")]
    assert p.coarse_domain == "food" and not p.additive


def test_conditional_instruction(parser: InstructionParser) -> None:
    p = parser.parse("If I'm looking for a restaurant in San Jose, I'd like Italian food.")
    assert [(c.group, c.value) for c in p.conditions] == [("PLACE", "San Jose")]
    assert [a.value for a in p.actions] == ["Italian"]


def test_chain_instruction(parser: InstructionParser) -> None:
    p = parser.parse("If pickup location is Indira Gandhi International Airport then look for type as Standard")
    assert p.primary_domain == "RentalCars"
    assert [c.value for c in p.conditions] == ["Indira Gandhi International Airport"]
    assert [a.value for a in p.actions] == ["Standard"]


@pytest.mark.parametrize(("text", "condition", "linked"), [
    ("If I'm looking into Travel, I should also check out Hotels.", ["Travel"], ["Hotels"]),
    ("Look at both Hotels and Flights when searching.", ["Hotels", "Flights"], ["Hotels", "Flights"]),
    ("Additionally, examine Hotels when considering Events.", ["Events"], ["Hotels"]),
])
def test_link_instructions(parser: InstructionParser, text: str, condition: list[str], linked: list[str]) -> None:
    p = parser.parse(text)
    assert p.is_link and p.condition_domains == condition and p.linked_domains == linked


def test_a_value_named_like_a_service_is_not_a_link(parser: InstructionParser) -> None:
    p = parser.parse("Check the event type and if it is Music, search for Country as the category.")
    assert not p.is_link and p.primary_domain == "Events"


def test_additive_and_multi_value(parser: InstructionParser) -> None:
    assert parser.parse("When I look for restaurants I also like Korean food").additive
    p = parser.parse("If I ask for Flights, my preferred seating class is Economy or Premium Economy")
    assert [a.value for a in p.actions] == ["Economy", "Premium Economy"]


def test_request_parse(parser: InstructionParser) -> None:
    r = parser.parse_request("Book a table for two on Saturday serving Ethiopian food in Oakland")
    assert r.domains[0] == "Restaurants"
    assert {v.value for v in r.values} == {"Ethiopian", "Oakland"}  # dates and head counts are not slot values
    assert parser.parse_request("Will it rain tomorrow?").domains == ["Weather"]


def test_metadata_roundtrip(parser: InstructionParser) -> None:
    p = parser.parse("If I'm looking for a restaurant in San Jose, I'd like Italian food.")
    back = ParsedInstruction.from_metadata(p.text, p.to_metadata())
    assert back == p
    assert ParsedInstruction.from_metadata(p.text, {"instruction": {"domains": []}}) is None
    assert ParsedInstruction.from_metadata(p.text, {}) is None


def test_odd_text_does_not_fail(parser: InstructionParser) -> None:
    p = parser.parse("!!!")
    assert isinstance(p, ParsedInstruction) and not p.actions
