"""``python -m benchmarks.perma.generate --users 50 --seed 0 --out DIR``: synthetic users in the PERMA layout.

Each user has preferences in all 20 domains (more sessions in the ones they are interested in), ~60-80 dated
sessions over about ten months that reveal and restate them, all five noise types in the noisy variant, a
style-rewritten variant, **genuine changes** (a life event replaces a value; written to
``tasks/<uid>/preference_changes.json`` with ``kind="change"``) and **one-off overrides** that must not replace
the standing value (``kind="temporary"``; also annotated ``<value> temporary`` as the release does), gold
``Domain-Slot-Value`` annotations, tasks, and MCQs on PERMA's three checkpoints with length-balanced options.

Everything is deterministic in ``(seed, user index)``: user ``k`` is the same whatever ``--users`` is.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.perma import phrasing as P
from benchmarks.perma.catalog import DOMAINS, Domain, Slot
from benchmarks.perma.loader import is_held_out, parse_date
from benchmarks.perma.synth_natural import (
    HABITS,
    annotated_values,
    rehabit,
    render_natural,
    render_off_topic,
    unsaid,
)
from benchmarks.perma.synth_questions import make_tasks, mcq_items, task_files
from benchmarks.perma.synth_sessions import Plan, Rendered, annotation, render

__all__ = ["build_user", "generate", "main"]

COUNTRIES = (("Spain", "es", "Madrid"), ("Mexico", "es", "Guadalajara"), ("France", "fr", "Lyon"),
             ("Belgium", "fr", "Brussels"), ("Germany", "de", "Hamburg"), ("Switzerland", "de", "Zurich"),
             ("Portugal", "pt", "Lisbon"), ("Brazil", "pt", "Recife"), ("Italy", "it", "Turin"),
             ("Finland", "fi", "Tampere"), ("USA", "es", "Chicago"), ("UK", "fr", "Leeds"),
             ("Canada", "fr", "Ottawa"), ("Australia", "it", "Perth"))
PARTS = (("Morning", 9), ("Afternoon", 14), ("Evening", 19))
STYLES = ("terse", "lowercase", "polite")
SINGLE_KINDS = ("time", "limit", "schedule")
STYLE_NAMES = ("default", "natural")
OFF_TOPIC = "Small Talk"  # the topic group of the natural style's unrelated sessions (no domain, no preferences)


def _domain_plans(dom: Domain, values: dict[str, list[str]], n: int, rng: random.Random) -> list[Plan]:
    facets = [(s, v) for s in dom.slots for v in values[s.name]]
    rng.shuffle(facets)
    first_slots: set[str] = set()
    emergence: list[tuple[Slot, str]] = []
    for f in list(facets):
        if f[0].name not in first_slots and len(emergence) < rng.randint(2, 3):
            emergence.append(f)
            first_slots.add(f[0].name)
            facets.remove(f)
    plans = [Plan(dom, "preference_emergence", reveals=emergence)]
    revealed = list(emergence)
    for _ in range(1, n):
        take = [] if not facets else [facets.pop(0) for _ in range(min(len(facets), rng.randint(1, 2)))]
        plan = Plan(dom, "preference_supplement", reveals=take)
        if revealed and rng.random() < 0.4:
            plan.restate = [rng.choice(revealed)]
        revealed += take
        plans.append(plan)
    plans[-1].reveals += facets
    return plans


def _current(plans: list[Plan], upto: int, slot: Slot) -> list[str]:
    """Values of ``slot`` revealed in ``plans[:upto]``, after the changes among them."""
    vals: list[str] = []
    for p in plans[:upto]:
        vals += [v for s, v in p.reveals if s.name == slot.name and v not in vals]
        if p.change and p.change[0].name == slot.name:
            vals = [p.change[2] if v == p.change[1] else v for v in vals]
    return vals


def _add_changes(plans_by: dict[str, list[Plan]], values: dict[str, dict[str, list[str]]], rng: random.Random,
                 n_change: int, n_temp: int) -> None:
    names = [d for d, ps in plans_by.items() if len(ps) >= 3]
    change_doms = rng.sample(names, min(n_change, len(names)))
    for d in change_doms:
        plans = plans_by[d]
        i = rng.randint(2, len(plans) - 1)
        options = [s for s in plans[0].domain.slots if _current(plans, i, s)]
        options.sort(key=lambda s: (not s.reasons, s.multi, rng.random()))
        if not options:
            continue
        slot = options[0]
        old = rng.choice(_current(plans, i, slot))
        new = rng.choice([v for v in slot.values if v not in values[d][slot.name]])
        plans[i].change = (slot, old, new, rng.choice(slot.reasons or P.CHANGE_REASONS))
        values[d][slot.name] = [new if v == old else v for v in values[d][slot.name]]
        for later in plans[i + 1 :]:  # nobody restates a value they just replaced
            later.restate = [(s, new if v == old else v) for s, v in later.restate]
        plans[i].restate = [(s, v) for s, v in plans[i].restate if s.name != slot.name]
    rest = [d for d, ps in plans_by.items() if len(ps) >= 2 and d not in change_doms]
    for d in rng.sample(rest, min(n_temp, len(rest))):
        plans = plans_by[d]
        i = rng.randint(1, len(plans) - 1)
        options = [s for s in plans[0].domain.slots if len(_current(plans, i, s)) == 1]
        options.sort(key=lambda s: (s.kind not in SINGLE_KINDS, s.multi, rng.random()))
        if not options:
            continue
        slot = options[0]
        standing = _current(plans, i, slot)[0]
        tmp = rng.choice([v for v in slot.values if v not in values[d][slot.name]])
        plans[i].temporary = (slot, standing, tmp, rng.choice(P.OCCASIONS))
        plans[i].restate = [(s, v) for s, v in plans[i].restate if s.name != slot.name]


def _schedule(plans_by: dict[str, list[Plan]], rng: random.Random) -> list[Plan]:
    labels = [d for d, ps in plans_by.items() for _ in ps]
    rng.shuffle(labels)
    start = datetime(2023, 1, 2, tzinfo=UTC) + timedelta(days=rng.randint(0, 420))
    span = rng.randint(270, 330)
    slots = sorted(rng.sample(range(span * len(PARTS)), len(labels)))
    seen: Counter[str] = Counter()
    timeline = []
    for d, s in zip(labels, slots, strict=True):
        plan = plans_by[d][seen[d]]
        seen[d] += 1
        part, hour = PARTS[s % len(PARTS)]
        day = start + timedelta(days=s // len(PARTS))
        plan.date = day + timedelta(hours=hour)
        plan.date_text = f"{day.date().isoformat()} {part}"
        plan.task_id = f"event_{seen[d]}_{plan.kind} ({d})"
        timeline.append(plan)
    return timeline


def _dependencies_and_noise(timeline: list[Plan], rng: random.Random) -> None:
    state: dict[str, list[tuple[Slot, str]]] = {}
    for plan in timeline:
        d = plan.domain.name
        if plan.plain and rng.random() < 0.12:
            others = [(o, s, v) for o, facets in state.items() if o != d for s, v in facets]
            if others:
                o, s, v = rng.choice(others)
                plan.dependency = (next(x for x in DOMAINS if x.name == o), s, v)
        if plan.plain and rng.random() < 0.55:
            plan.noise = plan.noise_label = rng.randint(1, 5)
        elif plan.kind == "preference_emergence":
            plan.noise_label = rng.choice((0, 0, 1, 2, 3, 4, 5))
        facets = state.setdefault(d, [])
        facets += [f for f in plan.reveals if f not in facets]
        if plan.change:
            slot, old, new, _ = plan.change
            state[d] = [(s, new if (s.name == slot.name and v == old) else v) for s, v in facets]


def build_user(index: int, seed: int, style: str = "default") -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(user id, {relative path: JSON content}, statistics) for user ``index``.

    ``style="natural"`` tells the same user (values, timeline, changes, tasks, MCQs) in the phrasing of
    :mod:`benchmarks.perma.synth_natural`, with unrelated sessions in between.
    """
    if style not in STYLE_NAMES:
        msg = f"unknown style {style!r}; expected one of {', '.join(STYLE_NAMES)}"
        raise ValueError(msg)
    rng = random.Random(f"perma-synth:{seed}:{index}")
    uid = f"user{20000 + index}"
    country, lang, city = rng.choice(COUNTRIES)
    interested = set(rng.sample([d.name for d in DOMAINS], 12))
    values = {d.name: {s.name: ([rng.choice(s.values)] if not s.multi else rng.sample(s.values, rng.randint(2, 3)))
                       for s in d.slots} for d in DOMAINS}
    plans_by = {d.name: _domain_plans(d, values[d.name], rng.randint(4, 5) if d.name in interested else
                                      rng.randint(2, 3), rng) for d in DOMAINS}
    _add_changes(plans_by, values, rng, rng.randint(3, 5), rng.randint(2, 4))
    timeline = _schedule(plans_by, rng)
    _dependencies_and_noise(timeline, rng)
    text_style, style = style, rng.choice(STYLES)
    files: dict[str, Any] = {}
    dialogs: dict[str, dict[str, list[dict[str, Any]]]] = {v: {} for v in ("c", "n", "s")}
    changes: list[dict[str, Any]] = []
    habit = random.Random(f"perma-natural:{seed}:{index}").choice(HABITS)
    held = _values_held(timeline)
    for k, plan in enumerate(timeline):
        noisy = render(plan, random.Random(f"{seed}:{index}:{k}:n"), noise=plan.noise, lang=lang)
        clean = render(plan, random.Random(f"{seed}:{index}:{k}:c")) if plan.noise else noisy
        values_said = tuple(v for _, v in plan.reveals + plan.restate) + \
            (plan.change[1:3] if plan.change else ()) + (plan.temporary[1:3] if plan.temporary else ()) + \
            ((plan.dependency[2],) if plan.dependency else ())
        # The default rendering runs in both styles: restyle draws from the user's main random stream, which the
        # tasks and MCQs below use too, so the natural style keeps the same questions and only changes the text.
        styled = [{**m, "content": P.restyle(m["content"], style, rng, values_said)} if m["role"] == "user" else m
                  for m in clean.conversation]
        if text_style == "natural":
            noisy, clean, styled = _natural_variants(plan, f"{seed}:{index}:{k}", habit, held, lang)
            if clean.story:
                plan = timeline[k] = _with_story(plan, clean.story)
        note = annotation(plan)
        base = {"date": plan.date_text, "task_id": plan.task_id, "task_description": _describe(plan),
                "event_type": plan.kind, "checkpoint": False}
        turns = lambda conv: sum(m["role"] == "user" for m in conv)  # noqa: E731
        dialogs["n"].setdefault(plan.domain.name, []).append(
            {**base, "conversation": noisy.conversation, "preferences": note, "turn_count": turns(noisy.conversation),
             "selected_noise": plan.noise or plan.noise_label})
        for variant, conv in (("c", clean.conversation), ("s", styled)):
            dialogs[variant].setdefault(plan.domain.name, []).append(
                {**base, "conversation": conv, "preferences": note, "turn_count": turns(conv),
                 "selected_noise": 0 if plan.noise else plan.noise_label, "new_preferences": note if plan.noise else ""})
        if plan.change:
            slot, old, new, reason = plan.change
            changes.append({"date": plan.date_text, "domain": plan.domain.name, "slot": slot.name, "old": old,
                            "new": new, "kind": "change", "task_id": plan.task_id, "reason": reason})
        if plan.temporary:
            slot, standing, tmp, occasion = plan.temporary
            changes.append({"date": plan.date_text, "domain": plan.domain.name, "slot": slot.name, "old": standing,
                            "new": tmp, "kind": "temporary", "task_id": plan.task_id, "reason": occasion})
        if noisy.retracted:
            changes.append({"date": plan.date_text, "domain": plan.domain.name, "slot": "", "old": "",
                            "new": noisy.retracted, "kind": "retracted", "task_id": plan.task_id, "variant": "n"})
    events = [_event(p) for p in timeline]
    topics = [d.name for d in DOMAINS]
    if text_style == "natural":
        off = _off_topic_sessions(timeline, random.Random(f"perma-natural-off:{seed}:{index}"), habit)
        events = sorted(events + [e for e, _ in off], key=lambda e: parse_date(e["date"]))
        for variant in dialogs:
            dialogs[variant][OFF_TOPIC] = [d for _, d in off]
        topics.append(OFF_TOPIC)
        stats_extra = {"off_topic_sessions": len(off)}
    else:
        stats_extra = {}
    for variant, name in (("c", "raw_dialogues_c.json"), ("n", "raw_dialogues_n.json"),
                          ("s", "raw_dialogues_style_transformed.json")):
        files[f"tasks/{uid}/{name}"] = [
            {"topic": t, "timeline": [e for e in events if e["relevant_domain"] == t],
             "dialogs": dialogs[variant].get(t, [])} for t in topics]
    files[f"tasks/{uid}/interleaved_timeline.json"] = events
    files[f"tasks/{uid}/preference_changes.json"] = changes
    tasks = make_tasks(rng, DOMAINS, rng.randint(6, 8))
    sd, md = task_files(tasks, rng, city)
    files[f"profile/{uid}/tasks.json"], files[f"profile/{uid}/tasks_md.json"] = sd, md
    files[f"profile/{uid}/profile.json"] = _profile(uid, country, interested, values, rng)
    dates = {d: [p.date for p in ps if p.date] for d, ps in plans_by.items()}
    stale: dict[tuple[str, str], list[str]] = {}
    for c in changes:
        if c["kind"] in ("change", "temporary"):
            stale.setdefault((c["domain"], c["slot"]), []).append(c["new"] if c["kind"] == "temporary" else c["old"])
    flat = {(d, s): v for d, slots in values.items() for s, v in slots.items()}
    stats: Counter[str] = Counter()
    for t in tasks:
        for item in mcq_items(t, rng, dates, timeline[-1].date, flat, stale):  # type: ignore[arg-type]
            files[f"evaluation/{uid}/meta/overall/{item['task_id']}_{item['task_type']}.json"] = item
            stats[f"type{item['task_type']}"] += 1
            stats["MD" if t.multi else "SD"] += 1
            longest, shortest = _gold_extreme(item)
            stats["gold_longest"] += longest
            stats["gold_shortest"] += shortest
    stats.update(sessions=len(timeline), changes=sum(c["kind"] == "change" for c in changes),
                 overrides=sum(c["kind"] == "temporary" for c in changes),
                 messages=sum(len(p["conversation"]) for g in dialogs["c"].values() for p in g))
    for p in timeline:
        stats[f"noise{p.noise}"] += 1
    stats.update(stats_extra)
    return uid, files, dict(stats)


