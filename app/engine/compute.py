"""A full generation of verdicts for one policy, computed set-wise inside Neo4j.

The rounds of the least fixed point, the look-through rounds and the verdict writes are Cypher
statements over the whole graph (cypher/engine/*.cypher), each run as two transactions on disjoint
parties; Python only sequences them, counts rounds and stops when nothing changes. Working state lives
on the parties under the run's id and is wiped before and after, so only one computation runs at a time:
a lock in Neo4j enforces that.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from app.db import Graph, native
from app.engine.codes import HUNDRED, K, threshold_code
from app.errors import OwnershipError
from app.policy import Policy

log = logging.getLogger("app.engine")
T = TypeVar("T")
MAX_ROUNDS = 10_000
REGION_MAX_FRACTION = 0.15  # above this share of the graph an incremental run computes everything
REGION_FALLBACK_MIN_PARTIES = 50_000  # (on graphs this large or larger; smaller ones are cheap either way)
# Verdicts written (and working state wiped) per transaction. Larger transactions cost more per verdict:
# a full generation's writes took 25.7-27.3 s in batches of 20,000 and 17.6-18.0 s in batches of 5,000
# (docs/benchmarks-history.md, "Eighth session"); 1,000 and 2,000 were no better.
VERDICT_BATCH = 5_000
REGION_SLICE = 50_000  # region parties per transaction in an incremental run's first round
# An incremental generation stores only the verdicts it recomputed, on top of its base's layers; past this
# many layers the next run is a full one, so reads stay a few index seeks and old layers can be pruned.
MAX_LAYERS = 8
LOOKTHROUGH_CAP = 1.0 - 1e-9  # a look-through share at least this is at the cap (see lookthrough_reset)
# Rounds and verdict writes run as two transactions at once on disjoint parties (party ids ending in 0-7
# and the others; the look-through rounds split by element id, 0-4 and the others): one Cypher statement
# uses one core, and the machines this runs on have two.
PARTS = 2
HALF = list("01234567")  # party ids end in a hex digit
HALF_DIGITS = list("01234")  # element ids end in a decimal one (the node's number)
MAX_REGION_DEPTH = 100_000  # levels below the changed parties; a cycle stops adding parties, so this never binds
LOOKTHROUGH_EPSILON = 1e-4  # fraction: changes below 0.01 percentage points stop spreading
# Look-through values rise monotonically from 0 towards the fixed point; on long cycles they approach it
# slowly. Past this many rounds the values are kept as they are (lower bounds of the converged values) and
# the generation records lookthrough_converged = false; a full run marks the verdicts of the parties whose
# share may be short (mark_lookthrough_short), and an incremental one is redone in full so that it can.
# Look-through never decides a verdict.
LOOKTHROUGH_MAX_ROUNDS = 150
LOOKTHROUGH_SHORT_BATCH = 10_000  # parties per mark_lookthrough_short call
# A party whose look-through share moves by at most this much (fraction) spreads the change only once no
# larger change is left; the thresholds are used in turn, then LOOKTHROUGH_EPSILON (lookthrough_round).
LOOKTHROUGH_DEFER = (0.01, 0.001)
LOOKTHROUGH_CLOSING_ROUNDS = 10  # the last rounds before LOOKTHROUGH_MAX_ROUNDS, where no candidate waits


class LockBusy(OwnershipError):
    """Another computation or refresh holds the lock."""


class _IncrementalStoppedShort(Exception):
    """An incremental run's look-through rounds stopped at their cap: the parties whose shares may be short
    include some only its base holds verdicts of, which this layer cannot mark, so the run is redone in full."""


@dataclass
class GenerationReport:
    generation: str
    policy_id: str
    policy_version: str
    as_of: date
    seeds: int = 0
    rounds: int = 0
    lookthrough_rounds: int = 0
    lookthrough_converged: bool = True
    lookthrough_short: int | None = None  # parties whose share may be short, when the rounds stopped at the cap
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    missing_seed_keys: list[str] = field(default_factory=list)
    missing_override_keys: list[str] = field(default_factory=list)
    region: int | None = None  # parties recomputed by an incremental run (None: a full run)
    layers: list[str] = field(default_factory=list)  # this generation and the ones it stacks on, newest first
    base_loaded: int = 0  # parties an incremental run read from its base generation
    written: int = 0  # verdicts this generation stores (an incremental one: only what it recomputed)


def _owner_is_dead(owner: str) -> bool:
    """An owner `host:pid:nonce` on this host whose process is gone holds the lock only on paper."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@contextmanager
