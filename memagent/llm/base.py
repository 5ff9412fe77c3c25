"""The chat-model interface every LLM backend implements, with structured output and a usage meter.

Implementers subclass :class:`BaseChat` and write one method, ``_complete(messages, json_mode)``, returning a
:class:`Completion`. The base class adds message validation, token accounting (from the API's usage when it
reports one, else tiktoken) and :meth:`BaseChat.structured`: JSON output validated against a pydantic model,
with one repair round-trip and :class:`~memagent.errors.LLMOutputError` after that.
"""

from __future__ import annotations

import json
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from memagent.errors import InvalidInputError, LLMOutputError
from memagent.llm.tokens import count_tokens

__all__ = ["BaseChat", "ChatModel", "Completion", "Message", "Messages", "Usage", "normalize_messages"]

Role = Literal["system", "user", "assistant"]
Message = dict[str, str]
Messages = Sequence[Mapping[str, str]] | str
T = TypeVar("T", bound=BaseModel)

_ROLES = ("system", "user", "assistant")


@dataclass
class Completion:
    """What a backend returns: the text, plus token counts when the API reported them."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass
class Usage:
    """Calls and tokens spent by one model instance. Thread-safe; benchmarks read it to report cost."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    failed_calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def record(self, prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            self.calls += 1
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens

    def record_failure(self) -> None:
        with self._lock:
            self.failed_calls += 1

    def as_dict(self) -> dict[str, int]:
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "failed_calls": self.failed_calls,
        }

    def reset(self) -> None:
        with self._lock:
            self.calls = self.prompt_tokens = self.completion_tokens = self.failed_calls = 0


@runtime_checkable
class ChatModel(Protocol):
    """What memagent needs from a chat model: text out, and validated structured output."""

    name: str
    usage: Usage

    def complete(self, messages: Messages, *, json_mode: bool = False) -> str: ...

    def structured(self, messages: Messages, schema: type[T]) -> T: ...


def normalize_messages(messages: Messages) -> list[Message]:
    """Turn a string or a sequence of ``{"role", "content"}`` mappings into a validated list of messages.

    Raises:
        InvalidInputError: empty conversation, unknown role, or non-string content.
    """
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    out: list[Message] = []
    for m in messages:
        role, content = m.get("role"), m.get("content")
        if role not in _ROLES or not isinstance(content, str):
            msg = f"each message needs role in {_ROLES} and str content; got role={role!r}"
            raise InvalidInputError(msg)
        out.append({"role": role, "content": content})
    if not out:
        msg = "a chat call needs at least one message"
        raise InvalidInputError(msg)
    return out


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> str:
    """Pull the JSON object out of a model reply that may wrap it in prose or a code fence."""
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return stripped  # a bare object: a fence inside one of its strings is data, not a wrapper
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        return text[start : end + 1]
    return text.strip()


def _schema_instruction(schema: type[BaseModel]) -> str:
    return (
        "Reply with one JSON object and nothing else. It must validate against this JSON schema:\n"
        + json.dumps(schema.model_json_schema(), separators=(",", ":"))
    )


class BaseChat(ABC):
    """Shared machinery for chat backends. Subclasses implement ``_complete`` only."""

    name: str = "chat"

    def __init__(self) -> None:
        self.usage = Usage()

    @abstractmethod
    def _complete(self, messages: list[Message], *, json_mode: bool) -> Completion:
        """Send ``messages`` and return the reply. Raise memagent ``LLMError`` subclasses on failure."""

    def complete(self, messages: Messages, *, json_mode: bool = False) -> str:
        """Send a conversation and return the reply text.

        Raises:
            InvalidInputError: malformed messages.
            LLMError: the backend failed (``LLMTimeoutError``, ``LLMConnectionError``, ``LLMStatusError``).
        """
        msgs = normalize_messages(messages)
        try:
            result = self._complete(msgs, json_mode=json_mode)
        except Exception:
            self.usage.record_failure()
            raise
        prompt = result.prompt_tokens
        if prompt is None:
            prompt = sum(count_tokens(m["content"]) + 4 for m in msgs)
        completion = result.completion_tokens
        if completion is None:
            completion = count_tokens(result.text)
        self.usage.record(prompt, completion)
        return result.text

    def structured(self, messages: Messages, schema: type[T]) -> T:
        """Ask for JSON matching ``schema`` and return the validated model.

        One repair round-trip is made when the first reply is not valid: the model sees its reply and the
        validation error. A second invalid reply raises.

        Raises:
            LLMOutputError: the reply was still invalid after the repair attempt (``llm_output`` holds it).
            LLMError: the backend failed.
        """
        msgs = normalize_messages(messages)
        msgs = [{"role": "system", "content": _schema_instruction(schema)}, *msgs]
        reply = self.complete(msgs, json_mode=True)
        try:
            return schema.model_validate_json(extract_json(reply))
        except ValidationError as first:
            error = _short_error(first)
        repair = [
            *msgs,
            {"role": "assistant", "content": reply},
            {"role": "user", "content": f"That reply was invalid: {error}. Reply with only the corrected JSON."},
        ]
        reply = self.complete(repair, json_mode=True)
        try:
            return schema.model_validate_json(extract_json(reply))
        except ValidationError as second:
            msg = f"model output does not match {schema.__name__} after one repair attempt: {_short_error(second)}"
            raise LLMOutputError(msg, llm_output=reply) from second


def _short_error(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors(include_input=False)]
    return "; ".join(parts[:5])
