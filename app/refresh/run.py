"""One refresh run: load what is new, retire what full snapshots dropped, recompute every active policy into
unpublished generations, check them, publish them together in one transaction, then log and announce the
changes.

Killed at any point, it leaves the published generations untouched: files are recorded as loaded only once
loaded completely (and loads are idempotent, so a half-loaded file is simply loaded again), generations are
written unpublished and abandoned by the next run if their run died, and publication is one transaction.
The next run computes whenever the data changed after the newest publication, so nothing is skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from app.db import Graph, native
from app.engine.compute import (
    LockBusy,
    compute_generation,
    generation_matches,
    graph_lock,
    layers_of,
    prune_generations,
)
from app.errors import OwnershipError
from app.policy import Policy
from app.refresh import changes
from app.refresh.config import RefreshConfig, Source
from app.repository.entities import iso
from app.schema import init_schema
from app.settings import Settings
from loaders.pipeline import run_load
from loaders.registry import expand_paths, get_loader

log = logging.getLogger("app.refresh")
RETIRE_BATCH = 20_000


class RefreshRefused(OwnershipError):
    """A sanity check failed: nothing was published (the previous generations keep serving)."""


@dataclass
class RefreshReport:
    run_id: str
    status: str = "running"  # published, nothing_new, refused, failed
    as_of: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    generations: dict[str, str] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    outbox: dict[str, int] = field(default_factory=dict)
    abandoned_generations: int = 0
    pruned: dict[str, Any] = field(default_factory=dict)  # generations whose verdicts were deleted afterwards
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def refresh(graph: Graph, settings: Settings, config: RefreshConfig, policies: list[Policy],
            as_of: date | None = None, force: bool = False,
            progress: Callable[[str], None] | None = None) -> RefreshReport:
    def say(step: str) -> None:
        log.info("refresh step: %s", step)  # operators (and the fault test) follow the phases in the log
        if progress is not None:
            progress(step)

    report = RefreshReport(run_id=datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6])
    day = as_of or datetime.now(UTC).date()
    report.as_of = day.isoformat()
    started = time.perf_counter()
    with graph_lock(graph, "refresh", ttl=timedelta(hours=6)):
        _record(graph, report, started_at=datetime.now(UTC))
        try:
            _run(graph, settings, config, policies, day, force, report, say)
        except RefreshRefused as refused:
            report.status, report.error = "refused", str(refused)
        except BaseException as error:
            report.status, report.error = "failed", f"{type(error).__name__}: {error}"[:2000]
            raise
        finally:
            report.timings["total"] = round(time.perf_counter() - started, 3)
            _record(graph, report, finished_at=datetime.now(UTC))
    return report


def _run(graph: Graph, settings: Settings, config: RefreshConfig, policies: list[Policy], day: date,
         force: bool, report: RefreshReport, say: Callable[[str], None]) -> None:
    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        say(name)
        result = fn()
        report.timings[name] = round(report.timings.get(name, 0.0) + time.perf_counter() - t0, 3)
        return result

    timed("schema", lambda: init_schema(graph))  # indexes a newer version's statements rely on (no-op if there)
    [abandoned] = graph.write("refresh/abandon_unpublished")
    report.abandoned_generations = int(abandoned["abandoned"])
    timed("outbox", lambda: changes.catch_up(graph, config.changes_dir, config.webhook))
    for source in config.sources:
        report.sources.append(timed("load", partial(_load_source, graph, settings, config, source, force)))

    published = {p.id: _published(graph, p.id) for p in policies}
    if not force and not _data_changed_since(graph, published) and all(
            generation_matches(published[p.id], p, day) for p in policies):
        report.status = "nothing_new"
        return

    computed: dict[str, dict[str, Any]] = {}
    for policy in policies:
        generation = timed("compute", partial(
            compute_generation, graph, policy, day, progress=partial(_prefixed, say, f"compute {policy.id}: "),
            incremental=True, publish=False, run_id=report.run_id))
        report.generations[policy.id] = generation.generation
        previous = published[policy.id]
        previous_layers = layers_of(previous) if previous else []
        [row] = timed("changes", partial(
            graph.write, "refresh/verdict_changes", generation=generation.generation, layers=generation.layers,
            previous=previous["id"] if previous else None, previous_layers=previous_layers,
            layered=bool(previous_layers) and generation.layers[1:] == previous_layers))
        report.changes[policy.id] = int(row["changes"])
        graph.write("refresh/generation_set", id=generation.generation, props={
            "changes": int(row["changes"]), "previous_published": previous["id"] if previous else None,
            "changes_exported": False, "webhook_status": "pending" if config.webhook else None})
        computed[policy.id] = {"parties": int(graph.read("engine/data_snapshot")[0]["parties"]),
                               "changes": int(row["changes"]), "had_previous": previous is not None}

    for policy_id, facts in computed.items():
        fraction = facts["changes"] / max(1, facts["parties"])
        applies = facts["had_previous"] and facts["parties"] >= config.checks.min_parties_for_flip_check
        passed = not applies or fraction <= config.checks.max_flip_fraction
        report.checks.append({"check": "verdict_flips", "policy": policy_id, "changes": facts["changes"],
                              "parties": facts["parties"], "fraction": round(fraction, 6),
                              "limit": config.checks.max_flip_fraction, "applied": applies, "passed": passed})
    failed = [c for c in report.checks if not c["passed"]]
    if failed and not force:
        raise RefreshRefused("; ".join(f"{c['policy']}: {c['changes']} of {c['parties']} parties would change "
                                       f"verdict ({c['fraction']:.2%} > {c['limit']:.2%})" for c in failed)
                             + "; nothing published (rerun with --force to publish anyway)")

    [row] = timed("publish", lambda: graph.write("refresh/publish_generations", ids=list(report.generations.values()),
                                                 now=datetime.now(UTC)))
    if sorted(row["published"]) != sorted(report.generations.values()):
        raise OwnershipError(f"publication incomplete: {row['published']} of {list(report.generations.values())}")
    report.status = "published"
    report.outbox = timed("outbox", lambda: changes.catch_up(graph, config.changes_dir, config.webhook))
    try:  # housekeeping after publication: a failure here never fails the refresh, the next run prunes
        pruned = timed("prune", lambda: prune_generations(graph, settings.keep_generations))
        report.pruned = {"generations": len(pruned.generations), "verdicts": pruned.verdicts_deleted}
    except (LockBusy, OwnershipError) as error:
        log.warning("pruning old generations skipped: %s", error)
        report.pruned = {"skipped": str(error)}


def _prefixed(say: Callable[[str], None], prefix: str, message: str) -> None:
    say(prefix + message)


def _published(graph: Graph, policy_id: str) -> dict[str, Any] | None:
    rows = graph.read("engine/current_generation", policy_id=policy_id)
    return rows[0]["generation"] if rows else None


def _data_changed_since(graph: Graph, published: dict[str, dict[str, Any] | None]) -> bool:
    """Whether any load completed after the oldest of the published generations began."""
    [snapshot] = graph.read("engine/data_snapshot")
    loaded_at = native(snapshot["loaded_at"])
    if loaded_at is None:
        return False
    starts = [native(g["started_at"]) for g in published.values() if g is not None]
    return not starts or len(starts) < len(published) or loaded_at > min(starts)


def _load_source(graph: Graph, settings: Settings, config: RefreshConfig, source: Source,
                 force: bool) -> dict[str, Any]:
    loader = get_loader(source.kind)
    files = expand_paths([source.path], loader.accepts)
    keys = {path: f"{source.name}|{file_hash(path)}" for path in files}
    done = {row["key"] for row in graph.read("refresh/file_loaded", keys=list(keys.values()))}
    if source.mode == "delta":
        todo = [path for path in files if keys[path] not in done]
    else:  # a full snapshot is reloaded as a whole when any of its files is new
        todo = files if any(keys[path] not in done for path in files) else []
    summary: dict[str, Any] = {"source": source.name, "kind": source.kind, "mode": source.mode,
                               "files": [str(p) for p in todo], "status": "unchanged"}
    if not todo:
        return summary
    load_started = datetime.now(UTC)
    load = run_load(graph, loader.source, todo, loader.reader, loader.transform, settings.batch_size,
                    config.rejects_dir)
    summary.update(status="loaded", load_run=load.run_id, read=load.read, rejected=load.rejected,
                   rejects_file=load.rejects_file, write=load.write)
    if load.rejected_fraction > settings.max_reject_fraction:
        raise RefreshRefused(f"source {source.name}: {load.rejected} of {load.read} records rejected "
                             f"({load.rejected_fraction:.1%}); see {load.rejects_file}")
    if source.mode == "full":
        [counts] = graph.read("refresh/source_interests", source=loader.source, before=load_started)
        total, stale = int(counts["total"]), int(counts["stale"])
        shrink = stale / total if total else 0.0
        summary.update(interests_before=total, retired=stale, shrink_fraction=round(shrink, 6))
        if shrink > config.checks.max_shrink_fraction and not force:
            raise RefreshRefused(f"source {source.name}: the full snapshot would retire {stale} of {total} "
                                 f"interests ({shrink:.1%} > {config.checks.max_shrink_fraction:.1%}); "
                                 "nothing retired or published (rerun with --force to accept it)")
        graph.drain("refresh/retire_stale", "retired", RETIRE_BATCH, source=loader.source, before=load_started,
                    now=datetime.now(UTC))
    for path in todo:
        graph.write("refresh/file_record", key=keys[path], props={
            "source": source.name, "path": str(path), "mode": source.mode, "loaded_at": datetime.now(UTC),
            "load_run": load.run_id})
    return summary


def _record(graph: Graph, report: RefreshReport, **stamps: datetime) -> None:
    props: dict[str, Any] = {"status": report.status, "as_of": report.as_of, "error": report.error,
                             "report_json": json.dumps(asdict(report), default=str), **stamps}
    graph.write("refresh/refresh_run_record", id=report.run_id, props={k: v for k, v in props.items() if v is not None})


def runs(graph: Graph, skip: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    out = []
    for row in graph.read("refresh/refresh_runs", skip=skip, limit=limit):
        run = row["run"]
        detail = json.loads(run.pop("report_json", "{}") or "{}")
        out.append({**iso(run),
                    "sources": detail.get("sources", []), "generations": detail.get("generations", {}),
                    "changes": detail.get("changes", {}), "checks": detail.get("checks", []),
                    "timings": detail.get("timings", {}), "outbox": detail.get("outbox", {})})
    return out


def rollback(graph: Graph, policy_id: str) -> dict[str, Any]:
    rows = graph.write("refresh/rollback", policy_id=policy_id, now=datetime.now(UTC))
    if not rows:
        raise OwnershipError(f"policy {policy_id!r} has fewer than two published generations: nothing to roll back to")
    return rows[0]
