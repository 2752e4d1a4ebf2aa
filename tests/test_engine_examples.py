"""Published worked examples and the semantics the issue names, against the real engine."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from app.db import Graph
from app.engine import compute as engine_compute
from app.engine.service import verdict_for
from app.engine.verdicts import Change, UnknownEntity, on_demand_verdict, resolve
from app.policy import Override, PolicyError, load_policy
from app.repository.entities import ultimate
from app.repository.screening import ScreenQuery, screen
from tests.engine_helpers import count_reads, engine_verdicts, policy, write_graph
from tests.reference import REdge, RNode, compute

DAY = date(2025, 1, 1)


def owns(holder: str, subject: str, low: float, high: float | None = None, **kw: Any) -> REdge:
    return REdge(holder, subject, "OWNS", measure=kw.pop("measure", "equity"), share_min=low,
                 share_max=low if high is None else high, **kw)


def blocked(*ids: str) -> list[RNode]:
    return [RNode(i, keys=(f"XX-SDN:{i}",)) for i in ids]


OFAC = {"restricted_jurisdictions": [], "threshold_percent": 50, "threshold_inclusive": True, "control_kinds": [],
        "ownership_measures": ["equity"]}


def run(graph: Graph, nodes: list[RNode], edges: list[REdge], **pol: Any) -> dict[str, str]:
    write_graph(graph, nodes, edges)
    p = policy(**pol)
    _, stored = engine_verdicts(graph, p, DAY)
    expected = compute(nodes, edges, p, DAY)
    verdicts = {n.id: stored.get(n.id, {"verdict": "clear"})["verdict"] for n in nodes}
    assert verdicts == {k: v.verdict for k, v in expected.items()}  # the reference agrees on every example
    return verdicts


# OFAC FAQ 401 (Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property
# Are Blocked, 13 August 2014; https://ofac.treasury.gov/faqs/401): X is a blocked person.

def test_ofac_example_1_chain_of_fifty_percent(graph: Graph) -> None:
    nodes = [*blocked("X"), RNode("A"), RNode("B")]
    edges = [owns("X", "A", 50), owns("A", "B", 50)]
    assert run(graph, nodes, edges, seed_entities=["XX-SDN:X"], **OFAC) == {
        "X": "restricted", "A": "restricted", "B": "restricted"}


def test_ofac_example_2_aggregated_through_two_blocked_entities(graph: Graph) -> None:
    nodes = [*blocked("X"), RNode("A"), RNode("B"), RNode("C")]
    edges = [owns("X", "A", 50), owns("X", "B", 50), owns("A", "C", 25), owns("B", "C", 25)]
    verdicts = run(graph, nodes, edges, seed_entities=["XX-SDN:X"], **OFAC)
    assert verdicts["C"] == "restricted"


def test_ofac_example_3_direct_plus_indirect(graph: Graph) -> None:
    nodes = [*blocked("X"), RNode("A"), RNode("B")]
    edges = [owns("X", "A", 50), owns("X", "B", 10), owns("A", "B", 40)]
    assert run(graph, nodes, edges, seed_entities=["XX-SDN:X"], **OFAC)["B"] == "restricted"


def test_ofac_faq_399_aggregates_different_blocked_persons(graph: Graph) -> None:
    nodes = [*blocked("X", "Y"), RNode("A")]
    edges = [owns("X", "A", 25), owns("Y", "A", 25)]
    assert run(graph, nodes, edges, seed_entities=["XX-SDN:X", "XX-SDN:Y"], **OFAC)["A"] == "restricted"


def test_ofac_faq_398_control_alone_does_not_block(graph: Graph) -> None:
    nodes = [*blocked("X"), RNode("A")]
    edges = [REdge("X", "A", "CONTROLS", kind="board_appointment"), owns("X", "A", 10)]
    assert run(graph, nodes, edges, seed_entities=["XX-SDN:X"], **OFAC)["A"] == "clear"


def test_stakes_are_not_multiplied_along_the_chain(graph: Graph) -> None:
    # The example: X restricted owns 50% of A and of B; A and B each own 25% of C: C has 50%.
    nodes = [RNode("X", jurisdiction="RU"), RNode("A"), RNode("B"), RNode("C")]
    edges = [owns("X", "A", 50), owns("X", "B", 50), owns("A", "C", 25), owns("B", "C", 25)]
    assert run(graph, nodes, edges, threshold_inclusive=True)["C"] == "restricted"
    # Under "more than 50%", neither A nor B is restricted, so C is not either.
    graph.driver.execute_query("MATCH (n) DETACH DELETE n", database_=graph.database)
    assert run(graph, nodes, edges, threshold_inclusive=False) == {
        "X": "restricted", "A": "clear", "B": "clear", "C": "clear"}


# Company control, the classic recursive-aggregation example of the deductive-database literature
# (Ceri, Gottlob and Tanca, "Logic Programming and Databases", 1990; Mumick, Pirahesh and Ramakrishnan,
# "The Magic of Duplicates and Aggregates", VLDB 1990): X controls Y when X owns more than 50% of Y,
# directly or through companies X controls, summed. With X as the only seed and "> 50", the restricted
# set is exactly {X} and the companies X controls.

def test_company_control_classic_instance(graph: Graph) -> None:
    nodes = [RNode("a", jurisdiction="RU"), RNode("b"), RNode("c"), RNode("d"), RNode("e")]
    edges = [owns("a", "b", 60), owns("a", "c", 20), owns("b", "c", 40), owns("c", "d", 30), owns("b", "d", 25),
             owns("a", "e", 30), owns("d", "e", 10)]
    # a controls b (60); c (20 + 40 through b); d (30 through c + 25 through b); e: 30 + 10 = 40, not more than 50.
    assert run(graph, nodes, edges) == {"a": "restricted", "b": "restricted", "c": "restricted", "d": "restricted",
                                        "e": "clear"}


def test_cycles_and_self_holdings_terminate(graph: Graph) -> None:
    nodes = [RNode("s", jurisdiction="IR"), RNode("a"), RNode("b"), RNode("c")]
    edges = [owns("s", "a", 30), owns("b", "a", 30), owns("a", "b", 60), owns("b", "b", 10), owns("c", "c", 100),
             owns("a", "c", 10), owns("b", "c", 20)]
    # a and b hold each other: neither ever gets past 30% restricted, however many rounds.
    assert run(graph, nodes, edges, restricted_jurisdictions=["IR"]) == {
        "s": "restricted", "a": "clear", "b": "clear", "c": "clear"}


def test_psc_band_more_than_fifty_passes_more_than_fifty(graph: Graph) -> None:
    nodes = [RNode("p", jurisdiction="CN"), RNode("uk")]
    edges = [owns("p", "uk", 50, 75, min_exclusive=True, max_exclusive=True)]
    assert run(graph, nodes, edges, restricted_jurisdictions=["CN"])["uk"] == "restricted"


def test_ranges_give_review_between_the_bounds(graph: Graph) -> None:
    nodes = [RNode("p", jurisdiction="CN"), RNode("uk")]
    edges = [owns("p", "uk", 25, 75)]
    write_graph(graph, nodes, edges)
    _, stored = engine_verdicts(graph, policy(restricted_jurisdictions=["CN"]), DAY)
    assert stored["uk"]["verdict"] == "review"
    assert (stored["uk"]["share_min"], stored["uk"]["share_max"]) == (25.0, 75.0)


def test_joint_venture_follows_the_comparator_and_is_reported(graph: Graph) -> None:
    nodes = [RNode("cn", jurisdiction="CN"), RNode("us", jurisdiction="US"), RNode("jv")]
    edges = [owns("cn", "jv", 50), owns("us", "jv", 50)]
    assert run(graph, nodes, edges, restricted_jurisdictions=["CN"])["jv"] == "clear"
    strict = verdict_for(graph, policy(restricted_jurisdictions=["CN"]), "jv", DAY)
    assert strict["evidence"]["joint_control"] is True and strict["verdict"] == "clear"
    inclusive = verdict_for(graph, policy(restricted_jurisdictions=["CN"], threshold_inclusive=True), "jv", DAY)
    assert inclusive["verdict"] == "restricted" and inclusive["evidence"]["joint_control"] is True


def test_dates_decide_which_interests_count(graph: Graph) -> None:
    nodes = [RNode("ru", jurisdiction="RU"), RNode("t")]
    edges = [owns("ru", "t", 80, start=date(2020, 1, 1), end=date(2023, 12, 31))]
    write_graph(graph, nodes, edges)
    p = policy()
    assert verdict_for(graph, p, "t", date(2022, 6, 1))["verdict"] == "restricted"
    assert verdict_for(graph, p, "t", date(2024, 6, 1))["verdict"] == "clear"
    assert verdict_for(graph, p, "t", date(2019, 6, 1))["verdict"] == "clear"


def test_control_without_equity_and_per_kind_switches(graph: Graph) -> None:
    nodes = [RNode("ru", jurisdiction="RU"), RNode("a"), RNode("b")]
    edges = [REdge("ru", "a", "CONTROLS", kind="contractual"), REdge("ru", "b", "CONTROLS", kind="officer")]
    assert run(graph, nodes, edges, control_kinds=["contractual"]) == {"ru": "restricted", "a": "restricted",
                                                                       "b": "clear"}


def test_declared_indirect_is_never_summed_with_its_chain(graph: Graph) -> None:
    # s holds 30% of m directly and declares 30% indirect (through m's holder h): 30%, not 60%.
    nodes = [RNode("s", jurisdiction="RU"), RNode("h"), RNode("m")]
    edges = [owns("s", "m", 30), owns("s", "h", 40), owns("h", "m", 30), owns("s", "m", 30, direct="indirect")]
    assert run(graph, nodes, edges)["m"] == "clear"
    graph.driver.execute_query("MATCH (n) DETACH DELETE n", database_=graph.database)
    # ...but a declared indirect majority stands on its own.
    assert run(graph, nodes, [owns("s", "m", 60, direct="indirect")])["m"] == "restricted"


def test_undisclosed_remainder_only_counts_when_the_policy_says(graph: Graph) -> None:
    nodes = [RNode("ru", jurisdiction="RU"), RNode("gb", jurisdiction="GB"), RNode("t")]
    edges = [owns("ru", "t", 30), owns("gb", "t", 30)]
    assert run(graph, nodes, edges)["t"] == "clear"
    graph.driver.execute_query("MATCH (n) DETACH DELETE n", database_=graph.database)
    verdicts = run(graph, nodes, edges, undisclosed_counts=True)
    assert verdicts["t"] == "review"  # 30% known + 40% undisclosed could be restricted


def test_overrides_pin_and_propagate_until_they_expire(graph: Graph) -> None:
    nodes = [RNode("a", keys=("XX-T:a",)), RNode("b")]
    edges = [owns("a", "b", 70)]
    write_graph(graph, nodes, edges)
    pinned = policy(overrides=[Override(entity="XX-T:a", verdict="restricted", reason="court ruling 12/2024",
                                        expires=date(2025, 12, 31))])
    _, stored = engine_verdicts(graph, pinned, DAY)
    assert stored["a"]["verdict"] == "restricted" and stored["a"]["pin_reason"] == "court ruling 12/2024"
    assert stored["b"]["verdict"] == "restricted"
    result = verdict_for(graph, pinned, "XX-T:a")
    assert result["evidence"]["override"] == {"verdict": "restricted", "reason": "court ruling 12/2024"}
    _, later = engine_verdicts(graph, pinned, date(2026, 6, 1))
    assert "b" not in later or later["b"]["verdict"] == "clear"


def test_lookthrough_is_multiplicative_and_converges_on_cycles(graph: Graph) -> None:
    nodes = [RNode("s", jurisdiction="RU"), RNode("a"), RNode("b")]
    edges = [owns("s", "a", 50), owns("a", "b", 50), owns("b", "a", 50)]
    write_graph(graph, nodes, edges)
    _, stored = engine_verdicts(graph, policy(), DAY)
    # a = 0.5 + 0.5 b, b = 0.5 a  =>  a = 2/3, b = 1/3
    # Look-through stops spreading changes below 0.01 percentage points (LOOKTHROUGH_EPSILON).
    assert stored["a"]["lookthrough_min"] == pytest.approx(200 / 3, abs=0.05)
    assert stored["b"]["lookthrough_min"] == pytest.approx(100 / 3, abs=0.05)


def test_lookthrough_cut_short_by_its_cap_still_gives_lower_bounds_below_a_slow_cycle(
        graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cross-holding of 99% each way settles in hundreds of rounds; past the cap the shares are lower
    bounds, and a party below both sides of the cycle, which waits while a holder keeps moving in the same
    round, gets one too (the last rounds before the cap let nothing wait)."""
    monkeypatch.setattr(engine_compute, "LOOKTHROUGH_MAX_ROUNDS", 14)
    monkeypatch.setattr(engine_compute, "PARTS", 1)  # one transaction a round: x never waits alone in its part
    nodes = [RNode("s", jurisdiction="RU"), RNode("a"), RNode("b"), RNode("x")]
    edges = [owns("s", "a", 10), owns("a", "b", 99), owns("b", "a", 99), owns("a", "x", 50), owns("b", "x", 1)]
    write_graph(graph, nodes, edges)
    generation, stored = engine_verdicts(graph, policy(), DAY)
    [record] = graph.driver.execute_query("MATCH (g:Generation {id: $id}) RETURN g.lookthrough_converged AS done",
                                          id=generation, database_=graph.database).records
    assert record["done"] is False
    # a = 0.1 + 0.99 b, b = 0.99 a  =>  a = 0.1 / (1 - 0.9801) = 5.025..., x = a / 2 + b / 100
    assert 0 < stored["a"]["lookthrough_min"] < 100 * 0.1 / (1 - 0.99 * 0.99)
    assert 0 < stored["x"]["lookthrough_min"] <= (stored["a"]["lookthrough_min"] / 2
                                                  + stored["b"]["lookthrough_min"] / 100 + 0.01)


