"""Execute a notebook with a real Jupyter kernel (nbclient + ipykernel) and, from the command line, save it
with its outputs, so GitHub shows the tables and plots:

    python notebooks/execute.py                              # re-runs explore_preferences.ipynb in place
    python notebooks/execute.py notebooks/other.ipynb

The CI test calls ``execute`` and checks the outputs without writing the file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "explore_preferences.ipynb"


def execute(path: Path = DEFAULT, *, timeout: int = 300) -> nbformat.NotebookNode:
    """The notebook at ``path`` run top to bottom in its own folder; raises nbclient's CellExecutionError
    (naming the cell and the traceback) when a cell fails."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def main(argv: list[str]) -> None:
    path = Path(argv[0]).resolve() if argv else DEFAULT
    nbformat.write(execute(path), path)
    print(f"executed and saved {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
