"""An unnamed change ("... these days", "long story short, X instead") of an amount range, a count of a unit, the
company kept replaces the domain's one other value of that slot; a number alone is no name."""

from __future__ import annotations

from memagent.graph.decide import RuleDecider
from memagent.graph.unnamed import known_names, recased
from memagent.types import MemoryKind, Op
from tests.core.test_unnamed_change import _change, _item


def _decide(new: str, domain: str, *olds: str):
    items = [_item(f"i{n}", f"{domain.capitalize()} preference: {v}", v, domain=domain) for n, v in enumerate(olds)]
    return RuleDecider().decide(_change(new, domain), [(i, 0.3) for i in items])


def test_a_range_that_opens_with_the_old_amount_is_still_a_new_amount():
    decided = _decide("€40 to €80", "gifts", "below €40", "something handmade")
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["i0"]
    assert decided.candidate.metadata["replaces"] == "€40"


def test_a_new_count_of_a_unit_replaces_the_domains_one_count_of_that_unit_only():
    # A length of time in minutes replaces one in hours; a rating of the domain is another slot and stays.
    decided = _decide("45 minutes at most", "podcasts", "about an hour", "3 stars or better")
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["i0"]
    assert decided.candidate.metadata["replaces"] == "an hour"
    decided = _decide("4.5 stars or better", "podcasts", "about an hour", "3 stars or better")
    assert decided.target_ids == ["i1"]
    # Two lengths of time in the domain (a weekday and a weekend one): unclear, none replaced.
    assert _decide("45 minutes", "podcasts", "an hour on weekdays", "two hours on Sundays").op == Op.INSERT


def test_the_company_kept_is_one_slot_of_the_domain():
    decided = _decide("with my colleagues", "hiking", "with my brother", "coastal paths")
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["i0"]
    assert decided.candidate.metadata["replaces"] == "with my brother"
    assert _decide("solo", "hiking", "coastal paths").op == Op.INSERT


def test_a_number_alone_is_no_name():
    # "I've put down 20 minutes before" holds no name: the one name of the domain is the value replaced.
    decided = _decide("Thunderbird", "email", "I've put down 20 minutes before", "Apple Mail")
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["i1"]


def test_names_written_in_capitals_are_known_in_lower_case():
    names = known_names(["Shall I keep Duolingo, or try Babbel this time? Anki is an option too.",
                         "Great. That works."])
    # A word opening a sentence ("Anki", "Great") may be capitalised for that alone: not known as a name.
    assert names == {"duolingo": "Duolingo", "babbel": "Babbel"}
    assert recased("babbel from now on", names) == "Babbel from now on"
    assert recased("a babbel-style course", names) == "a babbel-style course"  # a part of a word is no name
    assert recased("Babbel", names) == "Babbel"


def test_a_lower_case_name_the_memories_write_with_capitals_is_a_change_of_name():
    console = _item("c", "Games preference: a Nintendo Switch", "a Nintendo Switch", domain="games")
    genre = _item("g", "Games preference: cosy farming sims", "cosy farming sims", domain="games")
    decided = RuleDecider().decide(_change("nintendo switch", "games"), [(console, 0.2)])
    assert decided.op == Op.INSERT  # the same name again
    other = _item("o", "User said: my cousin swears by the Steam Deck", kind=MemoryKind.EPISODE, domain="games")
    decided = RuleDecider().decide(_change("steam deck", "games"), [(console, 0.2), (genre, 0.2), (other, 0.1)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["c"]
    assert decided.candidate.value == "Steam Deck" and decided.candidate.metadata["replaces"] == "a Nintendo Switch"


def test_a_change_of_company_told_with_with_names_both_values():
    from memagent.graph.exchange import change_in
    told = change_in("going out with my flatmates just doesn't work any more, it'll have to be with my family from now on")
    assert told is not None and (told.old, told.new) == ("going out with my flatmates", "my family")
    # "my kids love it" opens a clause of its own: no value.
    assert change_in("my kids love it, so it's pizza from now on").new == "pizza"


class _FormatsEmbedder:
    """Fixed vectors: formats of a book alike, an author and a genre apart."""

    name, dim = "formats", 3
    _vectors = {"hardcovers": [1.0, 0.0, 0.0], "Kindle e-books": [0.8, 0.6, 0.0], "audiobooks": [0.85, 0.5, 0.1],
                "Mary Beard": [0.0, 0.2, 0.98], "literary memoirs": [0.2, 0.9, 0.3]}

    def embed(self, texts):
        import numpy as np
        return np.array([self._vectors[t] for t in texts], dtype=np.float32)


def test_an_unnamed_change_replaces_the_value_clearly_closest_to_it_and_keeps_the_rest():
    listed = _item("l", "Books preference: Kindle e-books together with Mary Beard", "Kindle e-books together with Mary Beard",
                   domain="books")
    genre = _item("g", "Books preference: literary memoirs", "literary memoirs", domain="books")
    decider = RuleDecider(embedder=_FormatsEmbedder())
    decided = decider.decide(_change("hardcovers", "books"), [(genre, 0.4), (listed, 0.3)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["l"]
    assert decided.candidate.metadata["replaces"] == "Kindle e-books"
    assert decided.candidate.text == "Books preference: hardcovers (changed from Kindle e-books)"
    assert [k.text for k in decided.kept] == ["Books preference: Mary Beard"]
    # Two formats alike to the new one: no value is clearly closest, nothing is replaced.
    audio = _item("a", "Books preference: audiobooks", "audiobooks", domain="books")
    assert decider.decide(_change("hardcovers", "books"), [(listed, 0.3), (audio, 0.3)]).op == Op.INSERT
    # Without an embedder values are not compared; another domain's value is never replaced.
    assert RuleDecider().decide(_change("hardcovers", "books"), [(listed, 0.3)]).op == Op.INSERT
    assert decider.decide(_change("hardcovers", "gifts"), [(listed, 0.3)]).op == Op.INSERT
