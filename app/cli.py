"""`ownership`: the single entry point for people and jobs."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from app.db import Graph, connection_uri, open_driver
from app.errors import LocalServerError, OwnershipError
from app.logs import configure_logging
from app.neo4j_local import LocalNeo4j
from app.neo4j_plugin import install_plugin
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
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:
            logging.getLogger("app.cli").debug("unexpected error", exc_info=True)
            err.print(f"[bold red]unexpected error:[/] {type(error).__name__}: {error} "
                      "(OWNERSHIP_LOG_LEVEL=DEBUG shows the traceback)", highlight=False, soft_wrap=True)
            raise typer.Exit(70) from None

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


@neo4j_app.command("plugin")
@friendly_errors
def neo4j_plugin(folder: Annotated[Path, typer.Argument(
        help="The plugins folder of a Neo4j server of the pinned version (docker compose's, or NEO4J_URI's).")]
                 ) -> None:
    """Build the walk procedure (once; needs Maven and a JDK) and copy it into FOLDER; restart that server to load
    it. The local servers get it when they start; without it the engine walks ancestries in Cypher, more slowly."""
    built = local_server().plugin()
    if built.jar is None:
        raise LocalServerError(built.note)
    install_plugin(folder, built.jar)
    out.print(f"{built.note}: copied into {folder}; restart that server to load it")


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


class LoaderKind(StrEnum):
    bods = "bods"
    gleif = "gleif"
    psc = "psc"
    ftm = "ftm"
    csv = "csv"


@app.command("load")
@friendly_errors
def load(
    kind: Annotated[LoaderKind, typer.Argument(help="Registry format.")],
    paths: Annotated[list[Path], typer.Argument(help="Files (or folders of files) to load, in order.")],
    batch_size: Annotated[int | None, typer.Option(min=1, help="Rows per write transaction.")] = None,
    rejects_dir: Annotated[Path, typer.Option(help="Where rejected records are written.")] = Path("rejects"),
    max_rejected: Annotated[float | None, typer.Option(min=0, max=1, help="Fail above this rejected fraction.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as JSON.")] = False,
    bulk: Annotated[bool, typer.Option(
        "--bulk", help="First load into an empty local database through Neo4j's offline importer (stops and "
                       "restarts the local server); several times faster than the transactional load.")] = False,
) -> None:
    """Load registry files into the graph (streaming, batched, idempotent)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from loaders.pipeline import run_load
    from loaders.registry import expand_paths, get_loader

    s = settings()
    loader = get_loader(kind.value)
    files = expand_paths(paths, loader.accepts)
    if bulk and s.external:
        raise OwnershipError("--bulk imports into the local server; NEO4J_URI points at an external one "
                             "(use neo4j-admin database import on that server, or load without --bulk)")
    with (contextlib.nullcontext() if bulk else open_driver(s)) as driver, Progress(
        TextColumn("[bold]{task.description}[/]"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>10} rec/s"), TimeElapsedColumn(),
        console=err, disable=as_json or not err.is_terminal, transient=False,
    ) as bar:
        task = bar.add_task(kind.value, total=None, rate="")
        started = time.perf_counter()

        def advance(n: int) -> None:
            bar.advance(task, n)
            done = bar.tasks[0].completed
            if int(done) % 1000 == 0:
                bar.update(task, rate=f"{done / max(time.perf_counter() - started, 1e-9):,.0f}")

        if bulk:
            from loaders.bulk import run_bulk_load

            def phase(name: str) -> None:
                bar.update(task, description=name)
                if not as_json and not err.is_terminal:
                    err.print(f"bulk load: {name}")

            report = run_bulk_load(LocalNeo4j(s), s, loader.source, files, loader.reader, loader.transform,
                                   rejects_dir, advance, phase, json_lines_parts=loader.json_lines_parts)
        else:
            assert driver is not None
            report = run_load(Graph(driver, s.neo4j_database), loader.source, files, loader.reader,
                              loader.transform, batch_size or s.batch_size, rejects_dir, advance)
    limit = s.max_reject_fraction if max_rejected is None else max_rejected
    summary = {
        "run_id": report.run_id, "source": report.source, "files": report.files, "read": report.read,
        "loaded": report.transformed, "rejected": report.rejected, "rejects_file": report.rejects_file,
        "duration_s": report.duration_s, **report.write,
    }
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        out.print(", ".join(f"{k}={v}" for k, v in summary.items() if k not in ("files",) and v is not None))
    if report.rejected_fraction > limit:
        err.print(f"[bold red]error:[/] {report.rejected} of {report.read} records rejected "
                  f"({report.rejected_fraction:.1%} > {limit:.1%}); see {report.rejects_file}")
        raise typer.Exit(4)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OwnershipError(f"--as-of: not a date (YYYY-MM-DD): {value!r}") from None


