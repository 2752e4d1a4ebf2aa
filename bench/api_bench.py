"""API load benchmark: stored-verdict lookups and batch screening on the synthetic registry.

The load generator is wrk, a separate process on loopback (Debian package `wrk`). In the same run it
measures a trivial route (`/healthz`) as the ceiling of the stack on this machine, then:
- stored verdicts for a hot set of entities (served from the per-generation cache after first use),
- stored verdicts over many distinct entities (mostly cache misses: each one reads Neo4j),
- POST /v1/screen with 1,000 names (sampled from the registry, some altered) and 1,000 identifiers.

Needs the registry loaded and a published generation in the bench instance: `python bench/compute_bench.py`
leaves both. Prints its figures and writes them to bench/out/api-<stamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import Graph  # noqa: E402
from bench.load_bench import open_bench  # noqa: E402

OUT = ROOT / "bench" / "out"
LUA = """
local refs = {}
for line in io.lines(os.getenv("REFS_FILE")) do refs[#refs + 1] = line end
local counter = 0
setup = function(thread) counter = counter + 1; thread:set("seed", counter) end
init = function(args) math.randomseed(os.time() * 1000 + seed) end
request = function()
  return wrk.format("GET", "/v1/entities/" .. refs[math.random(#refs)] .. "/verdict")
end
"""


def parse_wrk(text: str) -> dict[str, Any]:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    result: dict[str, Any] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "90", "99"):
        found = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M)
        result[f"p{pct}_ms"] = round(ms(found.group(1)), 2) if found else None
    result["requests"] = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    result["non_2xx"] = int(bad.group(1)) if bad else 0
    result["socket_errors"] = errors.group(1).strip() if errors else None
    return result


def run_wrk(url: str, duration: int, connections: int, threads: int, refs: Path | None = None) -> dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    env = dict(os.environ)
    if refs is not None:
        script = OUT / "verdicts.lua"
        script.write_text(LUA)
        cmd[1:1] = ["-s", str(script)]
        env["REFS_FILE"] = str(refs)
    text = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return parse_wrk(text)


def sample(graph: Graph, count: int, seed: int) -> tuple[list[str], list[str]]:
    """Identifier keys and names of `count` random registered entities."""
    [total] = graph.driver.execute_query("MATCH (p:Entity) RETURN count(p) AS n").records
    probability = min(1.0, 2.0 * count / max(1, total["n"]))
    rows = graph.driver.execute_query(
        "MATCH (p:Entity) WHERE rand() < $p MATCH (i:Identifier)-[:IDENTIFIES]->(p) "
        "RETURN i.key AS key, p.name AS name LIMIT $n", p=probability, n=count).records
    rng = random.Random(seed)
    keys = [r["key"] for r in rows]
    names = [r["name"] for r in rows]
    rng.shuffle(keys)
    return keys, names


def alter(name: str, rng: random.Random) -> str:
    """What callers type: other case, no legal form, a typo now and then."""
    words = name.split()
    roll = rng.random()
    if roll < 0.3:
        return " ".join(words[:-1]).lower()
    if roll < 0.5 and len(words[0]) > 4:
        i = rng.randrange(1, len(words[0]) - 1)
        return " ".join([words[0][:i] + words[0][i + 1:], *words[1:]])
    return name.upper() if roll < 0.7 else name


def screening(url: str, queries: list[dict[str, str]], repeats: int) -> dict[str, Any]:
    times, matched = [], 0
    with httpx.Client(timeout=120) as client:
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.post(f"{url}/v1/screen", json={"queries": queries})
            times.append(time.perf_counter() - started)
            response.raise_for_status()
            matched = sum(r["status"] == "matched" for r in response.json()["results"])
    return {"queries": len(queries), "seconds_median": round(statistics.median(times), 3),
            "seconds_all": [round(t, 3) for t in times], "matched": matched}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7699, help="Bolt port of the bench Neo4j instance")
    parser.add_argument("--instance", default="bench")
    parser.add_argument("--api-port", type=int, default=8799)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--distinct", type=int, default=100_000, help="Distinct entities for the cold run")
    parser.add_argument("--hot", type=int, default=1_000, help="Entities in the hot set")
    parser.add_argument("--screen", type=int, default=1_000)
    parser.add_argument("--only-verdicts", action="store_true", help="Skip screening and the summary file.")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    server, graph, parties = open_bench(args.instance, args.port)
    driver = graph.driver
    published = driver.execute_query("MATCH (g:Generation {status: 'published'}) RETURN count(g) AS n").records
    if published[0]["n"] == 0:
        raise SystemExit("no published generation in the bench instance: run bench/compute_bench.py first")
    results: dict[str, Any] = {"parties": parties, "machine_cores": os.cpu_count(), "workers": args.workers,
                               "connections": args.connections, "duration_s": args.duration}
    OUT.mkdir(parents=True, exist_ok=True)
    keys, names = sample(graph, max(args.distinct, args.screen), seed=7)
    cold_refs, hot_refs = OUT / "refs-cold.txt", OUT / "refs-hot.txt"
    cold_refs.write_text("\n".join(keys[: args.distinct]) + "\n")
    hot_refs.write_text("\n".join(keys[: args.hot]) + "\n")

    env = {**os.environ, "NEO4J_URI": server.uri, "OWNERSHIP_LOG_LEVEL": "WARNING", "OWNERSHIP_LOG_FORMAT": "json"}
    api = subprocess.Popen([str(Path(sys.executable).parent / "ownership"), "serve", "--port", str(args.api_port),
                            "--workers", str(args.workers)], env=env, cwd=ROOT, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=open(OUT / "api-bench-server.log", "w"))
    url = f"http://127.0.0.1:{args.api_port}"
    try:
        deadline = time.monotonic() + 300  # readiness waits for the warm-up (app/engine/warmup.py)
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the API did not become ready; see bench/out/api-bench-server.log")
            time.sleep(0.3)
        httpx.get(f"{url}/v1/entities/{keys[0]}/verdict", timeout=30).raise_for_status()
        results["ceiling_healthz"] = run_wrk(f"{url}/healthz", args.duration, args.connections, args.threads)
        print("trivial route (/healthz), the ceiling:", results["ceiling_healthz"], flush=True)
        results["ceiling_healthz_low_concurrency"] = run_wrk(f"{url}/healthz", args.duration, 4, args.threads)
        print("trivial route, 4 connections:", results["ceiling_healthz_low_concurrency"], flush=True)
        run_wrk(url, 5, args.connections, args.threads, hot_refs)  # warms the cache for the hot set
        results["verdicts_hot"] = run_wrk(url, args.duration, args.connections, args.threads, hot_refs)
        print(f"stored verdicts, {args.hot:,} hot entities:", results["verdicts_hot"], flush=True)
        results["verdicts_hot_low_concurrency"] = run_wrk(url, args.duration, 4, args.threads, hot_refs)
        print(f"stored verdicts, {args.hot:,} hot entities, 4 connections:", results["verdicts_hot_low_concurrency"],
              flush=True)
        results["verdicts_distinct"] = run_wrk(url, args.duration, args.connections, args.threads, cold_refs)
        print(f"stored verdicts, {args.distinct:,} distinct entities:", results["verdicts_distinct"], flush=True)
        results["verdicts_distinct_low_concurrency"] = run_wrk(url, args.duration, 4, args.threads, cold_refs)
        print(f"stored verdicts, {args.distinct:,} distinct entities, 4 connections:",
              results["verdicts_distinct_low_concurrency"], flush=True)
        if args.only_verdicts:
            return
        rng = random.Random(11)
        by_name = [{"name": alter(n, rng)} for n in names[: args.screen]]
        results["screen_names"] = screening(url, by_name, repeats=3)
        print(f"screening {args.screen:,} names:", results["screen_names"], flush=True)
        by_key = [{"identifier": k} for k in keys[: args.screen]]
        results["screen_identifiers"] = screening(url, by_key, repeats=3)
        print(f"screening {args.screen:,} identifiers:", results["screen_identifiers"], flush=True)
    finally:
        os.killpg(api.pid, signal.SIGTERM)
        api.wait(timeout=30)
        driver.close()
    ceiling = results["ceiling_healthz"]["rps"]
    results["hot_vs_ceiling"] = round(results["verdicts_hot"]["rps"] / ceiling, 3)
    results["distinct_vs_ceiling"] = round(results["verdicts_distinct"]["rps"] / ceiling, 3)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"api-{stamp}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
