"""The same semantics as the Cypher engine, in memory, for one party's ancestor subgraph.

Used for on-demand verdicts (a party newer than the published generation, another as-of date) and for
what-if simulation (stakes added or removed), where nothing may be written. The subgraph holds every
party above the target, so the fixed point over it gives the target's exact verdict.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection, Container, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from app.engine.codes import HUNDRED, lower_code, lower_percent, passes, threshold_code, upper_code, upper_percent
from app.policy import Policy


# Node and Edge are never assigned to after construction, but are not frozen: a frozen dataclass sets each
# field through object.__setattr__, and a what-if far up builds 1,500 nodes and 5,000 interests a request
# (1.75 against 0.43 µs an interest, measured; README, "Benchmarks"). Hashable by their compared fields, as
# frozen ones are.
@dataclass(slots=True, unsafe_hash=True)
class Node:
    id: str
    kind: str | None = None
    entity_type: str | None = None
    jurisdiction: str | None = None
    headquarters: str | None = None
    state_of: str | None = None
    nationalities: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()


@dataclass(slots=True, unsafe_hash=True)
class Edge:
    holder: str
    subject: str
    relation: str  # OWNS or CONTROLS
    measure: str | None = None
    kind: str | None = None
    share_min: float | None = None
    share_max: float | None = None
    share_min_exclusive: bool = False
    share_max_exclusive: bool = False
    direct: str = "unknown"
    start_date: date | None = None
    end_date: date | None = None
    props: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def valid(self, as_of: date) -> bool:
        started = self.start_date is None or self.start_date <= as_of
        return started and (self.end_date is None or self.end_date >= as_of)


@dataclass
class Outcome:
    verdict: str
    share_min: float
    share_min_exclusive: bool
    share_max: float
    share_max_exclusive: bool
    seed_reason: str | None
    pin_reason: str | None
    control_definite: bool
    control_possible: bool
    lookthrough_min: float
    lookthrough_max: float
    undisclosed_max: float | None
    lookthrough_converged: bool = True  # False: a cycle's rounds stopped at `max_rounds`, the shares are lower bounds


def seed_reason(node: Node, policy: Policy) -> str | None:
    if not (node.jurisdiction or node.headquarters or node.state_of or node.nationalities or node.keys):
        return None  # every reason below needs one of these: parties known by id only (a boundary) have none
    jurisdictions = set(policy.restricted_jurisdictions)
    reasons = []
    if node.kind == "entity" and policy.home in ("incorporation", "either") and node.jurisdiction in jurisdictions:
        reasons.append(f"incorporated in {node.jurisdiction}")
    if node.kind == "entity" and policy.home in ("headquarters", "either") and node.headquarters in jurisdictions:
        reasons.append(f"headquartered in {node.headquarters}")
    if node.entity_type in ("state", "stateBody") and node.state_of in jurisdictions:
        prefix = "the state of " if node.entity_type == "state" else "a state body of "
        reasons.append(prefix + str(node.state_of))
    if policy.persons_by_nationality and node.kind == "person":
        national = [n for n in node.nationalities if n in jurisdictions]
        if national:
            reasons.append(f"national of {national[0]}")
    for key in policy.seed_entities:
        if key in node.keys:
            reasons.append(f"listed in the policy as {key}")
    return "; ".join(reasons) if reasons else None


@dataclass
class _Sums:
    lower: int = 0
    upper: int = 0
    remainder: int | None = None
    control_lower: bool = False
    control_upper: bool = False


def _sums(subject: str, incoming: list[Edge], lower: Container[str], upper: Container[str], policy: Policy,
          as_of: date) -> _Sums:
    if len(incoming) < 2:  # most parties of a walk: nothing to group
        return _one_sum(incoming[0], lower, upper, policy, as_of) if incoming else _Sums()
    holdings: dict[tuple[str, str, bool], tuple[int, int]] = {}
    out = _Sums()
    for edge in incoming:
        if not edge.valid(as_of):
            continue
        if edge.relation == "CONTROLS":
            if edge.kind in policy.control_kinds and edge.holder in upper:
                out.control_upper = True
                out.control_lower = out.control_lower or edge.holder in lower
            continue
        if edge.measure not in policy.ownership_measures:
            continue
        key = (edge.holder, edge.measure, edge.direct == "indirect")
        lo = lower_code(edge.share_min, edge.share_min_exclusive)
        hi = upper_code(edge.share_max, edge.share_max_exclusive)
        if key in holdings:
            lo, hi = max(lo, holdings[key][0]), max(hi, holdings[key][1])
        holdings[key] = (lo, hi)
    groups: dict[tuple[str, bool], list[tuple[str, int, int]]] = defaultdict(list)
    for (holder, measure, indirect), (lo, hi) in holdings.items():
        groups[(measure, indirect)].append((holder, lo, hi))
    remainders = []
    lows, highs = [0], [0]
    for (_, indirect), members in groups.items():
        lo_values = [lo if holder in lower else 0 for holder, lo, _ in members]
        hi_values = [hi if holder in upper else 0 for holder, _, hi in members]
        lows.append(max(lo_values) if indirect else sum(lo_values))
        highs.append(max(hi_values) if indirect else sum(hi_values))
        if not indirect:
            remainders.append(HUNDRED - sum(lo for holder, lo, _ in members if holder not in upper))
    out.lower, out.upper = max(lows), max(highs)
    out.remainder = max(remainders) if remainders else None
    return out


def _one_sum(edge: Edge, lower: Container[str], upper: Container[str], policy: Policy, as_of: date) -> _Sums:
    """`_sums` of a party with one interest held in it, without the grouping: in the far-date walks of the
    bench, 3,612 of 11,702 parties computed had one interest held in them and 5,234 none, and the grouping's
    dictionaries and lists took most of `_sums`' time (README, "Benchmarks")."""
    out = _Sums()
    if not edge.valid(as_of):
        return out
    if edge.relation == "CONTROLS":
        if edge.kind in policy.control_kinds and edge.holder in upper:
            out.control_upper = True
            out.control_lower = edge.holder in lower
        return out
    if edge.measure not in policy.ownership_measures:
        return out
    lo = lower_code(edge.share_min, edge.share_min_exclusive)
    held_upper = edge.holder in upper
    if edge.holder in lower:
        out.lower = max(lo, 0)
    if held_upper:
        out.upper = max(upper_code(edge.share_max, edge.share_max_exclusive), 0)
    if edge.direct != "indirect":
        out.remainder = HUNDRED - (0 if held_upper else lo)
    return out


