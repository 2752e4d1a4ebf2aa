"""Delta refresh against full recompute, on the synthetic 1,000,000-entity registry, in the same run.

1. Full recompute: a full generation of every active policy (the baseline).
2. A delta touching 1% of the registry (by default 10,000 ownership records restated: new shares, a
   third of them moved to a holder in a restricted jurisdiction) is written as a BODS 0.4 file and
   applied by `refresh`: load, incremental recompute of every policy (only what lies below the changed
   parties), change log, checks, atomic publication.
Reports both times, the ratio and the refresh's phases. Needs the registry in the bench instance
(`python bench/compute_bench.py` loads it). Writes bench/out/refresh-<stamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine.compute import compute_generation  # noqa: E402
from app.engine.service import active_policies  # noqa: E402
from app.refresh.config import RefreshConfig  # noqa: E402
from app.refresh.run import refresh  # noqa: E402
from app.settings import load_settings  # noqa: E402
from bench.load_bench import OUT, open_bench, registry  # noqa: E402

AS_OF = date(2026, 11, 1)


def write_delta(source: Path, target: Path, records: int, seed: int) -> dict[str, int]:
    """Restates `records` random relationship records of the registry file, as BODS 0.4 'updated'."""
    rng = random.Random(seed)
    relationships: list[bytes] = []
    restricted_holders: list[str] = []
    with source.open("rb") as handle:
        for line in handle:
            if b'"recordType":"relationship"' in line:
                relationships.append(line)
            elif (b'"recordType":"entity"' in line and (b'"code":"CN"' in line or b'"code":"RU"' in line)
                  and len(restricted_holders) < 5_000):
                restricted_holders.append(orjson.loads(line)["recordId"])
    chosen = rng.sample(relationships, records)
    subjects = set()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for n, line in enumerate(chosen):
            statement = orjson.loads(line)
            details = statement["recordDetails"]
            subjects.add(details["subject"])
            statement["statementId"] = f"syn-delta-{seed}-{n:09d}"
            statement["recordStatus"] = "updated"
            statement["statementDate"] = "2025-06-01"
            if rng.random() < 1 / 3:
                details["interestedParty"] = rng.choice(restricted_holders)
            for interest in details["interests"]:
                if "share" in interest:
                    interest["share"] = {"exact": round(rng.uniform(1, 100), 2)}
            out.write(orjson.dumps(statement) + b"\n")
    return {"records": records, "subjects": len(subjects)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--fraction", type=float, default=0.01, help="Share of the registry the delta touches")
    parser.add_argument("--port", type=int, default=7699)
    parser.add_argument("--instance", default="bench")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()

    settings = load_settings()
    _, graph, parties = open_bench(args.instance, args.port)
    driver = graph.driver
    if parties < args.entities:
        raise SystemExit(f"the bench instance holds {parties:,} parties: run bench/compute_bench.py first")
    policies = list(active_policies(settings).values())
    results: dict[str, Any] = {"entities": args.entities, "parties": parties, "policies": [p.id for p in policies]}

    full: dict[str, float] = {}
    for policy in policies:
        generation = compute_generation(graph, policy, AS_OF)
        full[policy.id] = generation.seconds
        print(f"full recompute {policy.id}: {generation.seconds:.1f}s {generation.counts}", flush=True)
    results["full_recompute_s"] = round(sum(full.values()), 2)
    results["full_recompute_by_policy"] = full

    delta_dir = OUT / f"refresh-delta-{args.seed}"
    records = int(args.entities * args.fraction)
    started = time.perf_counter()
    results["delta"] = write_delta(registry(args.entities), delta_dir / "delta-0001.jsonl", records, args.seed)
    print(f"delta written in {time.perf_counter() - started:.1f}s: {results['delta']}", flush=True)

    config = RefreshConfig.model_validate({
        "sources": [{"name": "synthetic-deltas", "kind": "bods", "path": str(delta_dir), "mode": "delta"}],
        "checks": {"max_flip_fraction": 1.0}, "changes_dir": str(OUT / "changes"),
        "rejects_dir": str(OUT / "rejects")})
    started = time.perf_counter()
    report = refresh(graph, settings, config, policies, as_of=AS_OF)
    refresh_s = time.perf_counter() - started
    computed = {rec["g"]["policy_id"]: rec["g"] for rec in driver.execute_query(
        "MATCH (g:Generation) WHERE g.id IN $ids "
        "RETURN g {.policy_id, .region, .written, .base_loaded, .timings_json, .seconds} AS g",
        ids=list(report.generations.values())).records}
    regions = {p: g["region"] for p, g in computed.items()}
    results["refresh"] = {"status": report.status, "seconds": round(refresh_s, 2), "timings": report.timings,
                          "changes": report.changes, "region_parties": regions,
                          "generations": {p: {"seconds": g["seconds"], "verdicts_written": g["written"],
                                              "parties_read_from_base": g["base_loaded"],
                                              "steps": json.loads(g["timings_json"] or "{}")}
                                          for p, g in computed.items()},
                          "loaded": report.sources[0].get("write")}
    results["ratio_refresh_to_full"] = round(refresh_s / results["full_recompute_s"], 3)
    # pruning old generations runs after publication (housekeeping the API never waits for)
    published_s = refresh_s - report.timings.get("prune", 0.0)
    results["ratio_until_published"] = round(published_s / results["full_recompute_s"], 3)
    print(f"delta refresh ({args.fraction:.0%} of the registry): {refresh_s:.1f}s, status {report.status}, "
          f"phases {report.timings}, changes {report.changes}, recomputed parties {regions}", flush=True)
    for policy_id, generation in results["refresh"]["generations"].items():
        print(f"  {policy_id}: {generation}", flush=True)
    print(f"refresh / full recompute: {results['ratio_refresh_to_full']}, until published "
          f"{results['ratio_until_published']} (target < 0.1)", flush=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"refresh-{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    driver.close()


if __name__ == "__main__":
    main()