def test_what_if_changes_the_verdict_and_writes_nothing(graph: Graph) -> None:
    nodes = [RNode("ru", jurisdiction="RU"), RNode("gb", jurisdiction="GB"), RNode("t")]
    write_graph(graph, nodes, [owns("ru", "t", 40), owns("gb", "t", 60)])
    p = policy()
    engine_verdicts(graph, p, DAY)
    before = graph.driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=graph.database).records[0]["n"]
    result = verdict_for(graph, p, "t", DAY, [Change("add", "ru", "t", share_min=60, share_max=60),
                                              Change("add", "gb", "t", share_min=40, share_max=40)])
    assert result["verdict"] == "restricted" and result["mode"] == "what_if"
    assert result["restricted_share"]["min"] == 60
    removed = verdict_for(graph, p, "t", DAY, [Change("remove", "ru", "t")])
    assert removed["verdict"] == "clear" and removed["restricted_share"]["max"] == 0
    after = graph.driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=graph.database).records[0]["n"]
    assert after == before


def test_evidence_names_the_chain_down_to_the_seed(graph: Graph) -> None:
    nodes = [RNode("ru", jurisdiction="RU"), RNode("mid"), RNode("t")]
    write_graph(graph, nodes, [owns("ru", "mid", 80), owns("mid", "t", 55)])
    p = policy()
    engine_verdicts(graph, p, DAY)
    result = verdict_for(graph, p, "t", DAY)
    assert result["mode"] == "stored" and result["verdict"] == "restricted"
    assert [h["holder_id"] for h in result["evidence"]["holders"] if h["counts"]] == ["mid"]
    assert result["evidence"]["chain"][0]["holder_id"] == "ru"
    assert result["evidence"]["chain"][0]["holder_seed_reason"] == "incorporated in RU"
    assert result["evidence"]["holders"][0]["statement_id"].startswith("stmt-")
    assert "55%" in result["evidence"]["arithmetic"] and "> 50%" in result["evidence"]["arithmetic"]


