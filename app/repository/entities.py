"""Investigator queries: profiles, ownership trees up and down, paths, ultimate owners and search."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from app.db import Graph, native
from app.engine.ultimate import ultimate_owners
from app.engine.verdicts import load_ancestry, party_names, resolve, spellings
from app.matching import lucene_query

MAX_DEPTH = 10
MAX_TREE_PARTIES = 500
MAX_LEVEL_ROWS = 2_000
_IDENTIFIER = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]+)*:\S+$")
# What may be an identifier's value pasted without its scheme (an LEI, a company number) or a platform id
_BARE_VALUE = re.compile(r"^(?=\S*\d)\S{4,80}$")
MAX_IDENTIFIER_MATCHES = 20
COMPANY_NUMBER_LENGTH = 8  # GB-COH


def iso(value: Any) -> Any:
    value = native(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value


def profile(graph: Graph, ref: str) -> dict[str, Any]:
    party = resolve(graph, ref)
    [row] = graph.read("api/entity_profile", id=party["id"])
    details: dict[str, Any] = iso(row["party"])
    details["identifiers"] = sorted(row["identifiers"])
    details["owner_interests"] = int(row["holder_interests"])
    details["held_interests"] = int(row["held_interests"])
    return details


def tree(graph: Graph, ref: str, direction: Literal["owners", "subsidiaries"], depth: int,
         as_of: date | None, max_parties: int = MAX_TREE_PARTIES) -> dict[str, Any]:
    """Breadth-first, one query per level; stops at `depth` levels or `max_parties` parties and says so."""
    root = resolve(graph, ref)
    statement = "api/interests_in" if direction == "owners" else "api/interests_of"
    parties: dict[str, dict[str, Any]] = {root["id"]: {**_brief(root), "level": 0}}
    interests: list[dict[str, Any]] = []
    frontier = [root["id"]]
    truncated = False
    for level in range(1, depth + 1):
        if not frontier:
            break
        rows = graph.read(statement, ids=frontier, as_of=as_of, limit=MAX_LEVEL_ROWS + 1)
        if len(rows) > MAX_LEVEL_ROWS:
            truncated, rows = True, rows[:MAX_LEVEL_ROWS]
        frontier = []
        for row in rows:
            other = row["party"]
            if other["id"] not in parties:
                if len(parties) >= max_parties:
                    truncated = True
                    continue
                parties[other["id"]] = {**iso(other), "level": level}
                frontier.append(other["id"])
            interests.append({"holder": row["holder_id"], "subject": row["subject_id"], "relation": row["relation"],
                              **iso(row["interest"])})
    if frontier and not truncated:  # stopped by the depth limit: is there more above (or below)?
        truncated = bool(graph.read(statement, ids=frontier, as_of=as_of, limit=1))
    return {"root": root["id"], "direction": direction, "depth": depth, "as_of": iso(as_of),
            "parties": list(parties.values()), "interests": interests, "truncated": truncated}


def interest_count(graph: Graph, holder_id: str, subject_id: str, relation: str) -> int:
    """How many interests of `relation` the holder has in the subject, whatever their dates."""
    [row] = graph.read("api/interest_count", holder=holder_id, subject=subject_id, relation=relation)
    return int(row["interests"])


def _brief(party: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "kind", "entity_type", "jurisdiction", "headquarters", "state_of", "placeholder")
    return {k: iso(party[k]) for k in keys if party.get(k) is not None}


def paths(graph: Graph, ref: str, to: str, max_depth: int) -> dict[str, Any]:
    """Paths in both directions: from `to` down to `ref` (it holds `ref`) and from `ref` down to `to`."""
    source, target = resolve(graph, ref), resolve(graph, to)
    found = []
    for holder, subject, direction in ((target, source, "to_holds_ref"), (source, target, "ref_holds_to")):
        if holder["id"] == subject["id"]:
            continue
        for row in graph.read("api/paths", holder_id=holder["id"], subject_id=subject["id"]):
            if len(row["interests"]) <= max_depth:
                found.append({"direction": direction, "length": len(row["interests"]),
                              "parties": iso(row["parties"]), "interests": iso(row["interests"])})
    found.sort(key=lambda p: (p["length"], p["direction"]))
    return {"from": source["id"], "to": target["id"], "max_depth": max_depth, "paths": found,
            "truncated": len(found) >= 25}


def ultimate(graph: Graph, ref: str, as_of: date) -> dict[str, Any]:
    party = resolve(graph, ref)
    nodes, edges, truncated = load_ancestry(graph, party["id"], as_of)
    owners = ultimate_owners(party["id"], nodes, edges, as_of)
    names = party_names(graph, [o.party_id for o in owners])

    def described(pid: str) -> dict[str, Any]:
        node = nodes.get(pid)
        fields = {} if node is None else {"kind": node.kind, "entity_type": node.entity_type,
                                          "jurisdiction": node.jurisdiction, "headquarters": node.headquarters,
                                          "state_of": node.state_of}
        return {"id": pid, "name": names.get(pid), **fields}

    return {
        "entity": party["id"], "as_of": as_of.isoformat(), "truncated": truncated,
        "owners": [{**_brief(described(o.party_id)),
                    "lookthrough_share": {"min": o.lookthrough_min, "max": o.lookthrough_max},
                    "via_control": o.via_control, "levels": o.levels} for o in owners],
    }


# How much a legal-form word of the query (PLC, GmbH) adds to a name having it: enough to rank the name
# typed in full first, too little to outweigh an identity-bearing word.
LEGAL_FORM_BOOST = 0.2


def _zero_padded(text: str) -> list[str]:
    """A UK company number written without its leading zeros ("1126618", "GB-COH:1126618"), as Companies
    House numbers are eight characters: the number padded, bare or under its scheme."""
    scheme, _, number = text.rpartition(":")
    if not (number.isdigit() and len(number) < COMPANY_NUMBER_LENGTH and scheme.upper() in ("", "GB-COH")):
        return []
    padded = number.zfill(COMPANY_NUMBER_LENGTH)
    return [f"{scheme.upper()}:{padded}" if scheme else padded]


def search(graph: Graph, text: str, skip: int, limit: int) -> dict[str, Any]:
    """Parties by name (full text, best first, one page) and, on the first page and first, the parties the
    text identifies: as an identifier key (SCHEME:ID), or as an identifier's value under any scheme or a
    platform id; as typed or upper-cased (LEIs and scheme codes are upper case)."""
    results: list[dict[str, Any]] = []
    stripped = text.strip()
    as_typed = list(dict.fromkeys([*spellings(stripped), *_zero_padded(stripped)]))
    identified: list[dict[str, Any]] = []
    if skip == 0 and _IDENTIFIER.match(stripped):
        identified = graph.read("api/resolve_refs", refs=as_typed, started_at=None)
    elif skip == 0 and _BARE_VALUE.match(stripped):
        identified = graph.read("api/search_values", values=as_typed, limit=MAX_IDENTIFIER_MATCHES)
    seen: set[str] = set()
    for row in identified:
        if row["party"]["id"] not in seen:
            seen.add(row["party"]["id"])
            results.append({**iso(row["party"]), "identifiers": sorted(row["identifiers"]), "score": None,
                            "matched": "identifier"})
    rows = graph.read("api/search", query=lucene_query(stripped, legal_forms_boost=LEGAL_FORM_BOOST), skip=skip,
                      limit=limit)
    more = len(rows) > limit
    for row in rows[:limit]:
        if row["party"]["id"] not in seen:
            results.append({**iso(row["party"]), "identifiers": sorted(row["identifiers"]),
                            "score": round(float(row["score"]), 4), "matched": "name"})
    return {"query": text, "skip": skip, "limit": limit, "results": results, "truncated": more}
