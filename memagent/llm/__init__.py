"""Chat models: one small interface, several backends, all metered.

``ChatModel`` is the protocol; ``OpenAIChat`` (any OpenAI-compatible endpoint), ``LangChainChat`` (any
langchain-core chat model) and ``ScriptedChat`` (deterministic fake) implement it through ``BaseChat``.
"""

from memagent.llm.base import BaseChat, ChatModel, Completion, Message, Messages, Usage, normalize_messages
from memagent.llm.langchain_chat import LangChainChat
from memagent.llm.openai_chat import OpenAIChat
from memagent.llm.scripted import ScriptedChat
from memagent.llm.tokens import count_tokens, truncate_tokens

__all__ = [
    "BaseChat",
    "ChatModel",
    "Completion",
    "LangChainChat",
    "Message",
    "Messages",
    "OpenAIChat",
    "ScriptedChat",
    "Usage",
    "count_tokens",
    "normalize_messages",
    "truncate_tokens",
]
