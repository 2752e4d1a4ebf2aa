"""Two documented CSV files, read with pandas as strings (company numbers keep their leading zeros).

`entities.csv` (one row per party):
  id (required; a local id, or an identifier key `SCHEME:ID`), kind (`entity` or `person`, default entity),
  entity_type, name, alt_names (`;`-separated), identifiers (`;`-separated `SCHEME:ID`),
  jurisdiction, headquarters, nationalities (`;`-separated), dissolved (date), listed (true/false)

`relationships.csv` (one row per interest):
  id (required, the record), owner and subject (required: an entities.csv id or an identifier key),
  relation (`OWNS` or `CONTROLS`, default OWNS), interest_type, measure (equity, votes, economic;
  default equity), kind (control kind, for CONTROLS), share (exact percent) or share_min / share_max
  with share_min_exclusive / share_max_exclusive (true/false), direct (direct, indirect, unknown),
  start_date, end_date, statement_id

A row's references name the same party as any entities.csv row or other source with that key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from loaders.common import clean_name, country, parse_date
from loaders.model import InterestRecord, PartyRecord, RecordError, Share, Transformed
from loaders.pipeline import SourceFileError, SourceItem

SOURCE = "csv"
SUFFIXES = (".csv",)  # what a folder given to the loader is scanned for
CHUNK_ROWS = 20_000
_SCHEME_KEY = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*:\S+$")
_BOOL = {"": None, "true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}


def reference_key(ref: str) -> str:
    ref = ref.strip()
    return ref if _SCHEME_KEY.match(ref) else f"CSV:{ref}"


def read(path: Path) -> Iterator[SourceItem]:
    bad_lines: list[list[str]] = []
    try:
        header = pd.read_csv(path, dtype=str, nrows=0).columns
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as error:
        raise SourceFileError(f"{path}: not a readable CSV ({error})") from None
    columns = {c.strip() for c in header}
    if {"owner", "subject"} <= columns:
        kind = "relationship"
    elif "id" in columns:
        kind = "entity"
    else:
        raise SourceFileError(f"{path}: neither entities.csv (id, ...) nor relationships.csv (id, owner, subject, ...)")
    if "id" not in columns:
        raise SourceFileError(f"{path}: the id column is missing")

    def keep_bad(fields: list[str]) -> None:
        bad_lines.append(fields)
        return None

    line = 1
    try:
        chunks = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS, engine="python",
                             on_bad_lines=keep_bad, skipinitialspace=True, encoding="utf-8")
        for chunk in chunks:
            chunk.columns = [c.strip() for c in chunk.columns]
            for row in chunk.to_dict("records"):
                line += 1
                yield SourceItem(str(path), f"row {line - 1} (line {line} if no quoted newlines)",
                                 {"_kind": kind, **row})
            for fields in bad_lines:
                yield SourceItem(str(path), f"after row {line - 1}", None,
                                 f"wrong number of columns ({len(fields)}): {fields[:4]}")
            bad_lines.clear()
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise SourceFileError(f"{path}: unreadable after row {line - 1} ({error})") from None


def _bool(row: dict[str, Any], name: str) -> bool | None:
    value = str(row.get(name, "")).strip().lower()
    if value not in _BOOL:
        raise RecordError(f"{name}: not true/false: {row.get(name)!r}")
    return _BOOL[value]


def _float(row: dict[str, Any], name: str) -> float | None:
    value = str(row.get(name, "")).strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RecordError(f"{name}: not a number: {value!r}") from None


def _list(row: dict[str, Any], name: str) -> list[str]:
    return [v.strip() for v in str(row.get(name, "")).split(";") if v.strip()]


def transform(item: SourceItem) -> list[Transformed]:
    row = item.raw
    if not str(row.get("id", "")).strip():
        raise RecordError("id is empty")
    return [_entity(row)] if row["_kind"] == "entity" else [_relationship(row)]


def _entity(row: dict[str, Any]) -> PartyRecord:
    keys = [reference_key(row["id"])]
    for ident in _list(row, "identifiers"):
        if not _SCHEME_KEY.match(ident):
            raise RecordError(f"identifiers: not SCHEME:ID: {ident!r}")
        if ident not in keys:
            keys.append(ident)
    kind = str(row.get("kind") or "entity").strip().lower()
    if kind not in ("entity", "person"):
        raise RecordError(f"kind: unknown value {kind!r}")
    unresolved: list[str] = []
    names = [n for n in (clean_name(v) for v in [row.get("name"), *_list(row, "alt_names")]) if n]
    jurisdiction = country(row.get("jurisdiction") or None, unresolved)
    entity_type = str(row.get("entity_type") or "").strip() or None
    return PartyRecord(
        source=SOURCE, keys=keys, kind=kind, entity_type=entity_type,  # type: ignore[arg-type]
        name=names[0] if names else None, names=names, jurisdiction=jurisdiction,
        jurisdiction_raw=row.get("jurisdiction") or None,
        headquarters=country(row.get("headquarters") or None, unresolved),
        nationalities=[c for c in (country(v, unresolved) for v in _list(row, "nationalities")) if c],
        unresolved_countries=unresolved, dissolved=parse_date(row.get("dissolved"), "dissolved"),
        listed=_bool(row, "listed"), state_of=jurisdiction if entity_type in ("state", "stateBody") else None,
        statement_id=f"csv:{row['id']}",
    )


def _relationship(row: dict[str, Any]) -> InterestRecord:
    owner, subject = str(row.get("owner", "")).strip(), str(row.get("subject", "")).strip()
    if not owner or not subject:
        raise RecordError("owner and subject are required")
    relation = str(row.get("relation") or "OWNS").strip().upper()
    if relation not in ("OWNS", "CONTROLS"):
        raise RecordError(f"relation: unknown value {relation!r}")
    exact = _float(row, "share")
    low, high = _float(row, "share_min"), _float(row, "share_max")
    share: Share | None = None
    if exact is not None:
        share = Share.exact(exact)
    elif low is not None or high is not None:
        share = Share(minimum=low if low is not None else 0, maximum=high if high is not None else 100,
                      exclusive_minimum=bool(_bool(row, "share_min_exclusive")),
                      exclusive_maximum=bool(_bool(row, "share_max_exclusive")))
    return InterestRecord(
        source=SOURCE, record=f"{SOURCE}:{row['id']}", subject_key=reference_key(subject),
        party_key=reference_key(owner), relation=relation,  # type: ignore[arg-type]
        interest_type=str(row.get("interest_type") or ("shareholding" if relation == "OWNS" else "control")),
        measure=(str(row.get("measure") or "equity") if relation == "OWNS" else None),  # type: ignore[arg-type]
        kind=(str(row.get("kind") or "significant_influence") if relation == "CONTROLS" else None),  # type: ignore[arg-type]
        share=share, direct=str(row.get("direct") or "unknown"),  # type: ignore[arg-type]
        start_date=parse_date(row.get("start_date"), "start_date"),
        end_date=parse_date(row.get("end_date"), "end_date"),
        statement_id=str(row.get("statement_id") or row["id"]),
    )
