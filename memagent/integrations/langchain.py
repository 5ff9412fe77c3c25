"""LangChain integration: a Runnable wrapper that gives any chain memory, a ``BaseRetriever`` and a
``BaseChatMessageHistory``.

    chain = with_memory(prompt | llm | StrOutputParser(), mem, "u1")   # prompt uses {memory} and {input}
    chain.invoke("Snack idea?")            # recall -> {"input": ..., "memory": ...} -> chain -> both turns written

    retriever = MemagentRetriever(memory=mem, user_id="u1", budget_tokens=600)
    chain = {"memory": retriever | format_docs, "question": RunnablePassthrough()} | prompt | llm

    history = MemagentChatHistory(memory=mem, user_id="u1", session_id="s1")  # RunnableWithMessageHistory
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
from pydantic import ConfigDict

from memagent.errors import ConfigError, InvalidInputError
from memagent.memory import Memory
from memagent.types import Recall

__all__ = ["MemagentChatHistory", "MemagentRetriever", "with_memory"]


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


def with_memory(chain: Runnable, memory: Memory, user_id: str | None = None, *, input_key: str = "input",
                memory_key: str = "memory", output_key: str = "output", budget_tokens: int = 800,
                session_id: str | None = None) -> Runnable:
    """``chain`` with long-term memory: recall before it runs, write the exchange after.

    What the chain receives depends on what the wrapper is given:

    - a string: ``{input_key: text, memory_key: recalled}``, for a prompt with ``{input}`` and ``{memory}``;
    - a dict: the dict plus ``memory_key`` (the query is ``input[input_key]``);
    - a list of messages (e.g. for a chat model): the recalled memory as a system message first (the query is
      the last human message).

    ``recalled`` is :meth:`Recall.to_prompt`, fenced as data. After the chain returns, the user's message and
    the reply (a string, a message with text content, or ``output[output_key]``) are added to memory as one
    exchange, which may insert, merge or supersede memories. The user id is fixed here or given per call as
    ``config={"configurable": {"user_id": ...}}``. The result supports invoke, batch and their async forms.

    Raises (when invoked): ConfigError (no user id), InvalidInputError (no text to recall for), and any
    error of the chain or of :meth:`Memory.add_messages`.
    """

    def user_of(config: RunnableConfig | None) -> str:
        uid = ((config or {}).get("configurable") or {}).get("user_id", user_id)
        if not uid:
            msg = "with_memory needs a user id: with_memory(chain, memory, user_id) or config={'configurable': {'user_id': ...}}"
            raise ConfigError(msg)
        return uid

    def before(value: Any, uid: str) -> tuple[Any, str]:
        query = _query_of(value, input_key)
        recall = (memory.recall(uid, query, budget_tokens=budget_tokens) if memory.has_user(uid)
                  else Recall(user_id=uid, query=query, budget_tokens=budget_tokens))
        return _inject(value, recall.to_prompt(), input_key, memory_key), query

    def after(uid: str, query: str, output: Any) -> None:
        turns = [{"role": "user", "content": query}]
        reply = _reply_of(output, output_key)
        if reply:
            turns.append({"role": "assistant", "content": reply})
        memory.add_messages(uid, turns, session_id=session_id)

    def run(value: Any, config: RunnableConfig) -> Any:
        uid = user_of(config)
        prepared, query = before(value, uid)
        output = chain.invoke(prepared, config)
        after(uid, query, output)
        return output

    async def arun(value: Any, config: RunnableConfig) -> Any:
        uid = user_of(config)
        prepared, query = await asyncio.to_thread(before, value, uid)  # memagent is sync: keep the loop free
        output = await chain.ainvoke(prepared, config)
        await asyncio.to_thread(after, uid, query, output)
        return output

    return RunnableLambda(run, afunc=arun, name="with_memory")


def _query_of(value: Any, input_key: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        if not isinstance(value.get(input_key), str):
            msg = f"with_memory got a dict without a text {input_key!r} key (set input_key=...); keys: {sorted(value)}"
            raise InvalidInputError(msg)
        return value[input_key]
    if isinstance(value, Sequence) and value and all(isinstance(m, BaseMessage) for m in value):
        human = [m for m in value if m.type == "human" and isinstance(m.content, str)]
        if human:
            return human[-1].content  # type: ignore[return-value]
    msg = f"with_memory takes a string, a dict or a list of messages with a human message, not {type(value).__name__}"
    raise InvalidInputError(msg)


def _inject(value: Any, recalled: str, input_key: str, memory_key: str) -> Any:
    if isinstance(value, str):
        return {input_key: value, memory_key: recalled}
    if isinstance(value, Mapping):
        return {**value, memory_key: recalled}
    return [SystemMessage(content=recalled), *value]


def _reply_of(output: Any, output_key: str) -> str | None:
    if isinstance(output, str):
        return output.strip() and output
    if isinstance(output, BaseMessage) and isinstance(output.content, str):
        return output.content.strip() and output.content
    if isinstance(output, Mapping) and isinstance(output.get(output_key), str):
        return _reply_of(output[output_key], output_key)
    return None  # structured output: only the user's message is remembered
