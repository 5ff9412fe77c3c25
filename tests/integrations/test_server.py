"""The HTTP memory service: routes, tenancy, error mapping (FastAPI TestClient), and a real uvicorn process."""

from __future__ import annotations

import httpx2
import pytest
from fastapi.testclient import TestClient

from memagent import (
    ConfigError,
    HashingEmbedder,
    InvalidInputError,
    LLMTimeoutError,
    Memory,
    NotFoundError,
    StoreError,
)
from memagent.server import ApiKeys, app_from_env, create_app
from memagent.server.api import status_of

ACME, BETA = "acme-key-0123456789", "beta-key-0123456789"
KEYS = f"acme:{ACME},beta:{BETA}"


@pytest.fixture
def client(memory):
    with TestClient(create_app(memory, ApiKeys.parse(KEYS))) as c:
        yield c


def as_(key):
    return {"X-API-Key": key}


def say(client, user, *texts, key=ACME, **body):
    messages = [{"role": "user", "content": t} for t in texts]
    return client.post(f"/v1/users/{user}/messages", json={"messages": messages, **body}, headers=as_(key))


def test_write_recall_supersede_explain_forget(client):
    first = say(client, "u1", "I live in Boston", "I love jazz", session_id="s1")
    assert first.status_code == 200
    assert [o["op"] for o in first.json()["ops"]] == ["insert", "insert"] and len(first.json()["event_ids"]) == 2
    moved = say(client, "u1", "I moved to Seattle last week").json()["ops"]
    assert moved[0]["op"] == "supersede" and "Seattle" in moved[0]["text"]

    recall = client.get("/v1/users/u1/recall", params={"q": "where do I live", "budget_tokens": 200}, headers=as_(ACME))
    body = recall.json()
    memories = [e["memory"]["text"] for e in body["entries"] if e["via"] != "turn"]  # turns are dated quotes
    assert recall.status_code == 200 and "Seattle" in body["prompt"]
    assert any("Seattle" in t for t in memories) and not any("Boston" in t for t in memories)
    assert body["used_tokens"] <= 200 and body["user_id"] == "u1"
    assert all({"dense", "bm25", "recency"} <= set(e["components"]) for e in body["entries"])

    everything = client.get("/v1/users/u1/memories", params={"include_inactive": True}, headers=as_(ACME)).json()
    status = {city: m["status"] for m in everything for city in ("Boston", "Seattle") if city in m["text"]}
    assert status == {"Boston": "superseded", "Seattle": "current"}
    current = client.get("/v1/users/u1/memories", params={"kinds": ["fact"]}, headers=as_(ACME)).json()
    seattle = next(m for m in current if "Seattle" in m["text"])
    assert all(m["kind"] == "fact" and m["status"] == "current" for m in current)
    assert client.get(f"/v1/users/u1/memories/{seattle['id']}", headers=as_(ACME)).json()["text"] == seattle["text"]

    why = client.get(f"/v1/users/u1/memories/{seattle['id']}/explain", headers=as_(ACME)).json()
    assert why["events"][0]["text"] == "I moved to Seattle last week"
    assert len(why["supersedes"]) == 1 and "Boston" in why["supersedes"][0]["text"]
    history = client.get("/v1/users/u1/history", headers=as_(ACME)).json()
    assert ("supersede", seattle["id"]) in [(h["op"], h["memory_id"]) for h in history]

    gone = client.delete(f"/v1/users/u1/memories/{seattle['id']}", headers=as_(ACME)).json()["forgotten"]
    assert set(gone) == {seattle["id"], why["supersedes"][0]["id"]}  # the older version held the text too
    left = client.get("/v1/users/u1/memories", params={"include_inactive": True}, headers=as_(ACME)).json()
    assert not any(w in m["text"] for m in left for w in ("Seattle", "Boston"))
    assert all(h["text"] is None for h in client.get("/v1/users/u1/history", headers=as_(ACME)).json()
               if h["memory_id"] in gone)

    by_query = client.delete("/v1/users/u1/memories", params={"query": "jazz"}, headers=as_(ACME)).json()
    assert len(by_query["forgotten"]) == 1
    assert client.delete("/v1/users/u1", headers=as_(ACME)).json() == {"user_id": "u1", "deleted": True}
    assert client.get("/v1/users/u1/memories", headers=as_(ACME)).status_code == 404


def test_a_tenant_cannot_read_or_delete_another_tenants_users(client, memory):
    say(client, "u1", "I'm allergic to peanuts")
    item = client.get("/v1/users/u1/memories", headers=as_(ACME)).json()[0]
    for method, path in [("GET", "/v1/users/u1/memories"), ("GET", "/v1/users/u1/recall?q=peanuts"),
                         ("GET", f"/v1/users/u1/memories/{item['id']}/explain"), ("GET", "/v1/users/u1/history"),
                         ("DELETE", f"/v1/users/u1/memories/{item['id']}"), ("DELETE", "/v1/users/u1")]:
        response = client.request(method, path, headers=as_(BETA))
        assert response.status_code == 404, (method, path)
        assert "acme" not in response.text and "peanut" not in response.text
    say(client, "u1", "I love sushi", key=BETA)  # the same id in another tenant is another user
    theirs = client.get("/v1/users/u1/memories", headers={"Authorization": f"Bearer {BETA}"}).json()
    assert len(theirs) == 1 and "sushi" in theirs[0]["text"]
    assert client.get(f"/v1/users/u1/memories/{item['id']}", headers=as_(BETA)).status_code == 404
    assert client.get("/v1/users", headers=as_(ACME)).json() == {"users": ["u1"]}
    assert sorted(memory.users()) == ["acme/u1", "beta/u1"]
    client.delete("/v1/users/u1", headers=as_(BETA))
    assert client.get("/v1/users/u1/memories", headers=as_(ACME)).json() == [item]


