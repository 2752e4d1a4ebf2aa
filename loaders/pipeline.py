"""Parse, transform, load: the shared driver of every loader.

A source module provides `read(path)`, yielding `SourceItem`s (streaming; never the whole
file), and `transform(item)`, a pure function returning graph records or raising
`RecordError`. Bad records go to a rejects file (JSON Lines: file, position, record id,
reason) and are counted; the rest still loads. A file that cannot be read to its end fails
with its name and position.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import ijson
import orjson
from pydantic import ValidationError

from app.db import Graph
from app.errors import OwnershipError
from loaders.model import RecordError, Transformed
from loaders.writer import GraphWriter


class SourceFileError(OwnershipError):
    """A file that cannot be read to its end (truncated, unreadable, not the expected format)."""


@dataclass(frozen=True)
class SourceItem:
    file: str
    position: str  # "line 12" or "item 3" or "record 7"
    raw: Any
    error: str | None = None  # set when the item could not even be parsed


Reader = Callable[[Path], Iterator[SourceItem]]
Transform = Callable[[SourceItem], Iterable[Transformed]]


def open_binary(path: Path) -> IO[bytes]:
    try:
        return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # type: ignore[return-value]
    except OSError as error:
        raise SourceFileError(f"{path}: cannot open ({error.strerror or error})") from None


def open_text(path: Path) -> IO[str]:
    """Text of a plain or gzipped file; undecodable bytes are kept visible for per-record rejection."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="surrogateescape", newline="")


def first_char(path: Path) -> str:
    with open_text(path) as handle:
        try:
            while True:
                ch = handle.read(1)
                if not ch or not ch.isspace():
                    return ch
        except (OSError, EOFError) as error:
            raise SourceFileError(f"{path}: unreadable ({error})") from None


def _line_error(line: bytes, error: Exception) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"invalid UTF-8 bytes at column {bad.start + 1}"
    return f"invalid JSON: {error}"


def iter_json_lines(path: Path, start: int = 0, end: int | None = None, first_line: int = 0) -> Iterator[SourceItem]:
    """JSON Lines; `start`/`end` (byte offsets at line starts, plain files only) read one part of the file,
    `first_line` being the number of lines before `start`."""
    line_no = first_line
    try:
        with open_binary(path) as handle:
            if start:
                handle.seek(start)
            position = start
            for line_no, line in enumerate(handle, start=first_line + 1):
                if end is not None:
                    if position >= end:
                        break
                    position += len(line)
                stripped = line.strip().rstrip(b",")
                if not stripped or stripped in (b"[", b"]"):
                    continue
                try:
                    yield SourceItem(str(path), f"line {line_no}", orjson.loads(stripped))
                except orjson.JSONDecodeError as error:
                    yield SourceItem(str(path), f"line {line_no}", None, _line_error(stripped, error))
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise SourceFileError(f"{path}: unreadable after line {line_no} ({error})") from None


def iter_json_array(path: Path) -> Iterator[SourceItem]:
    raw = open_binary(path)
    index = 0
    try:
        with raw:
            for index, item in enumerate(ijson.items(raw, "item", use_float=True), start=1):
                yield SourceItem(str(path), f"item {index}", item)
    except ijson.IncompleteJSONError as error:
        raise SourceFileError(f"{path}: truncated or malformed JSON after item {index} ({error})") from None
    except ijson.JSONError as error:
        raise SourceFileError(f"{path}: malformed JSON after item {index} ({error})") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise SourceFileError(f"{path}: unreadable after item {index} ({error})") from None


def iter_json_records(path: Path) -> Iterator[SourceItem]:
    """JSON Lines, or a JSON array streamed item by item; gzip either way.

    A file whose first line is a whole JSON value is JSON Lines (also when it starts with `[`
    and holds one object per line, as some exports do); otherwise a big array is streamed.
    """
    first = first_char(path)
    if first == "":
        return
    if first == "[":
        with open_text(path) as handle:
            head = handle.readline().strip()
            second = handle.readline().strip().rstrip(",")
        one_per_line = head == "[" and second.startswith("{") and second.endswith("}") and _is_json(second)
        yield from (iter_json_lines(path) if one_per_line else iter_json_array(path))
        return
    yield from iter_json_lines(path)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


