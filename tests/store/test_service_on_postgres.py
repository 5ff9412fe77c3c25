"""The HTTP service (issue 16) configured the way docker-compose.yml configures it: one MEMAGENT_DB URL
naming PostgreSQL and, as ?vector=, the chroma server. Two app instances share the memory."""

from __future__ import annotations

import uuid

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from memagent.server import app_from_env  # noqa: E402

pytestmark = pytest.mark.integration
KEY = "acme-key-0123456789"


def test_two_service_instances_on_one_postgres_and_chroma(postgres_server, chroma_server):
    dsn = postgres_server.create_database(f"svc_{uuid.uuid4().hex[:8]}")
    env = {"MEMAGENT_DB": f"{dsn}?vector={chroma_server.url}", "MEMAGENT_API_KEYS": f"acme:{KEY}",
           "MEMAGENT_EMBEDDER": "hashing"}
    headers = {"X-API-Key": KEY}
    with TestClient(app_from_env(env)) as one, TestClient(app_from_env(env)) as two:
        said = one.post("/v1/users/u1/messages", headers=headers,
                        json={"messages": [{"role": "user", "content": "I live in Boston"}]})
        assert said.status_code == 200, said.text
        moved = two.post("/v1/users/u1/messages", headers=headers,
                         json={"messages": [{"role": "user", "content": "I moved to Seattle last week"}]})
        assert moved.json()["ops"][0]["op"] == "supersede"
        recall = one.get("/v1/users/u1/recall", params={"q": "where do I live"}, headers=headers).json()
        assert "Seattle" in recall["prompt"]
        current = [m["text"] for m in two.get("/v1/users/u1/memories", headers=headers).json()]
        assert any("Seattle" in t for t in current) and not any("Boston" in t for t in current)
