"""Batch screening: identifiers and names to candidate parties, each with its verdict under one policy.

Two round trips for the whole batch whatever its size (one for identifiers, one for name candidates
through the full-text index), a re-scoring step in Python, then one round trip for the stored verdicts
of every candidate. A party newer than the published generation is judged on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.db import Graph
from app.engine.compute import layers_of
from app.engine.service import verdict_for
from app.engine.verdicts import clear_verdict, current_generation, served_share_fields, spellings, started_text
from app.matching import Candidate, lucene_query, score
from app.policy import Policy
from app.repository.entities import iso


@dataclass(frozen=True)
class ScreenQuery:
    identifier: str | None = None
    name: str | None = None
    country: str | None = None
    registration_number: str | None = None


def screen(graph: Graph, policy: Policy, queries: list[ScreenQuery], limit: int, min_score: float,
           generation: dict[str, Any] | None = None) -> dict[str, Any]:
    generation = generation if generation is not None else current_generation(graph, policy.id)
    candidates: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(queries))}

    started_at = started_text(generation) if generation is not None else None
    refs = sorted({spelling for q in queries if q.identifier for spelling in spellings(q.identifier)})
    by_ref = ({row["ref"]: row for row in graph.read("api/resolve_refs", refs=refs, started_at=started_at)}
              if refs else {})
    newer: dict[str, bool] = {}  # every candidate's party id: whether it is newer than the generation
    for i, q in enumerate(queries):
        row = next((by_ref[s] for s in spellings(q.identifier) if s in by_ref), None) if q.identifier else None
        if row is not None:
            newer[row["party"]["id"]] = bool(row["newer"])
            candidates[i].append({"party": row["party"], "identifiers": sorted(row["identifiers"]), "score": 1.0,
                                  "matched_by": "identifier", "matched_name": row["party"].get("name"),
                                  "explanation": [f"identifier {q.identifier}"]})

    # Names: exact words first (cheap); the queries left without a good candidate again with one typo allowed.
    pending = [i for i, q in enumerate(queries) if q.name and not candidates[i]]
    for fuzzy in (False, True):
        if not pending:
            break
        named = [{"index": i, "lucene": lucene_query(queries[i].name or "", fuzzy)} for i in pending]
        rows = graph.read("api/screen_names", queries=named, per_query=max(limit * 2, 10), started_at=started_at)
        keys = _identifiers(graph, {r["party"]["id"] for r in rows if queries[int(r["index"])].registration_number})
        for row in rows:
            i, party = int(row["index"]), row["party"]
            q = queries[i]
            scored = score(q.name or "", Candidate(party["id"], tuple(party.get("names") or [party.get("name") or ""]),
                                                   party.get("jurisdiction"), party.get("headquarters"),
                                                   party.get("address_country"), tuple(keys.get(party["id"], ()))),
                           q.country, q.registration_number)
            if scored.score >= min_score:
                newer[party["id"]] = bool(row["newer"])
                candidates[i].append({"party": party, "score": scored.score, "matched_by": "name",
                                      "matched_name": scored.matched_name, "explanation": list(scored.explanation)})
        pending = [i for i in pending if not candidates[i]]
    named_ids = {c["party"]["id"] for found in candidates.values() for c in found if "identifiers" not in c}
    keys = _identifiers(graph, named_ids)
    for found in candidates.values():
        for c in found:
            c.setdefault("identifiers", sorted(keys.get(c["party"]["id"], ())))

    verdicts = _verdicts(graph, policy, generation, newer)
    results = []
    for i, q in enumerate(queries):
        unique: list[dict[str, Any]] = []
        for c in sorted(candidates[i], key=lambda c: (-c["score"], c["party"]["id"])):
            if len(unique) < limit and all(u["party"]["id"] != c["party"]["id"] for u in unique):
                unique.append(c)
        results.append({
            "index": i, "query": {k: v for k, v in vars(q).items() if v is not None},
            "status": "matched" if unique else "no_match",
            "candidates": [{
                "id": c["party"]["id"], "name": c["party"].get("name"), "matched_name": c["matched_name"],
                "matched_by": c["matched_by"], "score": c["score"], "explanation": c["explanation"],
                "kind": c["party"].get("kind"), "jurisdiction": c["party"].get("jurisdiction"),
                "headquarters": c["party"].get("headquarters"), "identifiers": c["identifiers"],
                "verdict": verdicts[c["party"]["id"]],
            } for c in unique],
        })
    return {"policy": {"id": policy.id, "version": policy.version},
            "generation": generation["id"] if generation else None,
            "as_of": iso(generation["as_of"]) if generation else datetime.now(UTC).date().isoformat(),
            "results": results}


def _identifiers(graph: Graph, ids: set[str]) -> dict[str, list[str]]:
    if not ids:
        return {}
    return {row["id"]: row["identifiers"] for row in graph.read("api/identifiers_of", ids=sorted(ids))}


def _verdicts(graph: Graph, policy: Policy, generation: dict[str, Any] | None,
              newer: dict[str, bool]) -> dict[str, dict[str, Any]]:
    """The brief verdict of every candidate party (`newer`: party id to whether it is newer than the
    generation, which then holds no verdict on it and it is judged on demand)."""
    out: dict[str, dict[str, Any]] = {}
    pending = list(newer)
    if generation is not None:
        stored = {row["id"]: row["verdict"] for row in
                  graph.read("api/verdicts_of", layers=layers_of(generation), ids=pending)}
        pending = []
        for pid, is_newer in newer.items():
            if pid in stored:
                out[pid] = _brief_verdict(stored[pid], generation)
            elif is_newer:
                pending.append(pid)
            else:
                out[pid] = _brief_verdict(clear_verdict(pid), generation)
    for pid in pending:
        full = verdict_for(graph, policy, pid, generation=generation)
        out[pid] = {"verdict": full["verdict"], "restricted_share": full["restricted_share"],
                    "lookthrough_share": full["lookthrough_share"], "mode": full["mode"], "reason": full["reason"]}
    return out


def _brief_verdict(v: dict[str, Any], generation: dict[str, Any]) -> dict[str, Any]:
    """A stored verdict of `generation` as a screening result shows it."""
    return {"verdict": v["verdict"], **served_share_fields(v, generation, marked=True), "mode": "stored",
            "reason": _brief_reason(v)}


def _brief_reason(v: dict[str, Any]) -> str:
    """One line; the verdict route gives the full evidence."""
    if v.get("pinned"):
        return f"pinned by the policy: {v.get('pin_reason') or 'override'}"
    if v.get("seed_reason"):
        return f"restricted origin: {v['seed_reason']}"
    if v.get("control_definite"):
        return "controlled by a restricted party"
    low, high = float(v.get("share_min") or 0.0), float(v.get("share_max") or 0.0)
    if v["verdict"] == "clear" and high == 0.0:
        return "no restricted holder"
    control = "; control by a possibly restricted party" if v.get("control_possible") else ""
    return f"restricted parties hold {low:g}% to {high:g}%{control}"
