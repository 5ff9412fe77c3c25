"""The examples run as documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chatbot_example(capsys):
    load("chatbot").main()
    out = capsys.readouterr().out
    assert "dairy" in out and "agent:" in out


def test_langchain_example():
    out = load("langchain_chain").main()
    assert "cacahuètes" in out["answer"]
    assert any("peanuts" in t for t in out["remembered"]) and any("French" in t for t in out["remembered"])


def test_fastapi_service_example(tmp_path, capsys):
    out = load("fastapi_service").main(["--demo", "--db", str(tmp_path / "service.db")])
    memories = [e["memory"]["text"] for e in out["recall"]["entries"] if e["via"] != "turn"]  # turns are dated quotes
    assert any("Seattle" in t for t in memories) and not any("Boston" in t for t in memories)
    assert any("Boston" in m["text"] for m in out["explain"]["supersedes"])
    assert len(out["forgotten"]) == 2 and out["wrong_key_status"] == 401
    assert "DELETE memory: forgot 2" in capsys.readouterr().out


@pytest.mark.integration
def test_mcp_client_example_launches_the_stdio_server(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(EXAMPLES.parent))  # the server subprocess imports this checkout
    out = load("mcp_client").main()
    assert "vegetarian" in out["recall"]["prompt"] and "Lisbon" in out["recall"]["prompt"]
    assert {p["kind"] for p in out["preferences"]} == {"preference", "instruction"}
