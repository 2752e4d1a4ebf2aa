"""Reading verdicts: the stored one of the published generation, or one computed on demand, with evidence.

The evidence names every restricted or possibly restricted holder that counts, with the interest,
its statement id and source; follows those holders up to the seeds (the chain); and spells out the
arithmetic against the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from neo4j.exceptions import ClientError

from app.db import Graph, native
from app.engine.compute import layers_of
from app.engine.evaluate import Analysis, Edge, Node, Outcome, analyse, lookthrough, restart_region
from app.engine.settled import (
    STOP_KEY_LENGTH,
    Settled,
    SettledParties,
    StopIds,
    settled_interest_count,
    settled_interest_total,
    settled_interests,
    settled_kind,
    settled_lookthrough,
    settled_status,
    settled_verdict,
)
from app.errors import OwnershipError
from app.lru import LRU
from app.policy import Policy

CHAIN_DEPTH = 30
# how many parties below a what-if's changes are searched before its region is found by climbing instead
BELOW_LIMIT = 5_000
CHAIN_EDGES = 300
SUBGRAPH_LIMIT = 50_000

HolderRows = Callable[[list[str]], list[dict[str, Any]]]
READ_AHEAD = 30  # holders read ahead per level up an evidence chain
READ_AHEAD_DEGREE = 50  # ... when no more interests than this are held in them
HOLDER_ROWS_CACHED = 50_000  # parties whose holder rows are kept per process (evidence chains share ancestors)


class _HolderRowsCache:
    """The interests held in a party with each holder's generation verdict, by (generation, date, data stamp,
    party). Evidence chains of different parties climb through the same restricted ancestors; keeping their
    rows saves a round trip per level. Keyed like the verdicts they explain: the stored path by generation
    (as its cached verdicts are), the other-date path also by the data stamp."""

    def __init__(self, size: int) -> None:
        self._items: LRU[tuple[Any, ...], list[dict[str, Any]]] = LRU(size)

    def rows(self, graph: Graph, generation: dict[str, Any], as_of: Any, ids: list[str],
             stamp: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        generation_id = generation["id"]
        base = (generation_id, str(as_of), stamp)
        found: dict[str, list[dict[str, Any]]] = {}
        for pid in ids:
            hit, cached = self._items.lookup((*base, pid))
            if hit and cached is not None:
                found[pid] = cached
        missing = [pid for pid in dict.fromkeys(ids) if pid not in found]
        if missing:
            fetched: dict[str, list[dict[str, Any]]] = {pid: [] for pid in missing}
            for row in graph.read("engine/holders_evidence_ahead", layers=layers_of(generation), ids=missing,
                                  started_at=started_text(generation), as_of=as_of, ahead=READ_AHEAD,
                                  ahead_degree=READ_AHEAD_DEGREE):
                if row["holder_id"] is not None:  # a subject read ahead with no valid interest held in it
                    fetched.setdefault(row["subject_id"], []).append(row)
                else:
                    fetched.setdefault(row["subject_id"], [])
            found.update((pid, fetched[pid]) for pid in missing)
            for pid, rows in fetched.items():
                self._items.put((*base, pid), rows)
        return [row for pid in dict.fromkeys(ids) for row in found[pid]]


holder_rows_cache = _HolderRowsCache(HOLDER_ROWS_CACHED)


class UnknownEntity(OwnershipError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"no entity with identifier or id {ref!r}")
        self.ref = ref


@dataclass
class Change:
    """A hypothetical change for what-if simulation.

    `add` sets the holder's stake of that measure (or control of that kind) in the subject, replacing
    what the data says of it; `remove` drops every interest of that relation from holder to subject.
    """

    action: str  # "add" or "remove"
    holder: str
    subject: str
    relation: str = "OWNS"
    measure: str = "equity"
    kind: str | None = None
    share_min: float | None = None
    share_max: float | None = None

    def replaces(self, holder: str, subject: str, relation: str, measure: str | None, kind: str | None) -> bool:
        """Whether the change drops this existing interest: `remove` drops every one of its relation from
        the holder in the subject, `add` those of its measure (a stake) or of its kind (control) that it
        stands in for. Control interests have no measure, whatever measure the change carries."""
        if (holder, subject, relation) != (self.holder, self.subject, self.relation):
            return False
        if self.action == "remove":
            return True
        return kind == self.kind if relation == "CONTROLS" else measure == self.measure

    def props(self) -> dict[str, Any]:
        """The properties of the interest an `add` stands for, as the evidence shows them: a stake's measure or
        a control interest's kind (not the other, which a change carries by default or by mistake)."""
        owns = self.relation == "OWNS"
        return {"measure": self.measure if owns else None, "kind": None if owns else self.kind,
                "share_min": self.share_min,
                "share_max": self.share_max, "direct": "direct", "source": "what-if",
                "interest_type": "hypothetical"}


def spellings(ref: str) -> tuple[str, ...]:
    """The reference as typed, then upper-cased when that differs: scheme codes and LEIs are upper case, and
    investigators paste them in lower case too."""
    upper = ref.upper()
    return (ref, upper) if upper != ref else (ref,)


def _first_row_naming(read: Callable[[str], list[dict[str, Any]]], ref: str) -> dict[str, Any]:
    """The first row `read` gives for the first of the reference's `spellings` that names a party (the next
    is read only on a miss); UnknownEntity when none does."""
    for spelling in spellings(ref):
        if rows := read(spelling):
            return rows[0]
    raise UnknownEntity(ref)


def resolve(graph: Graph, ref: str) -> dict[str, Any]:
    row = _first_row_naming(lambda named: graph.read("engine/resolve_ref", ref=named), ref)
    party = {k: v for k, v in row["party"].items() if v is not None}
    party["identifiers"] = sorted(row["identifiers"])
    return party


_STARTED_TEXT: dict[str, str] = {}


def started_text(generation: dict[str, Any]) -> str:
    """When the generation started, as ISO text for statements (`datetime($started_at)`), once per generation."""
    text = _STARTED_TEXT.get(generation["id"])
    if text is None:
        started = generation["started_at"]
        text = _STARTED_TEXT[generation["id"]] = started.iso_format() if hasattr(started, "iso_format") else \
            started.isoformat()
    return text


def current_generation(graph: Graph, policy_id: str) -> dict[str, Any] | None:
    rows = graph.read("engine/current_generation", policy_id=policy_id)
    return rows[0]["generation"] if rows else None


