"""Standing-instruction selection by reasoning type, on NLSI-style episodes built from tagged instructions.

    python -m benchmarks.nlsi --data ../shared/data/nlsi --out results/nlsi [--quick] [--embedder local|hashing]
    (+ --llm-model M [--llm-base-url URL] to add the one-call LLM strategy)

1. Parsing: the shipped parser (trained on the *train* file) is scored on the gold *val* tags.
2. Episodes: built from the val file (:mod:`benchmarks.nlsi.episodes`); every profile is written through
   ``Memory.add_instruction`` (so supersession is part of what is measured), then each strategy selects.
3. Thresholds of dense / BM25 / hybrid are tuned on episodes built from the *train* file, never on val.
Outputs ``<out>/nlsi.json``, ``<out>/nlsi.md`` and ``<out>/nlsi_exact_by_size.png``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import markdown_table, output_dir, plot_lines, progress, timer, write_results
from benchmarks.nlsi.episodes import REASONING_TYPES, Episode, Pool, build_episodes
from memagent import HashingEmbedder, LocalEmbedder, Memory
from memagent.instructions import InstructionParser, InstructionRetriever, RetrieverConfig
from memagent.instructions.tags import load_tagged
from memagent.instructions.train import TRAIN_FILE, VAL_FILE, evaluate
from memagent.llm.base import ChatModel

__all__ = ["main", "run"]

OFFLINE = ("dense", "bm25", "hybrid", "multipass")
THRESHOLDS = {"dense": "dense_threshold", "bm25": "bm25_threshold", "hybrid": "hybrid_threshold"}
PAPER_BEST = 0.447  # NLSI paper: best end-to-end API exact match (GPT-4, multi-pass), not a selection score
_T0 = datetime(2024, 1, 1, tzinfo=UTC)


def default_data_dir() -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nlsi"


def write_profiles(memory: Memory, episodes: Sequence[Episode], prefix: str) -> list[dict[int, str]]:
    """Write each episode's profile for user ``<prefix><episode id>``; map profile index -> memory item id."""
    memory.embed(sorted({ins.text for ep in episodes for ins in ep.profile}))  # one batch, then cached
    maps = []
    for ep in progress(episodes, desc=f"writing {prefix} profiles"):
        ids: dict[int, str] = {}
        for n, ins in enumerate(ep.profile):
            res = memory.add_instruction(prefix + ep.id, ins.text, timestamp=_T0 + timedelta(days=n))
            op = next(o for o in res.ops if o.item_id or o.target_id)
            ids[n] = op.item_id or op.target_id  # type: ignore[assignment]
        maps.append(ids)
    return maps


def _score(pred: set[str], gold: set[str]) -> tuple[float, float, bool]:
    hit = len(pred & gold)
    return (hit / len(pred) if pred else 1.0), (hit / len(gold) if gold else 1.0), pred == gold


def evaluate_strategy(retriever: InstructionRetriever, episodes: Sequence[Episode], maps: Sequence[dict[int, str]],
                      prefix: str) -> list[dict[str, Any]]:
    """One record per episode: precision, recall, exact set match, losers reported, latency."""
    out = []
    for ep, ids in zip(episodes, maps, strict=True):
        with timer() as t:
            sel = retriever.select(prefix + ep.id, ep.request)
        gold = {ids[i] for i in ep.gold}
        losers = {ids[i] for i in ep.losers}
        p, r, exact = _score(set(sel.ids()), gold)
        reported = {o.item.id for o in sel.overridden}
        out.append({"id": ep.id, "type": ep.type, "subkind": ep.subkind, "size": len(ep.profile), "precision": p,
                    "recall": r, "exact": exact, "losers": len(losers), "losers_reported": len(losers & reported),
                    "ms": t[0] * 1000, "request": ep.request, "gold": sorted(ep.profile[i].text for i in ep.gold),
                    "predicted": sel.texts()})
    return out


