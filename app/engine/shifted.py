"""On-demand verdicts for another as-of date that reuse the published generation wherever it still holds.

A verdict depends only on the interests held in the party and in its ancestors, on their properties and
on the policy's overrides. Between the generation's date and the asked date, only the subjects of
interests that start or end in between change, plus whatever the data changed since the generation
started; every party below none of them (the `affected` set is everything below them) has exactly the
generation's verdict on the asked date. A party below one of them is evaluated from the affected part of
its ancestors only, with the generation's verdicts of the unaffected holders around it fixed as the
boundary (their verdicts hold, by the same argument). Both are exact. When the affected set is too broad
to be worth keeping, the party's ancestors are walked, up to the parties earlier verdicts on the same date
settled (app/engine/settled.py), which is exact too.

What-if verdicts on the generation's date work the same way: a hypothetical change to the interests held
in a party can only change the verdicts of that party and of the parties below it, so those (and what the
data changed since the generation) are the affected set, evaluated with the changes applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.db import Graph, native
from app.engine.compute import layers_of
from app.engine.evaluate import Edge, Node, analyse
from app.engine.settled import SettledParties, settled_kept, settled_on
from app.engine.verdicts import (
    SUBGRAPH_LIMIT,
    Change,
    RefWalk,
    _edge,
    _iso,
    _pins,
    _result,
    _stored_shape,
    build_evidence,
    bundle_holder_rows,
    clear_verdict,
    generation_boundary,
    holder_rows_cache,
    membership,
    on_demand_verdict,
    party_node,
    read_bundle,
    seed_keyed,
    started_text,
    walk_ref,
    what_if_through_settled,
)
from app.lru import LRU
from app.policy import Policy

AFFECTED_LIMIT = 200_000  # above this many parties, asking about that date walks each party's ancestors
# The parties below a what-if's changes are found for each request (never kept). Past this many, the
# what-if is answered from the parties settled on the generation's date (`what_if_through_settled`);
# measured on the bench registry against 5,000, 50 and 0, this bound gave the lowest tails with the same
# p50 (README, "Benchmarks").
WHAT_IF_LIMIT = 500
AFFECTED_CACHE_SIZE = 16


@dataclass(frozen=True)
class Affected:
    parties: frozenset[str]
    changed: int  # parties whose own interests or data changed (the rest lies below them)
    stamp: tuple[str, ...]  # the data it was computed from (the newest restatement and interests written)


# affected sets by generation, date and data stamp (None: too broad)
_AFFECTED: LRU[tuple[str, date, tuple[str, ...]], Affected | None] = LRU(AFFECTED_CACHE_SIZE)
# by generation, data stamp and side of the generation's date (earlier: True): the date nearest to the
# generation's whose affected set was too broad; every date farther on that side is too broad as well
_TOO_BROAD_FROM: LRU[tuple[str, tuple[str, ...], bool], date] = LRU(AFFECTED_CACHE_SIZE)
# by generation: the data stamp the last other-date verdict read (a guess at the next one's, checked by it)
_LAST_STAMP: LRU[str, tuple[str, ...]] = LRU(AFFECTED_CACHE_SIZE)
# by generation, data stamp and limit (on the generation's date): the parties a what-if's search found, each
# alone, to have more parties below it than the limit (with the affected set); any party above one of them
# has as many below it, so a what-if whose change is above one needs no search (`_too_many_below`)
_CROWDED: LRU[tuple[str, tuple[str, ...], int], set[str]] = LRU(AFFECTED_CACHE_SIZE)
CROWDED_PARTIES = 100_000  # at most this many a key (a party each what-if at most): past it, none are added


def affected_parties(graph: Graph, generation: dict[str, Any], as_of: date,
                     stamp: tuple[str, ...]) -> Affected | None:
    """Every party whose verdict on `as_of` may differ from the generation's; None when over the limit.

    Kept per generation, date and data stamp (the newest party restatement and interest written, read with
    every verdict's bundle: `read_bundle(..., with_stamp=True)`), so an answer never outlives the data it
    was computed from.

    A date farther from the generation's than one already found too broad, on the same side, is too broad
    without searching: its changed parties include the nearer date's (every interest starting or ending
    between the generation's date and the nearer date does so before the farther one too, and the data
    changed since the generation are the same), so the parties below them do too. An investigator stepping
    back through the years pays the search once (1.5 s on the bench registry), not once a date."""
    key = (str(generation["id"]), as_of, stamp)
    found, cached = _AFFECTED.lookup(key)
    if found:
        return cached
    if _farther_than_too_broad(generation, as_of, stamp):
        _AFFECTED.put(key, None)
        return None
    generation_date = native(generation["as_of"])
    side = (key[0], stamp, as_of < generation_date)
    distance = abs((as_of - generation_date).days)
    earlier, later = sorted((generation_date, as_of))
    [row] = graph.read("engine/changed_between", since=generation["started_at"], dated=earlier != later,
                       **{"from": earlier, "to": later})
    changed = frozenset(row["ids"])
    below = parties_below(graph, changed, AFFECTED_LIMIT)
    result = None if below is None else Affected(below, len(changed), key[2])
    _AFFECTED.put(key, result)
    if result is None and distance:
        _, nearest = _TOO_BROAD_FROM.lookup(side)
        if nearest is None or distance < abs((nearest - generation_date).days):
            _TOO_BROAD_FROM.put(side, as_of)
    return result


def _farther_than_too_broad(generation: dict[str, Any], as_of: date, stamp: tuple[str, ...]) -> bool:
    """Whether a date already found too broad lies between the generation's date and `as_of` (or is it)."""
    generation_date = native(generation["as_of"])
    distance = abs((as_of - generation_date).days)
    _, nearest = _TOO_BROAD_FROM.lookup((str(generation["id"]), stamp, as_of < generation_date))
    return bool(distance) and nearest is not None and distance >= abs((nearest - generation_date).days)


