"""Batched, idempotent writes of transformed records, with entity resolution by identifier key."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from neo4j import ManagedTransaction

import cypher
from app.db import Graph, native
from loaders.model import InterestRecord, PartyRecord, RecordClosure, RecordRetraction, Transformed


def party_id(key: str) -> str:
    """The platform id a party gets from the identifier key it was first known by."""
    return "P" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


@dataclass
class WriteStats:
    parties: int = 0
    placeholders: int = 0
    merged: int = 0
    interests: int = 0
    replaced_records: int = 0
    closed: int = 0
    stale: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _recency(rec: PartyRecord) -> tuple[bool, date, str]:
    """The order upsert_parties.cypher uses: dated beats undated, then later date, then greater statement id."""
    return (rec.statement_date is not None, rec.statement_date or date.min, rec.statement_id or "")


def _combine(records: list[PartyRecord]) -> PartyRecord:
    """Records sharing a key within one batch: the newest statement's scalars win; lists are unions."""
    if len(records) == 1:
        return records[0]
    ordered = sorted(records, key=_recency)
    merged = ordered[0].model_copy(deep=True)
    for rec in ordered[1:]:
        for name, value in rec:
            if isinstance(value, list):
                current = getattr(merged, name)
                setattr(merged, name, current + [v for v in value if v not in current])
            elif value is not None:
                setattr(merged, name, value)
    # Every record's name stays a name of the party (as when the records arrive in different batches).
    merged.names = list(dict.fromkeys(n for rec in ordered for n in [rec.name, *rec.names] if n))
    return merged


def _party_row(rec: PartyRecord, pid: str, placeholder: bool = False,
               statement_ids: list[str] | None = None) -> dict[str, Any]:
    """`statement_ids`: of every record combined into this one (default: its own)."""
    names = list(dict.fromkeys([n for n in [rec.name, *rec.names] if n]))
    label = "Party" if placeholder else ("Person" if rec.kind == "person" else "Entity")
    return {
        "id": pid, "label": label, "keys": rec.keys, "placeholder": placeholder, "kind": rec.kind,
        "entity_type": rec.entity_type, "name": rec.name, "names": names, "jurisdiction": rec.jurisdiction,
        "jurisdiction_raw": rec.jurisdiction_raw, "headquarters": rec.headquarters,
        "address_country": rec.address_country, "nationalities": rec.nationalities,
        "unresolved_countries": rec.unresolved_countries, "dissolved": rec.dissolved, "listed": rec.listed,
        "state_of": rec.state_of, "reporting_exceptions": rec.reporting_exceptions, "tags": rec.tags,
        "source": rec.source, "statement_id": rec.statement_id,
        "statement_ids": statement_ids if statement_ids is not None else [s for s in [rec.statement_id] if s],
        "statement_date": rec.statement_date,
    }


def _interest_props(rec: InterestRecord, loaded_at: datetime) -> dict[str, Any]:
    props: dict[str, Any] = {
        "record": rec.record, "source": rec.source, "interest_type": rec.interest_type,
        "direct": rec.direct, "start_date": rec.start_date, "end_date": rec.end_date,
        "statement_id": rec.statement_id, "statement_date": rec.statement_date, "details": rec.details,
        "loaded_at": loaded_at,
    }
    if rec.relation == "OWNS":
        props["measure"] = rec.measure
        if rec.share is not None:
            props.update(share_min=rec.share.minimum, share_max=rec.share.maximum,
                         share_min_exclusive=rec.share.exclusive_minimum,
                         share_max_exclusive=rec.share.exclusive_maximum)
    else:
        props["kind"] = rec.kind
        if rec.share is not None:
            props.update(share_min=rec.share.minimum, share_max=rec.share.maximum)
    return {k: v for k, v in props.items() if v is not None}


