"""The examples run as documented."""

from __future__ import annotations

import importlib.util
import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

from memagent import HashingEmbedder, Memory

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
    assert "cacahuètes" in load("langchain_chain").main()


def test_http_service_example(tmp_path):
    server = load("http_service").make_server(Memory.open(tmp_path / "s.db", embedder=HashingEmbedder()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def call(method, path, body=None):
        req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    try:
        assert call("POST", "/users/u1/messages", {"text": "I love jazz"})[1]["ops"][0]["op"] == "insert"
        status, body = call("GET", "/users/u1/recall?q=music")
        assert status == 200 and "jazz" in body["prompt"]
        assert call("POST", "/users/u1/messages", {"text": ""})[0] == 400
        assert call("GET", "/users/ghost/recall?q=x")[0] == 404
        assert call("DELETE", "/users/u1")[0] == 200
        assert call("GET", "/users/u1/recall?q=music")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
