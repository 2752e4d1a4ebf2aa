"""A synthetic registry with a realistic shape, written as BODS 0.4 JSON Lines (optionally gzipped).

Shape: parties sit on levels 0..19 (geometric, most near the bottom), and owners of a company are
drawn mostly from the level above it with preferential attachment, which gives heavy-tailed fan-out,
chains up to 20 deep and some holding companies with thousands of subsidiaries. A small share of
stakes point sideways or upwards (cross-holdings and cycles); some companies are 50/50 joint
ventures; stakes are exact or PSC-style bands; a few per cent of parties are incorporated or
headquartered in CN, RU, IR or KP; some interests are control without equity, some have ended.
The same seed gives the same file.
"""

from __future__ import annotations

import gzip
import json
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

RESTRICTED = ("CN", "RU", "IR", "KP")
OTHER = ("GB", "US", "DE", "FR", "NL", "LU", "IE", "CY", "KY", "VG", "SG", "HK", "CH", "AE", "JE", "IN", "JP", "BR")
BANDS = ((25, 50, True, False), (50, 75, True, True), (75, 100, False, False))
LEVELS = 20


@dataclass(frozen=True)
class SynthStats:
    entities: int
    persons: int
    relationships: int
    restricted: int


_SYLLABLES = ("ka", "lo", "mi", "ran", "tes", "vor", "du", "bel", "sa", "nor", "qui", "fen", "ha", "zo", "pri",
              "mar", "len", "tor", "ga", "vi", "os", "lund", "ber", "chen", "wei", "shan", "rov", "ko", "dar", "an",
              "el", "ist", "ur", "gal", "nes", "po", "ri", "tam", "yel", "sor")
_SECTORS = ("Holdings", "Trading", "Logistics", "Shipping", "Energy", "Capital", "Industries", "Technologies",
            "Resources", "Minerals", "Investments", "Partners", "Engineering", "Systems", "Foods", "Textiles")
_FORMS = ("Ltd", "Limited", "GmbH", "LLC", "S.A.", "B.V.", "PLC", "Inc.", "AG", "Pte. Ltd.", "OOO", "Co., Ltd.")


def _word(number: int, syllables: int) -> str:
    parts = []
    for _ in range(syllables):
        number, pick = divmod(number, len(_SYLLABLES))
        parts.append(_SYLLABLES[pick])
    return "".join(parts).capitalize()


def company_name(index: int) -> str:
    """A name as varied as a registry's (two invented words, a sector, a legal form); the same index, the
    same name. Independent of the random stream, so names never change the graph's shape."""
    mixed = (index * 2654435761 + 97) % (1 << 40)
    return (f"{_word(mixed, 3)} {_word(mixed >> 16, 2)} {_SECTORS[(mixed >> 28) % len(_SECTORS)]} "
            f"{_FORMS[(mixed >> 32) % len(_FORMS)]}")


def person_name(index: int) -> str:
    mixed = (index * 40503 + 7919) % (1 << 36)
    return f"{_word(mixed, 2)} {_word(mixed >> 12, 3)}"


def _statement_id(kind: str, index: int) -> str:
    return f"syn-{kind}-{index:09d}"


def _entity(index: int, country: str, hq: str) -> dict[str, Any]:
    record = f"SYN-E{index}"
    return {
        "statementId": _statement_id("e", index), "recordId": record, "recordType": "entity",
        "recordStatus": "new", "statementDate": "2025-01-01",
        "recordDetails": {
            "isComponent": False, "entityType": {"type": "registeredEntity"}, "name": company_name(index),
            "incorporatedInJurisdiction": {"code": country},
            "identifiers": [{"scheme": "XX-SYN", "id": f"{index:08d}"}],
            "addresses": [{"type": "business", "country": {"code": hq}}],
        },
    }


def _person(index: int, country: str) -> dict[str, Any]:
    return {
        "statementId": _statement_id("p", index), "recordId": f"SYN-P{index}", "recordType": "person",
        "recordStatus": "new", "statementDate": "2025-01-01",
        "recordDetails": {"isComponent": False, "personType": "knownPerson",
                          "names": [{"type": "legal", "fullName": person_name(index)}],
                          "nationalities": [{"code": country}]},
    }


def _relationship(index: int, subject: str, party: str, interests: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "statementId": _statement_id("r", index), "recordId": f"SYN-R{index}", "recordType": "relationship",
        "recordStatus": "new", "statementDate": "2025-01-01",
        "recordDetails": {"isComponent": False, "subject": subject, "interestedParty": party, "interests": interests},
    }


def _share_interest(rng: random.Random, share: float) -> dict[str, Any]:
    interest: dict[str, Any] = {"type": "shareholding", "directOrIndirect": "direct",
                                "beneficialOwnershipOrControl": False, "startDate": "2015-01-01"}
    if rng.random() < 0.3:
        low, high, low_x, high_x = min(BANDS, key=lambda b: abs((b[0] + b[1]) / 2 - share))
        bounds: dict[str, float] = {}
        bounds["exclusiveMinimum" if low_x else "minimum"] = low
        bounds["exclusiveMaximum" if high_x else "maximum"] = high
        interest["share"] = bounds
    else:
        interest["share"] = {"exact": round(share, 2)}
    if rng.random() < 0.05:
        interest["endDate"] = "2020-06-30"
    return interest