def graph_lock(graph: Graph, name: str, ttl: timedelta = timedelta(hours=2)) -> Iterator[str]:
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    [row] = graph.write("engine/lock_acquire", name=name, owner=owner, now=now, expires=now + ttl)
    if not row["acquired"] and row["owner"] and _owner_is_dead(row["owner"]):
        log.warning("taking over lock %s from dead owner %s", name, row["owner"])
        [taken] = graph.write("engine/lock_takeover", name=name, dead_owner=row["owner"], owner=owner, now=now,
                              expires=now + ttl)
        row = {**row, "acquired": taken["acquired"]}
    if not row["acquired"]:
        raise LockBusy(f"lock {name!r} is held by {row['owner']} until {row['expires']}; try again later")
    try:
        yield owner
    finally:
        graph.write("engine/lock_release", name=name, owner=owner)


@dataclass
class PruneReport:
    generations: list[dict[str, str]] = field(default_factory=list)  # id, policy, status before pruning
    verdicts_deleted: int = 0
    seconds: float = 0.0


def prune_generations(graph: Graph, keep: int, batch: int = 5_000) -> PruneReport:
    """Deletes the verdicts of generations nobody can be served any more: per policy, published ones older
    than the newest `keep` (rollback needs the previous one, so at least 2 are kept), and failed, abandoned
    and rolled-back ones. Their records and change logs stay. Holds the compute lock, so no generation is
    written meanwhile; generations are taken out of service first, so a killed run never leaves one with
    verdicts missing that could be served or republished."""
    if keep < 2:
        raise OwnershipError(f"keep must be at least 2 (the published generation and one to roll back to), not {keep}")
    started = time.perf_counter()
    report = PruneReport()
    with graph_lock(graph, "compute"):
        rows = graph.read("engine/prunable_generations", keep=keep)
        report.generations = [{"id": r["id"], "policy": r["policy"], "status": r["status"]} for r in rows]
        if rows:
            graph.write("engine/mark_pruning", ids=[r["id"] for r in rows], now=datetime.now(UTC))
        for r in rows:
            deleted = graph.drain("engine/delete_verdicts", "deleted", batch, generation=r["id"])
            graph.write("engine/mark_pruned", id=r["id"], now=datetime.now(UTC), deleted=deleted)
            report.verdicts_deleted += deleted
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _each_part(work: Callable[[int], T]) -> list[T]:
    """`work(part)` for every part at once (parts are disjoint sets of parties: no two touch one node)."""
    with ThreadPoolExecutor(PARTS) as pool:
        return list(pool.map(work, range(PARTS)))


def clear_work(graph: Graph, batch: int = VERDICT_BATCH) -> int:
    # Smaller transactions wipe faster here too: 100,000 parties in 2.3-2.6 s by 5,000, 3.8-3.9 s by 50,000.
    return sum(_each_part(lambda part: graph.drain("engine/clear_work", "cleared", batch, part=part, parts=PARTS,
                                                   half=HALF)))


def generation_matches(generation: dict[str, Any] | None, policy: Policy, as_of: date | None) -> bool:
    """Whether a generation's verdicts answer for this policy (same fingerprint) on this date (None: any)."""
    if generation is None or generation.get("policy_fingerprint") != policy.fingerprint():
        return False
    return as_of is None or as_of == native(generation["as_of"])


def layers_of(generation: dict[str, Any]) -> list[str]:
    """The generations whose verdicts make up this one, newest first (a party's newest verdict counts)."""
    return list(generation.get("layers") or [generation["id"]])


def incremental_base(generation: dict[str, Any] | None, policy: Policy, as_of: date) -> bool:
    """Whether a generation can be the base of an incremental run for `as_of`: same policy fingerprint, the
    same or an earlier date (the interests whose validity changed in between are added to what changed),
    the same active overrides on both dates (an expired pin can move anything below it), fewer than
    MAX_LAYERS layers, and a look-through that converged: a run from a base whose rounds stopped short keeps
    the lower bounds of the parties it does not recompute, and would claim its own rounds' convergence for
    them (on the slow cycle of tests/test_lookthrough_convergence.py, 7.4% said converged where the limit is
    100%)."""
    if generation is None or generation.get("policy_fingerprint") != policy.fingerprint():
        return False
    if generation.get("lookthrough_converged") is False:
        return False
    if len(layers_of(generation)) >= MAX_LAYERS:
        return False
    previous = native(generation["as_of"])
    if previous is None or as_of < previous:
        return False
    return policy.active_overrides(previous) == policy.active_overrides(as_of)


