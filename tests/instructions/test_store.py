"""Standing instructions as memories: parsed on write, superseded on update, isolated per user, forgettable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from memagent import Memory
from memagent.errors import InvalidInputError, NotFoundError
from memagent.instructions import stored_instructions
from memagent.types import EventKind, MemoryKind, Op

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _add(memory: Memory, user: str, text: str, day: int = 0):
    return memory.add_instruction(user, text, timestamp=T0 + timedelta(days=day))


def test_add_instruction_stores_parsed_structure(memory: Memory) -> None:
    res = _add(memory, "u1", "If I'm looking for a restaurant in San Jose, I'd like Italian food.")
    assert res.event.kind == EventKind.INSTRUCTION
    (op,) = res.ops
    assert op.op == Op.INSERT and op.kind == MemoryKind.INSTRUCTION
    item = memory.get("u1", op.item_id)
    assert item.domain == "food" and item.subject.startswith("instr:Restaurants:CUISINE|PLACE=")
    parsed = item.metadata["instruction"]
    assert parsed["domains"] == ["Restaurants"] and parsed["conditions"][0]["value"] == "San Jose"


def test_update_on_same_slot_supersedes(memory: Memory) -> None:
    old = _add(memory, "u1", "If I ask for Restaurants, my preferred cuisine is Thai").ops[0].item_id
    new = _add(memory, "u1", "If I ask for Restaurants, my preferred cuisine is Mexican", day=1).ops[0]
    assert new.op == Op.SUPERSEDE and new.target_id == old
    assert memory.get("u1", old).status == "superseded"
    assert [i.text for i in stored_instructions(memory, "u1")] == ["If I ask for Restaurants, my preferred cuisine is Mexican"]
    assert memory.explain("u1", new.item_id).supersedes[0].id == old


def test_distinct_slots_conditions_and_additions_coexist(memory: Memory) -> None:
    texts = [
        "If I ask for Restaurants, my preferred cuisine is Thai",
        "If I ask for Restaurants, my preferred city is San Jose",  # another slot
        "If I'm looking for a restaurant in Oakland, I'd like Italian food.",  # same slot, under a condition
        "When I look for restaurants I also like Korean food",  # additive
        "If I ask for Flights, my preferred airlines is Delta",  # another domain
    ]
    for n, t in enumerate(texts):
        assert _add(memory, "u1", t, day=n).ops[0].op == Op.INSERT
    assert sorted(i.text for i in stored_instructions(memory, "u1")) == sorted(texts)


def test_restating_the_same_instruction_merges(memory: Memory) -> None:
    first = _add(memory, "u1", "Request Movies with a Horror genre.").ops[0].item_id
    again = _add(memory, "u1", "Request Movies with a Horror genre.", day=1).ops[0]
    assert again.op == Op.MERGE and again.target_id == first


def test_per_user_isolation(memory: Memory) -> None:
    _add(memory, "alice", "If I ask for Restaurants, my preferred cuisine is Thai")
    _add(memory, "bob", "If I ask for Restaurants, my preferred cuisine is Mexican")
    assert [i.text for i in stored_instructions(memory, "alice")] == ["If I ask for Restaurants, my preferred cuisine is Thai"]
    assert [i.text for i in stored_instructions(memory, "bob")] == ["If I ask for Restaurants, my preferred cuisine is Mexican"]
    with pytest.raises(NotFoundError):
        stored_instructions(memory, "carol")


def test_forget_removes_an_instruction(memory: Memory) -> None:
    item = _add(memory, "u1", "If I ask for Flights, my preferred airlines is Delta").ops[0].item_id
    _add(memory, "u1", "Request Movies with a Horror genre.", day=1)
    assert memory.forget("u1", item) == [item]
    assert [i.text for i in stored_instructions(memory, "u1")] == ["Request Movies with a Horror genre."]


def test_invalid_input(memory: Memory) -> None:
    with pytest.raises(InvalidInputError):
        memory.add_instruction("u1", "   ")
    with pytest.raises(InvalidInputError):
        memory.add_instruction("", "Request Movies with a Horror genre.")