def _values_held(timeline: list[Plan]) -> dict[tuple[str, str], set[str]]:
    """Every value a user ever holds per (domain, slot), one-offs included: never offered as an alternative."""
    held: dict[tuple[str, str], set[str]] = {}
    for p in timeline:
        d = p.domain.name
        pairs = [(s, v) for s, v in p.reveals + p.restate]
        if p.change:
            pairs += [(p.change[0], p.change[1]), (p.change[0], p.change[2])]
        if p.temporary:
            pairs += [(p.temporary[0], p.temporary[1]), (p.temporary[0], p.temporary[2])]
        keyed = [((d, s.name), v) for s, v in pairs]
        if p.dependency:
            keyed.append(((p.dependency[0].name, p.dependency[1].name), p.dependency[2]))
        for key, v in keyed:
            held.setdefault(key, set()).add(v)
    return held


def _natural_variants(plan: Plan, key: str, habit: str, held: dict[tuple[str, str], set[str]],
                      lang: str) -> tuple[Rendered, Rendered, list[dict[str, str]]]:
    """(noisy, clean, styled) of one session in the natural style; ``styled`` retypes the user turns sloppily."""
    avoid = {slot: vals for (d, slot), vals in held.items() if d == plan.domain.name}
    clean = render_natural(plan, random.Random(f"{key}:natural-c"), habit=habit, avoid=avoid)
    noisy = render_natural(plan, random.Random(f"{key}:natural-n"), habit=habit, avoid=avoid, noise=plan.noise,
                           lang=lang) if plan.noise else clean
    for r in (clean, noisy):
        if missing := unsaid(plan, r.conversation):
            msg = f"natural rendering of {plan.task_id} lost annotated values {missing}"
            raise AssertionError(msg)
    styled = rehabit(clean.conversation, "sloppy", random.Random(f"{key}:natural-s"), tuple(annotated_values(plan)))
    return noisy, clean, styled