def known_too_broad(generation: dict[str, Any], as_of: date, stamp: tuple[str, ...]) -> bool:
    """Whether `affected_parties` would say too broad without reading anything."""
    found, cached = _AFFECTED.lookup((str(generation["id"]), as_of, stamp))
    return cached is None if found else _farther_than_too_broad(generation, as_of, stamp)


def parties_below(graph: Graph, start: frozenset[str], limit: int,
                  known: frozenset[str] = frozenset(), rows: int | None = None) -> frozenset[str] | None:
    """`start` and every party below it through ownership and control (any date); None when more than
    `limit` parties. Parties in `known` are taken as already found with everything below them. `rows`: the
    search's first row limit, when one before it was cut short (`_cut_short`)."""
    search = _below_search(start, known, limit)
    if rows is not None:
        search["below_limit"] = rows
    while True:
        [row] = graph.read("engine/parties_below", **search)
        if not _cut_short(row["below"], search, start, known, limit):
            return _found_below(row["below"], start, known, limit)
        # the rows are finite: doubled, the limit comes past them or past `limit` parties
        search = {**search, "below_limit": 2 * search["below_limit"]}


def _below_search(start: frozenset[str], known: frozenset[str], limit: int) -> dict[str, Any]:
    """The parameters of `fragments/parties_below` for `parties_below`'s arguments."""
    # One more than the limit is enough to tell when no party comes back twice (`_cut_short`): with fewer,
    # the statement returned all there are.
    return {"below_ids": sorted(start - known), "below_known": sorted(known), "below_limit": limit + 1}


def _cut_short(ids: list[str], search: dict[str, Any], start: frozenset[str], known: frozenset[str],
               limit: int) -> bool:
    """Whether the search (`_below_search`'s parameters) stopped at its row limit before it could tell: it
    found no more than `limit` parties, so more may lie beyond. Neo4j 5.26 plans its `WITH DISTINCT d LIMIT`
    as one pruning expand for each start party, without a Distinct after them, so a party below two starts
    comes back once from each, and each such row counts towards the LIMIT (found by a soak run; README,
    "Tests")."""
    return len(ids) >= search["below_limit"] and len(frozenset(ids) | start | known) <= limit


