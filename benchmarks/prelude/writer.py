"""The offline agent: a chat model that answers PRELUDE's task prompts without an LLM.

It receives exactly the prompt an LLM agent would get (PRELUDE's verbatim templates), so it has no side
channel to the latent preference, and its usage meter counts the tokens an LLM would have read and written.
From the prompt it recovers the document and either a preference text (interpreted by ``Interpreter``) or
ICL-edit examples, then writes with the shared skills (``style.render``).

With ICL-edit examples, it imitates what is visible in the revised examples. ``imitation="format"`` (default)
copies layout, marks and salutation lines (lists, Q&A, emojis, hashtags, greeting and sign-off) shown by at
least half of them; ``"full"`` also copies every other signature it can spot (inserted openers and questions;
rewrites such as tone or person are invisible without the source). This is the modelling assumption behind the
ICL-edit rows; the report names the mode.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from benchmarks.prelude.interpret import Interpreter
from benchmarks.prelude.style import FORMAT_ATTRS, Attr, detect, render
from memagent.errors import ConfigError, LLMOutputError
from memagent.llm.base import BaseChat, Completion, Message
from memagent.prompts.cipher import task_prompts

__all__ = ["OfflineWriter"]

Imitation = Literal["format", "full"]


def _template_regex(template: str, groups: dict[str, str]) -> re.Pattern[str]:
    rx = re.escape(template)
    for name, body in groups.items():
        rx = rx.replace(re.escape("{" + name + "}"), body)
    return re.compile(rx, re.DOTALL)


class OfflineWriter(BaseChat):
    """Answers the task, task-with-preference and ICL-edit prompts of one PRELUDE task.

    Args:
        task: ``"summarization"`` or ``"email"``.
        interpreter: reads preference text.
        imitation: what it copies from ICL-edit examples (see the module docstring).

    Raises:
        ConfigError: unknown task or imitation mode.
        LLMOutputError (from calls): the prompt is none of the task's templates.
    """

    def __init__(self, task: str, interpreter: Interpreter, *, imitation: Imitation = "format") -> None:
        super().__init__()
        if imitation not in ("format", "full"):
            msg = f"imitation must be 'format' or 'full', got {imitation!r}"
            raise ConfigError(msg)
        p = task_prompts(task)
        self.name = f"offline-writer:{task}"
        self.task = task
        self.interpreter = interpreter
        self.imitation = imitation
        self._with_pref = _template_regex(p.task_with_preference, {"input": "(?P<input>.*)", "preference": "(?P<preference>.*)"})
        self._plain = _template_regex(p.task_no_preference, {"input": "(?P<input>.*)"})
        self._icl_tail = _template_regex(p.icl_tail, {"input": "(?P<input>.*)"})
        head = p.icl_item.split("{original}")[0]
        item = p.icl_item.rstrip("\n")
        self._icl_item = _template_regex(item, {"original": "(?P<original>.*?)", "edited": "(?P<edited>.*?)"})
        self._icl_item = re.compile(self._icl_item.pattern + r"\n\n(?=" + re.escape(head) + r"|\Z)", re.DOTALL)

    def _complete(self, messages: list[Message], *, json_mode: bool) -> Completion:
        prompt = messages[-1]["content"]
        if m := self._with_pref.fullmatch(prompt):
            attrs = self.interpreter.attrs(self.task, m["preference"])
            return Completion(render(self.task, m["input"], attrs))
        if m := self._plain.fullmatch(prompt):
            return Completion(render(self.task, m["input"], ()))
        tail = next((t for t in self._icl_tail.finditer(prompt)), None)
        if tail is not None:
            examples_text = prompt[: tail.start()]
            revised = [e["edited"] for e in self._icl_item.finditer(examples_text)]
            return Completion(render(self.task, tail["input"], self._imitate(revised)))
        msg = f"{self.name} cannot read this prompt (not a {self.task} task, preference or ICL-edit prompt)"
        raise LLMOutputError(msg, llm_output=prompt[:200])

    def _imitate(self, revised: list[str]) -> set[Attr]:
        only = FORMAT_ATTRS if self.imitation == "format" else None
        votes: Counter[Attr] = Counter()
        for text in revised:
            votes.update(detect(self.task, text, only=only))
        return {a for a, n in votes.items() if 2 * n >= len(revised)}