def test_missing_or_wrong_keys_are_401(client):
    for headers in ({}, as_("not-a-key-of-anyone"), {"Authorization": "Bearer nope-nope-nope-nope"}):
        response = client.get("/v1/users/u1/memories", headers=headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/healthz").json()["status"] == "ok"  # the health check needs no key


def test_bad_input_is_a_typed_error_and_writes_nothing(client, memory):
    cases = [
        ({"messages": [{"content": "   "}]}, "invalid_input"),  # memagent's own check
        ({"messages": []}, "invalid_input"),  # the request model's
        ({"messages": [{"role": "robot", "content": "hi"}]}, "invalid_input"),
        ({"messages": [{"content": "x" * 100_001}]}, "invalid_input"),
        ({"text": "hi"}, "invalid_input"),
    ]
    for body, code in cases:
        response = client.post("/v1/users/u1/messages", json=body, headers=as_(ACME))
        assert response.status_code == 422 and response.json()["error"]["code"] == code, body
    assert not memory.users()
    say(client, "u1", "I love jazz")
    low = client.get("/v1/users/u1/recall", params={"q": "music", "budget_tokens": 10}, headers=as_(ACME))
    assert low.status_code == 422
    empty = client.get("/v1/users/u1/recall", params={"q": " "}, headers=as_(ACME))
    assert empty.status_code == 422 and "query" in empty.json()["error"]["message"]
    both = client.get("/v1/users/u1/memories", params={"kinds": ["feeling"]}, headers=as_(ACME))
    assert both.status_code == 422
    assert client.get("/v1/users/u1/memories/mem_nope/explain", headers=as_(ACME)).status_code == 404


def test_each_error_class_has_its_status():
    assert [status_of(e("x")) for e in (NotFoundError, InvalidInputError, ConfigError, StoreError, LLMTimeoutError)] == [
        404, 422, 400, 503, 504]


def test_openapi_documents_the_routes_and_the_key(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/users/{user_id}/messages", "/v1/users/{user_id}/recall", "/v1/users/{user_id}/memories",
            "/v1/users/{user_id}/memories/{memory_id}/explain", "/v1/users/{user_id}/history",
            "/v1/users/{user_id}"} <= set(spec["paths"])
    assert {"APIKeyHeader", "HTTPBearer"} <= set(spec["components"]["securitySchemes"])
    assert "RecallOut" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


def test_keys_are_checked_when_the_service_is_configured():
    for bad in ("", "acme", "acme:short", "a b:acme-key-0123456789", f"acme:{ACME},beta:{ACME}"):
        with pytest.raises(ConfigError):
            ApiKeys.parse(bad)
    assert ACME not in repr(ApiKeys.parse(KEYS))


def test_app_from_env_serves_the_configured_database(tmp_path):
    env = {"MEMAGENT_DB": str(tmp_path / "svc.db"), "MEMAGENT_API_KEYS": KEYS, "MEMAGENT_EMBEDDER": "hashing"}
    with TestClient(app_from_env(env)) as c:
        assert say(c, "u1", "I love jazz").status_code == 200
    with Memory.open(tmp_path / "svc.db", embedder=HashingEmbedder()) as reopened:
        assert ["jazz" in i.text for i in reopened.items("acme/u1")] == [True]
    with pytest.raises(ConfigError):
        app_from_env({**env, "MEMAGENT_API_KEYS": ""})
    with pytest.raises(ConfigError):
        app_from_env({**env, "MEMAGENT_EMBEDDER": "magic"})


@pytest.mark.integration
def test_memagent_serve_runs_a_real_uvicorn_process(spawn, tmp_path):
    server = spawn(["-m", "memagent", "serve", "--db", str(tmp_path / "svc.db"),
                    "--port", "0", "--embedder", "hashing"], env={"MEMAGENT_API_KEYS": KEYS})
    with httpx2.Client(base_url=server.url, timeout=30) as http:
        write = http.post("/v1/users/u1/messages", headers=as_(ACME),
                          json={"messages": [{"content": "I'm vegetarian now"}]})
        assert write.status_code == 200 and write.json()["ops"][0]["op"] == "insert"
        recall = http.get("/v1/users/u1/recall", params={"q": "dinner ideas"}, headers=as_(ACME)).json()
        assert "vegetarian" in recall["prompt"]
        assert http.get("/v1/users/u1/recall", params={"q": "dinner"}, headers=as_(BETA)).status_code == 404
        assert http.get("/v1/users/u1/memories").status_code == 401
    server.stop()  # SIGTERM: uvicorn runs the lifespan's shutdown (the memory is closed), then re-raises the signal
    assert "Application shutdown complete" in "".join(server.log)


@pytest.mark.integration
def test_uvicorn_imports_the_app_configured_by_the_environment(spawn, tmp_path):
    env = {"MEMAGENT_DB": str(tmp_path / "svc.db"), "MEMAGENT_API_KEYS": KEYS, "MEMAGENT_EMBEDDER": "hashing"}
    server = spawn(["-m", "uvicorn", "memagent.server:app", "--port", "0"], env=env)  # what a container runs
    with httpx2.Client(base_url=server.url, timeout=30) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        wrote = http.post("/v1/users/u1/messages", headers=as_(BETA), json={"messages": [{"content": "I love jazz"}]})
        assert wrote.status_code == 200
    server.stop()
    with Memory.open(tmp_path / "svc.db", embedder=HashingEmbedder()) as reopened:
        assert reopened.users() == ["beta/u1"]
