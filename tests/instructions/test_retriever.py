"""InstructionRetriever: each reasoning type, conflict losers, strategies, the LLM call, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from memagent import Memory, ScriptedChat
from memagent.errors import ConfigError, LLMOutputError, NotFoundError
from memagent.instructions import STRATEGIES, InstructionRetriever

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def profile(memory: Memory, user: str, texts: list[str]) -> dict[str, str]:
    """Write ``texts`` in order; map text -> item id."""
    ids = {}
    for n, t in enumerate(texts):
        op = memory.add_instruction(user, t, timestamp=T0 + timedelta(days=n)).ops[0]
        ids[t] = op.item_id or op.target_id
    return ids


DISTRACTORS = [
    "If I ask for Movies, my preferred genre is Horror",
    "I prefer Hayward as the city when I ask for a doctor.",
    "Request a Dentist in Petaluma.",
]


def select(memory: Memory, user: str, request: str, strategy: str = "multipass"):
    return InstructionRetriever(memory, strategy).select(user, request)  # type: ignore[arg-type]


def test_plain(memory: Memory) -> None:
    ids = profile(memory, "u", [*DISTRACTORS, "If I ask for Flights, my preferred airlines is Delta"])
    sel = select(memory, "u", "Book me a flight to Boston")
    assert set(sel.ids()) == {ids["If I ask for Flights, my preferred airlines is Delta"]}
    assert sel.selected[0].via == "direct" and "Flights" in sel.selected[0].reason


def test_none_applicable_is_an_empty_selection(memory: Memory) -> None:
    profile(memory, "u", [*DISTRACTORS, "If I'm looking for a restaurant in San Jose, I'd like Italian food."])
    sel = select(memory, "u", "Find me a place to eat in Oakland")  # the condition (San Jose) does not hold
    assert sel.ids() == [] and len(sel) == 0 and "(none apply)" in sel.to_prompt()
    assert select(memory, "u", "Will it rain tomorrow?").ids() == []


def test_multi_hop(memory: Memory) -> None:
    a = "If I'm getting a RentalCar, I want to pick it up at Indira Gandhi International Airport."
    b = "If pickup location is Indira Gandhi International Airport then look for type as Standard"
    ids = profile(memory, "u", [*DISTRACTORS, b, a])
    sel = select(memory, "u", "I need a rental car for next week")
    assert set(sel.ids()) == {ids[a], ids[b]}
    hop = next(s for s in sel.selected if s.item.id == ids[b])
    assert hop.via == "hop" and ids[a] in hop.reason


def test_multi_domain(memory: Memory) -> None:
    link = "If I'm looking into Travel, I should also check out Hotels."
    hotel = "If I'm looking for a hotel, my top choice is Best Western Mission Bay."
    travel = "I am requesting Travel to Seattle, WA as my preferred location."
    ids = profile(memory, "u", [*DISTRACTORS, link, hotel, travel])
    sel = select(memory, "u", "I'm planning a trip")
    assert set(sel.ids()) == {ids[link], ids[hotel], ids[travel]}
    assert "Hotels" in sel.request_domains
    # the link is one-way: a hotel request does not pull in travel instructions
    assert set(select(memory, "u", "Find me a hotel").ids()) == {ids[hotel]}


def test_multi_preference(memory: Memory) -> None:
    first = "If I ask for Restaurants, my preferred cuisine is Thai"
    also = "When I look for restaurants I also like Korean food"
    both = "If I ask for Flights, my preferred seating class is Economy or Premium Economy"
    ids = profile(memory, "u", [*DISTRACTORS, first, also, both])
    assert set(select(memory, "u", "I want to grab a bite").ids()) == {ids[first], ids[also]}
    assert set(select(memory, "u", "Book me a flight").ids()) == {ids[both]}


def test_conflict_newer_instruction_wins_and_loser_is_reported(memory: Memory) -> None:
    old, new = "If I ask for Restaurants, my preferred cuisine is Thai", "If I ask for Restaurants, my preferred cuisine is Mexican"
    ids = profile(memory, "u", [old, *DISTRACTORS, new])
    sel = select(memory, "u", "Find me somewhere to eat")
    assert sel.ids() == [ids[new]]
    (loser,) = sel.overridden
    assert loser.item.id == ids[old] and loser.winner_id == ids[new] and "newer" in loser.reason


def test_conflict_request_overrides_instruction(memory: Memory) -> None:
    cuisine, city = "If I ask for Restaurants, my preferred cuisine is Thai", "If I ask for Restaurants, my preferred city is San Jose"
    ids = profile(memory, "u", [*DISTRACTORS, cuisine, city])
    sel = select(memory, "u", "I'm looking for a spot to grab some grub. I definitely want Ethiopian food.")
    assert sel.ids() == [ids[city]]
    assert [(o.item.id, o.winner_id) for o in sel.overridden] == [(ids[cuisine], None)]
    assert "Ethiopian" in sel.overridden[0].reason


def test_conflict_more_specific_wins(memory: Memory) -> None:
    general = "If I ask for Restaurants, my preferred cuisine is Thai"
    specific = "If I'm looking for a restaurant in San Jose, I'd like Italian food."
    ids = profile(memory, "u", [specific, general])
    sel = select(memory, "u", "Find me a restaurant in San Jose")
    assert sel.ids() == [ids[specific]]
    assert sel.overridden[0].item.id == ids[general] and sel.overridden[0].winner_id == ids[specific]
    assert select(memory, "u", "Find me a restaurant in Oakland").ids() == [ids[general]]


def test_per_user_isolation(memory: Memory) -> None:
    profile(memory, "alice", ["If I ask for Flights, my preferred airlines is Delta"])
    profile(memory, "bob", ["If I ask for Movies, my preferred genre is Horror"])
    for strategy in [s for s in STRATEGIES if s != "llm"]:
        texts = select(memory, "bob", "Book me a flight and a movie", strategy).texts()
        assert "If I ask for Flights, my preferred airlines is Delta" not in texts
    with pytest.raises(NotFoundError):
        select(memory, "carol", "Book me a flight")


@pytest.mark.parametrize("strategy", ["dense", "bm25", "hybrid"])
def test_similarity_strategies_rank_the_matching_domain_first(memory: Memory, strategy: str) -> None:
    ids = profile(memory, "u", [*DISTRACTORS, "If I ask for Flights, my preferred airlines is Delta"])
    retriever = InstructionRetriever(memory, strategy)  # type: ignore[arg-type]
    everything = retriever.with_strategy(strategy, **{f"{strategy}_threshold": -1e9})  # type: ignore[arg-type]
    sel = everything.select("u", "flights: which airlines do I prefer?")
    assert sel.selected[0].item.id == ids["If I ask for Flights, my preferred airlines is Delta"]
    assert [s.score for s in sel.selected] == sorted((s.score for s in sel.selected), reverse=True)
    strict = retriever.with_strategy(strategy, **{f"{strategy}_threshold": 1e9})  # type: ignore[arg-type]
    assert strict.select("u", "flights: which airlines do I prefer?").ids() == []


def test_llm_strategy_one_structured_call(memory: Memory) -> None:
    ids = profile(memory, "u", ["If I ask for Restaurants, my preferred cuisine is Thai", "If I ask for Flights, my preferred airlines is Delta"])
    reply = {"applicable": [{"number": 2, "reason": "a flight request"}], "overridden": [{"number": 1, "reason": "not food"}]}
    llm = ScriptedChat([json.dumps(reply)])
    sel = InstructionRetriever(memory, "llm", llm=llm).select("u", "Book me a flight")
    assert sel.ids() == [ids["If I ask for Flights, my preferred airlines is Delta"]]
    assert sel.selected[0].reason == "a flight request" and sel.overridden[0].reason == "not food"
    assert llm.usage.calls == 1
    sent = llm.calls[0][-1]["content"]
    assert "[1]" in sent and "Delta" in sent and "Book me a flight" in sent


def test_llm_strategy_rejects_unknown_numbers(memory: Memory) -> None:
    profile(memory, "u", ["If I ask for Flights, my preferred airlines is Delta"])
    llm = ScriptedChat([json.dumps({"applicable": [{"number": 7}]})])
    with pytest.raises(LLMOutputError, match="1..1"):
        InstructionRetriever(memory, "llm", llm=llm).select("u", "Book me a flight")


def test_configuration_errors(memory: Memory) -> None:
    with pytest.raises(ConfigError):
        InstructionRetriever(memory, "psychic")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="chat model"):
        InstructionRetriever(memory, "llm")


def test_user_without_instructions_gets_an_empty_selection(memory: Memory) -> None:
    memory.add("u", "I had a long day at work today and I am tired")
    assert select(memory, "u", "Book me a flight").ids() == []


def test_general_instructions(memory: Memory) -> None:
    ids = profile(memory, "u", ["Always keep your answers short.", "Whenever I ask for recipes, make them vegetarian.",
                                "If I ask for Flights, my preferred airlines is Delta"])
    flight = set(select(memory, "u", "Book me a flight").ids())
    assert flight == {ids["Always keep your answers short."], ids["If I ask for Flights, my preferred airlines is Delta"]}
    recipe = set(select(memory, "u", "Give me a recipe for dinner").ids())
    assert recipe == {ids["Always keep your answers short."], ids["Whenever I ask for recipes, make them vegetarian."]}
    # a request about no service does not pull in service instructions
    assert select(memory, "u", "What is the capital of France?").ids() == [ids["Always keep your answers short."]]


def test_instructions_detected_in_conversation_are_selected(memory: Memory) -> None:
    memory.add("u", "From now on, when I book flights, always choose Delta.")
    memory.add("u", "I had pasta for lunch and it was great, by the way.")
    sel = select(memory, "u", "Book me a flight to Boston")
    assert len(sel) == 1 and "Delta" in sel.texts()[0] and "Flights" in sel.selected[0].reason
    assert select(memory, "u", "Find me a hotel").ids() == []
