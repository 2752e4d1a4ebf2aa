"""Loader benchmark: a synthetic BODS 0.4 registry into a dedicated local Neo4j.

Prints relationships per second and the loader process's peak memory for the whole registry, and in the
same run a naive row-at-a-time MERGE loader on a slice (the baseline), batch sizes and the driver's Rust
extension on and off on a smaller registry. Ratios matter more than absolute times on shared machines.
With --bulk, also the first load through Neo4j's offline importer (`ownership load --bulk`) into a server
of its own (`.neo4j/bench-bulk`, emptied first), next to the transactional loader on --online-entities.

    python bench/load_bench.py --entities 1000000
    python bench/load_bench.py --entities 1000000 --bulk --online-entities 100000 --skip-variants
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import Graph, create_driver  # noqa: E402
from app.neo4j_local import LocalNeo4j  # noqa: E402
from app.schema import init_schema  # noqa: E402
from app.settings import load_settings  # noqa: E402
from loaders import synth  # noqa: E402
from loaders.pipeline import iter_json_lines  # noqa: E402

OUT = ROOT / "bench" / "out"
NO_RUST = (
    "import sys, importlib.abc\n"
    "class Block(importlib.abc.MetaPathFinder):\n"
    "    def find_spec(self, name, path, target=None):\n"
    "        if name.startswith('neo4j._rust'):\n"
    "            raise ImportError('blocked for the benchmark')\n"
    "sys.meta_path.insert(0, Block())\n"
    "from app.cli import main\nsys.argv[0] = 'ownership'\nmain()\n"
)


def registry(entities: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"synth-{entities}.jsonl"
    if not path.exists():
        started = time.perf_counter()
        stats = synth.write(path, entities)
        print(f"generated {path.name}: {stats} in {time.perf_counter() - started:.1f}s", flush=True)
    return path


def open_bench(instance: str, port: int, heap: str = "4g", pagecache: str = "6g") -> tuple[LocalNeo4j, Graph, int]:
    """The bench Neo4j instance started (if needed), a graph on it, and how many parties it holds."""
    server = LocalNeo4j(load_settings(local_heap=heap, local_pagecache=pagecache), instance=instance, port=port)
    server.start()
    graph = Graph(create_driver(load_settings(neo4j_uri=server.uri)), "neo4j")
    [row] = graph.driver.execute_query("MATCH (p:Party) RETURN count(p) AS n").records
    return server, graph, int(row["n"])


def timed_load(uri: str, path: Path, batch: int, rust: bool = True) -> dict[str, Any]:
    env = {**os.environ, "NEO4J_URI": uri, "OWNERSHIP_LOG_FORMAT": "text"}
    base = [sys.executable, "-c", NO_RUST] if not rust else [str(Path(sys.executable).parent / "ownership")]
    cmd = [*base, "load", "bods", str(path), "--json", "--batch-size", str(batch), "--rejects-dir", str(OUT)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    stdout = proc.stdout.read() if proc.stdout else b""
    stderr = proc.stderr.read() if proc.stderr else b""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"load failed: {stderr.decode()[-2000:]}")
    report = json.loads(stdout)
    return {"seconds": round(elapsed, 2), "relationships": report["interests"], "parties": report["parties"],
            "rels_per_s": round(report["interests"] / elapsed), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "batch": batch, "rust": rust}


def timed_bulk_load(server: LocalNeo4j, path: Path) -> dict[str, Any]:
    """`ownership load bods PATH --bulk` into `server`, emptied first; the CLI's own figures. The server is
    left running with the imported registry (what the engine and API benchmarks read)."""
    wipe(server)
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "OWNERSHIP_NEO4J_URI")}
    env.update(OWNERSHIP_LOCAL_HOME=str(server.home.parent), OWNERSHIP_LOCAL_INSTANCE=server.home.name,
               OWNERSHIP_LOCAL_BOLT_PORT=str(server.port), OWNERSHIP_LOCAL_HEAP=server.settings.local_heap,
               OWNERSHIP_LOCAL_PAGECACHE=server.settings.local_pagecache, OWNERSHIP_LOG_FORMAT="text")
    cmd = [str(Path(sys.executable).parent / "ownership"), "load", "bods", str(path), "--bulk", "--json",
           "--rejects-dir", str(OUT)]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bulk load failed: {done.stderr[-2000:]}{done.stdout[-2000:]}")
    report = json.loads(done.stdout[done.stdout.index("{"):])
    return {"seconds": round(elapsed, 2), "relationships": report["interests"], "parties": report["parties"],
            "rels_per_s": round(report["interests"] / elapsed), "peak_rss_mb": report["peak_rss_mb"],
            "phases_s": {k: report[k] for k in ("read_s", "csv_s", "import_s", "indexes_s")}}


def wipe(server: LocalNeo4j) -> None:
    """An empty database in seconds: the server stopped and its data folder removed (deleting millions of
    nodes through Cypher takes minutes and leaves gigabytes of transaction logs)."""
    server.stop()
    shutil.rmtree(server.home / "data", ignore_errors=True)


def fresh_graph(server: LocalNeo4j) -> Graph:
    wipe(server)
    server.start()
    graph = Graph(create_driver(load_settings(neo4j_uri=server.uri)), "neo4j")
    init_schema(graph)
    return graph


def naive_load(graph: Graph, path: Path, relationships: int) -> dict[str, Any]:
    import cypher

    party_q, interest_q = cypher.query("bench/naive_party"), cypher.query("bench/naive_interest")
    done = 0
    started = time.perf_counter()
    with graph.driver.session(database=graph.database) as session:
        for item in iter_json_lines(path):
            st = item.raw
            if st["recordType"] == "relationship":
                share = st["recordDetails"]["interests"][0].get("share", {})
                low = share.get("exact", share.get("minimum", share.get("exclusiveMinimum")))
                high = share.get("exact", share.get("maximum", share.get("exclusiveMaximum")))
                session.run(interest_q, party_key=st["recordDetails"]["interestedParty"],
                            subject_key=st["recordDetails"]["subject"], record=st["recordId"],
                            share_min=low, share_max=high).consume()
                done += 1
                if done >= relationships:
                    break
            elif done == 0 and int(st["recordId"][6:] or 0) < relationships:
                session.run(party_q, key=st["recordId"], name=st["recordDetails"].get("name")).consume()
    elapsed = time.perf_counter() - started
    return {"seconds": round(elapsed, 2), "relationships": done, "rels_per_s": round(done / elapsed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--variants-entities", type=int, default=50_000)
    parser.add_argument("--naive-relationships", type=int, default=3_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--port", type=int, default=7699)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--skip-variants", action="store_true", help="Only the naive baseline and the full load.")
    parser.add_argument("--bulk", action="store_true", help="Also the offline-importer load of --entities.")
    parser.add_argument("--online-entities", type=int, default=None,
                        help="Registry size for the transactional load (default: --entities).")

    args = parser.parse_args()

    settings = load_settings(local_heap=args.heap, local_pagecache=args.pagecache)
    server = LocalNeo4j(settings, instance="bench", port=args.port)
    results: dict[str, Any] = {"entities": args.entities, "machine_cores": os.cpu_count()}

    small = registry(args.variants_entities)
    graph = fresh_graph(server)
    results["naive"] = naive_load(graph, small, args.naive_relationships)
    print("naive row-at-a-time MERGE:", results["naive"], flush=True)
    variants = []
    for batch, rust in () if args.skip_variants else ((1_000, True), (5_000, True), (20_000, True),
                                                      (args.batch, False)):
        graph.driver.close()
        graph = fresh_graph(server)
        variants.append(timed_load(server.uri, small, batch, rust))
        print(f"{args.variants_entities:,} entities:", variants[-1], flush=True)
    results["variants"] = variants

    online_entities = args.online_entities or args.entities
    graph.driver.close()
    graph = fresh_graph(server)
    results["full"] = timed_load(server.uri, registry(online_entities), args.batch)
    print(f"{online_entities:,} entities:", results["full"], flush=True)
    results["ratio_vs_naive"] = round(results["full"]["rels_per_s"] / results["naive"]["rels_per_s"], 1)
    print(f"batched loader / naive loader: {results['ratio_vs_naive']}x", flush=True)
    graph.driver.close()
    if args.bulk:
        results["bulk"] = timed_bulk_load(server, registry(args.entities))
        print(f"{args.entities:,} entities, bulk:", results["bulk"], flush=True)
        results["bulk_vs_batched"] = round(results["bulk"]["rels_per_s"] / results["full"]["rels_per_s"], 1)
        results["bulk_vs_naive"] = round(results["bulk"]["rels_per_s"] / results["naive"]["rels_per_s"], 1)
        print(f"bulk / batched: {results['bulk_vs_batched']}x; bulk / naive: {results['bulk_vs_naive']}x",
              flush=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"load-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
