"""The NLSI-style benchmark: reference rules, episode generation, and the --quick run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.nlsi.episodes import (
    REASONING_TYPES,
    GoldSlot,
    Pool,
    PoolInstruction,
    build_episodes,
    reference_select,
)
from benchmarks.nlsi.run import default_data_dir, main
from memagent.instructions.tags import load_tagged

DATA = default_data_dir()
needs_data = pytest.mark.skipif(not (DATA / "taps_gold_val_instructions.csv").is_file(), reason=f"no NLSI data at {DATA}")


def ins(text: str, domain: str, *slots: tuple[str, str, str], additive: bool = False) -> PoolInstruction:
    return PoolInstruction(text, (domain,), tuple(GoldSlot(s, v, r) for s, v, r in slots), additive=additive)


CUISINE_THAI = ins("cuisine thai", "Restaurants", ("CUISINE", "Thai", "action"))
CUISINE_KOREAN = ins("cuisine korean", "Restaurants", ("CUISINE", "Korean", "action"))
CITY_SJ = ins("city san jose", "Restaurants", ("CITY", "San Jose", "action"))
IF_SJ_ITALIAN = ins("if san jose italian", "Restaurants", ("CITY", "San Jose", "condition"), ("CUISINE", "Italian", "action"))
PICKUP = ins("pickup airport", "RentalCars", ("PICKUP_LOCATION", "SFO Airport", "action"))
IF_PICKUP = ins("if airport compact", "RentalCars", ("PICKUP_LOCATION", "SFO Airport", "condition"), ("CAR_TYPE", "Compact", "action"))
LINK = PoolInstruction("travel also hotels", ("Travel", "Hotels"), cond_domains=("Travel",))
HOTEL = ins("hotel name", "Hotels", ("HOTEL_NAME", "Hilton", "action"))


def test_reference_rules() -> None:
    assert reference_select([CUISINE_THAI, HOTEL], "Flights", []) == ([], [])
    # MultiHop: the chain's condition is met by another instruction's action, not by the request
    assert reference_select([IF_PICKUP, PICKUP, HOTEL], "RentalCars", []) == ([0, 1], [])
    # MultiDomain: one-way link
    assert reference_select([LINK, HOTEL, CUISINE_THAI], "Travel", []) == ([0, 1], [])
    assert reference_select([LINK, HOTEL], "Hotels", []) == ([1], [])
    # Conflict: newer wins (older reported), unless the newer one is additive (MultiPreference)
    assert reference_select([CUISINE_THAI, CUISINE_KOREAN], "Restaurants", []) == ([1], [0])
    korean_too = ins("also korean", "Restaurants", ("CUISINE", "Korean", "action"), additive=True)
    assert reference_select([CUISINE_THAI, korean_too], "Restaurants", []) == ([0, 1], [])
    # Conflict: the request overrides; a more specific instruction beats a general one
    assert reference_select([CUISINE_THAI, CITY_SJ], "Restaurants", [("CUISINE", "Ethiopian")]) == ([1], [0])
    assert reference_select([CUISINE_THAI, IF_SJ_ITALIAN], "Restaurants", [("CITY", "San Jose")]) == ([1], [0])
    assert reference_select([CUISINE_THAI, IF_SJ_ITALIAN], "Restaurants", [("CITY", "Oakland")]) == ([0], [])


@needs_data
def test_episodes_are_deterministic_and_typed() -> None:
    pool = Pool.build(load_tagged(DATA / "taps_gold_val_instructions.csv"))
    eps = build_episodes(pool, 6, seed=3)
    again = build_episodes(pool, 6, seed=3)
    assert [(e.request, [p.text for p in e.profile], e.gold) for e in eps] == \
           [(e.request, [p.text for p in e.profile], e.gold) for e in again]
    assert {e.type for e in eps} == set(REASONING_TYPES)
    for e in eps:
        assert 5 <= len(e.profile) <= 20
        assert (e.gold == []) == (e.type == "NoneApplicable")
        assert not any(p.text.lower().rstrip(".") in e.request.lower() for p in e.profile)
        if e.type == "Conflict":
            assert e.losers
    assert build_episodes(pool, 6, seed=4)[0].request != eps[0].request or \
        [p.text for p in build_episodes(pool, 6, seed=4)[0].profile] != [p.text for p in eps[0].profile]


@needs_data
def test_quick_run_writes_the_report(tmp_path: Path) -> None:
    assert main(["--quick", "--data", str(DATA), "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "nlsi.json").read_text())
    for strategy in ("dense", "bm25", "hybrid", "multipass"):
        assert set(data["summary"][strategy]) == {*REASONING_TYPES, "overall"}
        assert 0.0 <= data["summary"][strategy]["overall"]["exact"] <= 1.0
    assert data["parsing"]["rows"] > 0 and 0.5 < data["parsing"]["domain_top1"] <= 1.0
    md = (tmp_path / "nlsi.md").read_text()
    assert "python -m benchmarks.nlsi --quick" in md and "| MultiHop |" in md
    assert (tmp_path / "nlsi_exact_by_size.png").stat().st_size > 0


@needs_data
def test_episodes_do_not_depend_on_the_hash_seed() -> None:
    import os
    import subprocess
    import sys

    code = ("import hashlib; from benchmarks.nlsi.episodes import Pool, build_episodes; "
            "from memagent.instructions.tags import load_tagged; "
            f"eps = build_episodes(Pool.build(load_tagged({str(DATA / 'taps_gold_val_instructions.csv')!r})), 10, seed=0); "
            "print(hashlib.md5(repr([(e.request, [p.text for p in e.profile], e.gold) for e in eps]).encode()).hexdigest())")
    root = Path(__file__).resolve().parents[2]
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}).stdout
               for seed in ("1", "2")}
    assert len(digests) == 1


@needs_data
def test_llm_strategy_is_benchmarked_with_one_call_per_episode(tmp_path: Path) -> None:
    from benchmarks.nlsi.run import run
    from memagent import ScriptedChat

    llm = ScriptedChat(lambda messages: '{"applicable": [], "overridden": []}')
    results = run(DATA, tmp_path, per_type=2, calib_per_type=2, seed=0, embedder_name="hashing", llm=llm)
    episodes = sum(results["episodes"].values())
    assert results["llm_usage"]["calls"] == episodes
    # an always-empty selection is right exactly on the NoneApplicable episodes
    assert results["summary"]["llm"]["NoneApplicable"]["exact"] == 1.0
    assert results["summary"]["llm"]["overall"]["exact"] == results["episodes"]["NoneApplicable"] / episodes
