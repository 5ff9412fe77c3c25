"""The ``memagent`` command: demo, chat, inspect, forget, delete-user, export, import, bench, serve, mcp."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from memagent._version import __version__

app = typer.Typer(help="memagent: personalized long-term memory for chatbots, fully offline.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)

DbOpt = Annotated[Path, typer.Option("--db", help="database file (created if missing)")]
UserOpt = Annotated[str, typer.Option("--user", "-u", help="user id")]
EmbedderOpt = Annotated[str, typer.Option("--embedder", help="auto (the one the database was indexed with, else local "
                                                          "when installed), local (all-MiniLM-L6-v2) or hashing")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"memagent {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="show the version")] = False,
) -> None:
    """memagent: personalized long-term memory for chatbots, fully offline."""


def _recorded_embedder(db: Path) -> Any | None:
    """The embedder an existing database was indexed with, when memagent can rebuild it without options."""
    import sqlite3

    from memagent.embeddings import HashingEmbedder, LocalEmbedder, local_embedder_available

    vectors = Path(str(db) + ".vectors") if db.suffix else db / "memagent.db.vectors"
    if not vectors.is_file():
        return None
    with contextlib.closing(sqlite3.connect(f"file:{vectors}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'embedder'").fetchone()
    name = row[0] if row else ""
    if name.startswith("memagent-hashing-v1-"):
        return HashingEmbedder(dim=int(name.rsplit("-", 1)[1]))
    if name == "sentence-transformers/all-MiniLM-L6-v2" and local_embedder_available():
        return LocalEmbedder()
    return None


def _embedder(name: str, db: Path | None = None) -> Any:
    from memagent.embeddings import HashingEmbedder, LocalEmbedder, default_embedder, local_embedder_available

    if name == "auto":
        recorded = _recorded_embedder(db) if db is not None else None
        return recorded if recorded is not None else default_embedder()
    if name == "local":
        return LocalEmbedder() if local_embedder_available() else default_embedder()
    if name == "hashing":
        return HashingEmbedder()
    raise typer.BadParameter(f"unknown embedder {name!r}: use auto, local or hashing")


def _friendly(command: Callable[..., None]) -> Callable[..., None]:
    """memagent errors end the command with their message and exit code 2, not a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        from memagent.errors import MemagentError

        try:
            command(*args, **kwargs)
        except MemagentError as exc:
            typer.secho(f"error: {exc}", fg="red", err=True)
            raise typer.Exit(2) from exc

    return run


def _open(db: Path, embedder: str) -> Any:
    from memagent import Memory
    from memagent.errors import MemagentError

    try:
        return Memory.open(db, embedder=_embedder(embedder, db))
    except MemagentError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc


@app.command()
@_friendly
def demo(
    db_dir: Annotated[Path | None, typer.Option("--dir", help="where to keep the demo database (default: a temp dir)")] = None,
    embedder: EmbedderOpt = "auto",
) -> None:
    """Run a scripted multi-session conversation offline and show every op, the graph and recalls."""
    from memagent.demo import run_demo

    target = db_dir or Path(tempfile.mkdtemp(prefix="memagent-demo-"))
    target.mkdir(parents=True, exist_ok=True)
    mem = run_demo(target, _embedder(embedder), echo=typer.echo)
    mem.close()
    typer.echo(f"\nInspect it again with: memagent inspect --db {target / 'demo.db'} --user demo-user")


@app.command()
@_friendly
def chat(
    db: DbOpt,
    user: UserOpt,
    session: Annotated[str, typer.Option(help="session id")] = "cli",
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1")] = None,
    model: Annotated[str | None, typer.Option(help="model name at the endpoint")] = None,
    embedder: EmbedderOpt = "auto",
) -> None:
    """Talk to the agent in the terminal (offline responder unless --model is given). Ctrl-D to quit."""
    from memagent.agent import MemoryAgent, offline_chat
    from memagent.llm import OpenAIChat

    mem = _open(db, embedder)
    llm = OpenAIChat(model, base_url=base_url) if model else offline_chat()
    agent = MemoryAgent(llm, mem)
    typer.echo(f"memagent chat as {user!r} (LLM: {llm.name}); Ctrl-D to quit")
    while True:
        try:
            message = input("you> ")
        except EOFError:
            break
        if message.strip():
            reply = agent.chat(user, message, session_id=session)
            for op in reply.writes[0].ops if reply.writes else []:
                typer.secho(f"   [{op.op.value}] {op.text or op.target_id}", fg="cyan")
            typer.echo(f"agent> {reply.text}")
    mem.close()


