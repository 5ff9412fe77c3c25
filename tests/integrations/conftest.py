"""Fixtures for tests that start a real server process (uvicorn) on a free localhost port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(r"Uvicorn running on (http://[\d.]+:\d+)")


class Spawned:
    """A server subprocess; ``url`` is where uvicorn says it listens (it picked the port: ``--port 0``)."""

    def __init__(self, args: list[str], env: dict[str, str], timeout: float = 60.0) -> None:
        self.proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.log: list[str] = []
        found = threading.Event()
        self.url = ""

        def read() -> None:  # keep draining stderr, or a chatty server would block on a full pipe
            for line in self.proc.stderr:
                self.log.append(line)
                match = _LISTENING.search(line)
                if match and not found.is_set():
                    self.url = match.group(1)
                    found.set()
            found.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not found.wait(timeout) or not self.url:
            self.stop()
            pytest.fail(f"server did not start: {' '.join(args)}\n{''.join(self.log)}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._reader.join(5)
        self.proc.stderr.close()
        return self.proc.returncode


@pytest.fixture
def spawn() -> Iterator:
    started: list[Spawned] = []

    def start(args: list[str], env: dict[str, str] | None = None) -> Spawned:
        server = Spawned(args, env or {})
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
