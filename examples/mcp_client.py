"""Attach to memagent's MCP server the way an assistant does: launch ``memagent mcp`` over stdio, call tools.

    python examples/mcp_client.py                     # offline: a temp database, the hashing embedder

The server is the one a desktop assistant or IDE agent would configure:
    {"command": "memagent", "args": ["mcp", "--db", "/path/me.db", "--user", "me"]}
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters


async def session(db: Path, echo=print) -> dict:
    server = StdioServerParameters(command=sys.executable,
                                   args=["-m", "memagent", "mcp", "--db", str(db), "--user", "me", "--embedder", "hashing"],
                                   # the client passes only a minimal environment: keep a source checkout importable
                                   env={k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ})
    async with Client(server) as client:
        echo("tools:", ", ".join(t.name for t in (await client.list_tools()).tools))
        for text in ["I'm vegetarian and I live in Lisbon.", "From now on, always answer in short bullet points."]:
            wrote = await client.call_tool("remember", {"text": text})
            echo(f"remember {text!r}:", [f"{o['op']} {o['text']}" for o in wrote.structured_content["ops"]])
        recall = (await client.call_tool("recall", {"query": "dinner ideas tonight"})).structured_content
        echo(recall["prompt"])
        prefs = (await client.call_tool("list_preferences", {})).structured_content["result"]
        echo("preferences:", [p["text"] for p in prefs])
        return {"recall": recall, "preferences": prefs}


def main() -> dict:
    return anyio.run(session, Path(tempfile.mkdtemp()) / "me.db")


if __name__ == "__main__":
    main()
