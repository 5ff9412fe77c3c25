"""The boundary with the ``openai`` SDK, shared by :class:`OpenAIChat` and :class:`OpenAIEmbedder`.

Builds a client for any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server) and translates
the SDK's exceptions into memagent's tree. The API key is read from an environment variable whose *name* is
stored, so configs and reprs never carry the secret.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from memagent.errors import (
    ConfigError,
    LLMConnectionError,
    LLMError,
    LLMOutputError,
    LLMStatusError,
    LLMTimeoutError,
)

__all__ = ["make_openai_client", "map_openai_errors"]

# Local servers (vLLM, Ollama, llama.cpp) accept any key; the SDK insists on a non-empty one.
_PLACEHOLDER_KEY = "not-needed"


def make_openai_client(
    *,
    base_url: str | None,
    api_key: str | None,
    api_key_env: str,
    timeout: float,
    max_retries: int,
    http_client: Any = None,
) -> Any:
    """Create an ``openai.OpenAI`` client.

    Raises:
        ConfigError: no key is given or found for the official endpoint, or the settings are invalid.
    """
    import openai

    if timeout <= 0 or max_retries < 0:
        msg = f"timeout must be > 0 and max_retries >= 0 (got timeout={timeout}, max_retries={max_retries})"
        raise ConfigError(msg)
    key = api_key or os.environ.get(api_key_env)
    if not key:
        if base_url is None:
            msg = (
                f"no API key: set ${api_key_env} or pass api_key=..., or pass base_url=... for a local "
                "OpenAI-compatible server (vLLM, Ollama, llama.cpp) that needs none"
            )
            raise ConfigError(msg)
        key = _PLACEHOLDER_KEY
    kwargs: dict[str, Any] = {"api_key": key, "base_url": base_url, "timeout": timeout, "max_retries": max_retries}
    if http_client is not None:
        kwargs["http_client"] = http_client
    return openai.OpenAI(**kwargs)


@contextlib.contextmanager
def map_openai_errors(endpoint: str) -> Iterator[None]:
    """Re-raise ``openai`` exceptions as memagent errors, chained with ``from``."""
    import openai

    try:
        yield
    except openai.APITimeoutError as exc:
        msg = f"{endpoint}: no answer before the timeout"
        raise LLMTimeoutError(msg, endpoint=endpoint) from exc
    except openai.APIConnectionError as exc:
        msg = f"{endpoint}: cannot connect ({exc})"
        raise LLMConnectionError(msg, endpoint=endpoint) from exc
    except openai.APIStatusError as exc:
        msg = f"{endpoint}: HTTP {exc.status_code}: {exc.message}"
        raise LLMStatusError(msg, status_code=exc.status_code, endpoint=endpoint) from exc
    except openai.OpenAIError as exc:
        msg = f"{endpoint}: {type(exc).__name__}: {exc}"
        raise LLMError(msg, endpoint=endpoint) from exc
    except ValueError as exc:  # the SDK lets json.JSONDecodeError through for a body that is not JSON
        msg = f"{endpoint}: the response body is not valid JSON ({exc})"
        raise LLMOutputError(msg, endpoint=endpoint) from exc