@app.command("compute")
@friendly_errors
def compute(
    policy: Annotated[Path | None, typer.Option(help="A policy file (default: every policy in policies/).")] = None,
    as_of: Annotated[str | None, typer.Option(help="Date the interests must be valid on (default today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
    incremental: Annotated[bool, typer.Option(
        help="Recompute only what lies below parties changed since the published generation.")] = False,
) -> None:
    """Compute and publish a generation of verdicts for each policy."""
    from app.engine.compute import compute_generation
    from app.engine.service import active_policies
    from app.policy import load_policy

    s = settings()
    policies = [load_policy(policy)] if policy else list(active_policies(s).values())
    if not policies:
        raise OwnershipError(f"no policy files in {s.policies_dir}")
    day = _as_of(as_of) or datetime.now(UTC).date()
    reports = []
    with open_driver(s) as driver:
        graph = Graph(driver, s.neo4j_database)
        for pol in policies:
            with err.status(f"computing {pol.id}@{pol.version} as of {day}") as status:
                report = compute_generation(graph, pol, day, partial(_show_step, status, pol.id),
                                            incremental=incremental)
            reports.append(report)
            if not as_json:
                out.print(f"{report.generation}: {report.counts} seeds={report.seeds} rounds={report.rounds} "
                          f"in {report.seconds:.1f}s")
                if not report.lookthrough_converged:
                    short = report.lookthrough_short or 0
                    err.print(f"[yellow]note:[/] the look-through rounds stopped at their cap "
                              f"({report.lookthrough_rounds}); {short:,} "
                              f"{'verdict says its' if short == 1 else 'verdicts say their'} look-through share may "
                              "be short (a lower bound)", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps([vars(r) for r in reports], indent=2, default=str) + "\n")


@app.command("refresh")
@friendly_errors
def refresh(
    config: Annotated[Path, typer.Option(help="The sources file (YAML).")] = Path("refresh.yaml"),
    as_of: Annotated[str | None, typer.Option(help="Date the verdicts are computed for (default today).")] = None,
    force: Annotated[bool, typer.Option(help="Compute even if nothing is new; publish despite failed checks.")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as JSON.")] = False,
) -> None:
    """Load new snapshots, recompute every active policy, check, publish atomically, log the changes.

    Exit codes: 0 published or nothing new; 3 refused by a check (nothing published); 1 error.
    """
    from dataclasses import asdict

    from app.engine.service import active_policies
    from app.refresh.config import load_config
    from app.refresh.run import refresh as run_refresh

    s = settings()
    cfg = load_config(config)
    policies = list(active_policies(s).values())
    day = _as_of(as_of)  # a bad date is named before any connection is tried
    with open_driver(s) as driver, err.status("refresh") as status:
        report = run_refresh(Graph(driver, s.neo4j_database), s, cfg, policies, day, force,
                             progress=status.update)
    if as_json:
        sys.stdout.write(json.dumps(asdict(report), indent=2, default=str) + "\n")
    else:
        out.print(f"refresh {report.run_id}: {report.status}; generations {report.generations or '-'}; "
                  f"changes {report.changes or '-'}; {report.timings.get('total', 0):.1f}s")
    if report.status == "refused":
        err.print(f"[bold red]refused:[/] {report.error}", highlight=False)
        raise typer.Exit(3)


@app.command("rollback")
@friendly_errors
def rollback(policy: Annotated[str | None, typer.Option(help="Policy id (default: every active policy).")] = None,
             ) -> None:
    """Withdraw the current generation of a policy and republish the one before it."""
    from app.engine.service import active_policies
    from app.refresh.run import rollback as run_rollback

    s = settings()
    ids = [policy] if policy else sorted(active_policies(s))
    with open_driver(s) as driver:
        for policy_id in ids:
            result = run_rollback(Graph(driver, s.neo4j_database), policy_id)
            out.print(f"{policy_id}: withdrew {result['withdrawn']}, republished {result['republished']}")


@app.command("prune")
@friendly_errors
def prune(keep: Annotated[int | None, typer.Option(
              min=2, help="Published generations kept per policy (default: OWNERSHIP_KEEP_GENERATIONS).")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Delete the verdicts of generations that can no longer be served (older than the newest kept per
    policy, failed, abandoned, rolled back); their records and change logs stay. `refresh` does this after
    each publication."""
    from dataclasses import asdict

    from app.engine.compute import prune_generations

    s = settings()
    with open_driver(s) as driver:
        report = prune_generations(Graph(driver, s.neo4j_database), keep or s.keep_generations)
    if as_json:
        sys.stdout.write(json.dumps(asdict(report), indent=2) + "\n")
        return
    for g in report.generations:
        out.print(f"pruned {g['id']} ({g['status']})", highlight=False)
    out.print(f"{len(report.generations)} generations, {report.verdicts_deleted:,} verdicts deleted "
              f"in {report.seconds:.1f} s")


@app.command("runs")
@friendly_errors
def runs(limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Refresh runs, newest first: sources, counts, timings, checks, outcome."""
    from app.refresh.run import runs as list_runs

    s = settings()
    with open_driver(s) as driver:
        found = list_runs(Graph(driver, s.neo4j_database), 0, limit)
    if as_json:
        sys.stdout.write(json.dumps(found, indent=2, default=str) + "\n")
        return
    table = Table("run", "status", "as of", "generations", "changes", "seconds", "error")
    for run in found:
        table.add_row(run["id"], run.get("status", ""), run.get("as_of", ""), escape(str(run["generations"])),
                      escape(str(run["changes"])), str(run["timings"].get("total", "")),
                      escape(str(run.get("error") or "")))
    out.print(table)


@app.command("changes")
@friendly_errors
def changes_command(
    since: Annotated[str, typer.Option(help="Generations published after this ISO date or date-time.")]
    = "1970-01-01",
    policy: Annotated[str | None, typer.Option(help="Only this policy.")] = None,
) -> None:
    """The verdict changes of published generations, as JSON Lines."""
    from app.repository.changes import changes_since

    s = settings()
    moment = _since(since)  # a bad date is named before any connection is tried
    with open_driver(s) as driver:
        for item in changes_since(Graph(driver, s.neo4j_database), moment, policy, limit=100_000)["changes"]:
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


def _since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise OwnershipError(f"--since: not an ISO date or date-time: {value!r}") from None
    try:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        raise OwnershipError(f"--since: out of range once converted to UTC: {value!r}") from None


def _show_step(status: Any, policy_id: str, step: str) -> None:
    status.update(f"{policy_id}: {step}")


@app.command("verdict")
@friendly_errors
def verdict(
    ref: Annotated[str, typer.Argument(help="An identifier SCHEME:ID or the platform id.")],
    policy: Annotated[Path | None, typer.Option(help="A policy file (default: the default policy).")] = None,
    as_of: Annotated[str | None, typer.Option(help="Date (default: the published generation's, or today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The verdict on one entity, with bounds and evidence."""
    from app.engine.service import pick_policy, verdict_for

    s = settings()
    pol = pick_policy(s, policy_file=policy)
    day = _as_of(as_of)  # a bad date is named before any connection is tried
    with open_driver(s) as driver:
        result = verdict_for(Graph(driver, s.neo4j_database), pol, ref, day)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, default=str, ensure_ascii=False) + "\n")
        return
    share = result["restricted_share"]
    out.print(f"[bold]{result['entity'].get('name') or result['entity']['id']}[/] "
              f"({', '.join(result['entity'].get('identifiers', [])[:4])})")
    out.print(f"verdict: [bold]{result['verdict']}[/] under {pol.id}@{pol.version} as of {result['as_of']} "
              f"({result['mode']}{', generation ' + result['generation'] if result['generation'] else ''})")
    lookthrough = result["lookthrough_share"]
    out.print(f"restricted share: {share['min']:g}% to {share['max']:g}%; look-through "
              f"{lookthrough['min']:g}% to {lookthrough['max']:g}%"
              f"{'' if lookthrough['converged'] else ' (lower bounds: its rounds stopped before converging)'}")
    out.print(result["reason"])
    out.print(f"arithmetic: {result['evidence']['arithmetic']}")
    for h in result["evidence"]["holders"]:
        if h["counts"]:
            out.print(f"  {escape(str(h['holder_name']))} \\[{h['holder_verdict']}] {h['relation']} "
                      f"{h.get('share') or h.get('kind')} (statement {h['statement_id']}, source {h['source']})")
    for link in result["evidence"]["chain"]:
        out.print(f"  chain: {escape(str(link['holder_name']))} \\[{link['holder_verdict']}] -> {link['subject_id']} "
                  f"{link.get('share') or link.get('kind')}"
                  f"{' (seed: ' + link['holder_seed_reason'] + ')' if link.get('holder_seed_reason') else ''}")


@app.command("serve")
@friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Worker processes (default from settings).")]
    = None,
) -> None:
    """Serve the API and UI."""
    import uvicorn

    s = settings()
    uvicorn.run("app.api.main:app_factory", factory=True, host=host or s.api_host, port=port or s.api_port,
                workers=workers or s.api_workers, log_config=None, access_log=False)


@app.command("api-key")
def api_key() -> None:
    """Make a new API key: give the key to the caller, put only its hash in OWNERSHIP_API_KEYS."""
    from app.api.auth import new_key

    key, hashed = new_key()
    out.print(f"key (give to the caller, shown once): {key}")
    out.print(f"hash (add to OWNERSHIP_API_KEYS):     {hashed}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