class GraphWriter:
    """Buffers records and writes them in `UNWIND` batches, each batch one managed transaction."""

    def __init__(self, graph: Graph, batch_size: int) -> None:
        self.graph = graph
        self.batch_size = batch_size
        self.parties: list[PartyRecord] = []
        # Interests per record: a later statement of the same record replaces an earlier one.
        self.interests: OrderedDict[str, list[InterestRecord]] = OrderedDict()
        self.interest_count = 0
        self.retired: set[str] = set()
        self.closures: list[RecordClosure] = []
        self.stats = WriteStats()
        self.now = datetime.now(UTC)
        self.item_no = 0
        self.interest_owner: dict[str, int] = {}

    def start_item(self) -> None:
        """Marks the start of the records transformed from one source item (statement, line).

        Batches are cut only here, so one statement's interests are always written together.
        """
        self.item_no += 1
        if len(self.parties) >= self.batch_size:
            self.flush_parties()
        if self.interest_count >= self.batch_size:
            self.flush_interests()

    def add(self, item: Transformed) -> None:
        if isinstance(item, PartyRecord):
            self.parties.append(item)
        elif isinstance(item, InterestRecord):
            if self.interest_owner.get(item.record) != self.item_no:
                buffered = self.interests.get(item.record)
                if buffered and _older(item.statement_date, buffered[0].statement_date):
                    self.stats.stale += 1
                    self.interest_owner[item.record] = -1  # the rest of this older statement is ignored too
                    return
                # Another statement of this record (newer, or the same one repeated in another file)
                # restates all of its interests: what the buffer holds of the earlier one goes.
                self.new_statement_of(item.record)
                self.interest_owner[item.record] = self.item_no
            if self.interest_owner.get(item.record) == -1:
                return
            self.interests.setdefault(item.record, []).append(item)
            self.interest_count += 1
        elif isinstance(item, RecordRetraction):
            for record in item.records:
                self.interest_count -= len(self.interests.pop(record, []))
                self.retired.add(record)
        elif isinstance(item, RecordClosure):
            self.flush_interests()
            self.closures.append(item)

    def new_statement_of(self, record: str) -> None:
        """A newer statement of `record` arrived: drop what the buffer holds of the older one."""
        self.interest_count -= len(self.interests.pop(record, []))
        self.retired.add(record)

    def flush(self) -> None:
        self.flush_parties()
        self.flush_interests()

    # -- parties -------------------------------------------------------------------------------

    def flush_parties(self) -> None:
        if not self.parties:
            return
        batch, self.parties = self.parties, []
        uf = _UnionFind()
        for rec in batch:
            for key in rec.keys[1:]:
                uf.union(rec.keys[0], key)
        groups: dict[str, list[PartyRecord]] = {}
        for rec in batch:
            groups.setdefault(uf.find(rec.keys[0]), []).append(rec)
        combined = [_combine(recs) for recs in groups.values()]
        # Every statement that described a party stays in its provenance, also when a batch combined them.
        statement_ids = [list(dict.fromkeys(r.statement_id for r in recs if r.statement_id))
                         for recs in groups.values()]
        self.graph.write_tx(lambda tx: self._write_parties(tx, combined, placeholders=False,
                                                           statement_ids=statement_ids))
        self.stats.parties += len(combined)

    def _write_parties(self, tx: ManagedTransaction, records: list[PartyRecord], placeholders: bool,
                       statement_ids: list[list[str]] | None = None) -> None:
        all_keys = sorted({k for rec in records for k in rec.keys})
        found: dict[str, set[str]] = {}
        for row in tx.run(cypher.query("load/resolve_keys"), keys=all_keys):
            found.setdefault(row["key"], set()).add(row["id"])
        rows: list[tuple[bool, dict[str, Any]]] = []
        for index, rec in enumerate(records):
            ids = set().union(*(found.get(k, set()) for k in rec.keys))
            if len(ids) > 1:
                survivor = min(ids)
                others = sorted(ids - {survivor})
                tx.run(cypher.query("load/merge_parties"), survivor=survivor, others=others).consume()
                self.stats.merged += len(others)
                for key, owners in found.items():
                    if owners & ids:
                        found[key] = {survivor}
                pid = survivor
            elif ids:
                pid = next(iter(ids))
            else:
                pid = party_id(rec.keys[0])
            for key in rec.keys:
                found[key] = {pid}
            rows.append((bool(ids), _party_row(rec, pid, placeholder=placeholders,
                                               statement_ids=statement_ids[index] if statement_ids else None)))
        known = [row for exists, row in rows if exists]
        new = [row for exists, row in rows if not exists]
        if known:
            tx.run(cypher.query("load/upsert_parties"), rows=known, now=self.now).consume()
        if new:
            tx.run(cypher.query("load/create_parties"), rows=new, now=self.now).consume()

    # -- interests -----------------------------------------------------------------------------

    def flush_interests(self) -> None:
        if not self.interests and not self.retired and not self.closures:
            return
        self.flush_parties()  # endpoints stated in this file go in first
        pending, self.interests, self.interest_count = self.interests, OrderedDict(), 0
        self.interest_owner = {}
        retired, self.retired = self.retired, set()
        closures, self.closures = self.closures, []
        records = [rec for recs in pending.values() for rec in recs]
        self.graph.write_tx(lambda tx: self._write_interests(tx, records, sorted(retired | set(pending)), closures))

    def _write_interests(self, tx: ManagedTransaction, records: list[InterestRecord], replaced: list[str],
                         closures: list[RecordClosure]) -> None:
        if records:
            # An older statement of a record never replaces the newer one already in the graph.
            names = sorted({r.record for r in records})
            current = {row["record"]: row["statement_date"]
                       for row in tx.run(cypher.query("load/record_dates"), records=names)}
            stale = {r.record for r in records if _older(r.statement_date, native(current.get(r.record)))}
            if stale:
                self.stats.stale += len(stale)
                records = [r for r in records if r.record not in stale]
                replaced = [r for r in replaced if r not in stale]
        if replaced:
            deleted = tx.run(cypher.query("load/delete_interests_of_records"), records=replaced,
                             now=self.now).single()
            self.stats.replaced_records += int(deleted["deleted"]) if deleted else 0
        keys = sorted({k for rec in records for k in (rec.subject_key, rec.party_key)})
        ids = {row["key"]: row["id"] for row in tx.run(cypher.query("load/resolve_keys"), keys=keys)}
        missing = [k for k in keys if k not in ids]
        if missing:
            # Referenced but not (yet) described: a placeholder that a later record fills in.
            holders = [PartyRecord(source=records[0].source, keys=[k], kind="entity") for k in missing]
            self._write_parties(tx, holders, placeholders=True)
            self.stats.placeholders += len(missing)
            ids.update({row["key"]: row["id"] for row in tx.run(cypher.query("load/resolve_keys"), keys=missing)})
        for relation, statement in (("OWNS", "load/create_owns"), ("CONTROLS", "load/create_controls")):
            rows = [{"party_id": ids[rec.party_key], "subject_id": ids[rec.subject_key],
                     "props": _interest_props(rec, self.now)} for rec in records if rec.relation == relation]
            if rows:
                tx.run(cypher.query(statement), rows=rows).consume()
                self.stats.interests += len(rows)
        for closure in closures:
            result = tx.run(cypher.query("load/close_records"), records=closure.records,
                            end_date=closure.end_date).single()
            self.stats.closed += int(result["closed"]) if result else 0


def _older(candidate: date | None, current: date | None) -> bool:
    """Whether a statement dated `candidate` is older than the one dated `current` (undated: never older)."""
    return candidate is not None and current is not None and candidate < current
