"""Incremental recomputation after a load gives the same verdicts as a full run, recomputing less."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.db import Graph
from app.engine import compute
from app.engine.compute import compute_generation, largest_region
from app.policy import load_policy
from loaders import synth
from tests.engine_helpers import effective_verdicts, policy, write_graph
from tests.loading import load, rows
from tests.reference import REdge, RNode

POLICY = Path(__file__).resolve().parents[1] / "policies" / "restricted-jurisdictions.yaml"
DAY = date(2026, 1, 1)
CYCLE_DAY = date(2025, 6, 30)


def effective(graph: Graph, generation: str) -> dict[str, tuple[Any, ...]]:
    """Every party's verdict (no stored verdict means clear with 0%), comparable across generations. The
    look-through share is compared within 0.1 percentage points: an incremental run moves it from the base
    generation's values and a full run from zero, and both stop when changes fall below 0.01 points."""
    stored = effective_verdicts(graph, generation)
    out = {}
    for r in rows(graph, "MATCH (p:Party) RETURN p.id AS id"):
        v = stored.get(r["id"]) or {"verdict": "clear", "share_min": 0.0, "share_max": 0.0, "lookthrough_max": 0.0}
        out[r["id"]] = (v["verdict"], v["share_min"], v["share_max"], round(v.get("lookthrough_max") or 0.0, 1))
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
    [newly] = rows(graph, "MATCH (:Identifier {key: $key})-->(p) RETURN p.id AS id",
                   key="BODS:" + entities[700]["recordId"])
    assert effective_verdicts(graph, incremental.generation)[newly["id"]]["verdict"] == "restricted"
    # The verdict writes wipe each party's working state as they go (write_verdicts, write_lookthrough_only),
    # so clear_work no longer finds it: none may be left over.
    [left] = rows(graph, "MATCH (p:Party) WHERE any(k IN keys(p) WHERE k STARTS WITH 'w_') RETURN count(p) AS n")
    assert left["n"] == 0


def test_incremental_lookthrough_is_not_held_up_by_a_cycle_once_its_support_is_gone(graph: Graph) -> None:
    """Two companies holding all of each other (stakes not disclosed: up to 100%) keep a look-through share at
    the cap for as long as a restricted party holds either; once it sells, only a run that starts them from
    nothing brings them back to 0. An incremental run starts from the base generation's values, so it must
    reset those at the cap below what changed (lookthrough_reset.cypher)."""
    write_graph(graph, [RNode("ru", jurisdiction="RU"), RNode("a", jurisdiction="GB"), RNode("b", jurisdiction="GB"),
                        RNode("c", jurisdiction="GB")],
                [REdge("ru", "a", "OWNS", "equity", share_min=30.0, share_max=30.0),
                 REdge("a", "b", "OWNS", "equity"), REdge("b", "a", "OWNS", "equity"),
                 REdge("b", "c", "OWNS", "equity", share_min=10.0, share_max=10.0)])
    pol = policy()
    base = compute_generation(graph, pol, CYCLE_DAY)
    assert effective_verdicts(graph, base.generation)["a"]["lookthrough_max"] == 100.0
    graph.driver.execute_query("MATCH (:Party {id: 'ru'})-[r:OWNS]->(a:Party {id: 'a'}) "
                               "SET a.last_seen = datetime() DELETE r", database_=graph.database)
    incremental = compute_generation(graph, pol, CYCLE_DAY, incremental=True)
    full = compute_generation(graph, pol, CYCLE_DAY)
    assert incremental.region is not None
    assert effective(graph, incremental.generation) == effective(graph, full.generation)
    assert {k: v[3] for k, v in effective(graph, incremental.generation).items()} == {
        "ru": 100.0, "a": 0.0, "b": 0.0, "c": 0.0}


def test_incremental_run_is_a_full_one_when_that_touches_fewer_parties(graph: Graph,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A full run touches only the parties below the seeds; when the policy's seeds reach fewer parties than
    a delta's region holds, the incremental run computes in full instead (largest_region), with the same
    verdicts. Thresholds set so that only this rule can decide on a graph this small."""
    monkeypatch.setattr(compute, "REGION_FALLBACK_MIN_PARTIES", 0)
    monkeypatch.setattr(compute, "REGION_MAX_FRACTION", 1.0)
    chain = [RNode(f"gb{i}", jurisdiction="GB") for i in range(6)]
    write_graph(graph, [RNode("ru", jurisdiction="RU"), *chain],
                [REdge("ru", "gb0", "OWNS", "equity", share_min=60.0, share_max=60.0),
                 *(REdge(f"gb{i}", f"gb{i + 1}", "OWNS", "equity", share_min=60.0, share_max=60.0)
                   for i in range(1, 5))])
    pol = policy()
    base = compute_generation(graph, pol, CYCLE_DAY)
    assert base.written == 2  # the seed and the company it holds 60% of
    graph.driver.execute_query("MATCH (p:Party) WHERE p.id IN ['gb2', 'gb3', 'gb4'] SET p.last_seen = datetime()",
                               database_=graph.database)
    rerun = compute_generation(graph, pol, CYCLE_DAY, incremental=True)
    full = compute_generation(graph, pol, CYCLE_DAY)
    assert rerun.region is None and rerun.layers == [rerun.generation]
    assert effective(graph, rerun.generation) == effective(graph, full.generation)


def test_largest_region_weighs_a_full_run_by_the_verdicts_it_wrote() -> None:
    few = {"full_written": 1_000}
    assert largest_region(1_000_000, few, policy()) == 1_000
    assert largest_region(1_000_000, {"full_written": 900_000}, policy()) == 150_000  # REGION_MAX_FRACTION
    assert largest_region(1_000_000, {}, policy()) == 150_000  # a base from before `full_written` was kept
    # counting undisclosed remainders, a full run reads every entity however few the seeds reach
    assert largest_region(1_000_000, few, policy(undisclosed_counts=True)) == 150_000
    assert largest_region(1_000, few, policy()) == 1_001  # small graphs: always incremental
