"""Distractor conversations placed between the preference and the question.

PrefEval's own distractors come from LMSYS-Chat-1M, which may not be redistributed, so the default filler is
built from the benchmark data itself (and can be shared):

- ``default``: other pairs' questions, from other topics, as user turns, each answered by a short generic
  assistant reply; 1-3 questions per session.
- ``hard``: the same, alternating with whole persona conversations of other pairs (other topics), so the
  user also states, in passing, many competing preferences about other things.
- ``sessions``: nothing but whole conversations of other pairs (other topics), persona-driven and choice-based
  in turn, each its own session: a long multi-session history written by PrefEval's authors, not by this
  project, in which every session states or implies a preference the question does not ask about.
- ``original``: the LMSYS conversations (``filtered_inter_turns.json``) for users who have them, passed with
  ``--filler PATH``: the same prefix for every pair, as in the paper.

A "turn" is one user message plus the assistant's reply. The filler for a pair depends only on the seed and
the pair (not on the form), so the three forms of a pair meet the same distractors.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.prefeval.data import Message, Pair, conversation_messages, rows
from memagent.errors import ConfigError, InvalidInputError

__all__ = ["FILLERS", "REPLIES", "FillerPool", "Session", "build_filler", "load_original"]

FILLERS = ("default", "hard", "sessions", "original")
Session = tuple[Message, ...]

# Generic on purpose: a reply that named things could itself state or contradict a preference.
REPLIES = (
    "Sure, here are a few ideas you could start with.",
    "Good question. It depends on your budget and timing, but here are some options worth a look.",
    "Here is a short list to get you started; tell me if you want more detail on any of them.",
    "There are several good choices. I'd start with the best-reviewed ones and narrow down from there.",
    "Happy to help. These are the suggestions people mention most often.",
    "That depends on what matters most to you, but here are some common recommendations.",
)


@dataclass(frozen=True)
class FillerPool:
    """What fillers are cut from: every pair's question and persona conversation, with its topic."""

    questions: tuple[tuple[str, str], ...]
    personas: tuple[tuple[str, Session], ...]
    original: Session = ()
    choices: tuple[tuple[str, Session], ...] = ()

    @classmethod
    def from_dir(cls, data_dir: str | Path, *, original: Session = ()) -> FillerPool:
        """Every question (deduplicated) and persona conversation in a PrefEval-layout folder.

        Raises: as :func:`benchmarks.prefeval.data.rows`.
        """
        seen: set[str] = set()
        questions = []
        for topic, _, row in rows(data_dir, "explicit"):
            q = str(row["question"])
            if q not in seen:
                seen.add(q)
                questions.append((topic, q))
        personas = [(topic, conversation_messages("persona", row)) for topic, _, row in rows(data_dir, "persona")]
        choices = [(topic, conversation_messages("choice", row)) for topic, _, row in rows(data_dir, "choice")]
        return cls(tuple(questions), tuple(personas), original, tuple(choices))


def load_original(path: str | Path) -> Session:
    """The LMSYS distractors of ``filtered_inter_turns.json``, flattened into one user/assistant sequence.

    Accepts the original layout (a list of ``{"conversation": [{"role", "content"}, ...]}``) or a list of
    message lists.

    Raises:
        ConfigError: the file cannot be read.
        InvalidInputError: the file is not in either layout.
    """
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"cannot read filler file {path}: {exc}"
        raise ConfigError(msg) from exc
    if not isinstance(raw, list):
        msg = f"{path}: expected a JSON array of conversations"
        raise InvalidInputError(msg)
    msgs: list[Message] = []
    for conv in raw:
        turns = conv.get("conversation") if isinstance(conv, dict) else conv
        if not isinstance(turns, list):
            msg = f"{path}: each conversation must be a list of messages or have a 'conversation' list"
            raise InvalidInputError(msg)
        for m in turns:
            if not isinstance(m, dict) or m.get("role") not in ("user", "assistant") or not str(m.get("content", "")).strip():
                continue
            msgs.append(Message(m["role"], str(m["content"])))
    return _pairs_only(msgs)


def _pairs_only(msgs: Sequence[Message]) -> Session:
    """Keep user -> assistant pairs and drop orphans, so one turn is always two messages."""
    out: list[Message] = []
    i = 0
    while i + 1 < len(msgs):
        if msgs[i].role == "user" and msgs[i + 1].role == "assistant":
            out += [msgs[i], msgs[i + 1]]
            i += 2
        else:
            i += 1
    return tuple(out)


def _question_session(rng: random.Random, questions: list[str], n: int) -> Session:
    out: list[Message] = []
    for _ in range(n):
        out += [Message("user", questions.pop()), Message("assistant", rng.choice(REPLIES))]
    return tuple(out)


def build_filler(pair: Pair, pool: FillerPool, mode: str, turns: int, *, seed: int = 0) -> list[Session]:
    """Sessions holding exactly ``turns`` distractor turns for ``pair`` (fewer if the pool runs out).

    Raises:
        ConfigError: unknown mode, or ``original`` without a loaded filler file.
    """
    if mode not in FILLERS:
        msg = f"unknown filler {mode!r}; choose from {', '.join(FILLERS)}"
        raise ConfigError(msg)
    if mode == "original":
        if not pool.original:
            msg = "the 'original' filler needs --filler PATH (filtered_inter_turns.json)"
            raise ConfigError(msg)
        return [pool.original[: 2 * turns]] if turns else []
    rng = random.Random(f"{seed}:filler:{pair.key}")
    questions = [q for t, q in pool.questions if t != pair.topic and q != pair.question]
    personas = [c for t, c in pool.personas if t != pair.topic]
    choices = [c for t, c in pool.choices if t != pair.topic]
    rng.shuffle(questions)
    rng.shuffle(personas)
    rng.shuffle(choices)
    sessions: list[Session] = []
    left = turns
    while left > 0:
        if mode == "sessions":
            convs = choices if (len(sessions) % 2 and choices) or not personas else personas
            if not convs:
                break
            conv = convs.pop()
            sessions.append(conv[: 2 * min(left, max(1, len(conv) // 2))])
        elif mode == "hard" and personas and len(sessions) % 2 == 0:
            conv = personas.pop()
            sessions.append(conv[: 2 * min(left, len(conv) // 2)])
        elif questions:
            sessions.append(_question_session(rng, questions, min(left, rng.randint(1, 3), len(questions))))
        else:
            break
        left -= len(sessions[-1]) // 2
    return sessions