def _with_story(plan: Plan, story: str) -> Plan:
    """The plan with the change's reason / the one-off's occasion as the natural session told it."""
    if plan.change:
        return replace(plan, change=(*plan.change[:3], story))
    if plan.temporary:
        return replace(plan, temporary=(*plan.temporary[:3], story))
    return plan


def _off_topic_sessions(timeline: list[Plan], rng: random.Random,
                        habit: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """10-16 unrelated sessions at free day parts between the task sessions: (timeline event, dialog) pairs."""
    taken = {p.date for p in timeline if p.date}
    first, last = timeline[0].date, timeline[-1].date
    assert first is not None and last is not None
    free = [first.replace(hour=0) + timedelta(days=d, hours=h) for d in range((last - first).days)
            for _, h in PARTS]
    free = [t for t in free if first < t < last and t not in taken]
    out = []
    for j, when in enumerate(sorted(rng.sample(free, min(len(free), rng.randint(10, 16)))), start=1):
        part = next(name for name, h in PARTS if h == when.hour)
        date_text = f"{when.date().isoformat()} {part}"
        task_id = f"chat_{j}_preference_supplement ({OFF_TOPIC})"
        desc = "[SYNTHETIC] Small talk and an unrelated task; no preference comes up."
        conv = render_off_topic(rng, habit)
        event = {"date": date_text, "event_type": "preference_supplement", "description": desc,
                 "task_goal": "Chat.", "relevant_domain": OFF_TOPIC, "checkpoint": False, "task_id": task_id,
                 "dependencies": "None"}
        dialog = {"date": date_text, "task_id": task_id, "task_description": desc,
                  "event_type": "preference_supplement", "checkpoint": False, "conversation": conv,
                  "preferences": "", "turn_count": sum(m["role"] == "user" for m in conv), "selected_noise": 0,
                  "new_preferences": ""}
        out.append((event, dialog))
    return out


def _gold_extreme(item: dict[str, Any]) -> tuple[bool, bool]:
    """Whether the gold option is strictly the longest / the shortest (the release's gold is longest 94% of the time)."""
    lines = dict(line.split(": ", 1) for line in item["options"].split("\n"))
    gold = len(lines[item["gold_label"]])
    others = [len(v) for k, v in lines.items() if k != item["gold_label"]]
    return gold > max(others), gold < min(others)


def _describe(plan: Plan) -> str:
    what = plan.domain.thing
    if plan.kind == "preference_emergence":
        return f"[SYNTHETIC] The user asks for help with {what} for the first time."
    if plan.change:
        return f"[SYNTHETIC] After a life event ({plan.change[3]}), the user updates a preference about {what}."
    if plan.temporary:
        return f"[SYNTHETIC] The user needs a one-off exception for {what} ({plan.temporary[3]})."
    return f"[SYNTHETIC] The user comes back for help with {what} and adds details."


def _event(plan: Plan) -> dict[str, Any]:
    return {"date": plan.date_text, "event_type": plan.kind, "description": _describe(plan),
            "task_goal": f"Help with {plan.domain.thing}.", "relevant_domain": plan.domain.name, "checkpoint": False,
            "task_id": plan.task_id,
            "dependencies": plan.dependency[0].name if plan.dependency else "None"}


def _profile(uid: str, country: str, interested: set[str], values: dict[str, dict[str, list[str]]],
             rng: random.Random) -> dict[str, Any]:
    slots = {s.name: s for d in DOMAINS for s in d.slots}
    return {
        "affinities": {d: {s: (v if slots[s].multi else v[0]) for s, v in sv.items()} for d, sv in values.items()},
        "demographics": {"user_id": uid, "age": rng.choice(["18-24 years old", "25-34 years old", "35-44 years old",
                                                             "45-54 years old", "55-64 years old"]),
                         "gender": rng.choice(["Female", "Male", "Non-binary"]),
                         "employment_status": rng.choice(["Working full-time", "Working part-time", "Student"]),
                         "education": "[SYNTHETIC]", "marital_status": "[SYNTHETIC]", "english_proficiency": "Fluent",
                         "ethnicity": "Prefer not to say", "religion": "Prefer not to say", "birth_country": country,
                         "reside_country": country},
        "interests": {d.name: int(d.name in interested) for d in DOMAINS},
        "interactions": {d.name: f"[SYNTHETIC] How the user talks to the {d.name.lower()} assistant.\n\n"
                                 "[SYNTHETIC] Details.\n\n[SYNTHETIC] Summary." for d in DOMAINS},
    }


def generate(out: str | Path, users: int, seed: int, style: str = "default") -> dict[str, Any]:
    """Write ``users`` synthetic users under ``out``; returns the totals (also written to ``generation.json``)."""
    root = Path(out)
    totals: Counter[str] = Counter()
    ids = []
    for k in range(users):
        uid, files, stats = build_user(k, seed, style)
        ids.append(uid)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        totals.update(stats)
    questions = totals["SD"] + totals["MD"]
    summary = {"users": users, "seed": seed, **({"style": style} if style != "default" else {}),
               "held_out": [u for u in ids if is_held_out(u)], **dict(totals),
               "questions": questions, "gold_longest_share": totals["gold_longest"] / questions if questions else None,
               "gold_shortest_share": totals["gold_shortest"] / questions if questions else None}
    (root / "generation.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perma.generate", description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--style", default="default", choices=STYLE_NAMES,
                   help="default: the original phrasing (committed results); natural: phrasing written apart from "
                        "memagent's rules, assistant-heavy, implied preferences, off-topic sessions")
    args = p.parse_args(argv)
    summary = generate(args.out, args.users, args.seed, args.style)
    print(json.dumps(summary, indent=1))
    return summary


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
