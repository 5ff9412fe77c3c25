"""Prompts of CIPHER and the PRELUDE tasks: preference inference, aggregation, task, ICL-edit, simulated user.

The ``summarization`` and ``email`` templates are copied verbatim (typos such as "the the" included) from
PRELUDE, https://github.com/gao-g/prelude at commit 85c3061867813bfd864539420fdf0dee10fda721
(src/task/summarization.py, src/task/email_writing.py), under this licence:

    MIT License

    Copyright (c) 2024 G

    Permission is hereby granted, free of charge, to any person obtaining a copy
    of this software and associated documentation files (the "Software"), to deal
    in the Software without restriction, including without limitation the rights
    to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
    copies of the Software, and to permit persons to whom the Software is
    furnished to do so, subject to the following conditions:

    The above copyright notice and this permission notice shall be included in all
    copies or substantial portions of the Software.

    THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
    IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
    FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
    AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
    LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
    OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
    SOFTWARE.

PRELUDE repeats a block once per example or preference; each template is split into head, repeated item
and tail so the prompts for any k come out exactly as PRELUDE builds them. The ``generic`` task (any output a
user edits) is memagent's own wording in the same shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from memagent.errors import ConfigError
from memagent.llm.base import Message
from memagent.prompts.sanitize import prompt_text

__all__ = [
    "TASKS",
    "PreferencePhrase",
    "TaskPrompts",
    "aggregation_messages",
    "condition",
    "icl_edit_prompt",
    "inference_messages",
    "task_prompt",
    "task_prompts",
    "user_edit_prompt",
    "user_resolution_prompt",
]

VERSION = "prelude-85c3061"


class PreferencePhrase(BaseModel):
    """The response of an inference or aggregation call."""

    preference: str = Field(description="A short phrase describing the user's preferred writing style and formatting")


@dataclass(frozen=True)
class TaskPrompts:
    """The templates of one task. Placeholders: {input}, {output}, {preference}, {original}, {edited}."""

    task_no_preference: str
    task_with_preference: str
    user_resolution: str
    user_edit: str
    icl_item: str
    icl_tail: str
    inference_item: str
    inference_tail: str
    aggregation_head: str
    aggregation_item: str
    aggregation_tail: str


_INFERENCE_TAIL = (
    "Based on the edits and revision by this user on the original {doc} in the above examples, what do you find "
    "about this user's generic preference in terms of writing style and formatting?\nPlease answer in a short phrase "
    "and only recommend those preferences that are widely used."
)

TASKS: dict[str, TaskPrompts] = {
    "summarization": TaskPrompts(
        task_no_preference="Article:\n{input}\nPlease summarize the above article.",
        task_with_preference="Article:\n{input}\nAssume that you need to summarize the above article for a user, who "
        "prefers the following style: {preference}.\nPlease write a summary of the above article to address those "
        "specified preferences.",
        user_resolution="Article:\n{input}\nSummary:\n{output}\nIs the above summary of the above article good for "
        "person who would love to use the following style: {preference}? Please answer yes or no.",
        user_edit="Summary:\n{output}\nAssume that you prefer the following style: {preference}.\nPlease revise the "
        "above summary of an article to meet your style:",
        icl_item="Original summary of an article:\n{original}\nRevised summary by a user:\n{edited}\n\n",
        icl_tail="Article:\n{input}\nBased on the edits and revision by this user on the original summary in the "
        "above examples, please summarize the above article.",
        inference_item="Original summary of an article: {original}\nRevised summary by a user: {edited}\n\n",
        inference_tail=_INFERENCE_TAIL.format(doc="summary"),
        aggregation_head="List of user preferences successfully being used to generate summaries of similar "
        "documents: \n",
        aggregation_item="- {preference}\n",
        aggregation_tail="Based on the the above examples, please come up with short phrase with the most "
        "represented summarization preferences of the user.",
    ),
    "email": TaskPrompts(
        task_no_preference="Notes:\n{input}\nPlease write a short email based on your above notes.",
        task_with_preference="Notes:\n{input}\nThese notes are written by a user who prefers the following style of "
        "emails: {preference}.\nPlease write a short email based on the above notes to address those specified "
        "preferences.",
        user_resolution="Notes:\n{input}\nEmail:\n{output}\nIs the above email based on the above notes good for a "
        "user who wants the following style: {preference}? Please answer yes or no.",
        user_edit="Email:\n{output}\nAssume that you prefer the following style: {preference}.\nPlease revise the "
        "above email to meet your style.",
        icl_item="Original email:\n{original}\nRevised email:\n{edited}\n\n",
        icl_tail="Notes:\n{input}\nBased on the edits and revision by this user on the original email in the above "
        "examples, please write an email based on the above notes for this user.",
        inference_item="Original email:\n{original}\nRevised email:\n{edited}\n\n",
        inference_tail=_INFERENCE_TAIL.format(doc="email"),
        aggregation_head="List of user preferences successfully being used to generate emails of a similar kind:\n",
        aggregation_item="- {preference}\n",
        aggregation_tail="Based on the the above examples, please come up with short phrase with the most "
        "represented writing preferences of this user.",
    ),
    "generic": TaskPrompts(
        task_no_preference="Request:\n{input}\nPlease respond to the above request.",
        task_with_preference="Request:\n{input}\nThe user prefers the following style: {preference}.\nPlease respond "
        "to the above request in a way that addresses those specified preferences.",
        user_resolution="Request:\n{input}\nResponse:\n{output}\nIs the above response good for a user who wants the "
        "following style: {preference}? Please answer yes or no.",
        user_edit="Response:\n{output}\nAssume that you prefer the following style: {preference}.\nPlease revise the "
        "above response to meet your style.",
        icl_item="Original response:\n{original}\nRevised response by the user:\n{edited}\n\n",
        icl_tail="Request:\n{input}\nBased on the edits and revision by this user on the original responses in the "
        "above examples, please respond to the above request.",
        inference_item="Original response:\n{original}\nRevised response by the user:\n{edited}\n\n",
        inference_tail=_INFERENCE_TAIL.format(doc="response"),
        aggregation_head="List of user preferences successfully being used to write responses in similar contexts:\n",
        aggregation_item="- {preference}\n",
        aggregation_tail="Based on the above examples, please come up with a short phrase with the most represented "
        "writing preferences of this user.",
    ),
}


def task_prompts(task: str) -> TaskPrompts:
    """Raises ConfigError for an unknown task."""
    try:
        return TASKS[task]
    except KeyError:
        msg = f"unknown task {task!r}; expected one of {sorted(TASKS)}"
        raise ConfigError(msg) from None


def _fill(template: str, **values: str) -> str:
    # str.format would choke on braces inside user text; placeholders are replaced literally instead.
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def task_prompt(task: str, input_text: str, preference: str | None = None) -> str:
    """The agent's task prompt, with the preference when one is given. Raises ConfigError (unknown task)."""
    p = task_prompts(task)
    if preference:  # learnt from stored edits: one inert line
        return _fill(p.task_with_preference, input=input_text, preference=prompt_text(preference))
    return _fill(p.task_no_preference, input=input_text)


