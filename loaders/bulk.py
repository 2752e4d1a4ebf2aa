"""Bulk loading into an empty database through Neo4j's offline importer (`neo4j-admin database import full`).

The online loader (`run_load`) resolves every batch against the graph and writes through transactions; that
is what updates need, and it is bounded by Neo4j's transactional write path (about 2,600 relationships per
second on 2 cores). A first load into an empty database needs none of it: this module reads and transforms
the same files with the same readers and transforms (so the same records are rejected for the same
reasons), resolves identifiers in this process, and writes CSV files the offline importer turns into store
files directly. Then the server starts, the schema is applied (indexes are populated in bulk) and the run
is recorded like an online one.

Two passes, memory bounded by the number of identifier keys and record keys, not by the file:
1. stream the transformed records: identifier keys go into a union-find (records sharing a key are one
   party), party and interest records are spilled to temporary files, and each record key keeps which
   statement currently states it (a newer statement replaces its interests, an older one is stale, a
   retraction drops them, a closure ends them);
2. stream the spills back and write the CSV files, folding the statements of a party described more
   than once with the upsert rule of `cypher/load/upsert_parties.cypher`, in arrival order.

The resulting graph is the online loader's for the same files (tests/test_bulk_load.py compares them), with
one difference: a list property that would be empty is absent (the importer cannot write an empty list);
every statement and reader treats an absent list as empty.
"""

from __future__ import annotations

import csv
import multiprocessing
import resource
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import orjson

from app.db import Graph, open_driver
from app.errors import OwnershipError
from app.neo4j_local import LocalNeo4j
from app.schema import init_schema
from app.settings import Settings
from loaders.model import InterestRecord, PartyRecord, RecordClosure, RecordRetraction, Transformed
from loaders.pipeline import (
    LoadReport,
    Reader,
    Rejects,
    SourceFileError,
    SourceItem,
    Transform,
    accepted_items,
    first_char,
    iter_json_lines,
    record_id,
    record_run,
    transformed_items,
)
from loaders.writer import WriteStats, _interest_props, _party_row, _UnionFind, party_id

ARRAY_DELIMITER = "\x1f"  # the importer splits arrays (and labels) on it; never in names, unlike ';'

PARTY_COLUMNS: list[tuple[str, str]] = [  # (property, importer type); "" is a string
    ("first_seen", "datetime"), ("last_seen", "datetime"), ("placeholder", "boolean"), ("kind", ""),
    ("entity_type", ""), ("name", ""), ("names", "string[]"), ("names_text", ""), ("jurisdiction", ""),
    ("jurisdiction_raw", ""), ("headquarters", ""), ("address_country", ""), ("nationalities", "string[]"),
    ("unresolved_countries", "string[]"), ("reporting_exceptions", "string[]"), ("tags", "string[]"),
    ("dissolved", "date"), ("listed", "boolean"), ("state_of", ""), ("sources", "string[]"),
    ("statement_ids", "string[]"), ("statement_date", "date"), ("current_statement", ""),
]
INTEREST_COLUMNS: list[tuple[str, str]] = [
    ("record", ""), ("source", ""), ("interest_type", ""), ("direct", ""), ("start_date", "date"),
    ("end_date", "date"), ("statement_id", ""), ("statement_date", "date"), ("details", ""),
    ("loaded_at", "datetime"), ("measure", ""), ("kind", ""), ("share_min", "double"), ("share_max", "double"),
    ("share_min_exclusive", "boolean"), ("share_max_exclusive", "boolean"), ("closed", "boolean"),
]


@dataclass
class CsvFiles:
    """What the importer is given: node files by label (None: labels in the file) and relationship files by
    type (None: types in the file)."""

    nodes: list[tuple[str | None, Path]] = field(default_factory=list)
    relationships: list[tuple[str | None, Path]] = field(default_factory=list)


class _Absent(float):
    """Written by the csv module unquoted and empty, which the importer reads as no property (None would be
    quoted, an empty string). Numbers are the only values the module leaves unquoted, hence a float."""

    def __str__(self) -> str:
        return ""

    __repr__ = __str__


ABSENT = _Absent(0.0)