def _mark_short(graph: Graph, run: str, pending: list[str]) -> int:
    """Marks the parties `pending` (element ids) and every party below them (mark_lookthrough_short), a level
    at a time; how many it marked."""
    marked = 0
    level = pending
    while level:
        following: set[str] = set()
        for start in range(0, len(level), LOOKTHROUGH_SHORT_BATCH):
            [row] = graph.write("engine/mark_lookthrough_short", run=run,
                                eids=level[start:start + LOOKTHROUGH_SHORT_BATCH])
            marked += int(row["marked"])
            following.update(row["next"])
        level = sorted(following)
    return marked


def _partitioned(graph: Graph, statement: str, candidates: list[str] | None = None, *, half: list[str] = HALF,
                 **params: Any) -> list[dict[str, Any]]:
    """A partitioned statement's single row from each part, the parts run at once; with `candidates`
    (party ids, or element ids with `half=HALF_DIGITS`), each part is given its own as $candidates."""
    mine = _split_by_part(candidates, half) if candidates is not None else None
    return _each_part(lambda part: _part_row(graph, statement, part, half, mine, **params))


def _part_row(graph: Graph, statement: str, part: int, half: list[str], mine: list[list[str]] | None,
              **params: Any) -> dict[str, Any]:
    """One part's single row of a partitioned statement; with `mine` (the candidates split by part), the
    part's own are its $candidates."""
    return graph.write(statement, part=part, parts=PARTS, half=half,
                       **({"candidates": mine[part]} if mine is not None else {}), **params)[0]


def _lookthrough_round(graph: Graph, candidates: list[str], one_by_one: bool, **params: Any) -> list[dict[str, Any]]:
    """One look-through round's row from each part (lookthrough_round). The parts run at once where what
    each party reads cannot depend on which commits first, else one after the other: a part that stalled
    (every candidate waits on a cycle) moves after the other part's round has committed, and a round in
    which nothing waits (`one_by_one`) runs its parts in turn. So a graph gives the same shares in every
    run (before, on random cyclic graphs: up to 0.007 points apart between runs for converged parties, 0.15
    for a party below a cycle that stopped short; tests/test_lookthrough_reproducible.py)."""
    mine = _split_by_part(candidates, HALF_DIGITS)

    def part_round(part: int, force: bool) -> dict[str, Any]:
        return _part_row(graph, "engine/lookthrough_round", part, HALF_DIGITS, mine, force=force, **params)

    if one_by_one:
        return [part_round(part, True) for part in range(PARTS)]
    rows = _each_part(lambda part: part_round(part, False))
    return [part_round(part, True) if row["stalled"] else row for part, row in enumerate(rows)]


def _split_by_part(ids: list[str], half: list[str] = HALF) -> list[list[str]]:
    """Ids by the part whose transactions handle them (the partition the statements' $half test makes)."""
    if PARTS == 1:
        return [ids]
    first = set(half)
    return [[i for i in ids if i[-1:] in first], [i for i in ids if i[-1:] not in first]]


def _write_batches(graph: Graph, statement: str, **params: Any) -> int:
    """Runs a verdict write a batch at a time, each part on its own, until no part handles a party; the
    verdicts written."""
    def part_loop(part: int) -> int:
        written = 0
        while True:
            [row] = graph.write(statement, limit=VERDICT_BATCH, part=part, parts=PARTS, half=HALF, **params)
            written += int(row["written"] or 0)
            if int(row["handled"]) == 0:
                return written

    return sum(_each_part(part_loop))


