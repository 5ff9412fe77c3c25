"""``python -m memagent`` is the ``memagent`` command (for environments without the script on PATH)."""

from memagent.cli import main

main()
