"""The perf and embedder benchmarks run (quick modes) and write what they print."""

from __future__ import annotations

import json

from benchmarks.embeddings.__main__ import main as embeddings_main
from benchmarks.perf.__main__ import main as perf_main


def test_perf_quick(tmp_path, capsys):
    assert perf_main(["--quick", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "perf.json").read_text())
    row = data["rows"][0]
    assert row["events"] == 200 and 0 < row["memories"] <= 200
    assert row["writes_per_second"] > 0 and row["recall_ms_p95"] >= row["recall_ms_p50"] > 0
    assert "writes/s" in capsys.readouterr().out
    assert (tmp_path / "perf.md").read_text().count("|") > 10


def test_embeddings_quick(tmp_path):
    assert embeddings_main(["--quick", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "embeddings.json").read_text())["rows"]
    assert rows[0]["sentences_per_s"] > 0 and rows[0]["sentences"] == 200


def test_a_quick_run_without_out_never_writes_into_results():
    from benchmarks.common import RESULTS, output_dir

    smoke = output_dir(None, "perf", quick=True)
    assert smoke.is_dir() and RESULTS not in smoke.parents
    assert output_dir(None, "perf") == RESULTS / "perf"
    assert output_dir("elsewhere", "perf", quick=True).name == "elsewhere"
