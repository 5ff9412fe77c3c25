"""A tiny synthetic dataset in the PrefEval layout, written for tests and demos.

Only the layout (folder names, JSON field names) is PrefEval's; every sentence below was written for memagent.
The real data (CC BY-NC) is read from ../shared/data/prefeval by path, and
tests/benchmarks/test_prefeval_text_not_in_repo.py fails if any of its sentences appears in a tracked file.
"""

from __future__ import annotations

import json
from pathlib import Path

# topic -> rows: (preference, question, options offered, user's pick, persona turns (gold index 1))
TOPICS: dict[str, list[dict]] = {
    "food_spots": [
        {"preference": "I am strictly vegetarian and never eat meat.",
         "question": "Which restaurants in Lisbon would you suggest for dinner?",
         "options": ["A vegetable curry house", "A steak grill", "A burger joint", "A seafood bar"],
         "pick": "I think the vegetable curry house sounds perfect for me.",
         "persona": ["Hi! I run a small bakery and want new ideas for weekend specials.",
                     "Great ideas. By the way, I never eat meat because I am strictly vegetarian. What breads pair with soup?",
                     "Thanks! How should I price a seasonal loaf?"]},
        {"preference": "I can't stand spicy food.",
         "question": "What dishes should I try on my trip to Bangkok?",
         "options": ["Mild coconut soup", "Fiery chili noodles", "Hot pepper salad", "Spicy green curry"],
         "pick": "I'll take option 1, the mild soup.",
         "persona": ["Hello, I coach a youth football team and need drills.",
                     "Nice. Honestly I can't stand spicy food, so team dinners are tricky. Any drills for passing?",
                     "Cool, what about warm-up routines?"]},
    ],
    "gadgets": [
        {"preference": "I dislike devices with glossy screens because of the glare.",
         "question": "Which tablet should I buy for reading outdoors?",
         "options": ["A matte e-ink tablet", "A glossy OLED tablet", "A mirror-finish laptop", "A shiny phone"],
         "pick": "The matte e-ink tablet would suit me best.",
         "persona": ["Hey! I'm a park ranger planning guided walks.",
                     "Good tips. I dislike glossy screens because the glare outside is awful. How long should walks be?",
                     "Great, and how many people per group?"]},
        {"preference": "I prefer open-source software over proprietary apps.",
         "question": "What note-taking app would you recommend for me?",
         "options": ["An open-source markdown editor", "A paid proprietary suite", "A closed cloud app", "A locked notebook"],
         "pick": "Option 1 sounds more appealing to me.",
         "persona": ["Hi, I teach chemistry at a high school.",
                     "Thanks. I prefer open-source software over proprietary apps for my classes. Any lab safety games?",
                     "Lovely, and ideas for exam review?"]},
    ],
    "pet_care": [
        {"preference": "I have a deep dislike of harsh chemical flea treatments.",
         "question": "How should I protect my dog from fleas this summer?",
         "options": ["Natural herbal collars", "Chemical spot-on drops", "Pesticide shampoo", "Insecticide spray"],
         "pick": "I'd choose the natural herbal collars.",
         "persona": ["Hello! I restore old bicycles as a hobby.",
                     "Nice. I have a real distaste for harsh chemical treatments for my dog. Which chain oil lasts?",
                     "Thanks, and how do I true a wheel?"]},
        {"preference": "I only adopt rescue animals from shelters.",
         "question": "Where should I get a new cat?",
         "options": ["A rescue shelter nearby", "A pet store", "A breeder", "An online seller"],
         "pick": "A rescue shelter nearby is the way to go.",
         "persona": ["Hi! I'm a nurse working night shifts.",
                     "Good advice. I only adopt rescue animals from shelters, it matters to me. How do I sleep by day?",
                     "Thanks, and meal prep ideas for nights?"]},
    ],
}


def write_dataset(root: Path) -> Path:
    """Write the four PrefEval folders for TOPICS under ``root``; returns ``root``."""
    dirs = {"explicit": root / "explicit_preference", "choice": root / "implicit_preference" / "choice-based",
            "persona": root / "implicit_preference" / "persona-driven", "mcq": root / "mcq_options"}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    for topic, rows in TOPICS.items():
        explicit, choice, persona, mcq = [], [], [], []
        for r in rows:
            base = {"preference": r["preference"], "question": r["question"], "explanation": "synthetic"}
            explicit.append(base)
            listed = "A few I would look at:\n" + "\n".join(f"{n}. {o}." for n, o in enumerate(r["options"], 1))
            choice.append({**base, "implicit_query": "Any ideas?", "options": r["options"], "aligned_op": r["options"][0],
                           "conversation": {"query": "Any ideas?", "assistant_options": listed,
                                            "user_selection": r["pick"], "assistant_acknowledgment": "Noted, good pick."}})
            persona.append({**base, "persona": "someone", "conversation": {
                str(i): {"user": u, "assistant": "Here is a short answer to that."} for i, u in enumerate(r["persona"])}})
            mcq.append({**base, "classification_task_options": r["options"]})
        for key, data in (("explicit", explicit), ("choice", choice), ("persona", persona), ("mcq", mcq)):
            (dirs[key] / f"{topic}.json").write_text(json.dumps(data, indent=1))
    return root
