"""LangChain integration: memagent as a ``BaseRetriever`` and as a ``BaseChatMessageHistory``.

    retriever = MemagentRetriever(memory=mem, user_id="u1", budget_tokens=600)
    chain = {"memory": retriever | format_docs, "question": RunnablePassthrough()} | prompt | llm

    history = MemagentChatHistory(memory=mem, user_id="u1", session_id="s1")  # RunnableWithMessageHistory
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from memagent.errors import InvalidInputError
from memagent.memory import Memory

__all__ = ["MemagentChatHistory", "MemagentRetriever"]


class MemagentRetriever(BaseRetriever):
    """Recall as LangChain documents: one per memory, metadata carries kind, score and source events."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    memory: Memory
    user_id: str
    budget_tokens: int = 800
    kinds: list[str] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        if not self.memory.has_user(self.user_id):
            return []
        recall = self.memory.recall(self.user_id, query, budget_tokens=self.budget_tokens, kinds=self.kinds)
        return [
            Document(
                page_content=e.item.text,
                id=e.item.id,
                metadata={"kind": e.item.kind.value, "score": e.score, "valid_from": e.item.valid_from.isoformat(),
                          "source_event_ids": e.item.source_event_ids, "via": e.via},
            )
            for e in recall.entries
        ]


class MemagentChatHistory(BaseChatMessageHistory):
    """A session's messages stored as memagent events, so every message also feeds long-term memory."""

    def __init__(self, memory: Memory, user_id: str, session_id: str) -> None:
        self.memory = memory
        self.user_id = user_id
        self.session_id = session_id

    @property
    def messages(self) -> list[BaseMessage]:  # type: ignore[override]
        if not self.memory.has_user(self.user_id):
            return []
        kinds: dict[str, Any] = {"user": HumanMessage, "assistant": AIMessage, "system": SystemMessage}
        return [kinds[e.role](content=e.text) for e in self.memory.events(self.user_id, session_id=self.session_id)
                if e.text]

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Raises InvalidInputError for message types memagent does not store (tool calls, function results)."""
        roles = {"human": "user", "ai": "assistant", "system": "system"}
        batch = []
        for m in messages:
            if m.type not in roles or not isinstance(m.content, str):
                msg = f"cannot store a {m.type!r} message with {type(m.content).__name__} content"
                raise InvalidInputError(msg)
            batch.append({"role": roles[m.type], "content": m.content})
        self.memory.add_messages(self.user_id, batch, session_id=self.session_id)

    def clear(self) -> None:
        """Forget this session's conversation: its events and every memory derived only from them."""
        if not self.memory.has_user(self.user_id):
            return
        events = {e.id for e in self.memory.events(self.user_id, session_id=self.session_id)}
        items = [i.id for i in self.memory.items(self.user_id, include_inactive=True)
                 if i.source_event_ids and set(i.source_event_ids) <= events]
        for item_id in items:
            if item_id in {i.id for i in self.memory.items(self.user_id, include_inactive=True)}:
                self.memory.forget(self.user_id, item_id)
        self.memory.redact_events(self.user_id, events)