class BulkResolver:
    """Pass 1: consumes transformed records item by item, in file order, as `GraphWriter` would."""

    def __init__(self, work: Path, now: datetime | None = None) -> None:
        self.work = work
        self.now = now or datetime.now(UTC)
        keys = _UnionFind()  # the batch resolver's, over every key of the files; roots chosen by `_join`
        self.find = keys.find
        self.parent = keys.parent
        # Per union-find root: the party's platform id and how many party records describe it (0: only
        # referenced so far, a placeholder, with the source of the first interest that named it).
        self.pid: dict[str, str] = {}
        self.described: dict[str, int] = {}
        self.placeholder_source: dict[str, str] = {}
        # record key -> (statement item now stating it (-1: retracted), its statement date as an ordinal,
        # closure end date as ISO text); tuples of ints keep a million records small
        self.records: dict[str, tuple[int, int | None, str | None]] = {}
        self.stats = WriteStats()  # the online loader's counts, so reports compare
        self.item_no = 0
        self._item_records: dict[str, bool] = {}  # records this item states: True kept, False stale
        work.mkdir(parents=True, exist_ok=True)
        self._parties: IO[bytes] = (work / "parties.spill").open("wb")
        self._interests: IO[bytes] = (work / "interests.spill").open("wb")

    # -- union-find over identifier keys ----------------------------------------------------------

    def _join(self, keys: list[str], records: int, placeholder_source: str | None = None) -> None:
        """Links keys into one group (new keys get the id of the first). Groups joined later keep the
        smaller id, as the online loader's merges do."""
        parent = self.parent
        roots = list(dict.fromkeys(self.find(k) for k in keys if k in parent))
        new = [k for k in dict.fromkeys(keys) if k not in parent]
        if not roots:
            root = new[0]
            self.pid[root], self.described[root] = party_id(root), records
            if placeholder_source is not None:
                self.placeholder_source[root] = placeholder_source
        else:
            root = min(roots, key=self.pid.__getitem__)
            for other in roots:
                if other != root:
                    del self.pid[other]
                    joined = self.described.pop(other)
                    if self.described[root] and joined:
                        self.stats.merged += 1
                    self.described[root] += joined
                    source = self.placeholder_source.pop(other, None)
                    if source is not None:
                        self.placeholder_source.setdefault(root, source)
                    parent[other] = root
            self.described[root] += records
        for key in new:
            parent[key] = root

    def pid_of(self, key: str) -> str:
        return self.pid[self.find(key)]

    # -- items ------------------------------------------------------------------------------------

    def add_item(self, ops: list[Any]) -> None:
        """One source item's records, as `operations` made them (in this process or a worker)."""
        self.item_no += 1
        self._item_records = {}
        for op in ops:
            kind = op[0]
            if kind == "P":
                self._join(op[1], 1)
                self._parties.write(orjson.dumps([op[1][0], op[2]]) + b"\n")
            elif kind == "I":
                self._add_interest(*op[1:])
            elif kind == "R":
                for record in op[1]:
                    self.records[record] = (-1, None, None)
            else:
                for record in op[1]:
                    state = self.records.get(record)
                    if state is not None and state[0] >= 0 and state[2] is None:
                        self.records[record] = (state[0], state[1], op[2])

    def _add_interest(self, record: str, day: int | None, relation: str, party_key: str, subject_key: str,
                      source: str, props: dict[str, Any]) -> None:
        kept = self._item_records.get(record)
        if kept is None:
            state = self.records.get(record)
            # an older statement never replaces a newer one (`_older` in the writer)
            kept = not (state is not None and state[0] >= 0 and state[1] is not None and day is not None
                        and day < state[1])
            self._item_records[record] = kept
            if kept:
                self.records[record] = (self.item_no, day, None)
            else:
                self.stats.stale += 1
        if not kept:
            return
        for key in (party_key, subject_key):
            if key not in self.parent:
                self._join([key], 0, placeholder_source=source)
        self._interests.write(orjson.dumps([self.item_no, relation, party_key, subject_key, props]) + b"\n")

    def close(self) -> None:
        self._parties.close()
        self._interests.close()

    # -- pass 2 -----------------------------------------------------------------------------------

    def write_csv(self, out: Path) -> CsvFiles:
        """Writes the importer's CSV files into `out` from the spills; returns them."""
        self.close()
        out.mkdir(parents=True, exist_ok=True)
        files = CsvFiles(
            nodes=[(None, out / "parties.csv"), ("Identifier", out / "identifiers.csv")],
            relationships=[("IDENTIFIES", out / "identifies.csv"), ("OWNS", out / "owns.csv"),
                           ("CONTROLS", out / "controls.csv")],
        )
        now = _datetime(self.now)
        with _CsvFile(out / "parties.csv", ["id:ID(Party)", ":LABEL", *_header(PARTY_COLUMNS)]) as parties:
            pending: dict[str, list[dict[str, Any]]] = {}
            for key0, row in _lines(self.work / "parties.spill"):
                root = self.find(key0)
                if self.described[root] == 1:
                    parties.writerow(_party_values(self.pid[root], fold_party_rows([row]), now))
                    continue
                rows = pending.setdefault(root, [])
                rows.append(row)
                if len(rows) == self.described[root]:
                    parties.writerow(_party_values(self.pid[root], fold_party_rows(pending.pop(root)), now))
            for root, records in self.described.items():
                if records == 0:
                    row = placeholder_row(self.placeholder_source.get(root, ""))
                    parties.writerow(_party_values(self.pid[root], row, now))
                    self.stats.placeholders += 1
                else:
                    self.stats.parties += 1
        with _CsvFile(out / "identifiers.csv", ["key:ID(Identifier)", "scheme", "value"]) as identifiers, \
                _CsvFile(out / "identifies.csv", [":START_ID(Identifier)", ":END_ID(Party)"]) as identifies:
            for key in self.parent:
                scheme, _, value = key.partition(":")
                identifiers.writerow([key, scheme, value])
                identifies.writerow([key, self.pid_of(key)])
        header = [":START_ID(Party)", ":END_ID(Party)", *_header(INTEREST_COLUMNS)]
        with _CsvFile(out / "owns.csv", header) as owns, _CsvFile(out / "controls.csv", header) as controls:
            for item_no, relation, party_key, subject_key, props in _lines(self.work / "interests.spill"):
                state = self.records[props["record"]]
                if state[0] != item_no:
                    self.stats.replaced_records += 1
                    continue
                if state[2] is not None and props.get("end_date") is None:
                    props["end_date"], props["closed"] = state[2], True
                    self.stats.closed += 1
                props["loaded_at"] = now
                target = owns if relation == "OWNS" else controls
                target.writerow(_values([self.pid_of(party_key), self.pid_of(subject_key)], props,
                                        INTEREST_COLUMNS))
                self.stats.interests += 1
        (self.work / "parties.spill").unlink(missing_ok=True)
        (self.work / "interests.spill").unlink(missing_ok=True)
        return files


