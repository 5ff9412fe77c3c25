"""The PrefEval harness on a tiny synthetic dataset: loading and gold labels, fillers, systems, the run loop,
the report, and the LLM mode with a scripted fake model."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

# The repo root holds ``benchmarks``; ``python -m pytest`` puts it on sys.path, the ``pytest`` script does not.
if str(Path(__file__).resolve().parents[2]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.prefeval.cli import execute, main, parse_args  # noqa: E402
from benchmarks.prefeval.data import EXPLICIT_ACK, Message, load_pairs  # noqa: E402
from benchmarks.prefeval.filler import FillerPool, build_filler, load_original  # noqa: E402
from benchmarks.prefeval.llm_mode import LLMJudge, context_responder, judge_answer, mcq  # noqa: E402
from benchmarks.prefeval.runner import RunSettings, _chunks, run, summarise  # noqa: E402
from benchmarks.prefeval.synthetic import TOPICS, write_dataset  # noqa: E402
from benchmarks.prefeval.systems import Context, FullContext, MemagentSystem, NaiveRAG, NoMemory  # noqa: E402
from memagent import CachedEmbedder, ConfigError, HashingEmbedder, InvalidInputError, Memory, ScriptedChat  # noqa: E402

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("prefeval"))


@pytest.fixture(scope="module")
def emb():
    return CachedEmbedder(HashingEmbedder(dim=256))


@pytest.fixture(scope="module")
def pairs(data, emb):
    return load_pairs(data, ("explicit", "choice", "persona"), label_embedder=emb)


# -- data -------------------------------------------------------------------------------------------------
def test_gold_messages_per_form(pairs):
    by_form = {f: [p for p in pairs if p.form == f] for f in ("explicit", "choice", "persona")}
    assert all(len(v) == 6 for v in by_form.values())
    for p in by_form["explicit"]:
        assert p.gold == {0} and p.messages[0].content == p.preference and p.messages[1].content == EXPLICIT_ACK
    for p in by_form["choice"]:
        assert p.gold == {2, 3} and [m.role for m in p.messages] == ["user", "assistant", "user", "assistant"]
    for p in by_form["persona"]:
        # the synthetic conversations state the preference in the second user turn (message 2)
        assert p.gold == {2}, (p.key, p.gold)
    assert all(len(p.mcq_options) == 4 for p in pairs)


def test_per_topic_sample_takes_the_same_rows_in_every_form(data, emb):
    some = load_pairs(data, ("explicit", "persona"), label_embedder=emb, per_topic=1, seed=3)
    rows = {(p.topic, p.row) for p in some if p.form == "explicit"}
    assert rows == {(p.topic, p.row) for p in some if p.form == "persona"}
    assert len(rows) == len(TOPICS)


def test_only_topics_keeps_each_topics_sample(data, emb):
    """--topics: tune on some topics, check on the others; a topic's rows do not depend on which are chosen."""
    every = load_pairs(data, ("explicit",), label_embedder=emb, per_topic=1, seed=3)
    one = sorted(TOPICS)[0]
    some = load_pairs(data, ("explicit",), label_embedder=emb, per_topic=1, seed=3, only_topics=[one])
    assert [p.key for p in some] == [p.key for p in every if p.topic == one]
    with pytest.raises(ConfigError):
        load_pairs(data, ("explicit",), label_embedder=emb, only_topics=["no_such_topic"])


def test_bad_inputs_raise(tmp_path, data, emb):
    with pytest.raises(ConfigError):
        load_pairs(data, ("implied",), label_embedder=emb)
    with pytest.raises(ConfigError):
        load_pairs(tmp_path, ("explicit",), label_embedder=emb)
    broken = write_dataset(tmp_path / "broken")
    (broken / "implicit_preference" / "choice-based" / "gadgets.json").write_text(
        json.dumps([{"preference": "x", "question": "y"}]))
    with pytest.raises(InvalidInputError):
        load_pairs(broken, ("choice",), label_embedder=emb)


# -- fillers ----------------------------------------------------------------------------------------------
def test_default_filler_has_exact_turns_from_other_topics_only(data, pairs):
    pool = FillerPool.from_dir(data)
    pair = pairs[0]
    sessions = build_filler(pair, pool, "default", 4, seed=1)
    msgs = [m for s in sessions for m in s]
    assert len(msgs) == 8 and [m.role for m in msgs] == ["user", "assistant"] * 4
    own = {r["question"] for r in TOPICS[pair.topic]}
    assert not own & {m.content for m in msgs}
    assert sessions == build_filler(pair, pool, "default", 4, seed=1)
    assert sessions != build_filler(pair, pool, "default", 4, seed=2)
    same_pair_other_form = next(p for p in pairs if p.key == pair.key and p.form != pair.form)
    assert sessions == build_filler(same_pair_other_form, pool, "default", 4, seed=1)


