"""The packer's short form for a crowded profile: more preferences fit, nothing goes over budget, instructions
stay whole, and short entries grow back when budget is left."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from memagent.llm.tokens import count_tokens
from memagent.retrieval.hybrid import RecallConfig, Scored
from memagent.retrieval.packer import pack
from memagent.types import MemoryItem, MemoryKind, Recall, compact_text, prompt_line

T0 = datetime(2026, 1, 1, tzinfo=UTC)
GATES = RecallConfig().priority_gate
TOPICS = ["trains", "jazz", "tea", "hiking", "museums", "chess", "tennis", "sushi", "poetry", "gardening", "opera",
          "kayaking", "pottery", "cycling", "baking", "podcasts", "birdwatching", "sailing", "salsa", "origami"]


def prefs(n: int) -> list[Scored]:
    """n long preferences, best first: each has a reason clause that the short form drops."""
    out = []
    for i in range(n):
        text = (f"User prefers {TOPICS[i % len(TOPICS)]} number {i} over the alternatives, since it reminds them of "
                f"a long summer they spent with their grandparents by the lake.")
        item = MemoryItem(user_id="u", kind=MemoryKind.PREFERENCE, text=text, importance=0.7, valid_from=T0)
        out.append(Scored(item, round(0.9 - i * 0.01, 3), {}, "profile"))
    return out


def packed(ranked: list[Scored], budget: int, compact_share: float) -> Recall:
    chosen, used, _ = pack(ranked, budget, GATES, 0.1, profile_share=0.4, compact_share=compact_share)
    return Recall(user_id="u", query="q", budget_tokens=budget, used_tokens=used, entries=chosen)


def test_a_crowded_profile_fits_more_preferences_in_short_form_within_budget():
    ranked = prefs(60)
    plain, short = packed(ranked, 400, 0.0), packed(ranked, 400, 0.45)
    assert len(short.entries) > 1.5 * len(plain.entries)
    assert any(e.compact for e in short.entries) and not any(e.compact for e in plain.entries)
    for recall in (plain, short):
        assert count_tokens(recall.to_prompt()) <= recall.used_tokens <= 400
    # The best preferences keep their full text; the short ones follow in rank order, without the reason.
    by_id = {e.item.id: e for e in short.entries}
    assert all(s.item.id in by_id and not by_id[s.item.id].compact for s in ranked[:2])
    assert [s.item.id for s in ranked if s.item.id in by_id] == [s.item.id for s in ranked[: len(by_id)]]
    line = next(prompt_line(e.item, compact=True) for e in short.entries if e.compact)
    assert "since" not in line and line.startswith("- prefers ")


def test_a_profile_that_fits_is_never_shortened():
    recall = packed(prefs(5), 512, 0.45)
    assert len(recall.entries) == 5
    assert not any(e.compact for e in recall.entries)
    assert "grandparents" in recall.to_prompt()


def test_short_entries_grow_back_when_budget_is_left():
    # Budget that fits all 8 in full once the short tier has run: the last pass restores them.
    ranked = prefs(8)
    need = sum(count_tokens(prompt_line(s.item)) + 1 for s in ranked) + 48
    recall = packed(ranked, need, 0.45)
    assert len(recall.entries) == 8
    assert not any(e.compact for e in recall.entries)


def test_standing_instructions_are_never_shortened():
    text = "Standing instruction: when I book flights, always economy with Delta, and never a red-eye."
    # Ranked fifth: past the full-text share, inside the short one.
    ranked = [Scored(MemoryItem(user_id="u", kind=MemoryKind.INSTRUCTION, text=text, valid_from=T0), 0.855, {}, "profile"),
              *prefs(40)]
    ranked.sort(key=lambda s: -s.score)
    recall = packed(ranked, 300, 0.6)
    ins = [e for e in recall.entries if e.item.kind == MemoryKind.INSTRUCTION]
    assert ins and not ins[0].compact
    assert any(e.compact for e in recall.entries)
    assert "never a red-eye" in recall.to_prompt()


def test_compact_text_examples():
    assert compact_text("User avoids products tested on animals, so that matters to them.") == "avoids products tested on animals"
    assert compact_text("Offered options, user chose: A rain barrel, which saves water") == "chose: A rain barrel"
    assert compact_text("User is vegan.") == "is vegan"
    assert compact_text("Flights seat: aisle, near the front") == "Flights seat: aisle, near the front"  # structured
    assert compact_text("User's favorite color is blue.") == "User's favorite color is blue."


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_a_short_line_is_never_longer_than_the_full_one(text):
    item = MemoryItem(user_id="u", kind=MemoryKind.PREFERENCE, text=text, valid_from=T0)
    assert count_tokens(prompt_line(item, compact=True)) <= count_tokens(prompt_line(item)) + 2
