"""API keys and tenants: which caller may see which users.

Each API key belongs to one tenant. A tenant's user ``u1`` is stored as ``<tenant>/u1`` in the shared
``Memory``, so two tenants may both have a user ``u1`` and neither can name the other's: the prefix comes
from the key, never from the request. Responses carry the caller's own ids (the prefix is removed).

``MEMAGENT_API_KEYS`` (and ``memagent serve --api-key``) take ``tenant:key`` pairs separated by commas.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from memagent.errors import ConfigError

__all__ = ["TENANT_SEP", "ApiKeys", "Tenant"]

TENANT_SEP = "/"
_TENANT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_MIN_KEY_CHARS = 16


@dataclass(frozen=True)
class Tenant:
    """The caller an API key identifies; it maps its user ids to the stored ones and back."""

    name: str

    def stored_id(self, user_id: str) -> str:
        return f"{self.name}{TENANT_SEP}{user_id}"

    def owns(self, stored_id: str) -> bool:
        return stored_id.startswith(f"{self.name}{TENANT_SEP}")

    def public_id(self, stored_id: str) -> str:
        return stored_id[len(self.name) + len(TENANT_SEP):]


class ApiKeys:
    """API key -> tenant. Keys are compared in constant time; the repr never shows them.

    Raises:
        ConfigError: no keys, a tenant name outside ``[A-Za-z0-9_.-]``, a key shorter than 16 characters,
            or one key given to two tenants.
    """

    def __init__(self, keys: Mapping[str, str]) -> None:
        if not keys:
            msg = ("the memory service needs at least one API key: set MEMAGENT_API_KEYS=tenant:key[,tenant:key] "
                   "or pass --api-key tenant:key")
            raise ConfigError(msg)
        for key, tenant in keys.items():
            if not _TENANT_NAME.match(tenant):
                msg = f"tenant name {tenant!r} must be 1-64 characters of letters, digits, '_', '.' or '-'"
                raise ConfigError(msg)
            if len(key) < _MIN_KEY_CHARS:
                msg = (f"the API key of tenant {tenant!r} has {len(key)} characters; use at least {_MIN_KEY_CHARS} "
                       "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(24))')")
                raise ConfigError(msg)
        self._keys = {key.encode(): Tenant(tenant) for key, tenant in keys.items()}

    @classmethod
    def parse(cls, specs: str | Iterable[str]) -> ApiKeys:
        """From ``"acme:KEY1,beta:KEY2"`` or ``["acme:KEY1", ...]``. Raises ConfigError."""
        parts = specs.split(",") if isinstance(specs, str) else list(specs)
        keys: dict[str, str] = {}
        for part in (p.strip() for p in parts):
            if not part:
                continue
            tenant, sep, key = part.partition(":")
            if not sep or not key:
                msg = f"an API key must be given as tenant:key, got {part.split(':')[0]!r}..."
                raise ConfigError(msg)
            if key in keys:
                msg = f"the same API key is given to tenants {keys[key]!r} and {tenant!r}"
                raise ConfigError(msg)
            keys[key] = tenant
        return cls(keys)

    @classmethod
    def generate(cls, tenant: str = "default") -> tuple[ApiKeys, str]:
        """One fresh random key for ``tenant`` (for a quick local start); returns the keys and the key."""
        key = secrets.token_urlsafe(24)
        return cls({key: tenant}), key

    def tenant(self, key: str | None) -> Tenant | None:
        """The tenant of ``key``, or None when it is missing or unknown."""
        if not key:
            return None
        given = key.encode()
        found = None
        for known, tenant in self._keys.items():  # no early exit: the time taken does not tell which key matched
            if hmac.compare_digest(known, given):
                found = tenant
        return found

    def tenants(self) -> list[str]:
        return sorted({t.name for t in self._keys.values()})

    def __repr__(self) -> str:
        return f"ApiKeys(tenants={self.tenants()})"
