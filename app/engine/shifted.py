"""On-demand verdicts for another as-of date that reuse the published generation wherever it still holds.

A verdict depends only on the interests held in the party and in its ancestors, on their properties and
on the policy's overrides. Between the generation's date and the asked date, only the subjects of
interests that start or end in between change, plus whatever the data changed since the generation
started; every party below none of them (the `affected` set is everything below them) has exactly the
generation's verdict on the asked date. A party below one of them is evaluated from the affected part of
its ancestors only, with the generation's verdicts of the unaffected holders around it fixed as the
boundary (their verdicts hold, by the same argument). Both are exact; the full ancestor walk is the
fallback when the affected set is too broad to be worth keeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.db import Graph, native
from app.engine.compute import layers_of
from app.engine.evaluate import Edge, Node, analyse, lookthrough
from app.engine.verdicts import (
    SUBGRAPH_LIMIT,
    _edge,
    _iso,
    _pins,
    _result,
    _seed_keys,
    _stored_shape,
    build_evidence,
    bundle_holder_rows,
    clear_verdict,
    generation_boundary,
    holder_rows_cache,
    membership,
    party_node,
    read_bundle,
    started_text,
)
from app.lru import LRU
from app.policy import Policy

AFFECTED_LIMIT = 200_000  # above this many parties, asking about that date walks each party's ancestors
AFFECTED_CACHE_SIZE = 16


@dataclass(frozen=True)
class Affected:
    parties: frozenset[str]
    changed: int  # parties whose own interests or data changed (the rest lies below them)
    stamp: tuple[str, ...]  # the data it was computed from (the newest restatement and interests written)


# affected sets by generation, date and data stamp (None: too broad)
_AFFECTED: LRU[tuple[str, date, tuple[str, ...]], Affected | None] = LRU(AFFECTED_CACHE_SIZE)


def affected_parties(graph: Graph, generation: dict[str, Any], as_of: date,
                     stamp: tuple[str, ...]) -> Affected | None:
    """Every party whose verdict on `as_of` may differ from the generation's; None when over the limit.

    Kept per generation, date and data stamp (the newest party restatement and interest written, read with
    every verdict's bundle: `read_bundle(..., with_stamp=True)`), so an answer never outlives the data it
    was computed from."""
    key = (str(generation["id"]), as_of, stamp)
    found, cached = _AFFECTED.lookup(key)
    if found:
        return cached
    generation_date = native(generation["as_of"])
    earlier, later = sorted((generation_date, as_of))
    [row] = graph.read("engine/changed_between", since=generation["started_at"], dated=earlier != later,
                       **{"from": earlier, "to": later})
    changed = frozenset(row["ids"])
    seen = set(changed)
    frontier = sorted(changed)
    result: Affected | None = None
    while frontier:
        [below] = graph.read("engine/subjects_of", ids=frontier)
        fresh = set(below["ids"]) - seen
        seen |= fresh
        if len(seen) > AFFECTED_LIMIT:
            break
        frontier = sorted(fresh)
    else:
        result = Affected(frozenset(seen), len(changed), key[2])
    _AFFECTED.put(key, result)
    return result


def _holder_node(row: dict[str, Any]) -> Node:
    return Node(row["holder_id"], row.get("holder_kind"), row.get("holder_entity_type"),
                row.get("holder_jurisdiction"), row.get("holder_headquarters"), row.get("holder_state_of"),
                tuple(row.get("holder_nationalities") or ()))


def shifted_verdict(graph: Graph, policy: Policy, generation: dict[str, Any], ref: str,
                    as_of: date) -> dict[str, Any] | None:
    """The verdict on `as_of` from the generation (see the module); None when the caller should walk the
    party's whole ancestor subgraph instead (overrides differ between the dates, or too much changed)."""
    generation_date = native(generation["as_of"])
    if policy.active_overrides(generation_date) != policy.active_overrides(as_of):
        return None
    party, bundle = read_bundle(graph, generation, ref, as_of, with_stamp=True)
    affected = affected_parties(graph, generation, as_of, bundle["stamp"])
    if affected is None:
        return None
    target = party["id"]
    basis = {"generation": generation["id"], "generation_as_of": _iso(generation["as_of"]),
             "changed_parties": affected.changed, "affected_parties": len(affected.parties)}
    if target not in affected.parties and not bundle["newer"]:
        verdict = bundle["verdict"] or clear_verdict(target)
        stored_rows = bundle_holder_rows(graph, generation, as_of, target, bundle, affected.stamp)
        evidence = build_evidence(policy, party, verdict, stored_rows)
        evidence["basis"] = {**basis, "reused": True, "why": "no interest held in this party or above it starts, "
                                                             "ends or changed between the two dates"}
        return _result(party, policy, verdict, evidence, mode="on_demand", generation=generation,
                       as_of=as_of.isoformat())
    return _evaluate_affected(graph, policy, generation, party, bundle, affected, as_of, basis)


def _evaluate_affected(graph: Graph, policy: Policy, generation: dict[str, Any], party: dict[str, Any],
                       bundle: dict[str, Any], affected: Affected, as_of: date,
                       basis: dict[str, Any]) -> dict[str, Any] | None:
    """The affected part of the party's ancestors evaluated afresh, unaffected holders fixed at the
    generation's verdicts and look-through shares."""
    target = party["id"]
    nodes = {target: party_node(party)}
    open_ids = [target]
    rows_by_subject: dict[str, list[dict[str, Any]]] = {target: list(bundle["holders"])}
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
            open_ids.extend(upper_level)
        level = upper_level
    if policy.seed_entities:
        keyed = _seed_keys(graph, policy, open_ids)
        for pid in open_ids:
            n = nodes[pid]
            nodes[pid] = Node(n.id, n.kind, n.entity_type, n.jurisdiction, n.headquarters, n.state_of,
                              n.nationalities, tuple(keyed.get(pid, ())))
    pins.update(_pins(graph, policy, as_of, open_ids))
    edges: list[Edge] = [_edge(row["holder_id"], subject, row["relation"], row["interest"])
                         for subject in open_ids for row in rows_by_subject.get(subject, [])]
    analysis = analyse(target, nodes, edges, policy, as_of, pins)
    outcome = analysis.outcome
    verdict = _stored_shape(target, outcome)
    if not outcome.seed_reason:
        low, high = lookthrough(nodes, edges, list(analysis.seeds), as_of, fixed=fixed).get(target, (0.0, 0.0))
        verdict.update(lookthrough_min=low * 100.0, lookthrough_max=high * 100.0)

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
    evidence["basis"] = {**basis, "reused": False,
                         "why": "interests above this party start, end or changed between the two dates: the "
                                "affected parties above it were evaluated, the others kept their verdicts"}
    return _result(party, policy, verdict, evidence, mode="on_demand", generation=generation,
                   as_of=as_of.isoformat())
