"""The Cypher engine and the on-demand evaluator agree with the independent reference on random graphs."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from app.db import Graph
from app.engine.evaluate import evaluate
from app.schema import reset_graph
from tests.engine_helpers import engine_verdicts, policy, to_evaluator, write_graph
from tests.reference import REdge, RNode, compute, lookthrough
from tests.soak import DERANDOMIZE, examples

AS_OF = date(2025, 6, 30)
# The engine stops spreading look-through changes below 0.01 percentage points; on these small graphs the
# shares it keeps stay within this many points of the exact fixed point. Cycles whose stakes multiply to
# nearly 1 amplify that stop, so they are left out (the reference then needs many rounds to settle).
LOOKTHROUGH_POINTS = 0.1
LOOKTHROUGH_SLOW_ROUNDS = 150
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


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=DERANDOMIZE)
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
    shares, rounds = lookthrough(nodes, edges, pol, AS_OF)
    compare_lookthrough = rounds <= LOOKTHROUGH_SLOW_ROUNDS
    event("look-through compared" if compare_lookthrough else "look-through cycle too slow to compare")
    if any(shares[n.id][1] > 0 and not stored.get(n.id, {}).get("seed") for n in nodes):
        event("has a look-through share below a seed")
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
        if compare_lookthrough:
            _assert_lookthrough_near(shares[node.id], _stored_lookthrough(got), context)
            _assert_lookthrough_near(shares[node.id], (on_demand.lookthrough_min, on_demand.lookthrough_max),
                                     f"on demand {context}")


def _stored_lookthrough(verdict: dict[str, Any]) -> tuple[float, float]:
    return verdict.get("lookthrough_min", 0.0), verdict.get("lookthrough_max", 0.0)


def _assert_lookthrough_near(exact: tuple[float, float], found: tuple[float, float], context: str) -> None:
    """A party's look-through bounds (`found`, in percent) within LOOKTHROUGH_POINTS of the reference's `exact`
    fractions (from the minima, from the maxima)."""
    for bound, share, value in (("lookthrough_min", exact[0], found[0]), ("lookthrough_max", exact[1], found[1])):
        assert abs(value - share * 100.0) <= LOOKTHROUGH_POINTS, f"{bound} {context}"


@st.composite
def equity_graphs(draw: Any) -> tuple[list[RNode], list[REdge]]:
    """Equity chains, joint holdings, cross-holdings and self-holdings below a few seeds: the shapes where
    the look-through rounds hold candidates back and defer small changes (lookthrough_round)."""
    count = draw(st.integers(3, 14))
    seeds = draw(st.integers(1, 3))
    nodes = [RNode(id=f"n{i}", jurisdiction="RU" if i < seeds else "GB", keys=(f"XX-TEST:{i}",))
             for i in range(count)]
    edges = []
    for _ in range(draw(st.integers(1, 2 * count))):
        holder = draw(st.integers(0, count - 1))
        forward = draw(st.integers(0, 3)) > 0  # mostly down the chain, sometimes back up (cycles)
        subject = draw(st.integers(holder, count - 1)) if forward else draw(st.integers(0, count - 1))
        low = draw(st.sampled_from([1.0, 5.0, 10.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 90.0, 100.0, None]))
        high = draw(st.sampled_from([low, low, 100.0, None])) if low is not None else None
        edges.append(REdge(f"n{holder}", f"n{subject}", "OWNS", measure="equity", share_min=low,
                           share_max=max(low, high) if low is not None and high is not None else high,
                           direct=draw(st.sampled_from(["direct", "unknown"]))))
    return nodes, edges


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=DERANDOMIZE)
@given(case=equity_graphs())
def test_lookthrough_matches_reference(graph: Graph, case: tuple[list[RNode], list[REdge]]) -> None:
    nodes, edges = case
    reset_graph(graph)
    write_graph(graph, nodes, edges)
    pol = policy(home="incorporation")
    shares, rounds = lookthrough(nodes, edges, pol, AS_OF)
    assume(rounds <= LOOKTHROUGH_SLOW_ROUNDS)
    _, stored = engine_verdicts(graph, pol, AS_OF)
    between = sum(1 for share in shares.values() if 0 < share[0] < 1 or 0 < share[1] < 1)
    event(f"{min(between, 3)}{'+' if between >= 3 else ''} parties with a share between 0 and 100%")
    for node in nodes:
        _assert_lookthrough_near(shares[node.id], _stored_lookthrough(stored.get(node.id, {})),
                                 f"{node.id}: {nodes} {edges}")