def _remainder(node: Node, sums: _Sums) -> int:
    """Undisclosed ownership counts for entities (and parties of unknown kind) only."""
    if (node.kind or "entity") != "entity":
        return 0
    return sums.remainder if sums.remainder is not None else HUNDRED


def fixed_point(nodes: dict[str, Node], edges: Iterable[Edge], policy: Policy, as_of: date,
                pins: dict[str, str] | None = None, assumed: dict[str, str] | None = None,
                dirty: Iterable[str] | None = None, interests_of: Callable[[str], list[Edge]] | None = None,
                subjects_of: Callable[[str], Iterable[str]] | None = None,
                ) -> tuple[set[str], set[str], dict[str, _Sums], dict[str, str]]:
    """Definitely (lower) and possibly (upper) restricted parties, with the sums of the parties computed and
    seed reasons.

    Semi-naive: a party is recomputed only when one of its holders changed membership. With `assumed`
    (verdicts known to be at or below the least fixed point of these interests) and `dirty` (the parties
    whose interests differ from those the assumed verdicts came from), the search starts from them: only
    the dirty parties are computed, then whoever a membership change reaches; the others keep their
    assumed verdicts and have no sums. That is the least fixed point again when the interests were only
    added to and the policy does not count undisclosed ownership: then every membership is monotone in the
    holders' memberships and in the interests, so the verdicts before are at or below the new least fixed
    point, and the search climbs from them to it.

    Restarted, it reads the interests held in each party it computes from `interests_of` and the parties
    each holds interests in (a superset will do) from `subjects_of`, when given, instead of indexing all of
    `edges` (which it then does not read): see `lookthrough`.
    """
    pins = pins or {}
    if dirty is not None and interests_of is not None and subjects_of is not None:
        held_in, holds = interests_of, subjects_of
    else:
        incoming: dict[str, list[Edge]] = defaultdict(list)
        outgoing: dict[str, set[str]] = defaultdict(set)
        for edge in edges:
            incoming[edge.subject].append(edge)
            outgoing[edge.holder].add(edge.subject)

        def held_in(nid: str) -> list[Edge]:
            return incoming.get(nid, [])

        def holds(nid: str) -> Iterable[str]:
            return outgoing.get(nid, ())
    seeds = {nid: reason for nid, node in nodes.items() if (reason := seed_reason(node, policy))}
    lower = {n for n in seeds if n not in pins} | {n for n, v in pins.items() if v == "restricted"}
    upper = {n for n in seeds if n not in pins} | {n for n, v in pins.items() if v != "clear"}
    for nid, verdict in (assumed or {}).items():
        if nid in nodes and nid not in pins:
            if verdict == "restricted":
                lower.add(nid)
            if verdict != "clear":
                upper.add(nid)
    sums: dict[str, _Sums] = {}
    pending = list(nodes) if dirty is None else [nid for nid in dirty if nid in nodes]
    _raise(pending, lower, upper, sums, nodes, pins, nodes.__getitem__, held_in, holds, policy, as_of)
    return lower, upper, sums, seeds