def operations(produced: Iterable[Transformed]) -> list[Any]:
    """A source item's transformed records as plain values for `BulkResolver.add_item` (what a worker process
    writes back as JSON; dates become ISO text on the way to the spill files either way)."""
    ops: list[Any] = []
    for item in produced:
        if isinstance(item, PartyRecord):
            ops.append(["P", item.keys, _party_row(item, "")])
        elif isinstance(item, InterestRecord):
            props = _interest_props(item, _EPOCH)
            del props["loaded_at"]
            ops.append(["I", item.record, item.statement_date.toordinal() if item.statement_date else None,
                        item.relation, item.party_key, item.subject_key, item.source, props])
        elif isinstance(item, RecordRetraction):
            ops.append(["R", item.records])
        elif isinstance(item, RecordClosure):
            ops.append(["C", item.records, item.end_date.isoformat()])
    return ops


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a placeholder load stamp: pass 2 writes the run's


PARALLEL_MIN_BYTES = 32 * 1024 * 1024


def _operations_of(files: list[Path], reader: Reader, transform: Transform, report: LoadReport, rejects: Rejects,
                   progress: Callable[[int], None] | None, work: Path, json_lines_parts: bool) -> Iterator[list[Any]]:
    """Each good item's operations in file order; big JSON Lines files read in two halves at once."""
    for path in files:
        split = _halves(path) if json_lines_parts else None
        if split is None:
            for produced in accepted_items([path], reader, transform, report, rejects, progress):
                yield operations(produced)
            continue
        offset, lines_before = split
        out = work / f"second-half-{uuid.uuid4().hex[:8]}.ops"
        worker = multiprocessing.get_context("fork").Process(
            target=_transform_part, args=(path, offset, lines_before, transform, out), daemon=True)
        worker.start()
        try:
            first_half = partial(iter_json_lines, end=offset)
            for produced in accepted_items([path], first_half, transform, report, rejects, progress):
                yield operations(produced)
            worker.join()
            if worker.exitcode != 0:
                raise SourceFileError(f"{path}: reading the second half failed (worker exit code {worker.exitcode})")
            for entry in _lines(out):
                if entry[0] == 2:
                    raise SourceFileError(entry[1])
                report.read += 1
                if progress:
                    progress(1)
                if entry[0] == 1:
                    rejects.add(SourceItem(entry[1], entry[2], None), entry[3], entry[4])
                    continue
                report.transformed += 1
                yield entry[1]
        finally:
            if worker.is_alive():
                worker.terminate()
                worker.join()
            out.unlink(missing_ok=True)


