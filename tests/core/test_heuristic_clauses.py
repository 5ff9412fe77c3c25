"""The offline extractor on sentences that say two things, or say one thing around other words: reason clauses,
requests that carry the user's own preference, habits in the user's own verbs, options followed by more text."""

from __future__ import annotations

from memagent.graph.heuristic import HeuristicExtractor
from memagent.types import Event, MemoryKind


def texts(turn: str, context: list[Event] | None = None) -> list[str]:
    return [c.text for c in HeuristicExtractor().extract(Event(user_id="u", text=turn), context or [])]


def test_a_first_person_reason_is_a_second_statement_not_a_replacement():
    # Before: the diet rule matched first anywhere in the sentence, and the main clause was lost.
    got = texts("I usually prefer to cook with lentils and beans, as I follow a strict vegetarian diet.")
    assert got == ["User prefers to cook with lentils and beans.", "User is vegetarian."]
    got = texts("I tend to only buy secondhand furniture since I'm against throwaway culture.")
    assert any("secondhand furniture" in t for t in got)
    assert "User is against throwaway culture." in got


def test_a_reason_about_something_else_stays_in_the_statement():
    assert texts("I prefer hands-on workshops since they keep me focused.") == [
        "User prefers hands-on workshops since they keep them focused."]
    assert texts("As I said, I love jazz.") == ["User loves jazz."]


def test_own_preference_with_a_constraint_is_kept_whole():
    got = texts("I usually prefer board games that don't involve any bluffing or lying.")
    assert got == ["User prefers board games that don't involve any bluffing or lying."]
    # Without the user's own verb it is still a request that carries a constraint.
    assert texts("Any ideas for outings that don't involve long drives?") == [
        "User asked for options that do not involve long drives."]


def test_habits_are_conjugated_from_the_users_own_verb():
    assert texts("I tend to get pretty cranky when it's too humid.") == ["User tends to get pretty cranky when it's too humid."]
    assert texts("I usually keep my phone on silent.") == ["User usually keeps their phone on silent."]
    assert texts("I always walk to work.") == ["User always walks to work."]


def test_a_question_tacked_onto_a_statement_is_dropped():
    assert texts("I avoid horror podcasts, but do you know gentler ones?") == ["User avoids horror podcasts."]


def test_the_last_listed_option_ends_at_the_blank_line():
    offered = Event(user_id="u", role="assistant", text=(
        "Here are three ideas:\n1. A herb spiral by the fence.\n2. A rain barrel for watering.\n3. A compost corner "
        "near the shed.\n\nEach of these is cheap to set up and easy to maintain. Would you like more detail on any?"))
    cands = HeuristicExtractor().extract(Event(user_id="u", text="The compost corner near the shed sounds great."), [offered])
    assert [c.kind for c in cands] == [MemoryKind.PREFERENCE]
    assert cands[0].text == "Offered options, user chose: A compost corner near the shed"


def test_a_consequence_in_the_first_person_is_its_own_statement():
    got = texts("We have four kids at home, so I need a minivan with sliding doors and a big trunk.")
    assert got == ["User needs a minivan with sliding doors and a big trunk."]


def test_a_need_is_a_requirement_but_a_request_for_help_is_not():
    assert texts("I need a quiet room facing the garden.") == ["User needs a quiet room facing the garden."]
    for turn in ("I need some ideas for dinner.", "I need a hand with my homework.", "I need to book a flight."):
        assert [c for c in HeuristicExtractor().extract(Event(user_id="u", text=turn)) if c.kind == MemoryKind.PREFERENCE] == []


def test_a_choice_keeps_why_the_named_alternatives_were_turned_down():
    offered = Event(user_id="u", role="assistant", text=(
        "You could try the new laser tag arena, visit the aquarium, go for a bike ride along the river, or see the "
        "4D cinema show."))
    cands = HeuristicExtractor().extract(Event(user_id="u", text=(
        "Let's go for a bike ride along the river. The laser tag arena doesn't sound appealing, and the cinema "
        "might be too loud.")), [offered])
    assert len(cands) == 1
    assert cands[0].text.startswith("Offered options, user chose: go for a bike ride along the river; rejected the others:")
    assert "too loud" in cands[0].text and cands[0].importance >= 0.85


def test_a_stance_named_by_a_compound_noun():
    got = HeuristicExtractor().extract(Event(user_id="u", text="I have a deep-rooted fear of deep water."))
    assert [(c.kind, c.polarity) for c in got] == [(MemoryKind.PREFERENCE, -1)]
    assert "deep water" in got[0].text


def test_struggling_with_what_lacks_something_is_not_a_request_to_avoid_it():
    # The user wants group work; reading "that don't involve group work" as a request would invert it.
    got = texts("I find it hard to keep my attention in seminars that don't include group work.")
    assert got and not any(t.startswith("User asked for options that do not") for t in got)
    assert "group work" in got[0]


def test_a_choice_among_options_listed_with_and():
    offered = Event(user_id="u", role="assistant", text=(
        "You can study volcanoes in a few ways, including thick textbooks full of equations, illustrated "
        "field guides with photos of real eruptions, and online lectures by geophysicists."))
    cands = HeuristicExtractor().extract(Event(user_id="u", text=(
        "I think the illustrated field guides with photos would be the most enjoyable for me.")), [offered])
    assert [c.kind for c in cands] == [MemoryKind.PREFERENCE]
    assert cands[0].text == "Offered options, user chose: illustrated field guides with photos of real eruptions"


def test_a_possession_described_in_passing_is_a_fact():
    cands = HeuristicExtractor().extract(Event(user_id="u", text=(
        "Most weekends I drive the kids around in my van, which seats seven and has a roof box.")))
    assert [(c.kind, c.text) for c in cands] == [(MemoryKind.FACT, "User's van seats seven and has a roof box.")]
    assert texts("My bike, which is old, still runs fine.") == ["User's bike is old."]
