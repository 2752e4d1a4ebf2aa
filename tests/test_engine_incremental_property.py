"""Incremental recomputation equals a full run on random graphs with random changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db import Graph
from app.engine.compute import compute_generation
from app.schema import reset_graph
from tests.engine_helpers import policy, write_graph
from tests.soak import DERANDOMIZE, examples
from tests.test_engine_incremental import effective
from tests.test_engine_reference import graphs

AS_OF = date(2025, 6, 30)


@st.composite
def changes(draw: Any) -> dict[str, Any]:
    return {"kind": draw(st.sampled_from(["add", "remove", "reseed"])), "a": draw(st.integers(0, 6)),
            "b": draw(st.integers(0, 6)), "share": draw(st.sampled_from([10.0, 50.0, 60.0, 100.0]))}


def _apply(graph: Graph, change: dict[str, Any], count: int) -> None:
    now = datetime.now(UTC)
    a, b = f"n{change['a'] % count}", f"n{change['b'] % count}"
    statement = {
        "add": """MATCH (x:Party {id: $a}), (y:Party {id: $b})
                  CREATE (x)-[:OWNS {measure: 'equity', share_min: $share, share_max: $share, direct: 'direct',
                                     record: 'change', loaded_at: $now}]->(y)""",
        "remove": """MATCH (x:Party {id: $a})-[r:OWNS|CONTROLS]->(y:Party)
                     SET y.last_seen = $now
                     DELETE r""",
        "reseed": """MATCH (x:Party {id: $a})
                     SET x.jurisdiction = CASE WHEN x.jurisdiction = 'RU' THEN 'GB' ELSE 'RU' END,
                         x.last_seen = $now""",
    }[change["kind"]]
    graph.driver.execute_query(statement, a=a, b=b, share=change["share"], now=now, database_=graph.database)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=DERANDOMIZE)
@given(case=graphs(), change=changes())
def test_incremental_matches_full(graph: Graph, case: tuple[list[Any], list[Any], dict[str, Any]],
                                  change: dict[str, Any]) -> None:
    nodes, edges, pol_args = case
    reset_graph(graph)
    write_graph(graph, nodes, edges)
    pol = policy(**pol_args)
    compute_generation(graph, pol, AS_OF)
    _apply(graph, change, len(nodes))
    incremental = compute_generation(graph, pol, AS_OF, incremental=True)
    full = compute_generation(graph, pol, AS_OF)
    assert incremental.region is not None
    assert effective(graph, incremental.generation) == effective(graph, full.generation), (nodes, edges, change)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=DERANDOMIZE)
@given(case=graphs(), later=st.sampled_from([date(2025, 7, 1), date(2026, 1, 1), date(2030, 1, 1)]))
def test_incremental_on_a_later_date_matches_full(graph: Graph, case: tuple[list[Any], list[Any], dict[str, Any]],
                                                  later: date) -> None:
    """A nightly run has a new as-of date: interests that started or ended in between join the region."""
    nodes, edges, pol_args = case
    reset_graph(graph)
    write_graph(graph, nodes, edges)
    pol = policy(**pol_args)
    compute_generation(graph, pol, AS_OF)
    incremental = compute_generation(graph, pol, later, incremental=True)
    full = compute_generation(graph, pol, later)
    assert incremental.region is not None
    assert effective(graph, incremental.generation) == effective(graph, full.generation), (nodes, edges, later)
