"""Control-engine benchmark: a full generation on the synthetic registry, against the reference.

In one run: the Cypher engine's full generation on the loaded 1,000,000-entity registry, --runs times in
a row (time, Neo4j resident memory; the first after a restart also pays the JVM's compilation), the
independent reference implementation (tests/reference.py) on the same registry read from its file (time,
and whether the verdict counts agree), on-demand verdicts for entities ten levels deep on other dates and
what-if verdicts for them (p50/p99, through the generation and by walking every ancestor), then how the
engine's time grows with 10,000 and 100,000 entities. The on-demand figures are taken after the warm-up
the API makes before it reports ready.

    python bench/compute_bench.py            # after bench/load_bench.py loaded the big registry
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import Graph, create_driver, native  # noqa: E402
from app.engine.compute import compute_generation  # noqa: E402
from app.engine.service import verdict_for  # noqa: E402
from app.engine.verdicts import Change, current_generation, on_demand_verdict, resolve  # noqa: E402
from app.engine.warmup import warm_up  # noqa: E402
from app.heap import freeze_startup_objects  # noqa: E402
from app.neo4j_local import LocalNeo4j  # noqa: E402
from app.policy import load_policy  # noqa: E402
from app.schema import init_schema, reset_graph  # noqa: E402
from app.settings import load_settings  # noqa: E402
from bench.load_bench import OUT, registry, timed_load  # noqa: E402
from tests.reference import REdge, RNode, compute  # noqa: E402

POLICY = ROOT / "policies" / "restricted-jurisdictions.yaml"
AS_OF = date(2026, 11, 1)


def rss_mb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            name, value = line.split(":")
            fields[name] = int(value.split()[0]) // 1024
    return {"rss_mb": fields.get("VmRSS", 0), "peak_rss_mb": fields.get("VmHWM", 0)}


def read_registry(path: Path) -> tuple[list[RNode], list[REdge]]:
    nodes: list[RNode] = []
    edges: list[REdge] = []
    with path.open("rb") as handle:
        for line in handle:
            st = orjson.loads(line)
            d = st["recordDetails"]
            rid = "BODS:" + st["recordId"]
            if st["recordType"] == "entity":
                nodes.append(RNode(rid, "entity", "registeredEntity", d["incorporatedInJurisdiction"]["code"],
                                   d["addresses"][0]["country"]["code"]))
            elif st["recordType"] == "person":
                nodes.append(RNode(rid, "person", nationalities=(d["nationalities"][0]["code"],)))
            else:
                for i in d["interests"]:
                    subject, holder = "BODS:" + d["subject"], "BODS:" + d["interestedParty"]
                    end = date.fromisoformat(i["endDate"]) if "endDate" in i else None
                    start = date.fromisoformat(i["startDate"]) if "startDate" in i else None
                    if i["type"] == "shareholding":
                        share = i["share"]
                        low = share.get("exact", share.get("minimum", share.get("exclusiveMinimum")))
                        high = share.get("exact", share.get("maximum", share.get("exclusiveMaximum")))
                        edges.append(REdge(holder, subject, "OWNS", "equity", share_min=low, share_max=high,
                                           min_exclusive="exclusiveMinimum" in share,
                                           max_exclusive="exclusiveMaximum" in share, direct="direct",
                                           start=start, end=end))
                    else:
                        kind = {"appointmentOfBoard": "board_appointment",
                                "otherInfluenceOrControl": "significant_influence",
                                "rightsGrantedByContract": "contractual"}[i["type"]]
                        edges.append(REdge(holder, subject, "CONTROLS", kind=kind, direct="direct", start=start,
                                           end=end))
    return nodes, edges


def engine_run(graph: Graph, server_pid: int) -> dict[str, Any]:
    policy = load_policy(POLICY)
    started = time.perf_counter()
    report = compute_generation(graph, policy, AS_OF)
    return {"seconds": round(time.perf_counter() - started, 2), "counts": report.counts, "rounds": report.rounds,
            "lookthrough_rounds": report.lookthrough_rounds, "timings": report.timings,
            "neo4j_memory": rss_mb(server_pid), "generation": report.generation}


def deep_entities(graph: Graph, count: int) -> list[str]:
    records, _, _ = graph.driver.execute_query(
        "MATCH (x:Party:Entity)<-[:OWNS*10]-(:Party) RETURN DISTINCT x.id AS id LIMIT $n", n=count,
        database_=graph.database)
    return [r["id"] for r in records]


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2)}


SLOWEST_SHOWN = 3


def _slowest(times: list[float], ids: list[str], hows: list[str]) -> list[dict[str, Any]]:
    """The slowest requests (the p99 of 200 is the second slowest), each with its party and how it was
    answered: a tail is usually one party's first walk through an ancestry nothing has settled yet."""
    ranked = sorted(zip(times, ids, hows, strict=True), reverse=True)[:SLOWEST_SHOWN]
    return [{"ms": round(ms, 2), "party": pid, "how": how} for ms, pid, how in ranked]


