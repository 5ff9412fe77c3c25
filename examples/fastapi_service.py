"""memagent as an HTTP service: the FastAPI app from ``memagent.server``, mounted in your own app.

    python examples/fastapi_service.py --demo         # offline: a scripted session against the app, printed
    python examples/fastapi_service.py --port 8000    # serve it; the API key is printed, docs at /memory/docs
    curl -XPOST localhost:8000/memory/v1/users/u1/messages -H "X-API-Key: $KEY" \\
         -H 'content-type: application/json' -d '{"messages": [{"content": "I love jazz"}]}'
    curl "localhost:8000/memory/v1/users/u1/recall?q=music" -H "X-API-Key: $KEY"

Without your own app, ``memagent serve --db service.db --api-key acme:KEY`` serves the same routes at /.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from memagent import HashingEmbedder, Memory
from memagent.server import ApiKeys, create_app


def build_app(db: Path, keys: ApiKeys) -> FastAPI:
    """Your application, with the memory service under /memory (it owns the memory and closes it)."""
    memory = Memory.open(db, embedder=HashingEmbedder())  # the default (LocalEmbedder) in production
    app = FastAPI(title="my chatbot backend")
    app.mount("/memory", create_app(memory, keys, close_memory=True))

    @app.get("/")
    def index() -> dict[str, str]:
        return {"memory_docs": "/memory/docs"}

    return app


def demo(http: Any, key: str, echo=print) -> dict:
    """A short session through any httpx-style client: write, supersede, recall, explain, forget."""
    headers = {"X-API-Key": key}

    def say(text: str) -> list[dict]:
        r = http.post("/memory/v1/users/maya/messages", headers=headers, json={"messages": [{"content": text}]})
        r.raise_for_status()
        return r.json()["ops"]

    for text in ["I live in Boston and I'm a big fan of jazz.", "I moved to Seattle last week."]:
        for op in say(text):
            echo(f"POST messages {text!r}: {op['op']} {op['text']}")
    recall = http.get("/memory/v1/users/maya/recall", headers=headers, params={"q": "where do I live?"}).json()
    echo(f"GET recall 'where do I live?' ({recall['used_tokens']} tokens):\n{recall['prompt']}")
    city = next(e["memory"] for e in recall["entries"] if "Seattle" in e["memory"]["text"])
    why = http.get(f"/memory/v1/users/maya/memories/{city['id']}/explain", headers=headers).json()
    echo(f"GET explain: from {why['events'][0]['text']!r}, replaced {[m['text'] for m in why['supersedes']]}")
    gone = http.delete(f"/memory/v1/users/maya/memories/{city['id']}", headers=headers).json()
    echo(f"DELETE memory: forgot {len(gone['forgotten'])} (with the version it replaced)")
    other = http.get("/memory/v1/users/maya/memories", headers={"X-API-Key": "not-a-key-at-all-000"})
    echo(f"GET memories with a wrong key: {other.status_code}")
    return {"recall": recall, "explain": why, "forgotten": gone["forgotten"], "wrong_key_status": other.status_code}


def main(argv: list[str] | None = None) -> dict | None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", type=Path, default=None, help="database file (default: a temp dir)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true", help="run the scripted session in process and exit")
    args = p.parse_args(argv)
    db = args.db or Path(tempfile.mkdtemp()) / "service.db"
    keys, key = ApiKeys.generate("demo")
    app = build_app(db, keys)
    if args.demo:
        from fastapi.testclient import TestClient

        with TestClient(app) as http:
            return demo(http, key)
    import uvicorn

    print(f"API key for tenant 'demo': {key}")
    uvicorn.run(app, host="127.0.0.1", port=args.port)
    return None


if __name__ == "__main__":
    main()
