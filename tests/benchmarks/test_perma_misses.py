"""benchmarks.perma.misses: its misses are exactly the harness's, each with a cause and, when ranked, a rank."""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[2]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.perma.generate import generate  # noqa: E402
from benchmarks.perma.harness import RunConfig, run_user  # noqa: E402
from benchmarks.perma.loader import list_users, load_user  # noqa: E402
from benchmarks.perma.misses import CLASSES, diagnose_user, main  # noqa: E402
from memagent import CachedEmbedder, HashingEmbedder  # noqa: E402


def test_misses_match_the_harness_and_say_why(tmp_path):
    generate(tmp_path, 1, seed=7)
    uid = list_users(tmp_path)[0]
    user = load_user(tmp_path, uid)
    emb = CachedEmbedder(HashingEmbedder(dim=256))
    total, misses = diagnose_user(user, emb, 250, max_questions=12)
    records, _ = run_user(RunConfig(data=tmp_path, embedder=emb, budgets=(250,), budget=250, systems=("memagent",),
                                    max_questions=12), user)
    scores = [r["systems"]["memagent"]["budgets"][250] for r in records]
    assert total == sum(s["total"] for s in scores)
    assert len(misses) == sum(s["total"] - s["found"] for s in scores) > 0
    assert {m.cause for m in misses} <= set(CLASSES)
    for m in misses:
        assert (m.rank is not None) == (m.cause in ("ranked_out", "cut"))
        if m.cause == "ranked_out":
            assert m.rank > m.packed and m.components
    out = tmp_path / "misses.json"
    result = main(["--data", str(tmp_path), "--embedder", "hashing", "--max-questions", "3", "--budget", "250",
                   "--set", "w_session=0", "--out", str(out)])
    assert out.stat().st_size > 0 and result["summary"]["gold"] > 0
