"""Chat through any OpenAI-compatible endpoint with the ``openai`` SDK."""

from __future__ import annotations

from typing import Any

from memagent.errors import LLMOutputError
from memagent.llm._openai_client import make_openai_client, map_openai_errors
from memagent.llm.base import BaseChat, Completion, Message

__all__ = ["OpenAIChat"]


class OpenAIChat(BaseChat):
    """A chat model behind the OpenAI chat-completions API: OpenAI itself, vLLM, Ollama, llama.cpp server.

    Args:
        model: the model name the endpoint serves.
        base_url: e.g. ``http://localhost:11434/v1`` for Ollama; ``None`` means api.openai.com.
        api_key: a key; prefer ``api_key_env`` so the key never sits in code or configs.
        api_key_env: the environment variable that holds the key.
        timeout: seconds per request before ``LLMTimeoutError``.
        max_retries: retries the SDK makes on connection errors, 429 and 5xx, with backoff.
        temperature: sampling temperature (0 makes benchmarks repeatable where the server allows).
        max_tokens: cap on the reply length.
        json_mode: send ``response_format={"type": "json_object"}`` for structured calls (servers that
            support it answer with valid JSON more often).
        http_client: an ``httpx2.Client`` (or ``httpx.Client``); tests pass one with a ``MockTransport``.

    Raises:
        ConfigError: no key for the official endpoint, or invalid timeout/retries.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        timeout: float = 60.0,
        max_retries: int = 2,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        json_mode: bool = False,
        http_client: Any = None,
    ) -> None:
        super().__init__()
        self.model = model
        self.base_url = base_url
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.json_mode = json_mode
        self.name = f"openai:{model}"
        self._client = make_openai_client(
            base_url=base_url,
            api_key=api_key,
            api_key_env=api_key_env,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"OpenAIChat(model={self.model!r}, base_url={self.base_url!r})"

    def _complete(self, messages: list[Message], *, json_mode: bool) -> Completion:
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.max_tokens is not None:
            kwargs["max_tokens"] = self.max_tokens
        if json_mode and self.json_mode:
            kwargs["response_format"] = {"type": "json_object"}
        with map_openai_errors(self.base_url or "api.openai.com"):
            response = self._client.chat.completions.create(**kwargs)
        if not response.choices or response.choices[0].message.content is None:
            msg = "the endpoint returned no message content"
            raise LLMOutputError(msg, llm_output=str(response))
        usage = response.usage
        return Completion(
            text=response.choices[0].message.content,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
        )