@dataclass
class LoadReport:
    run_id: str
    source: str
    files: list[str]
    read: int = 0
    transformed: int = 0
    rejected: int = 0
    rejects_file: str | None = None
    duration_s: float = 0.0
    write: dict[str, float] = field(default_factory=dict)
    status: str = "running"

    @property
    def rejected_fraction(self) -> float:
        return self.rejected / self.read if self.read else 0.0


class Rejects:
    def __init__(self, folder: Path, source: str, run_id: str) -> None:
        self.path = folder / f"{source}-{run_id}.jsonl"
        self.folder = folder
        self.handle: IO[str] | None = None
        self.count = 0

    def add(self, item: SourceItem, reason: str, record_id: str | None = None) -> None:
        if self.handle is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.handle = self.path.open("a", encoding="utf-8")
        entry = {"file": item.file, "position": item.position, "record_id": record_id, "reason": reason}
        self.handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.handle.flush()
        self.count += 1

    def close(self) -> None:
        if self.handle:
            self.handle.close()


def record_id(raw: Any) -> str | None:
    if isinstance(raw, dict):
        for key in ("statementId", "statementID", "recordId", "id", "LEI", "company_number"):
            if isinstance(raw.get(key), str):
                return str(raw[key])
    return None


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        parts = []
        for item in error.errors():
            loc = ".".join(str(p) for p in item["loc"])
            parts.append(f"{loc}: {item['msg']}" if loc else str(item["msg"]))
        return "; ".join(parts)
    return str(error)


def run_load(
    graph: Graph,
    source: str,
    files: list[Path],
    reader: Reader,
    transform: Transform,
    batch_size: int,
    rejects_dir: Path,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    report = LoadReport(run_id=run_id, source=source, files=[str(f) for f in files])
    rejects = Rejects(rejects_dir, source, run_id)
    writer = GraphWriter(graph, batch_size)
    started = time.perf_counter()
    record_run(graph, report)
    # Parsing in a second thread was measured slower (the GIL): Python and Neo4j alternate instead.
    try:
        for produced in accepted_items(files, reader, transform, report, rejects, progress):
            writer.start_item()
            for record in produced:
                writer.add(record)
        writer.flush()
        report.status = "completed"
    except BaseException:
        report.status = "failed"
        raise
    finally:
        rejects.close()
        report.rejected = rejects.count
        report.rejects_file = str(rejects.path) if rejects.count else None
        report.write.update(writer.stats.as_dict())
        report.duration_s = round(time.perf_counter() - started, 3)
        with contextlib.suppress(Exception):  # the run record must not hide the load's own outcome
            record_run(graph, report)
    return report


def accepted_items(files: list[Path], reader: Reader, transform: Transform, report: LoadReport, rejects: Rejects,
                   progress: Callable[[int], None] | None = None) -> Iterator[list[Transformed]]:
    """What each good source item transformed into, in file order; bad items are counted and rejected."""
    for item, produced, error in transformed_items(files, reader, transform):
        report.read += 1
        if progress:
            progress(1)
        if error is not None:
            rejects.add(item, error, record_id(item.raw))
            continue
        report.transformed += 1
        yield produced


def transformed_items(
    files: list[Path], reader: Reader, transform: Transform,
) -> Iterator[tuple[SourceItem, list[Transformed], str | None]]:
    for path in files:
        for item in reader(path):
            if item.error:
                yield item, [], item.error
                continue
            try:
                yield item, list(transform(item)), None
            except (RecordError, ValidationError, ValueError, TypeError, KeyError) as error:
                yield item, [], _reason(error)


def record_run(graph: Graph, report: LoadReport, mode: str = "online", started_at: datetime | None = None) -> None:
    props = {
        "source": report.source, "files": report.files, "read": report.read, "transformed": report.transformed,
        "rejected": report.rejected, "rejects_file": report.rejects_file, "duration_s": report.duration_s,
        "status": report.status, "mode": mode,
        "finished_at": datetime.now(UTC) if report.status != "running" else None,
        **{f"written_{k}": v for k, v in report.write.items()},
    }
    if report.status == "running" or started_at is not None:
        props["started_at"] = started_at or datetime.now(UTC)
    graph.write("load/record_run", id=report.run_id, props={k: v for k, v in props.items() if v is not None})
