"""Test helpers shipped with memagent: a fake OpenAI-compatible server and contract suites.

Use them to test code that embeds memagent without any network or API key::

    with FakeOpenAIServer(reply=lambda messages: "hello") as server:
        llm = OpenAIChat("fake", base_url=server.base_url)
"""

from __future__ import annotations

from typing import Any

from memagent.testing.fake_openai import FakeOpenAIServer

__all__ = ["EmbedderContract", "FakeOpenAIServer", "StoreContract", "VectorIndexContract"]


def __getattr__(name: str) -> Any:
    # The contract suites import pytest, a dev dependency: load them only when asked for.
    if name in ("EmbedderContract", "StoreContract", "VectorIndexContract"):
        from memagent.testing import contracts

        return getattr(contracts, name)
    raise AttributeError(name)
