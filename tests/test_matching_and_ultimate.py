"""Pure functions behind screening (name normalisation, scoring) and ultimate owners (look-through upwards)."""

from __future__ import annotations

from datetime import date

import pytest

from app.engine.evaluate import Edge, Node
from app.engine.ultimate import ultimate_owners
from app.matching import Candidate, lucene_query, normalise_name, normalise_registration, score


@pytest.mark.parametrize(("raw", "expected"), [
    ("Bank Saderat PLC", "bank saderat"),
    ("BANK SADERAT P.L.C.", "bank saderat p l c"),
    ("Gazprom Neft PJSC", "gazprom neft"),
    ("ООО «Газпром»", "gazprom"),
    ("Siemens Aktiengesellschaft", "siemens"),
    ("Müller GmbH & Co. KG", "muller"),
    ("Limited", "limited"),  # nothing but a legal form: kept
])
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_chinese_legal_form_is_dropped_after_transliteration() -> None:
    assert normalise_name("华为技术有限公司") == normalise_name("华为技术")


def test_registration_numbers_compare_without_zeros_and_punctuation() -> None:
    assert normalise_registration("01126618") == normalise_registration("1126 618")


def test_lucene_query_escapes_syntax() -> None:
    query = lucene_query('AND (x) "y" ~ * \\')
    assert '"' not in query.replace('\\"', "") and "(" not in query.replace("\\(", "")
    assert lucene_query("!!!") == '""'


def test_lucene_query_boosts_the_legal_forms_it_dropped_without_requiring_them() -> None:
    assert lucene_query("Bank Saderat PLC") == "bank saderat~1"
    assert lucene_query("Bank Saderat PLC", legal_forms_boost=0.2) == "+(bank saderat~1) plc^0.2"
    assert lucene_query("Gazprom PJSC (OAO)", fuzzy=False, legal_forms_boost=0.5) == "+(gazprom) pjsc^0.5 oao^0.5"
    assert lucene_query("PLC", legal_forms_boost=0.2) == "plc"  # nothing else to require: kept as the name
    assert lucene_query("Bank Saderat", legal_forms_boost=0.2) == "bank saderat~1"


def test_score_rewards_country_and_registration_number() -> None:
    candidate = Candidate("P1", ("BANK SADERAT PLC",), jurisdiction="GB", identifiers=("GB-COH:01126618",))
    plain = score("Bank Saderat", candidate)
    assert plain.score == 1.0
    assert score("Bank Saderat", candidate, country="IR").score < plain.score
    assert score("Bank Sadarat", candidate, registration_number="1126618").score == 1.0
    assert score("Something Else Entirely", candidate).score < 0.5


def _own(holder: str, subject: str, low: float, high: float | None = None) -> Edge:
    return Edge(holder, subject, "OWNS", "equity", share_min=low, share_max=low if high is None else high)


def test_ultimate_owners_multiply_along_chains_and_sum_over_paths() -> None:
    nodes = {n: Node(n, "entity") for n in "TABC"} | {"P": Node("P", "person")}
    edges = [_own("A", "T", 60), _own("B", "T", 40), _own("P", "A", 50), _own("C", "A", 50), _own("P", "B", 100)]
    owners = {o.party_id: o for o in ultimate_owners("T", nodes, edges, date(2025, 1, 1))}
    assert set(owners) == {"P", "C"}
    assert owners["P"].lookthrough_min == pytest.approx(70.0)  # 50% x 60% + 100% x 40%
    assert owners["C"].lookthrough_min == pytest.approx(30.0) and owners["C"].levels == 2


def test_ultimate_owners_converge_on_cycles_and_report_control_only_owners() -> None:
    nodes = {n: Node(n, "entity") for n in "TAB"} | {"S": Node("S", "entity", "state", state_of="CN")}
    edges = [_own("A", "T", 100), _own("B", "A", 10), _own("A", "B", 10), _own("S", "B", 90),
             Edge("S", "T", "CONTROLS", kind="board_appointment")]
    [state] = ultimate_owners("T", nodes, edges, date(2025, 1, 1))
    # S holds 90% of B, B 10% of A, A all of T: 9%. The A<->B loop would add A's own stake back to A (1/0.99);
    # a holding is capped at 100%, as in the engine's look-through, so the loop terminates at 9%.
    assert state.party_id == "S" and state.lookthrough_min == pytest.approx(9.0)
    assert not state.via_control and state.levels == 1
    control_only = ultimate_owners("T", {"T": nodes["T"], "S": nodes["S"]}, [edges[-1]], date(2025, 1, 1))
    assert control_only[0].via_control and control_only[0].lookthrough_max == 0.0


def test_expired_interests_do_not_count_for_ultimate_owners() -> None:
    nodes = {"T": Node("T", "entity"), "P": Node("P", "person")}
    old = Edge("P", "T", "OWNS", "equity", share_min=100, share_max=100, end_date=date(2020, 1, 1))
    assert ultimate_owners("T", nodes, [old], date(2025, 1, 1)) == []