class RaisedFrom:
    """The parties at or above a membership (restricted, or possibly restricted): those raised to it here,
    and those whose verdict before (`before`, read when asked) was at or above it. A what-if through settled
    parties restarts its fixed point from their verdicts this way without copying the 1,500 of them."""

    __slots__ = ("_before", "_levels", "raised")

    def __init__(self, before: Callable[[str], str], levels: frozenset[str]) -> None:
        self.raised: set[str] = set()
        self._before = before
        self._levels = levels

    def __contains__(self, pid: object) -> bool:
        return pid in self.raised or (isinstance(pid, str) and self._before(pid) in self._levels)

    def add(self, pid: str) -> None:
        self.raised.add(pid)


_Members = set[str] | RaisedFrom


def _raise(pending: list[str], lower: _Members, upper: _Members, sums: dict[str, _Sums], scope: Container[str],
           pins: Container[str], node_of: Callable[[str], Node], held_in: Callable[[str], list[Edge]],
           holds: Callable[[str], Iterable[str]], policy: Policy, as_of: date) -> None:
    """Compute the pending parties' sums and raise their memberships where they pass, then those of the
    parties in `scope` below each party raised, until none is (memberships only grow, so this ends)."""
    threshold = threshold_code(policy.threshold_percent)
    while pending:
        queued: list[str] = []
        for nid in dict.fromkeys(pending):
            result = _sums(nid, held_in(nid), lower, upper, policy, as_of)
            sums[nid] = result
            if nid in pins:
                continue
            remainder = _remainder(node_of(nid), result)
            lower_pass = result.control_lower or passes(result.lower, threshold, policy.threshold_inclusive)
            upper_pass = (lower_pass or result.control_upper
                          or passes(result.upper, threshold, policy.threshold_inclusive)
                          or (policy.undisclosed_counts and passes(remainder, threshold, policy.threshold_inclusive)))
            changed = False
            if lower_pass and nid not in lower:
                lower.add(nid)
                changed = True
            if upper_pass and nid not in upper:
                upper.add(nid)
                changed = True
            if changed:
                queued.extend(s for s in holds(nid) if s in scope)
        pending = queued