def _halves(path: Path) -> tuple[int, int] | None:
    """Where a big plain JSON Lines file splits at a line start near its middle, and how many lines precede
    that point; None for files too small to gain from it, gzipped or JSON arrays."""
    if path.suffix == ".gz" or path.stat().st_size < PARALLEL_MIN_BYTES or first_char(path) != "{":
        return None
    with path.open("rb") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.readline()
        offset = handle.tell()
        handle.seek(0)
        lines, remaining = 0, offset
        while remaining:
            chunk = handle.read(min(1 << 24, remaining))
            lines += chunk.count(b"\n")
            remaining -= len(chunk)
    return offset, lines


def _transform_part(path: Path, start: int, first_line: int, transform: Transform, out: Path) -> None:
    """In a worker process: the second half's items, each as [0, operations] or [1, file, position, reason,
    record id] (rejected); [2, message] when the file cannot be read to its end."""
    reader = partial(iter_json_lines, start=start, first_line=first_line)
    with out.open("wb") as handle:
        try:
            for item, produced, error in transformed_items([path], reader, transform):
                if error is None:
                    handle.write(orjson.dumps([0, operations(produced)]) + b"\n")
                else:
                    handle.write(orjson.dumps([1, item.file, item.position, error, record_id(item.raw)]) + b"\n")
        except SourceFileError as error:
            handle.write(orjson.dumps([2, str(error)]) + b"\n")


def placeholder_row(source: str) -> dict[str, Any]:
    """A party only referenced by interests, as `create_parties.cypher` writes a placeholder."""
    return {"labels": ["Party"], "placeholder": True, "kind": None, "entity_type": None, "name": None, "names": [],
            "names_text": "", "jurisdiction": None, "jurisdiction_raw": None, "headquarters": None,
            "address_country": None, "nationalities": [], "unresolved_countries": [], "reporting_exceptions": [],
            "tags": [], "dissolved": None, "listed": None, "state_of": None, "sources": [source],
            "statement_ids": [], "statement_date": None, "current_statement": None}


def _union(current: list[Any], more: list[Any]) -> list[Any]:
    return current + [v for v in more if v not in current]


def fold_party_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The party the online loader leaves after writing these rows in this order: the first as
    `create_parties.cypher` does, each later one as `upsert_parties.cypher` does (scalars from the newer
    statement, falling back to what is known; lists as unions)."""
    first = rows[0]
    party: dict[str, Any] = {
        **{k: first[k] for k in ("kind", "entity_type", "name", "jurisdiction", "jurisdiction_raw", "headquarters",
                                 "address_country", "dissolved", "listed", "state_of", "statement_date")},
        "labels": ["Party", first["label"]], "placeholder": False, "names": list(first["names"]),
        "nationalities": list(first["nationalities"]), "unresolved_countries": list(first["unresolved_countries"]),
        "reporting_exceptions": list(first["reporting_exceptions"]), "tags": list(first["tags"]),
        "sources": [first["source"]], "statement_ids": list(first["statement_ids"]),
        "current_statement": first["statement_id"] or "",
    }
    for row in rows[1:]:
        newer = _newer(row, party)
        party["kind"] = row["kind"]
        for name in ("entity_type", "name", "jurisdiction", "jurisdiction_raw", "headquarters", "address_country",
                     "dissolved", "listed", "state_of"):
            mine, theirs = party[name], row[name]
            party[name] = (theirs if theirs is not None else mine) if newer else (mine if mine is not None else theirs)
        for name in ("names", "nationalities", "unresolved_countries", "reporting_exceptions", "tags"):
            party[name] = _union(party[name], row[name])
        party["sources"] = _union(party["sources"], [row["source"]])
        party["statement_ids"] = _union(party["statement_ids"], row["statement_ids"])
        if newer:
            party["statement_date"], party["current_statement"] = row["statement_date"], row["statement_id"] or ""
        if row["label"] not in party["labels"]:
            party["labels"].append(row["label"])
    party["names_text"] = "".join(f"{n} \n " for n in party["names"])
    return party


def _newer(row: dict[str, Any], party: dict[str, Any]) -> bool:
    mine, theirs = party["statement_date"], row["statement_date"]
    if theirs is not None and mine is None:
        return True
    if theirs is None and mine is not None:
        return False
    if theirs != mine:
        return str(theirs) > str(mine)  # ISO dates from the spill compare as text
    return bool((row["statement_id"] or "") >= party["current_statement"])


def _header(columns: list[tuple[str, str]]) -> list[str]:
    return [f"{name}:{kind}" if kind else name for name, kind in columns]


def _values(head: list[Any], record: dict[str, Any], columns: list[tuple[str, str]]) -> list[Any]:
    """One CSV row: `head`, then each column of `record` in the importer's syntax (absent: no property)."""
    values = head
    for name, kind in columns:
        value = record.get(name)
        if value is None:
            values.append(ABSENT)
        elif kind == "string[]":
            values.append(_array(value) if value else ABSENT)  # the importer cannot write an empty list
        elif kind == "boolean":
            values.append("true" if value else "false")
        else:
            values.append(value)
    return values


