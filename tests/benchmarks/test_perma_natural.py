"""The PERMA generator's ``natural`` style: deterministic, annotations recoverable from each session's text,
the same users and questions as the default style, and phrasing that does not repeat the default style's."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.perma import natural_topics, phrasing_natural  # noqa: E402
from benchmarks.perma.catalog import DOMAINS  # noqa: E402
from benchmarks.perma.generate import OFF_TOPIC, build_user, generate, main  # noqa: E402
from benchmarks.perma.loader import list_users, load_user  # noqa: E402
from benchmarks.perma.metrics import matches, values_in  # noqa: E402
from benchmarks.perma.synth_natural import rehabit  # noqa: E402

CATALOG_VALUES = sorted({v for d in DOMAINS for s in d.slots for v in s.values})


@pytest.fixture(scope="module")
def natural(tmp_path_factory):
    out = tmp_path_factory.mktemp("perma_natural")
    generate(out, 3, seed=5, style="natural")
    return out


def _session_text(s) -> str:
    return " ".join(m["content"] for m in s.conversation)


def test_natural_style_is_deterministic_per_seed_and_user():
    _, files, _ = build_user(2, seed=5, style="natural")
    _, again, _ = build_user(2, seed=5, style="natural")
    _, other, _ = build_user(2, seed=6, style="natural")
    assert files == again and files != other


def test_every_annotated_value_is_in_its_session_in_every_variant(natural):
    checked = 0
    for uid in list_users(natural):
        for variant in "cns":
            for s in load_user(natural, uid, variant).sessions:
                text = _session_text(s)
                for f in s.facets:
                    assert matches(f.value, text), (uid, variant, s.task_id, f.value)
                    checked += 1
    assert checked > 500


def test_changes_and_one_offs_are_told_in_their_session_after_the_old_value(natural):
    for uid in list_users(natural):
        u = load_user(natural, uid, "c")
        by_id = {s.task_id: s for s in u.sessions}
        first_said = {}
        for s in u.sessions:
            for v in values_in(CATALOG_VALUES, _session_text(s)):
                first_said.setdefault(v, s.date)
        told = [c for c in u.changes if c.kind in ("change", "temporary")]
        assert {c.kind for c in told} == {"change", "temporary"}
        for c in told:
            text = _session_text(by_id[c.task_id])
            assert matches(c.new, text)
            assert first_said[c.old] < c.date
            if c.kind == "temporary":
                assert matches(c.old, text)  # the standing value is named (by the user or the assistant)
            # The reason recorded is the story the session tells (typing habits may have garbled it in the text).
            stories = phrasing_natural.OCCASION_STORIES if c.kind == "temporary" else \
                [t for pool in phrasing_natural.LIFE_STORIES.values() for t in pool]
            assert c.reason in stories


def test_same_users_and_questions_as_the_default_style():
    for k in (0, 3):
        _, plain, _ = build_user(k, seed=1)
        _, nat, _ = build_user(k, seed=1, style="natural")
        kept = [p for p in plain if p.startswith(("profile/", "evaluation/"))]
        assert kept and all(plain[p] == nat[p] for p in kept)
        dialogues = f"tasks/user{20000 + k}/raw_dialogues_c.json"
        assert plain[dialogues] != nat[dialogues]


def test_off_topic_sessions_carry_no_preferences_and_dates_stay_strictly_increasing(natural):
    for uid in list_users(natural):
        u = load_user(natural, uid, "c")
        chat = [s for s in u.sessions if s.domain == OFF_TOPIC]
        assert len(chat) >= 10 and all(not s.facets for s in chat)
        assert not any(values_in(CATALOG_VALUES, _session_text(s)) for s in chat)
        timeline = json.loads((natural / "tasks" / uid / "interleaved_timeline.json").read_text())
        dates = [u.sessions[i].date for i in range(len(u.sessions))]
        assert len(timeline) == len(u.sessions) and dates == sorted(set(dates))


def _user_trigrams(files: dict) -> set[tuple[str, ...]]:
    grams = set()
    for path, groups in files.items():
        if path.endswith("raw_dialogues_c.json"):
            for m in (m for g in groups for d in g["dialogs"] for m in d["conversation"] if m["role"] == "user"):
                w = re.findall(r"[a-z']+", m["content"].lower())
                grams |= {tuple(w[i : i + 3]) for i in range(len(w) - 2)}
    return grams


def test_user_turns_share_few_word_trigrams_with_the_default_style():
    for k in (0, 1):
        _, plain, _ = build_user(k, seed=0)
        _, nat, _ = build_user(k, seed=0, style="natural")
        a, b = _user_trigrams(plain), _user_trigrams(nat)
        # Measured 0.04-0.05, most of it the values themselves ("an aisle seat"); a copy would be near 1.
        assert len(a & b) / len(b) < 0.1


def _pool_strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _pool_strings(v)
    elif isinstance(obj, tuple | list):
        for v in obj:
            yield from _pool_strings(v)


@pytest.mark.parametrize("module", [phrasing_natural, natural_topics])
def test_no_pool_text_reads_as_a_preference_value(module):
    # Otherwise filler would "reveal" values nobody annotated, and a context could score without the memory.
    for name in (n for n in dir(module) if n.isupper()):
        for text in _pool_strings(getattr(module, name)):
            bare = re.sub(r"\{\w+\}", " ", text)
            assert not values_in(CATALOG_VALUES, bare), (name, text)


def test_sloppy_typing_keeps_protected_values_and_changes_the_rest():
    msgs = [{"role": "user", "content": "I'd probably want Kindle e-books because reading on paper hurts my wrists"},
            {"role": "assistant", "content": "Understood, Kindle e-books it is."}]
    changed = 0
    for seed in range(30):
        out = rehabit(msgs, "sloppy", random.Random(seed), ("Kindle e-books",))
        assert "kindle e-books" in out[0]["content"] and out[1] == msgs[1]
        changed += out[0]["content"] != msgs[0]["content"].lower()
    assert changed > 20


def test_cli_rejects_an_unknown_style(tmp_path):
    with pytest.raises(SystemExit):
        main(["--users", "1", "--out", str(tmp_path), "--style", "poetic"])
    with pytest.raises(ValueError, match="unknown style"):
        build_user(0, seed=0, style="poetic")