def test_on_demand_evidence_shows_what_the_stored_evidence_shows(graph: Graph) -> None:
    """The walk reads only what the arithmetic needs and the evidence's names, statement ids, sources and
    dates afterwards: its holders and chain equal the generation's for the same date, and a hypothetical
    stake is shown with its holder's name."""
    nodes = [RNode("ru", jurisdiction="RU"), RNode("mid"), RNode("t"), RNode("gb"), RNode("ir", jurisdiction="IR")]
    write_graph(graph, nodes, [owns("ru", "mid", 80), owns("mid", "t", 55, start=date(2020, 1, 1)),
                               owns("gb", "t", 20), owns("ir", "t", 10, end=date(2024, 1, 1))])
    p = policy()
    engine_verdicts(graph, p, DAY)
    stored = verdict_for(graph, p, "t", DAY)
    walked = on_demand_verdict(graph, p, resolve(graph, "t"), DAY)
    assert stored["mode"] == "stored" and walked["mode"] == "on_demand" and walked["verdict"] == "restricted"
    for part in ("holders", "chain", "arithmetic"):
        assert walked["evidence"][part] == stored["evidence"][part], part
    assert {h["holder_id"] for h in walked["evidence"]["holders"]} == {"mid", "gb"}  # ir's stake has ended
    mid = next(h for h in walked["evidence"]["holders"] if h["holder_id"] == "mid")
    assert mid["holder_name"] == "mid" and mid["statement_id"].startswith("stmt-") and mid["start_date"] == "2020-01-01"
    added_stake = [Change("add", "ir", "t", share_min=5.0, share_max=5.0)]
    what_if = on_demand_verdict(graph, p, resolve(graph, "t"), DAY, added_stake)
    added = next(h for h in what_if["evidence"]["holders"] if h["holder_id"] == "ir")
    assert added["holder_name"] == "ir" and added["source"] == "what-if" and added["share"] == "5%"