def _how(result: dict[str, Any]) -> str:
    basis = result["evidence"].get("basis")
    if basis:
        return "reused" if basis["reused"] else "re-evaluated"
    subgraph = result["evidence"]["subgraph"]
    if "settled_boundary" not in subgraph:
        return "whole ancestry walked"
    if result["mode"] == "what_if":
        return "from parties settled on the generation's date"
    if subgraph["settled_boundary"]:
        return "walked up to parties settled on the date"
    return "walked, settling on the date (no settled party above it yet)"


def on_demand(graph: Graph, ids: list[str], other_day: date) -> dict[str, Any]:
    """Verdicts for `other_day` (not the generation's date): through the generation where it still holds
    (app/engine/shifted.py), and, as the baseline in the same run, by walking every ancestor. The published
    generation is read once and passed in, as the API does (its view of the generation is re-read at most
    every OWNERSHIP_GENERATION_POLL_S), so the latencies are those of the verdict itself."""
    policy = load_policy(POLICY)
    generation = current_generation(graph, policy.id)
    if generation is None:
        raise SystemExit(f"no published generation of {policy.id}: run without --skip-engine first")
    t0 = time.perf_counter()
    first = verdict_for(graph, policy, ids[0], other_day, generation=generation)  # finds the affected set
    first_ms = round((time.perf_counter() - t0) * 1000, 1)
    first_basis = first["evidence"].get("basis")
    for pid in ids[:10]:
        verdict_for(graph, policy, pid, other_day, generation=generation)
    times: list[float] = []
    walked_times: list[float] = []
    sizes: list[int] = []
    verdicts: dict[str, Any] = {}
    hows: list[str] = []
    for pid in ids:  # the two loops apart, so neither's heavy reads disturb the other's latencies
        t0 = time.perf_counter()
        result = verdict_for(graph, policy, pid, other_day, generation=generation)
        times.append((time.perf_counter() - t0) * 1000)
        hows.append(_how(result))
        verdicts[pid] = result["verdict"]
    for pid in ids:
        t0 = time.perf_counter()
        walked = on_demand_verdict(graph, policy, resolve(graph, pid), other_day)
        walked_times.append((time.perf_counter() - t0) * 1000)
        sizes.append(walked["evidence"]["subgraph"]["parties"])
        if walked["verdict"] != verdicts[pid]:
            raise SystemExit(f"{pid}: {verdicts[pid]} through the generation, {walked['verdict']} walked")
    return {"date": other_day.isoformat(), "requests": len(times), **_percentiles(times), "how": dict(Counter(hows)),
            "slowest": _slowest(times, ids, hows),
            "affected_parties": first_basis["affected_parties"] if first_basis else None,
            "first_request_ms": first_ms,
            "ancestry_walk": {**_percentiles(walked_times), "median_subgraph_parties": statistics.median(sizes),
                              "max_subgraph_parties": max(sizes)}}


def what_if_cases(graph: Graph, ids: list[str]) -> list[dict[str, Any]]:
    """For each entity: its first holder (by id), an ancestor three levels up and a seed (the first RU
    entity), the parties of the bench's what-if changes."""
    records, _, _ = graph.driver.execute_query(
        """MATCH (seed:Party:Entity) WHERE seed.jurisdiction = 'RU' WITH seed ORDER BY seed.id LIMIT 1
           UNWIND $ids AS id
           MATCH (x:Party {id: id})
           CALL (x) { MATCH (x)<-[r:OWNS]-(h:Party) RETURN h.id AS holder ORDER BY h.id LIMIT 1 }
           CALL (x) { MATCH (x)<-[:OWNS*3]-(a:Party) RETURN a.id AS ancestor LIMIT 1 }
           RETURN id, holder, ancestor, seed.id AS seed""", ids=ids, database_=graph.database)
    return [dict(record) for record in records]


