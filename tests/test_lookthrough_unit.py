"""The in-memory look-through (on-demand verdicts), on hand-worked graphs: no server needed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.engine import evaluate
from app.engine.evaluate import Edge, Node, OverBudget, lookthrough
from tests.engine_helpers import indexed_stakes, to_evaluator
from tests.reference import REdge, RNode
from tests.soak import DERANDOMIZE, examples
from tests.test_engine_reference import graphs

DAY = date(2025, 1, 1)


def _owns(holder: str, subject: str, share: float) -> Edge:
    return Edge(holder, subject, "OWNS", "equity", share_min=share, share_max=share, direct="direct")


def test_cycles_self_holdings_and_parties_below_them() -> None:
    """s (seed) holds 50% of a; a and b hold 50% of each other: a = 0.5 + 0.5 b, b = 0.5 a, so a = 2/3 and
    b = 1/3; b holds 40% of c (2/15) and c all of d, which x (no look-through of its own) holds half of;
    s holds 60% of e, e 10% of itself: e = 0.6 + 0.1 e = 2/3."""
    nodes = {n: Node(n) for n in ("s", "a", "b", "c", "d", "x", "e")}
    edges = [_owns("s", "a", 50), _owns("a", "b", 50), _owns("b", "a", 50), _owns("b", "c", 40),
             _owns("c", "d", 100), _owns("x", "d", 50), _owns("s", "e", 60), _owns("e", "e", 10)]
    value = lookthrough(nodes, edges, ["s"], DAY)
    expected = {"a": 2 / 3, "b": 1 / 3, "c": 2 / 15, "d": 2 / 15, "e": 2 / 3}
    for party, share in expected.items():
        assert value[party] == pytest.approx((share, share), abs=1e-7), party
    assert "x" not in value


def test_given_values_and_ranges() -> None:
    """A holder whose look-through is given (a generation's boundary) counts with it; ranges give bounds."""
    nodes = {n: Node(n) for n in ("h", "t")}
    edges = [Edge("h", "t", "OWNS", "equity", share_min=25.0, share_max=75.0, direct="direct")]
    low, high = lookthrough(nodes, edges, [], DAY, fixed={"h": (0.4, 0.8)})["t"]
    assert (low, high) == pytest.approx((0.1, 0.6))


def test_chains_thousands_of_levels_deep() -> None:
    """Ownership chains deeper than Python's recursion limit: each party computed once, from its holder."""
    depth = 5_000
    nodes = {f"n{i}": Node(f"n{i}") for i in range(depth + 1)}
    edges = [_owns(f"n{i}", f"n{i + 1}", 100) for i in range(depth)]
    value = lookthrough(nodes, edges, ["n0"], DAY)
    assert value[f"n{depth}"] == (1.0, 1.0) and len(value) == depth + 1


@st.composite
def _cyclic_holdings(draw: Any) -> tuple[dict[str, Node], list[Edge], list[str]]:
    count = draw(st.integers(2, 8))
    ids = [f"n{i}" for i in range(count)]
    edges = []
    for _ in range(draw(st.integers(1, 3 * count))):
        holder, subject = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        low = draw(st.sampled_from([0.0, 5.0, 10.0, 20.0, 30.0, 45.0, 50.0, 60.0, 100.0]))
        high = draw(st.sampled_from([low, low, low, min(100.0, low + 20.0), None]))
        edges.append(Edge(holder, subject, "OWNS", "equity", share_min=low, share_max=high, direct="direct"))
    seeds = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
    return {n: Node(n) for n in ids}, edges, seeds


@settings(max_examples=examples(400), deadline=None, derandomize=DERANDOMIZE)
@given(case=_cyclic_holdings())
def test_cycles_solved_equal_cycles_iterated(case: tuple[dict[str, Node], list[Edge], list[str]]) -> None:
    """Solving a cycle's equations gives what iterating its rounds converges to, including cycles whose
    shares add to 100% or more (the rounds then decide) and open ranges (an unknown maximum is 100%)."""
    nodes, edges, seeds = case
    solved = lookthrough(nodes, edges, seeds, DAY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluate, "_solved", lambda *_: False)
        iterated = lookthrough(nodes, edges, seeds, DAY, epsilon=1e-12, max_rounds=100_000)
    assert solved.keys() == iterated.keys()
    for party, (low, high) in iterated.items():
        assert solved[party] == pytest.approx((low, high), abs=1e-6), party


def test_cycles_too_large_to_solve_are_iterated(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cycle above the solving limit converges through the rounds to the same values."""
    nodes = {n: Node(n) for n in ("s", "a", "b", "c")}
    edges = [_owns("s", "a", 50), _owns("a", "b", 50), _owns("b", "c", 50), _owns("c", "a", 50)]
    solved = lookthrough(nodes, edges, ["s"], DAY)
    monkeypatch.setattr(evaluate, "SOLVED_CYCLE_LIMIT", 2)
    iterated = lookthrough(nodes, edges, ["s"], DAY)
    # a = 0.5 + 0.5 c, b = 0.5 a, c = 0.5 b: a = 0.5 / (1 - 0.125) = 4/7
    for party, share in {"a": 4 / 7, "b": 2 / 7, "c": 1 / 7}.items():
        assert solved[party] == pytest.approx((share, share), abs=1e-9), party
        assert iterated[party] == pytest.approx((share, share), abs=1e-7), party


@pytest.mark.parametrize("at_once", ["as configured", "after every update"])
@settings(max_examples=examples(1000), deadline=None, derandomize=DERANDOMIZE)
@given(case=st.one_of(_cyclic_holdings(), graphs()), picks=st.data())
def test_a_lookthrough_restarted_after_added_interests_equals_one_from_nothing(
        at_once: str, case: Case, picks: st.DataObject) -> None:
    """Random holdings with cycles, self-holdings and ranges, and random registry graphs (control, dates,
    other measures), with seeds and given values: the interests split into those before and those added;
    restarted from the shares before, with the added interests' subjects dirty, the look-through reaches the
    shares computed from nothing with all the interests; also when the climb takes the parties it updated
    all at once after every update (`evaluate._rounds_at_once`), as it does on large cycles."""
    if at_once == "after every update":
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(evaluate, "CLIMB_PASSES", 0)
            patch.setattr(evaluate, "CLIMB_AT_ONCE_PARTIES", 1)
            _restarted_equals_whole(case, picks)
    else:
        _restarted_equals_whole(case, picks)


Case = tuple[dict[str, Node], list[Edge], list[str]] | tuple[list[RNode], list[REdge], dict[str, Any]]


def _split_case(case: Case, picks: st.DataObject) -> tuple[dict[str, Node], list[Edge], list[str], list[Edge],
                                                            list[Edge]]:
    """Nodes, edges and seeds (drawn for a registry graph), and the edges split into those before and
    those added."""
    if isinstance(case[0], dict):
        nodes, edges, seeds = case
    else:
        nodes, edges = to_evaluator(case[0], case[1])
        seeds = picks.draw(st.lists(st.sampled_from(list(nodes)), max_size=2, unique=True))
    flags = picks.draw(st.lists(st.booleans(), min_size=len(edges), max_size=len(edges)))
    before = [e for e, added in zip(edges, flags, strict=True) if not added]
    added = [e for e, flag in zip(edges, flags, strict=True) if flag]
    return nodes, edges, seeds, before, added


def _restarted_equals_whole(case: Case, picks: st.DataObject) -> None:
    nodes, edges, seeds, before, added = _split_case(case, picks)
    fixed = picks.draw(st.dictionaries(st.sampled_from(list(nodes)), st.sampled_from([(0.0, 0.5), (0.3, 0.3),
                                                                                      (1.0, 1.0)]), max_size=2))
    # rounds enough to converge: past `max_rounds` (500) both ways keep lower bounds of the converged shares,
    # not the same ones (a party holding up to 100% of itself, 0.05% flowing in, climbs 0.05% a round to 100%)
    rounds = 100_000
    earlier = lookthrough(nodes, before, seeds, DAY, fixed=fixed, max_rounds=rounds)
    whole = lookthrough(nodes, edges, seeds, DAY, fixed=fixed, max_rounds=rounds)
    again = lookthrough(nodes, edges, seeds, DAY, fixed=fixed, assumed=earlier, dirty=[e.subject for e in added],
                        max_rounds=rounds)
    moved = {p for p in nodes if whole.get(p, (0.0, 0.0)) != earlier.get(p, (0.0, 0.0))}
    event("moved below an added interest's subject" if moved - {e.subject for e in added} else
          "moved at the subjects only" if moved else "none moved")
    for party in nodes:
        assert again.get(party, (0.0, 0.0)) == pytest.approx(whole.get(party, (0.0, 0.0)), abs=1e-6), party


@settings(max_examples=examples(300), deadline=None, derandomize=DERANDOMIZE)
@given(case=st.one_of(_cyclic_holdings(), graphs()), picks=st.data())
def test_a_restart_reading_kept_stakes_equals_one_reading_the_interests(case: Case, picks: st.DataObject) -> None:
    """A what-if's restart reads each settled party's look-through stakes as kept (`shares_of`, from
    `indexed_stakes`) and the changed parties' from their interests: the same shares to the last bit as
    reading every party's interests, on random holdings and registry graphs (control, dates, other
    measures, declared indirect stakes), whichever parties give kept stakes."""
    nodes, edges, seeds, before, added = _split_case(case, picks)
    earlier = lookthrough(nodes, before, seeds, DAY, max_rounds=100_000)
    dirty = [e.subject for e in added]
    held: dict[str, list[Edge]] = {}
    holds: dict[str, set[str]] = {}
    for e in edges:
        held.setdefault(e.subject, []).append(e)
        holds.setdefault(e.holder, set()).add(e.subject)
    kept = set(picks.draw(st.lists(st.sampled_from(list(nodes)), unique=True)))

    def restart(kept_stakes: bool) -> dict[str, tuple[float, float]] | str:
        try:
            return dict(lookthrough(
                nodes, (), seeds, DAY, assumed={}, dirty=dirty, interests_of=lambda n: held.get(n, []),
                subjects_of=lambda n: holds.get(n, ()), before=earlier.get,
                shares_of=(lambda n: indexed_stakes(held.get(n, []), DAY) if n in kept else None)
                if kept_stakes else None))
        except OverBudget:
            return "over budget"

    assert restart(True) == restart(False)


def test_a_climb_round_a_large_cycle_takes_its_parties_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ring of 100 parties, each holding 99.9% of the next, which a seed starts to hold 5% of: restarted,
    the climb goes round the ring (a pass keeps 0.999^100 = 90.5% of what it adds, so reaching 1e-9 takes
    about 200 passes) until it takes the ring's rounds at once; the values are those from nothing:
    x_k = 0.05 * 0.999^k / (1 - 0.999^100) for the k-th party after the seed's."""
    size = 100
    ring = [f"r{i}" for i in range(size)]
    nodes = {n: Node(n) for n in ("s", *ring)}
    before = [_owns(ring[i], ring[(i + 1) % size], 99.9) for i in range(size)]
    added = _owns("s", "r0", 5)
    taken: list[int] = []
    whole_rounds = evaluate._rounds_at_once

    def spy(members: list[str], *args: Any) -> list[str]:
        taken.append(len(members))
        return whole_rounds(members, *args)

    monkeypatch.setattr(evaluate, "_rounds_at_once", spy)
    earlier = lookthrough(nodes, before, ["s"], DAY)
    again = lookthrough(nodes, [*before, added], ["s"], DAY, assumed=earlier, dirty=["r0"])
    assert taken and max(taken) >= evaluate.CLIMB_AT_ONCE_PARTIES
    whole = lookthrough(nodes, [*before, added], ["s"], DAY)
    for k, party in enumerate(ring):
        share = 0.05 * 0.999 ** k / (1 - 0.999 ** size)
        # rounds stop when no value moves by more than 1e-9: up to 1e-9 / (1 - 0.905) short of the limit
        assert again[party] == pytest.approx((share, share), abs=1e-7), party
        assert again[party] == pytest.approx(whole[party], abs=1e-7), party


def test_a_restarted_lookthrough_computes_only_what_the_added_interests_reach() -> None:
    """s -> a -> b -> c and s -> x, 50% each, with an added 50% from s in b: b and c move, and x keeps the
    value it was assumed to have (deliberately not its own here, to show that it is not computed again)."""
    nodes = {n: Node(n) for n in ("s", "a", "b", "c", "x")}
    before = [_owns("s", "a", 50), _owns("a", "b", 50), _owns("b", "c", 50), _owns("s", "x", 50)]
    earlier = lookthrough(nodes, before, ["s"], DAY) | {"x": (0.123, 0.123)}
    again = lookthrough(nodes, [*before, _owns("s", "b", 50)], ["s"], DAY, assumed=earlier, dirty=["b"])
    assert again["b"] == pytest.approx((0.75, 0.75)) and again["c"] == pytest.approx((0.375, 0.375))
    assert again["a"] == pytest.approx((0.5, 0.5)) and again["x"] == (0.123, 0.123)