def statements(entities: int, seed: int = 7, relationships_per_entity: float = 1.5) -> Iterator[dict[str, Any]]:
    """Entity and person statements first, then relationships (BODS allows either order)."""
    rng = random.Random(seed)
    persons = max(1, entities // 5)
    levels = array("b", (min(LEVELS - 1, int(rng.expovariate(0.45))) for _ in range(entities)))
    by_level: list[array[int]] = [array("i") for _ in range(LEVELS)]
    for index, level in enumerate(levels):
        by_level[level].append(index)
    for index in range(entities):
        roll = rng.random()
        if roll < 0.015:
            country, hq = rng.choice(RESTRICTED), rng.choice(RESTRICTED)
        elif roll < 0.03:  # subsidiaries abroad: incorporated elsewhere, headquartered in a restricted state
            country, hq = rng.choice(OTHER), rng.choice(RESTRICTED)
        else:
            country = rng.choice(OTHER)
            hq = country if rng.random() < 0.9 else rng.choice(OTHER)
        yield _entity(index, country, hq)
    for index in range(persons):
        yield _person(index, rng.choice(RESTRICTED) if rng.random() < 0.02 else rng.choice(OTHER))

    target = int(entities * relationships_per_entity)
    hubs: list[list[int]] = [[] for _ in range(LEVELS)]  # preferential attachment: past owners, repeated
    made = 0
    subject = 0
    while made < target:
        subject = (subject + 1) % entities
        level = levels[subject]
        roll = rng.random()
        owners: list[str]
        if roll < 0.03:  # a joint venture: two owners at exactly 50/50
            owners = [_pick_owner(rng, level, by_level, hubs, levels), _pick_owner(rng, level, by_level, hubs, levels)]
            shares = [50.0, 50.0]
        else:
            count = min(8, 1 + int(rng.paretovariate(1.6)) - 1)
            owners = [_pick_owner(rng, level, by_level, hubs, levels) for _ in range(count)]
            disclosed = 100.0 if rng.random() < 0.8 else rng.uniform(40, 99)
            cuts = sorted(rng.uniform(0, disclosed) for _ in range(len(owners) - 1))
            shares = [b - a for a, b in zip([0.0, *cuts], [*cuts, disclosed], strict=True)]
        seen: set[str] = set()
        for owner, share in zip(owners, shares, strict=True):
            if owner in seen or owner == f"SYN-E{subject}":
                continue
            seen.add(owner)
            interests = [_share_interest(rng, max(share, 0.01))]
            if rng.random() < 0.1:
                interests.append({"type": rng.choice(["appointmentOfBoard", "otherInfluenceOrControl"]),
                                  "directOrIndirect": "direct", "beneficialOwnershipOrControl": False,
                                  "startDate": "2016-01-01"})
            if rng.random() < 0.04:  # control without equity
                interests = interests[1:] or [{"type": "rightsGrantedByContract", "directOrIndirect": "direct",
                                               "beneficialOwnershipOrControl": False}]
            yield _relationship(made, f"SYN-E{subject}", owner, interests)
            made += 1
            if made >= target:
                break


def _pick_owner(rng: random.Random, level: int, by_level: list[array[int]], hubs: list[list[int]],
                levels: array[int]) -> str:
    roll = rng.random()
    if roll < 0.12:
        return f"SYN-P{rng.randrange(max(1, len(levels) // 5))}"
    if roll < 0.15:  # cross-holding: any company, possibly below, which closes cycles
        return f"SYN-E{rng.randrange(len(levels))}"
    upper = min(LEVELS - 1, level + 1)
    while upper > level and not by_level[upper]:
        upper -= 1
    pool = hubs[upper]
    if pool and rng.random() < 0.6:
        owner = pool[rng.randrange(len(pool))]
    else:
        candidates = by_level[upper]
        owner = candidates[rng.randrange(len(candidates))]
    pool.append(owner)
    return f"SYN-E{owner}"


def write(path: Path, entities: int, seed: int = 7) -> SynthStats:
    tmp = path.with_name(path.name + ".partial")
    counts = {"entity": 0, "person": 0, "relationship": 0}
    restricted = 0
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(tmp, "wt", encoding="utf-8") as handle:
        out: IO[str] = handle
        for statement in statements(entities, seed):
            counts[statement["recordType"]] += 1
            details = statement["recordDetails"]
            if statement["recordType"] == "entity" and (
                details["incorporatedInJurisdiction"]["code"] in RESTRICTED
                or details["addresses"][0]["country"]["code"] in RESTRICTED
            ):
                restricted += 1
            out.write(json.dumps(statement, separators=(",", ":")) + "\n")
    tmp.replace(path)  # a killed run leaves a .partial file, never a truncated one under the final name
    return SynthStats(counts["entity"], counts["person"], counts["relationship"], restricted)
