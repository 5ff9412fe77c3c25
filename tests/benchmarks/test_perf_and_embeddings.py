"""The perf and embedder benchmarks run (quick modes) and write what they print."""

from __future__ import annotations

import json

import numpy as np

from benchmarks.embeddings.__main__ import main as embeddings_main
from benchmarks.perf.__main__ import main as perf_main


def test_perf_quick(tmp_path, capsys):
    assert perf_main(["--quick", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "perf.json").read_text())
    modes = {r["mode"]: r for r in data["ingest"][0]["rows"]}
    assert set(modes) == {"add", "add_messages x2", "add_messages x50", "write-behind"}
    assert len({r["memories"] for r in modes.values()}) == 1  # every mode writes the same memories
    assert modes["write-behind"]["acknowledged_turns_per_second"] > 0
    assert data["llm_calls"]["llm_calls_per_turn"] <= 1
    for row in data["one_user"]:
        assert row["memagent"]["p99"] >= row["memagent"]["p95"] >= row["memagent"]["p50"] > 0
        assert row["numpy"]["p50"] > 0 and row["chroma"]["p50"] > 0 and row["peak_rss_mb"] > 0
        assert row["after_write"]["writes"] == 10 and row["after_write"]["p95"] >= row["after_write"]["p50"] > 0
    assert data["many_users"]["users"] == 5 and data["many_users"]["vectors"] == "sparse"  # the kind, not the matrices
    assert data["context"]["full_history_tokens"] > 0 and data["context"]["by_budget"]
    assert "turns/s" in capsys.readouterr().out
    assert (tmp_path / "perf.md").read_text().count("|") > 10
    assert "Recall right after a write" in (tmp_path / "perf.md").read_text()


def test_perf_runs_only_the_phases_asked_for(tmp_path):
    assert perf_main(["--quick", "--phases", "ingest", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "perf.json").read_text())
    assert [r["turns"] for r in data["ingest"][0]["rows"]] == [200] * 4
    assert not {"llm_calls", "one_user", "many_users", "context"} & set(data)
    md = (tmp_path / "perf.md").read_text()
    assert "turns/s" in md and "Recall latency" not in md


def test_perf_latency_rows_for_sparse_and_dense_vectors(tmp_path):
    assert perf_main(["--phases", "latency", "--sizes", "200", "--users", "0", "--no-chroma", "--queries", "5",
                      "--repeats", "1", "--vectors", "sparse,dense", "--writes", "2", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "perf.json").read_text())["one_user"]
    assert [r["vectors"] for r in rows] == ["sparse", "dense"] and all(r["memories"] >= 200 for r in rows)
    md = (tmp_path / "perf.md").read_text()
    assert "(sparse) |" in md and "(dense) |" in md


def test_rotated_vectors_keep_every_cosine_and_have_no_zero_entry():
    from benchmarks.perf.vectors import embedder_for

    texts = ["I love jazz on fridays", "jazz with friends", "sushi at the beach", "a new hobby to try"]
    sparse, dense = embedder_for("sparse", 384).embed(texts), embedder_for("dense", 384).embed(texts)
    assert (sparse == 0).mean() > 0.5 and (dense != 0).all()
    assert np.allclose(sparse @ sparse.T, dense @ dense.T, atol=1e-5)
    assert embedder_for("dense", 384).name != embedder_for("sparse", 384).name  # never opens the other's index


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
