"""Pure transforms: no database."""

from __future__ import annotations

import pytest

from loaders import bods, ftm, gleif, psc
from loaders.countries import normalise_country
from loaders.model import InterestRecord, PartyRecord, RecordError, Share
from loaders.pipeline import SourceItem


def item(raw: object) -> SourceItem:
    return SourceItem("test", "line 1", raw)


@pytest.mark.parametrize(("value", "code"), [
    ("GB", "GB"), ("gbr", "GB"), ("England & Wales", "GB"), ("England And Wales", "GB"), ("Wales", "GB"),
    ("Minnesota, Usa", "US"), ("US-DE", "US"), ("British", "GB"), ("Polish", "PL"),
    ("Iran, Islamic Republic of", "IR"), ("Russian Federation", "RU"), ("ru", "RU"), ("Türkiye", "TR"),
    ("Delaware, United States", "US"), ("Atlantis", None), ("", None),
])
def test_country_normalisation(value: str, code: str | None) -> None:
    assert normalise_country(value) == code


def test_psc_bands_follow_the_statutory_wording() -> None:
    # The Register of People with Significant Control Regulations 2016, Schedule 2.
    assert psc.map_nature("ownership-of-shares-25-to-50-percent")[2] == Share(
        minimum=25, maximum=50, exclusive_minimum=True)
    assert psc.map_nature("voting-rights-50-to-75-percent") == ("OWNS", "votes", Share(
        minimum=50, maximum=75, exclusive_minimum=True, exclusive_maximum=True))
    assert psc.map_nature("ownership-of-shares-75-to-100-percent-as-trust")[2] == Share(minimum=75, maximum=100)
    assert psc.map_nature("ownership-of-shares-more-than-25-percent-registered-overseas-entity")[2] == Share(
        minimum=25, maximum=100, exclusive_minimum=True)
    assert psc.map_nature("right-to-appoint-and-remove-directors")[:2] == ("CONTROLS", "board_appointment")
    assert psc.map_nature("significant-influence-or-control-as-firm")[:2] == ("CONTROLS", "significant_influence")
    with pytest.raises(RecordError, match="unknown value"):
        psc.map_nature("ownership-of-shares-10-to-20-percent")


def _v04_relationship(**share: object) -> dict[str, object]:
    return {"statementId": "s1", "recordId": "r1", "recordType": "relationship", "recordStatus": "new",
            "statementDate": "2024-01-02",
            "recordDetails": {"subject": "A", "interestedParty": "B",
                              "interests": [{"type": "shareholding", "directOrIndirect": "direct", "share": share,
                                             "startDate": "2020-01-01"}]}}


def test_bods_04_exclusive_bounds_are_numbers() -> None:
    [rec] = bods.transform(item(_v04_relationship(exclusiveMinimum=50, maximum=75)))
    assert isinstance(rec, InterestRecord)
    assert rec.share == Share(minimum=50, maximum=75, exclusive_minimum=True)
    assert (rec.subject_key, rec.party_key, rec.relation, rec.measure) == ("BODS:A", "BODS:B", "OWNS", "equity")


def test_bods_02_exclusive_bounds_are_flags() -> None:
    raw = {"statementID": "x", "statementType": "ownershipOrControlStatement",
           "subject": {"describedByEntityStatement": "A"}, "interestedParty": {"describedByPersonStatement": "P"},
           "interests": [{"type": "voting-rights", "share": {"minimum": 25, "maximum": 50,
                                                            "exclusiveMinimum": True, "exclusiveMaximum": False}}]}
    [rec] = bods.transform(item(raw))
    assert isinstance(rec, InterestRecord)
    assert rec.share == Share(minimum=25, maximum=50, exclusive_minimum=True) and rec.measure == "votes"


