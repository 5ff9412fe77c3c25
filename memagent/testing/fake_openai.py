"""A real HTTP server on localhost that speaks enough of the OpenAI API for tests: chat completions and
embeddings, plus failure modes (HTTP errors, slow answers, malformed bodies) chosen per request."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAIServer"]

Reply = Callable[[list[dict[str, str]]], str]


def _echo(messages: list[dict[str, str]]) -> str:
    return "echo: " + messages[-1]["content"]


class FakeOpenAIServer:
    """Serve ``/v1/chat/completions`` and ``/v1/embeddings`` on 127.0.0.1 in a background thread.

    Args:
        reply: builds the assistant text from the request's messages (default: echo the last one).
        embedding_dim: length of the deterministic embeddings returned.
        usage: report token usage in responses (False exercises the tiktoken fallback).

    Failure modes, set at any time: ``fail_status`` (answer that HTTP status), ``delay`` (sleep seconds
    before answering), ``malformed`` (answer 200 with a body that is not JSON).
    ``requests`` records every request body received.
    """

    def __init__(self, reply: Reply = _echo, *, embedding_dim: int = 8, usage: bool = True) -> None:
        self.reply = reply
        self.embedding_dim = embedding_dim
        self.usage = usage
        self.fail_status: int | None = None
        self.delay = 0.0
        self.malformed = False
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _embedding(self, text: str) -> list[float]:
        digest = hashlib.sha256(text.encode()).digest()
        return [(digest[i % len(digest)] - 128) / 128 for i in range(self.embedding_dim)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except BrokenPipeError:
                    pass  # the client gave up first (a timeout test): nothing left to answer

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.fail_status is not None:
                    err = {"error": {"message": "simulated failure", "type": "server_error"}}
                    return self._send(fake.fail_status, json.dumps(err).encode())
                if fake.malformed:
                    return self._send(200, b"{not json")
                if self.path.endswith("/chat/completions"):
                    text = fake.reply(body["messages"])
                    out: dict[str, Any] = {
                        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                        "model": body["model"],
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
                    }
                    if fake.usage:
                        prompt = sum(len(m["content"].split()) for m in body["messages"])
                        out["usage"] = {"prompt_tokens": prompt, "completion_tokens": len(text.split()),
                                        "total_tokens": prompt + len(text.split())}
                elif self.path.endswith("/embeddings"):
                    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                    out = {"object": "list", "model": body["model"],
                           "data": [{"object": "embedding", "index": i, "embedding": fake._embedding(t)}
                                    for i, t in enumerate(inputs)],
                           "usage": {"prompt_tokens": sum(len(t.split()) for t in inputs),
                                     "total_tokens": sum(len(t.split()) for t in inputs)}}
                else:
                    return self._send(404, b'{"error": {"message": "unknown path"}}')
                self._send(200, json.dumps(out).encode())

        return Handler
