"""Parties settled on a date, as the next walks receive them: no server needed."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable
from datetime import date

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.engine.evaluate import Edge, Node, analyse
from app.engine.settled import SettledParties, StopIds, _packed, settled_interests, settled_stakes, stop_key
from app.engine.verdicts import Change, _ancestors_below, _ancestors_below_by_climb, membership
from tests.engine_helpers import indexed_stakes, policy
from tests.soak import examples

DAY = date(2025, 6, 30)


def test_the_stop_ids_name_every_settled_id_by_its_group_with_a_short_repr() -> None:
    """The driver formats the repr() of every parameter of every statement, debug logging on or off, so the
    settled ids (megabytes on a large registry) go with a repr that is a summary. They are grouped by their
    last characters, each group one text that names each of its ids once, newline-delimited; an id holding
    a newline is left out (merely walked again)."""
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
    stops = settled.stops
    assert isinstance(stops, StopIds)
    assert all(stops.names(pid) for pid in ["ru", *ids[:-1]]) and not stops.names("odd\nid")
    assert not stops.names("P") and not stops.names(f"P{3000:016x}")
    named = [pid for key, text in stops.items() for pid in text.split("\n")[1:-1] if stop_key(pid) == key]
    assert sorted(named) == sorted(["ru", *ids[:-1]])  # each once, in its own group
    assert all(text.startswith("\n") and text.endswith("\n") for text in stops.values())
    assert len(stops) == 257  # 256 hexadecimal endings and "ru"
    assert len(repr(stops)) < 80 and repr(stops).startswith("<settled ids")


def test_an_id_holding_a_newline_is_never_named_across_two_settled_ids() -> None:
    """A group's text "\nxab\nab\n" holds "\nxab\nab\n": the walk must not take the party "xab\nab" as settled."""
    stops = StopIds().with_ids(["xab", "ab"]).with_ids(["yab"])
    assert stops["ab"] == "\nxab\nab\nyab\n"
    assert stops.names("xab") and stops.names("ab") and stops.names("yab")
    assert not stops.names("xab\nab") and not stops.names("ab\nyab") and not stops.names("b")


