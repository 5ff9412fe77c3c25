"""The FastAPI application: per-user memory routes behind API keys, memagent errors as HTTP statuses.
(Not a module named ``app``: ``memagent.server:app`` must stay the configured instance for uvicorn.)

    app = create_app(Memory.open("service.db"), ApiKeys.parse("acme:KEY-of-16-chars-or-more"))
    uvicorn.run(app)                      # or: memagent serve --db service.db --api-key acme:KEY...

Routes are plain ``def`` functions: FastAPI runs them in its thread pool, and ``Memory`` serialises writes
per user. Every route resolves the caller's tenant first (401 without a known key), so a user id in a path is
always read inside that tenant.
"""

# No ``from __future__ import annotations``: FastAPI reads the route annotations at runtime, and the
# aliases (Caller, UserId) are local to create_app, where string annotations could not be resolved.

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from memagent._version import __version__
from memagent.errors import (
    ConfigError,
    InvalidInputError,
    LLMError,
    LLMTimeoutError,
    MemagentError,
    MissingDependencyError,
    NotFoundError,
    StoreError,
)
from memagent.memory import Memory
from memagent.server.models import (
    AddMessages,
    DeletedUser,
    ErrorBody,
    ExplanationOut,
    Forgotten,
    HistoryOut,
    MemoryOut,
    RecallOut,
    UsersOut,
    WriteOut,
)
from memagent.server.tenancy import ApiKeys, Tenant
from memagent.types import MemoryKind

__all__ = ["HTTP_STATUS", "create_app"]

# memagent's error tree -> HTTP status; the most specific class in an error's MRO wins.
HTTP_STATUS: dict[type[MemagentError], int] = {
    NotFoundError: 404,
    InvalidInputError: 422,
    ConfigError: 400,
    MissingDependencyError: 501,
    StoreError: 503,
    LLMTimeoutError: 504,
    LLMError: 502,
    MemagentError: 500,
}

_ERRORS = {code: {"model": ErrorBody} for code in (401, 404, 422)}
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="a key from MEMAGENT_API_KEYS")
_bearer = HTTPBearer(auto_error=False, description="the same key as a bearer token")


