"""PrefEval is CC BY-NC: it is read from ../shared/data/prefeval by path, and no sentence of it may sit in the repository.

Every sentence of at least 50 characters in the shared PrefEval files is looked for in every tracked file (shorter
ones are stock phrases such as "The other options don't work for me.", which our own test texts use too). A sentence
starts at a word, so only the 50 characters from each word start of a file are looked up (by their first 50
characters; a hit is then checked whole): one pass over the repository instead of one per sentence.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PREFEVAL = REPO.parent / "shared" / "data" / "prefeval"
MIN_CHARS = 50
_WORD_START = re.compile(r"(?<!\w)\w")


def _sentences(value: object, out: set[str]) -> None:
    if isinstance(value, str):
        # from its first word on, so that the word-start lookup below can find it
        out.update(t for t in (re.sub(r"^\W+", "", s).rstrip() for s in re.split(r"(?<=[.!?])\s+|\n+", value))
                   if len(t) >= MIN_CHARS)
    elif isinstance(value, dict):
        for v in value.values():
            _sentences(v, out)
    elif isinstance(value, list):
        for v in value:
            _sentences(v, out)


@pytest.mark.skipif(not PREFEVAL.is_dir(), reason="../shared/data/prefeval not beside the clone")
def test_no_prefeval_sentence_is_in_a_tracked_file():
    sentences: set[str] = set()
    for path in PREFEVAL.rglob("*.json"):
        _sentences(json.loads(path.read_text(encoding="utf-8")), sentences)
    assert len(sentences) > 1000  # the folder really was read
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout.split(b"\0")
    by_head: dict[str, list[str]] = {}
    for s in sentences:
        by_head.setdefault(s[:MIN_CHARS], []).append(s)
    found = {}
    for name in filter(None, tracked):
        try:
            text = (REPO / name.decode()).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        for start in (m.start() for m in _WORD_START.finditer(text)):
            hit = next((s for s in by_head.get(text[start:start + MIN_CHARS], ()) if text.startswith(s, start)), None)
            if hit is not None:
                found[name.decode()] = hit
                break
    assert not found, f"PrefEval text copied into the repository: {found}"