@app.command()
@_friendly
def inspect(db: DbOpt, user: UserOpt, embedder: EmbedderOpt = "auto",
            history: Annotated[bool, typer.Option(help="also print the op history")] = True) -> None:
    """Show a user's current memories, history and graph stats."""
    mem = _open(db, embedder)
    if not mem.has_user(user):
        typer.secho(f"error: unknown user {user!r}; users: {', '.join(mem.users()) or 'none'}", fg="red", err=True)
        raise typer.Exit(2)
    items = mem.items(user, include_inactive=True)
    typer.echo(f"user {user}: {sum(i.is_current for i in items)} current memories, {len(items)} in all")
    for item in items:
        mark = "*" if item.is_current else " "
        typer.echo(f" {mark} {item.id} [{item.kind.value}/{item.status}] {item.text}")
    if history:
        typer.echo("\nhistory:")
        for h in mem.history(user):
            typer.echo(f"  {h.at:%Y-%m-%d %H:%M} {h.op.value:10} {h.item_id or '-'} {h.text or ''}")
    g = mem.graph(user)
    typer.echo(f"\ngraph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    mem.close()


@app.command()
@_friendly
def forget(db: DbOpt, user: UserOpt,
           item: Annotated[str | None, typer.Option("--id", help="memory id to forget")] = None,
           query: Annotated[str | None, typer.Option(help="forget every memory matching this text")] = None,
           embedder: EmbedderOpt = "auto") -> None:
    """Remove memories for good (text, history, index, caches)."""
    mem = _open(db, embedder)
    gone = mem.forget(user, item, query=query)
    typer.echo(f"forgot {len(gone)} memories: {', '.join(gone) or '-'}")
    mem.close()


@app.command("delete-user")
@_friendly
def delete_user(db: DbOpt, user: UserOpt, embedder: EmbedderOpt = "auto",
                yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False) -> None:
    """Delete everything stored about a user."""
    if not yes:
        typer.confirm(f"Delete all memory of {user!r}?", abort=True)
    mem = _open(db, embedder)
    mem.delete_user(user)
    typer.echo(f"deleted {user}")
    mem.close()


@app.command()
@_friendly
def export(db: DbOpt, user: UserOpt, out: Annotated[Path | None, typer.Option(help="file (default: stdout)")] = None,
           embedder: EmbedderOpt = "auto") -> None:
    """Export a user as JSON."""
    mem = _open(db, embedder)
    data = json.dumps(mem.export(user), indent=2)
    if out:
        out.write_text(data)
    else:
        typer.echo(data)
    mem.close()


@app.command("import")
@_friendly
def import_(file: Path, db: DbOpt, user: Annotated[str | None, typer.Option(help="import as this user id")] = None,
            embedder: EmbedderOpt = "auto") -> None:
    """Import a user exported with `memagent export`."""
    mem = _open(db, embedder)
    typer.echo(f"imported {mem.import_(json.loads(file.read_text()), user_id=user)}")
    mem.close()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def bench(ctx: typer.Context, name: Annotated[str, typer.Argument(help="perf, prefeval, perma, nlsi or prelude")]) -> None:
    """Run a benchmark from a source checkout: `memagent bench prefeval --quick` = `python -m benchmarks.prefeval --quick`."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "benchmarks" / name).exists():
        typer.secho(f"error: no benchmark {name!r} under {root / 'benchmarks'} (benchmarks ship with the source "
                    "checkout, not the wheel)", fg="red", err=True)
        raise typer.Exit(2)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    raise typer.Exit(subprocess.call([sys.executable, "-m", f"benchmarks.{name}", *ctx.args], cwd=root, env=env))

def _open_location(db: str, embedder: str) -> Any:
    """A memory at a path (the recorded embedder is reused) or a URL ``Memory.open`` understands."""
    if "://" not in db:
        return _open(Path(db), embedder)
    from memagent import Memory
    from memagent.server import embedder_named

    return Memory.open(db, embedder=embedder_named(embedder))


ServeDbOpt = Annotated[str, typer.Option("--db", envvar="MEMAGENT_DB", help="database file or URL")]
ServeEmbedderOpt = Annotated[str, typer.Option("--embedder", envvar="MEMAGENT_EMBEDDER", help="auto, local or hashing")]


@app.command()
@_friendly
def serve(
    db: ServeDbOpt = "memagent.db",
    host: Annotated[str, typer.Option(help="interface to bind (0.0.0.0 in a container)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port (0 picks a free one)")] = 8000,
    api_key: Annotated[list[str] | None, typer.Option("--api-key", help="tenant:key, repeatable (default: "
                                                      "MEMAGENT_API_KEYS, else one generated key, printed)")] = None,
    embedder: ServeEmbedderOpt = "auto",
) -> None:
    """Serve the HTTP memory API (FastAPI; needs the server extra). OpenAPI docs at /docs."""
    from memagent.server import ApiKeys, create_app

    specs = api_key or [s for s in os.environ.get("MEMAGENT_API_KEYS", "").split(",") if s.strip()]
    if specs:
        keys = ApiKeys.parse(specs)
    else:
        keys, key = ApiKeys.generate()
        typer.echo(f"no API key given: generated one for tenant 'default': {key}", err=True)
    service = create_app(_open_location(db, embedder), keys, close_memory=True)
    import uvicorn  # after create_app, which names the extra when FastAPI is missing

    uvicorn.run(service, host=host, port=port)


@app.command("mcp")
@_friendly
def mcp_command(
    user: UserOpt,
    db: ServeDbOpt = "memagent.db",
    transport: Annotated[str, typer.Option(help="stdio (for desktop and IDE clients) or http (streamable HTTP)")] = "stdio",
    host: Annotated[str, typer.Option(help="interface to bind (http)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port (http; 0 picks a free one)")] = 8765,
    embedder: ServeEmbedderOpt = "auto",
) -> None:
    """Serve one user's memory as MCP tools: remember, recall, forget, explain, list_preferences."""
    from memagent.mcp_server import build_mcp_server, serve_http, serve_stdio

    if transport not in ("stdio", "http"):
        raise typer.BadParameter(f"unknown transport {transport!r}: use stdio or http")
    memory = _open_location(db, embedder)
    try:
        server = build_mcp_server(memory, user)
        if transport == "stdio":
            serve_stdio(server)
        else:
            serve_http(server, host=host, port=port)
    finally:
        memory.close()


def main() -> None:
    app()