def lookthrough(nodes: Collection[str], edges: Iterable[Edge], seeds: Iterable[str], as_of: date,
                epsilon: float = 1e-9, max_rounds: int = 500,
                fixed: dict[str, tuple[float, float]] | None = None,
                assumed: dict[str, tuple[float, float]] | None = None,
                dirty: Iterable[str] | None = None, interests_of: Callable[[str], list[Edge]] | None = None,
                subjects_of: Callable[[str], Iterable[str]] | None = None,
                before: Callable[[str], tuple[float, float] | None] | None = None,
                shares_of: Callable[[str], Iterable[tuple[str, float, float]] | None] | None = None) -> Shares:
    """Look-through fractions (min, max) from the seeds (1) and any parties whose value is given (`fixed`).

    The parties below them are taken a strongly connected component at a time, holders' components first:
    a party outside any cycle is computed once, from final values; only a cycle's parties are iterated,
    among themselves, until no value moves by more than `epsilon` (at most `max_rounds` rounds).

    With `assumed` (values at or below the least fixed point of these interests: those of fewer interests,
    or of lower stakes) and `dirty` (the parties whose interests differ from those the assumed values came
    from), the rounds start from them instead: the dirty parties are computed, then whoever a value that
    moved reaches, until none moves by more than `epsilon`. Every step, `min(1, sum of stakes x values)`,
    only grows with the values, so from below the least fixed point they climb to it, as the rounds from
    nothing do. A what-if where a seed buys far up moves the look-through of a few dozen of the 1,500
    parties it evaluates again (README, "Benchmarks"). Past `max_rounds` updates a party on average, the
    values are computed from nothing.

    Restarted, it reads the interests held in each party it computes from `interests_of`, and the parties
    each holds interests in (a superset will do) from `subjects_of`, when given, instead of indexing all of
    `edges` (read then only if the restart runs past its budget): that what-if builds the interests of the
    few dozen parties it computes, not those of all 1,500. With `shares_of` as well, a party's stakes as
    `index` takes them from its interests, (holder, minimum, maximum) as fractions in the order of each
    holder's first interest, come from it instead, unless it gives None: a party settled earlier keeps them
    (`SettledParties.lookthrough_stakes`), so a climb through 1,500 parties builds none of their interests.

    With `before` as well, every party without a value here (`assumed` left empty) has the one `before`
    gives, read when a party's interests are indexed (its own and its holders'): the same as `assumed`
    holding every party's value and `fixed` every one outside `nodes`, without copying them. Then a restart
    past its budget raises `OverBudget` (the values from nothing would need every party's interests)."""
    value = Shares({n: (1.0, 1.0) for n in seeds} | (fixed or {}))
    given = set(value)
    incoming: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    outgoing: dict[str, set[str]] = defaultdict(set)

    def index(interests: Iterable[Edge]) -> None:  # idempotent: an interest indexed twice changes nothing
        for e in interests:
            # undated interests (all of a walk's: it reads those valid on the date) skip the call
            if e.relation == "OWNS" and e.measure == "equity" and e.direct != "indirect" and (
                    (e.start_date is None and e.end_date is None) or e.valid(as_of)):
                lo = (e.share_min or 0.0) / 100.0
                hi = (e.share_max if e.share_max is not None else 100.0) / 100.0
                held = incoming[e.subject]
                old = held.get(e.holder, (0.0, 0.0))
                held[e.holder] = (max(lo, old[0]), max(hi, old[1]))
                outgoing[e.holder].add(e.subject)

    lazy = assumed is not None and dirty is not None and interests_of is not None and subjects_of is not None
    indexed: set[str] = set()  # lazily: the parties whose interests are in `incoming`
    if not lazy:
        index(edges)

    def update(nid: str, value: dict[str, tuple[float, float]] = value) -> bool:
        if lazy and nid not in indexed and interests_of is not None:
            indexed.add(nid)
            stakes = shares_of(nid) if shares_of is not None else None
            if stakes is None:
                index(interests_of(nid))
            else:  # as `index` would have them, in the same order
                holders = incoming[nid]
                for holder, low, high in stakes:
                    known = holders.get(holder)
                    holders[holder] = (low, high) if known is None else (max(low, known[0]), max(high, known[1]))
            if before is not None:  # the values before of the party and its holders, once, as plain entries
                for party in (nid, *incoming[nid]):
                    if party not in value and (earlier := before(party)) is not None:
                        value[party] = earlier
        # both sums in one pass, each in the holders' order as before: the same floats to the last bit
        lo = hi = 0.0
        for holder, (share_lo, share_hi) in incoming[nid].items():
            held = value.get(holder)
            if held is not None:
                lo += share_lo * held[0]
                hi += share_hi * held[1]
        lo, hi = min(1.0, lo), min(1.0, hi)
        old = value.get(nid, (0.0, 0.0))
        if hi >= epsilon and (abs(lo - old[0]) > epsilon or abs(hi - old[1]) > epsilon):
            value[nid] = (lo, hi)
            return True
        return False

    if assumed is not None and dirty is not None:
        restarted = Shares(value if before is not None else
                           value | {n: v for n, v in assumed.items() if n in nodes and n not in given and v[1] > 0.0})
        subjects = subjects_of if lazy and subjects_of is not None else lambda n: outgoing.get(n, ())

        def computed(nid: str) -> bool:
            return nid in nodes and nid not in given

        def at_once(members: list[str]) -> list[str]:  # each updated already, so its interests are read
            return _rounds_at_once(members, incoming, restarted, epsilon, max_rounds)

        if _climbed(restarted, update, subjects, [n for n in dirty if computed(n)], computed,
                    max_rounds * len(nodes), at_once):
            return restarted
        if before is not None:
            raise OverBudget
        if lazy:
            lazy = False
            index(edges)
    below = {s for n in given for s in outgoing.get(n, ()) if s in nodes and s not in given}
    stack = list(below)
    while stack:
        for s in outgoing.get(stack.pop(), ()):
            if s in nodes and s not in given and s not in below:
                below.add(s)
                stack.append(s)
    for component in _components(below, outgoing):  # holders' components first
        if value.short and any(holder in value.short for nid in component for holder in incoming[nid]):
            value.short.update(component)
        if len(component) == 1 and component[0] not in outgoing.get(component[0], ()):
            update(component[0])
            continue
        if _solved(component, incoming, value, epsilon):
            continue
        for _ in range(max_rounds):
            if not [nid for nid in component if update(nid)]:
                break
        else:
            value.short.update(component)
    return value


