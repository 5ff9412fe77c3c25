"""``python -m benchmarks.prelude``: CIPHER and baselines in PRELUDE's two environments.

Offline by default (simulated user, offline writer, heuristic CIPHER, authored documents). With
``--llm-model`` the agent, the user and CIPHER's inference/aggregation are LLM calls to an OpenAI-compatible
endpoint with PRELUDE's verbatim prompts.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from benchmarks.common import output_dir, timer, write_results
from benchmarks.prelude.documents import TASKS, load_authored_documents, load_hf_documents
from benchmarks.prelude.encoders import ENCODERS, make_encoder
from benchmarks.prelude.harness import METHODS, RETRIEVING, Setup, run_task
from benchmarks.prelude.interpret import Interpreter
from benchmarks.prelude.report import PAPER, plot_task, summarize, table
from benchmarks.prelude.user import LLMUser, OfflineUser
from benchmarks.prelude.writer import OfflineWriter
from memagent.embeddings.base import Embedder
from memagent.llm import OpenAIChat


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.prelude", description=__doc__.splitlines()[0])
    p.add_argument("--task", choices=[*TASKS, "both"], default="both")
    p.add_argument("--rounds", type=int, default=200)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--methods", nargs="+", default=list(METHODS),
                   help="no-learning, oracle, icl-edit-K, cipher-K (any K)")
    p.add_argument("--out", type=Path, default=None, help="default results/prelude; --quick: a temp folder")
    p.add_argument("--encoders", nargs="+", choices=ENCODERS, default=["minilm", "hybrid"],
                   help="context encoders for the retrieval methods (ICL-edit, CIPHER), each run separately; "
                   "memory items, the writer's interpreter and preference accuracy use minilm (style in --quick)")
    p.add_argument("--icl-imitation", choices=["format", "full"], default="format",
                   help="what the offline writer copies from ICL-edit examples (see writer.py)")
    p.add_argument("--docs", choices=["authored", "hf"], default="authored",
                   help="authored: the CC0 set in benchmarks/prelude/data; hf: PRELUDE's Hugging Face sources")
    p.add_argument("--quick", action="store_true", help="20 rounds, seed 0, no model load: a smoke run for CI")
    p.add_argument("--llm-model", help="run the agent, the user and CIPHER on this OpenAI-compatible model")
    p.add_argument("--llm-base-url")
    p.add_argument("--llm-api-key-env", default="OPENAI_API_KEY")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    args.out = output_dir(args.out, "prelude", quick=args.quick)
    if args.quick:
        args.rounds, args.seeds, args.encoders = 20, [0], ["style"]
    return args


def build_setup(task: str, args: argparse.Namespace, encoder: Embedder, semantic: Embedder, label: str) -> Setup:
    if args.llm_model:  # pragma: no cover - needs an endpoint

        def llm() -> OpenAIChat:
            return OpenAIChat(args.llm_model, base_url=args.llm_base_url, api_key_env=args.llm_api_key_env)

        return Setup(task, LLMUser(llm()), encoder, new_writer=llm, new_learner=llm, semantic=semantic, label=label)
    interpreter = Interpreter(semantic)
    return Setup(task, OfflineUser(), encoder, semantic=semantic, label=label,
                 new_writer=lambda: OfflineWriter(task, interpreter, imitation=args.icl_imitation))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.quick:
        semantic = make_encoder("lexical")  # no model load in the smoke run
    else:
        import torch

        # One short text per call: on a shared 2-core machine one thread is ~5x faster than two contending.
        torch.set_num_threads(1)
        semantic = make_encoder("minilm")
    encoders = {name: make_encoder(name, semantic) for name in args.encoders}
    tasks = list(TASKS) if args.task == "both" else [args.task]
    command = "python -m benchmarks.prelude " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    mode = f"LLM `{args.llm_model}`" if args.llm_model else (
        f"offline (simulated user, offline writer with `{args.icl_imitation}` ICL imitation, heuristic CIPHER)")
    names = {k: v.name for k, v in encoders.items()}
    data: dict[str, object] = {"command": command, "mode": mode, "rounds": args.rounds, "seeds": args.seeds,
                               "encoders": names, "accuracy_encoder": semantic.name, "docs": args.docs, "tasks": {}}
    md = [f"# PRELUDE: CIPHER vs baselines\n\nCommand: `{command}`\n\nMode: {mode}; {args.rounds} rounds x "
          f"{len(args.seeds)} seed(s) {args.seeds}; documents: {args.docs}; context encoders: "
          + ", ".join(f"{k} = `{v}`" for k, v in names.items()) + ".\n"]
    several = len(encoders) > 1
    for task in tasks:
        docs = load_authored_documents(task) if args.docs == "authored" else load_hf_documents(task)
        runs = []
        with timer() as t:
            for n, (name, encoder) in enumerate(encoders.items()):
                methods = [m for m in args.methods if n == 0 or m.startswith(RETRIEVING)]
                setup = build_setup(task, args, encoder, semantic, name if several else "")
                runs += run_task(setup, docs, methods, args.rounds, args.seeds, show_progress=not args.no_progress)
        rows = summarize(runs)
        args.out.mkdir(parents=True, exist_ok=True)
        plot = plot_task(args.out / f"prelude_{task}.png", task, runs)
        data["tasks"][task] = {"summary": rows, "runs": [r.as_dict() for r in runs], "seconds": round(t[0], 1),  # type: ignore[index]
                               "paper": PAPER[task]}
        paper = PAPER[task]
        ratios = ", ".join(f"{m} {v / paper['no-learning']:.2f}" for m, v in paper.items() if m != "no-learning")
        md.append(f"## {task} ({t[0]:.0f} s)\n\n{table(rows)}\n\nPaper (GPT-4 agent and user, its own documents), "
                  f"× no-learning: {ratios}.\n")
        if plot is not None:
            md.append(f"![cumulative cost]({plot.name})\n")
        print(f"\n{task}: {args.rounds} rounds x {len(args.seeds)} seeds, {t[0]:.1f} s")
        print(table(rows))
    json_path, md_path = write_results(args.out, "prelude", data, "\n".join(md))
    print(f"\nwrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
