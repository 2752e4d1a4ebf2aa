"""Where an on-demand verdict's time goes, for the two kinds that miss the 20 ms p99 target.

On the bench store with a published generation (bench/compute_bench.py), for the entities ten levels
deep: verdicts on 2019-06-30, where every ancestry changed (each walk stops at the parties earlier
verdicts on that date settled), the first verdict on the day before that, and what-ifs where a seed buys
60% of an ancestor three levels up. Each request's time is split into Neo4j round trips (by statement,
including the driver's decoding), the two fixed points in Python (membership, look-through) and the rest
(climbing the settled ancestry, building the evidence, bookkeeping), with how many parties it evaluated
and how many it settled, and the process's CPU time (the Python side alone: on a shared machine it varies
less than the wall clock, so A/B comparisons of Python changes read it). It prints the percentiles, the
split of the median request and of the slowest, and with --more N how the far-date verdicts' p50 grows as
N other entities' verdicts settle more parties (blocks of 200).

    python bench/ondemand_profile.py                    # bench store started if needed (port 7699)
    python bench/ondemand_profile.py --more 1000

Each verdict's steps are timed by wrapping the engine's functions in this process only; the wrappers add
about a microsecond a call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import Graph  # noqa: E402
from app.engine import evaluate  # noqa: E402
from app.engine.service import verdict_for  # noqa: E402
from app.engine.settled import _SETTLED  # noqa: E402
from app.engine.verdicts import Change, current_generation  # noqa: E402
from app.heap import freeze_startup_objects  # noqa: E402
from app.policy import load_policy  # noqa: E402
from bench.compute_bench import POLICY, deep_entities, what_if_cases  # noqa: E402
from bench.load_bench import OUT, open_bench  # noqa: E402

FAR_DATE = date(2019, 6, 30)


class Split:
    """Milliseconds per step of the request being timed."""

    def __init__(self) -> None:
        self.ms: defaultdict[str, float] = defaultdict(float)
        self.round_trips = 0

    def add(self, step: str, started: float) -> None:
        self.ms[step] += (time.perf_counter() - started) * 1000


class TimedGraph(Graph):
    """The bench graph, timing each read by its statement."""

    def __init__(self, graph: Graph, split: Split) -> None:
        super().__init__(graph.driver, graph.database, graph.read_retry_s)
        self.split = split

    def read(self, statement: str, /, **params: Any) -> list[dict[str, Any]]:
        started = time.perf_counter()
        self.split.round_trips += 1
        try:
            return super().read(statement, **params)
        finally:
            self.split.add(f"neo4j {statement.removeprefix('engine/')}", started)


@contextmanager
def timing_fixed_points(split: Split) -> Iterator[None]:
    """`analyse` calls both through the module, so wrapping them there times every evaluation."""
    originals = {name: getattr(evaluate, name) for name in ("fixed_point", "lookthrough")}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                split.add(f"python {name.replace('_', ' ')}", started)
        return wrapper

    for name, function in originals.items():
        setattr(evaluate, name, timed(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(evaluate, name, function)


def settled_parties() -> int:
    return sum(len(memo.parties) for memo in _SETTLED.values())


def profile(graph: TimedGraph, requests: list[tuple[str, Callable[[], dict[str, Any]]]]) -> dict[str, Any]:
    """The first request (which settles the largest ancestry) timed alone; then, after the next nine as a
    warm-up (as bench/compute_bench.py does), every request timed, each with its split."""

    def timed(party: str, request: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        graph.split.ms.clear()
        graph.split.round_trips = 0
        before = settled_parties()
        cpu_started = time.process_time()
        started = time.perf_counter()
        result = request()
        total = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
        steps: dict[str, float] = dict(graph.split.ms)
        steps["python rest"] = total - sum(steps.values())
        return {"party": party, "total_ms": round(total, 2), "python_cpu_ms": round(cpu, 2),
                "verdict": result["verdict"],
                "evaluated": result["evidence"].get("subgraph", {}).get("parties"),
                "settled_by_it": settled_parties() - before, "round_trips": graph.split.round_trips,
                "steps_ms": {step: round(ms, 2) for step, ms in sorted(steps.items())}}

    first = timed(*requests[0])
    for _, request in requests[1:10]:
        request()
    rows = sorted((timed(party, request) for party, request in requests), key=lambda row: row["total_ms"])
    totals = [row["total_ms"] for row in rows]
    cpu = sorted(row["python_cpu_ms"] for row in rows)

    def rank(q: float) -> int:  # the q-th quantile's index among the requests, each list sorted its own way
        return min(len(rows) - 1, int(len(rows) * q))

    def at(q: float) -> dict[str, Any]:
        return rows[rank(q)]

    return {"first": first, "requests": len(rows), "p50_ms": round(statistics.median(totals), 2),
            "round_trips_mean": round(statistics.mean(row["round_trips"] for row in rows), 2),
            "round_trips_max": max(row["round_trips"] for row in rows),
            "p90_ms": at(0.9)["total_ms"], "p99_ms": at(0.99)["total_ms"],
            "python_cpu_ms": {"p50": cpu[rank(0.5)], "p90": cpu[rank(0.9)], "p99": cpu[rank(0.99)],
                              "slowest_20_sum": round(sum(cpu[-20:]), 1)},
            "median_request": at(0.5),
            "slowest": rows[-5:][::-1]}


def _show(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name}: {figures['requests']} requests, p50 {figures['p50_ms']} ms, p90 {figures['p90_ms']} ms, "
          f"p99 {figures['p99_ms']} ms; the first {figures['first']['total_ms']} ms; Neo4j round trips "
          f"{figures['round_trips_mean']} a request on average, at most {figures['round_trips_max']}", flush=True)
    cpu = figures["python_cpu_ms"]
    print(f"  this process's CPU time a request (Python, less noisy than the wall clock): p50 {cpu['p50']} ms, "
          f"p90 {cpu['p90']} ms, p99 {cpu['p99']} ms; the slowest 20 together {cpu['slowest_20_sum']} ms",
          flush=True)
    for label, row in [("median", figures["median_request"]), *(("slowest", r) for r in figures["slowest"])]:
        steps = ", ".join(f"{step} {ms}" for step, ms in row["steps_ms"].items())
        print(f"  {label:7} {row['total_ms']:8.1f} ms  evaluated {row['evaluated']}, settled "
              f"{row['settled_by_it']}, {row['round_trips']} round trips: {steps}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7699)
    parser.add_argument("--instance", default="bench")
    parser.add_argument("--deep", type=int, default=200)
    parser.add_argument("--more", type=int, default=0,
                        help="Then this many other entities' verdicts on the far date, p50 per block of 200")
    args = parser.parse_args()

    _, bench_graph, parties = open_bench(args.instance, args.port)
    split = Split()
    graph = TimedGraph(bench_graph, split)
    policy = load_policy(POLICY)
    generation = current_generation(graph, policy.id)
    if generation is None:
        raise SystemExit(f"no published generation of {policy.id}: run bench/compute_bench.py first")
    ids = deep_entities(graph, args.deep)
    purchases = {r["id"]: [Change("add", r["seed"], r["ancestor"], share_min=60.0, share_max=60.0)]
                 for r in what_if_cases(graph, ids)}
    freeze_startup_objects()  # as the API does once started
    results: dict[str, Any] = {"parties": parties, "generation": generation["id"]}
    with timing_fixed_points(split):
        results["far_date"] = profile(graph, [
            (pid, lambda pid=pid: verdict_for(graph, policy, pid, FAR_DATE, generation=generation))  # type: ignore[misc]
            for pid in ids])
        _show(f"{FAR_DATE}, every ancestry changed", results["far_date"])
        farther = FAR_DATE - timedelta(days=1)
        started = time.perf_counter()
        verdict_for(graph, policy, ids[0], farther, generation=generation)
        results["farther_date_first_ms"] = round((time.perf_counter() - started) * 1000, 1)
        print(f"\nthe first verdict on {farther} (nothing settled on it yet): "
              f"{results['farther_date_first_ms']} ms", flush=True)
        results["what_if_seed_buys"] = profile(graph, [
            (pid, lambda pid=pid: verdict_for(graph, policy, pid, changes=purchases[pid],  # type: ignore[misc]
                                              generation=generation))
            for pid in ids if pid in purchases])
        _show("what-if, a seed buys 60% three levels up", results["what_if_seed_buys"])
    if args.more:
        [row] = graph.driver.execute_query(
            "MATCH (p:Party:Entity) WITH p ORDER BY p.id SKIP 1000 LIMIT $n RETURN collect(p.id) AS ids",
            n=args.more, database_=graph.database).records
        growth, block = [], []
        for number, pid in enumerate(row["ids"], 1):
            started = time.perf_counter()
            verdict_for(graph, policy, pid, FAR_DATE, generation=generation)
            block.append((time.perf_counter() - started) * 1000)
            if number % 200 == 0 or number == len(row["ids"]):
                growth.append({"verdicts": number, "settled_parties": settled_parties(),
                               "p50_ms": round(statistics.median(block), 2)})
                print(f"  other entities on {FAR_DATE}: {growth[-1]}", flush=True)
                block = []
        results["far_date_growth"] = growth
    out = OUT / f"ondemand-profile-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
