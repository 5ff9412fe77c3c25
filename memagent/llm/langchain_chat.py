"""Use any langchain-core chat model (``BaseChatModel``) as a memagent chat model."""

from __future__ import annotations

from typing import Any

from memagent.errors import LLMError, LLMTimeoutError
from memagent.llm.base import BaseChat, Completion, Message

__all__ = ["LangChainChat"]


class LangChainChat(BaseChat):
    """Adapter for a langchain-core ``BaseChatModel`` (ChatOpenAI, ChatOllama, fakes, ...).

    Structured output parses JSON from the reply text rather than calling ``with_structured_output``, so it
    works with every chat model, including the fakes, which do not implement tool calling.

    Raises (from calls):
        LLMTimeoutError: the model raised a ``TimeoutError``.
        LLMError: the model raised anything else; the original is chained as ``__cause__``.
    """

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model
        self.name = f"langchain:{getattr(model, '_llm_type', type(model).__name__)}"

    def _complete(self, messages: list[Message], *, json_mode: bool) -> Completion:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        lc_messages = [kinds[m["role"]](content=m["content"]) for m in messages]
        try:
            reply = self.model.invoke(lc_messages)
        except TimeoutError as exc:
            msg = f"{self.name}: timed out"
            raise LLMTimeoutError(msg) from exc
        except Exception as exc:  # a third-party model may raise anything; translate it at the boundary
            msg = f"{self.name}: {type(exc).__name__}: {exc}"
            raise LLMError(msg) from exc
        content = reply.content if isinstance(reply.content, str) else _join_parts(reply.content)
        meta = getattr(reply, "usage_metadata", None) or {}
        return Completion(text=content, prompt_tokens=meta.get("input_tokens"), completion_tokens=meta.get("output_tokens"))


def _join_parts(parts: list[Any]) -> str:
    """Content-block replies: keep the text blocks."""
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in parts)
