"""An independent reference implementation of the control semantics, for tests only.

Written from the specification, not from the engine: exact rationals (Fraction) with a symbolic
epsilon for exclusive bounds, and a naive loop that recomputes every party until nothing changes.

Semantics:
- Seeds: entities incorporated and/or headquartered (policy `home`) in a restricted jurisdiction,
  states and state bodies of one, persons of a restricted nationality when the policy says so,
  parties listed in the policy. Overrides pin a party's verdict and its membership.
- An interest counts on the as-of date when start <= as_of <= end (open ends count).
- A holder's several statements of one stake (same subject, measure, directness) are one holding:
  the largest minimum and the largest maximum.
- Restricted share of x for a measure = sum over restricted holders of direct/unknown stakes, or the
  largest single declared-indirect stake if larger (declared indirect stakes are never added to
  anything). The restricted share is the largest over the policy's measures.
- x is definitely restricted when the share from definitely restricted holders' minima passes the
  threshold, or a definitely restricted holder has a counted control interest in x; possibly restricted
  when the share from possibly restricted holders' maxima passes, or a possibly restricted holder has
  counted control, or (undisclosed_counts, entities only) 100% minus the minima of holders that are not
  possibly restricted passes. Both sets are least fixed points.
- Verdict: pinned verdict; else restricted (seed or definitely), review (possibly), clear.
- Look-through (informational): a seed holds itself wholly (1); any other party's share is the sum over
  its holders of the holder's share times its largest valid direct-or-unknown equity stake (minimum:
  unknown 0; maximum: unknown 100%), capped at 1, computed from the minima and from the maxima. The least
  fixed point, reached by recomputing every party at once from zero until nothing moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from app.policy import Policy

Bound = tuple[Fraction, int]  # (value, epsilons): +e for "more than", -e for "less than"


@dataclass(frozen=True)
class RNode:
    id: str
    kind: str = "entity"
    entity_type: str | None = None
    jurisdiction: str | None = None
    headquarters: str | None = None
    state_of: str | None = None
    nationalities: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class REdge:
    holder: str
    subject: str
    relation: str
    measure: str | None = None
    kind: str | None = None
    share_min: float | None = None
    share_max: float | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False
    direct: str = "unknown"
    start: date | None = None
    end: date | None = None


@dataclass
class RVerdict:
    verdict: str
    lower: Bound
    upper: Bound


def _frac(value: float) -> Fraction:
    return Fraction(str(value))


def _is_seed(node: RNode, policy: Policy) -> bool:
    restricted = set(policy.restricted_jurisdictions)
    if node.kind == "entity":
        if policy.home != "headquarters" and node.jurisdiction in restricted:
            return True
        if policy.home != "incorporation" and node.headquarters in restricted:
            return True
    if node.entity_type in ("state", "stateBody") and node.state_of in restricted:
        return True
    if policy.persons_by_nationality and node.kind == "person" and set(node.nationalities) & restricted:
        return True
    return bool(set(node.keys) & set(policy.seed_entities))


def _passes(bound: Bound, policy: Policy) -> bool:
    threshold = _frac(policy.threshold_percent)
    value, eps = bound
    if value != threshold:
        return value > threshold
    return eps >= 0 if policy.threshold_inclusive else eps > 0


def _add(a: Bound, b: Bound) -> Bound:
    return (a[0] + b[0], a[1] + b[1])


def compute(nodes: list[RNode], edges: list[REdge], policy: Policy, as_of: date,
            pins: dict[str, str] | None = None) -> dict[str, RVerdict]:
    pins = pins or {}
    valid = [e for e in edges if (e.start is None or e.start <= as_of) and (e.end is None or e.end >= as_of)]
    seeds = {n.id for n in nodes if _is_seed(n, policy)}
    definite = {n for n in seeds if n not in pins} | {n for n, v in pins.items() if v == "restricted"}
    possible = {n for n in seeds if n not in pins} | {n for n, v in pins.items() if v != "clear"}
    by_id = {n.id: n for n in nodes}
    into: dict[str, list[REdge]] = {}
    for e in valid:
        into.setdefault(e.subject, []).append(e)

    def holdings(subject: str) -> dict[tuple[str, str, bool], tuple[Bound, Bound]]:
        out: dict[tuple[str, str, bool], tuple[Bound, Bound]] = {}
        for e in into.get(subject, []):
            if e.relation != "OWNS" or e.measure not in policy.ownership_measures:
                continue
            low: Bound = (_frac(e.share_min), 1 if e.min_exclusive else 0) if e.share_min is not None else (
                Fraction(0), 0)
            high: Bound = (_frac(e.share_max), -1 if e.max_exclusive else 0) if e.share_max is not None else (
                Fraction(100), 0)
            key = (e.holder, e.measure, e.direct == "indirect")
            if key in out:
                low, high = max(low, out[key][0]), max(high, out[key][1])
            out[key] = (low, high)
        return out

    def shares(subject: str) -> tuple[Bound, Bound, Bound | None]:
        held = holdings(subject)
        lower: Bound = (Fraction(0), 0)
        upper: Bound = (Fraction(0), 0)
        remainder: Bound | None = None
        for measure in policy.ownership_measures:
            for indirect in (False, True):
                group = [(h, lo, hi) for (h, m, ind), (lo, hi) in held.items() if m == measure and ind == indirect]
                if not group:
                    continue
                lows = [lo for h, lo, _ in group if h in definite]
                highs = [hi for h, _, hi in group if h in possible]
                if indirect:
                    group_lower = max(lows, default=(Fraction(0), 0))
                    group_upper = max(highs, default=(Fraction(0), 0))
                else:
                    group_lower = (Fraction(0), 0)
                    for lo in lows:
                        group_lower = _add(group_lower, lo)
                    group_upper = (Fraction(0), 0)
                    for hi in highs:
                        group_upper = _add(group_upper, hi)
                    claimed: Bound = (Fraction(0), 0)
                    for h, lo, _ in group:
                        if h not in possible:
                            claimed = _add(claimed, lo)
                    rest: Bound = (Fraction(100) - claimed[0], -claimed[1])
                    remainder = rest if remainder is None else max(remainder, rest)
                lower, upper = max(lower, group_lower), max(upper, group_upper)
        return lower, upper, remainder

    def controlled(subject: str, members: set[str]) -> bool:
        return any(e.relation == "CONTROLS" and e.kind in policy.control_kinds and e.holder in members
                   for e in into.get(subject, []))

    changed = True
    while changed:
        changed = False
        for node in nodes:
            if node.id in pins:
                continue
            lower, upper, remainder = shares(node.id)
            if node.id not in definite and (_passes(lower, policy) or controlled(node.id, definite)):
                definite.add(node.id)
                changed = True
            undisclosed = (policy.undisclosed_counts and node.kind == "entity"
                           and _passes(remainder if remainder is not None else (Fraction(100), 0), policy))
            if node.id not in possible and (node.id in definite or _passes(upper, policy)
                                            or controlled(node.id, possible) or undisclosed):
                possible.add(node.id)
                changed = True
    result = {}
    for node in nodes:
        lower, upper, remainder = shares(node.id)
        if policy.undisclosed_counts and by_id[node.id].kind == "entity":
            upper = max(upper, remainder if remainder is not None else (Fraction(100), 0))
        if node.id in pins:
            verdict = pins[node.id]
        elif node.id in seeds or node.id in definite:
            verdict = "restricted"
        elif node.id in possible:
            verdict = "review"
        else:
            verdict = "clear"
        if node.id in seeds:
            lower, upper = (Fraction(100), 0), (Fraction(100), 0)
        result[node.id] = RVerdict(verdict, min(lower, (Fraction(100), 0)), min(upper, (Fraction(100), 0)))
    return result


def lookthrough(nodes: list[RNode], edges: list[REdge], policy: Policy, as_of: date, tolerance: float = 1e-12,
                max_rounds: int = 5_000) -> tuple[dict[str, tuple[float, float]], int]:
    """Every party's look-through share (fractions from the minima and from the maxima), and how many rounds
    it took to settle within `tolerance` (many: a cycle whose stakes multiply to nearly 1)."""
    seeds = {n.id for n in nodes if _is_seed(n, policy)}
    stakes: dict[tuple[str, str], tuple[float, float]] = {}
    for e in edges:
        if e.relation != "OWNS" or e.measure != "equity" or e.direct == "indirect":
            continue
        if (e.start is not None and e.start > as_of) or (e.end is not None and e.end < as_of):
            continue
        low = (e.share_min or 0.0) / 100.0
        high = (100.0 if e.share_max is None else e.share_max) / 100.0
        old = stakes.get((e.holder, e.subject), (0.0, 0.0))
        stakes[(e.holder, e.subject)] = (max(low, old[0]), max(high, old[1]))
    value = {n.id: (1.0, 1.0) if n.id in seeds else (0.0, 0.0) for n in nodes}
    for rounds in range(1, max_rounds + 1):
        new = {}
        for n in nodes:
            if n.id in seeds:
                new[n.id] = (1.0, 1.0)
                continue
            low = sum(s[0] * value[h][0] for (h, x), s in stakes.items() if x == n.id)
            high = sum(s[1] * value[h][1] for (h, x), s in stakes.items() if x == n.id)
            new[n.id] = (min(1.0, low), min(1.0, high))
        moved = max(max(abs(new[k][0] - value[k][0]), abs(new[k][1] - value[k][1])) for k in new)
        value = new
        if moved <= tolerance:
            return value, rounds
    return value, max_rounds
