"""``python -m benchmarks.reliability --out results/reliability``

What an attacker or an accident can do to a memory, measured:

- prompt injection: the red-team corpus (memagent/testing/injections.py) through add -> recall -> prompt, with
  the offline extractor and with a write planner that obeys every turn: strings tried, refused, stored as
  quoted data, breakouts of the memory fence, override instructions stored;
- crashes: a writing process killed (SIGKILL at a random moment, or a hard exit between a commit and its index
  update), reopened and checked: every reported write present, forgotten text gone, store and index in line;
- concurrency: threads sharing one ``Memory`` and processes sharing its file: lost writes, errors, current
  values left of a value they all changed;
- isolation: users with look-alike ids, every view searched for the others' words, every id-taking call made
  with another user's item id;
- forgetting: bytes of forgotten text left in the data files after each way of forgetting.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

from benchmarks.common import markdown_table, output_dir, timer, write_results
from benchmarks.reliability import concurrency, crash, forgetting, injection, isolation


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.reliability", description=__doc__.split("\n\n")[0])
    p.add_argument("--kills", type=int, default=20, help="writer processes killed (half SIGKILL, half hard exits)")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--processes", type=int, default=4)
    p.add_argument("--writes", type=int, default=20, help="write rounds per concurrent writer")
    p.add_argument("--users", type=int, default=14, help="users with look-alike ids in the isolation check")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="output folder (default results/reliability; --quick: a temp folder)")
    p.add_argument("--quick", action="store_true", help="4 kills, 3 threads + 2 processes x 4 rounds, 6 users")
    args = p.parse_args(argv)
    args.out = output_dir(args.out, "reliability", quick=args.quick)
    if args.quick:
        args.kills, args.threads, args.processes, args.writes, args.users = 4, 3, 2, 4, 6
    seconds = {}
    with tempfile.TemporaryDirectory() as tmp:
        with timer() as t:
            inj = injection.run(Path(tmp))
        seconds["injection"] = t[0]
        with timer() as t:
            kills = crash.run(Path(tmp), kills=args.kills, seed=args.seed)
        seconds["crash"] = t[0]
        with timer() as t:
            conc = concurrency.run(Path(tmp), threads=args.threads, processes=args.processes, writes=args.writes)
        seconds["concurrency"] = t[0]
        with timer() as t:
            iso = isolation.run(Path(tmp), users=args.users)
        seconds["isolation"] = t[0]
        with timer() as t:
            forget = forgetting.run(quick=args.quick)
        seconds["forgetting"] = t[0]
    command = "python -m benchmarks.reliability " + shlex.join(argv if argv is not None else sys.argv[1:])
    md = _markdown(inj, kills, conc, iso, forget, command)
    data = {"settings": {k: v for k, v in vars(args).items() if k != "out"}, "injection": inj, "crash": kills,
            "concurrency": conc, "isolation": iso, "forgetting": forget,
            "seconds": {k: round(v, 1) for k, v in seconds.items()}}
    write_results(args.out, "reliability", data, md)
    print(md)
    return 0


def _markdown(inj: dict, kills: dict, conc: dict, iso: dict, forget: dict, command: str) -> str:
    rows = [[r["path"], r["strings"], r["refused"], r["stored_as_quoted_data"], r["breakouts"],
             r["override_instructions_stored"], r["add_instruction_accepted"],
             f"{r['benign_instructions_kept']}/{r['benign_instructions']}"] for r in inj["rows"]]
    injection_table = markdown_table(
        ["write path", "strings tried", "refused", "stored as quoted data", "breakouts", "override instructions stored",
         "accepted by add_instruction", "legitimate instructions kept"], rows)
    summary = markdown_table(["check", "result"], [
        ["kills survived (writer killed mid-write, reopened, checked)", f"{kills['kills_survived']} / {kills['kills']}"],
        ["writes checked after the last reopen (re-checked after every kill)",
         f"{kills['writes_checked']} ({kills['write_checks']} checks; {kills['forgets_checked']} forgets)"],
        ["concurrent writers (threads + processes)", f"{conc['concurrent_writers']} ({conc['threads']} + {conc['processes']})"],
        ["concurrent writes stored / made", f"{conc['writes_stored']} / {conc['writes']} (errors: {len(conc['errors'])}, "
                                            f"current home cities: {conc['current_home_cities']})"],
        ["isolation cases (view x other user's word)", f"{iso['isolation_cases']} over {iso['users']} users, "
                                                       f"leaks: {iso['leaks']}"],
        ["foreign item ids answered (get / explain / history / forget)",
         f"{iso['foreign_id_calls_answered']} / {iso['foreign_id_calls']}"],
        ["bytes of forgotten text found in the data files", f"{forget['bytes_found']} over {forget['scenarios']} scenarios"],
    ])
    problems = kills["problems"] + conc["problems"] + conc["errors"]
    tail = "\n".join(f"- problem: {p}" for p in problems) or "No problem found."
    return (f"# reliability: prompt injection, crashes, concurrency, isolation, forgetting\n\n"
            f"## prompt injection ({inj['rows'][0]['strings']} strings; {', '.join(inj['categories'])})\n\n"
            f"{injection_table}\n\n## crashes, concurrency, isolation, forgetting\n\n{summary}\n\n{tail}\n\n`{command}`\n")


if __name__ == "__main__":
    raise SystemExit(main())