class Shares(dict[str, tuple[float, float]]):
    """Look-through fractions (min, max) by party, and the parties whose share may be short of the least
    fixed point (`short`): those of a cycle whose rounds stopped at `max_rounds` (stakes adding to 100% or
    more round a cycle can climb to the cap that slowly) and every party below one; theirs are lower
    bounds."""

    def __init__(self, values: dict[str, tuple[float, float]] | None = None) -> None:
        super().__init__(values or {})
        self.short: set[str] = set()

    @property
    def converged(self) -> bool:
        return not self.short


class OverBudget(Exception):
    """A look-through restarted from values read when needed took more updates than its budget."""


# A climb that has moved a party this many times is going round a cycle (a what-if where a seed buys into
# the bench registry's large cycle of holdings: 29,736 updates of 929 parties, 85 ms);
# the rounds of the parties it updated are then taken all at once (`_rounds_at_once`; there, 1,458 updates
# and twice at once, 15-22 ms in all). Not below this many parties: small cycles converge in a few passes.
CLIMB_PASSES = 4
CLIMB_AT_ONCE_PARTIES = 64


def _climbed(value: dict[str, tuple[float, float]], update: Callable[[str, dict[str, tuple[float, float]]], bool],
             subjects_of: Callable[[str], Iterable[str]], dirty: list[str], computed: Callable[[str], bool],
             budget: int, at_once: Callable[[list[str]], list[str]] | None = None) -> bool:
    """Update the dirty parties, then those below every party whose value moved (first in, first out),
    until none moves; False when that takes more than `budget` updates (the values are then half-way).
    With `at_once` (rounds over the given parties until none moves, returning those that moved), a climb
    going round a cycle hands the parties it updated to it, then goes on from those that moved."""
    queue = deque(dict.fromkeys(dirty))
    queued = set(queue)
    updated: set[str] = set()
    moves: dict[str, int] = {}  # since the parties were last taken at once

    def enqueue_below(mover: str, settled: Container[str] = ()) -> None:
        for subject in subjects_of(mover):
            if subject not in queued and subject not in settled and computed(subject):
                queue.append(subject)
                queued.add(subject)

    while queue:
        if budget <= 0:
            return False
        budget -= 1
        nid = queue.popleft()
        queued.discard(nid)
        updated.add(nid)
        if not update(nid, value):
            continue
        enqueue_below(nid)
        moves[nid] = moves.get(nid, 0) + 1
        if at_once is not None and moves[nid] >= CLIMB_PASSES and len(updated) >= CLIMB_AT_ONCE_PARTIES:
            # the parties taken at once no longer move with each other's values: only those below them
            # outside them are updated next (and they again when one of those moves, as in any climb)
            for mover in at_once(sorted(updated)):
                enqueue_below(mover, updated)
            moves.clear()
    return True


