"""``python -m benchmarks.perma``: the PERMA harness (see :mod:`benchmarks.perma.harness`)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from benchmarks.common import output_dir, write_results
from benchmarks.perma.harness import SPLITS, RunConfig, run
from benchmarks.perma.report import markdown, plots
from benchmarks.perma.systems import SYSTEMS
from memagent.embeddings import Embedder, HashingEmbedder, LocalEmbedder
from memagent.errors import ConfigError

DEFAULT_DATA = "/work/shared/data/perma/synthetic_example"


def _csv(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perma", description=__doc__)
    p.add_argument("--data", default=DEFAULT_DATA, help="a PERMA-layout directory (real release or generated)")
    p.add_argument("--variant", default="c", choices=["c", "n", "s"], help="clean, noisy or style-transferred dialogues")
    p.add_argument("--budget", type=int, default=1000, help="headline context budget in tokens")
    p.add_argument("--budgets", default="250,500,1000,2000", help="budgets for the recall-vs-budget curve")
    p.add_argument("--systems", default="memagent,bm25_turns,dense_turns,recency,full_history",
                   help=f"comma-separated, from {', '.join(SYSTEMS)}")
    p.add_argument("--split", default="all", choices=SPLITS, help="held-out rule: sha256(user_id) %% 5 == 0")
    p.add_argument("--users", default="", help="comma-separated user ids (default: all)")
    p.add_argument("--max-users", type=int, default=None)
    p.add_argument("--embedder", default="local", choices=["local", "hashing"])
    p.add_argument("--as-of", action="store_true", help="write the whole timeline, then recall(as_of=question date)")
    p.add_argument("--base-url", default=None, help="LLM mode: an OpenAI-compatible endpoint for MCQ answers")
    p.add_argument("--model", default=None, help="LLM mode: the model name")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY")
    p.add_argument("--llm-systems", default="", help="systems whose context is sent to the LLM (default: all)")
    p.add_argument("--quick", action="store_true", help="CI mode: 2 users, 8 questions each, hashing embedder")
    p.add_argument("--out", default=None, help="output directory (default results/perma; --quick: a temp folder)")
    p.add_argument("--name", default="perma", help="output file stem")
    p.add_argument("--records", default="full", choices=["full", "headline", "none"],
                   help="per-question records in the JSON: every budget, the headline budget only, or none")
    return p.parse_args(argv)


def _embedder(name: str) -> Embedder:
    if name == "hashing":
        return HashingEmbedder()
    # One intra-op thread: on a shared 2-core machine, torch's default spin-waiting threads made each
    # single-sentence embedding 0.47 s instead of 0.04 s (measured under load average ~7).
    return LocalEmbedder(threads=1)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Raises ConfigError for a bad budget or an incomplete LLM setting."""
    budgets = tuple(int(b) for b in _csv(args.budgets))
    if args.budget < 64 or any(b < 64 for b in budgets):
        msg = "budgets must be at least 64 tokens"
        raise ConfigError(msg)
    llm = None
    if args.model or args.base_url:
        if not args.model:
            msg = "LLM mode needs --model (and --base-url for a non-OpenAI endpoint)"
            raise ConfigError(msg)
        from memagent.llm import OpenAIChat

        llm = OpenAIChat(args.model, base_url=args.base_url, api_key_env=args.api_key_env)
    quick = args.quick
    return RunConfig(
        data=Path(args.data), embedder=_embedder("hashing" if quick else args.embedder), variant=args.variant,
        budget=args.budget, budgets=budgets, systems=_csv(args.systems), split=args.split,
        max_users=2 if quick and args.max_users is None else args.max_users, users=_csv(args.users),
        as_of=args.as_of, llm=llm, llm_systems=_csv(args.llm_systems), max_questions=8 if quick else None,
    )


def _records(records: list[dict], mode: str, budget: int) -> list[dict]:
    """Large runs keep the JSON small: the headline budget only, or no per-question records at all."""
    if mode == "full":
        return records
    if mode == "none":
        return []
    return [{**r, "systems": {n: {**s, "budgets": {budget: s["budgets"][budget]}} for n, s in r["systems"].items()}}
            for r in records]


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    cfg = config_from_args(args)
    result = run(cfg)
    command = "python -m benchmarks.perma " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    out = output_dir(args.out, "perma", quick=args.quick)
    md = markdown(result, command=command, title=f"PERMA harness: {Path(args.data).name} ({args.variant})",
                  budget=cfg.budget)
    data = {"config": {k: str(v) for k, v in vars(args).items()}, "summary": result["summary"],
            "users": result["users"], "ingest": result["ingest"],
            "records": _records(result["records"], args.records, cfg.budget)}
    json_path, md_path = write_results(out, args.name, data, md)
    made = plots(result, out, prefix=args.name)
    print(md)
    print(f"\nwrote {json_path}, {md_path}" + "".join(f", {p}" for p in made), file=sys.stderr)
    return result


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
