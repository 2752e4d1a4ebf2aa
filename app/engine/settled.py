"""Parties settled on a date: what earlier on-demand verdicts on that date computed, for the next ones.

A date far from the generation's can leave nothing of the generation to reuse (every ancestry changed),
so each verdict on it walks the party's whole ancestry: thousands of parties on a registry with a large
cycle of holdings, the same ones for most parties. Every party such a walk evaluated, with all of its
holders walked too, has its exact membership and look-through share on that date. Kept per generation,
policy, date and data stamp, they let the next walk on that date stop where it reaches them: the walk reads
only the parties in between, with the settled ones as its boundary.

The memo only grows by whole walks whose every party had all its holders walked or settled, so it is closed
upwards: a settled party's holders are settled too, and the evidence can climb through them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from app.engine.evaluate import Analysis, Edge
from app.lru import LRU
from app.policy import Policy

# At most SETTLED_DATES dates (with their policy, generation and data stamp) per process, each with at most
# SETTLED_PARTIES parties (about 1 kB each: 16,300 parties took 17 MB on the bench registry with the caches
# around them); past it, later walks on that date are not kept.
SETTLED_DATES = 4
SETTLED_PARTIES = 100_000


# A settled party, as a plain tuple of strings, numbers, booleans and None (and tuples of them): CPython's
# cyclic garbage collector stops tracking such tuples, while it scans every dataclass instance in each full
# collection. With 30,000 parties kept as dataclasses, full collections took 105-143 ms, three times in
# 200 verdicts (README, "Benchmarks").
# (verdict, seed_reason, pinned, lookthrough_min, lookthrough_max, interests, kind), each interest as
# `_packed` (the party itself is the subject of each).
Settled = tuple[str, str | None, bool, float, float, tuple[tuple[Any, ...], ...], str | None]


# relation, measure, kind, direction: a few values, each held once however many interests name it (each
# interest read from Neo4j brings its own copies); `setdefault` takes the first copy, in one call from C
_WORDS: dict[str | None, str | None] = {}
_word = _WORDS.setdefault


def _packed(edge: Edge) -> tuple[Any, ...]:
    return (edge.holder, _word(edge.relation, edge.relation), _word(edge.measure, edge.measure),
            _word(edge.kind, edge.kind), edge.share_min, edge.share_max, edge.share_min_exclusive,
            edge.share_max_exclusive, _word(edge.direct, edge.direct), edge.props.get("eid"))


def settled_verdict(settled: Settled) -> dict[str, Any]:
    """Its membership, in the shape of a holder's verdict in the evidence."""
    return {"verdict": settled[0], "seed_reason": settled[1], "pinned": settled[2]}


def settled_status(settled: Settled) -> tuple[str, str | None, bool]:
    """(verdict, seed reason, pinned): `settled_verdict` without its dict, for loops over thousands."""
    return settled[0], settled[1], settled[2]


def settled_lookthrough(settled: Settled) -> tuple[float, float]:
    return settled[3], settled[4]


def settled_kind(settled: Settled) -> str | None:
    """The party's kind (entity, person, ...), which decides whether undisclosed ownership counts."""
    return settled[6]


def settled_interest_count(settled: Settled) -> int:
    return len(settled[5])


def settled_interest_total(parties: dict[str, Settled], ids: Iterable[str]) -> int:
    """How many interests are held in these settled parties, counted without a call a party (a what-if
    counts those of its 1,500)."""
    return sum(map(len, map(itemgetter(5), map(parties.__getitem__, ids))))


def settled_interests(party_id: str, settled: Settled) -> list[Edge]:
    """The interests held in it that are valid on the date (as the walk read them)."""
    return [Edge(holder, party_id, relation, measure, kind, low, high, low_x, high_x, direct or "unknown",
                 props={"eid": eid})
            for holder, relation, measure, kind, low, high, low_x, high_x, direct, eid in settled[5]]


def settled_stakes(settled: Settled) -> tuple[tuple[str, float, float], ...]:
    """The look-through's stakes in the party, as `evaluate.lookthrough` indexes them from its interests
    (`shares_of`), read from the packed interests without building them (a what-if climbing into the bench
    registry's large cycle asks it of about 900 parties at once; `tests/test_settled_unit.py` holds it to the
    interests' stakes)."""
    held: dict[str, tuple[float, float]] = {}
    for holder, relation, measure, _, low, high, _, _, direct, _ in settled[5]:
        if relation == "OWNS" and measure == "equity" and direct != "indirect":
            share_low = (low or 0.0) / 100.0
            share_high = (high if high is not None else 100.0) / 100.0
            old = held.get(holder, (0.0, 0.0))
            held[holder] = (max(share_low, old[0]), max(share_high, old[1]))
    return tuple((holder, share_low, share_high) for holder, (share_low, share_high) in held.items())