def largest_region(parties: int, base: dict[str, Any], policy: Policy) -> int:
    """The most parties an incremental run recomputes before a full run is cheaper, on a graph of `parties`.
    Above REGION_MAX_FRACTION of the graph, recomputing in slices costs more than computing everything
    afresh. And a full run touches only the parties below the seeds, one verdict each: the verdicts the
    base's full generation wrote (`full_written`), which for a policy whose seeds the data hardly holds is
    far fewer than a delta's region (measured: 5.6 s incremental against 0.3 s full for a policy with no
    seed in the million-entity registry). Not so when undisclosed remainders count: a full run's first round
    then reads every entity. Graphs under REGION_FALLBACK_MIN_PARTIES are cheap either way."""
    if parties < REGION_FALLBACK_MIN_PARTIES:
        return parties + 1
    largest = int(REGION_MAX_FRACTION * parties)
    full_written = base.get("full_written")
    if full_written is None or policy.undisclosed_counts:
        return largest
    return min(largest, int(full_written))


def generation_id(policy: Policy, as_of: date) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{policy.id}@{policy.version}/{as_of.isoformat()}/{stamp}"


def compute_generation(graph: Graph, policy: Policy, as_of: date,
                       progress: Callable[[str], None] | None = None, incremental: bool = False,
                       publish: bool = True, run_id: str | None = None) -> GenerationReport:
    """A new generation, published unless `publish` is false. Incremental: a layer on the newest published
    generation of the same policy (its base) holding only the verdicts that differ from the base's,
    recomputed from the parties changed since the base (and, when the base is of an earlier date, the
    subjects of the interests that started or ended in between); same verdicts as a full run. Full when
    there is no such base, the base has MAX_LAYERS layers, or the region is too large."""
    with graph_lock(graph, "compute"):
        previous = None
        if incremental:
            current = graph.read("engine/current_generation", policy_id=policy.id)
            if current and incremental_base(current[0]["generation"], policy, as_of):
                previous = current[0]["generation"]
        say = progress or (lambda _: None)
        try:
            return _compute(graph, policy, as_of, say, previous, publish, run_id)
        except _IncrementalStoppedShort:
            log.info("the incremental run's look-through stopped short: computing in full")
            return _compute(graph, policy, as_of, say, None, publish, run_id)


