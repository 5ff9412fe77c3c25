"""Real local servers for integration tests and benchmarks: a throwaway PostgreSQL cluster and a chroma server.

    with PostgresServer() as pg, ChromaServer() as chroma:
        mem = Memory.open(pg.url, vector=chroma.url)

Both run on 127.0.0.1 on a free port, from a temporary directory removed on exit. PostgreSQL refuses to run
as root, so under root the cluster belongs to the ``postgres`` system user (``runuser``), in a directory that
user owns. Each raises :class:`ServerUnavailable` (with the reason) when the server cannot be started.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Self

__all__ = ["ChromaServer", "PostgresServer", "ServerUnavailable", "free_port", "postgres_bin"]


class ServerUnavailable(RuntimeError):
    """The server's binaries are missing or it did not come up; the message says which and why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_bin() -> Path | None:
    """The directory of ``initdb`` / ``pg_ctl``: Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _wait(check: Any, timeout: float, what: str, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except OSError as exc:
            if proc is not None and proc.poll() is not None:
                raise ServerUnavailable(f"{what} exited with code {proc.returncode}") from exc
            if time.monotonic() > deadline:
                raise ServerUnavailable(f"{what} did not answer within {timeout:.0f} s: {exc}") from exc
            time.sleep(0.05)


class _Server(ABC):
    """``with Server() as s:`` starts it (cleaning up if the start fails) and stops it on exit."""

    @abstractmethod
    def start(self) -> Self:
        """Start the server and wait until it answers."""

    @abstractmethod
    def stop(self) -> None:
        """Stop the server and remove what it wrote."""

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PostgresServer(_Server):
    """``initdb`` + ``pg_ctl start`` in a temp dir; ``url`` is a superuser DSN (trust auth, localhost only).

    The server runs with ``wal_recycle=off`` so a scrub's WAL switch deletes old segments (see PostgresStore),
    and with fsync off: it is a throwaway test cluster.
    """

    def __init__(self, *, port: int | None = None, settings: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.settings = {"listen_addresses": "127.0.0.1", "wal_recycle": "off", "fsync": "off",
                         "max_connections": "100", **(settings or {})}
        self.root: Path | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "start() first"
        return self.root / "data"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> Self:
        bindir = postgres_bin()
        if bindir is None:
            raise ServerUnavailable("PostgreSQL is not installed (no initdb): apt-get install postgresql")
        self.root = Path(tempfile.mkdtemp(prefix="memagent-pg-"))
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ServerUnavailable("running as root, but there is no 'postgres' user to run the server") from exc
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        init = self._run(str(bindir / "initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", "postgres",
                         "--no-sync")
        if init.returncode:
            raise ServerUnavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
        opts = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        start = self._run(str(bindir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.root / "log"), "-w",
                          "-t", "60", "-o", f"-p {self.port} -k {self.root} {opts}", "start")
        if start.returncode:
            log = (self.root / "log").read_text(errors="replace")[-800:] if (self.root / "log").exists() else ""
            raise ServerUnavailable(f"pg_ctl start failed: {start.stderr.strip()[-500:]} {log}")
        _wait(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=1).close(), 30, "postgres")
        return self

    def stop(self) -> None:
        if self.root is None:
            return
        bindir = postgres_bin()
        if bindir is not None and (self.data_dir / "postmaster.pid").exists():
            self._run(str(bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def create_database(self, name: str) -> str:
        """A new empty database on this server; returns its DSN (tests give each case a clean one)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def files_containing(self, needle: str) -> list[str]:
        """Files of the cluster (tables, indexes, WAL) whose bytes contain ``needle``; the server log is skipped."""
        data = needle.encode()
        return [str(p.relative_to(self.data_dir)) for p in self.data_dir.rglob("*")
                if p.is_file() and data in p.read_bytes()]



class ChromaServer(_Server):
    """``chroma run --path DIR --port N`` in a temp dir; ``url`` is ``chroma://127.0.0.1:N``."""

    def __init__(self, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.root: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"chroma://127.0.0.1:{self.port}"

    def start(self) -> Self:
        chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
        if chroma is None:
            raise ServerUnavailable("the chroma CLI is missing (it is installed with chromadb)")
        self.root = Path(tempfile.mkdtemp(prefix="memagent-chroma-"))
        env = {**os.environ, "HOME": str(self.root), "ANONYMIZED_TELEMETRY": "False"}
        self._proc = subprocess.Popen([chroma, "run", "--path", str(self.root / "data"), "--port", str(self.port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
        _wait(lambda: urllib.request.urlopen(url, timeout=1).close(), 60, "chroma", self._proc)
        return self

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            if self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait(timeout=10)
            self._proc = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

