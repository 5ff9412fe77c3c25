"""Every error memagent raises, in one tree.

    MemagentError
    ├── ConfigError(ValueError)            a bad setting or argument combination; the message says how to fix it
    ├── InvalidInputError(ValueError)      text or data a caller passed in is unusable (empty, too large, bad unicode)
    ├── NotFoundError(KeyError)            an unknown user, memory item, event or instruction id
    ├── MissingDependencyError(ImportError) an optional extra is not installed; the message names the pip command
    ├── StoreError                         the SQLite store or a vector index failed (locked, corrupt, disk full)
    │   └── IndexMismatchError(ValueError) an index was built by another embedder than the one given
    └── LLMError                           a chat or embedding endpoint failed
        ├── LLMConnectionError             the endpoint could not be reached
        ├── LLMTimeoutError(TimeoutError)  the endpoint did not answer in time
        ├── LLMStatusError                 the endpoint answered with an HTTP error (``status_code``)
        └── LLMOutputError(ValueError)     the model's output was not valid for the requested schema

Errors raised by dependencies (openai, sqlite3, chromadb, sentence-transformers) are translated at the
boundary into this tree and chained with ``from``, so ``except MemagentError`` catches everything memagent
raises, and ``except ValueError`` / ``KeyError`` / ``TimeoutError`` keep working for callers that expect
builtins. Each class has a stable ``code`` used in messages and docs. ``MemagentWarning(UserWarning)`` marks
degraded-but-working situations, such as the lexical fallback embedder.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigError",
    "IndexMismatchError",
    "InvalidInputError",
    "LLMConnectionError",
    "LLMError",
    "LLMOutputError",
    "LLMStatusError",
    "LLMTimeoutError",
    "MemagentError",
    "MemagentWarning",
    "MissingDependencyError",
    "NotFoundError",
    "StoreError",
]


class MemagentError(Exception):
    """Base class of every error memagent raises."""

    code: str = "memagent_error"

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        for key, value in context.items():
            setattr(self, key, value)

    def __str__(self) -> str:
        return self.message


class ConfigError(MemagentError, ValueError):
    """A setting or argument combination is invalid; the message says how to fix it."""

    code = "config"


class InvalidInputError(MemagentError, ValueError):
    """Input data is unusable: empty or oversized text, invalid unicode, a malformed record."""

    code = "invalid_input"


class NotFoundError(MemagentError, KeyError):
    """An id (user, memory item, event, instruction) does not exist for this user."""

    code = "not_found"

    def __str__(self) -> str:
        # KeyError.__str__ would quote the message; keep it readable.
        return self.message


class MissingDependencyError(MemagentError, ImportError):
    """An optional extra is not installed. The message names the pip command that installs it."""

    code = "missing_dependency"

    def __init__(self, message: str, *, extra: str, **context: Any) -> None:
        super().__init__(message, extra=extra, **context)


class StoreError(MemagentError):
    """The SQLite store or a vector index failed (locked, corrupt, unwritable)."""

    code = "store"


class IndexMismatchError(StoreError, ValueError):
    """A stored vector index was built by a different embedder (name or dimension) than the one given."""

    code = "index_mismatch"


class LLMError(MemagentError):
    """A chat or embedding endpoint failed."""

    code = "llm"


class LLMConnectionError(LLMError):
    """The endpoint could not be reached (refused, DNS failure, reset)."""

    code = "llm_connection"


class LLMTimeoutError(LLMError, TimeoutError):
    """The endpoint did not answer within the configured timeout."""

    code = "llm_timeout"


class LLMStatusError(LLMError):
    """The endpoint answered with an HTTP error status; ``status_code`` holds it."""

    code = "llm_status"

    def __init__(self, message: str, *, status_code: int, **context: Any) -> None:
        super().__init__(message, status_code=status_code, **context)


class LLMOutputError(LLMError, ValueError):
    """The model's output could not be parsed or validated; ``llm_output`` holds the raw text."""

    code = "llm_output"

    def __init__(self, message: str, *, llm_output: str = "", **context: Any) -> None:
        super().__init__(message, llm_output=llm_output, **context)


class MemagentWarning(UserWarning):
    """Something works, but not as well as it could (for example: a fallback embedder is in use)."""