def test_walks_settled_at_once_from_two_threads_keep_every_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verdicts run in the server's thread pool. Two walks kept at the same moment must each leave their
    stops: a party kept without one is walked again by every later verdict (it is never added twice)."""
    nodes = {"ru": Node("ru", "entity", jurisdiction="RU"), "a": Node("a", "entity"), "b": Node("b", "entity")}
    edges = [Edge("ru", pid, "OWNS", "equity", share_min=60.0, share_max=60.0, direct="direct") for pid in "ab"]
    pol = policy()
    settled = SettledParties()
    with_ids = StopIds.with_ids

    def slow_with_ids(stops: StopIds, ids: Iterable[str]) -> StopIds:
        time.sleep(0.05)  # both walks would read the same stops before either writes its own
        return with_ids(stops, ids)

    monkeypatch.setattr(StopIds, "with_ids", slow_with_ids)

    def keep(target: str) -> None:
        analysis = analyse(target, nodes, edges, pol, DAY)
        settled.add(analysis, {pid: membership(pid, analysis, {}) for pid in ("ru", target)}, edges,
                    {"ru": "entity", target: "entity"})

    threads = [threading.Thread(target=keep, args=(pid,)) for pid in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(settled.parties) == {"ru", "a", "b"}
    assert all(settled.stops.names(pid) for pid in ("ru", "a", "b"))
    # the ids the server keeps for the walks (`KeptStops`): each walk's, once, counted as the stops name them
    kept = settled.kept
    assert sorted(pid for chunk in kept.chunks for pid in chunk.split("\n") if pid) == ["a", "b", "ru"]
    assert settled.stops.kept is kept and settled.stops.kept_chunks == 2 and settled.stops.kept_count == 3
    assert kept.added(0, 2).split("\n").count("ru") == 1


def test_the_settled_parties_below_changes_tell_when_a_search_would_find_too_many() -> None:
    """A what-if asks the graph for every party below its changes, up to a limit, unless the settled parties
    below them already pass it: they are a part of what the search finds. ru -> a -> b -> c, a -> d (60%
    each), all settled: from a, the settled parties below are a, b, c and d; `known` (closed downwards)
    counts once whatever lies below it; a party not settled counts itself only."""
    chain = ["ru", "a", "b", "c"]
    nodes = {pid: Node(pid, "entity", jurisdiction="RU" if pid == "ru" else "GB") for pid in [*chain, "d"]}
    edges = [Edge(holder, subject, "OWNS", "equity", share_min=60.0, share_max=60.0, direct="direct")
             for holder, subject in [("ru", "a"), ("a", "b"), ("b", "c"), ("a", "d")]]
    analysis = analyse("c", nodes, edges, policy(), DAY)
    settled = SettledParties()
    settled.add(analysis, {pid: membership(pid, analysis, {}) for pid in nodes}, edges,
                {pid: n.kind for pid, n in nodes.items()})
    assert settled.reach_past({"a"}, frozenset(), 3) and not settled.reach_past({"a"}, frozenset(), 4)
    assert not settled.reach_past({"b"}, frozenset(), 2) and settled.reach_past({"b"}, frozenset(), 1)
    known = frozenset({"c", "x", "y"})  # c and two parties the memo does not hold: b, then three known
    assert settled.reach_past({"b"}, known, 3) and not settled.reach_past({"b"}, known, 4)
    assert not settled.reach_past({"unsettled"}, frozenset(), 1) and settled.reach_past({"unsettled"}, frozenset(), 0)
    # a crowded party (found earlier to have too many below it) at the start or settled below it tells at once
    assert settled.reach_past({"a"}, frozenset(), 4, crowded={"c"})
    assert settled.reach_past({"unsettled"}, frozenset(), 4, crowded={"unsettled"})
    assert not settled.reach_past({"b"}, frozenset(), 4, crowded={"d"})  # d is not below b


def test_settled_parties_leave_the_collector_nothing_to_scan_but_their_maps() -> None:
    """Everything a settled party keeps (its values and interests, its holders, the parties each holds
    interests in) is tuples of strings, numbers and None, which the cyclic collector stops tracking: a full
    collection, which a request waits for, then scans a few maps, not one list per holder (with lists it
    took 2.4-3.3 ms for the bench's 12,600 settled parties, against 0.05-0.3 ms; README, "Benchmarks").
    ru -> a -> b, ru -> c -> b and a -> c (60% each), settled in two walks so that `held_in` grows."""
    nodes = {pid: Node(pid, "entity", jurisdiction="RU" if pid == "ru" else "GB") for pid in ["ru", "a", "b", "c"]}
    edges = [Edge(holder, subject, "OWNS", "equity", share_min=60.0, share_max=60.0, direct="direct")
             for holder, subject in [("ru", "a"), ("a", "b"), ("ru", "c"), ("c", "b"), ("a", "c")]]
    analysis = analyse("b", nodes, edges, policy(), DAY)
    settled = SettledParties()
    for walk in (["ru", "a"], ["c", "b"]):
        settled.add(analysis, {pid: membership(pid, analysis, {}) for pid in walk}, edges,
                    {pid: nodes[pid].kind for pid in walk})
    assert settled.held_in == {"ru": ("a", "c"), "a": ("c", "b"), "c": ("b",)}
    for _ in range(3):  # a tuple is let go once the tuples in it are: one level of nesting a collection
        gc.collect()
    for pid in settled.parties:
        settled.lookthrough_stakes(pid)
    for _ in range(3):
        gc.collect()
    kept = [*settled.parties.values(), *settled.holders.values(), *settled.held_in.values(),
            *settled.stakes.values()]
    assert kept and not any(gc.is_tracked(item) for item in kept)


_PARTIES = [f"p{i}" for i in range(8)]
_links = st.lists(st.tuples(st.sampled_from(_PARTIES), st.sampled_from(_PARTIES)), max_size=20)


@settings(max_examples=examples(300), deadline=None)
@given(links=_links, removed=_links, added=_links, target=st.sampled_from(_PARTIES),
       settled_count=st.integers(min_value=1, max_value=len(_PARTIES)), limit=st.integers(min_value=0, max_value=9))
def test_a_what_ifs_region_found_below_its_changes_is_the_one_found_climbing_from_the_asked_party(
        links: list[tuple[str, str]], removed: list[tuple[str, str]], added: list[tuple[str, str]], target: str,
        settled_count: int, limit: int) -> None:
    """The parties a what-if through settled parties evaluates again: those at or below a change's subject
    among the asked party's ancestors after the changes. Found going down the settled interests from the
    subjects, then up from the asked party among what was found (`_ancestors_below`), they are those found
    climbing the asked party's whole ancestry first (`_ancestors_below_by_climb`); random holdings with
    cycles and self-holdings, changes that remove and add holdings, settled parties closed upwards (a
    holder of a settled party is settled). Past its limit the search below says so (None)."""
    settled = SettledParties()
    # the parties settled: those holding, directly or not, in the first `settled_count` (closed upwards)
    known = set(_PARTIES[:settled_count])
    grew = True
    while grew:
        grew = False
        for holder, subject in links:
            if subject in known and holder not in known:
                known.add(holder)
                grew = True
    if target not in known:
        return
    for pid in known:
        settled.holders[pid] = tuple(dict.fromkeys(h for h, s in links if s == pid))
        settled.parties[pid] = ("clear", None, False, 0.0, 0.0, (), None)
    for pid in known:
        for holder in settled.holders[pid]:
            settled.held_in[holder] = (*settled.held_in.get(holder, ()), pid)
    # changes about settled subjects only, as `what_if_through_settled` settles the added interests' holders
    subjects = {s for _, s in removed + added if s in known}
    changed_holders = {s: [h for h in settled.holders[s] if (h, s) not in removed]
                          + [h for h, subject in added if subject == s and h in known] for s in subjects}

    def holders_after(pid: str) -> Iterable[str]:
        return changed_holders[pid] if pid in changed_holders else settled.holders[pid]

    by_subject = {s: [Change("add", "x", s)] for s in subjects}
    climbed = _ancestors_below_by_climb(target, by_subject, holders_after, settled)
    found = _ancestors_below(target, subjects, holders_after, settled.held_in, limit)
    assert climbed is not None
    if found is None:
        event("past the limit below the changes")
        assert limit < len(known)
        found = _ancestors_below(target, subjects, holders_after, settled.held_in, len(known))
    event("none moves" if not found else "some move")
    assert found == climbed


_interests = st.lists(st.builds(
    Edge, holder=st.sampled_from(_PARTIES), subject=st.just("s"), relation=st.sampled_from(["OWNS", "CONTROLS"]),
    measure=st.sampled_from(["equity", "votes", None]), kind=st.sampled_from([None, "board"]),
    share_min=st.one_of(st.none(), st.floats(0, 100)), share_max=st.one_of(st.none(), st.floats(0, 100)),
    share_min_exclusive=st.booleans(), share_max_exclusive=st.booleans(),
    direct=st.sampled_from(["direct", "indirect", "unknown"])), max_size=8)


@settings(max_examples=examples(300), deadline=None)
@given(interests=_interests)
def test_a_settled_partys_kept_stakes_are_those_of_its_interests(interests: list[Edge]) -> None:
    """The look-through stakes kept for a settled party, read from its packed interests without building
    them, are `indexed_stakes` of the interests `settled_interests` builds: the same holders in the same
    order, the same floats (other relations and measures, declared indirect stakes, open ranges, a holder
    with several interests)."""
    memo = ("clear", None, False, 0.0, 0.0, tuple(_packed(e) for e in interests), "entity")
    assert settled_stakes(memo) == indexed_stakes(settled_interests("s", memo))