def what_if(graph: Graph, ids: list[str]) -> dict[str, Any]:
    """What-if verdicts on the generation's date for the entities 10 levels deep, two kinds of change:
    the entity's first holder sells its stake (the change is on the entity itself), and a seed buys 60% of
    an ancestor three levels up. Through the generation (app/engine/shifted.py) and, as the baseline in the
    same run, by walking every ancestor with the changes; both must agree. The walks run after the timed
    loop: interleaved, each walk's 7,800 parties slowed the what-if after it (A/B on the bench store: a
    holder sells, p50 3.0-3.1 ms interleaved against 1.5 ms apart; README, "Benchmarks")."""
    policy = load_policy(POLICY)
    generation = current_generation(graph, policy.id)
    if generation is None:
        raise SystemExit(f"no published generation of {policy.id}: run without --skip-engine first")
    records = what_if_cases(graph, ids)
    scenarios = {
        "sells its stake": {r["id"]: [Change("remove", r["holder"], r["id"])] for r in records},
        "a seed buys 60% three levels up": {
            r["id"]: [Change("add", r["seed"], r["ancestor"], share_min=60.0, share_max=60.0)] for r in records},
    }
    results: dict[str, Any] = {}
    for name, changes in scenarios.items():
        first_ms = 0.0
        for index, pid in enumerate(list(changes)[:10]):  # the first settles the largest ancestry (all of it)
            t0 = time.perf_counter()
            verdict_for(graph, policy, pid, changes=changes[pid], generation=generation)
            if index == 0:
                first_ms = round((time.perf_counter() - t0) * 1000, 1)
        times, walked_times = [], []
        answers: dict[str, dict[str, Any]] = {}
        hows: list[str] = []
        moved = 0
        for pid, change in changes.items():  # the two loops apart, as in `on_demand`
            t0 = time.perf_counter()
            answers[pid] = verdict_for(graph, policy, pid, changes=change, generation=generation)
            times.append((time.perf_counter() - t0) * 1000)
            hows.append(_how(answers[pid]))
        for pid, change in changes.items():
            result = answers[pid]
            t0 = time.perf_counter()
            walked = on_demand_verdict(graph, policy, resolve(graph, pid), native(generation["as_of"]), change)
            walked_times.append((time.perf_counter() - t0) * 1000)
            if (walked["verdict"], walked["restricted_share"]) != (result["verdict"], result["restricted_share"]):
                raise SystemExit(f"{pid} ({name}): {result['verdict']} through the generation, "
                                 f"{walked['verdict']} walked")
            moved += result["verdict"] != verdict_for(graph, policy, pid, generation=generation)["verdict"]
        results[name] = {"requests": len(times), **_percentiles(times), "how": dict(Counter(hows)),
                         "slowest": _slowest(times, list(changes), hows),
                         "verdicts_moved": moved, "first_request_ms": first_ms,
                         "ancestry_walk": _percentiles(walked_times)}
    return results


def api_warm_up(graph: Graph) -> dict[str, Any]:
    """The warm-up the API makes before it reports ready (app/engine/warmup.py), so the latencies below are
    those of a server taking requests: without it, a holder-sells what-if walked an ancestry nothing had
    settled (the slowest request 340.0 and 358.6 ms in two runs, against 7.7 and 9.1 ms in two runs after
    the warm-up; README, "Benchmarks")."""
    policy = load_policy(POLICY)
    report = warm_up(graph, {policy.id: policy}, lambda _: current_generation(graph, policy.id))
    return {"seconds": round(report.seconds, 1), "requests": report.requests, "slowest_ms": report.slowest_ms,
            "skipped": report.skipped, "failed": report.failed}


def _delete_new_entities(graph: Graph) -> None:
    graph.driver.execute_query("MATCH (x:Party) WHERE x.id STARTS WITH 'BENCH-NEW-' DETACH DELETE x",
                               database_=graph.database)


