"""The reliability benchmark runs (quick mode) and writes what it prints; on this code every figure is clean."""

from __future__ import annotations

import json

from benchmarks.reliability.__main__ import main as reliability_main


def test_reliability_quick(tmp_path, capsys):
    assert reliability_main(["--quick", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "reliability.json").read_text())
    assert set(data) >= {"environment", "settings", "injection", "crash", "concurrency", "isolation", "forgetting"}
    for row in data["injection"]["rows"]:
        assert row["strings"] >= 50 and row["refused"] + row["stored_as_quoted_data"] == row["strings"]
        assert row["breakouts"] == 0 and row["override_instructions_stored"] == 0
        assert row["add_instruction_accepted"] == 0 and row["benign_instructions_kept"] == row["benign_instructions"]
    crash = data["crash"]
    assert crash["kills"] == 4 and crash["kills_survived"] == 4 and crash["writes_checked"] > 0, crash["problems"]
    conc = data["concurrency"]
    assert conc["concurrent_writers"] == 5 and conc["lost_writes"] == 0 and conc["errors"] == []
    assert conc["current_home_cities"] == 1
    iso = data["isolation"]
    assert iso["isolation_cases"] > 0 and iso["leaks"] == 0 and iso["foreign_id_calls_answered"] == 0
    assert data["forgetting"]["scenarios"] >= 10 and data["forgetting"]["bytes_found"] == 0
    printed = capsys.readouterr().out
    assert "breakouts" in printed and "kills survived" in printed
    assert (tmp_path / "reliability.md").read_text().strip() == printed.strip()
