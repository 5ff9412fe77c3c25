"""PRELUDE environment: determinism, a real learning signal, the offline agent and user, the CLI."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from benchmarks.prelude.__main__ import main
from benchmarks.prelude.documents import (
    LATENT_PREFERENCES,
    TASKS,
    Document,
    load_authored_documents,
    sample_rounds,
)
from benchmarks.prelude.harness import Setup, make_agent, run_task
from benchmarks.prelude.interpret import Interpreter
from benchmarks.prelude.style import Attr, render
from benchmarks.prelude.user import LLMUser, OfflineUser, user_attrs
from benchmarks.prelude.writer import OfflineWriter
from memagent import HashingEmbedder, ScriptedChat
from memagent.embeddings import CachedEmbedder
from memagent.errors import ConfigError, LLMOutputError
from memagent.preferences import StyleEmbedder, edit_distance
from memagent.prompts.cipher import icl_edit_prompt, task_prompt


def offline_setup(task: str, imitation: str = "format") -> Setup:
    # No model load: the style encoder retrieves contexts, the hashing embedder serves memory items.
    semantic = CachedEmbedder(HashingEmbedder(256))
    interp = Interpreter(semantic)
    return Setup(task, OfflineUser(), CachedEmbedder(StyleEmbedder(256)), semantic=semantic,
                 new_writer=lambda: OfflineWriter(task, interp, imitation=imitation))


def cumulative(runs, method):
    return sum(sum(r.costs) for r in runs if r.method == method)


def test_sampling_follows_prelude_and_is_seeded():
    docs = load_authored_documents("summarization")
    a, b, c = sample_rounds(docs, 200, 0), sample_rounds(docs, 200, 0), sample_rounds(docs, 200, 1)
    assert [d.id for d in a] == [d.id for d in b] != [d.id for d in c]
    assert Counter(d.source for d in a) == {s: 40 for s in LATENT_PREFERENCES["summarization"]}
    with pytest.raises(ConfigError):
        sample_rounds(docs, 3, 0)


@pytest.mark.parametrize("task", TASKS)
def test_same_seed_same_costs(task):
    setup = offline_setup(task)
    docs = load_authored_documents(task)
    first = run_task(setup, docs, ["no-learning", "cipher-5"], 30, [3], show_progress=False)
    again = run_task(offline_setup(task), docs, ["no-learning", "cipher-5"], 30, [3], show_progress=False)
    assert [r.costs for r in first] == [r.costs for r in again]
    other = run_task(offline_setup(task), docs, ["no-learning"], 30, [4], show_progress=False)
    assert other[0].costs != first[0].costs


@pytest.mark.parametrize("task", TASKS)
def test_learning_pays_off_and_the_oracle_is_lowest(task):
    runs = run_task(offline_setup(task), load_authored_documents(task),
                    ["no-learning", "oracle", "icl-edit-5", "cipher-5"], 120, [0], show_progress=False)
    none, oracle = cumulative(runs, "no-learning"), cumulative(runs, "oracle")
    cipher, icl = cumulative(runs, "cipher-5"), cumulative(runs, "icl-edit-5")
    assert oracle < cipher < 0.7 * none  # 120 rounds, hashed encoders: measured 0.32-0.53 over seeds 0-2
    assert cipher < icl
    cipher_run = next(r for r in runs if r.method == "cipher-5")
    assert sum(cipher_run.costs[-20:]) < sum(cipher_run.costs[:20])  # it improves over time


def test_known_source_retrieval_bounds_cipher_and_offline_calls_are_estimated():
    runs = run_task(offline_setup("email"), load_authored_documents("email"),
                    ["cipher-5", "cipher-5-source-known"], 60, [0], show_progress=False)
    plain, known = runs
    assert known.method == "cipher-5-source-known" and sum(known.costs) < sum(plain.costs)
    assert plain.learner_usage["calls"] == 0  # offline: no LLM...
    assert plain.learner_usage["estimated_calls"] > 0 and plain.learner_usage["estimated_tokens"] > 0  # ...priced


@pytest.mark.parametrize("method", ["cipher-x", "icl-edit-0", "poetry"])
def test_unknown_methods_are_config_errors(method):
    with pytest.raises(ConfigError):
        make_agent(method, offline_setup("email"))


def test_user_edits_toward_its_preference_and_accepts_its_own_version():
    user = OfflineUser()
    for task in TASKS:
        for docs in load_authored_documents(task).values():
            doc = docs[0]
            plain = render(task, doc.text, ())
            feedback = user.respond(task, doc, plain)
            assert not feedback.accepted and edit_distance(plain, feedback.edited) > 0
            assert user.respond(task, doc, feedback.edited).accepted


def test_writer_reads_only_its_prompt():
    doc = load_authored_documents("summarization")["wikipedia"][0]
    writer = OfflineWriter("summarization", Interpreter())
    assert writer.complete(task_prompt("summarization", doc.text)) == render("summarization", doc.text, ())
    bullets = writer.complete(task_prompt("summarization", doc.text, "use a bulleted list, keep it concise"))
    assert bullets == render("summarization", doc.text, {Attr.BULLETS, Attr.BRIEF})
    assert writer.usage.calls == 2 and writer.usage.prompt_tokens > 0
    with pytest.raises(LLMOutputError):
        writer.complete("Write me a poem about the sea.")


def test_icl_imitation_copies_format_by_default():
    docs = load_authored_documents("summarization")["CShorten/ML-ArXiv-Papers"]
    wanted = user_attrs("summarization", "CShorten/ML-ArXiv-Papers")
    examples = [(render("summarization", d.text, ()), render("summarization", d.text, wanted)) for d in docs[1:4]]
    prompt = icl_edit_prompt("summarization", docs[0].text, examples)
    fmt = OfflineWriter("summarization", Interpreter()).complete(prompt)
    full = OfflineWriter("summarization", Interpreter(), imitation="full").complete(prompt)
    assert fmt == render("summarization", docs[0].text, wanted & {Attr.TWEET, Attr.EMOJI})
    assert full == render("summarization", docs[0].text, wanted - {Attr.SIMPLE})  # rewording is not visible


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("keep it short and to the point, no emojis", {Attr.BRIEF}),
        ("Q&A format with emoji", {Attr.QA, Attr.EMOJI}),
        ("formal salutation and a thank-you sign-off", {Attr.GREETING_FORMAL, Attr.CLOSING_THANKS}),
        ("casual, skip the sign-off", {Attr.INFORMAL, Attr.GREETING_CASUAL, Attr.CLOSING_NONE}),
        ("professional tone, no contractions", {Attr.PROFESSIONAL}),
    ],
)
def test_interpreter_reads_paraphrases_and_negation(text, expected):
    task = "email" if any(a.value.startswith(("greeting", "closing")) for a in expected) or "casual" in text \
        else "summarization"
    assert Interpreter().attrs(task, text) == frozenset(expected)


def test_llm_user_follows_prelude_protocol():
    doc = Document("d", "slf5k", "t", "My roommate never cleans.")
    llm = ScriptedChat(["No.", "Hey! Roomie never cleans.", "yes"])
    user = LLMUser(llm)
    edited = user.respond("email", doc, "Hello, my roommate never cleans. Best, Jordan")
    assert not edited.accepted and edited.edited == "Hey! Roomie never cleans."
    assert "informal, conversational, no closing" in llm.calls[0][-1]["content"]
    assert user.respond("email", doc, "whatever").accepted


def test_quick_cli_writes_results(tmp_path):
    assert main(["--quick", "--out", str(tmp_path), "--no-progress"]) == 0  # 20 rounds, no model load
    data = json.loads((tmp_path / "prelude.json").read_text())
    assert set(data["tasks"]) == set(TASKS)
    methods = {row["method"] for row in data["tasks"]["email"]["summary"]}
    assert methods == {"no-learning", "oracle", "icl-edit-5", "cipher-1", "cipher-5"}
    md = (tmp_path / "prelude.md").read_text()
    assert "python -m benchmarks.prelude --quick" in md and "| cipher-5 |" in md
