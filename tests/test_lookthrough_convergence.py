"""A look-through whose rounds stop before converging says so, in memory and in the verdicts it gives.

The case: a party b holding between 0% and 100% of itself (an open range: its maximum is 100%), fed 0.05%
from a seed through a: b's maximum climbs 0.05 percentage points a round towards 100% (the least fixed
point), so 500 rounds on demand (150 in a generation) leave it a lower bound."""

from __future__ import annotations

from datetime import date

import pytest

from app.db import Graph
from app.engine.compute import compute_generation
from app.engine.evaluate import Edge, Node, evaluate, lookthrough
from app.engine.service import verdict_for
from app.engine.verdicts import on_demand_verdict, resolve
from tests.engine_helpers import policy, write_graph
from tests.reference import REdge, RNode

DAY = date(2025, 1, 1)
SLOW = [("s", "a", 5.0, 5.0), ("a", "b", 1.0, 1.0), ("b", "b", 0.0, None), ("a", "c", 50.0, 50.0)]


def _edges() -> list[Edge]:
    return [Edge(h, s, "OWNS", "equity", share_min=lo, share_max=hi, direct="direct") for h, s, lo, hi in SLOW]


def test_rounds_stopped_short_are_flagged() -> None:
    nodes = {n: Node(n) for n in ("s", "a", "b", "c")}
    stopped = lookthrough(nodes, _edges(), ["s"], DAY)
    assert stopped.converged is False and stopped["b"][1] == pytest.approx(0.25, abs=1e-9)
    assert stopped.short == {"b"}  # c is not below b's cycle: its share is exact
    converged = lookthrough(nodes, _edges(), ["s"], DAY, max_rounds=100_000)
    assert converged.converged is True and converged["b"][1] == pytest.approx(1.0, abs=1e-6)
    without_cycle = lookthrough(nodes, [e for e in _edges() if e.holder != e.subject], ["s"], DAY)
    assert without_cycle.converged is True
    nodes["s"] = Node("s", kind="entity", jurisdiction="RU")
    assert evaluate("b", nodes, _edges(), policy(), DAY).lookthrough_converged is False
    assert evaluate("c", nodes, _edges(), policy(), DAY).lookthrough_converged is True


def _write(graph: Graph) -> None:
    write_graph(graph, [RNode("s", jurisdiction="RU"), RNode("a"), RNode("b"), RNode("c")],
                [REdge(h, s, "OWNS", "equity", share_min=lo, share_max=hi, direct="direct") for h, s, lo, hi in SLOW])


def test_on_demand_verdicts_say_when_their_lookthrough_stopped_short(graph: Graph) -> None:
    _write(graph)
    slow = on_demand_verdict(graph, policy(), resolve(graph, "b"), DAY)
    assert slow["lookthrough_share"] == {"min": pytest.approx(0.05), "max": pytest.approx(25.0),  # percent
                                         "converged": False}
    assert on_demand_verdict(graph, policy(), resolve(graph, "c"), DAY)["lookthrough_share"]["converged"] is True


def test_a_generation_whose_lookthrough_stopped_short_flags_its_verdicts(graph: Graph) -> None:
    _write(graph)
    pol = policy()
    report = compute_generation(graph, pol, DAY)
    assert report.lookthrough_converged is False
    stored = verdict_for(graph, pol, "c")
    assert stored["mode"] == "stored" and stored["lookthrough_share"]["converged"] is False


def test_an_incremental_run_does_not_build_on_a_generation_whose_lookthrough_stopped_short(graph: Graph) -> None:
    """An incremental run starts from its base's look-through values and rewrites only the verdicts that
    differ, so on a base whose rounds stopped short it would keep b's lower bound while its own rounds
    converge, and say the whole generation converged. It computes in full instead, which flags it again."""
    _write(graph)
    write_graph(graph, [RNode("d"), RNode("e")],
                [REdge("d", "e", "OWNS", "equity", share_min=10.0, share_max=10.0, direct="direct")])
    pol = policy()
    assert compute_generation(graph, pol, DAY).lookthrough_converged is False
    graph.driver.execute_query("MATCH (e:Party {id: 'e'}) SET e.last_seen = datetime()", database_=graph.database)
    rerun = compute_generation(graph, pol, DAY, incremental=True)
    assert rerun.region is None and rerun.layers == [rerun.generation]
    assert rerun.lookthrough_converged is False
    stored = verdict_for(graph, pol, "b")
    assert stored["mode"] == "stored" and stored["lookthrough_share"]["converged"] is False