def test_a_walks_evidence_reads_the_details_of_its_whole_chain_at_once(
        graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """RU seed -> c1 -> c2 -> c3 -> c4, 60% each: c4's evidence climbs four levels to the seed, and the
    names, statement ids and sources of all of them come from one read (they took one read a level)."""
    chain = [RNode("ru", jurisdiction="RU"), *(RNode(f"c{level}") for level in range(1, 5))]
    ids = [n.id for n in chain]
    write_graph(graph, chain, [owns(holder, subject, 60) for holder, subject in pairwise(ids)])
    statements = count_reads(graph, monkeypatch)
    walked = on_demand_verdict(graph, policy(), resolve(graph, "c4"), DAY)
    assert walked["verdict"] == "restricted"
    assert [(link["subject_id"], link["holder_id"]) for link in walked["evidence"]["chain"]] == [
        ("c3", "c2"), ("c2", "c1"), ("c1", "ru")]
    assert all(link["holder_name"] and link["statement_id"].startswith("stmt-") and link["source"] == "test"
               for link in [*walked["evidence"]["chain"], *walked["evidence"]["holders"]])
    assert statements.count("engine/interest_details") == 1, statements


def test_on_demand_walk_reads_ancestors_at_any_depth(graph: Graph) -> None:
    """A 45-level chain of 60% stakes below an RU seed: the bottom is restricted in the generation and on
    demand, whatever the depth (the walk once stopped 30 levels up, and the seed's stake counted as clear).
    The ultimate owners also reach the seed."""
    chain = [RNode("ru", jurisdiction="RU"), *(RNode(f"c{level}") for level in range(1, 46))]
    ids = [n.id for n in chain]
    write_graph(graph, chain, [owns(holder, subject, 60) for holder, subject in pairwise(ids)])
    p = policy()
    _, stored = engine_verdicts(graph, p, DAY)
    assert stored["c45"]["verdict"] == "restricted"
    walked = on_demand_verdict(graph, p, resolve(graph, "c45"), DAY)
    assert walked["verdict"] == "restricted" and walked["evidence"]["subgraph"]["parties"] == 46
    assert walked["evidence"]["subgraph"]["truncated"] is False
    owners = ultimate(graph, "c45", DAY)["owners"]
    assert [(o["id"], o["levels"]) for o in owners] == [("ru", 45)]


def test_unknown_entity_and_bad_policy_files(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(UnknownEntity):
        verdict_for(graph, policy(), "XX-NOPE:1")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\nthreshold_percent: 150\nthreshold_inclusive: maybe\n"
                   "restricted_jurisdictions: [ZZ]\n")
    with pytest.raises(PolicyError) as error:
        load_policy(bad)
    message = str(error.value)
    assert "bad.yaml" in message and "key threshold_percent" in message and "key threshold_inclusive" in message
    assert "key restricted_jurisdictions" in message
    unknown_key = tmp_path / "typo.yaml"
    unknown_key.write_text("id: x\nversion: '1'\nthreshold_percent: 50\nthreshold_inclusive: true\nthreshhold: 1\n")
    with pytest.raises(PolicyError, match="key threshhold: Extra inputs are not permitted"):
        load_policy(unknown_key)
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML at line"):
        load_policy(broken)
    # Shaped like a date, not one: YAML's own constructor raised a bare ValueError naming neither
    no_such_day = tmp_path / "expiry.yaml"
    no_such_day.write_text("id: x\nversion: '1'\nthreshold_percent: 50\nthreshold_inclusive: true\noverrides:\n"
                           "  - {entity: 'XI-LEI:1', verdict: restricted, reason: r, expires: 2027-13-01}\n")
    with pytest.raises(PolicyError, match=r"expiry.yaml: key overrides.0.expires: .*month"):
        load_policy(no_such_day)
    good_day = tmp_path / "good.yaml"
    good_day.write_text(no_such_day.read_text().replace("2027-13-01", "2027-12-01"))
    assert str(load_policy(good_day).overrides[0].expires) == "2027-12-01"


def test_a_missing_policies_folder_is_named(tmp_path: Path) -> None:
    from app.policy import load_policies

    with pytest.raises(PolicyError, match="no such policies folder"):
        load_policies(tmp_path / "nope")


def test_a_party_newer_than_the_generation_is_judged_against_it(graph: Graph) -> None:
    nodes = [RNode("ru", jurisdiction="RU"), RNode("mid"), RNode("gb", jurisdiction="GB")]
    write_graph(graph, nodes, [owns("ru", "mid", 80)])
    graph.driver.execute_query("MATCH (p:Party) SET p.first_seen = datetime('2025-01-01T00:00:00Z')",
                               database_=graph.database)
    p = policy()
    engine_verdicts(graph, p, DAY)
    graph.driver.execute_query(
        """CREATE (n:Party:Entity {id: 'new', name: 'new', kind: 'entity', first_seen: datetime()})
           WITH n MATCH (m:Party {id: 'mid'}), (g:Party {id: 'gb'})
           CREATE (m)-[:OWNS {measure: 'equity', share_min: 55.0, share_max: 55.0, direct: 'direct',
                              statement_id: 'late', source: 'test'}]->(n),
                  (g)-[:OWNS {measure: 'equity', share_min: 45.0, share_max: 45.0, direct: 'direct'}]->(n)""",
        database_=graph.database)
    result = verdict_for(graph, p, "new", DAY)
    assert result["mode"] == "on_demand" and result["generation"]  # against the published generation
    assert result["verdict"] == "restricted" and result["restricted_share"]["min"] == 55.0
    assert result["lookthrough_share"]["min"] == pytest.approx(44.0)  # 80% x 55%
    assert result["evidence"]["chain"][0]["holder_id"] == "ru"
    # Screening tells the newer party (judged on demand) from the ones the generation holds, by identifier
    # and by name alike.
    screened = screen(graph, p, [ScreenQuery(identifier="new"), ScreenQuery(name="new"), ScreenQuery(identifier="mid")],
                      limit=5, min_score=0.5)
    by_key, by_name, held = (r["candidates"][0] for r in screened["results"])
    assert by_key["id"] == by_name["id"] == "new" and held["id"] == "mid"
    for candidate in (by_key, by_name):
        assert candidate["verdict"]["mode"] == "on_demand" and candidate["verdict"]["verdict"] == "restricted"
    assert held["verdict"]["mode"] == "stored" and held["verdict"]["verdict"] == "restricted"
    # A holder that is newer than the generation too: the whole ancestor subgraph is evaluated instead.
    graph.driver.execute_query(
        """CREATE (h:Party:Entity {id: 'newer', kind: 'entity', jurisdiction: 'RU', first_seen: datetime()})
           WITH h MATCH (n:Party {id: 'new'})
           CREATE (h)-[:OWNS {measure: 'votes', share_min: 51.0, share_max: 51.0, direct: 'direct'}]->(n)""",
        database_=graph.database)
    again = verdict_for(graph, p, "new", DAY)
    assert again["mode"] == "on_demand" and again["generation"] is None and again["verdict"] == "restricted"
