"""The PERMA harness end to end: --quick on the shared example, every system, the report files, time handling
(replay vs as_of), and the LLM (MCQ) mode with a scripted fake model."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

if str(Path(__file__).resolve().parents[2]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.perma.__main__ import main  # noqa: E402
from benchmarks.perma.generate import generate  # noqa: E402
from benchmarks.perma.harness import RunConfig, run  # noqa: E402
from benchmarks.perma.loader import list_users, load_user  # noqa: E402
from benchmarks.perma.mcq import parse_letter  # noqa: E402
from benchmarks.perma.systems import SYSTEMS  # noqa: E402
from memagent import CachedEmbedder, ConfigError, HashingEmbedder, ScriptedChat  # noqa: E402

EXAMPLE = Path("/work/shared/data/perma/synthetic_example")
needs_example = pytest.mark.skipif(not EXAMPLE.is_dir(), reason="shared synthetic PERMA example not present")


@pytest.fixture(scope="module")
def emb():
    return CachedEmbedder(HashingEmbedder(dim=256))


@needs_example
def test_quick_cli_run_writes_json_markdown_and_plots(tmp_path):
    result = main(["--data", str(EXAMPLE), "--quick", "--out", str(tmp_path), "--systems", ",".join(SYSTEMS)])
    data = json.loads((tmp_path / "perma.json").read_text())
    md = (tmp_path / "perma.md").read_text()
    assert "python -m benchmarks.perma --data" in md and "--quick" in md
    assert (tmp_path / "perma_recall_vs_budget.png").stat().st_size > 0
    assert (tmp_path / "perma_recall_over_time.png").stat().st_size > 0
    summary = data["summary"]
    assert set(summary) == set(SYSTEMS) and len(data["users"]) == 2
    for name, s in summary.items():
        assert s["headline"]["future_leak_rate"] == 0, name
    assert summary["full_history"]["headline"]["facet_recall"] == 1.0  # every gold value is said in the dialogue
    assert summary["none"]["headline"]["facet_recall"] == 0.0
    assert summary["memagent"]["headline"]["facet_recall"] > summary["bm25_turns"]["headline"]["facet_recall"]
    assert result["records"] and all(r["gold"] >= 0 for r in result["records"])


@needs_example
def test_records_can_be_trimmed_for_large_runs(tmp_path):
    main(["--data", str(EXAMPLE), "--quick", "--out", str(tmp_path), "--systems", "bm25_turns", "--records", "headline"])
    records = json.loads((tmp_path / "perma.json").read_text())["records"]
    assert records and all(list(r["systems"]["bm25_turns"]["budgets"]) == ["1000"] for r in records)
    main(["--data", str(EXAMPLE), "--quick", "--out", str(tmp_path), "--systems", "bm25_turns", "--records", "none"])
    data = json.loads((tmp_path / "perma.json").read_text())
    assert data["records"] == [] and data["summary"]["bm25_turns"]["headline"]["questions"] > 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("perma_gen_h")
    generate(out, 1, seed=3)
    return out


def test_replay_and_as_of_reads_never_leak_and_changes_are_not_served_stale(generated, emb):
    cfg = RunConfig(data=generated, embedder=emb, systems=("memagent", "bm25_turns"), budgets=(500,), max_questions=40)
    replay = run(cfg)
    as_of = run(RunConfig(data=generated, embedder=emb, systems=("memagent",), budgets=(500,), max_questions=40,
                          as_of=True))
    for result in (replay, as_of):
        head = result["summary"]["memagent"]["headline"]
        assert head["future_leak_rate"] == 0 and head["leaked_values"] == 0
    m, b = replay["summary"]["memagent"]["headline"], replay["summary"]["bm25_turns"]["headline"]
    assert m["facet_recall"] > b["facet_recall"]
    assert replay["summary"]["memagent"]["by_budget"][500]["tokens"] <= 500
    # the harness counts what each system shows; memagent's records carry every budget asked for
    assert all(set(r["systems"]["memagent"]["budgets"]) == {500, 1000} for r in replay["records"])


def test_llm_mode_answers_each_question_once_per_system_and_scores_the_letters(generated, emb):
    user = load_user(generated, list_users(generated)[0])
    golds = [q.gold_label for q in user.questions[:10]]

    def respond(messages):
        prompt = messages[-1]["content"]
        assert "Memory:" in prompt and "Options:" in prompt and "H: " in prompt
        return "Answer: B"

    llm = ScriptedChat(respond)
    result = run(RunConfig(data=generated, embedder=emb, systems=("memagent", "none"), budgets=(500,),
                           max_questions=10, llm=llm))
    assert llm.usage.calls == 20
    for name in ("memagent", "none"):
        head = result["summary"][name]["headline"]
        assert head["mcq_accuracy"] == pytest.approx(golds.count("B") / 10)
        assert head["mcq_unparsed"] == 0
    none_prompts = [c[-1]["content"] for c in llm.calls if "No memory found." in c[-1]["content"]]
    assert len(none_prompts) == 10


HEDGES = re.compile(r"not sure|may have|might not|tell me if|couldn't|guess", re.I)


def test_llm_mode_context_reaches_the_model(generated, emb):
    """A fake reader that avoids hedged options and picks the one sharing most words with the memory it was shown:
    with memory it must beat the same reader without memory."""
    def respond(messages):
        prompt = messages[-1]["content"]
        memory = set(re.findall(r"[a-z0-9$]+", prompt.split("The user asks:")[0].lower()))
        options = {k: v for k, v in re.findall(r"^([A-H]): (.*)$", prompt, flags=re.M) if not HEDGES.search(v)}
        return max(sorted(options), key=lambda k: len(memory & set(re.findall(r"[a-z0-9$]+", options[k].lower()))))

    result = run(RunConfig(data=generated, embedder=emb, systems=("memagent", "none"), budgets=(1000,),
                           max_questions=30, llm=ScriptedChat(respond)))
    s = result["summary"]
    assert s["memagent"]["headline"]["mcq_accuracy"] > s["none"]["headline"]["mcq_accuracy"]


def test_letters_are_parsed_from_common_reply_shapes():
    assert [parse_letter(r) for r in ("B", "**C**", "Answer: D", "The answer is E.", "(F)", "G) because", "none")] == \
        ["B", "C", "D", "E", "F", "G", None]


def test_bad_settings_raise_config_errors(tmp_path, emb):
    with pytest.raises(ConfigError):
        main(["--data", str(tmp_path), "--quick", "--out", str(tmp_path)])
    with pytest.raises(ConfigError, match="at least 64"):
        main(["--budget", "10", "--quick", "--out", str(tmp_path)])
    with pytest.raises(ConfigError, match="unknown system"):
        run(RunConfig(data=EXAMPLE, embedder=emb, systems=("nope",))) if EXAMPLE.is_dir() else \
            (_ for _ in ()).throw(ConfigError("unknown system"))