def _array(items: list[str]) -> str:
    joined = ARRAY_DELIMITER.join(items)
    if joined.count(ARRAY_DELIMITER) != len(items) - 1:  # a delimiter inside an item would split it
        joined = ARRAY_DELIMITER.join(item.replace(ARRAY_DELIMITER, " ") for item in items)
    return joined


def _party_values(pid: str, party: dict[str, Any], now: str) -> list[Any]:
    party["first_seen"] = party["last_seen"] = now
    return _values([pid, ARRAY_DELIMITER.join(party["labels"])], party, PARTY_COLUMNS)


def _datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _CsvFile:
    """A CSV file in the importer's dialect: strings quoted, numbers not, `ABSENT` empty and unquoted."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.handle.write(",".join(header) + "\n")
        self.writerow = csv.writer(self.handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerow

    def __enter__(self) -> _CsvFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.handle.close()


def _lines(path: Path) -> Iterator[Any]:
    with path.open("rb") as handle:
        for line in handle:
            yield orjson.loads(line)


class NotEmpty(OwnershipError):
    """The database already holds data: a bulk load would replace it."""


def run_bulk_load(
    server: LocalNeo4j,
    settings: Settings,
    source: str,
    files: list[Path],
    reader: Reader,
    transform: Transform,
    rejects_dir: Path,
    progress: Callable[[int], None] | None = None,
    phase: Callable[[str], None] | None = None,
    json_lines_parts: bool = False,
) -> LoadReport:
    """Reads, resolves and imports `files` into the local server's empty database, then starts it with the
    schema applied and the run recorded. Refuses a database that holds anything (nothing is replaced
    silently); a bulk import killed half-way leaves a marker that lets the next bulk load replace it.
    `json_lines_parts`: `reader` is `iter_json_records`, so a big JSON Lines file is read in two halves at
    once (a worker process transforms the second while this one transforms and resolves the first)."""
    def step(name: str) -> None:
        if phase:
            phase(name)

    started_at = datetime.now(UTC)
    run_id = started_at.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    report = LoadReport(run_id=run_id, source=source, files=[str(f) for f in files])
    started = time.perf_counter()
    timings: dict[str, float] = {}
    if not server.bulk_marker.exists():
        step("checking the database is empty")
        server.start()
        with open_driver(settings, server.uri) as driver:
            nodes = int(Graph(driver, settings.neo4j_database).read("admin/count_nodes")[0]["nodes"])
        if nodes:
            raise NotEmpty(f"{server.uri} holds {nodes:,} nodes: a bulk load only goes into an empty database "
                           "(load without --bulk to add to it, or start from an empty one)")
    work = server.home / "import" / f"bulk-{run_id}"
    rejects = Rejects(rejects_dir, source, run_id)
    resolver = BulkResolver(work)
    try:
        step("reading and resolving")
        mark = time.perf_counter()
        for ops in _operations_of(files, reader, transform, report, rejects, progress, work, json_lines_parts):
            resolver.add_item(ops)
        timings["read_s"] = time.perf_counter() - mark
        step("writing CSV for the importer")
        mark = time.perf_counter()
        csv_files = resolver.write_csv(work / "csv")
        timings["csv_s"] = time.perf_counter() - mark
        step("importing (server stopped)")
        mark = time.perf_counter()
        server.stop()
        server.import_csv(csv_files.nodes, csv_files.relationships, work / "import.report", ARRAY_DELIMITER)
        timings["import_s"] = time.perf_counter() - mark
        step("starting and building indexes")
        mark = time.perf_counter()
        server.start()
        with open_driver(settings, server.uri) as driver:
            graph = Graph(driver, settings.neo4j_database)
            init_schema(graph)
            timings["indexes_s"] = time.perf_counter() - mark
            report.status = "completed"
            report.write = {**resolver.stats.as_dict(), **{k: round(v, 2) for k, v in timings.items()},
                            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
            report.rejected = rejects.count
            report.rejects_file = str(rejects.path) if rejects.count else None
            report.duration_s = round(time.perf_counter() - started, 3)
            record_run(graph, report, mode="bulk", started_at=started_at)
    finally:
        resolver.close()
        rejects.close()
        report.rejected = rejects.count
        report.rejects_file = str(rejects.path) if rejects.count else None
        shutil.rmtree(work, ignore_errors=True)
    return report
