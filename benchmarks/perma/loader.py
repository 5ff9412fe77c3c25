"""Read a dataset in the PERMA layout (the real release or the synthetic one) into plain dataclasses.

    profile/<uid>/profile.json, tasks.json, tasks_md.json
    tasks/<uid>/interleaved_timeline.json, raw_dialogues_{c,n,style_transformed}.json
    evaluation/<uid>/meta/overall/<task_id>_<type>.json
    tasks/<uid>/preference_changes.json        (optional; written by our generator: change events and overrides)

Tolerates the quirks the release has (see ``shared/data/perma/README.md``): ``new_preferences`` overriding
``preferences`` in clean files, ``raw_dialogues_wn.json`` for the noisy variant, task slot names that do not
match the profile ("Favorite" / "Favourite", "(Media)" suffixes), values containing commas, dates with a part of
the day ("Morning", "Night", ...), and a ``" temporary"`` marker on one-off values.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from memagent.errors import ConfigError, InvalidInputError

__all__ = [
    "PERMA_DOMAINS",
    "VARIANT_FILES",
    "Change",
    "Facet",
    "Question",
    "Session",
    "UserData",
    "is_held_out",
    "list_users",
    "load_user",
    "norm_slot",
    "parse_date",
    "parse_facets",
]

PERMA_DOMAINS = (
    "Alarm", "Books", "Buses", "Calendar", "Events", "Finance", "Flights", "Games", "Hotels", "Media", "Messaging",
    "Movies", "Music", "Rental Cars", "Restaurants", "Services", "Shopping", "Sports", "Train", "Travel",
)

# Variant code -> dialogue file names to try, in order (the release names one noisy file differently).
VARIANT_FILES = {
    "c": ("raw_dialogues_c.json",),
    "n": ("raw_dialogues_n.json", "raw_dialogues_wn.json"),
    "s": ("raw_dialogues_style_transformed.json", "raw_dialogues_s.json"),
}

# Parts of the day in session dates; the release uses Morning/Afternoon/Evening, the example also Night.
_DAY_PARTS = {"morning": 9, "noon": 12, "afternoon": 14, "evening": 19, "night": 22}
_TEMPORARY_MARK = re.compile(r"\s*[(\[]?\b(?:temporary|temp|one[- ]off)\b[)\]]?\s*$", re.I)


@dataclass(frozen=True)
class Facet:
    """One annotated preference value: ``Restaurants-Cuisine Preference-Thai``."""

    domain: str
    slot: str  # normalised with :func:`norm_slot`
    value: str
    temporary: bool = False


@dataclass
class Session:
    task_id: str
    date: datetime
    date_text: str
    domain: str
    event_type: str
    conversation: list[dict[str, str]]
    facets: list[Facet]
    noise: int = 0
    dependencies: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Question:
    task_id: str
    qtype: int  # 1 zero-memory, 2 in-time, 3 post-intervention
    question: str
    date: datetime  # start of the question's day: only sessions dated before it are visible
    options: dict[str, str]
    gold_label: str
    domains: list[str]
    slots: list[str]

    @property
    def multi_domain(self) -> bool:
        return len(self.domains) > 1 or self.task_id.upper().startswith("MD")


@dataclass(frozen=True)
class Change:
    """A genuine change (``kind="change"``: ``old`` is superseded by ``new`` at ``date``) or a one-off override
    (``kind="temporary"``: ``new`` applies once and ``old`` stays the standing value)."""

    date: datetime
    domain: str
    slot: str
    old: str
    new: str
    kind: str
    task_id: str = ""
    reason: str = ""


@dataclass
class UserData:
    user_id: str
    profile: dict[str, Any]
    sessions: list[Session]
    questions: list[Question]
    changes: list[Change]
    tasks: dict[str, dict[str, Any]]

    @property
    def domains(self) -> list[str]:
        return sorted({s.domain for s in self.sessions} | set(self.profile.get("affinities", {})))


def is_held_out(user_id: str) -> bool:
    """The shared held-out rule: ``sha256(user_id) % 5 == 0``."""
    return int(hashlib.sha256(user_id.encode()).hexdigest(), 16) % 5 == 0


def norm_slot(slot: str) -> str:
    """'Favorite Artists (Music)' -> 'favourite artists': the task files and the profile disagree on both."""
    s = re.sub(r"\s*\([^)]*\)\s*$", "", slot.strip())
    s = re.sub(r"\bfavorite", "favourite", s, flags=re.I)
    return re.sub(r"\s+", " ", s).lower()


def parse_date(text: str) -> datetime:
    """'2024-04-20 Evening' -> 2024-04-20 19:00 UTC; a bare date is noon.

    Raises:
        InvalidInputError: the text does not start with an ISO date.
    """
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})(?:[ T](.*))?$", text or "")
    if not m:
        msg = f"unparseable PERMA date {text!r}"
        raise InvalidInputError(msg)
    day = datetime.fromisoformat(m.group(1)).replace(tzinfo=UTC)
    part = (m.group(2) or "").strip().lower()
    if re.match(r"\d{1,2}:\d{2}", part):
        hh, mm = part.split(":")[:2]
        return day + timedelta(hours=int(hh), minutes=int(mm[:2]))
    return day + timedelta(hours=_DAY_PARTS.get(part, 12))


def _question_time(text: str) -> datetime:
    return parse_date(text).replace(hour=0, minute=0)


def parse_facets(text: str | list[str] | None, known: dict[str, set[str]]) -> list[Facet]:
    """Split ``"Domain-Slot-Value, Domain-Slot-Value"`` into facets.

    ``known`` maps each domain to its normalised slot names: a comma inside a value is kept when the next
    piece does not start with a known domain, and a hyphen inside a slot name is kept when the slot is known.
    """
    if not text:
        return []
    pieces = [p for chunk in ([text] if isinstance(text, str) else text) for p in chunk.split(", ")]
    items: list[str] = []
    for piece in pieces:
        if items and _domain_of(piece, known) is None:
            items[-1] += ", " + piece
        else:
            items.append(piece)
    out = []
    for item in items:
        domain = _domain_of(item, known)
        if domain is None:
            continue
        rest = item[len(domain) + 1 :]
        slot, value = _split_slot(rest, known.get(domain, set()))
        value = value.strip()
        temporary = bool(_TEMPORARY_MARK.search(value))
        value = _TEMPORARY_MARK.sub("", value).strip()
        if value:
            out.append(Facet(domain, norm_slot(slot), value, temporary))
    return out


def _domain_of(piece: str, known: dict[str, set[str]]) -> str | None:
    for d in sorted(known, key=len, reverse=True):
        if piece.startswith(d + "-"):
            return d
    return None


def _split_slot(rest: str, slots: set[str]) -> tuple[str, str]:
    cuts = [i for i, ch in enumerate(rest) if ch == "-"]
    for i in reversed(cuts):  # the longest known slot name wins: slot names may contain hyphens
        if norm_slot(rest[:i]) in slots:
            return rest[:i], rest[i + 1 :]
    slot, _, value = rest.partition("-")
    return slot, value


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        msg = f"{path} is not valid JSON: {exc}"
        raise InvalidInputError(msg) from exc


def list_users(root: str | Path) -> list[str]:
    """User ids that have a profile and a timeline under ``root``, sorted.

    Raises:
        ConfigError: ``root`` is not a PERMA-layout directory.
    """
    base = Path(root)
    if not (base / "profile").is_dir() or not (base / "tasks").is_dir():
        msg = f"{base} is not a PERMA-layout directory (expected profile/ and tasks/ inside)"
        raise ConfigError(msg)
    return sorted(p.name for p in (base / "profile").iterdir() if (base / "tasks" / p.name).is_dir())


def _tasks(base: Path, uid: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in ("tasks.json", "tasks_md.json"):
        path = base / "profile" / uid / name
        if path.exists():
            for entry in _read(path).values():
                if isinstance(entry, dict) and entry.get("task_id"):
                    out[entry["task_id"]] = entry
    return out


def _known_slots(profile: dict[str, Any], tasks: Iterable[dict[str, Any]], domains: Iterable[str]) -> dict[str, set[str]]:
    known: dict[str, set[str]] = {d: set() for d in (*PERMA_DOMAINS, *domains)}
    for domain, slots in profile.get("affinities", {}).items():
        known.setdefault(domain, set()).update(norm_slot(s) for s in slots)
    for task in tasks:
        doms = task.get("Relevant Domains") or []
        for s in task.get("Relevant Affinity Types") or []:
            m = re.search(r"\(([^)]*)\)\s*$", s)
            for d in ([m.group(1)] if m and m.group(1) in known else doms[:1]):
                known.setdefault(d, set()).add(norm_slot(s))
    return known


def _dialog_file(base: Path, uid: str, variant: str) -> Path:
    if variant not in VARIANT_FILES:
        msg = f"unknown variant {variant!r}; use one of {sorted(VARIANT_FILES)}"
        raise ConfigError(msg)
    for name in VARIANT_FILES[variant]:
        path = base / "tasks" / uid / name
        if path.exists():
            return path
    msg = f"user {uid} has no '{variant}' dialogue file (looked for {', '.join(VARIANT_FILES[variant])})"
    raise ConfigError(msg)


def _domains_of_task(task_id: str, task: dict[str, Any] | None) -> list[str]:
    if task and task.get("Relevant Domains"):
        return list(task["Relevant Domains"])
    m = re.match(r"SD-(.+)-task-\d+$", task_id)
    return [m.group(1)] if m else []


def load_user(root: str | Path, user_id: str, variant: str = "c") -> UserData:
    """Everything the harness needs for one user, sessions and questions sorted by time.

    Raises:
        ConfigError: unknown variant, missing profile or dialogue file.
        InvalidInputError: malformed JSON or dates.
    """
    base = Path(root)
    profile_path = base / "profile" / user_id / "profile.json"
    if not profile_path.exists():
        msg = f"no profile for user {user_id!r} under {base}"
        raise ConfigError(msg)
    profile = _read(profile_path)
    tasks = _tasks(base, user_id)
    timeline_path = base / "tasks" / user_id / "interleaved_timeline.json"
    timeline = {e["task_id"]: e for e in _read(timeline_path)} if timeline_path.exists() else {}
    groups = _read(_dialog_file(base, user_id, variant))
    known = _known_slots(profile, tasks.values(), (g.get("topic", "") for g in groups))
    sessions = []
    for group in groups:
        for d in group.get("dialogs", []):
            event = timeline.get(d.get("task_id", ""), {})
            deps = event.get("dependencies") or d.get("dependencies") or "None"
            annotation = d.get("new_preferences") or d.get("preferences")
            sessions.append(Session(
                task_id=d.get("task_id", ""), date=parse_date(d["date"]), date_text=d["date"],
                domain=event.get("relevant_domain") or group.get("topic", ""),
                event_type=d.get("event_type") or event.get("event_type", ""),
                conversation=[m for m in d.get("conversation", []) if m.get("content")],
                facets=parse_facets(annotation, known), noise=int(d.get("selected_noise") or 0),
                dependencies=[] if deps in ("None", "", None) else [x.strip() for x in str(deps).split(",")],
                description=d.get("task_description") or event.get("description", ""),
            ))
    sessions.sort(key=lambda s: (s.date, s.task_id))
    return UserData(user_id, profile, sessions, _questions(base, user_id, tasks), _changes(base, user_id), tasks)


def _questions(base: Path, uid: str, tasks: dict[str, dict[str, Any]]) -> list[Question]:
    folder = base / "evaluation" / uid / "meta" / "overall"
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        q = _read(path)
        options = dict(re.findall(r"^([A-H]):\s?(.*)$", q.get("options", ""), flags=re.M))
        task = tasks.get(q["task_id"])
        out.append(Question(
            task_id=q["task_id"], qtype=int(q.get("task_type") or path.stem.rsplit("_", 1)[-1]),
            question=q.get("question", ""), date=_question_time(q["question_date"]), options=options,
            gold_label=str(q.get("gold_label", "")).strip(), domains=_domains_of_task(q["task_id"], task),
            slots=[norm_slot(s) for s in (task or {}).get("Relevant Affinity Types", [])],
        ))
    out.sort(key=lambda q: (q.date, q.task_id, q.qtype))
    return out


def _changes(base: Path, uid: str) -> list[Change]:
    path = base / "tasks" / uid / "preference_changes.json"
    if not path.exists():
        return []
    return sorted((Change(date=parse_date(c["date"]), domain=c["domain"], slot=norm_slot(c["slot"]), old=c["old"],
                          new=c["new"], kind=c.get("kind", "change"), task_id=c.get("task_id", ""),
                          reason=c.get("reason", "")) for c in _read(path)), key=lambda c: c.date)
