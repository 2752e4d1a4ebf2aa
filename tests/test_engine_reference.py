"""The Cypher engine and the on-demand evaluator agree with the independent reference on random graphs."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.db import Graph
from app.engine.evaluate import evaluate
from app.schema import reset_graph
from tests.engine_helpers import engine_verdicts, policy, to_evaluator, write_graph
from tests.reference import REdge, RNode, compute

AS_OF = date(2025, 6, 30)
SHARES = [0.0, 10.0, 25.0, 33.333333, 40.0, 49.999999, 50.0, 50.000001, 60.0, 75.0, 100.0]
DATES = [None, date(2020, 1, 1), date(2025, 6, 30), date(2026, 1, 1)]
KINDS = ["board_appointment", "accounting_consolidation", "officer", "contractual"]


@st.composite
def graphs(draw: Any) -> tuple[list[RNode], list[REdge], dict[str, Any]]:
    count = draw(st.integers(2, 7))
    nodes = []
    for i in range(count):
        kind = draw(st.sampled_from(["entity", "entity", "entity", "person"]))
        nodes.append(RNode(
            id=f"n{i}", kind=kind,
            entity_type=draw(st.sampled_from([None, None, "state", "stateBody"])) if kind == "entity" else None,
            jurisdiction=draw(st.sampled_from([None, "GB", "RU", "US"])),
            headquarters=draw(st.sampled_from([None, "GB", "RU"])),
            state_of=draw(st.sampled_from([None, "RU"])),
            nationalities=tuple(draw(st.lists(st.sampled_from(["RU", "GB"]), max_size=1))),
            keys=(f"XX-TEST:{i}",),
        ))
    edges = []
    for _ in range(draw(st.integers(0, 12))):
        holder = f"n{draw(st.integers(0, count - 1))}"
        subject = f"n{draw(st.integers(0, count - 1))}"  # self-holdings included
        if draw(st.integers(0, 4)) == 0:
            edges.append(REdge(holder, subject, "CONTROLS", kind=draw(st.sampled_from(KINDS)),
                               direct=draw(st.sampled_from(["direct", "indirect"])),
                               start=draw(st.sampled_from(DATES)), end=draw(st.sampled_from(DATES))))
            continue
        low = draw(st.sampled_from([*SHARES, None]))
        high = draw(st.sampled_from([*SHARES, None]))
        if low is not None and high is not None and low > high:
            low, high = high, low
        min_x = draw(st.booleans()) if low is not None else False
        max_x = draw(st.booleans()) if high is not None else False
        if low is not None and low == high:
            min_x = max_x = False
        edges.append(REdge(holder, subject, "OWNS", measure=draw(st.sampled_from(["equity", "votes", "economic"])),
                           share_min=low, share_max=high, min_exclusive=min_x, max_exclusive=max_x,
                           direct=draw(st.sampled_from(["direct", "unknown", "indirect"])),
                           start=draw(st.sampled_from(DATES)), end=draw(st.sampled_from(DATES))))
    pol = {
        "threshold_percent": draw(st.sampled_from([25.0, 50.0, 50.000001])),
        "threshold_inclusive": draw(st.booleans()),
        "home": draw(st.sampled_from(["incorporation", "headquarters", "either"])),
        "persons_by_nationality": draw(st.booleans()),
        "undisclosed_counts": draw(st.booleans()),
        "control_kinds": draw(st.sampled_from([[], ["board_appointment"], ["board_appointment",
                                                                            "accounting_consolidation"]])),
        "ownership_measures": draw(st.sampled_from([["equity"], ["equity", "votes"], ["economic", "votes"]])),
        "seed_entities": draw(st.sampled_from([[], ["XX-TEST:1"]])),
    }
    return nodes, edges, pol


def _as_bound(value: float, exclusive: bool, upper: bool) -> tuple[Fraction, int]:
    eps = 0 if not exclusive else (-1 if upper else 1)
    return Fraction(str(round(value, 6))), eps


def _sign(bound: tuple[Fraction, int]) -> tuple[Fraction, int]:
    return bound[0], (bound[1] > 0) - (bound[1] < 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=True)
@given(case=graphs())
def test_engine_matches_reference(graph: Graph, case: tuple[list[RNode], list[REdge], dict[str, Any]]) -> None:
    nodes, edges, pol_args = case
    reset_graph(graph)
    write_graph(graph, nodes, edges)
    pol = policy(**pol_args)
    expected = compute(nodes, edges, pol, AS_OF)
    _, stored = engine_verdicts(graph, pol, AS_OF)
    enodes, eedges = to_evaluator(nodes, edges)
    for verdict in {v.verdict for v in expected.values()}:
        event(f"has {verdict}")
    if any(v.lower != v.upper for v in expected.values()):
        event("has a range")
    for node in nodes:
        want = expected[node.id]
        got = stored.get(node.id, {"verdict": "clear", "share_min": 0.0, "share_min_exclusive": False,
                                   "share_max": 0.0, "share_max_exclusive": False})
        context = f"{node.id}: {nodes} {edges} {pol_args}"
        assert got["verdict"] == want.verdict, context
        assert _as_bound(got["share_min"], got["share_min_exclusive"], False) == _sign(want.lower), context
        assert _as_bound(got["share_max"], got["share_max_exclusive"], True) == _sign(want.upper), context
        on_demand = evaluate(node.id, enodes, eedges, pol, AS_OF)
        assert on_demand.verdict == want.verdict, context
        assert _as_bound(on_demand.share_min, on_demand.share_min_exclusive, False) == _sign(want.lower), context
        assert _as_bound(on_demand.share_max, on_demand.share_max_exclusive, True) == _sign(want.upper), context
