"""The first on-demand verdicts after Neo4j starts, with and without the API's warm-up (app/engine/warmup.py).

On the bench store with a published generation (bench/compute_bench.py), three scenarios, each in a fresh
Python process (so no memo of an earlier one helps):

- `warm server`: the server as it is (it has served before), no warm-up: the baseline;
- `restart`: the server restarted, then the requests;
- `restart + warm-up`: restarted, then `warm_up` as the API runs it before /readyz reports ready, then the
  requests.

The requests: for 20 entities ten levels deep, in this order, the stored verdict, the day before, 2019-06-30
(a date most ancestries differ on: its first request finds what changed, whatever the server's state), a
holder sells its stake, and a seed buys 60% three levels up. For each kind it prints the first request, the
median and the slowest of the other 19, and the ratio of each scenario's slowest to the warm server's
(also written to bench/out/restart-*.json).

    python bench/restart_bench.py               # bench store on port 7699
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import native  # noqa: E402
from app.engine.service import verdict_for  # noqa: E402
from app.engine.verdicts import Change, current_generation  # noqa: E402
from app.engine.warmup import warm_up  # noqa: E402
from app.heap import freeze_startup_objects  # noqa: E402
from app.policy import load_policy  # noqa: E402
from bench.compute_bench import POLICY, deep_entities, what_if_cases  # noqa: E402
from bench.load_bench import OUT, open_bench  # noqa: E402

SCENARIOS = ("warm server", "restart", "restart + warm-up")
FAR_DATE = date(2019, 6, 30)
REQUESTS = 20


def scenario(name: str, port: int) -> dict[str, Any]:
    server, graph, _ = open_bench("bench", port)
    if name != "warm server":
        server.stop()
        server.start()
    policy = load_policy(POLICY)
    generation = current_generation(graph, policy.id)
    if generation is None:
        raise SystemExit(f"no published generation of {policy.id}: run bench/compute_bench.py first")
    result: dict[str, Any] = {"scenario": name}
    if name.endswith("warm-up"):
        report = warm_up(graph, {policy.id: policy}, lambda _: generation)
        result["warm_up"] = {"seconds": round(report.seconds, 1), "requests": report.requests,
                             "slowest_ms": report.slowest_ms, "failed": report.failed}
    freeze_startup_objects()
    cases = what_if_cases(graph, deep_entities(graph, REQUESTS))
    on = native(generation["as_of"])
    kinds: dict[str, Callable[[dict[str, Any]], object]] = {
        "stored": lambda r: verdict_for(graph, policy, r["id"], generation=generation),
        "the day before": lambda r: verdict_for(graph, policy, r["id"], on - timedelta(days=1),
                                                generation=generation),
        FAR_DATE.isoformat(): lambda r: verdict_for(graph, policy, r["id"], FAR_DATE, generation=generation),
        "a holder sells": lambda r: verdict_for(
            graph, policy, r["id"], changes=[Change("remove", r["holder"], r["id"])], generation=generation),
        "a seed buys 60% three levels up": lambda r: verdict_for(
            graph, policy, r["id"], changes=[Change("add", r["seed"], r["ancestor"], share_min=60.0, share_max=60.0)],
            generation=generation),
    }
    for kind, ask in kinds.items():
        times = []
        for case in cases:
            started = time.perf_counter()
            ask(case)
            times.append((time.perf_counter() - started) * 1000)
        rest = times[1:]
        result[kind] = {"first_ms": round(times[0], 1), "p50_rest_ms": round(statistics.median(rest), 1),
                        "max_rest_ms": round(max(rest), 1)}
    graph.driver.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7699)
    parser.add_argument("--scenario", choices=SCENARIOS, help="one scenario in this process (the runner's)")
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(scenario(args.scenario, args.port)), flush=True)
        return
    results = []
    for name in SCENARIOS:
        out = subprocess.run([sys.executable, __file__, "--scenario", name, "--port", str(args.port)],
                             check=True, capture_output=True, text=True, cwd=ROOT).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"restart-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(results, indent=2))
    base = results[0]
    print(f"\n{'request':34s}" + "".join(f"{name:>30s}" for name in SCENARIOS))
    for kind in (k for k in base if isinstance(base[k], dict) and "first_ms" in base[k]):
        cells = []
        for result in results:
            figures = result[kind]
            ratio = figures["max_rest_ms"] / base[kind]["max_rest_ms"]
            cells.append(f"{figures['first_ms']:.0f} | {figures['p50_rest_ms']:.1f} | {figures['max_rest_ms']:.0f} "
                         f"({ratio:.1f}x)")
        print(f"{kind:34s}" + "".join(f"{cell:>30s}" for cell in cells))
    print("\neach cell: first request | median of the other 19 | slowest of them (ms; ratio to the warm server's)")
    warm = results[-1].get("warm_up")
    if warm:
        print(f"warm-up: {warm['requests']} requests in {warm['seconds']} s, failed: {warm['failed'] or 'none'}")


if __name__ == "__main__":
    main()
