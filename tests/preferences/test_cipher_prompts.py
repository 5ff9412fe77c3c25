"""CIPHER/PRELUDE prompts: the templates reproduce PRELUDE's strings exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memagent.errors import ConfigError
from memagent.prompts import cipher as prompts

PRELUDE = Path(__file__).resolve().parents[3] / "shared" / "data" / "prelude" / "prompts.json"


@pytest.mark.skipif(not PRELUDE.exists(), reason="PRELUDE prompt dump not available on this machine")
@pytest.mark.parametrize("task", ["summarization", "email"])
def test_templates_match_prelude_verbatim(task):
    ref = json.loads(PRELUDE.read_text())[task]
    assert prompts.task_prompt(task, "{input}") == ref["task_prompt_no_preference"]
    assert prompts.task_prompt(task, "{input}", "{preference}") == ref["task_prompt_with_preference"]
    assert prompts.user_resolution_prompt(task, "{input}", "{output}", "{preference}") == ref["user_resolution_prompt"]
    assert prompts.user_edit_prompt(task, "{output}", "{preference}") == ref["user_edit_prompt"]
    two = [("{original_1}", "{edited_1}"), ("{original_2}", "{edited_2}")]
    assert prompts.icl_edit_prompt(task, "{input}", two) == ref["icl_edit_prompt_2_examples"]
    inference = prompts.inference_messages(task, two[:1])[0]["content"]
    assert inference == ref["preference_inference_prompt_1_example"]
    aggregation = prompts.aggregation_messages(task, ["{preference_1}", "{preference_2}"])[0]["content"]
    assert aggregation == ref["aggregation_prompt_2_prefs"]


def test_user_text_with_braces_is_inserted_literally():
    text = prompts.task_prompt("generic", "format {this} as {json}", "terse {style}")
    assert "format {this} as {json}" in text and "terse {style}" in text


def test_unknown_task():
    with pytest.raises(ConfigError):
        prompts.task_prompt("poetry", "x")