def calibrate(retriever: InstructionRetriever, episodes: Sequence[Episode], maps: Sequence[dict[int, str]],
              prefix: str) -> dict[str, float]:
    """Per similarity strategy, the threshold with the best overall exact set match on these episodes."""
    best: dict[str, float] = {}
    for strategy, field in THRESHOLDS.items():
        everything = retriever.with_strategy(strategy, **{field: -1e9, "top_k": 10_000})  # type: ignore[arg-type]
        scored = []
        for ep, ids in zip(episodes, maps, strict=True):
            sel = everything.select(prefix + ep.id, ep.request)
            scored.append(([(s.item.id, s.score) for s in sel.selected], {ids[i] for i in ep.gold}))
        grid = sorted({round(s, 3) for sc, _ in scored for _, s in sc})
        grid = grid[:: max(1, len(grid) // 400)] + [max(grid, default=0.0) + 1.0]

        def exact_at(th: float, scored: list = scored) -> float:
            return statistics.mean(({i for i, s in sc if s >= th} == gold) for sc, gold in scored)

        best[strategy] = max(grid, key=exact_at) if grid else getattr(RetrieverConfig(), field)
    return best


def summarize(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for kind in (*REASONING_TYPES, "overall"):
        rows = [r for r in records if kind in ("overall", r["type"])]
        if not rows:
            continue
        losers = sum(r["losers"] for r in rows)
        table[kind] = {"n": len(rows), "exact": statistics.mean(r["exact"] for r in rows),
                       "precision": statistics.mean(r["precision"] for r in rows),
                       "recall": statistics.mean(r["recall"] for r in rows),
                       "losers_reported": (sum(r["losers_reported"] for r in rows) / losers) if losers else float("nan"),
                       "ms_p50": statistics.median(r["ms"] for r in rows)}
    return table


def run(data: Path, out: Path, *, per_type: int, calib_per_type: int, seed: int, embedder_name: str,
        llm: ChatModel | None = None, command: str = "", train_file: str = TRAIN_FILE,
        eval_file: str = VAL_FILE) -> dict[str, Any]:
    """The whole benchmark; returns the JSON-ready results (also written to ``out``).

    Raises:
        NotFoundError: the data directory lacks the train or val file.
    """
    embedder = LocalEmbedder() if embedder_name == "local" else HashingEmbedder()
    train_rows, val_rows = load_tagged(data / train_file), load_tagged(data / eval_file)
    parser = InstructionParser()
    parse_scores = evaluate(parser, val_rows)
    print(f"parsing ({eval_file}): " + ", ".join(f"{k} {v:.3f}" for k, v in parse_scores.as_dict().items() if k != "rows"))
    calib_eps = build_episodes(Pool.build(train_rows), calib_per_type, seed=seed)
    eval_eps = build_episodes(Pool.build(val_rows), per_type, seed=seed)
    with Memory.open(":memory:", embedder=embedder) as memory, timer() as elapsed:
        base = InstructionRetriever(memory, "multipass", parser=parser, llm=llm)
        calib_maps = write_profiles(memory, calib_eps, "calib-")
        thresholds = calibrate(base, calib_eps, calib_maps, "calib-")
        print("thresholds tuned on train-built episodes: " + ", ".join(f"{k} {v:.3f}" for k, v in thresholds.items()))
        eval_maps = write_profiles(memory, eval_eps, "eval-")
        strategies = [*OFFLINE, *(["llm"] if llm is not None else [])]
        records: dict[str, list[dict[str, Any]]] = {}
        for strategy in strategies:
            extra = {THRESHOLDS[strategy]: thresholds[strategy]} if strategy in THRESHOLDS else {}
            retriever = base.with_strategy(strategy, **extra)  # type: ignore[arg-type]
            records[strategy] = evaluate_strategy(retriever, eval_eps, eval_maps, "eval-")
    summary = {s: summarize(r) for s, r in records.items()}
    results = {
        "data": str(data), "train_file": train_file, "eval_file": eval_file, "seed": seed, "embedder": embedder.name, "per_type": per_type,
        "episodes": {t: sum(1 for e in eval_eps if e.type == t) for t in REASONING_TYPES},
        "subkinds": _subkinds(eval_eps), "calibration_episodes": len(calib_eps), "thresholds": thresholds,
        "parsing": parse_scores.as_dict(), "summary": summary, "seconds": round(elapsed[0], 1),
        "llm_usage": llm.usage.as_dict() if llm is not None else None, "paper_best_api_exact_match": PAPER_BEST,
        "by_subkind": {s: _by_subkind(recs) for s, recs in records.items()},
        "failures": {s: [r for r in recs if not r["exact"]][:20] for s, recs in records.items()},
    }
    md = report(results, command)
    write_results(out, "nlsi", results, md)
    _plot(out, records)
    print(md)
    return results


def _by_subkind(records: Sequence[dict[str, Any]]) -> dict[str, float]:
    kinds = sorted({f"{r['type']}/{r['subkind']}" for r in records})
    return {k: statistics.mean(r["exact"] for r in records if f"{r['type']}/{r['subkind']}" == k) for k in kinds}


def _subkinds(episodes: Sequence[Episode]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in episodes:
        counts[f"{e.type}/{e.subkind}"] = counts.get(f"{e.type}/{e.subkind}", 0) + 1
    return counts


def _plot(out: Path, records: dict[str, list[dict[str, Any]]]) -> None:
    buckets = [(5, 8), (9, 12), (13, 16), (17, 20)]
    series = {}
    for strategy, recs in records.items():
        xs, ys = [], []
        for lo, hi in buckets:
            rows = [r["exact"] for r in recs if lo <= r["size"] <= hi]
            if rows:
                xs.append((lo + hi) / 2)
                ys.append(statistics.mean(rows))
        series[strategy] = (xs, ys)
    plot_lines(out / "nlsi_exact_by_size.png", series, title="NLSI-style selection: exact set match by profile size",
               xlabel="instructions in the profile", ylabel="exact set match")


def report(results: dict[str, Any], command: str) -> str:
    summary = results["summary"]
    strategies = list(summary)
    types = [t for t in (*REASONING_TYPES, "overall") if t in summary[strategies[0]]]
    exact = markdown_table(["reasoning type", "episodes", *strategies],
                           [[t, int(summary[strategies[0]][t]["n"]), *(summary[s][t]["exact"] for s in strategies)] for t in types])
    pr = markdown_table(["strategy", "precision", "recall", "exact", "Conflict losers reported", "p50 ms"],
                        [[s, summary[s]["overall"]["precision"], summary[s]["overall"]["recall"], summary[s]["overall"]["exact"],
                          summary[s].get("Conflict", {}).get("losers_reported", float("nan")), summary[s]["overall"]["ms_p50"]]
                         for s in strategies])
    per_type_pr = markdown_table(["reasoning type", *[f"{s} P / R" for s in strategies]],
                                 [[t, *(f"{summary[s][t]['precision']:.3f} / {summary[s][t]['recall']:.3f}" for s in strategies)]
                                  for t in types])
    parse = markdown_table(["metric", "value"], [[k, v] for k, v in results["parsing"].items()])
    kinds = sorted(results["subkinds"])
    by_kind = markdown_table(["type / kind", "episodes", *strategies],
                             [[k, results["subkinds"][k], *(results["by_subkind"][s].get(k, float("nan")) for s in strategies)]
                              for k in kinds])
    llm_note = ("" if "llm" in strategies else "The one-call LLM strategy was not run (no endpoint here); add it with "
                "`--llm-model M [--llm-base-url URL]`.")
    return f"""# NLSI-style standing-instruction selection

Command: `{command}`

Embedder: `{results['embedder']}`; seed {results['seed']}; {results['calibration_episodes']} calibration episodes
(built from `{results['train_file']}`) set the thresholds {', '.join(f'{k} {v:.3f}' for k, v in results['thresholds'].items())};
evaluation episodes are built from `{results['eval_file']}`. Run time {results['seconds']} s.

## Exact set match of the selected instructions, by reasoning type

{exact}

The NLSI paper's best end-to-end score is {PAPER_BEST:.1%} API exact match (GPT-4, on real SGD dialogues).
These are **selection** scores on **synthetic episodes** (see below): not the same task, not comparable numbers.

{llm_note}

## Exact set match by kind of episode

{by_kind}

## Precision / recall (mean per episode; an empty selection has precision 1)

{pr}

{per_type_pr}

## Parsing `{results['eval_file']}` (the shipped parser was trained on the gold train file only)

{parse}

`domain_top1`: the predicted service is one of the tagged intents; `value_*`: predicted value spans against tagged
ones (overlap); `slot_accuracy`: slot name of the values found; `role_accuracy` compares condition/action roles with
roles derived by the same clause rule from the gold spans, so it only checks span placement, not the rule itself.

## What the episodes are

Instruction texts and their domains/slots are real (tagged NLSI instructions); requests are generated from
templates stating slot values (never instruction text); profiles mix instructions of several NLSI users (5-20 per
profile). MultiHop chains substitute the first instruction's value to meet the second one's condition;
MultiPreference adds an additive marker ("also", "as well") to a second real instruction on the same slot;
Conflict mixes request overrides, newer-instruction-wins (written through memagent's supersession) and
more-specific-wins. Gold sets come from one reference rule set over the gold tags (so tag noise in the val file,
e.g. "Request Thriller Movies." tagged as Media, counts against every strategy).

Data: instruction texts from NLSI (Moghe et al., NAACL Findings 2024; CC-BY-SA-4.0) with TAPS tags (Taktasheva &
Dalton, EMNLP 2025; Apache-2.0). The failure examples in `nlsi.json` quote them and are CC-BY-SA-4.0.
"""


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.nlsi", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=default_data_dir(), help="directory with the tagged CSV files")
    ap.add_argument("--out", type=Path, default=None, help="default results/nlsi; --quick: a temp folder")
    ap.add_argument("--per-type", type=int, default=100, help="evaluation episodes per reasoning type")
    ap.add_argument("--calib-per-type", type=int, default=60, help="calibration episodes per type (train file)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--train-file", default=TRAIN_FILE, help="tagged CSV in --data for calibration episodes")
    ap.add_argument("--eval-file", default=VAL_FILE, help="tagged CSV in --data for parsing scores and evaluation episodes")
    ap.add_argument("--embedder", choices=("local", "hashing"), default="local")
    ap.add_argument("--quick", action="store_true", help="8 episodes per type, hashing embedder: a smoke run")
    ap.add_argument("--llm-model", help="add the one-call LLM strategy with this model (OpenAI-compatible endpoint)")
    ap.add_argument("--llm-base-url", default=None)
    ap.add_argument("--llm-api-key-env", default="OPENAI_API_KEY")
    args = ap.parse_args(argv)
    if args.quick:
        args.per_type, args.calib_per_type, args.embedder = 8, 8, "hashing"
    llm = None
    if args.llm_model:
        from memagent.llm import OpenAIChat

        llm = OpenAIChat(args.llm_model, base_url=args.llm_base_url, api_key=os.environ.get(args.llm_api_key_env))
    command = "python -m benchmarks.nlsi " + " ".join(sys.argv[1:] if argv is None else argv)
    run(args.data, output_dir(args.out, "nlsi", quick=args.quick), per_type=args.per_type, calib_per_type=args.calib_per_type, seed=args.seed,
        embedder_name=args.embedder, llm=llm, command=command, train_file=args.train_file, eval_file=args.eval_file)
    return 0
