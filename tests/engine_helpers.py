"""Builds small graphs directly in Neo4j for engine tests and reads back verdicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from app.db import Graph
from app.engine.compute import compute_generation
from app.engine.evaluate import Edge, Node
from app.policy import Policy
from tests.reference import REdge, RNode

BASE_POLICY: dict[str, Any] = {
    "id": "test", "version": "1", "restricted_jurisdictions": ["RU"], "threshold_percent": 50,
    "threshold_inclusive": False,
}


def policy(**overrides: Any) -> Policy:
    return Policy.model_validate({**BASE_POLICY, **overrides})


def write_graph(graph: Graph, nodes: list[RNode], edges: list[REdge]) -> None:
    node_rows = [{**asdict(n), "nationalities": list(n.nationalities), "keys": list(n.keys)} for n in nodes]
    graph.driver.execute_query(
        """UNWIND $rows AS row
           CREATE (p:Party {id: row.id})
           SET p.kind = row.kind, p.entity_type = row.entity_type, p.jurisdiction = row.jurisdiction,
               p.headquarters = row.headquarters, p.state_of = row.state_of, p.nationalities = row.nationalities,
               p.name = row.id
           WITH p, row UNWIND row.keys AS key
           CREATE (:Identifier {key: key})-[:IDENTIFIES]->(p)""",
        rows=node_rows, database_=graph.database)
    graph.driver.execute_query(
        """UNWIND $rows AS row
           MATCH (o:Party {id: row.holder}), (s:Party {id: row.subject})
           CALL (o, s, row) {
             WITH o, s, row WHERE row.relation = 'OWNS'
             CREATE (o)-[r:OWNS]->(s)
             SET r.measure = row.measure, r.share_min = row.share_min, r.share_max = row.share_max,
                 r.share_min_exclusive = row.min_exclusive, r.share_max_exclusive = row.max_exclusive,
                 r.direct = row.direct, r.start_date = row.start, r.end_date = row.end,
                 r.record = 'test:' + row.n, r.statement_id = 'stmt-' + row.n, r.source = 'test'
             UNION
             WITH o, s, row WHERE row.relation = 'CONTROLS'
             CREATE (o)-[r:CONTROLS]->(s)
             SET r.kind = row.kind, r.direct = row.direct, r.start_date = row.start, r.end_date = row.end,
                 r.record = 'test:' + row.n, r.statement_id = 'stmt-' + row.n, r.source = 'test'
           }""",
        rows=[{**asdict(e), "n": str(i)} for i, e in enumerate(edges)], database_=graph.database)


EFFECTIVE_VERDICTS = """
    MATCH (g:Generation {id: $g})
    MATCH (v:Verdict) WHERE v.generation IN coalesce(g.layers, [g.id])
    WITH v.party_id AS id, v ORDER BY v.layer DESC
    WITH id, head(collect(v)) AS v
    RETURN id, v {.*} AS v"""


def effective_verdicts(graph: Graph, generation: str) -> dict[str, dict[str, Any]]:
    """What a generation says of each party it stores a verdict for: its newest verdict in the generation's
    layers (an incremental generation stores only what it recomputed)."""
    records, _, _ = graph.driver.execute_query(EFFECTIVE_VERDICTS, g=generation, database_=graph.database)
    return {r["id"]: r["v"] for r in records}


def engine_verdicts(graph: Graph, pol: Policy, as_of: date) -> tuple[str, dict[str, dict[str, Any]]]:
    report = compute_generation(graph, pol, as_of)
    records, _, _ = graph.driver.execute_query(
        "MATCH (v:Verdict {generation: $g}) RETURN v {.*} AS v", g=report.generation, database_=graph.database)
    return report.generation, {r["v"]["party_id"]: r["v"] for r in records}


def to_evaluator(nodes: list[RNode], edges: list[REdge]) -> tuple[dict[str, Node], list[Edge]]:
    enodes = {n.id: Node(n.id, n.kind, n.entity_type, n.jurisdiction, n.headquarters, n.state_of, n.nationalities,
                         n.keys) for n in nodes}
    eedges = [Edge(e.holder, e.subject, e.relation, e.measure, e.kind, e.share_min, e.share_max, e.min_exclusive,
                   e.max_exclusive, e.direct, e.start, e.end) for e in edges]
    return enodes, eedges


def count_reads(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every statement `graph.read` runs from now on, in order."""
    statements: list[str] = []
    read = graph.read

    def counted(statement: str, /, **params: Any) -> list[dict[str, Any]]:
        statements.append(statement)
        return read(statement, **params)

    monkeypatch.setattr(graph, "read", counted)
    return statements


def indexed_stakes(interests: Iterable[Edge], as_of: date | None = None) -> tuple[tuple[str, float, float], ...]:
    """What `evaluate.lookthrough` indexes from these interests held in one party, as its `shares_of` takes
    it: (holder, minimum, maximum) as fractions, a holder's largest of each, in the order of its first
    interest; equity ownership only, declared indirect stakes left out, and (with `as_of`) interests outside
    their dates too. The tests' statement of the rule that `settled_stakes` keeps for settled parties."""
    held: dict[str, tuple[float, float]] = {}
    for e in interests:
        if e.relation == "OWNS" and e.measure == "equity" and e.direct != "indirect" and (
                as_of is None or (e.start_date is None and e.end_date is None) or e.valid(as_of)):
            low = (e.share_min or 0.0) / 100.0
            high = (e.share_max if e.share_max is not None else 100.0) / 100.0
            old = held.get(e.holder, (0.0, 0.0))
            held[e.holder] = (max(low, old[0]), max(high, old[1]))
    return tuple((holder, low, high) for holder, (low, high) in held.items())
