"""The in-memory membership fixed point restarted from earlier verdicts (what-ifs that only add interests):
no server needed."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.engine import evaluate
from app.engine.evaluate import Edge, Node, fixed_point
from tests.engine_helpers import policy, to_evaluator
from tests.reference import REdge, RNode
from tests.soak import DERANDOMIZE, examples
from tests.test_engine_reference import graphs

AS_OF = date(2025, 6, 30)


def _verdicts(lower: set[str], upper: set[str], nodes: dict[str, Node]) -> dict[str, str]:
    return {nid: "restricted" if nid in lower else "review" if nid in upper else "clear" for nid in nodes}


@settings(max_examples=examples(1000), deadline=None, derandomize=DERANDOMIZE)
@given(case=graphs(), picks=st.data())
def test_a_fixed_point_restarted_after_added_interests_equals_one_from_nothing(
        case: tuple[list[RNode], list[REdge], dict[str, Any]], picks: st.DataObject) -> None:
    """Random graphs (cycles, self-holdings, ranges, control, dates, pins): the interests split into those
    before and those added; restarted from the verdicts before, with the added interests' subjects dirty,
    the fixed point reaches the same memberships as computed from nothing with all the interests, and
    computes only the dirty parties and those held by a party whose verdict moved."""
    rnodes, redges, pol_fields = case
    pol = policy(**{**pol_fields, "undisclosed_counts": False})
    nodes, edges = to_evaluator(rnodes, redges)
    added_flags = picks.draw(st.lists(st.booleans(), min_size=len(edges), max_size=len(edges)))
    before = [e for e, added in zip(edges, added_flags, strict=True) if not added]
    added = [e for e, flag in zip(edges, added_flags, strict=True) if flag]
    pins = picks.draw(st.dictionaries(st.sampled_from(list(nodes)), st.sampled_from(["restricted", "review",
                                                                                      "clear"]), max_size=2))
    lower, upper, _, _ = fixed_point(nodes, before, pol, AS_OF, pins)
    assumed = _verdicts(lower, upper, nodes)
    whole_lower, whole_upper, _, _ = fixed_point(nodes, edges, pol, AS_OF, pins)
    again_lower, again_upper, sums, _ = fixed_point(nodes, edges, pol, AS_OF, pins, assumed=assumed,
                                                    dirty=[e.subject for e in added])
    event("a verdict moved" if _verdicts(whole_lower, whole_upper, nodes) != assumed else "none moved")
    assert (again_lower, again_upper) == (whole_lower, whole_upper), (assumed, added)
    moved = (again_lower - lower) | (again_upper - upper)
    assert set(sums) <= {e.subject for e in added} | {e.subject for e in edges if e.holder in moved}


def test_only_the_added_interests_subject_and_what_it_reaches_are_computed() -> None:
    """A chain of a thousand clear parties under a Russian seed's 30% stake: a what-if where a second seed
    adds 30% makes the first party restricted, which reaches the next (it holds 60% of it) and stops there
    (that one holds only 10% of the third). Three parties are computed, not a thousand."""
    nodes = {"ru": Node("ru", "entity", jurisdiction="RU"), "ru2": Node("ru2", "entity", jurisdiction="RU"),
             **{f"c{i}": Node(f"c{i}", "entity", jurisdiction="GB") for i in range(1000)}}

    def owns(holder: str, subject: str, share: float) -> Edge:
        return Edge(holder, subject, "OWNS", "equity", share_min=share, share_max=share, direct="direct")

    edges = [owns("ru", "c0", 30), owns("c0", "c1", 60), owns("c1", "c2", 10),
             *(owns(f"c{i}", f"c{i + 1}", 100) for i in range(2, 999))]
    pol = policy(undisclosed_counts=False)
    lower, upper, _, _ = fixed_point(nodes, edges, pol, AS_OF)
    assert lower == upper == {"ru", "ru2"}
    added = owns("ru2", "c0", 30)
    again_lower, again_upper, sums, _ = fixed_point(nodes, [*edges, added], pol, AS_OF,
                                                    assumed=_verdicts(lower, upper, nodes), dirty=["c0"])
    assert again_lower == again_upper == {"ru", "ru2", "c0", "c1"}
    assert set(sums) == {"c0", "c1", "c2"}
    assert fixed_point(nodes, [*edges, added], pol, AS_OF)[:2] == (again_lower, again_upper)


@settings(max_examples=examples(2000), deadline=None, derandomize=DERANDOMIZE)
@given(case=graphs(), picks=st.data())
def test_the_sums_of_a_party_with_one_interest_or_none_equal_the_grouped_sums(
        case: tuple[list[RNode], list[REdge], dict[str, Any]], picks: st.DataObject) -> None:
    """`_sums` takes a party with one interest held in it, or none, without grouping them (`_one_sum`): for
    any interest of the random graphs (ranges, exclusive bounds, control, dates, direct or indirect), with
    any memberships of its holder and any policy, the same sums as the grouping, which a second interest
    of a measure the policy does not count leaves as they are."""
    rnodes, redges, pol_fields = case
    pol = policy(**pol_fields)
    nodes, edges = to_evaluator(rnodes, redges)
    if not edges:
        assert evaluate._sums("x", [], set(), set(), pol, AS_OF) == evaluate._Sums()
        return
    edge = picks.draw(st.sampled_from(edges))
    lower = picks.draw(st.sets(st.sampled_from(list(nodes))))
    upper = lower | picks.draw(st.sets(st.sampled_from(list(nodes))))
    as_of = picks.draw(st.sampled_from([AS_OF, date(2019, 1, 1), date(2031, 1, 1)]))
    uncounted = Edge(edge.holder, edge.subject, "OWNS", "a measure no policy counts", share_min=90.0, share_max=90.0)
    grouped = evaluate._sums(edge.subject, [edge, uncounted], lower, upper, pol, as_of)
    assert evaluate._sums(edge.subject, [edge], lower, upper, pol, as_of) == grouped
    assert evaluate._sums(edge.subject, [], lower, upper, pol, as_of) == evaluate._sums(
        edge.subject, [uncounted], lower, upper, pol, as_of)
