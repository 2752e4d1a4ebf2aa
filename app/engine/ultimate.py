"""Ultimate owners: the parties at the top of a party's ownership and control tree, with look-through shares.

A party is at the top when nothing above it holds a valid interest in it, or when it is a natural person
or a state (who cannot be owned). Its look-through share is the sum over ownership paths of the product
of the equity stakes, computed from the target upwards (cycles converge because stakes are fractions);
declared indirect interests summarise chains and are not summed with them. A top party reached only
through control interests appears with a zero share and `via_control`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from app.engine.evaluate import Edge, Node


@dataclass(frozen=True)
class UltimateOwner:
    party_id: str
    lookthrough_min: float  # percent
    lookthrough_max: float
    via_control: bool
    levels: int  # shortest number of interests between it and the target


def _owned_by_nobody(node: Node) -> bool:
    return node.kind == "person" or node.entity_type in ("state", "stateBody")


def ultimate_owners(target: str, nodes: dict[str, Node], edges: list[Edge], as_of: date,
                    epsilon: float = 1e-9, max_rounds: int = 500) -> list[UltimateOwner]:
    valid = [e for e in edges if e.valid(as_of) and e.holder != e.subject]
    holders_of: dict[str, list[Edge]] = defaultdict(list)
    for e in valid:
        holders_of[e.subject].append(e)

    # Breadth-first from the target: which parties are above it, and how far.
    levels = {target: 0}
    frontier = [target]
    while frontier:
        above = []
        for sid in frontier:
            if sid != target and sid in nodes and _owned_by_nobody(nodes[sid]):
                continue
            for e in holders_of.get(sid, []):
                if e.holder not in levels:
                    levels[e.holder] = levels[sid] + 1
                    above.append(e.holder)
        frontier = above

    # share[x] = fraction of the target that x holds through equity (min, max), from the target upwards.
    stakes: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)  # holder -> subject -> stake
    for e in valid:
        if e.relation == "OWNS" and e.measure == "equity" and e.direct != "indirect" and e.holder in levels:
            lo = (e.share_min or 0.0) / 100.0
            hi = (e.share_max if e.share_max is not None else 100.0) / 100.0
            old = stakes[e.holder].get(e.subject, (0.0, 0.0))
            stakes[e.holder][e.subject] = (max(lo, old[0]), max(hi, old[1]))
    share: dict[str, tuple[float, float]] = {target: (1.0, 1.0)}
    for _ in range(max_rounds):
        moved = False
        for holder, held in stakes.items():
            if holder == target:
                continue
            lo = min(1.0, sum(s_lo * share[s][0] for s, (s_lo, _) in held.items() if s in share))
            hi = min(1.0, sum(s_hi * share[s][1] for s, (_, s_hi) in held.items() if s in share))
            old = share.get(holder, (0.0, 0.0))
            if abs(lo - old[0]) > epsilon or abs(hi - old[1]) > epsilon:
                share[holder] = (lo, hi)
                moved = True
        if not moved:
            break

    owners = []
    for pid, level in levels.items():
        if pid == target:
            continue
        node = nodes.get(pid)
        has_holders = any(e.holder != pid for e in holders_of.get(pid, []))
        if (node is not None and _owned_by_nobody(node)) or not has_holders:
            lo, hi = share.get(pid, (0.0, 0.0))
            owners.append(UltimateOwner(pid, round(lo * 100.0, 6), round(hi * 100.0, 6), via_control=hi == 0.0,
                                        levels=level))
    owners.sort(key=lambda o: (-o.lookthrough_max, -o.lookthrough_min, o.levels, o.party_id))
    return owners
