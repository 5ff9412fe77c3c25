"""Validation of user-supplied text, shared by every public entry point."""

from __future__ import annotations

from memagent.errors import InvalidInputError
from memagent.prompts.sanitize import is_blank

__all__ = ["MAX_TEXT_CHARS", "check_text", "check_user_id"]

# ~25k tokens: longer inputs are almost always a mistake (a whole file pasted as one turn) and would
# blow every token budget downstream. Callers can split long documents into several events.
MAX_TEXT_CHARS = 100_000
MAX_ID_CHARS = 256


def check_text(text: object, *, field: str = "text", allow_empty: bool = False, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Return ``text`` if it is usable, else raise.

    Raises:
        InvalidInputError: not a str, empty (unless allowed), longer than ``max_chars``, or not encodable as
            UTF-8 (lone surrogates from a bad decode). Text with nothing visible (only whitespace, NUL and
            other control characters, escape sequences, zero-width or bidi characters) is empty.
    """
    if not isinstance(text, str):
        msg = f"{field} must be a str, got {type(text).__name__}"
        raise InvalidInputError(msg, field=field)
    if not allow_empty and is_blank(text):
        msg = f"{field} is empty" if not text.strip() else f"{field} has no visible characters (only control or invisible ones)"
        raise InvalidInputError(msg, field=field)
    if len(text) > max_chars:
        msg = f"{field} has {len(text):,} characters; the limit is {max_chars:,} (split it into several events)"
        raise InvalidInputError(msg, field=field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        msg = f"{field} is not valid unicode (position {exc.start}: {exc.reason}); decode your input with errors='replace'"
        raise InvalidInputError(msg, field=field) from exc
    return text


def check_user_id(user_id: object) -> str:
    """Return ``user_id`` if it is a usable id.

    Raises:
        InvalidInputError: not a non-empty str of at most 256 characters, or contains control characters.
    """
    uid = check_text(user_id, field="user_id", max_chars=MAX_ID_CHARS)
    if any(ord(c) < 32 for c in uid):
        msg = "user_id contains control characters"
        raise InvalidInputError(msg, field="user_id")
    return uid
