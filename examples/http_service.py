"""A minimal JSON memory service with the standard library (swap in FastAPI/Starlette the same way).

    python examples/http_service.py --port 8080 --db /tmp/service.db
    curl -XPOST localhost:8080/users/u1/messages -d '{"text": "I love jazz"}'
    curl 'localhost:8080/users/u1/recall?q=music'
    curl -XDELETE localhost:8080/users/u1

Errors map to HTTP: InvalidInputError/ConfigError 400, NotFoundError 404, other MemagentError 500.
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from memagent import HashingEmbedder, Memory
from memagent.errors import ConfigError, InvalidInputError, MemagentError, NotFoundError


def make_server(memory: Memory, port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, status: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _route(self, method: str) -> None:
            url = urlparse(self.path)
            parts = [p for p in url.path.split("/") if p]
            try:
                if len(parts) < 2 or parts[0] != "users":
                    return self._reply(404, {"error": "no such route"})
                user = parts[1]
                if method == "POST" and parts[2:] == ["messages"]:
                    body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                    res = memory.add(user, body.get("text"), role=body.get("role", "user"), session_id=body.get("session"))
                    return self._reply(200, {"event": res.event.id, "ops": [o.model_dump(mode="json") for o in res.ops]})
                if method == "GET" and parts[2:] == ["recall"]:
                    q = parse_qs(url.query)
                    rc = memory.recall(user, q.get("q", [""])[0], budget_tokens=int(q.get("budget", ["600"])[0]))
                    return self._reply(200, {"prompt": rc.to_prompt(), "entries": [
                        {"id": e.item.id, "text": e.item.text, "kind": e.item.kind.value, "score": e.score}
                        for e in rc.entries]})
                if method == "DELETE" and parts[2:] == []:
                    memory.delete_user(user)
                    return self._reply(200, {"deleted": user})
                return self._reply(404, {"error": "no such route"})
            except (InvalidInputError, ConfigError, json.JSONDecodeError) as exc:
                return self._reply(400, {"error": str(exc)})
            except NotFoundError as exc:
                return self._reply(404, {"error": str(exc)})
            except MemagentError as exc:
                return self._reply(500, {"error": str(exc), "code": exc.code})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_DELETE(self) -> None:
            self._route("DELETE")

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--db", default="service.db")
    args = p.parse_args()
    server = make_server(Memory.open(args.db, embedder=HashingEmbedder()), args.port)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}")
    server.serve_forever()


if __name__ == "__main__":
    main()
