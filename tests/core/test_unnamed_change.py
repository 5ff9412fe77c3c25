"""A change that names no old value ("vegan from now on") replaces the value of the same kind: another diet, the
domain's one other time or amount. Unclear cases (two times, a diet word describing a place) replace nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from memagent.graph.candidates import Candidate
from memagent.graph.decide import RuleDecider
from memagent.graph.unnamed import reaches
from memagent.types import MemoryItem, MemoryKind, Op

T0 = datetime(2025, 5, 5, 10, 0, tzinfo=UTC)


def _item(iid, text, value=None, domain="food", kind=MemoryKind.PREFERENCE, when=T0):
    return MemoryItem(id=iid, user_id="u", kind=kind, text=text, value=value, domain=domain, polarity=1,
                      created_at=when, valid_from=when)


def _change(value, domain="food"):
    return Candidate(kind=MemoryKind.PREFERENCE, text=f"{domain.capitalize()} preference: {value} (changed)", value=value,
                     domain=domain, polarity=1, metadata={"changed": "1"})


def test_a_new_diet_replaces_the_earlier_diet_in_whatever_memory_holds_it():
    agreed = _item("a", "Food preference (agreed): a lively patio together with vegetarian",
                   "a lively patio together with vegetarian")
    said = _item("s", "User said: I've been vegetarian for years", kind=MemoryKind.EPISODE, domain=None)
    cuisine = _item("c", "Food preference: Peruvian", "Peruvian")
    # Low similarities: no slot rule would pick any of them (the words of two diets are not alike to an embedder).
    decided = RuleDecider().decide(_change("vegan"), [(cuisine, 0.5), (agreed, 0.3), (said, 0.2)])
    assert decided.op == Op.SUPERSEDE and set(decided.target_ids) == {"a", "s"}
    # The change now names what it replaced: turns stating it are retired, a reader sees the change.
    assert decided.candidate.metadata["replaces"] == "vegetarian"
    assert decided.candidate.text == "Food preference: vegan (changed from vegetarian)"
    # What the agreed memory said besides the old diet stays current, as a memory of its own.
    assert [k.text for k in decided.kept] == ["Food preference (agreed): a lively patio"]
    # A diet word describing a place or dish is no diet of the user's.
    assert not reaches(_change("vegan"), _item("p", "Food preference: vegetarian-friendly places", "vegetarian-friendly"))


def test_a_new_time_replaces_the_domains_one_other_time_and_no_time_when_two_could_be_meant():
    wake = _item("w", "Alarm preference: 7:05 AM", "7:05 AM", domain="alarm")
    sound = _item("s", "Alarm preference: soft chimes", "soft chimes", domain="alarm")
    flight = _item("f", "Flights preference: the 6:40 AM departure", "the 6:40 AM departure", domain="flights")
    decided = RuleDecider().decide(_change("9:00 AM", "alarm"), [(sound, 0.5), (wake, 0.3), (flight, 0.3)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["w"]
    assert decided.candidate.metadata["replaces"] == "7:05 AM"
    weekend = _item("e", "Alarm preference: 10:30 AM on weekends", "10:30 AM on weekends", domain="alarm")
    assert RuleDecider().decide(_change("9:00 AM", "alarm"), [(wake, 0.3), (weekend, 0.3)]).op == Op.INSERT
    # The same time said again is no change of it.
    assert RuleDecider().decide(_change("7:05 AM", "alarm"), [(wake, 0.3)]).op == Op.INSERT


def test_a_temporary_or_named_change_is_left_to_its_own_rules():
    agreed = _item("a", "Food preference: vegetarian", "vegetarian")
    one_off = _change("vegan").model_copy(update={"temporary": True})
    assert RuleDecider().decide(one_off, [(agreed, 0.3)]).op != Op.SUPERSEDE


def test_a_named_change_keeps_what_the_replaced_memory_said_besides_the_old_value():
    cand = Candidate(kind=MemoryKind.PREFERENCE, text="Music preference: Apple Music (changed from Spotify)",
                     value="Apple Music", domain="music", polarity=1, metadata={"replaces": "Spotify"})
    listed = _item("l", "Music preference (agreed): Spotify, jazz playlists and loud", "Spotify, jazz playlists and loud",
                   domain="music")
    sentence = _item("s", "Music preference (agreed): I'd keep Spotify for the commute", "I'd keep Spotify for the commute",
                     domain="music")
    decided = RuleDecider().decide(cand, [(listed, 0.6), (sentence, 0.6)])
    assert decided.op == Op.SUPERSEDE and set(decided.target_ids) == {"l", "s"}
    # A list is split around the old value; a sentence is not cut up.
    assert [k.text for k in decided.kept] == ["Music preference (agreed): jazz playlists and loud"]
    # An old value holding a joint itself is cut out whole: no fragment of it is kept.
    chatty = Candidate(kind=MemoryKind.PREFERENCE, text="Messaging preference: emojis (changed from warm and chatty)",
                       value="emojis", domain="messaging", polarity=1, metadata={"replaces": "warm and chatty"})
    tone = _item("m", "Messaging preference: best wishes, warm and chatty", "best wishes, warm and chatty",
                 domain="messaging")
    assert [k.text for k in RuleDecider().decide(chatty, [(tone, 0.6)]).kept] == ["Messaging preference: best wishes"]


def test_a_new_part_of_the_day_replaces_the_domains_one_other_part_of_the_day():
    ferry = _item("f", "Ferry preference (agreed): a quiet deck together with late-night sailings",
                  "a quiet deck together with late-night sailings", domain="ferry")
    cabin = _item("c", "Ferry preference: a cabin with a porthole", "a cabin with a porthole", domain="ferry")
    decided = RuleDecider().decide(_change("afternoon crossings", "ferry"), [(cabin, 0.5), (ferry, 0.2)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["f"]
    # The change names the listed element that held the old part of the day; the rest of the list stays current.
    assert decided.candidate.metadata["replaces"] == "late-night sailings"
    assert [k.value for k in decided.kept] == ["a quiet deck"]
    # Two parts of the day in the domain (outbound and return?): unclear which, none replaced.
    back = _item("b", "Ferry preference: morning returns", "morning returns", domain="ferry")
    assert RuleDecider().decide(_change("afternoon crossings", "ferry"), [(ferry, 0.2), (back, 0.2)]).op == Op.INSERT


def test_a_new_kind_of_car_replaces_the_one_other_kind_even_under_another_domain():
    # Filed under a guessed domain: the kind of car is still the user's one kind of car.
    estate = _item("e", "Travel preference: a roomy estate car", "a roomy estate car", domain="travel")
    depot = _item("d", "Cars preference: the airport depot", "the airport depot", domain="cars")
    decided = RuleDecider().decide(_change("a hatchback", "cars"), [(depot, 0.6), (estate, 0.2)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["e"]
    assert decided.candidate.metadata["replaces"] == "a roomy estate car"


def test_a_new_name_replaces_the_domains_one_other_name_and_no_name_when_two_could_be_meant():
    app = _item("a", "Notes preference: Bear Notes", "Bear Notes", domain="notes")
    paper = _item("p", "Notes preference: dotted paper", "dotted paper", domain="notes")
    decided = RuleDecider().decide(_change("Obsidian", "notes"), [(paper, 0.5), (app, 0.1)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["a"]
    assert decided.candidate.metadata["replaces"] == "Bear Notes"
    # A name of another domain is left alone, and two names in the domain (an app and a pen brand) are unclear.
    other = _item("o", "Music preference: Bear Notes", "Bear Notes", domain="music")
    assert RuleDecider().decide(_change("Obsidian", "notes"), [(other, 0.1)]).op == Op.INSERT
    pen = _item("n", "Notes preference: Lamy Safari", "Lamy Safari", domain="notes")
    assert RuleDecider().decide(_change("Obsidian", "notes"), [(app, 0.1), (pen, 0.1)]).op == Op.INSERT


def test_two_values_of_a_kind_stand_side_by_side_without_a_change_cue():
    # Said plainly (no "now", "these days", "switched"): a second name, part of the day or car is one more value.
    app = _item("a", "Notes preference: Bear Notes", "Bear Notes", domain="notes")
    plain = Candidate(kind=MemoryKind.PREFERENCE, text="Notes preference: Obsidian", value="Obsidian", domain="notes",
                      polarity=1)
    assert RuleDecider().decide(plain, [(app, 0.1)]).op == Op.INSERT
    assert not reaches(plain, app)
    # A capitalised sentence or a day is no name.
    for words in ("Mostly dotted paper for lists", "every Tuesday"):
        assert not reaches(_change("Obsidian", "notes"), _item("x", f"Notes preference: {words}", words, domain="notes"))
    # Nor does a one-off: "Obsidian just for this project".
    assert RuleDecider().decide(_change("Obsidian", "notes").model_copy(update={"temporary": True}), [(app, 0.1)]).op \
        != Op.SUPERSEDE


class _NamesEmbedder:
    """Fixed vectors for a few names: two streaming services alike, an artist apart."""

    name, dim = "names", 3
    _vectors = {"Deezer": [1.0, 0.0, 0.0], "Tidal": [0.8, 0.6, 0.0], "Nick Drake": [0.1, 0.0, 1.0],
                "Joni Mitchell": [0.2, 0.0, 0.98]}

    def embed(self, texts):
        import numpy as np
        return np.array([self._vectors[t] for t in texts], dtype=np.float32)


def test_between_several_names_the_one_clearly_closest_by_name_alone_is_replaced():
    # An agreed proposal keeps the assistant's words as its value: the name is found inside them.
    service = _item("t", "Music preference (agreed): I'd lean towards Tidal", "I'd lean towards Tidal", domain="music")
    artist = _item("n", "Music preference: Nick Drake", "Nick Drake", domain="music")
    decider = RuleDecider(embedder=_NamesEmbedder())
    decided = decider.decide(_change("Deezer", "music"), [(artist, 0.6), (service, 0.5)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["t"]
    assert decided.candidate.metadata["replaces"] == "Tidal"
    # Without an embedder, or with no name clearly closest (two artists), nothing is replaced.
    assert RuleDecider().decide(_change("Deezer", "music"), [(artist, 0.6), (service, 0.5)]).op == Op.INSERT
    other = _item("j", "Music preference: Joni Mitchell", "Joni Mitchell", domain="music")
    assert decider.decide(_change("Deezer", "music"), [(artist, 0.6), (other, 0.5)]).op == Op.INSERT


def test_a_name_said_only_in_a_note_of_the_domain_is_the_one_an_unnamed_change_replaces():
    # The old calendar app was said in passing and kept as said; the change names no old value.
    note = _item("n", "User said: After a long week nothing beats Apple Calendar, so let's keep that in",
                 kind=MemoryKind.EPISODE, domain="calendar")
    other = _item("o", "User said: Skyscanner was fine last time", kind=MemoryKind.EPISODE, domain="flights")
    decided = RuleDecider().decide(_change("Proton Calendar", "calendar"), [(note, 0.3), (other, 0.3)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["n"]
    assert decided.candidate.metadata["replaces"] == "Apple Calendar"
    # A preference of the domain holding a name comes first: the note is not taken for the value replaced.
    app = _item("p", "Calendar preference: Fantastical", "Fantastical", domain="calendar")
    decided = RuleDecider().decide(_change("Proton Calendar", "calendar"), [(note, 0.3), (app, 0.3)])
    assert decided.target_ids == ["p"] and decided.candidate.metadata["replaces"] == "Fantastical"
    # The label a note opens with is no name.
    assert not reaches(_change("Proton Calendar", "calendar"),
                       _item("m", "User said: i keep forgetting things", kind=MemoryKind.EPISODE, domain="calendar"))


def test_meals_and_the_working_day_are_parts_of_the_day():
    visits = _item("v", "Home preference (agreed): cash on the day, plus lunchtime visits", "cash on the day, plus lunchtime visits",
                   domain="home")
    decided = RuleDecider().decide(_change("early mornings", "home"), [(visits, 0.3)])
    assert decided.op == Op.SUPERSEDE and decided.target_ids == ["v"]
    assert decided.candidate.metadata["replaces"] == "lunchtime visits"
    assert [k.text for k in decided.kept] == ["Home preference (agreed): cash on the day"]
