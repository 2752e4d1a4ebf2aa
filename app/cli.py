"""`ownership`: the single entry point for people and jobs."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from app.db import Graph, connection_uri, open_driver
from app.errors import OwnershipError
from app.logs import configure_logging
from app.neo4j_local import LocalNeo4j
from app.schema import init_schema, reset_graph, stats
from app.settings import Settings, SettingsError, get_settings

app = typer.Typer(help="Ownership investigation platform.", no_args_is_help=True, pretty_exceptions_enable=False)
neo4j_app = typer.Typer(help="The local Neo4j server (used when NEO4J_URI is not set).", no_args_is_help=True)
db_app = typer.Typer(help="Schema and contents of the graph.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(db_app, name="db")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Known failures print one readable line and exit 1; nothing prints a stack trace at users."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (OwnershipError, SettingsError) as error:
            err.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def _configure() -> None:
    try:
        s = get_settings()
    except SettingsError as error:
        err.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(1) from None
    configure_logging(s.log_format, s.log_level)


def settings() -> Settings:
    return get_settings()


def local_server() -> LocalNeo4j:
    return LocalNeo4j(settings())


@neo4j_app.command("start")
@friendly_errors
def neo4j_start() -> None:
    """Provision (once) and start the local server; harmless when it already runs."""
    s = settings()
    if s.external:
        with open_driver(s):
            out.print(f"NEO4J_URI is set: using {s.neo4j_uri}; no local server is started")
        return
    server = LocalNeo4j(s)
    if not server.provisioned():
        err.print(f"Provisioning Neo4j {server.version} from Maven Central into {server.distribution} ...")
    started = time.perf_counter()
    status = server.start()
    out.print(f"Neo4j {server.version} {status.message} in {time.perf_counter() - started:.1f}s")


@neo4j_app.command("stop")
@friendly_errors
def neo4j_stop() -> None:
    """Stop the local server started from this project (by its recorded pid, nothing else)."""
    out.print(f"Neo4j {local_server().stop().message}")


@neo4j_app.command("status")
@friendly_errors
def neo4j_status() -> None:
    """Say whether the local server runs; exit code 0 when running, 3 when stopped."""
    s = settings()
    if s.external:
        out.print(f"NEO4J_URI is set: using {s.neo4j_uri}")
        return
    status = local_server().status()
    out.print(f"Neo4j {status.message}")
    if not status.running:
        raise typer.Exit(3)


@db_app.command("init")
@friendly_errors
def db_init() -> None:
    """Apply constraints and indexes (idempotent)."""
    s = settings()
    with open_driver(s) as driver:
        applied = init_schema(Graph(driver, s.neo4j_database))
    out.print(f"Schema applied on {connection_uri(s)}: {len(applied)} statements")


@db_app.command("reset")
@friendly_errors
def db_reset(yes: Annotated[bool, typer.Option("--yes", help="Confirm wiping every node.")] = False) -> None:
    """Delete every node and relationship (the schema stays)."""
    if not yes:
        err.print("[bold red]error:[/] refusing to wipe the graph without --yes")
        raise typer.Exit(2)
    s = settings()
    with open_driver(s) as driver:
        deleted = reset_graph(Graph(driver, s.neo4j_database))
    out.print(f"Deleted {deleted} nodes from {connection_uri(s)}")


@db_app.command("stats")
@friendly_errors
def db_stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Node counts per label and relationship counts per type."""
    s = settings()
    with open_driver(s) as driver:
        result = stats(Graph(driver, s.neo4j_database))
    if as_json:
        sys.stdout.write(json.dumps({"labels": result.labels, "relationships": result.relationships}, indent=2) + "\n")
        return
    table = Table("kind", "name", "count")
    for label, count in result.labels.items():
        table.add_row("label", label, f"{count:,}")
    for rel, count in result.relationships.items():
        table.add_row("relationship", rel, f"{count:,}")
    out.print(table)


@app.command("serve")
@friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
) -> None:
    """Serve the API and UI."""
    import uvicorn

    s = settings()
    uvicorn.run("app.api.main:app_factory", factory=True, host=host or s.api_host, port=port or s.api_port,
                log_config=None, access_log=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
