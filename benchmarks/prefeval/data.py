"""Reading a PrefEval-layout folder into preference/question pairs, with the gold preference messages marked.

The data is read by path (CC BY-NC 4.0: never copied into this repository). A pair is one row position,
shared by a topic's four files. Each pair becomes the messages a user and an assistant exchanged when the
preference was revealed, and the indices of the messages that reveal it (the gold):

- ``explicit``: the user states the preference; a fixed, content-free acknowledgement follows. Gold: the
  user's statement.
- ``choice``: the 4-message exchange (question, options, the user's pick, the assistant's confirmation).
  Gold: the pick and the confirmation, the two messages that say which option the user chose.
- ``persona``: a 3-7 turn conversation; which user turn states the preference is not labelled, so it is the
  user sentence closest to the preference text (word overlap plus embedding similarity). That labelling uses
  the preference text, which no system under test ever sees.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memagent._lexical import content_words
from memagent.embeddings import Embedder
from memagent.errors import ConfigError, InvalidInputError

__all__ = ["FORMS", "Message", "Pair", "conversation_messages", "load_pairs", "rows", "topics"]

FORMS = ("explicit", "choice", "persona")
_FORM_DIRS = {
    "explicit": Path("explicit_preference"),
    "choice": Path("implicit_preference") / "choice-based",
    "persona": Path("implicit_preference") / "persona-driven",
}
_CHOICE_KEYS = (("user", "query"), ("assistant", "assistant_options"), ("user", "user_selection"),
                ("assistant", "assistant_acknowledgment"))
# Said after an explicit preference. It repeats nothing, so it cannot carry the preference by itself.
EXPLICIT_ACK = "Thanks for telling me. I'll keep that in mind."
# A persona turn this close to the best one is gold too: conversations sometimes say it twice.
_LABEL_MARGIN = 0.05


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass(frozen=True)
class Pair:
    """One preference/question pair in one form."""

    topic: str
    row: int
    form: str
    preference: str
    question: str
    messages: tuple[Message, ...]
    gold: frozenset[int]
    mcq_options: tuple[str, ...] = ()  # the first option is the correct one

    @property
    def key(self) -> str:
        return f"{self.topic}:{self.row}"


def topics(data_dir: Path) -> list[str]:
    """Topic names present in every form folder of ``data_dir``.

    Raises:
        ConfigError: ``data_dir`` is not a PrefEval-layout folder.
    """
    found = [{p.stem for p in (data_dir / d).glob("*.json")} for d in _FORM_DIRS.values()]
    common = sorted(set.intersection(*found)) if found else []
    if not common:
        msg = f"{data_dir} has no topic files in {', '.join(str(d) for d in _FORM_DIRS.values())}"
        raise ConfigError(msg)
    return common


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"cannot read {path}: {exc}"
        raise ConfigError(msg) from exc
    if not isinstance(rows, list):
        msg = f"{path} must hold a JSON array of pairs"
        raise InvalidInputError(msg)
    return rows


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()] or [text]


def _label_persona(preference: str, user_turns: Sequence[str], embedder: Embedder) -> list[int]:
    """Indices (into ``user_turns``) of the turns whose best sentence is closest to the preference."""
    pref_words = set(content_words(preference))
    sents = [(i, s) for i, t in enumerate(user_turns) for s in _sentences(t)]
    vecs = embedder.embed([preference, *(s for _, s in sents)])
    best = [0.0] * len(user_turns)
    for (i, s), v in zip(sents, vecs[1:], strict=True):
        overlap = len(pref_words & set(content_words(s))) / len(pref_words) if pref_words else 0.0
        best[i] = max(best[i], overlap + float(v @ vecs[0]))
    top = max(best)
    return [i for i, b in enumerate(best) if b >= top - _LABEL_MARGIN]


def conversation_messages(form: str, row: dict[str, Any]) -> tuple[Message, ...]:
    """The messages in which the preference was revealed, in order.

    Raises:
        InvalidInputError: the row lacks the fields of its form.
    """
    try:
        if form == "explicit":
            return (Message("user", str(row["preference"])), Message("assistant", EXPLICIT_ACK))
        conv = row["conversation"]
        if form == "choice":
            return tuple(Message(role, str(conv[k])) for role, k in _CHOICE_KEYS)
        return tuple(Message(role, str(conv[k][role])) for k in sorted(conv, key=int) for role in ("user", "assistant"))
    except (KeyError, TypeError, ValueError) as exc:
        msg = f"malformed {form} row: {exc!r}"
        raise InvalidInputError(msg) from exc


def _gold(form: str, preference: str, msgs: Sequence[Message], embedder: Embedder) -> set[int]:
    if form == "explicit":
        return {0}
    if form == "choice":
        return {2, 3}
    user_at = [i for i, m in enumerate(msgs) if m.role == "user"]
    return {user_at[i] for i in _label_persona(preference, [msgs[j].content for j in user_at], embedder)}


def rows(data_dir: str | Path, form: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(topic, row index, row) for every row of one form.

    Raises:
        ConfigError: unknown form, or ``data_dir`` is not a PrefEval-layout folder.
        InvalidInputError: a file is not a JSON array.
    """
    if form not in _FORM_DIRS:
        msg = f"unknown form {form!r}; choose from {', '.join(FORMS)}"
        raise ConfigError(msg)
    data = Path(data_dir)
    for topic in topics(data):
        for i, row in enumerate(_read(data / _FORM_DIRS[form] / f"{topic}.json")):
            yield topic, i, row


