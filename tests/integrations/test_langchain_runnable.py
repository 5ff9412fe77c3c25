"""with_memory: a LangChain Runnable that recalls before the chain and writes the exchange after (fakes only)."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda

from memagent import ConfigError, InvalidInputError
from memagent.integrations.langchain import with_memory


class Spy:
    """A pass-through step that keeps what the model would have been sent."""

    def __init__(self):
        self.seen = []

    def __call__(self, value):
        self.seen.append(value)
        return value


def prompt_chain(spy, replies):
    prompt = ChatPromptTemplate.from_messages([("system", "Known about the user:\n{memory}"), ("human", "{input}")])
    return prompt | RunnableLambda(spy) | FakeListChatModel(responses=replies) | StrOutputParser()


def test_recalls_into_the_prompt_and_writes_both_turns(memory):
    memory.add("u1", "I'm allergic to peanuts")
    spy = Spy()
    chain = with_memory(prompt_chain(spy, ["Try apple slices with cheese."]), memory, "u1", session_id="chat")
    assert chain.invoke("Snack idea for the afternoon?") == "Try apple slices with cheese."
    system = spy.seen[0].to_messages()[0].content
    assert "<user_memory>" in system and "peanuts" in system
    session = memory.events("u1", session_id="chat")
    assert [(e.role, e.text) for e in session] == [("user", "Snack idea for the afternoon?"),
                                                   ("assistant", "Try apple slices with cheese.")]


def test_what_is_said_through_the_chain_is_recalled_next_time(memory):
    spy = Spy()
    chain = with_memory(prompt_chain(spy, ["Noted.", "Here is a vegetarian idea."]), memory, "new-user")
    chain.invoke("I'm vegetarian now.")  # a first-time user: empty recall, then the write creates them
    assert "no stored memory applies" in spy.seen[0].to_messages()[0].content
    chain.invoke({"input": "Dinner ideas?"})
    assert "vegetarian" in spy.seen[1].to_messages()[0].content


def test_messages_in_get_a_system_message_and_the_user_comes_from_config(memory):
    memory.add("u2", "I live in Lisbon")
    spy = Spy()
    chain = with_memory(RunnableLambda(spy) | FakeListChatModel(responses=["Lisbon has trams."]), memory)
    out = chain.invoke([HumanMessage("What is my city like?")], config={"configurable": {"user_id": "u2"}})
    assert isinstance(out, AIMessage)
    sent = spy.seen[0]
    assert isinstance(sent[0], SystemMessage) and "Lisbon" in sent[0].content and sent[1].content == "What is my city like?"
    assert memory.events("u2")[-1].text == "Lisbon has trams."
    with pytest.raises(ConfigError):
        chain.invoke([HumanMessage("hi")])  # no user id anywhere


def test_bad_inputs_are_typed_errors_and_write_nothing(memory):
    chain = with_memory(prompt_chain(Spy(), ["x"]), memory, "u3")
    for bad in ({"question": "no input key"}, [AIMessage("no human message")], 42):
        with pytest.raises(InvalidInputError):
            chain.invoke(bad)
    assert not memory.has_user("u3")


def test_async_and_batch(memory):
    memory.add("u4", "I love jazz")
    spy = Spy()
    chain = with_memory(prompt_chain(spy, ["a", "b", "c"]), memory, "u4")
    assert asyncio.run(chain.ainvoke("Music for tonight?")) == "a"
    assert chain.batch(["Music for the car?", "Music for running?"], config={"max_concurrency": 1}) == ["b", "c"]
    assert all("jazz" in s.to_messages()[0].content for s in spy.seen)
    assert [e.text for e in memory.events("u4") if e.role == "assistant"] == ["a", "b", "c"]