def status_of(exc: MemagentError) -> int:
    return next(HTTP_STATUS[c] for c in type(exc).__mro__ if c in HTTP_STATUS)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def create_app(memory: Memory, keys: ApiKeys, *, close_memory: bool = False) -> FastAPI:
    """The memory service over ``memory``; ``close_memory`` closes it when the app shuts down."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if close_memory:
                memory.close()

    app = FastAPI(title="memagent", version=__version__, lifespan=lifespan,
                  description="Per-user long-term memory for chatbots. Every /v1 route needs an API key "
                              "(X-API-Key or Authorization: Bearer); user ids are scoped to the key's tenant.")
    app.state.memory = memory

    @app.exception_handler(MemagentError)
    async def memagent_error(request: Request, exc: MemagentError) -> JSONResponse:
        message = str(exc)
        caller = getattr(request.state, "tenant", None)
        if caller is not None:  # messages name stored ids ('acme/u1'); the caller knows its users as 'u1'
            message = message.replace(caller.stored_id(""), "")
        return _error(status_of(exc), exc.code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return _error(422, "invalid_input", "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http")
        return _error(exc.status_code, code, str(exc.detail), exc.headers)

    def tenant(request: Request, key: Annotated[str | None, Security(_api_key)] = None,
               bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None) -> Tenant:
        found = keys.tenant(key or (bearer.credentials if bearer else None))
        if found is None:
            raise HTTPException(401, "a valid API key is required (X-API-Key header or Authorization: Bearer)",
                                headers={"WWW-Authenticate": "Bearer"})
        request.state.tenant = found
        return found

    Caller = Annotated[Tenant, Depends(tenant)]
    UserId = Annotated[str, Path(description="your user id (scoped to your API key's tenant)", max_length=200)]
    Kinds = Annotated[list[MemoryKind] | None, Query(description="only these kinds")]

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/users", tags=["users"], responses=_ERRORS)
    def list_users(caller: Caller) -> UsersOut:
        return UsersOut(users=[caller.public_id(u) for u in memory.users() if caller.owns(u)])

    @app.post("/v1/users/{user_id}/messages", tags=["memory"], responses=_ERRORS)
    def add_messages(caller: Caller, user_id: UserId, body: AddMessages) -> WriteOut:
        """Record messages (one event each) and update the user's memory: insert, merge, supersede, forget."""
        results = memory.add_messages(caller.stored_id(user_id), [m.model_dump() for m in body.messages],
                                      session_id=body.session_id, timestamp=body.timestamp)
        return WriteOut.of(results)

    @app.get("/v1/users/{user_id}/recall", tags=["memory"], responses=_ERRORS)
    def recall(caller: Caller, user_id: UserId,
               q: Annotated[str, Query(description="the request memory should help with", max_length=10_000)],
               budget_tokens: Annotated[int, Query(ge=64, le=100_000)] = 800, kinds: Kinds = None,
               as_of: Annotated[datetime | None, Query(description="what was true at this time")] = None) -> RecallOut:
        """What memory contributes to ``q``, packed into ``budget_tokens``, with each entry's score breakdown."""
        result = memory.recall(caller.stored_id(user_id), q, budget_tokens=budget_tokens, kinds=kinds, as_of=as_of)
        return RecallOut.of(result, user_id)

    @app.get("/v1/users/{user_id}/memories", tags=["memory"], responses=_ERRORS)
    def list_memories(caller: Caller, user_id: UserId, kinds: Kinds = None,
                      include_inactive: Annotated[bool, Query(description="superseded and decayed too")] = False,
                      ) -> list[MemoryOut]:
        items = memory.items(caller.stored_id(user_id), kinds=kinds, include_inactive=include_inactive)
        return [MemoryOut.of(i) for i in items]

    @app.get("/v1/users/{user_id}/memories/{memory_id}", tags=["memory"], responses=_ERRORS)
    def get_memory(caller: Caller, user_id: UserId, memory_id: str) -> MemoryOut:
        return MemoryOut.of(memory.get(caller.stored_id(user_id), memory_id))

    @app.get("/v1/users/{user_id}/memories/{memory_id}/explain", tags=["memory"], responses=_ERRORS)
    def explain(caller: Caller, user_id: UserId, memory_id: str) -> ExplanationOut:
        """Why memagent believes this: source events, the versions it replaced, what replaced it, its ops."""
        return ExplanationOut.of(memory.explain(caller.stored_id(user_id), memory_id))

    @app.get("/v1/users/{user_id}/history", tags=["memory"], responses=_ERRORS)
    def history(caller: Caller, user_id: UserId, memory_id: str | None = None) -> list[HistoryOut]:
        """The op log, oldest first (a forgotten memory keeps its op rows, without text)."""
        return [HistoryOut.of(h) for h in memory.history(caller.stored_id(user_id), memory_id)]

    @app.delete("/v1/users/{user_id}/memories/{memory_id}", tags=["forgetting"], responses=_ERRORS)
    def forget(caller: Caller, user_id: UserId, memory_id: str) -> Forgotten:
        """Remove a memory for good (text, older versions, index, caches)."""
        return Forgotten(forgotten=memory.forget(caller.stored_id(user_id), memory_id))

    @app.delete("/v1/users/{user_id}/memories", tags=["forgetting"], responses=_ERRORS)
    def forget_matching(caller: Caller, user_id: UserId,
                        query: Annotated[str, Query(description="forget every memory matching this text")],
                        ) -> Forgotten:
        return Forgotten(forgotten=memory.forget(caller.stored_id(user_id), query=query))

    @app.delete("/v1/users/{user_id}", tags=["forgetting"], responses=_ERRORS)
    def delete_user(caller: Caller, user_id: UserId) -> DeletedUser:
        """Remove everything stored about the user."""
        memory.delete_user(caller.stored_id(user_id))
        return DeletedUser(user_id=user_id)

    return app
