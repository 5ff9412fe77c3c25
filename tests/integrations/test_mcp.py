"""The MCP server, driven by the mcp package's own client: in process, over stdio, and over streamable HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from memagent import HashingEmbedder, Memory
from memagent.mcp_server import build_mcp_server

ROOT = Path(__file__).resolve().parents[2]

TOOLS = {"remember", "recall", "forget", "explain", "list_preferences"}
CLI = ["-m", "memagent", "mcp"]


def talk(target) -> dict:
    """Connect the mcp client to ``target`` (a server object, stdio parameters or a URL) and hold a session."""

    async def run() -> dict:
        async with Client(target) as client:
            return await conversation(client)

    return anyio.run(run)


async def conversation(client: Client) -> dict:
    """The same session over any transport: remember, supersede, recall, explain, forget."""
    seen = {"tools": {t.name for t in (await client.list_tools()).tools}}
    empty = await client.call_tool("recall", {"query": "dinner"})
    seen["empty"] = empty.structured_content["entries"]
    await client.call_tool("remember", {"text": "I live in Boston and I love jazz", "session_id": "s1"})
    moved = await client.call_tool("remember", {"text": "I moved to Seattle last week"})
    seen["ops"] = [o["op"] for o in moved.structured_content["ops"]]
    recall = (await client.call_tool("recall", {"query": "where do I live", "budget_tokens": 300})).structured_content
    seen["prompt"] = recall["prompt"]
    seen["memories"] = [e["memory"]["text"] for e in recall["entries"] if e["via"] != "turn"]  # not raw turns
    seattle = next(e["memory"]["id"] for e in recall["entries"] if "Seattle" in e["memory"]["text"])
    why = (await client.call_tool("explain", {"memory_id": seattle})).structured_content
    seen["replaced"] = [old["text"] for old in why["supersedes"]]
    seen["preferences"] = [m["text"] for m in (await client.call_tool("list_preferences", {})).structured_content["result"]]
    seen["forgotten"] = (await client.call_tool("forget", {"query": "jazz"})).structured_content["forgotten"]
    missing = await client.call_tool("explain", {"memory_id": "mem_nope"})
    seen["error"] = (missing.is_error, missing.content[0].text)
    return seen


def check(seen: dict) -> None:
    assert seen["tools"] == TOOLS and seen["empty"] == []
    assert seen["ops"] == ["supersede"]
    assert "Seattle" in seen["prompt"] and any("Seattle" in t for t in seen["memories"])
    assert not any("Boston" in t for t in seen["memories"])  # the superseded value is not a current memory
    assert len(seen["replaced"]) == 1 and "Boston" in seen["replaced"][0]
    assert any("jazz" in p for p in seen["preferences"]) and len(seen["forgotten"]) == 1
    assert seen["error"][0] and "not_found" in seen["error"][1]


def test_tools_in_process_on_one_user(memory):
    memory.add("someone-else", "I love opera")
    seen = talk(build_mcp_server(memory, "me"))
    check(seen)
    assert not any("opera" in p for p in seen["preferences"])  # the server only ever sees its own user
    assert [i.text for i in memory.items("someone-else")] and not any("jazz" in i.text for i in memory.items("me"))


def test_bad_arguments_come_back_as_tool_errors(memory):
    async def run() -> list:
        async with Client(build_mcp_server(memory, "me")) as client:
            results = [await client.call_tool("remember", {"text": "  "}),
                       await client.call_tool("explain", {"memory_id": "mem_nope"})]
            await client.call_tool("remember", {"text": "I love jazz"})
            return [*results, await client.call_tool("recall", {"query": "music", "budget_tokens": 5}),
                    await client.call_tool("forget", {})]

    results = anyio.run(run)
    assert all(r.is_error for r in results)
    assert [r.content[0].text.split(": ")[1] for r in results] == ["invalid_input", "not_found", "config", "config"]
    assert len(memory.events("me")) == 1  # only the valid message was written


@pytest.mark.integration
def test_stdio_transport(tmp_path):
    db = tmp_path / "me.db"
    params = StdioServerParameters(command=sys.executable, args=[*CLI, "--db", str(db), "--user", "me",
                                                                 "--embedder", "hashing"],
                                   env={"PYTHONPATH": str(ROOT)}, cwd=str(ROOT))
    check(talk(params))
    with Memory.open(db, embedder=HashingEmbedder()) as stored:  # written through the subprocess, to the file
        assert any("Seattle" in i.text for i in stored.items("me"))


@pytest.mark.integration
def test_streamable_http_transport(spawn, tmp_path):
    server = spawn([*CLI, "--db", str(tmp_path / "me.db"), "--user", "me", "--embedder", "hashing",
                    "--transport", "http", "--port", "0"])
    check(talk(f"{server.url}/mcp"))
