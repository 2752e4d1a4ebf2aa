"""UK Companies House: PSC snapshot lines (JSON Lines, or a JSON array) and the basic company data CSV.

Natures of control become share bands with the statutory wording of the PSC register
(The Register of People with Significant Control Regulations 2016, Schedule 2):
"more than 25% but not more than 50%" is (25, 50], "more than 50% but less than 75%" is (50, 75),
"75% or more" is [75, 100]; registered overseas entities' "more than 25%" is (25, 100].
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.common import clean_name, country, parse_date
from loaders.model import InterestRecord, PartyRecord, RecordError, Share, Transformed
from loaders.pipeline import SourceFileError, SourceItem, iter_json_records, open_text

SOURCE = "psc"
SUFFIXES = (".json", ".jsonl", ".txt", ".csv")  # what a folder given to the loader is scanned for
BANDS = {
    "25-to-50": Share(minimum=25, maximum=50, exclusive_minimum=True),
    "50-to-75": Share(minimum=50, maximum=75, exclusive_minimum=True, exclusive_maximum=True),
    "75-to-100": Share(minimum=75, maximum=100),
    "more-than-25": Share(minimum=25, maximum=100, exclusive_minimum=True),
}
_SHARE_NATURE = re.compile(
    r"^(ownership-of-shares|voting-rights|right-to-share-surplus-assets)-(25-to-50|50-to-75|75-to-100|more-than-25)"
    r"-percent(?:-(.*))?$")
_APPOINT = re.compile(r"^right-to-appoint-and-remove-(directors|members|person)(?:-(.*))?$")
_INFLUENCE = re.compile(r"^significant-influence-or-control(?:-(.*))?$")
_MEASURES = {"ownership-of-shares": "equity", "voting-rights": "votes", "right-to-share-surplus-assets": "economic"}
_PERSON_KINDS = {"individual-person-with-significant-control", "individual-beneficial-owner",
                 "super-secure-person-with-significant-control", "super-secure-beneficial-owner"}
_ENTITY_KINDS = {"corporate-entity-person-with-significant-control", "corporate-entity-beneficial-owner",
                 "legal-person-person-with-significant-control", "legal-person-beneficial-owner"}
_COMPANY_COLUMNS = {"CompanyName", "CompanyNumber", "CompanyStatus", "CountryOfOrigin"}
_SKIP_KINDS = {"totals#persons-of-significant-control-snapshot", "exemptions"}


def read(path: Path) -> Iterator[SourceItem]:
    if path.name.lower().removesuffix(".gz").endswith(".csv"):
        return _read_company_csv(path)
    return iter_json_records(path)


def _read_company_csv(path: Path) -> Iterator[SourceItem]:
    with open_text(path) as handle:
        reader = csv.DictReader(handle, skipinitialspace=True)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = sorted(_COMPANY_COLUMNS - set(header))
        if missing:
            raise SourceFileError(f"{path}: not a basic company data CSV: header lacks {', '.join(missing)} "
                                  "(a line-wrapped or truncated header?)")
        reader.fieldnames = header
        try:
            for row in reader:
                yield SourceItem(str(path), f"line {reader.line_num}", {"_company_csv": True, **row})
        except csv.Error as error:
            raise SourceFileError(f"{path}: malformed CSV at line {reader.line_num} ({error})") from None


def company_key(number: Any) -> str:
    text = re.sub(r"\s+", "", str(number or "")).upper()
    if not re.fullmatch(r"[A-Z0-9]{1,8}", text):
        raise RecordError(f"company number: not a Companies House number: {number!r}")
    return f"GB-COH:{text.zfill(8) if text.isdigit() else text}"


def map_nature(nature: str) -> tuple[str, str, Share | None]:
    """(relation, measure or control kind, band) for one nature of control."""
    match = _SHARE_NATURE.match(nature)
    if match:
        return "OWNS", _MEASURES[match.group(1)], BANDS[match.group(2)]
    if _APPOINT.match(nature):
        return "CONTROLS", "board_appointment", None
    if _INFLUENCE.match(nature):
        return "CONTROLS", "significant_influence", None
    raise RecordError(f"natures_of_control: unknown value {nature!r}")


def transform(item: SourceItem) -> list[Transformed]:
    raw = item.raw
    if not isinstance(raw, dict):
        raise RecordError(f"a PSC line must be a JSON object, not {type(raw).__name__}")
    if raw.get("_company_csv") or "CompanyNumber" in raw:
        return [_company(raw)]
    data = raw.get("data")
    if not isinstance(data, dict):
        raise RecordError("data is missing or not an object")
    kind = data.get("kind")
    if kind in _SKIP_KINDS:
        return []
    company = company_key(raw.get("company_number"))
    if kind == "persons-with-significant-control-statement":
        statement = data.get("statement")
        if not statement:
            raise RecordError("statement is missing")
        if data.get("ceased_on"):
            return []
        return [PartyRecord(source=SOURCE, keys=[company], kind="entity", reporting_exceptions=[f"PSC:{statement}"],
                            statement_id=_link(data) or f"psc-statement:{company}:{statement}")]
    if kind not in _PERSON_KINDS and kind not in _ENTITY_KINDS:
        raise RecordError(f"data.kind: unknown value {kind!r}")
    link = _link(data)
    if not link:
        raise RecordError("links.self is missing")
    psc_key = f"GB-COH-PSC:{link.rsplit('/', 1)[-1]}"
    holder = _holder(data, str(kind), psc_key, link)
    natures = data.get("natures_of_control") or []
    if not isinstance(natures, list):
        raise RecordError("natures_of_control must be a list")
    start = parse_date(data.get("notified_on"), "notified_on")
    end = parse_date(data.get("ceased_on"), "ceased_on")
    record = f"{SOURCE}:{link}"
    out: list[Transformed] = [holder]
    if not natures:
        natures = ["(withheld)"] if str(kind).startswith("super-secure") else []
    for nature in natures:
        if nature == "(withheld)":
            relation, what, band = "CONTROLS", "other", None
        else:
            relation, what, band = map_nature(str(nature))
        out.append(InterestRecord(
            source=SOURCE, record=record, subject_key=company, party_key=psc_key, relation=relation,  # type: ignore[arg-type]
            interest_type=str(nature), measure=what if relation == "OWNS" else None,  # type: ignore[arg-type]
            kind=what if relation == "CONTROLS" else None,  # type: ignore[arg-type]
            share=band, direct="unknown", start_date=start, end_date=end, statement_id=data.get("etag") or link,
            details=f"{kind}: {nature}",
        ))
    return out


def _link(data: dict[str, Any]) -> str | None:
    links = data.get("links")
    return str(links["self"]) if isinstance(links, dict) and links.get("self") else None


def _holder(data: dict[str, Any], kind: str, psc_key: str, link: str) -> PartyRecord:
    unresolved: list[str] = []
    address: dict[str, Any] = data["address"] if isinstance(data.get("address"), dict) else {}
    statement_id = data.get("etag") or link
    if kind in _PERSON_KINDS:
        secure = kind.startswith("super-secure")
        nationality = data.get("nationality")
        nationalities = [c for c in (country(n, unresolved) for n in re.split(r"\s*,\s*", nationality))
                         if c] if nationality else []
        return PartyRecord(
            source=SOURCE, keys=[psc_key], kind="person", entity_type="anonymousPerson" if secure else "knownPerson",
            name=clean_name(data.get("name")) or ("Super-secure person with significant control" if secure else None),
            nationalities=nationalities, address_country=country(data.get("country_of_residence"), unresolved),
            unresolved_countries=unresolved, statement_id=statement_id,
        )
    ident: dict[str, Any] = data["identification"] if isinstance(data.get("identification"), dict) else {}
    keys = [psc_key]
    registered_in = country(ident.get("country_registered"), unresolved)
    place = str(ident.get("place_registered") or "")
    number = ident.get("registration_number")
    if number and (registered_in == "GB" or "companies house" in place.lower()):
        with contextlib.suppress(RecordError):  # a free-text number: the PSC key alone names the holder
            keys.append(company_key(number))
    legal = kind.startswith("legal-person")
    return PartyRecord(
        source=SOURCE, keys=keys, kind="entity", entity_type="legalEntity" if legal else "registeredEntity",
        name=clean_name(data.get("name")), jurisdiction=registered_in,
        jurisdiction_raw=ident.get("country_registered") or ident.get("legal_authority"),
        address_country=country(address.get("country"), unresolved), unresolved_countries=unresolved,
        statement_id=statement_id,
    )


def _company(row: dict[str, Any]) -> PartyRecord:
    name = clean_name(row.get("CompanyName"))
    if not name:
        raise RecordError("CompanyName is missing")
    unresolved: list[str] = []
    origin = row.get("CountryOfOrigin")
    number = company_key(row.get("CompanyNumber"))
    overseas = number.startswith("GB-COH:OE") or number.startswith("GB-COH:FC")
    jurisdiction = country(origin, unresolved) if origin else (None if overseas else "GB")
    status = str(row.get("CompanyStatus") or "")
    dissolved = parse_date(_uk_date(row.get("DissolutionDate")), "DissolutionDate")
    return PartyRecord(
        source=SOURCE, keys=[number], kind="entity", entity_type="registeredEntity", name=name,
        names=[n for n in (clean_name(row.get(f"PreviousName_{i}.CompanyName")) for i in range(1, 11)) if n],
        jurisdiction=jurisdiction, jurisdiction_raw=origin or None,
        address_country=country(row.get("RegAddress.Country"), unresolved), unresolved_countries=unresolved,
        dissolved=dissolved or (parse_date("1900-01-01", "status") if status.lower() == "dissolved" else None),
        statement_id=f"ch-company:{number}",
    )


def _uk_date(value: Any) -> str | None:
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
    return f"{match.group(3)}-{match.group(2)}-{match.group(1)}" if match else (text or None)
