"""memagent as an HTTP service (FastAPI), behind the ``server`` extra: ``pip install "memagent[server]"``.

Run it with either command (both read the same environment):

    memagent serve --db service.db --api-key acme:KEY --host 0.0.0.0 --port 8000
    MEMAGENT_DB=service.db MEMAGENT_API_KEYS=acme:KEY uvicorn memagent.server:app --host 0.0.0.0

Environment: ``MEMAGENT_DB`` (what ``Memory.open`` takes; default ``memagent.db``), ``MEMAGENT_API_KEYS``
(``tenant:key`` pairs, comma-separated; required), ``MEMAGENT_EMBEDDER`` (``auto``, ``local`` or
``hashing``; default ``auto``). OpenAPI docs are served at ``/docs``; the schema at ``/openapi.json``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from memagent.errors import ConfigError, MissingDependencyError
from memagent.server.tenancy import ApiKeys, Tenant

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ApiKeys", "Tenant", "app_from_env", "create_app", "embedder_named"]

_INSTALL_HINT = 'pip install "memagent[server]"'


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """See :func:`memagent.server.api.create_app`. Raises MissingDependencyError without the extra."""
    try:
        from memagent.server.api import create_app as build
    except ImportError as exc:
        msg = f"the memory service needs FastAPI: {_INSTALL_HINT}"
        raise MissingDependencyError(msg, extra="server") from exc
    return build(*args, **kwargs)


def embedder_named(name: str) -> Any:
    """``auto`` (local when installed, else hashing with a warning), ``local`` or ``hashing``. Raises ConfigError."""
    from memagent.embeddings import HashingEmbedder, LocalEmbedder, default_embedder

    makers = {"auto": default_embedder, "local": LocalEmbedder, "hashing": HashingEmbedder}
    if name not in makers:
        msg = f"MEMAGENT_EMBEDDER={name!r}: use auto, local or hashing"
        raise ConfigError(msg)
    return makers[name]()


def app_from_env(env: Mapping[str, str] | None = None) -> FastAPI:
    """The service configured by ``MEMAGENT_DB``, ``MEMAGENT_API_KEYS`` and ``MEMAGENT_EMBEDDER``; the app
    owns the memory it opens and closes it on shutdown. Raises ConfigError (no keys, bad embedder)."""
    from memagent.memory import Memory

    env = os.environ if env is None else env
    keys = ApiKeys.parse(env.get("MEMAGENT_API_KEYS", ""))
    memory = Memory.open(env.get("MEMAGENT_DB", "memagent.db"), embedder=embedder_named(env.get("MEMAGENT_EMBEDDER", "auto")))
    return create_app(memory, keys, close_memory=True)


_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    # ``uvicorn memagent.server:app`` looks the attribute up: build it from the environment on first use only,
    # so importing this package (for create_app) opens no database.
    global _app
    if name == "app":
        if _app is None:
            _app = app_from_env()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