def _rounds_at_once(members: list[str], incoming: dict[str, dict[str, tuple[float, float]]],
                    value: dict[str, tuple[float, float]], epsilon: float, max_rounds: int) -> list[str]:
    """Rounds of the look-through's step, `min(1, sum of stakes x values)`, over `members` all at once
    (numpy), the values of their holders outside them fixed, until no value moves by more than `epsilon`;
    the members whose value moved, written to `value`. Each member's interests must be indexed.

    Exact as the climb is: its values are at or below what the step gives them (each was the step's value
    when computed, or a value before added interests, and values only grew since), so rounds from them only
    grow and stay at or below the least fixed point, and where they stop the climb goes on from the members
    that moved. A value whose maximum stays under `epsilon` is left as it was, as `update` leaves it."""
    # both bounds in one array, the minima then the maxima, so that a round is one gather and one bincount,
    # and the setup in plain floats rather than numpy item by item: the two takes of the bench's what-if into
    # the large cycle went from 4.2 to 3.5 ms (README, "Benchmarks")
    size = len(members)
    position = {nid: i for i, nid in enumerate(members)}
    rows: list[int] = []
    columns: list[int] = []
    lows: list[float] = []
    highs: list[float] = []
    inflow_low = [0.0] * size
    inflow_high = [0.0] * size
    for row, nid in enumerate(members):
        for holder, (low, high) in incoming[nid].items():
            column = position.get(holder)
            if column is not None:
                rows.append(row)
                columns.append(column)
                lows.append(low)
                highs.append(high)
            elif (held := value.get(holder)) is not None:
                inflow_low[row] += low * held[0]
                inflow_high[row] += high * held[1]
    inflow = np.array(inflow_low + inflow_high, dtype=float)
    start = np.array([value.get(nid, (0.0, 0.0)) for nid in members], dtype=float).reshape(size, 2).T.reshape(-1)
    weights = np.array(lows + highs, dtype=float)
    gather = np.array(columns + [column + size for column in columns], dtype=np.intp)
    scatter = np.array(rows + [row + size for row in rows], dtype=np.intp)
    current = start
    for _ in range(max_rounds):
        stepped = inflow + np.bincount(scatter, weights * current[gather], minlength=2 * size)
        # rounding aside the step never lowers a value (see above); the maximum keeps that to the last bit
        stepped = np.where(np.tile(stepped[size:] >= epsilon, 2), np.maximum(np.minimum(stepped, 1.0), current),
                           current)
        settled = float(np.abs(stepped - current).max(initial=0.0)) <= epsilon
        current = stepped
        if settled:
            break
    moved = []
    for i in np.flatnonzero(np.abs(current - start).reshape(2, size).max(axis=0, initial=0.0) > epsilon):
        nid = members[int(i)]
        value[nid] = (float(current[i]), float(current[size + i]))
        moved.append(nid)
    return moved


# Above this many parties a cycle is iterated: the dense solve grows with the cube of its size (measured
# here: 17 ms for 536 parties, 85 ms for 1,000, 203 ms for 1,500) and its matrices with the square.
SOLVED_CYCLE_LIMIT = 1_000


