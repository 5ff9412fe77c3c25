"""Token counting must work on a machine with no network and an empty tiktoken cache."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from memagent.errors import ConfigError, InvalidInputError
from memagent.llm.tokens import count_tokens, get_encoding, truncate_tokens


def test_counts_match_cl100k():
    assert get_encoding().encode_ordinary("hello world") == [15339, 1917]
    assert count_tokens("") == 0
    assert count_tokens("<|endoftext|>") > 1  # special tokens in user text are plain text


def test_truncate_keeps_head_or_tail():
    text = "one two three four five six"
    assert truncate_tokens(text, 2) == "one two"
    assert truncate_tokens(text, 2, keep="tail") == " five six"
    assert truncate_tokens(text, 100) == text
    with pytest.raises(ConfigError):
        truncate_tokens(text, -1)
    with pytest.raises(InvalidInputError):
        count_tokens(None)  # type: ignore[arg-type]


def test_works_with_network_blocked_and_empty_cache(tmp_path):
    script = textwrap.dedent(
        """
        import socket, os
        def blocked(*a, **k):
            raise OSError("network disabled for this test")
        socket.socket.connect = blocked
        socket.create_connection = blocked
        socket.getaddrinfo = blocked
        from memagent.llm.tokens import count_tokens, get_encoding
        assert count_tokens("hello world") == 2
        assert get_encoding("o200k_base").encode_ordinary("hi")  # falls back to cl100k offline
        assert os.listdir(os.environ["TIKTOKEN_CACHE_DIR"]) == []  # nothing written to the cache
        print("ok")
        """
    )
    env = {"TIKTOKEN_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