# How many of an id's last characters name its group of stops (`ancestry_on.cypher` takes it as
# `$stop_key_length`): 256 groups for the hexadecimal ids the loaders make (`loaders.writer.party_id`).
STOP_KEY_LENGTH = 2


def stop_key(party_id: str) -> str:
    """The group of stops a party's id falls in: its last characters, as the walk's `right(n.id, ...)` (both
    count code points)."""
    return party_id[-STOP_KEY_LENGTH:]


class StopIds(dict[str, str]):
    """The ids a walk stops at (`SettledParties.stops`), grouped by their last characters (`stop_key`): each
    group one text, "\nid\nid\n", so the walk asks whether its group's text holds "\n" + id + "\n". With
    one text of every id, split into a list in the statement, each party the walk met cost a pass over the
    whole list (Neo4j does not make a set of a list the statement built): grouped, Neo4j's time for 50
    far-date walks fell from 167-174 ms to 94-95 ms (README, "Benchmarks"). An id holding a newline is never
    in a group: a group's text could then hold another id's "\n" + id + "\n" across two of its ids, and the
    walk takes any id holding one as not settled.

    Its repr() is a summary: the driver builds a debug line from the repr() of every statement's
    parameters whether or not debug logging is on (`" ".join(map(repr, fields))` in neo4j's Bolt 5 `run`),
    and these ids run to megabytes: the line took 1.0 ms a walk with 15,000 settled ids and 6.9 ms with
    100,000 (README, "Benchmarks")."""

    # `kept`, `kept_chunks`: the server-kept form of the same ids (`KeptStops`), as far as these name them
    __slots__ = ("kept", "kept_chunks")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: KeptStops | None = None
        self.kept_chunks = 0

    @property
    def kept_count(self) -> int:
        """How many ids the server keeps for these stops (`KeptStops`), those without a newline."""
        return self.kept.totals[self.kept_chunks - 1] if self.kept is not None and self.kept_chunks else 0

    def with_kept(self, ids: Iterable[str], kept: KeptStops) -> StopIds:
        """`with_ids`, the ids also kept in `kept` as one more chunk (the form the server keeps), which the
        copy names."""
        ids = list(ids)
        stops = self.with_ids(ids)
        stops.kept, stops.kept_chunks = kept, kept.keep(ids)
        return stops

    def with_ids(self, ids: Iterable[str]) -> StopIds:
        """A copy naming these ids too (those holding a newline left out)."""
        groups: dict[str, list[str]] = {}
        for pid in ids:
            if "\n" not in pid:
                groups.setdefault(stop_key(pid), []).append(pid)
        stops = StopIds(self)
        for key, members in groups.items():
            stops[key] = (self.get(key) or "\n") + "\n".join(members) + "\n"
        return stops

    def names(self, party_id: str) -> bool:
        """The walk's test (`ancestry_on.cypher`): does the walk stop at this party?"""
        return "\n" not in party_id and f"\n{party_id}\n" in self.get(stop_key(party_id), "")

    def __repr__(self) -> str:
        return f"<settled ids, {sum(map(len, self.values())):,} characters in {len(self):,} groups>"


@dataclass
class KeptStops:
    """The settled ids as the server keeps them for the walks (`ownership.ancestry_kept`, plugin/src), under
    one memo name per `SettledParties`: each walk sends only the ids settled since the last one sent, not
    every id (about 300 kB on 2019-06-30 in the bench, most of what a small walk allocated in Neo4j; README,
    "Benchmarks"). A server that lost them (restarted, or the memo let go) keeps fewer than the walk
    expects and says so; the walk then sends them all (`read_walk` in app/engine/verdicts.py)."""

    memo: str = field(default_factory=lambda: uuid.uuid4().hex)
    # each walk's ids, one text each ("\n" between ids; ids holding one are never kept), and how many ids
    # in all up to each (texts in a list: the collector scans one entry a walk, not one an id)
    chunks: list[str] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    sent: int = 0  # how many chunks a server was sent, as far as this process knows

    def keep(self, ids: Iterable[str]) -> int:
        """Keep these ids (those holding a newline left out) as one more chunk; how many chunks there are."""
        plain = [pid for pid in ids if "\n" not in pid]
        self.chunks.append("\n".join(plain))
        self.totals.append((self.totals[-1] if self.totals else 0) + len(plain))
        return len(self.chunks)

    def added(self, start: int, end: int) -> str:
        """The ids of chunks `start` to `end`, as `ancestry_on_kept` takes them."""
        return "\n".join(self.chunks[start:end])


