"""Stock sentences of the assistant left out of recalled turns (memagent/retrieval/stock.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from memagent import HashingEmbedder, Memory
from memagent.retrieval.stock import STOCK_MIN_TURNS, StockSentences
from memagent.types import Event, EventKind

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
STOCK = "Let me know if you need anything else."


def _bot(text: str, n: int = 0) -> Event:
    return Event(id=f"b{n}", user_id="u", kind=EventKind.TURN, role="assistant", text=text, timestamp=T0)


def test_a_sentence_said_in_enough_turns_is_stock_and_counted_once_per_turn():
    stock = StockSentences().extended([_bot(f"{STOCK} {STOCK}", 0)])
    assert not stock.stock  # twice in one turn is one turn
    stock = stock.extended([_bot(f"Option {n} is ready. {STOCK}", n) for n in range(1, STOCK_MIN_TURNS)])
    assert stock.stock == {STOCK.casefold()}
    assert stock.shortened(f"I booked the aisle seat.  {STOCK}") == "I booked the aisle seat."
    assert stock.shortened(STOCK) is None  # nothing else: the turn keeps its words
    assert stock.shortened("Nothing stock here.") is None


def test_recalled_assistant_turns_leave_out_stock_sentences():
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=256))
    for n, town in enumerate(["Porto", "Lyon", "Ghent", "Turin"]):
        mem.add_messages("u", [
            {"role": "user", "content": f"find me a hotel in {town}"},
            {"role": "assistant", "content": f"The harbour hotel in {town} has rooms with a view. {STOCK}"},
        ], session_id=f"s{n}", timestamp=T0 + timedelta(days=n))
    recall = mem.recall("u", "the harbour hotel in Turin with a view", budget_tokens=300, kinds=["turn"])
    lines = [e.item.text for e in recall.entries if e.item.text.startswith("assistant:") and "Turin" in e.item.text]
    assert lines == ["assistant: The harbour hotel in Turin has rooms with a view."]
    mem.close()
