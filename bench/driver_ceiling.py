"""The ceiling of one API process's Neo4j reads: the cheapest stored lookup there is (an identifier to its party's
id, one index seek), run through the Python driver as the API runs reads, in 2 threads of one process.

Any request that has to ask Neo4j pays at least this much of one process's time, so the uncached verdict
lookups of `bench/api_bench.py` are bounded near this rate per API worker before any evidence is built.
Needs a registry in the bench instance (`python bench/load_bench.py ... --bulk` leaves one).

    python bench/driver_ceiling.py
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_bench import open_bench  # noqa: E402

TRIVIAL = "MATCH (:Identifier {key: $ref})-[:IDENTIFIES]->(p:Party) RETURN p.id AS id"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7699)
    parser.add_argument("--per-thread", type=int, default=5_000)
    args = parser.parse_args()
    _, graph, parties = open_bench("bench", args.port)
    refs = [r["k"] for r in graph.driver.execute_query(
        "MATCH (i:Identifier) WITH i SKIP 100000 LIMIT $n RETURN i.key AS k", n=2 * args.per_thread + 500).records]
    from neo4j import READ_ACCESS

    def work(chunk: list[str]) -> None:
        for ref in chunk:
            with graph.driver.session(database="neo4j", default_access_mode=READ_ACCESS) as session:
                list(session.run(TRIVIAL, ref=ref))

    work(refs[:500])  # plans and connections warmed
    results = {"parties": parties}
    for threads in (1, 2):
        chunks = [refs[500 + i * args.per_thread: 500 + (i + 1) * args.per_thread] for i in range(threads)]
        workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        results[f"reads_per_s_{threads}_threads"] = round(threads * args.per_thread / (time.perf_counter() - started))
    print(json.dumps(results, indent=2))
    graph.driver.close()


if __name__ == "__main__":
    main()
