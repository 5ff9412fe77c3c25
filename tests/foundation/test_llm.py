"""The chat layer: message validation, usage metering, structured output with one repair, backends."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from memagent.errors import (
    InvalidInputError,
    LLMConnectionError,
    LLMError,
    LLMOutputError,
    LLMStatusError,
    LLMTimeoutError,
)
from memagent.llm import LangChainChat, OpenAIChat, ScriptedChat, count_tokens
from memagent.testing import FakeOpenAIServer


class Pet(BaseModel):
    name: str
    legs: int


def test_scripted_chat_replays_in_order_and_records_calls():
    llm = ScriptedChat(["one", "two"])
    assert llm.complete("a") == "one"
    assert llm.complete([{"role": "user", "content": "b"}]) == "two"
    assert [c[-1]["content"] for c in llm.calls] == ["a", "b"]
    with pytest.raises(LLMError, match="ran out"):
        llm.complete("c")
    assert llm.usage.calls == 2 and llm.usage.failed_calls == 1


def test_scripted_chat_cycles_and_takes_a_function():
    assert [ScriptedChat(["x", "y"], cycle=True).complete("q") for _ in range(1)] == ["x"]
    llm = ScriptedChat(lambda msgs: msgs[-1]["content"].upper())
    assert llm.complete("shout") == "SHOUT"


@pytest.mark.parametrize("bad", [[], [{"role": "robot", "content": "x"}], [{"role": "user", "content": 3}]])
def test_malformed_messages_raise_typed_error(bad):
    with pytest.raises(InvalidInputError):
        ScriptedChat(["x"]).complete(bad)


def test_usage_counts_tokens_with_tiktoken_when_backend_reports_none():
    llm = ScriptedChat(["hello world"])
    llm.complete("count these words please")
    assert llm.usage.completion_tokens == count_tokens("hello world") == 2
    assert llm.usage.prompt_tokens == count_tokens("count these words please") + 4


def test_structured_valid_first_time_is_one_call():
    llm = ScriptedChat(['Sure! ```json\n{"name": "Rex", "legs": 4}\n```'])
    pet = llm.structured("describe the dog", Pet)
    assert pet == Pet(name="Rex", legs=4)
    assert llm.usage.calls == 1
    assert "JSON schema" in llm.calls[0][0]["content"]


def test_structured_repairs_once_then_succeeds():
    llm = ScriptedChat(['{"name": "Rex"}', '{"name": "Rex", "legs": 3}'])
    assert llm.structured("dog", Pet).legs == 3
    assert llm.usage.calls == 2
    repair_prompt = llm.calls[1][-1]["content"]
    assert "legs" in repair_prompt and "invalid" in repair_prompt
    assert llm.calls[1][-2] == {"role": "assistant", "content": '{"name": "Rex"}'}


def test_structured_gives_up_after_one_repair_with_the_raw_output():
    llm = ScriptedChat(["not json", "{still: not json"])
    with pytest.raises(LLMOutputError) as info:
        llm.structured("dog", Pet)
    assert info.value.llm_output == "{still: not json"
    assert llm.usage.calls == 2
    assert isinstance(info.value, ValueError)


# -- OpenAIChat against a real local HTTP server -------------------------------------------------------
@pytest.fixture
def server():
    with FakeOpenAIServer(reply=lambda msgs: json.dumps({"name": "Tom", "legs": 4})) as srv:
        yield srv


def test_openai_chat_success_and_usage_from_api(server):
    llm = OpenAIChat("fake-model", base_url=server.base_url, max_retries=0, timeout=5)
    assert llm.structured("cat?", Pet) == Pet(name="Tom", legs=4)
    assert server.requests[0]["model"] == "fake-model"
    assert server.requests[0]["temperature"] == 0.0
    assert llm.usage.calls == 1 and llm.usage.completion_tokens == 4  # the fake counts words


def test_openai_chat_json_mode_sends_response_format(server):
    OpenAIChat("m", base_url=server.base_url, max_retries=0, json_mode=True).structured("cat?", Pet)
    assert server.requests[0]["response_format"] == {"type": "json_object"}


def test_openai_chat_http_500_maps_to_status_error_and_retries_are_configurable(server):
    server.fail_status = 500
    llm = OpenAIChat("m", base_url=server.base_url, max_retries=1, timeout=5)
    llm._client = llm._client.with_options(max_retries=1)
    with pytest.raises(LLMStatusError) as info:
        llm.complete("hi")
    assert info.value.status_code == 500
    assert len(server.requests) == 2  # the first try and one retry
    assert llm.usage.failed_calls == 1 and llm.usage.calls == 0


def test_openai_chat_timeout_maps_to_builtin_timeout(server):
    server.delay = 1.0
    llm = OpenAIChat("m", base_url=server.base_url, max_retries=0, timeout=0.2)
    with pytest.raises(TimeoutError):
        llm.complete("hi")
    with pytest.raises(LLMTimeoutError):
        llm.complete("hi")


def test_openai_chat_malformed_http_body_is_a_typed_error(server):
    server.malformed = True
    llm = OpenAIChat("m", base_url=server.base_url, max_retries=0, timeout=5)
    with pytest.raises(LLMError):
        llm.complete("hi")


def test_openai_chat_malformed_model_json_raises_output_error_after_repair():
    with FakeOpenAIServer(reply=lambda msgs: "I cannot do JSON") as srv:
        llm = OpenAIChat("m", base_url=srv.base_url, max_retries=0, timeout=5)
        with pytest.raises(LLMOutputError):
            llm.structured("cat?", Pet)
        assert len(srv.requests) == 2


def test_openai_chat_falls_back_to_tiktoken_without_usage():
    with FakeOpenAIServer(reply=lambda msgs: "three little words", usage=False) as srv:
        llm = OpenAIChat("m", base_url=srv.base_url, max_retries=0)
        llm.complete("hello")
        assert llm.usage.completion_tokens == count_tokens("three little words")


def test_openai_chat_connection_refused_is_typed():
    llm = OpenAIChat("m", base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=2)
    with pytest.raises(LLMConnectionError):
        llm.complete("hi")


def test_openai_chat_with_mock_transport():
    import httpx2

    def handler(request):
        body = json.loads(request.content)
        return httpx2.Response(200, json={
            "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "mocked"}}],
        })

    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    llm = OpenAIChat("m", base_url="http://mock/v1", http_client=client, max_retries=0)
    assert llm.complete("hi") == "mocked"


def test_openai_chat_requires_a_key_for_the_official_endpoint(monkeypatch):
    from memagent.errors import ConfigError

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        OpenAIChat("gpt-4o-mini")
    assert "sk-" not in repr(OpenAIChat("m", base_url="http://localhost:1/v1", api_key="sk-secret"))


# -- LangChain adapter ----------------------------------------------------------------------------------
def test_langchain_adapter_with_fake_chat_models():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
    from langchain_core.messages import AIMessage

    llm = LangChainChat(FakeListChatModel(responses=['{"name": "Kit", "legs": 4}']))
    assert llm.structured("cat", Pet).name == "Kit"
    generic = GenericFakeChatModel(messages=iter([AIMessage(content="hey", usage_metadata={
        "input_tokens": 11, "output_tokens": 2, "total_tokens": 13})]))
    wrapped = LangChainChat(generic)
    assert wrapped.complete([{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]) == "hey"
    assert wrapped.usage.prompt_tokens == 11 and wrapped.usage.completion_tokens == 2
    with pytest.raises(LLMError) as info:
        wrapped.complete("again")  # the fake's iterator is exhausted: StopIteration, translated
    assert info.value.__cause__ is not None
