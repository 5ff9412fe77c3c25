"""Context tokens against the full history, on a 300-turn conversation, at the gold recall the history gives.

Twenty authored preferences are stated once each, spread through 300 turns of other talk (the perf statements,
which are themselves preferences and habits the user states, so the recall has plenty to choose from), each
user turn answered by an assistant reply of a few sentences (about 80 tokens, as chat models write; the table
gives the full history's token count, so the ratio can be judged). For each preference, a request that needs it but rarely shares its words; the gold
is the memory derived from the turn that stated it. Pasting the whole history finds every gold (recall 1.0)
at its full token count; memagent's recall is run at increasing budgets, and the table gives the smallest budget
whose gold recall is at least 0.95, with the tokens it actually used.
"""

from __future__ import annotations

import random
from typing import Any

from benchmarks.common import progress
from benchmarks.perf.data import statements

ANSWERS = [
    "That sounds like a lovely way to spend your time. It can be very rewarding, especially when you plan a little "
    "ahead. If you like, I can suggest a few places nearby, a schedule that fits your week, and some tips from people "
    "who have done it for years. Just tell me what matters most to you and I will take it into account.",
    "Thanks for sharing that with me! Here are a few thoughts: start small, keep notes on what you enjoyed and what "
    "you did not, and give yourself time to find the right rhythm. Many people find that going with a friend makes "
    "it easier to keep it up. Would you like some concrete options for the coming weekend?",
    "Got it. A good approach is to compare two or three options side by side, look at reviews from people with "
    "similar tastes, and try the one that seems the best fit before committing to anything bigger. I can put "
    "together a short list with prices, opening hours and how to get there if that would help.",
    "Noted, that is useful to know. In general it helps to set aside a regular slot in your calendar, prepare what "
    "you need the evening before, and not be too hard on yourself when plans change. Let me know if you want me to "
    "draft a simple plan for the next month with a few alternatives for busy days.",
]

PAIRS = [
    ("I'm allergic to shellfish, so no shrimp or crab for me.", "What should I cook for my birthday dinner?"),
    ("I only drink decaf coffee these days.", "Recommend a drink for my afternoon break."),
    ("I get motion sick on boats.", "Suggest activities for my trip to the Greek islands."),
    ("I always want an aisle seat when I fly.", "Book me a flight to Berlin next month."),
    ("I prefer to run early in the morning before work.", "Make me a weekly training plan."),
    ("My budget for a new laptop is under 800 dollars.", "Which laptop should I buy?"),
    ("I read only paper books, never e-books.", "Find me a good novel to read."),
    ("I'm learning Portuguese and love practising it.", "Suggest a podcast for my commute."),
    ("I can't have dairy, it makes me ill.", "What dessert should I bring to the party?"),
    ("I hate crowded tourist places.", "Where should I go on vacation in July?"),
    ("I can't stand loud heavy metal music.", "Make me a playlist for a dinner party."),
    ("I don't watch horror films, they give me nightmares.", "Pick a movie for Friday night."),
    ("I have a bad knee, so no jumping exercises.", "Give me a home workout."),
    ("My dog is scared of fireworks and loud noises.", "Plan a weekend outing with my dog."),
    ("I only wear natural fabrics like cotton and linen.", "Help me choose a summer outfit."),
    ("I want ethical investments only, no oil companies.", "How should I invest my savings?"),
    ("I work remotely and dislike meetings before 10am.", "Schedule my team sync for next week."),
    ("I want my next car to be electric.", "Which car should I buy next?"),
    ("My son is seven and obsessed with dinosaurs.", "Gift ideas for my son's birthday."),
    ("I need hotels that accept pets.", "Find a hotel in Madrid for the weekend."),
]
BUDGETS = [200, 300, 400, 600, 800, 1200]


def conversation(n_turns: int, seed: int) -> tuple[list[dict[str, str]], list[int]]:
    """The messages, and the index of the message stating each preference."""
    rng = random.Random(seed)
    n_user = n_turns // 2
    filler = iter(statements(n_user, seed + 1))
    slots = sorted(rng.sample(range(n_user), len(PAIRS)))
    order = rng.sample(range(len(PAIRS)), len(PAIRS))
    msgs: list[dict[str, str]] = []
    gold_at: list[int] = [0] * len(PAIRS)
    planted = dict(zip(slots, order, strict=True))
    for u in range(n_user):
        if u in planted:
            gold_at[planted[u]] = len(msgs)
            msgs.append({"role": "user", "content": PAIRS[planted[u]][0]})
        else:
            msgs.append({"role": "user", "content": next(filler)})
        msgs.append({"role": "assistant", "content": rng.choice(ANSWERS)})
    return msgs, gold_at


def context_tokens(embedder_name: str, n_turns: int, seed: int) -> dict[str, Any]:
    from benchmarks.perf.ingest import make_embedder
    from memagent import Memory
    from memagent.llm.tokens import count_tokens

    msgs, gold_at = conversation(n_turns, seed)
    full = count_tokens("\n".join(f"{m['role']}: {m['content']}" for m in msgs))
    with Memory.open(":memory:", embedder=make_embedder(embedder_name)) as mem:
        results = []
        for start in range(0, len(msgs), 2):  # one exchange per call, as a chatbot writes
            results += mem.add_messages("c", msgs[start : start + 2], session_id="s")
        gold_events = [results[i].event.id for i in gold_at]
        rows = []
        for budget in progress(BUDGETS, desc="context budgets"):
            hits, used = 0, []
            for (_, request), event_id in zip(PAIRS, gold_events, strict=True):
                rc = mem.recall("c", request, budget_tokens=budget, touch=False)
                used.append(rc.used_tokens)
                hits += any(event_id in e.item.source_event_ids for e in rc.entries)
            rows.append({"budget": budget, "gold_recall": round(hits / len(PAIRS), 3),
                         "mean_tokens": round(sum(used) / len(used), 1)})
    best = next((r for r in rows if r["gold_recall"] >= 0.95), None)
    return {"embedder": embedder_name, "turns": len(msgs), "golds": len(PAIRS), "full_history_tokens": full,
            "by_budget": rows, "chosen": best,
            "ratio_to_full": round(best["mean_tokens"] / full, 4) if best else None}
