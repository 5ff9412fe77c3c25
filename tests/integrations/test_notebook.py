"""The analysts' notebook runs top to bottom (its code cells are executed in order, plots to a file backend)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explore_preferences.ipynb"


def test_notebook_executes(capsys):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = [c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]
    assert len(cells) >= 6
    namespace: dict = {}
    for n, cell in enumerate(cells):
        exec(compile("".join(cell["source"]), f"{NOTEBOOK.name}[cell {n}]", "exec"), namespace)  # noqa: S102
        plt.close("all")
    out = capsys.readouterr().out
    assert "Seattle" in out and "replaced" in out
    assert "from edit" in out  # CIPHER evidence was printed
    assert namespace["g"].number_of_edges() > 0
