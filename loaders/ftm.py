"""FollowTheMoney entities (JSON Lines, as OpenSanctions publishes them), full or delta (`op` ADD/MOD/DEL).

Company, Organization, LegalEntity and PublicBody become entities; Person persons; Ownership an
ownership interest (percentage as an exact share, or an unknown share when none is given, with its
dates); Directorship a control interest of kind `officer`. Other schemata (Sanction, Address, ...)
carry no ownership and are skipped; an entity's `topics` are kept as tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.common import clean_name, country, identifier_key, parse_date
from loaders.model import InterestRecord, PartyRecord, RecordError, RecordRetraction, Share, Transformed
from loaders.pipeline import SourceItem, iter_json_records

SOURCE = "ftm"
SUFFIXES = (".json", ".jsonl", ".ijson")  # what a folder given to the loader is scanned for
_ENTITY_SCHEMATA = {"Company": "registeredEntity", "Organization": "legalEntity", "LegalEntity": "legalEntity",
                    "PublicBody": "stateBody"}
_SKIPPED = {"Sanction", "Address", "Family", "Passport", "Identification", "Associate", "Occupancy", "Position",
            "Membership", "Representation", "UnknownLink", "Security", "BankAccount", "CryptoWallet", "Vessel",
            "Airplane", "Note", "Article", "Documentation", "Employment", "Succession", "Debt", "Payment",
            "Contract", "ContractAward", "Thing", "Email", "Phone"}
_ID_SCHEMES = {"leiCode": "XI-LEI", "innCode": "RU-INN", "ogrnCode": "RU-OGRN", "swiftBic": "XI-SWIFT"}


def read(path: Path) -> Iterator[SourceItem]:
    return iter_json_records(path)


JSON_LINES_PARTS = True  # `read` is iter_json_records: a big JSON Lines file can be read in parts (--bulk)


def _props(entity: dict[str, Any]) -> dict[str, list[Any]]:
    props = entity.get("properties") or {}
    if not isinstance(props, dict):
        raise RecordError("properties must be an object")
    return {k: (v if isinstance(v, list) else [v]) for k, v in props.items()}


def _single(props: dict[str, list[Any]], name: str, required: bool = False) -> Any:
    values = props.get(name) or []
    if len(values) > 1:
        raise RecordError(f"properties.{name}: expected one value, found {len(values)}")
    if required and not values:
        raise RecordError(f"properties.{name} is missing")
    return values[0] if values else None


def _key(ftm_id: Any) -> str:
    return f"FTM:{ftm_id}"


def transform(item: SourceItem) -> list[Transformed]:
    raw = item.raw
    if not isinstance(raw, dict):
        raise RecordError(f"an entity must be a JSON object, not {type(raw).__name__}")
    op = "ADD"
    if "op" in raw:
        op = str(raw["op"]).upper()
        if op not in ("ADD", "MOD", "DEL"):
            raise RecordError(f"op: unknown value {raw['op']!r}")
        raw = raw.get("entity")
        if not isinstance(raw, dict):
            raise RecordError("entity is missing")
    ftm_id = raw.get("id")
    schema = raw.get("schema")
    if not ftm_id or not schema:
        raise RecordError("id and schema are required")
    if op == "DEL":
        # A deleted link withdraws its interest; a deleted party stays, as others may still describe it.
        return [RecordRetraction(source=SOURCE, records=[f"{SOURCE}:{ftm_id}"])]
    props = _props(raw)
    if schema in _ENTITY_SCHEMATA or schema == "Person":
        return [_party(raw, str(schema), props)]
    if schema == "Ownership":
        return [_ownership(raw, props)]
    if schema == "Directorship":
        return [_directorship(raw, props)]
    if schema in _SKIPPED:
        return []
    raise RecordError(f"schema: unknown value {schema!r}")


def _party(raw: dict[str, Any], schema: str, props: dict[str, list[Any]]) -> PartyRecord:
    keys = [_key(raw["id"])]
    for prop, scheme in _ID_SCHEMES.items():
        for value in props.get(prop, []):
            key = identifier_key(scheme, value)
            if key and key not in keys:
                keys.append(key)
    unresolved: list[str] = []
    names = [n for n in (clean_name(v) for v in props.get("name", []) + props.get("alias", [])) if n]
    tags = [str(t) for t in props.get("topics", [])]
    first_seen = parse_date(raw.get("first_seen"), "first_seen")
    if schema == "Person":
        nationalities = [c for c in (country(v, unresolved) for v in props.get("nationality", [])
                                     + props.get("citizenship", [])) if c]
        return PartyRecord(source=SOURCE, keys=keys, kind="person", entity_type="knownPerson",
                           name=names[0] if names else clean_name(raw.get("caption")), names=names,
                           nationalities=list(dict.fromkeys(nationalities)),
                           address_country=country(next(iter(props.get("country", [])), None), unresolved),
                           unresolved_countries=unresolved, tags=tags, statement_id=str(raw["id"]),
                           statement_date=first_seen)
    jurisdictions = [c for c in (country(v, unresolved) for v in props.get("jurisdiction", [])) if c]
    countries = [c for c in (country(v, unresolved) for v in props.get("mainCountry", [])
                             + props.get("country", [])) if c]
    dissolution = sorted(d for d in (parse_date(v, "dissolutionDate") for v in props.get("dissolutionDate", []))
                         if d)
    entity_type = _ENTITY_SCHEMATA[schema]
    jurisdiction = jurisdictions[0] if jurisdictions else None
    return PartyRecord(
        source=SOURCE, keys=keys, kind="entity", entity_type=entity_type,  # type: ignore[arg-type]
        name=names[0] if names else clean_name(raw.get("caption")), names=names, jurisdiction=jurisdiction,
        jurisdiction_raw=next(iter(props.get("jurisdiction", [])), None),
        headquarters=countries[0] if countries else None, unresolved_countries=unresolved,
        dissolved=dissolution[-1] if dissolution else None,
        state_of=(jurisdiction or (countries[0] if countries else None)) if entity_type == "stateBody" else None,
        tags=tags, statement_id=str(raw["id"]), statement_date=first_seen,
    )


def _percentage(value: Any) -> Share | None:
    if value is None:
        return None
    match = re.fullmatch(r"\s*(-?\d+(?:[.,]\d+)?)\s*%?\s*", str(value))
    if not match:
        raise RecordError(f"properties.percentage: not a number: {value!r}")
    number = float(match.group(1).replace(",", "."))
    if not 0 <= number <= 100:
        raise RecordError(f"properties.percentage: {number} is outside 0..100")
    return Share.exact(number)


def _link(raw: dict[str, Any], props: dict[str, list[Any]], party_prop: str, subject_prop: str) -> tuple[str, str]:
    party = _single(props, party_prop, required=True)
    subject = _single(props, subject_prop, required=True)
    if party == subject:
        raise RecordError(f"self-link: {party_prop} and {subject_prop} are the same entity {party!r}")
    return _key(party), _key(subject)


def _ownership(raw: dict[str, Any], props: dict[str, list[Any]]) -> InterestRecord:
    party_key, subject_key = _link(raw, props, "owner", "asset")
    role = _single(props, "role")
    return InterestRecord(
        source=SOURCE, record=f"{SOURCE}:{raw['id']}", subject_key=subject_key, party_key=party_key,
        relation="OWNS", interest_type=str(_single(props, "ownershipType") or "shareholding"), measure="equity",
        share=_percentage(_single(props, "percentage")), direct="unknown",
        start_date=parse_date(_single(props, "startDate"), "properties.startDate"),
        end_date=parse_date(_single(props, "endDate"), "properties.endDate"), statement_id=str(raw["id"]),
        statement_date=parse_date(raw.get("last_change"), "last_change"), details=f"role: {role}" if role else None,
    )


def _directorship(raw: dict[str, Any], props: dict[str, list[Any]]) -> InterestRecord:
    party_key, subject_key = _link(raw, props, "director", "organization")
    role = "; ".join(str(r) for r in props.get("role", []))
    return InterestRecord(
        source=SOURCE, record=f"{SOURCE}:{raw['id']}", subject_key=subject_key, party_key=party_key,
        relation="CONTROLS", interest_type="directorship", kind="officer", direct="direct",
        start_date=parse_date(_single(props, "startDate"), "properties.startDate"),
        end_date=parse_date(_single(props, "endDate"), "properties.endDate"), statement_id=str(raw["id"]),
        details=role or None,
    )
