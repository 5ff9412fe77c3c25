"""The red-team corpus (``memagent.testing.injections``) through add -> recall -> prompt, once with the offline
extractor and once with a write planner that obeys every turn (so the instruction policy alone decides)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from memagent.testing.injections import BENIGN, CORPUS, gullible_planner, probe

PATHS = ("offline extractor", "obeying LLM planner")


def run(data_dir: Path) -> dict:
    from memagent import HashingEmbedder, Memory

    rows = []
    for path in PATHS:
        llm = gullible_planner() if path == PATHS[1] else None
        mem = Memory.open(data_dir / f"injection-{len(rows)}.db", embedder=HashingEmbedder(dim=256), llm=llm)
        outcomes = [probe(mem, f"rt-{c.name}", c) for c in CORPUS + BENIGN]
        mem.close()
        attacks = [o for o in outcomes if o.case.attack]
        verdicts = Counter(o.verdict for o in attacks)
        rows.append({
            "path": path,
            "strings": len(attacks),
            "refused": verdicts["refused"],
            "stored_as_quoted_data": verdicts["quoted data"],
            "breakouts": sum(bool(o.breakouts) for o in attacks),
            "override_instructions_stored": sum(o.instruction_stored for o in attacks),
            "add_instruction_accepted": sum(not o.add_instruction_refused for o in attacks),
            "benign_instructions_kept": sum(o.instruction_stored and not o.add_instruction_refused
                                            for o in outcomes if not o.case.attack),
            "benign_instructions": len(BENIGN),
            "breakout_examples": [(o.case.name, o.breakouts[:2]) for o in attacks if o.breakouts][:5],
            "by_category": {cat: dict(Counter(o.verdict for o in attacks if o.case.category == cat))
                            for cat in sorted({c.category for c in CORPUS})},
        })
    return {"categories": sorted({c.category for c in CORPUS}), "rows": rows}