@dataclass
class SettledParties:
    parties: dict[str, Settled] = field(default_factory=dict)
    # each settled party's look-through stakes (`settled_stakes`), kept when first
    # asked: a what-if where a seed buys into the bench registry's large cycle climbs through about 1,500
    # settled parties, and building their interests to index them took 1.5-2.5 ms of its 15-17 ms climb
    # (README, "Benchmarks")
    stakes: dict[str, tuple[tuple[str, float, float], ...]] = field(default_factory=dict)
    # the ids a walk stops at, as `ancestry_on.cypher` takes them (`StopIds`), kept as parties are settled
    # (not grouped for each walk). An id holding a newline is left out: the party is merely walked again.
    stops: StopIds = field(default_factory=StopIds)
    # who holds the valid interests in each party, and in whom each party holds them: a what-if's climb
    # through the settled ancestry reads these for thousands of parties per request (kept with the parties,
    # written before them, so every party a reader finds in `parties` is in both)
    holders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (tuples, not lists: the collector stops tracking a tuple of strings, while it scans every list in each
    # full collection, and a request waits for those; README, "Benchmarks")
    held_in: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the settled parties that are seeds, which keep their values whatever a what-if adds (kept as a set so
    # that a what-if takes them out of its 1,500 parties at once)
    seeds: set[str] = field(default_factory=set)
    # the same ids as `stops`, as the server keeps them (each walk sends only those settled since the last)
    kept: KeptStops = field(default_factory=KeptStops)
    # one walk kept at a time: two walks adding their stops at once from the same stops would each write
    # them without the other's, and a party kept without its stop is never one (`add` skips kept parties)
    _adding: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, analysis: Analysis, memberships: dict[str, dict[str, Any]], edges: Iterable[Edge],
            kinds: dict[str, str | None]) -> None:
        """Keep a whole walk's parties, those in `memberships` (all or none, so the memo stays closed
        upwards)."""
        incoming: dict[str, list[tuple[Any, ...]]] = {}
        for edge in edges:
            incoming.setdefault(edge.subject, []).append(_packed(edge))
        with self._adding:
            fresh: dict[str, Settled] = {}
            for pid, member in memberships.items():
                if pid in self.parties:
                    continue
                low, high = analysis.lookthrough.get(pid, (0.0, 0.0))
                fresh[pid] = (member["verdict"], member["seed_reason"], member["pinned"], low, high,
                              tuple(incoming.get(pid, ())), _word(kinds.get(pid), kinds.get(pid)))
            if len(self.parties) + len(fresh) <= SETTLED_PARTIES:
                subjects: dict[str, list[str]] = {}
                for pid, item in fresh.items():
                    held = tuple(dict.fromkeys(packed[0] for packed in item[5]))
                    self.holders[pid] = held
                    for holder in held:
                        subjects.setdefault(holder, []).append(pid)
                    if item[1]:
                        self.seeds.add(pid)
                for holder, added in subjects.items():
                    self.held_in[holder] = self.held_in.get(holder, ()) + tuple(added)
                self.parties.update(fresh)  # one update: a concurrent reader never sees half a walk
                # after the parties: a walk that reads the new stops finds every party they name in `parties`
                self.stops = self.stops.with_kept(fresh, self.kept)

    def lookthrough_stakes(self, party_id: str) -> tuple[tuple[str, float, float], ...] | None:
        """The look-through stakes held in a settled party (`settled_stakes`); None when it is not settled."""
        found = self.stakes.get(party_id)
        if found is None and (memo := self.parties.get(party_id)) is not None:
            # two threads may both compute it: the same tuple either way
            found = self.stakes[party_id] = settled_stakes(memo)
        return found

    def reach_past(self, start: Iterable[str], known: frozenset[str], limit: int,
                   crowded: Container[str] = frozenset()) -> bool:
        """Whether `start`, `known` (closed downwards: everything below a party in it is in it) and the
        settled parties below `start` through the interests kept here are more than `limit` parties, or
        `start` or a settled party below it is `crowded` (a party with more than `limit` below it, with
        `known`, found earlier). Those are a part of what `parties_below` finds from the same arguments (it
        follows interests of any date and every party), so True means that it would find too many as well."""
        count = len(known)
        seen: set[str] = set()
        stack = list(start)
        while stack:
            pid = stack.pop()
            if pid in crowded:
                return True
            if pid in seen or pid in known:
                continue
            seen.add(pid)
            count += 1
            if count > limit:
                return True
            stack.extend(self.held_in.get(pid, ()))
        return False


_SETTLED: LRU[tuple[str, str, date, tuple[str, ...]], SettledParties] = LRU(SETTLED_DATES)


def settled_kept(generation_id: str, policy: Policy, as_of: date, stamp: tuple[str, ...]) -> SettledParties | None:
    """The parties settled on `as_of` for this policy and data, if any are kept (none is made)."""
    return _SETTLED.lookup((generation_id, policy.fingerprint(), as_of, stamp))[1]


def settled_on(generation_id: str, policy: Policy, as_of: date, stamp: tuple[str, ...]) -> SettledParties:
    """The parties settled on `as_of` for this policy and data (a new generation starts afresh)."""
    key = (generation_id, policy.fingerprint(), as_of, stamp)
    found, settled = _SETTLED.lookup(key)
    if not found or settled is None:
        settled = SettledParties()
        _SETTLED.put(key, settled)
    return settled
