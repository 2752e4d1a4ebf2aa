"""Beneficial Ownership Data Standard 0.2, 0.3 and 0.4 (JSON array or JSON Lines, optionally gzipped).

0.4 statements carry a `recordId` that stays the same across statements of one record and a
`recordStatus` (new, updated, closed); relationships name their ends by record id.
0.2/0.3 statements (`statementType`) name ends by statement id and replace earlier statements
through `replacesStatements`. Both become identifier keys `BODS:<id>`, so relationships and the
records they point at meet however the file is ordered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.common import clean_name, country, identifier_key, parse_date
from loaders.interests import gleif_directness, map_bods_interest
from loaders.model import (
    InterestRecord,
    PartyRecord,
    RecordClosure,
    RecordError,
    RecordRetraction,
    Share,
    Transformed,
)
from loaders.pipeline import SourceItem, iter_json_records

SOURCE = "bods"
SUFFIXES = (".json", ".jsonl")  # what a folder given to the loader is scanned for
_ENTITY_TYPES = {"registeredEntity", "legalEntity", "arrangement", "anonymousEntity", "unknownEntity", "state",
                 "stateBody"}
_PERSON_TYPES = {"knownPerson", "anonymousPerson", "unknownPerson"}
_DIRECTNESS = {"direct": "direct", "indirect": "indirect", "unknown": "unknown"}


def read(path: Path) -> Iterator[SourceItem]:
    return iter_json_records(path)


JSON_LINES_PARTS = True  # `read` is iter_json_records: a big JSON Lines file can be read in parts (--bulk)


def _key(ref: str) -> str:
    return f"BODS:{ref}"


def _record(ref: str) -> str:
    return f"{SOURCE}:{ref}"


def transform(item: SourceItem) -> list[Transformed]:
    raw = item.raw
    if not isinstance(raw, dict):
        raise RecordError(f"a statement must be a JSON object, not {type(raw).__name__}")
    if "recordType" in raw:
        return _transform_v04(raw)
    if "statementType" in raw:
        return _transform_v02(raw)
    raise RecordError("neither recordType (BODS 0.4) nor statementType (BODS 0.2/0.3) is present")


def _require(raw: dict[str, Any], field: str) -> Any:
    value = raw.get(field)
    if value in (None, ""):
        raise RecordError(f"{field} is missing")
    return value


# -- shared ---------------------------------------------------------------------------------------


def _party(details: dict[str, Any], keys: list[str], statement_id: str, statement_date: Any,
           is_person: bool, type_value: Any, closed_on: Any = None) -> PartyRecord:
    unresolved: list[str] = []
    addresses = details.get("addresses") or []
    if not isinstance(addresses, list):
        raise RecordError("addresses must be a list")
    registered = business = None
    for address in addresses:
        if not isinstance(address, dict):
            continue
        if address.get("type") == "business" and business is None:
            business = country(address.get("country"), unresolved)
        elif address.get("type") in ("registered", None) and registered is None:
            registered = country(address.get("country"), unresolved)
    for ident in details.get("identifiers") or []:
        if isinstance(ident, dict):
            key = identifier_key(ident.get("scheme"), ident.get("id"), ident.get("schemeName"))
            if key and key not in keys:
                keys.append(key)
    statement_day = parse_date(statement_date, "statementDate")
    if is_person:
        names = [name for name in (
            clean_name(n.get("fullName") or " ".join(str(n.get(k)) for k in ("givenName", "familyName") if n.get(k)))
            for n in details.get("names") or [] if isinstance(n, dict)) if name]
        nationalities = [c for c in (country(n, unresolved) for n in details.get("nationalities") or []) if c]
        person_type = type_value if type_value in _PERSON_TYPES else None
        return PartyRecord(
            source=SOURCE, keys=keys, kind="person", entity_type=person_type, name=names[0] if names else None,
            names=names, nationalities=nationalities, address_country=registered or business,
            unresolved_countries=unresolved, statement_id=statement_id, statement_date=statement_day,
        )
    entity_type = type_value.get("type") if isinstance(type_value, dict) else type_value
    if entity_type is not None and entity_type not in _ENTITY_TYPES:
        raise RecordError(f"entityType: unknown value {entity_type!r}")
    jurisdiction_raw = details.get("incorporatedInJurisdiction") or details.get("jurisdiction")
    jurisdiction = country(jurisdiction_raw, unresolved)
    entity_names = [clean_name(details.get("name"))] + [clean_name(n) for n in details.get("alternateNames") or []]
    listing = details.get("publicListing")
    listed = listing.get("hasPublicListing") if isinstance(listing, dict) else None
    dissolved = parse_date(details.get("dissolutionDate"), "dissolutionDate") or (
        statement_day if closed_on else None)
    return PartyRecord(
        source=SOURCE, keys=keys, kind="entity", entity_type=entity_type, name=entity_names[0],
        names=[n for n in entity_names if n], jurisdiction=jurisdiction,
        jurisdiction_raw=(jurisdiction_raw.get("name") if isinstance(jurisdiction_raw, dict) else jurisdiction_raw),
        headquarters=business, address_country=registered, unresolved_countries=unresolved,
        dissolved=dissolved, listed=listed if isinstance(listed, bool) else None,
        state_of=jurisdiction if entity_type in ("state", "stateBody") else None,
        statement_id=statement_id, statement_date=statement_day,
    )


def _share(share: Any, legacy_flags: bool) -> Share | None:
    if not isinstance(share, dict) or not share:
        return None
    if share.get("exact") is not None:
        return Share.exact(float(share["exact"]))
    excl_min = share.get("exclusiveMinimum")
    excl_max = share.get("exclusiveMaximum")
    minimum, maximum = share.get("minimum"), share.get("maximum")
    flag_min = flag_max = False
    if legacy_flags:
        flag_min, flag_max = bool(excl_min), bool(excl_max)
    else:
        if isinstance(excl_min, int | float) and not isinstance(excl_min, bool):
            minimum, flag_min = excl_min, True
        if isinstance(excl_max, int | float) and not isinstance(excl_max, bool):
            maximum, flag_max = excl_max, True
    if minimum is None and maximum is None:
        return None
    return Share(minimum=float(minimum if minimum is not None else 0),
                 maximum=float(maximum if maximum is not None else 100),
                 exclusive_minimum=flag_min, exclusive_maximum=flag_max)


def _interests(interests: Any, record: str, subject_key: str, party_key: str, statement_id: str,
               legacy: bool, statement_date: Any, default_end: Any = None) -> list[Transformed]:
    if not isinstance(interests, list):
        raise RecordError("interests must be a list")
    out: list[Transformed] = []
    for index, interest in enumerate(interests):
        if not isinstance(interest, dict):
            raise RecordError(f"interests[{index}] must be an object")
        # The type is optional in BODS: an interest of unstated type is kept as an unknown interest.
        interest_type = interest.get("type") or "unknownInterest"
        details = interest.get("details")
        mapped = map_bods_interest(str(interest_type), details)
        if mapped is None:
            raise RecordError(f"interests[{index}].type: unknown value {interest_type!r}")
        try:
            share = _share(interest.get("share"), legacy_flags=legacy)
        except ValueError as error:
            raise RecordError(f"interests[{index}].share: {error}") from None
        level = interest.get("directOrIndirect") or interest.get("interestLevel") or "unknown"
        direct = gleif_directness(details) or _DIRECTNESS.get(str(level))
        if direct is None:
            raise RecordError(f"interests[{index}].directOrIndirect: unknown value {level!r}")
        relation, what = mapped
        end = parse_date(interest.get("endDate"), f"interests[{index}].endDate") or parse_date(
            default_end, "statementDate")
        out.append(InterestRecord(
            source=SOURCE, record=record, subject_key=subject_key, party_key=party_key, relation=relation,
            interest_type=str(interest_type), measure=what if relation == "OWNS" else None,  # type: ignore[arg-type]
            kind=what if relation == "CONTROLS" else None,  # type: ignore[arg-type]
            share=share, direct=direct,  # type: ignore[arg-type]
            start_date=parse_date(interest.get("startDate"), f"interests[{index}].startDate"),
            end_date=end, statement_id=statement_id, statement_date=parse_date(statement_date, "statementDate"),
            details=str(details) if details else None,
        ))
    return out


def _unspecified(record_ref: str, reason: Any, statement_id: str) -> PartyRecord:
    text = reason.get("reason") if isinstance(reason, dict) else reason
    return PartyRecord(source=SOURCE, keys=[f"UNSPECIFIED:{record_ref}"], kind="entity",
                       entity_type="unknownEntity", name=f"Unspecified party ({text or 'no reason given'})",
                       statement_id=statement_id)


# -- 0.4 -------------------------------------------------------------------------------------------


def _transform_v04(raw: dict[str, Any]) -> list[Transformed]:
    statement_id = str(_require(raw, "statementId"))
    record_id = str(_require(raw, "recordId"))
    record_type = raw.get("recordType")
    status = raw.get("recordStatus", "new")
    if status not in ("new", "updated", "closed"):
        raise RecordError(f"recordStatus: unknown value {status!r}")
    details = raw.get("recordDetails")
    if not isinstance(details, dict):
        raise RecordError("recordDetails is missing or not an object")
    closed = status == "closed"
    if record_type in ("entity", "person"):
        is_person = record_type == "person"
        type_value = details.get("personType") if is_person else details.get("entityType")
        return [_party(details, [_key(record_id)], statement_id, raw.get("statementDate"), is_person,
                       type_value, closed_on=closed)]
    if record_type != "relationship":
        raise RecordError(f"recordType: unknown value {record_type!r}")
    subject = details.get("subject")
    party = details.get("interestedParty")
    if isinstance(subject, dict):
        subject = subject.get("describedByEntityStatement") or subject.get("describedByRecordId")
    if not isinstance(subject, str) or not subject:
        raise RecordError("recordDetails.subject is missing")
    out: list[Transformed] = []
    if isinstance(party, str) and party:
        party_key = _key(party)
    else:
        holder = _unspecified(record_id, party, statement_id)
        out.append(holder)
        party_key = holder.keys[0]
    if party == subject:
        raise RecordError(f"self-ownership: subject and interested party are the same record {subject!r}")
    record = _record(record_id)
    interests = details.get("interests") or []
    if closed and not interests:
        end = parse_date(raw.get("statementDate"), "statementDate")
        if end is None:
            raise RecordError("a closed relationship without interests needs a statementDate")
        return [RecordClosure(source=SOURCE, records=[record], end_date=end)]
    out += _interests(interests, record, _key(subject), party_key, statement_id, legacy=False,
                      statement_date=raw.get("statementDate"),
                      default_end=raw.get("statementDate") if closed else None)
    if not interests:
        out.append(RecordRetraction(source=SOURCE, records=[record]))
    return out


# -- 0.2 / 0.3 ------------------------------------------------------------------------------------


def _transform_v02(raw: dict[str, Any]) -> list[Transformed]:
    statement_id = str(raw.get("statementID") or _require(raw, "statementId"))
    statement_type = raw.get("statementType")
    replaces = [str(r) for r in raw.get("replacesStatements") or []]
    if statement_type in ("entityStatement", "personStatement"):
        keys = [_key(statement_id)] + [_key(r) for r in replaces]
        is_person = statement_type == "personStatement"
        type_value = raw.get("personType") if is_person else raw.get("entityType")
        return [_party(raw, keys, statement_id, raw.get("statementDate"), is_person, type_value)]
    if statement_type != "ownershipOrControlStatement":
        raise RecordError(f"statementType: unknown value {statement_type!r}")
    subject = (raw.get("subject") or {}).get("describedByEntityStatement")
    if not subject:
        raise RecordError("subject.describedByEntityStatement is missing")
    party = raw.get("interestedParty") or {}
    out: list[Transformed] = []
    if replaces:
        out.append(RecordRetraction(source=SOURCE, records=[_record(r) for r in replaces]))
    party_ref = party.get("describedByEntityStatement") or party.get("describedByPersonStatement")
    if party_ref:
        if party_ref == subject:
            raise RecordError(f"self-ownership: subject and interested party are the same statement {subject!r}")
        party_key = _key(str(party_ref))
    else:
        holder = _unspecified(statement_id, party.get("unspecified"), statement_id)
        out.append(holder)
        party_key = holder.keys[0]
    out += _interests(raw.get("interests") or [], _record(statement_id), _key(str(subject)), party_key,
                      statement_id, legacy=True, statement_date=raw.get("statementDate"))
    return out