def icl_edit_prompt(task: str, input_text: str, examples: Sequence[tuple[str, str]]) -> str:
    """The ICL-edit prompt: (original, edited) examples, then the input. Raises ConfigError (unknown task)."""
    p = task_prompts(task)
    items = "".join(_fill(p.icl_item, original=o, edited=e) for o, e in examples)
    return items + _fill(p.icl_tail, input=input_text)


def user_resolution_prompt(task: str, input_text: str, output: str, preference: str) -> str:
    """The simulated user's accept question (PRELUDE). Raises ConfigError (unknown task)."""
    return _fill(task_prompts(task).user_resolution, input=input_text, output=output, preference=preference)


def user_edit_prompt(task: str, output: str, preference: str) -> str:
    """The simulated user's edit request (PRELUDE). Raises ConfigError (unknown task)."""
    return _fill(task_prompts(task).user_edit, output=output, preference=preference)


def inference_messages(task: str, pairs: Sequence[tuple[str, str]]) -> list[Message]:
    """Messages asking which preference explains the (original, edited) pairs. Raises ConfigError."""
    p = task_prompts(task)
    body = "".join(_fill(p.inference_item, original=o, edited=e) for o, e in pairs) + p.inference_tail
    return [{"role": "user", "content": body}]


def aggregation_messages(task: str, preferences: Sequence[str]) -> list[Message]:
    """Messages asking for the most represented of several preferences. Raises ConfigError."""
    p = task_prompts(task)
    body = p.aggregation_head + "".join(_fill(p.aggregation_item, preference=prompt_text(x)) for x in preferences)
    return [{"role": "user", "content": body + p.aggregation_tail}]


def condition(prompt: str, preference: str | None) -> str:
    """Append a learned preference to any prompt (the generic form of PRELUDE's task prompt with preference)."""
    if not preference:
        return prompt
    return (  # the preference was learnt from stored edits: one inert line, like a recalled memory
        f"{prompt}\n\nThe user prefers the following style: {prompt_text(preference)}.\n"
        "Please write the response to address those specified preferences."
    )
