"""Embed memagent in a chatbot: one Memory per app, one MemoryAgent, any OpenAI-compatible LLM.

    python examples/chatbot.py                      # offline: scripted responder, hashing embedder
    OPENAI_BASE_URL=http://localhost:11434/v1 MODEL=llama3.1 python examples/chatbot.py   # Ollama
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from memagent import HashingEmbedder, Memory, OpenAIChat
from memagent.agent import MemoryAgent, offline_chat


def build_agent(db: Path) -> MemoryAgent:
    model = os.environ.get("MODEL")
    llm = OpenAIChat(model, base_url=os.environ.get("OPENAI_BASE_URL")) if model else offline_chat()
    memory = Memory.open(db, embedder=HashingEmbedder())  # use the default (LocalEmbedder) in production
    return MemoryAgent(llm, memory, budget_tokens=800)


def main() -> None:
    agent = build_agent(Path(tempfile.mkdtemp()) / "chatbot.db")
    conversation = [
        ("monday", "I'm training for a marathon and I avoid dairy."),
        ("monday", "My favorite cuisine is Thai."),
        ("friday", "What should I eat the night before my long run?"),
    ]
    for session, message in conversation:
        reply = agent.chat("runner-42", message, session_id=session)
        print(f"user:  {message}\nagent: {reply.text}\n       (memory used: {reply.recall.used_tokens} tokens)")
    agent.memory.close()


if __name__ == "__main__":
    main()
