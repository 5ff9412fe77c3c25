"""Run every ```python example in docs/*.md, so the documentation stays true to the code.

    python docs/check_examples.py              # all pages
    python docs/check_examples.py concepts     # pages whose name contains "concepts"
    python docs/check_examples.py -v concepts  # also print what each example printed

Each block runs as its own script in a fresh temporary directory (a block defining ``test_`` functions or
``Test`` classes runs under pytest). A block whose first line is
``# (continues the example above)`` runs together with the blocks before it on the same page.
Examples that talk to an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp, OpenAI) are pointed at
``memagent.testing.FakeOpenAIServer``: its localhost URLs are rewritten and ``OPENAI_BASE_URL`` /
``OPENAI_API_KEY`` are set, so nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from memagent.testing import FakeOpenAIServer

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
FENCE = re.compile(r"^([ \t]*)```python[^\n]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)
CONTINUES = "# (continues the example above)"
LOCAL_URLS = ("http://localhost:11434/v1", "http://localhost:8000/v1", "http://localhost:8080/v1")


def fake_reply(messages: list[dict[str, str]]) -> str:
    """Plausible answers for every prompt memagent sends: write plans, CIPHER phrases, instruction picks, chat."""
    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
    last = messages[-1]["content"]
    if '"WritePlan"' in system or "PlannedOp" in system:
        turn = last.split("NEW TURN", 1)[-1].split("\n", 2)[1] if "NEW TURN" in last else last
        if turn.lower().startswith("forget"):
            return json.dumps({"ops": []})
        return json.dumps({"ops": [{"op": "insert", "kind": "fact", "text": f"User said: {turn}"}]})
    if "PreferencePhrase" in system:
        return json.dumps({"preference": "bullet points, concise"})
    if "InstructionSelectionReply" in system:
        return json.dumps({"applicable": [], "overridden": []})
    return "Here is an answer that follows your preferences."


def blocks(page: Path) -> list[tuple[int, str]]:
    """(line number, code) of each runnable unit of a page; continued blocks are joined to their predecessors."""
    text = page.read_text()
    out: list[tuple[int, str]] = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        code = textwrap.dedent(m.group(2)) if m.group(1) else m.group(2)
        if code.startswith(CONTINUES) and out:
            first, earlier = out.pop()
            out.append((first, earlier + "\n" + code))
        else:
            out.append((line, code))
    return out


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    pages = sorted(p for p in DOCS.glob("*.md") if not argv or any(a in p.name for a in argv))
    failures = 0
    total = 0
    with FakeOpenAIServer(reply=fake_reply, embedding_dim=16) as server:
        env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-docs-example",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        for page in pages:
            for line, code in blocks(page):
                total += 1
                for url in LOCAL_URLS:
                    code = code.replace(url, server.base_url)
                with tempfile.TemporaryDirectory(prefix="memagent-docs-") as tmp:
                    start = time.perf_counter()
                    if "\ndef test_" in code or code.startswith("def test_") or "\nclass Test" in code:
                        Path(tmp, "test_docs_example.py").write_text(code)   # a test module: run it with pytest
                        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_docs_example.py"]
                    else:
                        cmd = [sys.executable, "-c", code]
                    proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
                    took = time.perf_counter() - start
                status = "ok" if proc.returncode == 0 else "FAILED"
                print(f"{status:6} {page.name}:{line} ({took:.1f} s)")
                if verbose and proc.returncode == 0:
                    print(proc.stdout)
                if proc.returncode != 0:
                    failures += 1
                    print(proc.stdout[-2000:], proc.stderr[-3000:], sep="\n")
    print(f"{total - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
