"""Parties settled on a date, as the next walks receive them: no server needed."""

from __future__ import annotations

from datetime import date

from app.engine.evaluate import Edge, Node, analyse
from app.engine.settled import SettledParties, StopIds
from app.engine.verdicts import membership
from tests.engine_helpers import policy

DAY = date(2025, 6, 30)


def test_the_stop_ids_are_the_settled_ids_with_a_short_repr() -> None:
    """The driver formats the repr() of every parameter of every statement, debug logging on or off, so the
    settled ids (megabytes on a large registry) go as a text whose repr is a summary; the text itself names
    every settled id once, newline-separated, but for an id holding a newline (merely walked again)."""
    ids = [f"P{i:016x}" for i in range(3000)] + ["odd\nid"]
    nodes = {"ru": Node("ru", "entity", jurisdiction="RU"), **{pid: Node(pid, "entity") for pid in ids}}
    edges = [Edge("ru", pid, "OWNS", "equity", share_min=60.0, share_max=60.0, direct="direct") for pid in ids]
    pol = policy()
    settled = SettledParties()
    for target in (ids[0], ids[1]):  # two walks, the second adding what the first did not settle
        analysis = analyse(target, nodes, edges, pol, DAY)
        walked = ["ru", target] if target == ids[0] else list(nodes)
        settled.add(analysis, {pid: membership(pid, analysis, {}) for pid in walked}, edges,
                    {pid: nodes[pid].kind for pid in walked})
    assert isinstance(settled.stops, StopIds)
    assert settled.stops.split("\n") == ["ru", *ids[:-1]]
    assert len(repr(settled.stops)) < 60 and repr(settled.stops).startswith("<settled ids")
    assert str.__repr__(settled.stops).startswith("'ru\\n")
