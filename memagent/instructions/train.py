"""Train the instruction parser on tagged instructions and write the JSON artefact; evaluate it on another file.

    python -m memagent.instructions.train --data ../shared/data/nlsi [--out memagent/instructions/data/nlsi_parser.json]

Trains on ``taps_gold_train_instructions.csv`` only (the val file is for evaluation; the silver file covers
val's texts, so it is never used for training). Needs scikit-learn.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from memagent.instructions.model import (
    DEFAULT_MODEL_PATH,
    LinearModel,
    ParserModel,
    domain_features,
    span_features,
    token_features,
    token_gazetteer,
    tokenize,
)
from memagent.instructions.parse import BOOLEAN_SLOTS, InstructionParser, condition_clauses
from memagent.instructions.tags import TaggedInstruction, load_tagged

__all__ = ["ParseScores", "evaluate", "train"]

TRAIN_FILE = "taps_gold_train_instructions.csv"
VAL_FILE = "taps_gold_val_instructions.csv"

ATTRIBUTION = (
    "Trained on instruction texts of NLSI (Moghe et al., NAACL Findings 2024; CC-BY-SA-4.0), tagged by TAPS "
    "(Taktasheva & Dalton, EMNLP 2025; github.com/grill-lab/taps, Apache-2.0). Derived weights: CC-BY-SA-4.0."
)


def _slot_examples(rows: Sequence[TaggedInstruction]) -> tuple[list[dict[str, float]], list[str], dict[str, set[str]]]:
    X, y, seen = [], [], {}
    for r in rows:
        domain = r.domains[0]
        for sp in r.spans:
            if sp.slot in BOOLEAN_SLOTS:
                continue
            X.append(span_features(r.text, sp.start, sp.end, domain))
            y.append(sp.slot)
            seen.setdefault(sp.slot, set()).add(domain)
    return X, y, seen


def train(rows: Sequence[TaggedInstruction], *, source: str = "", c: float = 4.0) -> ParserModel:
    """Fit the domain classifier, value tagger and slot typer on ``rows``.

    Raises:
        MissingDependencyError: scikit-learn is not installed. InvalidInputError: too little data.
    """
    dom_x = [domain_features(r.text) for r in rows]
    dom_y = [r.domains[0] for r in rows]
    tag_x, tag_y = [], []
    for r in rows:
        tokens = tokenize(r.text)
        gaz = token_gazetteer(r.text, tokens)
        boolean = [(s.start, s.end) for s in r.spans if s.slot in BOOLEAN_SLOTS]
        values = [(s.start, s.end) for s in r.spans if s.slot not in BOOLEAN_SLOTS]
        for i, tok in enumerate(tokens):
            if any(a < tok.end and tok.start < b for a, b in boolean):
                continue  # phrased yes/no slots are found by rules, not tagged
            inside = any(a < tok.end and tok.start < b for a, b in values)
            tag_x.append(token_features(tokens, i, gaz))
            tag_y.append("V" if inside else "O")
    slot_x, slot_y, slot_domains = _slot_examples(rows)
    return ParserModel(
        domain=LinearModel.fit(dom_x, dom_y, c=c),
        tagger=LinearModel.fit(tag_x, tag_y, c=c),
        typer=LinearModel.fit(slot_x, slot_y, c=c),
        slot_domains={s: sorted(d) for s, d in sorted(slot_domains.items())},
        info={"trained_on": source, "rows": len(rows), "attribution": ATTRIBUTION},
    )


@dataclass
class ParseScores:
    """How well a parser reads tagged instructions (gold tags compared with its output)."""

    rows: int
    domain_top1: float  # predicted primary domain is one of the tagged domains
    domain_set: float  # predicted domain set equals the tagged set
    multi_domain_recall: float  # multi-domain rows recognised as links
    value_precision: float  # predicted value spans overlapping a tagged value
    value_recall: float
    slot_accuracy: float  # tagged values found whose predicted slot matches the tag
    role_accuracy: float  # condition/action role of found values (gold role from the same clause rule)

    def as_dict(self) -> dict[str, float | int]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def evaluate(parser: InstructionParser, rows: Sequence[TaggedInstruction]) -> ParseScores:
    top1 = dset = multi_hit = multi = 0
    pred_n = pred_ok = gold_n = gold_found = slot_ok = role_ok = 0
    for r in rows:
        p = parser.parse(r.text)
        top1 += p.primary_domain in r.domains
        dset += set(p.domains) == set(r.domains)
        if r.multi_domain:
            multi += 1
            multi_hit += p.is_link
        predicted = p.conditions + p.actions
        clauses = condition_clauses(r.text)
        pred_n += len(predicted)
        pred_ok += sum(any(s.start < v.end and v.start < s.end for s in r.spans) for v in predicted)
        for s in r.spans:
            gold_n += 1
            hit = next((v for v in predicted if s.start < v.end and v.start < s.end), None)
            if hit is None:
                continue
            gold_found += 1
            slot_ok += hit.slot == s.slot
            gold_role = "condition" if any(a <= s.start < b for a, b in clauses) else "action"
            role_ok += hit.role == gold_role
    n = max(1, len(rows))
    return ParseScores(
        rows=len(rows), domain_top1=top1 / n, domain_set=dset / n, multi_domain_recall=multi_hit / max(1, multi),
        value_precision=pred_ok / max(1, pred_n), value_recall=gold_found / max(1, gold_n),
        slot_accuracy=slot_ok / max(1, gold_found), role_accuracy=role_ok / max(1, gold_found),
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nlsi"))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "data" / DEFAULT_MODEL_PATH))
    ap.add_argument("--c", type=float, default=4.0, help="inverse L2 strength of the logistic regressions")
    args = ap.parse_args(argv)
    data = Path(args.data)
    train_path = data / TRAIN_FILE
    rows = load_tagged(train_path)
    digest = hashlib.sha256(train_path.read_bytes()).hexdigest()[:16]
    model = train(rows, source=f"{TRAIN_FILE} sha256:{digest}", c=args.c)
    path = model.save(args.out)
    print(f"trained on {len(rows)} rows -> {path} ({path.stat().st_size / 1024:.0f} KiB)")
    if (data / VAL_FILE).is_file():
        scores = evaluate(InstructionParser(model), load_tagged(data / VAL_FILE))
        print(f"{VAL_FILE}: {scores.as_dict()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