def _range(low: float, low_x: bool, high: float, high_x: bool) -> str:
    if low == high and not low_x and not high_x:
        return f"{low:g}%"
    return f"{'more than ' if low_x else ''}{low:g}% to {'less than ' if high_x else ''}{high:g}%"


def _interest_summary(relation: str, interest: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "relation": relation, "interest_type": interest.get("interest_type"), "direct": interest.get("direct"),
        "start_date": _iso(interest.get("start_date")), "end_date": _iso(interest.get("end_date")),
        "statement_id": interest.get("statement_id"), "source": interest.get("source"),
        "record": interest.get("record"), "details": interest.get("details"),
    }
    if relation == "OWNS":
        low, high = interest.get("share_min"), interest.get("share_max")
        summary.update(measure=interest.get("measure"), share_min=low, share_max=high,
                       share_min_exclusive=bool(interest.get("share_min_exclusive")),
                       share_max_exclusive=bool(interest.get("share_max_exclusive")),
                       share=_range(low if low is not None else 0.0, bool(interest.get("share_min_exclusive")),
                                    high if high is not None else 100.0, bool(interest.get("share_max_exclusive")))
                       + ("" if low is not None or high is not None else " (not disclosed)"))
    else:
        summary["kind"] = interest.get("kind")
    return summary


def _iso(value: Any) -> Any:
    return value.iso_format() if hasattr(value, "iso_format") else (value.isoformat() if hasattr(
        value, "isoformat") else value)


def _counts(policy: Policy, relation: str, interest: dict[str, Any]) -> bool:
    if relation == "OWNS":
        return interest.get("measure") in policy.ownership_measures
    return interest.get("kind") in policy.control_kinds


def build_evidence(policy: Policy, target: dict[str, Any], verdict: dict[str, Any],
                   holder_rows: HolderRows) -> dict[str, Any]:
    """Holders that count, the chain up to the seeds, and the arithmetic."""
    direct_rows = holder_rows([target["id"]])
    holders = []
    restricted_partners = 0
    other_at_threshold = False
    for row in direct_rows:
        hv = row.get("holder_verdict") or {}
        holder_verdict = hv.get("verdict", "clear")
        counts = _counts(policy, row["relation"], row["interest"]) and holder_verdict in ("restricted", "review")
        entry = {"holder_id": row["holder_id"], "holder_name": row["holder_name"], "holder_verdict": holder_verdict,
                 "holder_seed_reason": hv.get("seed_reason"), "counts": counts,
                 **_interest_summary(row["relation"], row["interest"])}
        holders.append(entry)
        if row["relation"] == "OWNS" and entry.get("share_min") == policy.threshold_percent:
            if holder_verdict == "restricted":
                restricted_partners += 1
            else:
                other_at_threshold = True
    chain: list[dict[str, Any]] = []
    seen = {target["id"]}
    frontier = [h["holder_id"] for h in holders if h["counts"] and not h["holder_seed_reason"]]
    frontier = list(dict.fromkeys(frontier))
    for _ in range(CHAIN_DEPTH):
        if not frontier or len(chain) >= CHAIN_EDGES:
            break
        seen.update(frontier)
        next_frontier: list[str] = []
        for row in holder_rows(frontier):
            hv = row.get("holder_verdict") or {}
            if hv.get("verdict") not in ("restricted", "review") or not _counts(policy, row["relation"],
                                                                                   row["interest"]):
                continue
            chain.append({"subject_id": row["subject_id"], "holder_id": row["holder_id"],
                          "holder_name": row["holder_name"], "holder_verdict": hv.get("verdict"),
                          "holder_seed_reason": hv.get("seed_reason"),
                          **_interest_summary(row["relation"], row["interest"])})
            if row["holder_id"] not in seen and not hv.get("seed_reason"):
                next_frontier.append(row["holder_id"])
        frontier = list(dict.fromkeys(next_frontier))
    comparator = policy.comparator
    counted = [h for h in holders if h["counts"] and h["relation"] == "OWNS"]
    terms = " + ".join(f"{h['holder_name']} {h['share']} ({h['measure']}, {h['holder_verdict']})" for h in counted)
    total = _range(verdict["share_min"], verdict["share_min_exclusive"], verdict["share_max"],
                   verdict["share_max_exclusive"])
    arithmetic = f"{terms} = {total}" if counted else "no restricted holder has an ownership interest"
    return {
        "seed_reason": verdict.get("seed_reason"),
        "override": {"verdict": verdict["verdict"], "reason": verdict.get("pin_reason")} if verdict.get("pinned")
        else None,
        "threshold": {"percent": policy.threshold_percent, "comparator": comparator},
        "arithmetic": f"{arithmetic}; threshold {comparator} {policy.threshold_percent:g}%",
        "control": {"definite": bool(verdict.get("control_definite")),
                    "possible": bool(verdict.get("control_possible"))},
        "joint_control": restricted_partners > 0 and other_at_threshold,
        "undisclosed_max": verdict.get("undisclosed_max"),
        "holders": holders,
        "chain": chain,
        "chain_truncated": len(chain) >= CHAIN_EDGES,
    }


def reason(target: dict[str, Any], verdict: dict[str, Any], policy: Policy, evidence: dict[str, Any]) -> str:
    name = target.get("name") or target["id"]
    share = _range(verdict["share_min"], verdict["share_min_exclusive"], verdict["share_max"],
                   verdict["share_max_exclusive"])
    limit = f"{policy.comparator} {policy.threshold_percent:g}%"
    if verdict.get("pinned"):
        return f"{name} is pinned {verdict['verdict']} by a policy override: {verdict.get('pin_reason')}."
    if verdict.get("seed_reason"):
        return f"{name} is a restricted origin under {policy.id}: {verdict['seed_reason']}."
    controllers = [h for h in evidence["holders"] if h["counts"] and h["relation"] == "CONTROLS"
                   and h["holder_verdict"] == "restricted"]
    if verdict["verdict"] == "restricted" and controllers:
        first = controllers[0]
        return f"{name} is controlled ({first['kind']}) by {first['holder_name']}, which is restricted."
    if verdict["verdict"] == "restricted":
        return f"Restricted parties hold {share} of {name}, which passes the threshold ({limit})."
    if verdict["verdict"] == "review":
        return (f"Restricted parties may hold {share} of {name}: the upper bound passes the threshold ({limit}) "
                "but the lower bound does not, so it needs review.")
    if verdict["share_max"] == 0:
        return f"No restricted party holds an interest in {name} that counts under {policy.id}."
    return f"Restricted parties hold at most {share} of {name}, which does not pass the threshold ({limit})."


