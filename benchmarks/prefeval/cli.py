"""Command line of ``python -m benchmarks.prefeval``: parse, build the systems, run, write the report."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.common import markdown_table, output_dir, timer
from benchmarks.prefeval.data import FORMS, load_pairs
from benchmarks.prefeval.embcache import StoredEmbedder
from benchmarks.prefeval.filler import FILLERS, FillerPool, load_original
from benchmarks.prefeval.llm_mode import LLMJudge
from benchmarks.prefeval.report import write_report
from benchmarks.prefeval.runner import RunSettings, plan_fillers, run, summarise, warm_cache
from benchmarks.prefeval.systems import SYSTEMS, make_system
from memagent import Memory, RecallConfig
from memagent.embeddings import CachedEmbedder, Embedder, HashingEmbedder, LocalEmbedder
from memagent.errors import ConfigError
from memagent.llm.base import ChatModel

__all__ = ["execute", "main", "parse_args"]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "prefeval"
QUICK = {"per_topic": 1, "turns": "0,10,30", "embedder": "hashing"}

NOTES = (
    "Each pair is a fresh user: the preference conversation, then N distractor turns (one turn = a user message "
    "and the assistant's reply), then the question. N counts distractor turns only (the paper's '10 turns' is "
    "N=8 plus the preference and question turns).",
    "A hit means an entry of the context came from a gold message (by event id, not by text): explicit = the "
    "user's statement; choice = the user's pick and the assistant's confirmation; persona = the user turn whose "
    "sentence best matches the preference text (word overlap + embedding similarity; ties within 0.05 are gold).",
    "Filler: 'default' = other topics' questions with short generic replies; 'hard' = the same alternating with "
    "other topics' whole persona conversations (competing preferences stated in passing); 'sessions' = only "
    "other topics' whole persona and choice conversations, one session each (a long multi-session history in "
    "PrefEval's own text); 'original' = the LMSYS file passed with --filler.",
    "full_context keeps the newest messages that fit --window tokens; naive_rag = top --rag-k messages by "
    "cosine similarity with the same embedder; bm25_turns / dense_turns = messages ranked by BM25 / cosine and packed "
    "into --budget tokens; none = the question alone (never a hit).",
    "A context hit is necessary, not sufficient: the paper shows models ignore preferences that are in context. "
    "The LLM mode (--model) measures whether answers follow them.",
)


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.prefeval", description=__doc__)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a folder in the PrefEval layout")
    p.add_argument("--forms", default=",".join(FORMS))
    p.add_argument("--turns", default="0,10,100,300", help="distractor turns between preference and question")
    p.add_argument("--systems", default=",".join(SYSTEMS))
    p.add_argument("--filler-modes", default=None, help=f"any of {','.join(FILLERS)} (default: default,hard; "
                   "original when --filler is given)")
    p.add_argument("--filler", type=Path, default=None, help="PrefEval's filtered_inter_turns.json (LMSYS; not shipped)")
    p.add_argument("--budget", type=int, default=512, help="memagent recall budget in tokens")
    p.add_argument("--window", type=int, default=8192, help="full_context window in tokens")
    p.add_argument("--rag-k", type=int, default=5)
    p.add_argument("--limit", type=int, default=None, help="pairs per topic (the same rows in every form)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--topics", default=None, help="only pairs of these topics (comma-separated; the filler is still "
                   "drawn from every topic): tune on some, check on the others")
    p.add_argument("--profile-share", type=float, default=None, help="ablation: memagent RecallConfig.profile_share")
    p.add_argument("--profile-strength", type=float, default=None,
                   help="ablation: memagent RecallConfig.profile_strength")
    p.add_argument("--compact-share", type=float, default=None, help="ablation: memagent RecallConfig.compact_share")
    p.add_argument("--no-soft-domains", action="store_true", help="ablation: memagent RecallConfig.soft_domains=False")
    p.add_argument("--embedder", choices=("local", "hashing"), default=None, help="default: local (hashing with --quick)")
    p.add_argument("--out", type=Path, default=None, help="default results/prefeval; --quick: a temp folder")
    p.add_argument("--embed-cache", type=Path, default=None,
                   help="an .npz keeping vectors between runs (text hashes only), e.g. /tmp/prefeval-vectors.npz")
    p.add_argument("--quick", action="store_true", help=f"CI subset: {QUICK}")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint for the LLM mode")
    p.add_argument("--model", default=None, help="model under test (turns on the LLM mode)")
    p.add_argument("--judge-model", default=None, help="judge model (default: --model)")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY")
    ns = p.parse_args(argv)
    ns.out = output_dir(ns.out, "prefeval", quick=ns.quick)
    if ns.quick:
        ns.limit = ns.limit or QUICK["per_topic"]
        ns.turns = QUICK["turns"]
        ns.embedder = ns.embedder or QUICK["embedder"]
    ns.embedder = ns.embedder or "local"
    return ns


def _embedder(name: str) -> Embedder:
    return LocalEmbedder() if name == "local" else HashingEmbedder()


def _command(argv: Sequence[str] | None) -> str:
    args = list(sys.argv[1:] if argv is None else argv)
    return "python -m benchmarks.prefeval " + " ".join(shlex.quote(a) for a in args)


def execute(ns: argparse.Namespace, *, argv: Sequence[str] | None = None, embedder: Embedder | None = None,
            llm: ChatModel | None = None, judge: ChatModel | None = None) -> dict[str, Any]:
    """Run the benchmark described by ``ns`` and write its report; returns the summary rows and paths.

    ``llm``/``judge`` override the models built from ``--model``/``--judge-model`` (tests pass fakes).

    Raises:
        ConfigError: invalid options or data folder. LLMError: the LLM mode's endpoint failed.
    """
    forms, systems, turns = _csv(ns.forms), _csv(ns.systems), tuple(int(t) for t in _csv(ns.turns))
    modes = _csv(ns.filler_modes) if ns.filler_modes else (("original",) if ns.filler else ("default", "hard"))
    if not turns:
        msg = "--turns needs at least one value"
        raise ConfigError(msg)
    if ns.budget < 64:
        msg = f"--budget must be at least 64 (got {ns.budget})"
        raise ConfigError(msg)
    inner = embedder or _embedder(ns.embedder)
    stored = StoredEmbedder(inner, ns.embed_cache) if ns.embed_cache else None
    shared = CachedEmbedder(stored if stored is not None else inner)
    if llm is None and ns.model:
        from memagent.llm import OpenAIChat

        llm = OpenAIChat(ns.model, base_url=ns.base_url, api_key_env=ns.api_key_env)
        judge = judge or OpenAIChat(ns.judge_model or ns.model, base_url=ns.base_url, api_key_env=ns.api_key_env)
    with timer() as load_s:
        pairs = load_pairs(ns.data, forms, label_embedder=shared, per_topic=ns.limit, seed=ns.seed,
                           only_topics=_csv(ns.topics) if ns.topics else None)
        pool = FillerPool.from_dir(ns.data, original=load_original(ns.filler) if ns.filler else ())
    settings = RunSettings(turns=turns, fillers=modes, seed=ns.seed, show_progress=False if ns.no_progress else None)
    with timer() as warm_s:
        planned = plan_fillers(pairs, pool, settings)
        warmed = warm_cache(shared, pairs, planned)
        if stored is not None:
            stored.save()
    recall_config = RecallConfig()
    if ns.profile_share is not None:
        recall_config.profile_share = ns.profile_share
    if ns.profile_strength is not None:
        recall_config.profile_strength = ns.profile_strength
    if ns.compact_share is not None:
        recall_config.compact_share = ns.compact_share
    if ns.no_soft_domains:
        recall_config.soft_domains = False
    built = [make_system(s, embedder=shared, budget=ns.budget, window=ns.window, rag_k=ns.rag_k,
                         memory_factory=lambda: Memory.open(":memory:", embedder=shared, recall_config=recall_config))
             for s in systems]
    with timer() as run_s:
        records = run(pairs, built, pool, settings, llm=llm, judge=LLMJudge(judge or llm) if llm else None,
                      fillers=planned)
    if stored is not None:
        stored.save()
    rows = summarise(records)
    meta = {
        "data": str(ns.data), "pairs_per_form": len(pairs) // max(1, len(forms)), "limit_per_topic": ns.limit,
        "topics": ns.topics,
        "forms": forms, "fillers": modes, "turns": turns, "budget": ns.budget, "window": ns.window, "rag_k": ns.rag_k,
        "embedder": shared.name, "seed": ns.seed, "profile_share": recall_config.profile_share,
        "compact_share": recall_config.compact_share, "soft_domains": recall_config.soft_domains,
        "profile_strength": recall_config.profile_strength, "load_s": round(load_s[0], 1), "warm_texts": warmed,
        "warm_s": round(warm_s[0], 1), "run_s": round(run_s[0], 1),
    }
    if llm is not None:
        meta["llm"] = llm.name
        meta["llm_usage"] = llm.usage.as_dict()
        meta["judge"] = (judge or llm).name
    command = _command(argv)
    paths = write_report(ns.out, rows, [asdict(r) for r in records], systems=systems, command=command,
                         settings=meta, notes=NOTES)
    return {"summary": rows, "settings": meta, "paths": [str(p) for p in paths if p is not None], "command": command}


def main(argv: Sequence[str] | None = None) -> int:
    ns = parse_args(argv)
    result = execute(ns, argv=argv)
    rows = result["summary"]
    print(result["command"])
    print(markdown_table(["form", "filler", "turns", "system", "n", "hit", "tokens"],
                         [[r["form"], r["filler"], r["turns"], r["system"], r["n"], r["hit_rate"], r["tokens_mean"]]
                          for r in rows]))
    print("wrote " + ", ".join(result["paths"]))
    return 0