def _found_below(ids: list[str], start: frozenset[str], known: frozenset[str], limit: int) -> frozenset[str] | None:
    """`parties_below`'s answer from the ids its search returned (alone, or with a bundle), when the search
    was not cut short (`_cut_short`)."""
    found = frozenset(ids) | start | known
    return None if len(found) > limit else found


def _holder_node(row: dict[str, Any]) -> Node:
    return Node(row["holder_id"], row.get("holder_kind"), row.get("holder_entity_type"),
                row.get("holder_jurisdiction"), row.get("holder_headquarters"), row.get("holder_state_of"),
                tuple(row.get("holder_nationalities") or ()))


def _last_stamp(generation_id: str) -> tuple[str, ...] | None:
    """The data stamp the last verdict off the generation read (`_stamped_bundle`), a guess at the next one's."""
    return _LAST_STAMP.lookup(generation_id)[1]


def _walk_as_last_read(graph: Graph, policy: Policy, generation_id: str, ref: str, as_of: date,
                       stamp: tuple[str, ...]) -> tuple[SettledParties, RefWalk] | None:
    """For an answer that, with the data stamp last read (`stamp`), comes from the parties settled on `as_of`:
    those parties and the walk of the party `ref` names up to them, read with the party and the stamp in one
    round trip. None when no party has that reference, or the data changed since the stamp was read (the
    walk does not stand then)."""
    settled = settled_on(generation_id, policy, as_of, stamp)
    walked = walk_ref(graph, ref, as_of, settled.stops)
    return (settled, walked) if walked is not None and walked.stamp == stamp else None


