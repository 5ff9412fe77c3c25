"""A deterministic chat model for tests, benchmarks' CI mode and the offline demo."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from memagent.errors import LLMError
from memagent.llm.base import BaseChat, Completion, Message

__all__ = ["ScriptedChat"]

Responder = Callable[[list[Message]], str]


class ScriptedChat(BaseChat):
    """Replies from a script: a list of strings (in order) or a function of the conversation.

    Every call's messages are kept in ``calls`` so tests can assert what was sent and how often.

    Args:
        replies: the replies in order, or a function ``messages -> reply``.
        cycle: with a list, start again from the first reply instead of raising when it runs out.
        name: shown in reprs and benchmark reports.

    Raises (from calls):
        LLMError: the script ran out of replies.
    """

    def __init__(self, replies: Iterable[str] | Responder, *, cycle: bool = False, name: str = "scripted") -> None:
        super().__init__()
        self.name = name
        self.calls: list[list[Message]] = []
        self._responder: Responder | None = replies if callable(replies) else None
        self._replies: list[str] = [] if callable(replies) else list(replies)
        self._cycle = cycle
        self._next = 0

    def _complete(self, messages: list[Message], *, json_mode: bool) -> Completion:
        self.calls.append(messages)
        if self._responder is not None:
            return Completion(self._responder(messages))
        if self._next >= len(self._replies):
            if not self._cycle or not self._replies:
                msg = f"ScriptedChat ran out of replies after {len(self._replies)} calls"
                raise LLMError(msg)
            self._next = 0
        reply = self._replies[self._next]
        self._next += 1
        return Completion(reply)
