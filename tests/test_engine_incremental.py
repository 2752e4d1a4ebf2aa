"""Incremental recomputation after a load gives the same verdicts as a full run, recomputing less."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from app.db import Graph
from app.engine.compute import compute_generation
from app.policy import load_policy
from loaders import synth
from tests.loading import load, rows

POLICY = Path(__file__).resolve().parents[1] / "policies" / "restricted-jurisdictions.yaml"
DAY = date(2026, 1, 1)


def effective(graph: Graph, generation: str) -> dict[str, tuple[Any, ...]]:
    """Every party's verdict (no stored verdict means clear with 0%), comparable across generations."""
    found = rows(graph, """MATCH (p:Party) OPTIONAL MATCH (v:Verdict {generation: $g, party_id: p.id})
                           RETURN p.id AS id, v {.*} AS v""", g=generation)
    out = {}
    for r in found:
        v = r["v"] or {"verdict": "clear", "share_min": 0.0, "share_max": 0.0, "lookthrough_max": 0.0}
        out[r["id"]] = (v["verdict"], v["share_min"], v["share_max"], round(v.get("lookthrough_max") or 0.0, 3))
    return out


def test_incremental_equals_full_after_a_delta(graph: Graph, tmp_path: Path) -> None:
    base = tmp_path / "base.jsonl"
    synth.write(base, 1500, seed=11)
    load(graph, "bods", base, tmp=tmp_path)
    policy = load_policy(POLICY)
    first = compute_generation(graph, policy, DAY)
    statements = [json.loads(line) for line in base.read_text().splitlines()]
    entities = [s for s in statements if s["recordType"] == "entity"]
    restricted = next(s["recordId"] for s in entities
                      if s["recordDetails"]["incorporatedInJurisdiction"]["code"] in ("CN", "RU", "IR", "KP"))
    relationship = next(s for s in statements if s["recordType"] == "relationship")
    updated = dict(relationship, statementId="delta-1", recordStatus="updated", statementDate="2025-06-01")
    updated["recordDetails"] = dict(relationship["recordDetails"], interests=[
        {"type": "shareholding", "directOrIndirect": "direct", "share": {"exact": 1.0}}])
    delta = [
        {"statementId": "delta-2", "recordId": "DELTA-R2", "recordType": "relationship", "recordStatus": "new",
         "statementDate": "2025-06-01", "recordDetails": {
             "subject": entities[700]["recordId"], "interestedParty": restricted,
             "interests": [{"type": "shareholding", "directOrIndirect": "direct", "share": {"exact": 80.0}}]}},
        updated,
    ]
    delta_file = tmp_path / "delta.jsonl"
    delta_file.write_text("\n".join(json.dumps(s) for s in delta) + "\n")
    load(graph, "bods", delta_file, tmp=tmp_path)

    incremental = compute_generation(graph, policy, DAY, incremental=True)
    full = compute_generation(graph, policy, DAY)
    assert incremental.region is not None and 0 < incremental.region < 1800
    assert full.region is None
    assert effective(graph, incremental.generation) == effective(graph, full.generation)
    assert effective(graph, incremental.generation) != effective(graph, first.generation)
    newly = rows(graph, """MATCH (:Identifier {key: $key})-->(p) MATCH (v:Verdict {generation: $g, party_id: p.id})
                           RETURN v.verdict AS verdict""", key="BODS:" + entities[700]["recordId"],
                 g=incremental.generation)
    assert newly == [{"verdict": "restricted"}]
