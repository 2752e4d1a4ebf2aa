"""GLEIF golden copy: Level 1 (LEI-CDF), Level 2 (RR-CDF) and reporting exceptions, XML or CSV, full or delta.

XML is streamed with `iterparse` (each record element is cleared once read) and flattened to the
dotted column names of GLEIF's CSV golden copy (`Entity.LegalName`, `Relationship.StartNode.NodeID`,
`Relationship.Period1.startDate`, ...), so both formats share one transform. Level 2 relationships are
accounting consolidation (control, not equity); `IS_ULTIMATELY_CONSOLIDATED_BY` is a declared indirect
relationship.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from loaders.common import clean_name, country, identifier_key, parse_date
from loaders.interests import GLEIF_RELATIONSHIPS
from loaders.model import InterestRecord, PartyRecord, RecordError, RecordRetraction, Transformed
from loaders.pipeline import SourceFileError, SourceItem, open_binary, open_text

SOURCE = "gleif"
SUFFIXES = (".xml", ".csv")  # what a folder given to the loader is scanned for
_RECORD_TAGS = {"LEIRecord": "lei", "RelationshipRecord": "rr", "Exception": "repex"}
# Registration authorities whose entity ids are org-id.guide schemes we know.
_RA_SCHEMES = {"RA000585": "GB-COH", "RA000586": "GB-COH", "RA000587": "GB-COH"}
_CATEGORY_TYPES = {"RESIDENT_GOVERNMENT_ENTITY": "stateBody", "INTERNATIONAL_ORGANIZATION": "legalEntity",
                   "FUND": "legalEntity", "BRANCH": "registeredEntity", "GENERAL": "registeredEntity",
                   "SOLE_PROPRIETOR": "registeredEntity"}


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _flatten(element: Any, prefix: str, out: dict[str, Any]) -> None:
    period = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name == "RelationshipPeriod":
            period += 1
            for part in child:
                if isinstance(part.tag, str):
                    key = _local(part.tag)
                    out[f"Relationship.Period{period}.{key[0].lower()}{key[1:]}"] = (part.text or "").strip()
            continue
        path = f"{prefix}{name}"
        if len(child):
            _flatten(child, path + ".", out)
        else:
            text = (child.text or "").strip()
            if path in out:
                existing = out[path]
                out[path] = [*existing, text] if isinstance(existing, list) else [existing, text]
            else:
                out[path] = text


def _read_xml(path: Path) -> Iterator[SourceItem]:
    count = 0
    handle = open_binary(path)
    try:
        for _, element in etree.iterparse(handle, events=("end",), recover=False, huge_tree=True):
            kind = _RECORD_TAGS.get(_local(element.tag))
            if kind is None:
                continue
            count += 1
            flat: dict[str, Any] = {"_kind": kind}
            _flatten(element, "", flat)
            yield SourceItem(str(path), f"record {count} (line {element.sourceline})", flat)
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        raise SourceFileError(f"{path}: malformed or truncated XML at line {error.lineno} "
                              f"after record {count} ({error.msg})") from None
    finally:
        handle.close()


def _read_csv(path: Path) -> Iterator[SourceItem]:
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or [])
        if "LEI" in fields and "Entity.LegalName" in fields:
            kind = "lei"
        elif "Relationship.StartNode.NodeID" in fields:
            kind = "rr"
        elif "LEI" in fields and "ExceptionCategory" in fields:
            kind = "repex"
        else:
            raise SourceFileError(f"{path}: not a GLEIF golden-copy CSV (header: {sorted(fields)[:6]}...)")
        try:
            for row in reader:
                yield SourceItem(str(path), f"line {reader.line_num}", {"_kind": kind, **row})
        except csv.Error as error:
            raise SourceFileError(f"{path}: malformed CSV at line {reader.line_num} ({error})") from None


def read(path: Path) -> Iterator[SourceItem]:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return _read_csv(path)
    if name.endswith(".xml"):
        return _read_xml(path)
    raise SourceFileError(f"{path}: GLEIF files are .xml or .csv (optionally .gz)")


def _values(flat: dict[str, Any], key: str) -> list[str]:
    value = flat.get(key)
    if value is None or value == "":
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if v]


def _one(flat: dict[str, Any], key: str) -> str | None:
    values = _values(flat, key)
    return values[0] if values else None


def transform(item: SourceItem) -> list[Transformed]:
    flat = item.raw
    kind = flat.get("_kind")
    if kind == "lei":
        return [_entity(flat)]
    if kind == "rr":
        return _relationship(flat)
    return [_exception(flat)]


def _lei(value: str | None, field: str) -> str:
    if not value or len(value.strip()) != 20 or not value.strip().isalnum():
        raise RecordError(f"{field}: not an LEI: {value!r}")
    return value.strip().upper()


def _entity(flat: dict[str, Any]) -> PartyRecord:
    lei = _lei(_one(flat, "LEI"), "LEI")
    keys = [f"XI-LEI:{lei}"]
    ra, ra_id = _one(flat, "Entity.RegistrationAuthority.RegistrationAuthorityID"), _one(
        flat, "Entity.RegistrationAuthority.RegistrationAuthorityEntityID")
    if ra and ra_id:
        key = identifier_key(_RA_SCHEMES.get(ra, ra), ra_id)
        if key:
            keys.append(key)
    unresolved: list[str] = []
    jurisdiction_raw = _one(flat, "Entity.LegalJurisdiction")
    jurisdiction = country(jurisdiction_raw, unresolved)
    category = _one(flat, "Entity.EntityCategory")
    entity_type = _CATEGORY_TYPES.get(category or "", "registeredEntity")
    names = [clean_name(n) for n in _values(flat, "Entity.LegalName") + _values(
        flat, "Entity.OtherEntityNames.OtherEntityName") + _values(
        flat, "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName")]
    clean = [n for n in names if n]
    if not clean:
        raise RecordError("Entity.LegalName is missing")
    dissolved = None
    if _one(flat, "Entity.EntityStatus") == "INACTIVE":
        dissolved = parse_date(_one(flat, "Entity.EntityExpirationDate") or _one(
            flat, "Registration.LastUpdateDate"), "Entity.EntityExpirationDate")
    return PartyRecord(
        source=SOURCE, keys=keys, kind="entity", entity_type=entity_type,  # type: ignore[arg-type]
        name=clean[0], names=clean, jurisdiction=jurisdiction, jurisdiction_raw=jurisdiction_raw,
        headquarters=country(_one(flat, "Entity.HeadquartersAddress.Country"), unresolved),
        address_country=country(_one(flat, "Entity.LegalAddress.Country"), unresolved),
        unresolved_countries=unresolved, dissolved=dissolved,
        state_of=jurisdiction if entity_type == "stateBody" else None,
        statement_id=f"gleif-lei:{lei}:{_one(flat, 'Registration.LastUpdateDate') or ''}",
        statement_date=parse_date(_one(flat, "Registration.LastUpdateDate"), "Registration.LastUpdateDate"),
    )


def _relationship(flat: dict[str, Any]) -> list[Transformed]:
    child = _lei(_one(flat, "Relationship.StartNode.NodeID"), "Relationship.StartNode.NodeID")
    parent = _lei(_one(flat, "Relationship.EndNode.NodeID"), "Relationship.EndNode.NodeID")
    rel_type = _one(flat, "Relationship.RelationshipType") or ""
    if rel_type not in GLEIF_RELATIONSHIPS:
        raise RecordError(f"Relationship.RelationshipType: unknown value {rel_type!r}")
    if child == parent:
        raise RecordError(f"self-relationship: start and end node are both {child}")
    record = f"{SOURCE}:rr:{child}:{parent}:{rel_type}"
    status = _one(flat, "Registration.RegistrationStatus")
    if status in ("ANNULLED", "DUPLICATE"):
        return [RecordRetraction(source=SOURCE, records=[record])]
    kind, directness = GLEIF_RELATIONSHIPS[rel_type]
    start = end = None
    period = 1
    while f"Relationship.Period{period}.periodType" in flat or f"Relationship.Period{period}.startDate" in flat:
        if flat.get(f"Relationship.Period{period}.periodType") in ("RELATIONSHIP_PERIOD", None, ""):
            start = parse_date(flat.get(f"Relationship.Period{period}.startDate"), f"Period{period}.startDate")
            end = parse_date(flat.get(f"Relationship.Period{period}.endDate"), f"Period{period}.endDate")
        period += 1
    last_update = _one(flat, "Registration.LastUpdateDate")
    if _one(flat, "Relationship.RelationshipStatus") == "INACTIVE" and end is None:
        end = parse_date(last_update, "Registration.LastUpdateDate")
    quantifiers = [f"{m or ''} {a}".strip() for m, a in zip(
        _values(flat, "Relationship.RelationshipQuantifiers.RelationshipQuantifier.MeasurementMethod"),
        _values(flat, "Relationship.RelationshipQuantifiers.RelationshipQuantifier.QuantifierAmount"),
        strict=False)]
    details = f"Relationship Type: {rel_type}" + (f"; quantifiers: {', '.join(quantifiers)}" if quantifiers else "")
    return [InterestRecord(
        source=SOURCE, record=record, subject_key=f"XI-LEI:{child}", party_key=f"XI-LEI:{parent}",
        relation="CONTROLS", interest_type=rel_type, kind=kind, direct=directness, start_date=start, end_date=end,
        statement_id=f"gleif-rr:{child}:{parent}:{rel_type}:{last_update or ''}", details=details,
        statement_date=parse_date(last_update, "Registration.LastUpdateDate"),
    )]


def _exception(flat: dict[str, Any]) -> PartyRecord:
    lei = _lei(_one(flat, "LEI"), "LEI")
    category = _one(flat, "ExceptionCategory")
    reason = _one(flat, "ExceptionReason")
    if not category or not reason:
        raise RecordError("ExceptionCategory and ExceptionReason are required")
    return PartyRecord(source=SOURCE, keys=[f"XI-LEI:{lei}"], kind="entity",
                       reporting_exceptions=[f"{category}:{reason}"], statement_id=f"gleif-repex:{lei}:{category}")