def test_hard_filler_mixes_in_other_topics_persona_conversations(data, pairs):
    pool = FillerPool.from_dir(data)
    pair = pairs[0]
    texts = {m.content for s in build_filler(pair, pool, "hard", 6, seed=0) for m in s}
    other_persona = {u for t, rows in TOPICS.items() if t != pair.topic for r in rows for u in r["persona"]}
    own_persona = {u for r in TOPICS[pair.topic] for u in r["persona"]}
    assert texts & other_persona and not texts & own_persona


def test_sessions_filler_is_other_topics_whole_conversations_only(data, pairs):
    pool = FillerPool.from_dir(data)
    pair = pairs[0]
    sessions = build_filler(pair, pool, "sessions", 8, seed=0)
    own = [c for t, c in pool.personas + pool.choices if t == pair.topic]
    others = [c for t, c in pool.personas + pool.choices if t != pair.topic]
    assert sessions and all(any(s == c[: len(s)] for c in others) for s in sessions)
    assert not any(s == c[: len(s)] for s in sessions for c in own)
    assert {len(s) % 2 for s in sessions} == {0} and sum(len(s) // 2 for s in sessions) <= 8
    assert any(s in {c for _, c in pool.choices} for s in sessions)  # choice conversations are among them


def test_ranked_turn_baselines_pack_into_the_budget(emb):
    from benchmarks.prefeval.systems import RankedTurns

    msgs = [Message("user", "I love vegetarian curry"), Message("user", "my car needs new tyres"),
            Message("user", "the weather was grey " * 30), Message("user", "tyres and car repairs cost a lot")]
    for name in ("bm25_turns", "dense_turns"):
        system = RankedTurns(name, emb, budget=40)
        _feed(system, msgs)
        ctx = system.context("where to fix my car tyres")
        assert ctx.tokens <= 40 and ctx.entries[0] & {1, 3} and {2} not in ctx.entries


def test_original_filler_file_and_errors(tmp_path, data, pairs):
    path = tmp_path / "inter.json"
    path.write_text(json.dumps([{"conversation": [{"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"},
                                                   {"role": "assistant", "content": "orphan"}]},
                                [{"role": "user", "content": "u2"}, {"role": "assistant", "content": "a2"}]]))
    original = load_original(path)
    assert [m.content for m in original] == ["u1", "a1", "u2", "a2"]
    pool = FillerPool.from_dir(data, original=original)
    assert [m.content for s in build_filler(pairs[0], pool, "original", 1) for m in s] == ["u1", "a1"]
    with pytest.raises(ConfigError):
        build_filler(pairs[0], FillerPool.from_dir(data), "original", 1)
    with pytest.raises(ConfigError):
        build_filler(pairs[0], pool, "noisy", 1)
    path.write_text('{"not": "a list"}')
    with pytest.raises(InvalidInputError):
        load_original(path)


def test_chunks_split_sessions_at_checkpoints():
    s1 = tuple(Message(r, f"{r}{i}") for i in range(3) for r in ("user", "assistant"))
    s2 = (Message("user", "x"), Message("assistant", "y"))
    got = list(_chunks([s1, s2], [0, 2, 4]))
    assert [cp for cp, _ in got] == [0, 2, 4]
    assert got[0][1] == []
    assert [(n, len(m)) for n, m in got[1][1]] == [(0, 4)]
    assert [(n, len(m)) for n, m in got[2][1]] == [(0, 2), (1, 2)]


# -- systems ----------------------------------------------------------------------------------------------
def _feed(system, msgs):
    system.reset("u")
    system.ingest(msgs, session_id="s", timestamp=T0)


def test_full_context_drops_the_oldest_messages_beyond_the_window():
    msgs = [Message("user", "I am vegetarian."), Message("assistant", "ok")] + \
           [Message("user", f"filler message number {i} about nothing in particular") for i in range(20)]
    wide, narrow = FullContext(10_000), FullContext(60)
    _feed(wide, msgs)
    _feed(narrow, msgs)
    assert wide.context("dinner?").gold_rank({0}) == 1
    ctx = narrow.context("dinner?")
    assert ctx.gold_rank({0}) is None and 0 < ctx.tokens <= 60 and ctx.entries[-1] == {len(msgs) - 1}


def test_naive_rag_returns_top_k_by_similarity(emb):
    rag = NaiveRAG(emb, k=2)
    _feed(rag, [Message("user", "I love vegetarian curry"), Message("user", "my car needs new tyres"),
                Message("user", "the weather was grey"), Message("user", "tyres and car repairs cost a lot")])
    ctx = rag.context("where to fix my car tyres")
    assert len(ctx.entries) == 2 and {1, 3} == set().union(*ctx.entries)
    assert NoMemory().context("anything").tokens == 0


def test_memagent_hit_is_decided_by_source_event(emb):
    system = MemagentSystem(lambda: Memory.open(":memory:", embedder=emb), budget=256)
    _feed(system, [Message("user", "I can't stand spicy food."), Message("assistant", "Noted.")] +
          [Message("user", f"Tell me about the history of bridge number {i} in the old town") for i in range(15)])
    ctx = system.context("What dishes should I try in Bangkok?")
    assert ctx.gold_rank({0}) is not None
    # The assistant's acknowledgement stored no memory: it can only be quoted as the turn it is.
    kinds = ctx.detail["entry_kinds"]
    assert all(kinds[n] == "turn" for n, src in enumerate(ctx.entries) if 1 in src)
    assert ctx.tokens <= 256 and ctx.detail["preferences"] >= 1
    system.close()


# -- run, report, CLI ---------------------------------------------------------------------------------------
def test_run_and_summary_cover_every_cell(data, pairs, emb):
    systems = [NoMemory(), FullContext(200), NaiveRAG(emb, 3),
               MemagentSystem(lambda: Memory.open(":memory:", embedder=emb), 256)]
    records = run(pairs, systems, FillerPool.from_dir(data), RunSettings(turns=(0, 5), fillers=("default",),
                                                                          show_progress=False))
    assert len(records) == len(pairs) * len(systems) * 2
    rows = summarise(records)
    assert {(r["form"], r["turns"], r["system"]) for r in rows} == {
        (f, t, s.name) for f in ("explicit", "choice", "persona") for t in (0, 5) for s in systems}
    none = [r for r in rows if r["system"] == "none"]
    assert all(r["hit_rate"] == 0 and r["tokens_mean"] == 0 for r in none)
    mem = [r for r in rows if r["system"] == "memagent" and r["turns"] == 5]
    assert all(r["hit_rate"] == 1.0 for r in mem), mem
    with pytest.raises(ConfigError):
        run(pairs, systems, FillerPool.from_dir(data), RunSettings(turns=(-1,), fillers=("default",)))


def test_quick_cli_writes_json_markdown_and_plot(data, tmp_path, capsys):
    argv = ["--quick", "--data", str(data), "--embedder", "hashing", "--out", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    out = json.loads((tmp_path / "prefeval.json").read_text())
    md = (tmp_path / "prefeval.md").read_text()
    assert (tmp_path / "prefeval.png").stat().st_size > 0
    assert "python -m benchmarks.prefeval --quick" in md and "memagent hit / tokens" in md
    assert {r["turns"] for r in out["summary"]} == {0, 10, 30}
    assert {r["filler"] for r in out["summary"]} == {"default", "hard"}
    assert out["settings"]["limit_per_topic"] == 1 and out["records"]
    assert "memagent" in capsys.readouterr().out
    with pytest.raises(ConfigError):
        execute(parse_args(["--data", str(data), "--budget", "10", "--out", str(tmp_path)]))


def test_stored_vectors_are_reused_and_keyed_by_embedder(tmp_path):
    from benchmarks.prefeval.embcache import StoredEmbedder

    class Counting(HashingEmbedder):
        calls = 0

        def _embed(self, texts):
            Counting.calls += len(texts)
            return super()._embed(texts)

    path = tmp_path / "v.npz"
    first = StoredEmbedder(Counting(dim=64), path)
    want = first.embed(["a cat", "a dog", "a cat"])
    first.save()
    again = StoredEmbedder(Counting(dim=64), path)
    before = Counting.calls
    assert (again.embed(["a dog", "a cat"]) == want[[1, 0]]).all() and Counting.calls == before
    assert len(StoredEmbedder(HashingEmbedder(dim=32), path)) == 0  # another embedder's file is ignored


def test_ablation_flags_reach_memagent(data, tmp_path):
    ns = parse_args(["--data", str(data), "--turns", "5", "--systems", "memagent", "--filler-modes", "default",
                     "--embedder", "hashing", "--profile-share", "0", "--out", str(tmp_path), "--no-progress",
                     "--embed-cache", str(tmp_path / "vectors.npz")])
    settings = execute(ns)["settings"]
    assert (settings["profile_share"], settings["profile_strength"]) == (0.0, 0.2)
    assert (tmp_path / "vectors.npz").stat().st_size > 0


# -- LLM mode ---------------------------------------------------------------------------------------------
def _grading(messages) -> bool:
    return any(m["content"].startswith("You are grading") for m in messages)


def _scripted_world() -> ScriptedChat:
    """A fake model that follows a preference only when it can see it, and a fake judge that checks for it."""

    def reply(messages):
        last = messages[-1]["content"]
        if _grading(messages):
            said = last.split("Answer:\n", 1)[1]
            follows = "since you told me" in said
            if "mention or explicitly take into account" in last:
                verdict = follows
            elif "invented" in last:
                verdict = False
            elif "goes against" in last:
                verdict = not follows
            else:
                verdict = True
            return json.dumps({"answer": "yes" if verdict else "no", "reason": "scripted"})
        seen = "\n".join(m["content"] for m in messages[:-1]).lower()
        good = ("vegetable curry", "mild", "matte", "open-source", "herbal", "shelter")
        knows = any(w in seen for w in ("vegetarian", "spicy", "glossy", "chemical", "rescue", *good))
        if "<choice>X</choice>" in last:
            options = [line for line in last.splitlines() if line[:2] in ("A.", "B.", "C.", "D.")]
            pick = next((o[0] for o in options if knows and any(g in o.lower() for g in good)), "A")
            return f"<choice>{pick}</choice>"
        return "Here are ideas, since you told me what you like." if knows else "Here are the most popular ideas."

    return ScriptedChat(reply, name="scripted-world")


def test_llm_mode_end_to_end_with_a_scripted_model(data, tmp_path, emb):
    llm = _scripted_world()
    ns = parse_args(["--data", str(data), "--turns", "0,5", "--filler-modes", "default", "--systems",
                     "none,memagent", "--out", str(tmp_path), "--no-progress", "--embedder", "hashing"])
    result = execute(ns, embedder=emb.inner, llm=llm, judge=llm)
    rows = {(r["form"], r["turns"], r["system"]): r for r in result["summary"]}
    for form in ("explicit", "choice", "persona"):
        assert rows[(form, 5, "none")]["llm"]["generation_correct"] == 0.0
        assert rows[(form, 5, "none")]["llm"]["unaware_violation"] == 1.0
        assert rows[(form, 5, "memagent")]["llm"]["generation_correct"] == 1.0
        assert rows[(form, 5, "memagent")]["llm"]["mcq_correct"] == 1.0
    assert result["settings"]["llm_usage"]["calls"] == llm.usage.calls > 0
    assert "generation accuracy" in (tmp_path / "prefeval.md").read_text()
    # the question reached the model with the memory block as system context
    asked = [c for c in llm.calls if not _grading(c)]
    assert any("<user_memory>" in c[0]["content"] for c in asked)


def test_error_types_follow_the_four_checks(pairs):
    pair = pairs[0]

    def judge_with(ack, halluc, violated, helpful):
        answers = {"mention or explicitly": ack, "invented": halluc, "goes against": violated, "genuine attempt": helpful}

        def reply(messages):
            key = next(k for k in answers if k in messages[-1]["content"])
            return json.dumps({"answer": "yes" if answers[key] else "no"})

        return LLMJudge(ScriptedChat(reply))

    assert judge_answer(judge_with(True, False, True, True), pair, "x")["inconsistency_violation"]
    assert judge_answer(judge_with(True, True, True, True), pair, "x")["hallucination_violation"]
    assert judge_answer(judge_with(False, False, True, True), pair, "x")["unaware_violation"]
    ok = judge_answer(judge_with(True, False, False, True), pair, "x")
    assert ok["generation_correct"] and not ok["unhelpful"]
    assert not judge_answer(judge_with(True, False, False, False), pair, "x")["generation_correct"]


def test_mcq_shuffles_and_scores_the_first_option(pairs):
    pair = next(p for p in pairs if p.mcq_options)
    orders = set()
    for turns in range(8):
        llm = ScriptedChat(lambda m: "no idea")
        assert mcq(context_responder(llm, Context()), pair, seed=0, turns=turns) == {"mcq_parsed": False,
                                                                                   "mcq_correct": False}
        shown = llm.calls[0][-1]["content"]
        orders.add(tuple(line[3:] for line in shown.splitlines() if line[:2] in ("A.", "B.", "C.", "D.")))
    assert len(orders) > 1
    picker = ScriptedChat(lambda m: next(f"<choice>{line[0]}</choice>" for line in m[-1]["content"].splitlines()
                                         if line[3:] == pair.mcq_options[0]))
    assert mcq(context_responder(picker, Context()), pair, seed=0, turns=1) == {"mcq_parsed": True, "mcq_correct": True}