@pytest.mark.parametrize(("share", "reason"), [
    ({"exact": 120}, "less than or equal to 100"), ({"exact": -1}, "greater than or equal to 0"),
    ({"minimum": 60, "maximum": 40}, "above maximum"),
])
def test_bods_bad_shares_are_rejected(share: dict[str, object], reason: str) -> None:
    with pytest.raises((RecordError, ValueError), match=reason):
        bods.transform(item(_v04_relationship(**share)))


def test_bods_rejects_impossible_dates_self_ownership_and_unknown_enums() -> None:
    raw = _v04_relationship(exact=10)
    raw["recordDetails"]["interests"][0]["startDate"] = "2021-02-30"  # type: ignore[index]
    with pytest.raises(RecordError, match="impossible date"):
        bods.transform(item(raw))
    raw = _v04_relationship(exact=10)
    raw["recordDetails"]["interestedParty"] = "A"  # type: ignore[index]
    with pytest.raises(RecordError, match="self-ownership"):
        bods.transform(item(raw))
    raw = _v04_relationship(exact=10)
    raw["recordDetails"]["interests"][0]["directOrIndirect"] = "sideways"  # type: ignore[index]
    with pytest.raises(RecordError, match="unknown value 'sideways'"):
        bods.transform(item(raw))
    with pytest.raises(RecordError, match="recordStatus"):
        bods.transform(item({**_v04_relationship(exact=1), "recordStatus": "deleted"}))


def test_bods_declared_indirect_is_marked() -> None:
    raw = _v04_relationship(exact=60)
    raw["recordDetails"]["interests"][0]["directOrIndirect"] = "indirect"  # type: ignore[index]
    [rec] = bods.transform(item(raw))
    assert isinstance(rec, InterestRecord) and rec.direct == "indirect"


def test_gleif_ultimate_consolidation_is_declared_indirect_control() -> None:
    flat = {"_kind": "rr", "Relationship.StartNode.NodeID": "5493001Z012YSB2A0K51",
            "Relationship.EndNode.NodeID": "001GPB6A9XPE8XJICC14",
            "Relationship.RelationshipType": "IS_ULTIMATELY_CONSOLIDATED_BY",
            "Relationship.Period1.startDate": "2012-11-29T00:00:00.000Z",
            "Relationship.Period1.periodType": "RELATIONSHIP_PERIOD",
            "Relationship.RelationshipStatus": "ACTIVE", "Registration.LastUpdateDate": "2023-05-18"}
    [rec] = gleif.transform(item(flat))
    assert isinstance(rec, InterestRecord)
    assert (rec.relation, rec.kind, rec.direct) == ("CONTROLS", "accounting_consolidation", "indirect")
    assert rec.subject_key == "XI-LEI:5493001Z012YSB2A0K51" and str(rec.start_date) == "2012-11-29"
    with pytest.raises(RecordError, match="not an LEI"):
        gleif.transform(item({**flat, "Relationship.EndNode.NodeID": "short"}))


def test_ftm_percentage_and_dates() -> None:
    raw = {"id": "own1", "schema": "Ownership", "properties": {
        "owner": ["a"], "asset": ["b"], "percentage": ["51"], "startDate": ["2015-11-25"], "endDate": ["2023"]}}
    [rec] = ftm.transform(item(raw))
    assert isinstance(rec, InterestRecord)
    assert rec.share == Share.exact(51) and str(rec.start_date) == "2015-11-25" and str(rec.end_date) == "2023-01-01"
    bad = {**raw, "properties": {**raw["properties"], "percentage": ["150"]}}  # type: ignore[dict-item]
    with pytest.raises(RecordError, match=r"outside 0\.\.100"):
        ftm.transform(item(bad))
    [party] = ftm.transform(item({"id": "c", "schema": "Company", "properties": {
        "name": ["X"], "jurisdiction": ["ru"], "innCode": ["7700000000"], "topics": ["sanction"]}}))
    assert isinstance(party, PartyRecord)
    assert party.keys == ["FTM:c", "RU-INN:7700000000"] and party.jurisdiction == "RU" and party.tags == ["sanction"]