def new_entities(graph: Graph, count: int) -> dict[str, Any]:
    """On-demand verdicts for parties added after the generation (each owned by two existing parties)."""
    policy = load_policy(POLICY)
    _delete_new_entities(graph)  # those a killed run left behind
    graph.driver.execute_query(
        """MATCH (h:Party:Entity) WITH h ORDER BY h.id LIMIT $holders
           WITH collect(h) AS holders
           UNWIND range(0, $n - 1) AS i
           CREATE (x:Party:Entity {id: 'BENCH-NEW-' + toString(i), name: 'New ' + toString(i), kind: 'entity',
                                   jurisdiction: 'GB', first_seen: datetime()})
           WITH x, holders, i
           WITH x, holders[(i * 7919) % size(holders)] AS a, holders[(i * 104729 + 1) % size(holders)] AS b
           CREATE (a)-[:OWNS {measure: 'equity', share_min: 60.0, share_max: 60.0, direct: 'direct'}]->(x),
                  (b)-[:OWNS {measure: 'equity', share_min: 40.0, share_max: 40.0, direct: 'direct'}]->(x)""",
        holders=50_000, n=count, database_=graph.database)
    ids = [f"BENCH-NEW-{i}" for i in range(count)]
    times = []
    modes: Counter[str] = Counter()
    try:
        generation = current_generation(graph, policy.id)  # read once, as the API's view of it is
        for pid in ids[:10]:
            verdict_for(graph, policy, pid, generation=generation)
        for pid in ids:
            t0 = time.perf_counter()
            result = verdict_for(graph, policy, pid, generation=generation)
            times.append((time.perf_counter() - t0) * 1000)
            modes[result["mode"]] += 1
    finally:
        _delete_new_entities(graph)
    times.sort()
    return {"requests": len(times), "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2), "modes": dict(modes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--port", type=int, default=7699)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--deep", type=int, default=200)
    parser.add_argument("--growth", default="10000,100000")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--skip-engine", action="store_true",
                        help="Only the on-demand figures, against the generation already published")
    parser.add_argument("--instance", default="bench")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="The on-demand figures without the API's warm-up first (as before 2026-11-25)")
    parser.add_argument("--runs", type=int, default=2,
                        help="Full generations in a row: the first after a restart or an import also pays the "
                             "JVM's compilation, the later ones do not (each is reported; `engine` is the last)")
    args = parser.parse_args()

    server = LocalNeo4j(load_settings(local_heap=args.heap, local_pagecache=args.pagecache), instance=args.instance,
                        port=args.port)
    status = server.start()
    assert status.pid
    driver = create_driver(load_settings(neo4j_uri=server.uri))
    graph = Graph(driver, "neo4j")
    init_schema(graph)
    results: dict[str, Any] = {"entities": args.entities}
    parties = driver.execute_query("MATCH (p:Party) RETURN count(p) AS n").records[0]["n"]
    if parties < args.entities:
        print(f"loading the {args.entities:,}-entity registry first ...", flush=True)
        reset_graph(graph, batch=20_000)
        init_schema(graph)
        results["load"] = timed_load(server.uri, registry(args.entities), 5_000)
    if not args.skip_engine:
        runs = []
        for number in range(1, max(1, args.runs) + 1):
            runs.append(engine_run(graph, status.pid))
            print(f"engine, {args.entities:,} entities, run {number}:", json.dumps(runs[-1]), flush=True)
        results["engine"], results["engine_runs_seconds"] = runs[-1], [run["seconds"] for run in runs]
    freeze_startup_objects()  # as the API does once started: the latencies below are a server's
    if not args.no_warm_up:
        results["warm_up"] = api_warm_up(graph)
        print("the API's warm-up:", results["warm_up"], flush=True)
    results["on_demand_new_entities"] = new_entities(graph, args.deep)
    print("on-demand verdicts, entities added after the generation:", results["on_demand_new_entities"],
          flush=True)
    ids = deep_entities(graph, args.deep)
    results["on_demand_10_deep"] = on_demand(graph, ids, date(2026, 10, 31))
    print("on-demand verdicts, entities 10 levels deep, the day before:", results["on_demand_10_deep"], flush=True)
    results["what_if_10_deep"] = what_if(graph, ids)
    print("what-if verdicts, entities 10 levels deep:", results["what_if_10_deep"], flush=True)
    results["on_demand_10_deep_years_before"] = on_demand(graph, ids, date(2019, 6, 30))
    print("on-demand verdicts, entities 10 levels deep, 2019-06-30 (the interests ended in 2020 valid again):",
          results["on_demand_10_deep_years_before"], flush=True)
    if not args.skip_reference and "engine" in results:
        t0 = time.perf_counter()
        nodes, edges = read_registry(registry(args.entities))
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        expected = compute(nodes, edges, load_policy(POLICY), AS_OF)
        ref_s = time.perf_counter() - t0
        counts = Counter(v.verdict for v in expected.values())
        engine_counts = dict(results["engine"]["counts"])
        engine_counts["clear"] = len(nodes) - sum(v for k, v in engine_counts.items() if k != "clear")
        results["reference"] = {"seconds": round(ref_s, 2), "read_seconds": round(read_s, 2), "counts": dict(counts),
                                "agrees_with_engine": dict(counts) == engine_counts,
                                "engine_speedup": round(ref_s / results["engine"]["seconds"], 2)}
        print("reference implementation:", results["reference"], flush=True)
    growth = []
    for size in [int(s) for s in args.growth.split(",") if s]:
        reset_graph(graph, batch=20_000)
        init_schema(graph)
        timed_load(server.uri, registry(size), 5_000)
        run = engine_run(graph, status.pid)
        growth.append({"entities": size, "seconds": run["seconds"], "rounds": run["rounds"]})
        print(f"engine, {size:,} entities:", growth[-1], flush=True)
    if "engine" in results:
        growth.append({"entities": args.entities, "seconds": results["engine"]["seconds"],
                       "rounds": results["engine"]["rounds"]})
    results["growth"] = growth
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"compute-{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    driver.close()


if __name__ == "__main__":
    main()
