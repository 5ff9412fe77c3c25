"""The analysts' notebook runs top to bottom in a real Jupyter kernel (nbclient), and the committed copy
carries its outputs (tables and plots), so it reads on GitHub without running it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "explore_preferences.ipynb"
TABLES = ["<th style='text-align:left'>since</th>",  # the current preferences
          "values over time",  # superseded values per subject
          "CIPHER-5 inferred", "latent preference",  # inferred vs latent
          "components (unweighted)"]  # the recall's score breakdown
PLOTS = 4  # timeline, graph, cost curves, score breakdown


def outputs(nb) -> tuple[list[str], int, list[str], list[str]]:
    """(html and text outputs, number of PNG images, stderr texts, error names) of a notebook."""
    texts, pngs, stderr, errors = [], 0, [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                (stderr if out.name == "stderr" else texts).append(out.text)
            elif out.output_type == "error":
                errors.append(f"{out.ename}: {out.evalue}")
            else:
                data = out.get("data", {})
                pngs += "image/png" in data
                texts.append(data.get("text/html", "") + data.get("text/plain", ""))
    return texts, pngs, stderr, errors


def check(nb) -> None:
    texts, pngs, stderr, errors = outputs(nb)
    joined = "\n".join(texts)
    assert not errors and not stderr, (errors, stderr)
    assert pngs >= PLOTS
    for marker in TABLES:
        assert marker in joined, marker
    assert "SUPERSEDE User lives in Seattle" in joined and "(forgotten)" in joined
    assert "<user_memory>" in joined  # the recall's prompt is shown


def test_the_committed_notebook_has_its_outputs():
    check(nbformat.read(NOTEBOOK, as_version=4))


@pytest.mark.integration
def test_the_notebook_executes_in_a_kernel():
    spec = importlib.util.spec_from_file_location("execute_notebook", NOTEBOOKS / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = NOTEBOOK.read_bytes()
    nb = module.execute(NOTEBOOK)  # returns the executed copy; the file is not rewritten
    check(nb)
    assert NOTEBOOK.read_bytes() == before