def _solved(component: list[str], incoming: dict[str, dict[str, tuple[float, float]]],
            value: dict[str, tuple[float, float]], epsilon: float) -> bool:
    """A cycle's look-through as the solution of its linear equations, v = A v + b (A: the stakes among its
    parties, b: what its holders outside it bring), when that is what the rounds converge to; False (values
    untouched) otherwise, and the rounds decide.

    With A and b non-negative, rounds from zero only grow, and stay at or below any non-negative solution
    x (x = A x + b is above each next round by induction): they converge to a solution at or below x, which
    is x when it is the only one (I - A invertible). If x also stays at or below 1, no `min(1, ...)` of the
    rounds ever binds on the way up. So a unique solution between 0 and 1 is exactly the rounds' limit;
    otherwise (shares adding to 100% or more around the cycle, a value capped at 1) the rounds run. A cycle
    of 536 parties took about 90 rounds and 300 ms to converge; its solution takes a few milliseconds
    (README, "Benchmarks")."""
    size = len(component)
    if size > SOLVED_CYCLE_LIMIT:
        return False
    index = {nid: i for i, nid in enumerate(component)}
    matrices = np.zeros((2, size, size))
    inflow = np.zeros((2, size))
    for row, nid in enumerate(component):
        for holder, (share_lo, share_hi) in incoming[nid].items():
            column = index.get(holder)
            if column is not None:
                matrices[0, row, column] += share_lo
                matrices[1, row, column] += share_hi
            elif holder in value:
                inflow[0, row] += share_lo * value[holder][0]
                inflow[1, row] += share_hi * value[holder][1]
    if not inflow[1].any():
        return True  # nothing flows in: the rounds leave every value at none
    try:
        solution = np.linalg.solve(np.eye(size) - matrices, inflow[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return False
    tolerance = 1e-12
    if not np.isfinite(solution).all() or solution.min() < -tolerance or solution.max() > 1.0 + tolerance:
        return False
    for row, nid in enumerate(component):
        low, high = float(min(max(solution[0, row], 0.0), 1.0)), float(min(max(solution[1, row], 0.0), 1.0))
        if high >= epsilon:  # as a round: a share below epsilon is none
            value[nid] = (low, high)
    return True


def _components(members: set[str], outgoing: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of the graph on `members`, holders' components before their
    subjects' (Tarjan's algorithm without recursion: ownership chains run thousands of levels deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(members):  # the same order in every process: cycles iterate identically
        if root in index:
            continue
        work = [(root, iter(sorted(outgoing.get(root, set()) & members)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            nid, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(outgoing.get(child, set()) & members))))
                elif child in on_stack:
                    low[nid] = min(low[nid], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[nid])
            if low[nid] == index[nid]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == nid:
                        break
                found.append(component)
    found.reverse()  # Tarjan finds a component after every component below it
    return found


@dataclass
class Analysis:
    lower: Container[str]
    upper: Container[str]
    seeds: dict[str, str]
    outcome: Outcome
    lookthrough: Shares  # every party's (min, max) fraction

    @property
    def lookthrough_converged(self) -> bool:
        """Whether every party's look-through share here converged (not only the target's)."""
        return self.lookthrough.converged


def evaluate(target: str, nodes: dict[str, Node], edges: list[Edge], policy: Policy, as_of: date,
             pins: dict[str, tuple[str, str]] | None = None) -> Outcome:
    return analyse(target, nodes, edges, policy, as_of, pins).outcome


def analyse(target: str, nodes: dict[str, Node], edges: Iterable[Edge], policy: Policy, as_of: date,
            pins: dict[str, tuple[str, str]] | None = None,
            fixed: dict[str, tuple[float, float]] | None = None, assumed: dict[str, str] | None = None,
            dirty: Iterable[str] | None = None, assumed_shares: dict[str, tuple[float, float]] | None = None,
            shares_dirty: Iterable[str] | None = None, interests_of: Callable[[str], list[Edge]] | None = None,
            subjects_of: Callable[[str], Iterable[str]] | None = None) -> Analysis:
    """The target's outcome and every party's membership and look-through share, from one fixed point;
    `pins` and `fixed` give parties' memberships and look-through shares (a boundary taken as known);
    `assumed` and `dirty` start the fixed point from earlier verdicts (`fixed_point`), `assumed_shares` and
    `shares_dirty` the look-through from earlier shares (`lookthrough`); restarted, both read interests
    through `interests_of` and `subjects_of` when given."""
    pins = pins or {}
    lower, upper, sums, seeds = fixed_point(nodes, edges, policy, as_of, {k: v[0] for k, v in pins.items()},
                                            assumed, None if dirty is None else [*dirty, target],
                                            interests_of, subjects_of)
    result = sums.get(target, _Sums())
    shares = lookthrough(nodes, edges, seeds, as_of, fixed=fixed, assumed=assumed_shares,
                         dirty=None if shares_dirty is None else [*shares_dirty, target],
                         interests_of=interests_of, subjects_of=subjects_of)
    return _analysis(target, nodes.get(target), result, lower, upper, seeds, pins, shares, policy)


def restart_region(target: Node, scope: Collection[str], dirty: Iterable[str], verdict_before: Callable[[str], str],
                   share_before: Callable[[str], tuple[float, float] | None], kind_of: Callable[[str], str | None],
                   interests_of: Callable[[str], list[Edge]], subjects_of: Callable[[str], Iterable[str]],
                   policy: Policy, as_of: date,
                   shares_of: Callable[[str], Iterable[tuple[str, float, float]] | None] | None = None
                   ) -> Analysis | None:
    """The target's analysis after changes that only add interests (held in the `dirty` parties), restarted
    from every party's verdict and look-through share before them (`verdict_before`, `share_before`, read
    when needed): the dirty parties and the target are computed, then the parties in `scope` that a moved
    value reaches; every party outside `scope` keeps its value before.

    The same as `analyse` with `scope`'s parties as its nodes (the target's own attributes, the others'
    kinds), each party outside it pinned and fixed at its values before, and `assumed`, `dirty`,
    `assumed_shares` and `shares_dirty` from the values before and the dirty parties, without building
    those for every party in `scope` (1,500 for a seed buying far up, and as many around them). So it holds
    where that restart holds (`fixed_point`: the policy does not count undisclosed ownership) and where no
    party is pinned (the caller checks both). None when the look-through runs past its budget: `analyse`
    then computes it from nothing. `shares_of`: as `lookthrough`'s."""
    reason = seed_reason(target, policy)
    seeds = {target.id: reason} if reason else {}
    lower = RaisedFrom(verdict_before, frozenset({"restricted"}))
    upper = RaisedFrom(verdict_before, frozenset({"restricted", "review"}))
    for seed in seeds:
        lower.add(seed)
        upper.add(seed)
    dirty = [*dirty, target.id]
    sums: dict[str, _Sums] = {}

    def node_of(nid: str) -> Node:
        return target if nid == target.id else Node(nid, kind_of(nid))

    _raise([nid for nid in dirty if nid in scope], lower, upper, sums, scope, (), node_of, interests_of,
           subjects_of, policy, as_of)
    try:
        shares = lookthrough(scope, (), seeds, as_of, assumed={}, dirty=dirty, interests_of=interests_of,
                             subjects_of=subjects_of, before=share_before, shares_of=shares_of)
    except OverBudget:
        return None
    return _analysis(target.id, target, sums.get(target.id, _Sums()), lower, upper, seeds, {}, shares, policy)


def _analysis(target: str, node: Node | None, result: _Sums, lower: Container[str], upper: Container[str],
              seeds: dict[str, str], pins: dict[str, tuple[str, str]], shares: Shares,
              policy: Policy) -> Analysis:
    """The target's outcome from its sums, the memberships and the look-through shares."""
    lt = shares.get(target, (0.0, 0.0))
    remainder = _remainder(node, result) if node is not None else HUNDRED
    high = max(result.upper, remainder) if policy.undisclosed_counts else result.upper
    lo_pct, lo_x = lower_percent(result.lower)
    hi_pct, hi_x = upper_percent(high)
    if target in pins:
        verdict = pins[target][0]
    elif target in seeds or target in lower:
        verdict = "restricted"
    elif target in upper:
        verdict = "review"
    else:
        verdict = "clear"
    if target in seeds:
        lo_pct, lo_x, hi_pct, hi_x = 100.0, False, 100.0, False
    undisclosed = upper_percent(remainder)[0] if policy.undisclosed_counts and remainder > 0 else None
    return Analysis(lower, upper, seeds, Outcome(
        verdict=verdict, share_min=lo_pct, share_min_exclusive=lo_x, share_max=hi_pct, share_max_exclusive=hi_x,
        seed_reason=seeds.get(target), pin_reason=pins[target][1] if target in pins else None,
        control_definite=result.control_lower, control_possible=result.control_upper,
        lookthrough_min=lt[0] * 100.0, lookthrough_max=lt[1] * 100.0, undisclosed_max=undisclosed,
        lookthrough_converged=target not in shares.short,
    ), shares)