def clear_verdict(party_id: str) -> dict[str, Any]:
    return {"party_id": party_id, "verdict": "clear", "share_min": 0.0, "share_min_exclusive": False,
            "share_max": 0.0, "share_max_exclusive": False, "lookthrough_min": 0.0, "lookthrough_max": 0.0}


@dataclass
class NewerParty:
    """A party the generation has no verdict on (it appeared later), with the interests held in it on the
    generation's date and each holder's verdict in the generation, as read in the same round trip."""

    party: dict[str, Any]
    holders: list[dict[str, Any]]


def read_bundle(graph: Graph, generation: dict[str, Any], ref: str, as_of: Any, with_stamp: bool = False,
                below: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The party a reference names (with its identifiers) and the rest of its stored bundle: its verdict in
    the generation and the interests held in it on `as_of` with each holder's generation verdict; with
    `with_stamp`, also the newest change to the data (`bundle["stamp"]`); with `below` (the parameters of
    `fragments/parties_below`), also the parties that search finds (`bundle["below"]`)."""
    bundle = _first_row_naming(lambda named: graph.read(
        "engine/stored_bundle_below" if below else "engine/stored_bundle", ref=named, layers=layers_of(generation),
        started_at=started_text(generation), as_of=as_of, with_stamp=with_stamp, **(below or {})), ref)
    if with_stamp:
        bundle["stamp"] = tuple(bundle["stamps"][0])
    return _party(bundle), bundle


def _party(row: dict[str, Any]) -> dict[str, Any]:
    """The party as a verdict shows it, from a statement's `party` and `identifiers`."""
    party = {k: v for k, v in row["party"].items() if v is not None}
    party["identifiers"] = sorted(row["identifiers"])
    return party


def bundle_holder_rows(graph: Graph, generation: dict[str, Any], as_of: Any, party_id: str,
                       bundle: dict[str, Any], stamp: tuple[str, ...] = ()) -> HolderRows:
    """Evidence rows for a stored verdict: the party's own from its bundle, the chain's from the cache."""
    def holder_rows(ids: list[str]) -> list[dict[str, Any]]:
        if ids == [party_id]:
            return list(bundle["holders"])
        return holder_rows_cache.rows(graph, generation, as_of, ids, stamp)

    return holder_rows


def stored_verdict_by_ref(graph: Graph, policy: Policy, generation: dict[str, Any],
                          ref: str) -> dict[str, Any] | NewerParty:
    """The stored verdict in one round trip for most parties (more only to follow a restricted chain);
    a `NewerParty` when the party appeared after the generation started."""
    as_of = generation["as_of"]
    party, row = read_bundle(graph, generation, ref, as_of)
    if row["newer"]:
        return NewerParty(party, list(row["holders"]))
    verdict = row["verdict"] or clear_verdict(party["id"])
    holder_rows = bundle_holder_rows(graph, generation, as_of, party["id"], row)
    evidence = build_evidence(policy, party, verdict, holder_rows)
    return _result(party, policy, verdict, evidence, mode="stored", generation=generation, as_of=_iso(as_of),
                   marked=True)


def _result(party: dict[str, Any], policy: Policy, verdict: dict[str, Any], evidence: dict[str, Any], mode: str,
            generation: dict[str, Any] | None, as_of: Any, marked: bool = False) -> dict[str, Any]:
    """A verdict as the API serves it; `marked`: its look-through flag stands on the generation's per-party
    marks (`served_share_fields`)."""
    return {
        "entity": {k: _iso(v) for k, v in party.items()},
        "policy": {"id": policy.id, "version": policy.version},
        "as_of": as_of,
        "mode": mode,
        "generation": generation["id"] if generation else None,
        "data_as_of": _iso(generation.get("data_loaded_at")) if generation else None,
        "verdict": verdict["verdict"],
        "reason": reason(party, verdict, policy, evidence),
        **served_share_fields(verdict, generation, marked=marked),
        "evidence": evidence,
    }


def share_fields(verdict: dict[str, Any]) -> dict[str, Any]:
    """A stored-shape verdict's bounds as the API reports them."""
    return {
        "restricted_share": {"min": verdict["share_min"], "min_exclusive": bool(verdict["share_min_exclusive"]),
                             "max": verdict["share_max"], "max_exclusive": bool(verdict["share_max_exclusive"])},
        "lookthrough_share": {"min": round(verdict.get("lookthrough_min") or 0.0, 6),
                              "max": round(verdict.get("lookthrough_max") or 0.0, 6),
                              "converged": verdict.get("lookthrough_converged") is not False},
    }


def served_share_fields(verdict: dict[str, Any], generation: dict[str, Any] | None, marked: bool) -> dict[str, Any]:
    """`share_fields` of a verdict served off `generation`. Where the generation's look-through stopped short,
    a full run marked the stored verdicts whose shares may be short (`lookthrough_short` counts them), so a
    verdict whose flag stands on those marks (`marked`: a stored verdict as it is, or one computed only from
    stored verdicts' shares and their flags) says so itself; anything else computed from such a generation's
    shares, or read from one that marked none (an earlier version's), says not converged."""
    if generation is not None and generation.get("lookthrough_converged") is False and not (
            marked and generation.get("lookthrough_short") is not None):
        verdict = {**verdict, "lookthrough_converged": False}
    return share_fields(verdict)


def _stored_shape(party_id: str, outcome: Outcome) -> dict[str, Any]:
    """An evaluated outcome in the shape of a stored Verdict node."""
    return {"party_id": party_id, "verdict": outcome.verdict, "share_min": outcome.share_min,
            "share_min_exclusive": outcome.share_min_exclusive, "share_max": outcome.share_max,
            "share_max_exclusive": outcome.share_max_exclusive, "seed_reason": outcome.seed_reason,
            "pinned": outcome.pin_reason is not None, "pin_reason": outcome.pin_reason,
            "control_definite": outcome.control_definite, "control_possible": outcome.control_possible,
            "lookthrough_min": outcome.lookthrough_min, "lookthrough_max": outcome.lookthrough_max,
            "undisclosed_max": outcome.undisclosed_max, "lookthrough_converged": outcome.lookthrough_converged}


def from_generation_verdict(graph: Graph, policy: Policy, generation: dict[str, Any], party: dict[str, Any],
                            holders: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """A party newer than the generation, judged against the generation's verdicts of its holders.

    Exact when every holder was part of the generation (their memberships are the generation's); returns
    None otherwise, and the caller evaluates the whole ancestor subgraph instead. `holders`: the interests
    held in the party on the generation's date, when the caller has read them already.
    """
    as_of = native(generation["as_of"])
    rows = holders if holders is not None else graph.read(
        "engine/holders_evidence", layers=layers_of(generation), started_at=started_text(generation),
        ids=[party["id"]], as_of=as_of)
    if any(r["holder_newer"] for r in rows):
        return None
    nodes = {party["id"]: party_node(party)}
    pins: dict[str, tuple[str, str]] = {}
    edges = []
    lookthrough_from: dict[str, tuple[float, float]] = {}
    for r in rows:
        nodes[r["holder_id"]] = Node(r["holder_id"])
        pins[r["holder_id"]], lookthrough_from[r["holder_id"]] = generation_boundary(r)
        edges.append(_edge(r["holder_id"], party["id"], r["relation"], r["interest"]))
    pins.update(_pins(graph, policy, as_of, [party["id"]]))
    outcome = analyse(party["id"], nodes, edges, policy, as_of, pins).outcome
    verdict = _stored_shape(party["id"], outcome)
    if not outcome.seed_reason:
        shares = lookthrough(nodes, edges, [], as_of, fixed=lookthrough_from)
        low, high = shares.get(party["id"], (0.0, 0.0))
        # short when a holder's stored share may be (the generation marked it) and it holds a stake here
        short_holder = any(r["relation"] == "OWNS" and (r.get("holder_verdict") or {}).get("lookthrough_converged")
                           is False for r in rows)
        verdict.update(lookthrough_min=low * 100.0, lookthrough_max=high * 100.0,
                       lookthrough_converged=party["id"] not in shares.short and not short_holder)

    holder_rows = bundle_holder_rows(graph, generation, as_of, party["id"], {"holders": rows})
    evidence = build_evidence(policy, party, verdict, holder_rows)
    return _result(party, policy, verdict, evidence, mode="on_demand", generation=generation,
                   as_of=_iso(generation["as_of"]), marked=True)


Ancestry = tuple[dict[str, Node], list[Edge], bool]  # the parties walked, the interests held in them, truncated


# The project's walk procedure (plugin/src, app/neo4j_plugin.py), used when the server has it with this signature.
WALK_PROCEDURE = "ownership.ancestry"
WALK_SIGNATURE = ("ownership.ancestry(party :: NODE, asOf :: DATE, known :: MAP, stopKeyLength :: INTEGER, "
                  "limit :: INTEGER) :: (truncated :: BOOLEAN, parties :: LIST<ANY>)")


# The same walk with the settled ids kept in the server (`KeptStops`), used when the server has it too.
KEPT_PROCEDURE = "ownership.ancestry_kept"
KEPT_SIGNATURE = ("ownership.ancestry_kept(party :: NODE, asOf :: DATE, memo :: STRING, added :: STRING, "
                  "expected :: INTEGER, limit :: INTEGER) :: (truncated :: BOOLEAN, parties :: LIST<ANY>)")


def read_walk(graph: Graph, **params: Any) -> list[dict[str, Any]]:
    """`ancestry_on`'s record, from the walk procedure when the server has it (the same record in about half
    Neo4j's time; README, "Benchmarks"), with the settled ids the server keeps when it keeps them
    (`_read_walk_kept`), else from the Cypher walk."""
    if graph.procedure_signature(WALK_PROCEDURE) == WALK_SIGNATURE:
        try:
            stops = params.get("known")
            if (isinstance(stops, StopIds) and stops.kept is not None
                    and graph.procedure_signature(KEPT_PROCEDURE) == KEPT_SIGNATURE):
                rows = _read_walk_kept(graph, stops, params)
                if rows is not None:
                    return rows
            return graph.read("engine/ancestry_on_procedure", **params)
        except ClientError as error:
            if error.code != "Neo.ClientError.Procedure.ProcedureNotFound":
                raise
            graph.forget_procedures()
    return graph.read("engine/ancestry_on", **params)


def _read_walk_kept(graph: Graph, stops: StopIds, params: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The walk up to `stops` through the ids the server keeps (`ancestry_on_kept`): those settled since
    the last walk sent them are sent with it; when the server keeps fewer than `stops` name (restarted, or
    it let the memo go), all of them, once more. None when it still keeps too few (let go again at once) or
    the memo is past what the server keeps for one (the caller then sends the ids with the walk)."""
    kept = stops.kept
    assert kept is not None
    walk = {key: value for key, value in params.items() if key not in ("known", "stop_key_length")}
    for start in dict.fromkeys((min(kept.sent, stops.kept_chunks), 0)):
        rows = graph.read("engine/ancestry_on_kept", **walk, memo=kept.memo,
                          added=kept.added(start, stops.kept_chunks), expected=stops.kept_count)
        kept.sent = max(kept.sent, stops.kept_chunks)  # racing walks at worst send some ids twice
        if not rows or rows[0]["parties"] is not None:
            return rows
    return None


def load_ancestry(graph: Graph, party_id: str, as_of: date, stops: StopIds | None = None) -> Ancestry:
    """The party's ancestor subgraph with the interests valid on `as_of`, as the fixed point reads them;
    each interest's `props` holds its element id (`eid`) for the evidence's details (`InterestDetails`).
    The walk stops at the parties named in `stops` (`SettledParties.stops`); the interests they hold in
    walked parties are read. The party itself may be among them: then only it is read, as all its holders
    are settled too."""
    [row] = read_walk(graph, id=party_id, ref=None, limit=SUBGRAPH_LIMIT, as_of=as_of,
                      known=stops if stops is not None else StopIds(), stop_key_length=STOP_KEY_LENGTH)
    return _ancestry(row)


def _ancestry(row: dict[str, Any]) -> Ancestry:
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for pid, kind, entity_type, jurisdiction, headquarters, state_of, nationalities, interests in row["parties"]:
        nodes[pid] = Node(pid, kind, entity_type, jurisdiction, headquarters, state_of, tuple(nationalities or ()))
        for holder, relation, measure, interest_kind, low, high, low_x, high_x, direct, eid in interests:
            edges.append(Edge(holder, pid, relation, measure, interest_kind, low, high, bool(low_x), bool(high_x),
                              direct or "unknown", props={"eid": eid}))
    return nodes, edges, bool(row["truncated"])


@dataclass
class RefWalk:
    """A walk from a reference, with what a far-date verdict would otherwise read in two more round trips
    (`walk_ref`)."""
    party: dict[str, Any]  # as `read_bundle` gives it
    stamp: tuple[str, ...]  # the data stamp, read with the walk
    details: list[dict[str, Any]]  # the evidence's details of the interests held in the party (`InterestDetails`)
    ancestry: Ancestry


def walk_ref(graph: Graph, ref: str, as_of: date, stops: StopIds) -> RefWalk | None:
    """The ancestry of the party `ref` names on `as_of`, up to `stops` (`SettledParties.stops`, read before),
    in one round trip with the party, the data stamp and the details of the interests held in the party;
    None when no party has that reference."""
    rows = read_walk(graph, id=None, ref=ref, limit=SUBGRAPH_LIMIT, as_of=as_of, known=stops,
                     stop_key_length=STOP_KEY_LENGTH)
    if not rows:
        return None
    row = rows[0]
    return RefWalk(_party(row), tuple(row["stamps"][0]), row["details"], _ancestry(row))


def party_names(graph: Graph, ids: list[str]) -> dict[str, Any]:
    """The names of the parties given by id (those without one are left out)."""
    [row] = graph.read("engine/interest_details", eids=[], ids=list(dict.fromkeys(ids)))
    return {pid: name for pid, name in row["names"] if name is not None}


class InterestDetails:
    """Holder names and interest properties for the evidence of an on-demand verdict, read once per
    request for the interests it shows (the fixed point needs none of them)."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        self._interests: dict[str, dict[str, Any]] = {}
        self._names: dict[str, Any] = {}

    def add(self, interests: Iterable[dict[str, Any]]) -> None:
        """Details already read (`RefWalk.details`), in the shape of `interest_details`' `interests`."""
        self._interests.update((item["eid"], item) for item in interests)

    def rows(self, edges: list[Edge]) -> list[tuple[Edge, Any, dict[str, Any]]]:
        """Each edge with its holder's name and its properties (a hypothetical one's are its own)."""
        eids = [e.props["eid"] for e in edges if "eid" in e.props and e.props["eid"] not in self._interests]
        ids = [e.holder for e in edges if "eid" not in e.props and e.holder not in self._names]
        if eids or ids:
            [row] = self._graph.read("engine/interest_details", eids=list(dict.fromkeys(eids)),
                                     ids=list(dict.fromkeys(ids)))
            self._interests.update((item["eid"], item) for item in row["interests"])
            self._names.update((pid, name) for pid, name in row["names"])
        out = []
        for e in edges:
            found = self._interests.get(e.props["eid"]) if "eid" in e.props else None
            if found is not None:
                out.append((e, found["holder_name"], found["interest"]))
            else:
                out.append((e, self._names.get(e.holder), e.props))
        return out


def _edge(holder: str, subject: str, relation: str, props: dict[str, Any]) -> Edge:
    return Edge(holder, subject, relation, props.get("measure"), props.get("kind"), props.get("share_min"),
                props.get("share_max"), bool(props.get("share_min_exclusive")),
                bool(props.get("share_max_exclusive")), props.get("direct") or "unknown",
                native(props.get("start_date")), native(props.get("end_date")), props)


def _changed(edges: list[Edge], changes: list[Change]) -> list[Edge]:
    """The interests after hypothetical changes, in their order (`Change.replaces`; an `add` goes last)."""
    for change in changes:
        edges = [e for e in edges if not change.replaces(e.holder, e.subject, e.relation, e.measure, e.kind)]
        if change.action == "add":
            edges.append(Edge(change.holder, change.subject, change.relation, change.measure, change.kind,
                              change.share_min, change.share_max, direct="direct", props=change.props()))
    return edges


@dataclass
class _Walked:
    """A walk's evaluation: the parties evaluated (`walked`), the settled parties it stopped at
    (`boundary`), the interests read, and the analysis with its pins."""
    walked: list[str]
    kinds: dict[str, str | None]  # each evaluated party's kind, kept when it is settled
    boundary: set[str]
    edges: Iterable[Edge]
    interests_of: Callable[[str], list[Edge]]  # the interests held in an evaluated party
    pins: dict[str, tuple[str, str]]
    analysis: Analysis
    truncated: bool  # the walk reached its limit of parties
    complete: bool  # every evaluated party had all its holders evaluated or settled (nothing truncated)


def _evaluate_walk(graph: Graph, policy: Policy, target: str, nodes: dict[str, Node], edges: Iterable[Edge],
                   as_of: date, known: dict[str, Settled], truncated: bool,
                   assumed: dict[str, str] | None = None, dirty: Iterable[str] | None = None,
                   assumed_shares: dict[str, tuple[float, float]] | None = None,
                   shares_dirty: Iterable[str] | None = None, region: _Region | None = None) -> _Walked:
    """The evaluation of the parties in `nodes` from the interests held in them (`edges`), the settled
    holders outside them as its boundary. With `region` (a what-if through settled parties), the boundary
    and the interests come from it, each party's built only when read."""
    nodes = seed_keyed(graph, policy, nodes)
    walked = list(nodes)
    kinds = {pid: n.kind for pid, n in nodes.items()}
    pins = _pins(graph, policy, as_of, walked)
    if region is not None:
        boundary = region.boundary(known)
        interests_of, subjects_of = region.interests_of, region.subjects_of
    else:
        boundary = {e.holder for e in edges if e.holder not in nodes and e.holder in known}
        incoming: dict[str, list[Edge]] = {}
        for e in edges:
            incoming.setdefault(e.subject, []).append(e)

        def interests_of(pid: str) -> list[Edge]:
            return incoming.get(pid, [])

        subjects_of = None
    fixed: dict[str, tuple[float, float]] = {}
    for holder in boundary:
        nodes[holder] = Node(holder)
        pins[holder] = (settled_status(known[holder])[0], "evaluated earlier on this date")
        fixed[holder] = settled_lookthrough(known[holder])
    analysis = analyse(target, nodes, edges, policy, as_of, pins, fixed=fixed, assumed=assumed, dirty=dirty,
                       assumed_shares=assumed_shares, shares_dirty=shares_dirty,
                       interests_of=interests_of if region is not None else None, subjects_of=subjects_of)
    # (a what-if's region is never settled: whether it is complete does not matter)
    complete = region is None and not truncated and all(e.holder in nodes for e in edges)
    return _Walked(walked, kinds, boundary, edges, interests_of, pins, analysis, truncated, complete)


class _Region:
    """The parties a what-if through settled parties evaluates again, with the interests held in them after
    the changes, each party's built from the memo when first read: restarted from the settled values, the
    evaluation reads those of a few dozen of 1,500 parties, and building all of them took about 7 ms
    (README, "Benchmarks")."""

    def __init__(self, parties: set[str], interests: Callable[[str], list[Edge]],
                 holders: Callable[[str], Iterable[str]], held_in: dict[str, tuple[str, ...]],
                 added: dict[str, list[str]],
                 stakes: Callable[[str], tuple[tuple[str, float, float], ...] | None] = lambda _: None) -> None:
        self.parties = parties
        self._interests = interests
        self._stakes = stakes  # a party's look-through stakes when it has kept ones (None: from its interests)
        self._holders = holders
        self._held_in = held_in
        self._added = added  # subjects of the interests the changes add, by holder
        self._built: dict[str, list[Edge]] = {}

    def interests_of(self, pid: str) -> list[Edge]:
        if pid not in self.parties:
            return []
        found = self._built.get(pid)
        if found is None:
            found = self._built[pid] = self._interests(pid)
        return found

    def stakes_of(self, pid: str) -> tuple[tuple[str, float, float], ...] | None:
        """Its look-through stakes, as `evaluate.lookthrough` takes them (`shares_of`)."""
        return self._stakes(pid) if pid in self.parties else ()

    def subjects_of(self, pid: str) -> Iterable[str]:
        """The parties it holds interests in, before or after the changes (a superset of after)."""
        added = self._added.get(pid)
        return [*self._held_in.get(pid, ()), *added] if added else self._held_in.get(pid, ())

    def boundary(self, known: dict[str, Settled]) -> set[str]:
        """The settled holders of its parties outside it."""
        return {holder for pid in self.parties for holder in self._holders(pid)
                if holder not in self.parties and holder in known}

    def __iter__(self) -> Iterator[Edge]:
        for pid in self.parties:
            yield from self.interests_of(pid)


def settle_ancestry(graph: Graph, policy: Policy, party_id: str, as_of: date, settled: SettledParties,
                    walked: Ancestry | None = None) -> _Walked:
    """Walk the party's ancestors on `as_of` up to the settled parties (or take `walked`, a walk up to
    `settled.stops` as they were before it), and settle what the walk evaluated (when it is complete)."""
    if walked is None:
        stops = settled.stops  # before the parties: each party it names is in them
        walked = load_ancestry(graph, party_id, as_of, stops)
    nodes, edges, truncated = walked
    walk = _evaluate_walk(graph, policy, party_id, nodes, edges, as_of, settled.parties, truncated)
    # shares short of converging are not kept: a later verdict stopping at them would not know (it walks
    # the same cycle again instead, and says so)
    if walk.complete and walk.analysis.lookthrough_converged:
        settled.add(walk.analysis, {pid: membership(pid, walk.analysis, walk.pins) for pid in walk.walked},
                    walk.edges, walk.kinds)
    return walk


def _walk_evidence(graph: Graph, policy: Policy, party: dict[str, Any], verdict: dict[str, Any], walk: _Walked,
                   known: dict[str, Settled], details_read: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """The evidence of a walk's verdict: evaluated parties' interests with their memberships, settled
    parties' from what their own walks kept; names, statement ids and sources read for the rows shown.

    Which rows the chain climbs through depends only on memberships, measures and kinds, which the walk
    holds, so a first pass over them finds every interest shown, and their details come in one read. Read
    as the chain climbed, they took a round trip a level (up to ten for one verdict on 2019-06-30; README,
    "Benchmarks")."""
    evaluated = set(walk.walked)

    def holder_verdict(pid: str) -> dict[str, Any] | None:
        if pid in evaluated:
            return membership(pid, walk.analysis, walk.pins)
        return settled_verdict(known[pid]) if pid in known else None

    def shown(ids: list[str]) -> list[Edge]:
        # all valid on as_of (load_ancestry, and the settled parties' own walks)
        return [e for sid in ids for e in (walk.interests_of(sid) if sid in evaluated else
                                           settled_interests(sid, known[sid]) if sid in known else [])]

    def row(e: Edge, name: Any, props: dict[str, Any]) -> dict[str, Any]:
        return {"subject_id": e.subject, "holder_id": e.holder, "holder_name": name, "relation": e.relation,
                "interest": props, "holder_verdict": holder_verdict(e.holder)}

    needed: list[Edge] = []

    def outline_rows(ids: list[str]) -> list[dict[str, Any]]:
        edges = shown(ids)
        needed.extend(edges)
        return [row(e, None, {"measure": e.measure, "kind": e.kind}) for e in edges]

    build_evidence(policy, party, verdict, outline_rows)
    details = InterestDetails(graph)
    details.add(details_read)
    details.rows(needed)

    def holder_rows(ids: list[str]) -> list[dict[str, Any]]:
        return [row(e, name, props) for e, name, props in details.rows(shown(ids))]

    return build_evidence(policy, party, verdict, holder_rows)


def on_demand_verdict(graph: Graph, policy: Policy, party: dict[str, Any], as_of: date,
                      changes: list[Change] | None = None, settled: SettledParties | None = None,
                      walked: RefWalk | None = None) -> dict[str, Any]:
    """A verdict from the party's ancestor subgraph, optionally with hypothetical changes; writes nothing.
    With `settled` (parties earlier verdicts on `as_of` evaluated, app/engine/settled.py), the walk stops at
    them and takes their values; then what it evaluated is settled in turn. `walked`: that walk, already
    read (`walk_ref`, up to `settled.stops`)."""
    settling = settled if not changes else None  # a what-if's values hold only with its changes
    known: dict[str, Settled] = {}
    if settling is not None:
        known = settling.parties
        walk = settle_ancestry(graph, policy, party["id"], as_of, settling, walked.ancestry if walked else None)
    else:
        nodes, edges, truncated = load_ancestry(graph, party["id"], as_of)
        for change in changes or []:
            for pid in (change.holder, change.subject):
                if pid not in nodes:
                    extra, extra_edges, _ = load_ancestry(graph, pid, as_of)
                    nodes.update(extra)
                    edges.extend(e for e in extra_edges if e not in edges)
        walk = _evaluate_walk(graph, policy, party["id"], nodes, _changed(edges, changes or []), as_of, known,
                              truncated)
    verdict = _stored_shape(party["id"], walk.analysis.outcome)
    evidence = _walk_evidence(graph, policy, party, verdict, walk, known, walked.details if walked else ())
    evidence["subgraph"] = {"parties": len(walk.walked), "interests": sum(1 for _ in walk.edges),
                            "truncated": walk.truncated}
    if settling is not None:
        evidence["subgraph"]["settled_boundary"] = len(walk.boundary)
    return _result(party, policy, verdict, evidence, mode="what_if" if changes else "on_demand", generation=None,
                   as_of=as_of.isoformat())


def what_if_through_settled(graph: Graph, policy: Policy, party: dict[str, Any], as_of: date,
                            changes: list[Change], settled: SettledParties,
                            walked: RefWalk | None = None) -> dict[str, Any] | None:
    """A what-if verdict from parties settled on `as_of` (without the changes): the asked party's and the
    changes' ancestries are settled first (walked up to what earlier verdicts settled), then only the parties
    at or below a change, among the asked party's ancestors after the changes, are evaluated again, in
    memory, with the changes; every other ancestor keeps its settled values, which the changes cannot move.
    None when a party to evaluate again is pinned by an override (the memo does not keep the pin's reason:
    the caller walks instead), or when an ancestry could not be settled (too large). `walked`: the asked
    party's walk, already read (`walk_ref`, up to `settled.stops`)."""
    target = party["id"]
    for pid in dict.fromkeys([target, *(c.holder for c in changes if c.action == "add")]):
        if pid not in settled.parties:
            settle_ancestry(graph, policy, pid, as_of, settled,
                            walked.ancestry if walked is not None and pid == target else None)
        if pid not in settled.parties:
            return None
    known = settled.parties
    by_subject: dict[str, list[Change]] = {}
    for change in changes:
        by_subject.setdefault(change.subject, []).append(change)

    def interests(pid: str) -> list[Edge]:
        held = settled_interests(pid, known[pid])
        return _changed(held, by_subject[pid]) if pid in by_subject else held

    changed_holders = {pid: [e.holder for e in interests(pid)] for pid in by_subject if pid in known}

    def holders_after(pid: str) -> Iterable[str]:
        return changed_holders[pid] if pid in changed_holders else settled.holders[pid]

    held_in = settled.held_in
    region = _ancestors_below(target, by_subject.keys() & known.keys(), holders_after, held_in, BELOW_LIMIT)
    if region is None:
        region = _ancestors_below_by_climb(target, by_subject, holders_after, settled)
        if region is None:
            return None
    region.add(target)  # evaluated in any case, for its evidence
    added: dict[str, list[str]] = {}
    for change in changes:
        if change.action == "add":
            added.setdefault(change.holder, []).append(change.subject)

    if not policy.active_overrides(as_of) and not policy.undisclosed_counts:
        restarted = _restarted_region(graph, policy, party, as_of, changes, region, settled, by_subject, interests,
                                      holders_after, held_in, added)
        if restarted is not None:
            walk, interest_count = restarted
            return _what_if_result(graph, policy, party, walk, known, interest_count, as_of, walked)
    # one pass over the region (about 1,500 parties for a seed buying far up) for what the evaluation
    # starts from: each party's node, settled verdict and look-through share, and its interests' count
    nodes: dict[str, Node] = {}
    assumed: dict[str, str] = {}
    assumed_shares: dict[str, tuple[float, float]] = {}
    settled_count = 0  # interests held in the parties no change is about
    for pid in region:
        memo = known[pid]
        status, seed, pinned = settled_status(memo)
        if pinned:
            return None
        if seed and pid != target:
            # a seed stays one whatever is held in it (restricted, look-through 100%): it keeps its settled
            # values (the asked party is evaluated from its own attributes, so it is recognised as a seed)
            continue
        nodes[pid] = Node(pid, settled_kind(memo))
        assumed[pid] = status
        assumed_shares[pid] = settled_lookthrough(memo)
        if pid not in by_subject:
            settled_count += settled_interest_count(memo)
    region = set(nodes)
    nodes[target] = party_node(party)
    interests_in = _Region(region, interests, holders_after, held_in, added)
    only_added = _only_added(changes, region, known)
    dirty = [subject for subject in by_subject if subject in region] if only_added else None
    from_verdicts = only_added and not policy.undisclosed_counts
    walk = _evaluate_walk(graph, policy, target, nodes, interests_in, as_of, known, truncated=False,
                          assumed=assumed if from_verdicts else None, dirty=dirty if from_verdicts else None,
                          assumed_shares=assumed_shares if only_added else None, shares_dirty=dirty,
                          region=interests_in)
    interest_count = settled_count + sum(len(interests_in.interests_of(pid)) for pid in by_subject if pid in region)
    return _what_if_result(graph, policy, party, walk, known, interest_count, as_of, walked)


def _ancestors_below(target: str, subjects: Iterable[str], holders_after: Callable[[str], Iterable[str]],
                     held_in: dict[str, tuple[str, ...]], limit: int) -> set[str] | None:
    """The parties at or below the settled `subjects` (the changes') that hold, through the interests after
    the changes, in `target` or are it; None past `limit` parties below the subjects.

    Every interest a change adds or removes is held in a change's subject, so the parties below the
    subjects are the same before the changes and after: found down the memo's interests (`held_in`). A path
    from a subject down to the asked party goes only through parties below the subject, so climbing from
    the asked party through the holders after the changes, among those, finds them all. The climb through
    the asked party's whole ancestry (`_ancestors_below_by_climb`) went through about 4,500 parties for a
    seed buying far up, 2.6 ms of the what-if; the parties below the changes are a median of 17 (README,
    "Benchmarks")."""
    below = set(subjects)
    stack = list(below)
    while stack:
        for subject in held_in.get(stack.pop(), ()):
            if subject not in below:
                if len(below) >= limit:
                    return None
                below.add(subject)
                stack.append(subject)
    return _reached({target}, holders_after, below) if target in below else set()


def _ancestors_below_by_climb(target: str, by_subject: dict[str, list[Change]],
                              holders_after: Callable[[str], Iterable[str]],
                              settled: SettledParties) -> set[str] | None:
    """As `_ancestors_below`, from the asked party's ancestors after the changes (for changes with too many
    parties below them); None when one is not settled."""
    known = settled.parties
    above = {target}
    level = [target]
    while level:
        upper: list[str] = []
        for pid in level:
            if pid not in known:
                return None
            for holder in holders_after(pid):
                if holder not in above:
                    above.add(holder)
                    upper.append(holder)
        level = upper
    held_in = settled.held_in
    return _reached({subject for subject in by_subject if subject in above},
                    lambda pid: held_in.get(pid, ()), above)


def _reached(start: set[str], step: Callable[[str], Iterable[str]], within: Container[str]) -> set[str]:
    """`start` (in `within`) and every party reached from it through `step` (holders or holdings) going only
    through parties in `within`: the second half of both searches for a what-if's region."""
    region = set(start)
    stack = list(region)
    while stack:
        for pid in step(stack.pop()):
            if pid in within and pid not in region:
                region.add(pid)
                stack.append(pid)
    return region


def _only_added(changes: list[Change], region: set[str], known: dict[str, Settled]) -> bool:
    """Whether the changes only add interests to the region's parties, none standing in for one held before.

    Changes that only add interests leave every settled verdict and look-through share at or below the new
    least fixed points (`fixed_point`, `lookthrough`): the region starts from them, and only the changes'
    subjects and whoever a change reaches are computed again (about 1,500 parties fewer for a seed buying
    far up; README, "Benchmarks"). A removal or a replaced interest can lower them, and counted undisclosed
    ownership a verdict, so then the region is computed from nothing."""
    return all(
        change.action == "add" and not any(change.replaces(e.holder, e.subject, e.relation, e.measure, e.kind)
                                           for e in settled_interests(change.subject, known[change.subject]))
        for change in changes if change.subject in region)


def _restarted_region(graph: Graph, policy: Policy, party: dict[str, Any], as_of: date, changes: list[Change],
                      region: set[str], settled: SettledParties, by_subject: dict[str, list[Change]],
                      interests: Callable[[str], list[Edge]], holders_after: Callable[[str], Iterable[str]],
                      held_in: dict[str, tuple[str, ...]], added: dict[str, list[str]]) -> tuple[_Walked, int] | None:
    """A what-if's region evaluated from the settled values read where the evaluation needs them
    (`evaluate.restart_region`), with the count of the interests held in it; None when its changes do not
    only add interests, or when the look-through runs past its budget. For a policy that counts no
    undisclosed ownership and pins no party on the date (the caller checks both): the memo then holds the
    same values the pins and assumed values of the whole evaluation would (`_evaluate_walk`). Building
    those for the 1,500 parties of a seed buying far up and their 1,500 holders took about 5 ms of its
    12 (README, "Benchmarks")."""
    target = party["id"]
    known = settled.parties
    scope = region - settled.seeds  # seeds keep their values
    scope.add(target)
    if not _only_added(changes, scope, known):
        return None
    node = seed_keyed(graph, policy, {target: party_node(party)})[target]
    region_interests = _Region(scope, interests, holders_after, held_in, added,
                               lambda pid: None if pid in by_subject else settled.lookthrough_stakes(pid))

    def verdict_before(pid: str) -> str:
        memo = known.get(pid)
        return "clear" if memo is None else settled_status(memo)[0]

    def share_before(pid: str) -> tuple[float, float] | None:
        memo = known.get(pid)
        return None if memo is None else settled_lookthrough(memo)

    def kind_of(pid: str) -> str | None:
        return settled_kind(known[pid])

    analysis = restart_region(node, scope, [subject for subject in by_subject if subject in scope],
                              verdict_before, share_before, kind_of, region_interests.interests_of,
                              region_interests.subjects_of, policy, as_of, shares_of=region_interests.stakes_of)
    if analysis is None:
        return None
    # for the evidence's counts; the parties no change is about straight from the memo's maps
    plain = scope - by_subject.keys()
    changed = scope - plain
    boundary = set().union(*map(settled.holders.__getitem__, plain), *map(holders_after, changed)) - scope
    interest_count = (settled_interest_total(known, plain)
                      + sum(len(region_interests.interests_of(pid)) for pid in changed))
    walk = _Walked(list(scope), {}, boundary, region_interests, region_interests.interests_of, {}, analysis,
                   truncated=False, complete=False)
    return walk, interest_count


def _what_if_result(graph: Graph, policy: Policy, party: dict[str, Any], walk: _Walked, known: dict[str, Settled],
                    interest_count: int, as_of: date, walked: RefWalk | None) -> dict[str, Any]:
    verdict = _stored_shape(party["id"], walk.analysis.outcome)
    evidence = _walk_evidence(graph, policy, party, verdict, walk, known, walked.details if walked else ())
    evidence["subgraph"] = {"parties": len(walk.walked), "interests": interest_count, "truncated": False,
                            "settled_boundary": len(walk.boundary)}
    return _result(party, policy, verdict, evidence, mode="what_if", generation=None, as_of=as_of.isoformat())


def membership(pid: str, analysis: Analysis, pins: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """A party's membership after an evaluation, in the shape of a holder's stored verdict."""
    if pid in pins:
        status = pins[pid][0]
    elif pid in analysis.seeds or pid in analysis.lower:
        status = "restricted"
    else:
        status = "review" if pid in analysis.upper else "clear"
    return {"verdict": status, "seed_reason": analysis.seeds.get(pid), "pinned": pid in pins}


def party_node(party: dict[str, Any]) -> Node:
    return Node(party["id"], party.get("kind"), party.get("entity_type"), party.get("jurisdiction"),
                party.get("headquarters"), party.get("state_of"), tuple(party.get("nationalities") or ()),
                tuple(party.get("identifiers") or ()))


def generation_boundary(row: dict[str, Any]) -> tuple[tuple[str, str], tuple[float, float]]:
    """A holder fixed at what the generation says of it: its pinned membership and look-through share."""
    stored = row.get("holder_verdict") or {}
    return ((stored.get("verdict") or "clear", "verdict in the published generation"),
            (float(stored.get("lookthrough_min") or 0.0) / 100.0, float(stored.get("lookthrough_max") or 0.0) / 100.0))


def seed_keyed(graph: Graph, policy: Policy, nodes: dict[str, Node]) -> dict[str, Node]:
    """The nodes, each with the identifier keys it holds among those the policy lists as seeds (`Node.keys`,
    read in one round trip), as a new dict; `nodes` itself when the policy lists none."""
    if not policy.seed_entities:
        return nodes
    rows = graph.read("engine/keys_of", ids=list(nodes), keys=policy.seed_entities)
    keyed = {row["id"]: row["keys"] for row in rows}
    return {nid: Node(n.id, n.kind, n.entity_type, n.jurisdiction, n.headquarters, n.state_of, n.nationalities,
                      tuple(keyed.get(nid, ()))) for nid, n in nodes.items()}


def _pins(graph: Graph, policy: Policy, as_of: date, ids: list[str]) -> dict[str, tuple[str, str]]:
    active = policy.active_overrides(as_of)
    if not active:
        return {}
    rows = graph.read("engine/override_targets", refs=[o.entity for o in active], ids=ids)
    by_ref = {row["ref"]: row["id"] for row in rows}
    return {by_ref[o.entity]: (o.verdict, o.reason) for o in active if o.entity in by_ref}