def load_pairs(
    data_dir: str | Path,
    forms: Sequence[str],
    *,
    label_embedder: Embedder,
    per_topic: int | None = None,
    seed: int = 0,
    only_topics: Sequence[str] | None = None,
) -> list[Pair]:
    """All pairs of ``forms`` (or ``per_topic`` sampled rows per topic, the same rows in every form), of every
    topic or of ``only_topics`` (a topic's sample does not depend on which others are chosen).

    Raises:
        ConfigError: unknown form or topic, or ``data_dir`` is not a PrefEval-layout folder.
        InvalidInputError: a row lacks the fields of its form.
    """
    data = Path(data_dir)
    bad = [f for f in forms if f not in FORMS]
    if bad:
        msg = f"unknown form(s) {bad}; choose from {', '.join(FORMS)}"
        raise ConfigError(msg)
    present = topics(data)
    unknown = sorted(set(only_topics or ()) - set(present))
    if unknown:
        msg = f"unknown topic(s) {unknown}; {data} has {', '.join(present)}"
        raise ConfigError(msg)
    out: list[Pair] = []
    for topic in present:
        if only_topics is not None and topic not in only_topics:
            continue
        mcq_path = data / "mcq_options" / f"{topic}.json"
        mcq = _read(mcq_path) if mcq_path.exists() else []
        by_form = {f: _read(data / _FORM_DIRS[f] / f"{topic}.json") for f in forms}
        n = min(len(r) for r in by_form.values())
        chosen = list(range(n))
        if per_topic is not None and per_topic < n:
            chosen = sorted(random.Random(f"{seed}:{topic}").sample(chosen, per_topic))
        for form in forms:
            for i in chosen:
                row = by_form[form][i]
                if not isinstance(row, dict) or "preference" not in row or "question" not in row:
                    msg = f"{topic}/{form} row {i} lacks 'preference' or 'question'"
                    raise InvalidInputError(msg)
                msgs = conversation_messages(form, row)
                options = mcq[i].get("classification_task_options", ()) if i < len(mcq) and isinstance(mcq[i], dict) else ()
                out.append(Pair(
                    topic=topic, row=i, form=form, preference=str(row["preference"]), question=str(row["question"]),
                    messages=msgs, gold=frozenset(_gold(form, str(row["preference"]), msgs, label_embedder)),
                    mcq_options=tuple(str(o) for o in options),
                ))
    return out