def _compute(graph: Graph, policy: Policy, as_of: date, progress: Callable[[str], None],
             previous: dict[str, Any] | None = None, publish: bool = True,
             run_id: str | None = None) -> GenerationReport:
    started = time.perf_counter()
    gen = generation_id(policy, as_of)
    run = uuid.uuid4().hex
    report = GenerationReport(gen, policy.id, policy.version, as_of)
    [snapshot] = graph.read("engine/data_snapshot")
    graph.write("engine/generation_start", id=gen, props={
        "policy_id": policy.id, "policy_version": policy.version, "policy_fingerprint": policy.fingerprint(),
        "policy_json": policy.model_dump_json(), "as_of": as_of, "started_at": datetime.now(UTC),
        "data_loaded_at": snapshot["loaded_at"], "data_loads": snapshot["loads"], "data_parties": snapshot["parties"],
        "previous": previous["id"] if previous else None, "refresh_run": run_id,
    })
    timings: dict[str, float] = {}

    def step(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        progress(name)
        result = fn()
        timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 3)
        return result

    try:
        step("clear", lambda: clear_work(graph))
        base_layers: list[str] = []
        if previous is not None:
            base_layers = layers_of(previous)
            since, previous_as_of = previous["started_at"], native(previous["as_of"])
            [changed] = step("region", lambda: graph.read(
                "engine/changed_between", since=since, dated=previous_as_of != as_of,
                **{"from": previous_as_of, "to": as_of}))
            changed_ids = sorted(set(changed["ids"]))
            largest = largest_region(int(snapshot["parties"] or 0), previous, policy)
            report.region = len(changed_ids)
            if report.region <= largest:
                [marked] = step("region", lambda: graph.write("engine/region_mark", run=run, ids=changed_ids,
                                                              layers=base_layers))
                report.region = int(marked["region"])
                for level in range(MAX_REGION_DEPTH):
                    [grown] = step("region", partial(graph.write, "engine/region_expand", run=run, round=level,
                                                     layers=base_layers))
                    if int(grown["added"]) == 0 or report.region > largest:
                        break
                    report.region += int(grown["added"])
            if report.region > largest:
                log.info("region of over %s parties: a full run is cheaper", largest)
                step("clear", lambda: clear_work(graph))
                previous, base_layers, report.region = None, [], None
        region = previous is not None

        def load_previous(frontier: list[str], region_holders: bool = False) -> None:
            """The base generation's word on the parties a round can read that have no working state yet."""
            if region and (frontier or region_holders):
                loaded = step("base", lambda: _partitioned(graph, "engine/load_previous", run=run, frontier=frontier,
                                                           region_holders=region_holders, layers=base_layers))
                report.base_loaded += sum(int(row["loaded"]) for row in loaded)

        seeds = step("seeds", lambda: graph.write(
            "engine/seed_by_jurisdiction", run=run, jurisdictions=policy.restricted_jurisdictions, home=policy.home,
            persons_by_nationality=policy.persons_by_nationality, region=region))
        report.seeds = int(seeds[0]["seeds"])
        frontier: set[str] = set(seeds[0]["frontier"])
        if policy.seed_entities:
            listed = step("seeds", lambda: graph.write("engine/seed_listed", run=run, keys=policy.seed_entities,
                                                       region=region))
            found = {row["key"] for row in listed}
            report.missing_seed_keys = [k for k in policy.seed_entities if k not in found]
            applied = {row["id"] for row in listed if row["applies"]}
            report.seeds += len(applied - frontier)
            frontier |= applied
        overrides = [{"key": o.entity, "verdict": o.verdict, "reason": o.reason}
                     for o in policy.active_overrides(as_of)]
        if overrides:
            pinned = step("overrides", lambda: graph.write("engine/apply_overrides", run=run, overrides=overrides,
                                                           region=region))
            found = {row["key"] for row in pinned}
            report.missing_override_keys = [o["key"] for o in overrides if o["key"] not in found]
            frontier |= {row["id"] for row in pinned if row["applies"]}
        lookthrough_reset: list[str] = []
        if region:
            load_previous([], region_holders=True)
            reset_level: list[str] = changed_ids
            while reset_level:
                load_previous(reset_level)
                [reset] = step("base", partial(graph.write, "engine/lookthrough_reset", run=run,
                                               frontier=reset_level, cap=LOOKTHROUGH_CAP))
                reset_level = list(reset["reset"])
                lookthrough_reset += reset_level
        params: dict[str, Any] = {
            "run": run, "as_of": as_of, "measures": list(policy.ownership_measures),
            "kinds": list(policy.control_kinds),
            "threshold": threshold_code(policy.threshold_percent), "inclusive": policy.threshold_inclusive,
            "undisclosed": policy.undisclosed_counts, "K": K, "hundred": HUNDRED, "region": region,
        }
        full = policy.undisclosed_counts  # remainders can restrict entities no seed reaches
        [below] = step("fixpoint", lambda: graph.read("engine/subjects_of", ids=sorted(frontier)))
        candidates: list[str] = below["ids"]
        for round_no in range(MAX_ROUNDS):
            next_frontier: set[str] = set()
            next_candidates: set[str] = set()
            load_previous(sorted(frontier))
            while True:  # one call, except an incremental run's round 0, which visits the region in slices
                rows = step("fixpoint", partial(_partitioned, graph, "engine/propagate", candidates, round=round_no,
                                                full=full, limit=REGION_SLICE, **params))
                for row in rows:
                    next_frontier.update(row["changed"])
                    next_candidates.update(row["next"])
                candidates = []  # later slices visit region parties; the frontier's subjects were seen once
                if not (region and round_no == 0) or sum(int(row["fresh"]) for row in rows) == 0:
                    break
            full = False
            frontier = next_frontier
            candidates = sorted(next_candidates)
            report.rounds = round_no + 1
            if not frontier:
                break
        else:
            raise OwnershipError(f"the fixed point did not settle in {MAX_ROUNDS} rounds")
        [initial] = step("lookthrough", lambda: graph.write("engine/lookthrough_init", run=run, region=region))
        moved = sorted(set(initial["frontier"]) | set(lookthrough_reset))  # reset ones fell: their subjects too
        [below] = step("lookthrough", lambda: graph.read("engine/subjects_of", ids=moved))
        candidates = below["eids"]  # the look-through rounds name parties by element id (lookthrough_round)
        report.lookthrough_converged = False
        deferred: set[str] = set()  # subjects of small moves, held back until no bigger change is left
        taus = iter(LOOKTHROUGH_DEFER)
        tau = next(taus, LOOKTHROUGH_EPSILON)
        for round_no in range(LOOKTHROUGH_MAX_ROUNDS):
            # In the last rounds before the cap nothing waits, so a party below a cycle too slow to settle
            # still gets a lower bound rather than staying at zero.
            closing = round_no >= LOOKTHROUGH_MAX_ROUNDS - LOOKTHROUGH_CLOSING_ROUNDS
            if deferred and (closing or not candidates):
                candidates, deferred = sorted(set(candidates) | deferred), set()
                tau = next(taus, LOOKTHROUGH_EPSILON)
            if closing:
                tau = LOOKTHROUGH_EPSILON
            load_previous(moved)
            rows = step("lookthrough", partial(
                _lookthrough_round, graph, candidates, one_by_one=closing or (region and round_no == 0),
                pending=[] if closing else candidates,
                run=run, as_of=as_of,
                epsilon=LOOKTHROUGH_EPSILON, tau=tau, region=region, region_too=region and round_no == 0,
                also=lookthrough_reset if round_no == 0 else []))
            report.lookthrough_rounds = round_no + 1
            moved = [pid for row in rows for pid in row["changed"]]
            upcoming = {pid for row in rows for key in ("next", "later") for pid in row[key]}
            deferred.update(pid for row in rows for pid in row["deferred"])
            deferred -= upcoming
            candidates = sorted(upcoming)
            if not candidates and not deferred:
                report.lookthrough_converged = True
                break
        if not report.lookthrough_converged:
            if region:
                raise _IncrementalStoppedShort(f"look-through rounds stopped at {LOOKTHROUGH_MAX_ROUNDS}")
            pending = sorted(set(candidates) | deferred)
            report.lookthrough_short = step("lookthrough", lambda: _mark_short(graph, run, pending))
        layer = int(previous.get("layer") or 0) + 1 if previous is not None else 0
        report.layers = [gen, *base_layers]
        report.written = step("verdicts", lambda: _write_batches(
            graph, "engine/write_verdicts", run=run, generation=gen, layer=layer, base_layers=base_layers, K=K,
            hundred=HUNDRED, region=region))
        if previous is not None:
            report.written += step("verdicts", lambda: _write_batches(
                graph, "engine/write_lookthrough_only", run=run, generation=gen, layer=layer,
                base_layers=base_layers))
            counts = {k: int(previous.get(f"count_{k}") or 0) for k in ("restricted", "review")}
            for row in graph.read("engine/layer_counts", generation=gen, base_layers=base_layers):
                counts[row["new"]] = counts.get(row["new"], 0) + int(row["count"])
                if row["old"] is not None:
                    counts[row["old"]] = counts.get(row["old"], 0) - int(row["count"])
        else:
            counts = {row["verdict"]: int(row["count"])
                      for row in graph.read("engine/generation_counts", generation=gen)}
        # Clear: every other party of the snapshot (stored or not, a clear verdict is the same verdict).
        counts["clear"] = max(0, int(snapshot["parties"] or 0) - counts.get("restricted", 0) - counts.get("review", 0))
        report.counts = {k: v for k, v in counts.items() if v}
        step("clear", lambda: clear_work(graph))
        report.seconds = round(time.perf_counter() - started, 3)
        report.timings = timings
        finished_at = datetime.now(UTC)
        graph.write("engine/generation_finish", id=gen, status="published" if publish else "computed", props={
            **({"published_at": finished_at} if publish else {}), "computed_at": finished_at,
            "seconds": report.seconds, "rounds": report.rounds, "seeds": report.seeds,
            "lookthrough_rounds": report.lookthrough_rounds,
            "lookthrough_converged": report.lookthrough_converged, "lookthrough_short": report.lookthrough_short,
            "region": report.region,
            "layers": report.layers, "layer": layer, "written": report.written, "base_loaded": report.base_loaded,
            "full_written": report.written if previous is None else previous.get("full_written"),
            "timings_json": json.dumps(timings), "base": previous["id"] if previous else None,
            **{f"count_{k}": v for k, v in report.counts.items()},
        })
        log.info("generation %s %s", gen, "published" if publish else "computed (not published yet)",
                 extra={"seconds": report.seconds, "rounds": report.rounds})
        return report
    except BaseException as error:
        graph.write("engine/generation_fail", id=gen, error=f"{type(error).__name__}: {error}"[:2000])
        clear_work(graph)
        raise