def _stamped_bundle(graph: Graph, generation: dict[str, Any], ref: str, as_of: date,
                    below: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """`read_bundle` with the data stamp, kept as the one last read (`_last_stamp`); with `below`
    (`_below_search`'s parameters), the search too."""
    party, bundle = read_bundle(graph, generation, ref, as_of, with_stamp=True, below=below)
    _LAST_STAMP.put(str(generation["id"]), bundle["stamp"])
    return party, bundle


def shifted_verdict(graph: Graph, policy: Policy, generation: dict[str, Any], ref: str,
                    as_of: date) -> dict[str, Any] | None:
    """The verdict on `as_of` from the generation, or when too much changed from a walk up to the parties
    settled on `as_of` (see the module); None when the caller should walk the party's whole ancestor
    subgraph instead (overrides differ between the dates)."""
    generation_date = native(generation["as_of"])
    if policy.active_overrides(generation_date) != policy.active_overrides(as_of):
        return None
    generation_id = str(generation["id"])
    # too broad with the data as last read: the bundle, the walk and the evidence's details took three round
    # trips (README, "Benchmarks")
    stamp = _last_stamp(generation_id)
    early = None if stamp is None or not known_too_broad(generation, as_of, stamp) else _walk_as_last_read(
        graph, policy, generation_id, ref, as_of, stamp)
    if early is not None:
        settled, walked = early
        return on_demand_verdict(graph, policy, walked.party, as_of, settled=settled, walked=walked)
    party, bundle = _stamped_bundle(graph, generation, ref, as_of)
    affected = affected_parties(graph, generation, as_of, bundle["stamp"])
    if affected is None:  # walk, stopping at parties settled by earlier verdicts on this date
        return on_demand_verdict(graph, policy, party, as_of,
                                 settled=settled_on(generation_id, policy, as_of, bundle["stamp"]))
    target = party["id"]
    basis = {"generation": generation["id"], "generation_as_of": _iso(generation["as_of"]),
             "changed_parties": affected.changed, "affected_parties": len(affected.parties)}
    if target not in affected.parties and not bundle["newer"]:
        return _reused(graph, policy, generation, party, bundle, affected, as_of, "on_demand", {
            **basis, "why": "no interest held in this party or above it starts, ends or changed between the two "
                            "dates"})
    return _evaluate_affected(graph, policy, generation, party, bundle, affected, as_of, basis)


def _reused(graph: Graph, policy: Policy, generation: dict[str, Any], party: dict[str, Any],
            bundle: dict[str, Any], affected: Affected, as_of: date, mode: str,
            basis: dict[str, Any]) -> dict[str, Any]:
    """The generation's verdict of a party outside the affected set, with its evidence, for `as_of`."""
    verdict = bundle["verdict"] or clear_verdict(party["id"])
    stored_rows = bundle_holder_rows(graph, generation, as_of, party["id"], bundle, affected.stamp)
    evidence = build_evidence(policy, party, verdict, stored_rows)
    evidence["basis"] = {**basis, "reused": True}
    return _result(party, policy, verdict, evidence, mode=mode, generation=generation, as_of=as_of.isoformat(),
                   marked=True)


def what_if_verdict(graph: Graph, policy: Policy, generation: dict[str, Any], ref: str,
                    changes: list[Change]) -> dict[str, Any] | None:
    """The verdict on the generation's date with hypothetical changes (see the module); when too many parties
    lie below the changes, from the parties settled on that date (`what_if_through_settled`). None when the
    caller should walk the party's whole ancestor subgraph instead (the party is newer than the generation and
    the settled parties did not already answer, or the settled path cannot answer)."""
    as_of = native(generation["as_of"])
    generation_id = str(generation["id"])
    subjects = frozenset(change.subject for change in changes)
    # from the parties settled on that date as the data was last read: the bundle and the walk took two round
    # trips (README, "Benchmarks"). A party newer than the generation is no exception here: the settled
    # parties are the data's on that date, not the generation's.
    stamp = _last_stamp(generation_id)
    through_settled = stamp is not None and _through_settled_known(generation_id, policy, as_of, stamp, subjects)
    early = (_walk_as_last_read(graph, policy, generation_id, ref, as_of, stamp)
             if through_settled and stamp is not None else None)
    if early is not None:
        settled, walked = early
        return what_if_through_settled(graph, policy, walked.party, as_of, changes, settled, walked)
    # the search below the changes in the bundle's round trip, when it will be needed with the data as last
    # read: the stamp read with the bundle tells whether the guess held
    search = None if stamp is None or through_settled else _search_as_read(generation_id, as_of, subjects, stamp)
    party, bundle = _stamped_bundle(graph, generation, ref, as_of, search)
    if bundle["newer"]:
        return None
    data = affected_parties(graph, generation, as_of, bundle["stamp"])
    if data is None:
        return None
    limit = _what_if_limit(data)
    crowded = _crowded(generation_id, data)
    held = search if stamp == bundle["stamp"] else None  # the bundle's search, when its guess held
    cut_at = (held["below_limit"] if held is not None and _cut_short(bundle["below"], held, subjects, data.parties,
                                                                    limit) else None)
    if held is not None and cut_at is None:
        below = _found_below(bundle["below"], subjects, data.parties, limit)
    elif _too_many_below(settled_kept(generation_id, policy, as_of, bundle["stamp"]), data, subjects, crowded):
        # the parties settled below the changes tell without the search that it would find too many (a round
        # trip of 3-11 ms for the slowest what-ifs; README, "Benchmarks")
        below = None
    else:
        # a search the bundle's round trip cut short goes on from twice its rows, not again from its own
        below = parties_below(graph, subjects, limit, known=data.parties, rows=None if cut_at is None else 2 * cut_at)
    if below is None and len(subjects) == 1 and len(crowded) < CROWDED_PARTIES:
        crowded.update(subjects)
    if below is None:  # too many below the changes: from the parties settled on the generation's date
        return what_if_through_settled(graph, policy, party, as_of, changes,
                                       settled_on(generation_id, policy, as_of, bundle["stamp"]))
    affected = Affected(below, data.changed, data.stamp)
    target = party["id"]
    basis = {"generation": generation["id"], "generation_as_of": _iso(generation["as_of"]),
             "changed_parties": data.changed, "changed_by_what_if": len(subjects),
             "affected_parties": len(affected.parties)}
    if target not in affected.parties:
        return _reused(graph, policy, generation, party, bundle, affected, as_of, "what_if", {
            **basis, "why": "no hypothetical change is above this party, and nothing above it changed since the "
                            "generation"})
    return _evaluate_affected(graph, policy, generation, party, bundle, affected, as_of, basis, changes)


def _search_as_read(generation_id: str, as_of: date, subjects: frozenset[str],
                    stamp: tuple[str, ...]) -> dict[str, Any] | None:
    """For a what-if that, with the data stamped `stamp`, what is kept could not tell to answer from the
    settled parties (`_through_settled_known`): the parameters of the search below the changes, when the
    affected set is known for that stamp and not too broad; None otherwise. The search then shares the
    bundle's round trip (two round trips took 1.5-3 ms more; README, "Benchmarks")."""
    found, data = _AFFECTED.lookup((generation_id, as_of, stamp))
    if not found or data is None:
        return None
    return _below_search(subjects, data.parties, _what_if_limit(data))


def _what_if_limit(data: Affected) -> int:
    """How many parties a what-if evaluates with the generation at most: the data's affected set and up to
    `WHAT_IF_LIMIT` below the changes."""
    return len(data.parties) + WHAT_IF_LIMIT


def _crowded(generation_id: str, data: Affected) -> set[str]:
    """The parties found to have more below them than a what-if evaluates with the generation (`_CROWDED`)."""
    key = (generation_id, data.stamp, _what_if_limit(data))
    _, crowded = _CROWDED.lookup(key)
    if crowded is None:
        crowded = set()
        _CROWDED.put(key, crowded)
    return crowded


def _too_many_below(kept: SettledParties | None, data: Affected, subjects: frozenset[str],
                    crowded: set[str]) -> bool:
    """Whether the parties settled below the changes' subjects, or the subjects themselves, already tell
    that `parties_below` would find more than a what-if evaluates with the generation (False when they
    cannot tell): a subject or a settled party below it is `crowded`, or they are too many themselves."""
    if not crowded.isdisjoint(subjects):
        return True
    return kept is not None and kept.reach_past(subjects, data.parties, _what_if_limit(data), crowded)


def _through_settled_known(generation_id: str, policy: Policy, as_of: date, stamp: tuple[str, ...],
                           subjects: frozenset[str]) -> bool:
    """Whether, with the data stamped `stamp`, `what_if_verdict` would answer from the settled parties, told
    from what is kept without reading anything (False when it cannot tell)."""
    found, data = _AFFECTED.lookup((generation_id, as_of, stamp))
    if not found or data is None:
        return False
    return _too_many_below(settled_kept(generation_id, policy, as_of, stamp), data, subjects,
                           _crowded(generation_id, data))


def _holder_row(graph: Graph, generation: dict[str, Any], as_of: date, subject: str,
                rows: list[dict[str, Any]], change: Change) -> dict[str, Any]:
    """The row of a hypothetical interest: the holder as the other rows (or its own bundle) describe it."""
    props = change.props()
    same = next((row for row in rows if row["holder_id"] == change.holder), None)
    if same is not None:
        return {**same, "relation": change.relation, "interest": props}
    holder, bundle = read_bundle(graph, generation, change.holder, as_of)
    verdict = bundle["verdict"]
    return {"subject_id": subject, "holder_id": holder["id"], "holder_name": holder.get("name"),
            "holder_kind": holder.get("kind"), "holder_newer": bool(bundle["newer"]),
            "holder_jurisdiction": holder.get("jurisdiction"), "holder_headquarters": holder.get("headquarters"),
            "holder_entity_type": holder.get("entity_type"), "holder_state_of": holder.get("state_of"),
            "holder_nationalities": holder.get("nationalities"), "relation": change.relation, "interest": props,
            "holder_verdict": verdict}


def _with_changes(graph: Graph, generation: dict[str, Any], as_of: date, subject: str,
                  rows: list[dict[str, Any]], changes: list[Change]) -> list[dict[str, Any]]:
    """The interests held in `subject` after the changes, with the same meaning as on_demand_verdict's
    (`Change.replaces`)."""
    for change in changes:
        if change.subject != subject:
            continue
        kept = [row for row in rows if not change.replaces(row["holder_id"], subject, row["relation"],
                                                           row["interest"].get("measure"),
                                                           row["interest"].get("kind"))]
        if change.action == "add":
            kept.append(_holder_row(graph, generation, as_of, subject, rows, change))
        rows = kept
    return rows


def _evaluate_affected(graph: Graph, policy: Policy, generation: dict[str, Any], party: dict[str, Any],
                       bundle: dict[str, Any], affected: Affected, as_of: date,
                       basis: dict[str, Any], changes: list[Change] | None = None) -> dict[str, Any] | None:
    """The affected part of the party's ancestors evaluated afresh (with `changes`: as they would be after
    them), unaffected holders fixed at the generation's verdicts and look-through shares."""
    target = party["id"]
    nodes = {target: party_node(party)}
    open_ids = [target]
    rows_by_subject: dict[str, list[dict[str, Any]]] = {
        target: _with_changes(graph, generation, as_of, target, list(bundle["holders"]), changes or [])}
    pins: dict[str, tuple[str, str]] = {}
    fixed: dict[str, tuple[float, float]] = {}
    level = [target]
    while level:
        upper_level: list[str] = []
        for subject in level:
            for row in rows_by_subject.get(subject, []):
                holder = row["holder_id"]
                if holder in nodes:
                    continue
                if holder in affected.parties:
                    nodes[holder] = _holder_node(row)
                    upper_level.append(holder)
                else:
                    nodes[holder] = Node(holder)
                    pins[holder], fixed[holder] = generation_boundary(row)
        if len(nodes) > SUBGRAPH_LIMIT:
            return None
        if upper_level:
            for row in graph.read("engine/holders_evidence", layers=layers_of(generation), ids=upper_level,
                                  started_at=started_text(generation), as_of=as_of):
                rows_by_subject.setdefault(row["subject_id"], []).append(row)
            for subject in {change.subject for change in changes or []} & set(upper_level):
                rows_by_subject[subject] = _with_changes(graph, generation, as_of, subject,
                                                         rows_by_subject.get(subject, []), changes or [])
            open_ids.extend(upper_level)
        level = upper_level
    nodes.update(seed_keyed(graph, policy, {pid: nodes[pid] for pid in open_ids}))  # the boundary is pinned
    pins.update(_pins(graph, policy, as_of, open_ids))
    edges: list[Edge] = [_edge(row["holder_id"], subject, row["relation"], row["interest"])
                         for subject in open_ids for row in rows_by_subject.get(subject, [])]
    analysis = analyse(target, nodes, edges, policy, as_of, pins, fixed=fixed)
    outcome = analysis.outcome
    verdict = _stored_shape(target, outcome)

    evaluated = set(open_ids)

    def holder_rows(ids: list[str]) -> list[dict[str, Any]]:
        missing = [i for i in ids if i not in rows_by_subject]
        fetched = holder_rows_cache.rows(graph, generation, as_of, missing, affected.stamp) if missing else []
        known = [row for i in ids for row in rows_by_subject.get(i, [])]
        return [{**row, "holder_verdict": membership(row["holder_id"], analysis, pins)
                 if row["holder_id"] in evaluated else row.get("holder_verdict")} for row in known] + fetched

    evidence = build_evidence(policy, party, verdict, holder_rows)
    evidence["subgraph"] = {"parties": len(open_ids), "boundary": len(fixed), "interests": len(edges),
                            "truncated": False}
    evidence["basis"] = {**basis, "reused": False, "why": (
        "hypothetical changes are above this party: the parties below them were evaluated with the changes, "
        "the others kept their verdicts" if changes else
        "interests above this party start, end or changed between the two dates: the affected parties above "
        "it were evaluated, the others kept their verdicts")}
    return _result(party, policy, verdict, evidence, mode="what_if" if changes else "on_demand",
                   generation=generation, as_of=as_of.isoformat())
