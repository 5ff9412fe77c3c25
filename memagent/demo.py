"""The offline demo behind ``memagent demo``: a scripted multi-session conversation through the agent loop.

The user moves city, becomes vegetarian, sets a standing instruction, makes a one-off exception, asks the
agent to forget something; each write prints its ops, then the graph, recalls for a few questions, and the
proof that forgotten text is gone from the files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from memagent.agent import MemoryAgent, offline_chat
from memagent.embeddings.base import Embedder
from memagent.memory import Memory
from memagent.types import Op

__all__ = ["SCRIPT", "run_demo"]

USER = "demo-user"
T0 = datetime(2025, 3, 3, 9, 0)

# (day offset, session, message)
SCRIPT: list[tuple[int, str, str]] = [
    (0, "s1", "Hi! My name is Maya and I live in Boston."),
    (0, "s1", "I love steak and I'm a big fan of jazz."),
    (0, "s1", "I'm allergic to peanuts."),
    (0, "s1", "From now on, always keep your answers short, in bullet points."),
    (12, "s2", "Big news: I moved to Seattle last week."),
    (12, "s2", "Also, I'm vegetarian now."),
    (12, "s2", "My favorite cheese is Roquefort."),
    (30, "s3", "Just for tomorrow, wake me up at 5am, I have an early flight."),
    (30, "s3", "Please forget that my favorite cheese is Roquefort."),
    (30, "s3", "Any ideas for dinner tonight?"),
]
QUESTIONS = ["Any ideas for dinner tonight?", "Where do I live?", "What music should I put on?"]
FORGOTTEN_WORD = "Roquefort"


def run_demo(db_dir: Path, embedder: Embedder, echo: Callable[[str], None] = print) -> Memory:
    """Run the script into a memory under ``db_dir``; returns the (open) memory for further inspection."""
    db = db_dir / "demo.db"
    mem = Memory.open(db, embedder=embedder)
    if mem.has_user(USER):
        mem.delete_user(USER)
    agent = MemoryAgent(offline_chat(), mem, budget_tokens=700, history_tokens=150)
    echo(f"memagent demo: database {db}, embedder {embedder.name}, LLM: offline scripted responder\n")
    for day, session, message in SCRIPT:
        reply = agent.chat(USER, message, session_id=session, timestamp=T0 + timedelta(days=day))
        echo(f"[day {day:>2} {session}] user: {message}")
        for op in reply.writes[0].ops:
            target = f" (replaces {op.target_id})" if op.op == Op.SUPERSEDE else ""
            echo(f"    {op.op.value.upper():9} {op.text or op.target_id}{target}")
        echo(f"    agent: {reply.text}")
    g = mem.graph(USER)
    kinds: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        key = data["node_type"] if data["node_type"] == "event" else f"{data['kind']} ({data['status']})"
        kinds[key] = kinds.get(key, 0) + 1
    edge_counts: dict[str, int] = {}
    for _, _, data in g.edges(data=True):
        edge_counts[data["type"]] = edge_counts.get(data["type"], 0) + 1
    echo(f"\nGraph: {g.number_of_nodes()} nodes {dict(sorted(kinds.items()))}")
    echo(f"       {g.number_of_edges()} edges {dict(sorted(edge_counts.items()))}")
    echo("\nCurrent profile:")
    for item in mem.items(USER):
        echo(f"  - [{item.kind.value}] {item.text}")
    for q in QUESTIONS:
        rc = mem.recall(USER, q, budget_tokens=200)
        echo(f"\nRecall for {q!r} ({rc.used_tokens}/{rc.budget_tokens} tokens):")
        for e in rc.entries:
            echo(f"  {e.score:.2f}  [{e.item.kind.value}] {e.item.text}")
    home = next(i for i in mem.items(USER) if i.subject == "home_city")
    echo("\nWhy does memagent think so?\n" + str(mem.explain(USER, home.id)))
    echo(f"\nAs of day 5 the user lived in: {[i.value for i in mem.items(USER, include_inactive=True) if i.subject == 'home_city' and i.valid_at(T0 + timedelta(days=5))]}")
    mem.store.scrub()
    leaks = [p.name for p in db_dir.rglob("*") if p.is_file() and FORGOTTEN_WORD.encode() in p.read_bytes()]
    echo(f"\nForgotten word {FORGOTTEN_WORD!r} still on disk in: {leaks or 'no file'}")
    return mem
