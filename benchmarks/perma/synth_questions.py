"""Tasks and MCQ items for the synthetic generator, placed on the timeline by PERMA's rules, with 8 options
(task completion x preference consistency x confidence) whose lengths do not give the answer away."""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from benchmarks.perma import phrasing as P
from benchmarks.perma.catalog import MD_COMBOS, Domain, Slot

__all__ = ["Task", "make_tasks", "mcq_items", "task_files"]

MD_QUESTIONS = ("Can you sort out {acts} for next weekend?", "I need help planning {acts}.",
                "Help me organise {acts} for my trip.", "Could you put together {acts} for Saturday?")
MD_DONE = "I arranged everything for you ({desc}) and sent the details."
MD_GENERAL = "Here is some general planning advice for this ({desc})."


@dataclass
class Task:
    task_id: str
    domains: list[Domain]
    slots: list[tuple[Domain, Slot]]
    description: str
    intent: str
    goal: str
    types: list[int]

    @property
    def multi(self) -> bool:
        return len(self.domains) > 1


def make_tasks(rng: random.Random, domains: Sequence[Domain], n_md: int) -> list[Task]:
    """Two single-domain tasks per domain the user talked about, and ``n_md`` multi-domain ones."""
    tasks = []
    for dom in domains:
        for n, (desc, intent, goal) in enumerate(dom.tasks, start=1):
            slots = list(dom.slots) if n == 1 else rng.sample(list(dom.slots), rng.randint(2, 3))
            tasks.append(Task(f"SD-{dom.name}-task-{n}", [dom], [(dom, s) for s in slots], f"[SYNTHETIC] {desc}",
                              intent, goal, [1, 2, 3] if rng.random() < 0.5 else [3]))
    names = {d.name: d for d in domains}
    combos = [c for c in MD_COMBOS if all(x in names for x in c)]
    for n, combo in enumerate(rng.sample(combos, min(n_md, len(combos))), start=1):
        doms = [names[x] for x in combo]
        slots = [(d, s) for d in doms for s in rng.sample(list(d.slots), rng.randint(1, 2))]
        acts = _join([d.activity for d in doms])
        tasks.append(Task(f"MD-task-{n}", doms, slots, f"[SYNTHETIC] The user plans {acts} together.",
                          f"Plan {acts}.", "Every part of the plan fits the user's preferences.",
                          [1, 2, 3] if rng.random() < 0.4 else [3]))
    return tasks


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _slot_label(dom: Domain, slot: Slot, multi: bool, rng: random.Random) -> str:
    """Task files name slots loosely, as the release does: US spelling, a '(Domain)' suffix on MD tasks."""
    name = slot.name.replace("Favourite", "Favorite") if rng.random() < 0.3 else slot.name
    return f"{name} ({dom.name})" if multi and rng.random() < 0.5 else name


def task_files(tasks: Sequence[Task], rng: random.Random, city: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(tasks.json, tasks_md.json) contents."""
    sd: dict[str, Any] = {}
    md: dict[str, Any] = {}
    for t in tasks:
        target = md if t.multi else sd
        target[f"Task {len(target) + 1}"] = {
            "Task Description": t.description, "User Intent": t.intent, "Task Goal": t.goal,
            "Relevant Affinity Types": [_slot_label(d, s, t.multi, rng) for d, s in t.slots],
            "task_id": t.task_id,
            "situations": {"Location": city, "Device": rng.choice(["Smartphone", "Laptop", "Smart speaker"]),
                           "Time of Day": rng.choice(["Morning", "Afternoon", "Evening"]),
                           "Day of the Week": rng.choice(["Monday", "Wednesday", "Friday", "Saturday"]),
                           "Environment": rng.choice(["Quiet", "Busy", "Outdoors"])},
            "Relevant Domains": [d.name for d in t.domains],
        }
    return sd, md


def _distractor(dom: Domain, slot: Slot, true: str, held: set[str], stale: dict[tuple[str, str], list[str]],
                rng: random.Random) -> str:
    """An inconsistent value: a superseded or one-off value when there is one, else an unheld value of similar
    length (so that length does not reveal which option respects the preferences)."""
    known = [v for v in stale.get((dom.name, slot.name), []) if v not in held]
    if known:
        return rng.choice(known)
    pool = [v for v in slot.values if v not in held] or list(slot.values)
    pool.sort(key=lambda v: (abs(len(v) - len(true)), rng.random()))
    return pool[0]


def _options(task: Task, values: dict[tuple[str, str], list[str]], stale: dict[tuple[str, str], list[str]],
             rng: random.Random) -> tuple[str, str]:
    parts_true, parts_false = [], []
    for dom, slot in task.slots:
        held = values.get((dom.name, slot.name), [])
        shown = held[:2] or [slot.values[0]]
        wrong = []
        for v in shown:
            wrong.append(_distractor(dom, slot, v, set(held) | set(wrong), stale, rng))
        parts_true.append(f"{slot.noun}: {' and '.join(shown)}")
        parts_false.append(f"{slot.noun}: {' and '.join(wrong)}")
    dom = task.domains[0]
    done, general = (MD_DONE, MD_GENERAL) if task.multi else (dom.done, dom.general)
    if rng.random() < 0.5:  # else "done" frames would always be the longer ones
        general += " Ask me if you want more."
    confident, hedge = rng.choice(P.CONFIDENT), rng.choice(P.HEDGE)
    combos = []
    for frame in (done, general):
        for desc in ("; ".join(parts_true), "; ".join(parts_false)):
            for tail in (confident, hedge):
                combos.append(f"{frame.format(desc=desc)} {tail}")
    gold = combos[0]
    rng.shuffle(combos)
    letters = string.ascii_uppercase[:8]
    return "\n".join(f"{k}: {c}" for k, c in zip(letters, combos, strict=True)), letters[combos.index(gold)]


def mcq_items(task: Task, rng: random.Random, session_dates: dict[str, list[datetime]], end: datetime,
              values: dict[tuple[str, str], list[str]], stale: dict[tuple[str, str], list[str]]) -> list[dict[str, Any]]:
    """The evaluation files of one task: one per checkpoint type, the same options and gold for each."""
    dates = sorted(d for dom in task.domains for d in session_dates.get(dom.name, []))
    if not dates:
        return []
    day = timedelta(days=1)
    when = {3: end.date() + day, 2: dates[-1].date() + day}
    if len(dates) > 1 and dates[1].date() > dates[0].date():
        when[1] = dates[0].date() + day
    if task.multi:
        acts = _join([d.activity for d in task.domains])
        texts = [P.fill(t, acts=acts) for t in rng.sample(MD_QUESTIONS, 3)]
    else:
        texts = rng.sample(list(task.domains[0].questions), 3)
    options, gold = _options(task, values, stale, rng)
    out = []
    for n, qtype in enumerate(task.types):
        if qtype not in when:
            continue
        out.append({"task_id": task.task_id, "question": texts[n], "task_description": task.description,
                    "task_goal": task.goal, "question_date": when[qtype].isoformat(), "scope": "overall",
                    "task_type": qtype, "options": options, "gold_label": gold})
    return out
