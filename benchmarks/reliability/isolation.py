"""Users whose ids look alike (or like index keys, SQL, or each other with an invisible character) each hold a
secret word in a memory, a standing instruction and a learnt CIPHER preference. Every view of every user is
searched for the other users' words, and every id-taking call is made with another user's item id."""

from __future__ import annotations

from pathlib import Path

from memagent.testing.forensics import TRICKY_USER_IDS, user_views

PARK = "The city council approved a new park on Monday. The park will have a playground and a pond."
PARK_EDIT = "- City council approved a new park on Monday\n- Park will have a playground and a pond"


def run(data_dir: Path, *, users: int) -> dict:
    """The first ``users`` of ``TRICKY_USER_IDS``; returns cases checked, leaks found and foreign-id answers."""
    from memagent import HashingEmbedder, Memory, NotFoundError
    from memagent.preferences import Cipher

    ids = list(TRICKY_USER_IDS[:users])
    secret = {u: f"Secretword{n}q" for n, u in enumerate(ids)}
    mem = Memory.open(data_dir / "isolation.db", embedder=HashingEmbedder(dim=256))
    cipher = Cipher(mem, task="summarization")
    own_item = {}
    for u in ids:
        own_item[u] = mem.add(u, f"I love {secret[u]} jazz").ops[0].item_id
        mem.add_instruction(u, f"When I book flights, always fly with {secret[u]} airlines")
        cipher.learn(u, f"{PARK} {secret[u]}", PARK, f"{PARK_EDIT} {secret[u]}")
    mem.close()
    mem = Memory.open(data_dir / "isolation.db", embedder=HashingEmbedder(dim=256))  # reopened: nothing cached
    cipher = Cipher(mem, task="summarization")
    cases = 0
    found: list[tuple[str, str, str]] = []
    missing_own = []
    for u in ids:
        evidence = [mem.store.get_event(u, e.event_id).text for e in cipher.infer(u, PARK, k=5).evidence]
        views = {**user_views(mem, u, query="jazz flights airlines park book a flight"), "cipher": str(evidence)}
        others = [s for v, s in secret.items() if v != u]
        if secret[u] not in views["recall"] or secret[u] not in views["cipher"]:  # its own words must be there
            missing_own.append(u)
        cases += len(views) * len(others)  # every view searched for every other user's word
        found += [(u, view, word) for view, text in views.items() for word in others if word in text]
    calls = answered = 0
    for u in ids:
        for v in ids:
            if u == v:
                continue
            for call in (mem.get, mem.explain, mem.history, mem.forget):
                calls += 1
                try:
                    call(u, own_item[v])
                except NotFoundError:
                    continue
                answered += 1
    intact = sum(any(secret[u] in i.text for i in mem.items(u)) for u in ids)
    mem.close()
    return {"users": len(ids), "isolation_cases": cases, "leaks": len(found), "leak_examples": found[:5],
            "foreign_id_calls": calls, "foreign_id_calls_answered": answered,
            "users_missing_own_data": len(missing_own) + (len(ids) - intact)}
