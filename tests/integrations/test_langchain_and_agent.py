"""LangChain adapters, the agent loop and the CLI, end to end with fakes."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from typer.testing import CliRunner

from memagent import ConfigError, InvalidInputError, LLMError, ScriptedChat
from memagent.agent import REPLY_FROM_MEMORY, MemoryAgent, offline_chat, offline_responder
from memagent.cli import app
from memagent.integrations.langchain import MemagentChatHistory, MemagentRetriever


def test_retriever_returns_documents_with_provenance(memory):
    memory.add("u1", "I'm allergic to peanuts")
    memory.add("u1", "I love jazz")
    docs = MemagentRetriever(memory=memory, user_id="u1", budget_tokens=300).invoke("peanut snacks")
    assert docs and any("peanuts" in d.page_content for d in docs)
    assert {"kind", "score", "source_event_ids"} <= set(docs[0].metadata)
    assert MemagentRetriever(memory=memory, user_id="nobody").invoke("x") == []


def test_chat_history_round_trip_and_clear(memory):
    history = MemagentChatHistory(memory, "u1", "s1")
    history.add_messages([HumanMessage("I love Quixotic jazz"), AIMessage("Noted!")])
    assert [m.content for m in history.messages] == ["I love Quixotic jazz", "Noted!"]
    assert any("Quixotic" in i.text for i in memory.items("u1"))
    with pytest.raises(InvalidInputError):
        history.add_messages([ToolMessage("x", tool_call_id="t")])
    history.clear()
    assert history.messages == []
    assert not any("Quixotic" in i.text for i in memory.items("u1", include_inactive=True))


def test_agent_recalls_then_writes_back(memory):
    llm = ScriptedChat(lambda msgs: "ok")
    agent = MemoryAgent(llm, memory, budget_tokens=500, history_tokens=100)
    agent.chat("u1", "I'm allergic to peanuts", session_id="s1")
    agent.chat("u1", "Suggest a snack with peanuts?", session_id="s1")
    system = llm.calls[1][0]["content"]
    assert "allergic" in system and "<user_memory>" in system
    assert [m["role"] for m in llm.calls[1][1:]] == ["user", "assistant", "user"]  # recent turns of the session
    assert [e.role for e in memory.events("u1")] == ["user", "assistant", "user", "assistant"]


def test_agent_replies_written_from_memory_are_not_recalled_as_evidence(memory):
    # A reply restating what memory gave the agent would come back as a turn and feed memory its own echo.
    llm = ScriptedChat(offline_responder)
    agent = MemoryAgent(llm, memory, budget_tokens=600, history_tokens=100)
    agent.chat("u1", "I always fly economy with Delta", session_id="s1")
    first = agent.chat("u1", "Which airline do I fly with?", session_id="s1")
    assert "Delta" in first.text and first.recall.entries
    reply = first.writes[-1].event
    assert reply.role == "assistant" and reply.metadata.get(REPLY_FROM_MEMORY) is True
    later = memory.recall("u1", "which airline do I fly with", budget_tokens=600)
    turn_sources = {ev for e in later.entries if e.via == "turn" for ev in e.source_event_ids}
    assert reply.id not in turn_sources
    assert first.writes[0].event.id in turn_sources  # the user's own question is still evidence
    assert "Taking into account" not in later.to_prompt()


def test_agent_writes_nothing_when_the_llm_fails(memory):
    agent = MemoryAgent(ScriptedChat([]), memory)
    with pytest.raises(LLMError):
        agent.chat("u1", "I love jazz")
    assert not memory.has_user("u1")


def test_agent_uses_a_preference_source_and_checks_budgets(memory):
    class Prefs:
        def __init__(self):
            self.learnt = []

        def infer(self, user_id, context, k=5):
            return "short answers with emojis"

        def learn(self, user_id, context, output, edited):
            self.learnt.append((context, output, edited))

    llm = ScriptedChat(lambda msgs: "fine")
    prefs = Prefs()
    agent = MemoryAgent(llm, memory, preferences=prefs)
    agent.chat("u1", "hello there, how are things going today")
    reply = agent.chat("u1", "write me a note")
    assert reply.preference == "short answers with emojis"
    assert "emojis" in llm.calls[-1][0]["content"]
    agent.learn_from_edit("u1", context="doc", output="a", edited="b")
    assert prefs.learnt == [("doc", "a", "b")]
    with pytest.raises(ConfigError):
        MemoryAgent(llm, memory).learn_from_edit("u1", context="d", output="a", edited="b")
    with pytest.raises(ConfigError):
        MemoryAgent(llm, memory, budget_tokens=100, history_tokens=80)


def test_offline_responder_answers_questions_from_memory(memory):
    agent = MemoryAgent(offline_chat(), memory)
    assert "remember" in agent.chat("u1", "I live in Lisbon").text
    assert "Lisbon" in agent.chat("u1", "Where do I live?").text


def test_cli_demo_inspect_export_forget(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).output.startswith("memagent ")
    out = runner.invoke(app, ["demo", "--dir", str(tmp_path), "--embedder", "hashing"])
    assert out.exit_code == 0, out.output
    assert "SUPERSEDE" in out.output and "FORGET" in out.output and "no file" in out.output
    db = str(tmp_path / "demo.db")
    shown = runner.invoke(app, ["inspect", "--db", db, "--user", "demo-user", "--embedder", "hashing"])
    assert shown.exit_code == 0 and "Seattle" in shown.output and "superseded" in shown.output
    exported = runner.invoke(app, ["export", "--db", db, "--user", "demo-user", "--embedder", "hashing"])
    assert json.loads(exported.output)["user_id"] == "demo-user"
    gone = runner.invoke(app, ["forget", "--db", db, "--user", "demo-user", "--query", "Seattle", "--embedder", "hashing"])
    assert gone.exit_code == 0 and "forgot 2" in gone.output  # Seattle and the Boston version it replaced
    missing = runner.invoke(app, ["inspect", "--db", db, "--user", "ghost", "--embedder", "hashing"])
    assert missing.exit_code == 2
    wrong = runner.invoke(app, ["inspect", "--db", db, "--user", "demo-user", "--embedder", "local"])
    assert wrong.exit_code == 2 and "embedder" in wrong.output
    auto = runner.invoke(app, ["inspect", "--db", db, "--user", "demo-user"])  # the recorded embedder is reused
    assert auto.exit_code == 0 and "Seattle" not in auto.output.split("history:")[0]
    for cmd in (["delete-user", "--yes"], ["export"]):
        unknown = runner.invoke(app, [cmd[0], "--db", db, "--user", "ghost", *cmd[1:]])
        assert unknown.exit_code == 2 and "unknown user" in unknown.output


def test_agent_with_the_real_cipher_learns_from_an_edit(memory):
    from memagent.preferences import Cipher

    llm = ScriptedChat(lambda msgs: "A plain paragraph summary of the article.")
    agent = MemoryAgent(llm, memory, preferences=Cipher(memory))
    doc = "Summarize: The city council approved a new bike lane network across the downtown area on Monday."
    draft = agent.chat("u1", doc).text
    edited = "- City council approved bike lanes\n- Downtown network\n- Voted Monday"
    learned = agent.learn_from_edit("u1", context=doc, output=draft, edited=edited)
    assert learned.edited and learned.cost > 0 and learned.preference
    reply = agent.chat("u1", "Summarize: The council also approved new bus routes for the downtown area.")
    assert reply.preference and reply.preference in llm.calls[-1][0]["content"]
