"""Tagged-instruction reading, the trainable parser models, and the shipped artefact."""

from __future__ import annotations

import csv
import json

import pytest

from memagent.errors import ConfigError, InvalidInputError, NotFoundError
from memagent.instructions.domains import canonical_domain
from memagent.instructions.model import LinearModel, ParserModel, default_model
from memagent.instructions.parse import InstructionParser
from memagent.instructions.tags import load_tagged, parse_tagged
from memagent.instructions.train import evaluate, train


def test_intent_names_are_normalised() -> None:
    assert canonical_domain("GET_RENTAL_CARS") == canonical_domain("GetRentalCars") == "RentalCars"
    assert canonical_domain("GET_HOUSESTAYS") == canonical_domain("GET_HOUSE_STAYS") == "HouseStays"
    assert canonical_domain("IN:G") is None and canonical_domain("ACTION") is None


def test_parse_tagged_locates_values_and_nesting() -> None:
    t = parse_tagged(
        "If you're looking for an Izakaya, check to see if the prices are moderate.",
        "[IN:GET_RESTAURANTS If you're looking for an [SL:CUISINE Izakaya ], check to see if the prices are "
        "[SL:PRICE_RANGE moderate ]. ]",
    )
    assert t.domains == ["Restaurants"]
    assert [(s.slot, s.value) for s in t.spans] == [("CUISINE", "Izakaya"), ("PRICE_RANGE", "moderate")]
    assert all(t.text[s.start:s.end] == s.value for s in t.spans)
    linked = parse_tagged("If I'm asking about Events, take a look at RentalCars too.",
                          "[IN:GET_EVENTS If I'm asking about Events,  [IN:GET_RENTALCARS take a look at RentalCars too. ] ]")
    assert linked.domains == ["Events", "RentalCars"] and linked.nested == [("Events", "RentalCars")]
    spaced = parse_tagged("Search for Venus when you want breakfast.",
                          "[IN:GET_RESTAURANTS Search for Venus when you want [SL: CUISINE breakfast ]. ]")
    assert [s.slot for s in spaced.spans] == ["CUISINE"]


def test_parse_tagged_rejects_empty_text() -> None:
    with pytest.raises(InvalidInputError):
        parse_tagged("  ", "[IN:GET_MOVIES ]")


def _write_csv(path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["org", "aug"])
        w.writerows(rows)


def test_load_tagged_dedupes_and_validates(tmp_path) -> None:
    good = tmp_path / "good.csv"
    _write_csv(good, [("Request Movies with a Horror genre.", "[IN:GET_MOVIES Request Movies with a [SL:GENRE Horror ] genre. ]")] * 2
               + [("Nonsense.", "[IN:G Nonsense. ]")])
    rows = load_tagged(good)
    assert len(rows) == 1 and rows[0].spans[0].value == "Horror"
    bad = tmp_path / "bad.csv"
    bad.write_text("text,tags\nx,y\n", encoding="utf-8")
    with pytest.raises(InvalidInputError):
        load_tagged(bad)
    with pytest.raises(NotFoundError):
        load_tagged(tmp_path / "missing.csv")


_TINY = [
    ("If I ask for Restaurants, my preferred cuisine is Thai", "[IN:GET_RESTAURANTS If I ask for Restaurants, my preferred cuisine is [SL:CUISINE Thai ] ]"),
    ("I prefer Oakland when I ask for Restaurants.", "[IN:GET_RESTAURANTS I prefer [SL:CITY Oakland ] when I ask for Restaurants. ]"),
    ("Request Restaurants that serve Korean cuisine.", "[IN:GET_RESTAURANTS Request Restaurants that serve [SL:CUISINE Korean ] cuisine. ]"),
    ("If I ask for Movies, my preferred genre is Horror", "[IN:GET_MOVIES If I ask for Movies, my preferred genre is [SL:GENRE Horror ] ]"),
    ("My go-to theater for Movies is AMC Bay Street.", "[IN:GET_MOVIES My go-to theater for Movies is [SL:THEATER_NAME AMC Bay Street ]. ]"),
    ("Request Movies in Fremont.", "[IN:GET_MOVIES Request Movies in [SL:LOCATION Fremont ]. ]"),
]


def test_train_save_load_roundtrip(tmp_path) -> None:
    path = tmp_path / "tiny.csv"
    _write_csv(path, _TINY)
    model = train(load_tagged(path), source="tiny")
    saved = model.save(tmp_path / "model.json")
    loaded = ParserModel.load(saved)
    assert loaded.info["rows"] == len(_TINY)
    text = "If I ask for Movies, my preferred genre is Comedy"
    assert loaded.domain_proba(text) == pytest.approx(model.domain_proba(text))
    parsed = InstructionParser(loaded).parse(text)
    assert parsed.primary_domain == "Movies"


def test_artefact_format_is_checked(tmp_path) -> None:
    data = default_model().to_dict()
    data["format"] = 999
    (tmp_path / "old.json").write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="format"):
        ParserModel.load(tmp_path / "old.json")
    with pytest.raises(ConfigError):
        ParserModel.load(tmp_path / "absent.json")


def test_fit_needs_two_classes() -> None:
    with pytest.raises(InvalidInputError):
        LinearModel.fit([{"a": 1.0}, {"b": 1.0}], ["X", "X"])


def test_shipped_parser_on_the_tiny_set(tmp_path) -> None:
    path = tmp_path / "tiny.csv"
    _write_csv(path, _TINY)
    scores = evaluate(InstructionParser(), load_tagged(path))
    assert scores.domain_top1 == 1.0 and scores.value_recall >= 0.8
