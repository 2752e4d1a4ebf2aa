"""Every API route against a real Neo4j loaded with the real registry samples."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from app.api.auth import hash_key
from app.api.main import create_app
from app.db import Graph
from app.engine.compute import compute_generation
from app.engine.service import active_policies
from app.schema import reset_graph
from app.settings import Settings, load_settings
from tests.conftest import FIXTURES, SHARED_DATA, Server
from tests.loading import load

ADMIN_KEY = "test-admin-key"
FTM = SHARED_DATA / "opensanctions-yente" / "tests" / "fixtures" / "dataset" / "zala" / "entities.ftm.json"
AS_OF = date(2025, 3, 1)
PLC = "GB-COH:01126618"


def load_samples(graph: Graph, tmp: Path) -> None:
    reset_graph(graph)
    load(graph, "bods", FIXTURES / "bods-opencheck-demo", tmp=tmp)
    load(graph, "gleif", FIXTURES / "gleif" / "lei-data.xml", FIXTURES / "gleif" / "rr-data.xml",
         FIXTURES / "gleif" / "repex-data.xml", tmp=tmp)
    load(graph, "psc", *sorted((FIXTURES / "uk-psc").glob("psc-data-*.json")), tmp=tmp)
    if FTM.exists():
        load(graph, "ftm", FTM, tmp=tmp)


@pytest.fixture(scope="module")
def api_settings(neo4j_server: Server, driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    graph = Graph(driver, neo4j_server.settings.neo4j_database)
    load_samples(graph, tmp_path_factory.mktemp("rejects"))
    settings = load_settings(neo4j_uri=neo4j_server.uri, api_keys=[hash_key(ADMIN_KEY)])
    for policy in active_policies(settings).values():
        compute_generation(graph, policy, AS_OF)
    return settings


@pytest.fixture(scope="module")
def client(api_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def parent_of_plc(client: TestClient) -> dict[str, Any]:
    verdict = ok(client.get(f"/v1/entities/{PLC}/verdict"))
    parents = [h for h in verdict["evidence"]["holders"] if h["counts"] and h["holder_name"] == "BANK SADERAT IRAN"]
    return dict(parents[0])


def test_stored_verdict_with_bounds_evidence_and_generation(client: TestClient) -> None:
    verdict = ok(client.get(f"/v1/entities/{PLC}/verdict"))
    assert verdict["verdict"] == "restricted" and verdict["mode"] == "stored"
    assert verdict["policy"] == {"id": "restricted-jurisdictions", "version": "1"}
    assert verdict["generation"].startswith("restricted-jurisdictions@1/2025-03-01/")
    assert verdict["as_of"] == "2025-03-01" and verdict["data_as_of"]
    assert "BANK SADERAT IRAN" in verdict["reason"]
    again = ok(client.get("/v1/entities/XI-LEI:2138008KTNTDICZU8L25/verdict"))
    assert again["entity"]["id"] == verdict["entity"]["id"]
    other_date = ok(client.get(f"/v1/entities/{PLC}/verdict", params={"as_of": "2025-06-01"}))
    assert other_date["mode"] == "on_demand" and other_date["verdict"] == "restricted"
    # from the announced generation where it still holds, not a walk of the whole ancestry
    assert other_date["evidence"]["basis"]["generation"] == verdict["generation"]


def test_verdict_cache_serves_only_the_announced_generation(client: TestClient, api_settings: Settings,
                                                            driver: Driver) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    first = ok(client.get(f"/v1/entities/{PLC}/verdict"))
    assert ok(client.get(f"/v1/entities/{PLC}/verdict")) == first
    graph = Graph(driver, api_settings.neo4j_database)
    policy = services.policies["restricted-jurisdictions"]
    newer = compute_generation(graph, policy, AS_OF)
    services.generations.invalidate()
    second = ok(client.get(f"/v1/entities/{PLC}/verdict"))
    assert second["generation"] == newer.generation != first["generation"]
    metrics = client.get("/metrics").text
    assert 'ownership_verdict_cache_total{outcome="hit"}' in metrics
    gauge = f'{{generation="{newer.generation}",policy="restricted-jurisdictions"}} 1.0'
    assert "ownership_published_generation_info" + gauge in metrics


def test_unknown_entity_is_404_with_the_reference_echoed(client: TestClient) -> None:
    for path in ("/v1/entities/XX:NOPE/verdict", "/v1/entities/XX:NOPE", "/v1/entities/XX:NOPE/owners",
                 "/v1/entities/XX:NOPE/subsidiaries", "/v1/entities/XX:NOPE/ultimate-owners"):
        response = client.get(path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["code"] == "unknown_entity" and body["details"] == [{"field": "path.ref", "message": "XX:NOPE"}]
    missing_to = client.get(f"/v1/entities/{PLC}/paths", params={"to": "XX:OTHER"})
    assert missing_to.status_code == 404 and missing_to.json()["details"][0]["field"] == "query.to"


def test_bad_input_is_422_naming_the_field(client: TestClient) -> None:
    cases = [
        (client.get(f"/v1/entities/{PLC}/verdict", params={"policy": "nope"}), "query.policy"),
        (client.get(f"/v1/entities/{PLC}/verdict", params={"as_of": "2025-13-01"}), "query.as_of"),
        (client.get(f"/v1/entities/{PLC}/owners", params={"depth": 99}), "query.depth"),
        (client.get("/v1/search", params={"q": ""}), "query.q"),
        (client.post("/v1/screen", json={"queries": []}), "body.queries"),
        (client.post("/v1/screen", json={"queries": [{"country": "GB"}]}), "body.queries.0"),
        (client.post("/v1/screen", json={"queries": [{"name": "x"}] * 1001}), "body.queries"),
        (client.post("/v1/simulate", json={"ref": PLC, "changes": [{"action": "add", "holder": PLC,
                                                                    "subject": PLC}]}), "body.changes.0"),
    ]
    for response, field in cases:
        assert response.status_code == 422, response.text
        assert any(d["field"] == field for d in response.json()["details"]), (field, response.json())


def test_body_size_is_limited(client: TestClient) -> None:
    response = client.post("/v1/screen", content=b"{" + b" " * 2_100_000 + b"}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_entity_profile(client: TestClient) -> None:
    profile = ok(client.get(f"/v1/entities/{PLC}"))
    assert profile["name"] == "BANK SADERAT PLC"
    assert {PLC, "XI-LEI:2138008KTNTDICZU8L25"} <= set(profile["identifiers"])
    assert "bods" in profile["sources"] and profile["statement_ids"] and profile["owner_interests"] >= 1


def test_profile_of_a_dissolved_entity(client: TestClient, driver: Driver) -> None:
    """Dissolution is a date in the graph (BODS dissolutionDate); the profile reports it as one."""
    [row] = driver.execute_query("MATCH (p:Party) WHERE p.dissolved IS NOT NULL "
                                 "RETURN p.id AS id, toString(p.dissolved) AS day ORDER BY id LIMIT 1").records
    assert ok(client.get(f"/v1/entities/{row['id']}"))["dissolved"] == row["day"]


def test_owners_subsidiaries_and_paths(client: TestClient) -> None:
    parent = parent_of_plc(client)
    owners = ok(client.get(f"/v1/entities/{PLC}/owners", params={"depth": 2}))
    assert parent["holder_id"] in {p["id"] for p in owners["parties"]}
    edge = next(i for i in owners["interests"] if i["holder"] == parent["holder_id"])
    assert edge["relation"] == "CONTROLS" and edge["statement_id"]
    plc_id = owners["root"]
    down = ok(client.get(f"/v1/entities/{parent['holder_id']}/subsidiaries", params={"depth": 1}))
    assert plc_id in {p["id"] for p in down["parties"]}
    shallow = ok(client.get(f"/v1/entities/{PLC}/owners", params={"depth": 1}))
    assert all(p["level"] <= 1 for p in shallow["parties"])
    found = ok(client.get(f"/v1/entities/{PLC}/paths", params={"to": parent["holder_id"]}))
    assert found["paths"] and found["paths"][0]["direction"] == "to_holds_ref"
    assert found["paths"][0]["parties"][0]["id"] == parent["holder_id"]
    assert found["paths"][0]["parties"][-1]["id"] == plc_id


def test_ultimate_owners(client: TestClient) -> None:
    result = ok(client.get(f"/v1/entities/{PLC}/ultimate-owners", params={"as_of": "2025-03-01"}))
    assert result["owners"], result
    assert all("lookthrough_share" in o for o in result["owners"])
    assert all(o.get("name") and o.get("kind") for o in result["owners"]), result["owners"]


def test_search_by_name_and_identifier(client: TestClient) -> None:
    by_name = ok(client.get("/v1/search", params={"q": "bank saderat"}))
    assert "BANK SADERAT PLC" in [r["name"] for r in by_name["results"]]
    # The name typed in full comes first: its legal form ranks it above the Bank Saderat Irans it tied with
    for typed in ("bank saderat plc", "Saderat PLC"):
        in_full = ok(client.get("/v1/search", params={"q": typed}))["results"]
        assert in_full[0]["name"] == "BANK SADERAT PLC" and in_full[0]["score"] > in_full[1]["score"], in_full
    # A legal form alone matches nothing it did not match before: every result still has an identity word
    every = [ok(client.get("/v1/search", params={"q": typed, "limit": 100}))
             for typed in ("bank saderat", "bank saderat plc")]
    assert not any(page["truncated"] for page in every)
    assert {r["id"] for r in every[0]["results"]} == {r["id"] for r in every[1]["results"]}
    by_key = ok(client.get("/v1/search", params={"q": PLC}))
    assert by_key["results"][0]["matched"] == "identifier" and by_key["results"][0]["name"] == "BANK SADERAT PLC"
    # Pasted as an investigator finds them: lower case, without the scheme, a company number, a platform id
    plc_id = by_key["results"][0]["id"]
    for typed in (PLC.lower(), PLC.split(":", 1)[1], PLC.split(":", 1)[1].lower(), plc_id,
                  "1126618", "GB-COH:1126618"):  # a company number without its leading zero
        found = ok(client.get("/v1/search", params={"q": typed}))["results"]
        assert found and found[0]["matched"] == "identifier" and found[0]["id"] == plc_id, (typed, found)
    later = ok(client.get("/v1/search", params={"q": PLC, "skip": 1}))["results"]
    assert all(r["matched"] == "name" for r in later)  # identified on the first page only
    assert ok(client.get("/v1/search", params={"q": "1234"}))["results"] == []
    odd = ok(client.get("/v1/search", params={"q": 'AND OR ( "] ~ * \\'}))
    assert odd["results"] == [] or isinstance(odd["results"], list)


def test_screen_by_identifier_and_name(client: TestClient) -> None:
    body = {"queries": [
        {"identifier": "XI-LEI:2138008KTNTDICZU8L25"},
        {"name": "Bank Saderat plc", "country": "GB"},
        {"name": "Банк Садерат"},  # Cyrillic transliterates to the same words
        {"name": "Zzyzx Quux Nonexistent Holdings GmbH"},
        {"identifier": "XX:NOPE"},
    ]}
    result = ok(client.post("/v1/screen", json=body))
    assert result["generation"] and len(result["results"]) == 5
    first, second, third, fourth, fifth = result["results"]
    assert first["status"] == "matched" and first["candidates"][0]["score"] == 1.0
    assert first["candidates"][0]["verdict"]["verdict"] == "restricted"
    assert second["candidates"][0]["name"] == "BANK SADERAT PLC"
    assert second["candidates"][0]["verdict"]["verdict"] == "restricted"
    assert third["status"] == "matched"
    assert fourth["status"] == "no_match" and fourth["candidates"] == []
    assert fifth["status"] == "no_match"


def test_identifiers_typed_in_lower_case_name_their_party(client: TestClient) -> None:
    exact = ok(client.get(f"/v1/entities/{PLC}/verdict"))
    lower = ok(client.get(f"/v1/entities/{PLC.lower()}/verdict"))
    assert lower["entity"]["id"] == exact["entity"]["id"] and lower["verdict"] == exact["verdict"] == "restricted"
    owners = ok(client.get(f"/v1/entities/{PLC.lower()}/owners"))
    assert owners["root"] == exact["entity"]["id"]
    screened = ok(client.post("/v1/screen", json={"queries": [{"identifier": PLC.lower()}]}))["results"][0]
    assert screened["status"] == "matched" and screened["candidates"][0]["id"] == exact["entity"]["id"]
    missing = client.get("/v1/entities/xx-nope:1/verdict")
    assert missing.status_code == 404 and missing.json()["details"][0]["message"] == "xx-nope:1"


def test_simulate_removing_the_controlling_parent_clears(client: TestClient) -> None:
    parent = parent_of_plc(client)
    change = {"action": "remove", "holder": parent["holder_id"], "subject": PLC, "relation": "CONTROLS"}
    result = ok(client.post("/v1/simulate", json={"ref": PLC, "changes": [change]}))
    assert result["before"]["verdict"] == "restricted" and result["after"]["mode"] == "what_if"
    assert result["after"]["verdict"] != "restricted" and result["changed"] is True
    assert result["after"]["evidence"]["basis"]["generation"] == result["before"]["generation"]  # not a whole walk
    unknown = client.post("/v1/simulate", json={"ref": PLC, "changes": [{**change, "holder": "XX:NOPE"}]})
    assert unknown.status_code == 404 and unknown.json()["details"][0]["field"] == "body.changes.0.holder"
    # holder and subject swapped: no such interest, so nothing to remove (not "no change")
    swapped = {**change, "holder": PLC, "subject": parent["holder_id"]}
    nothing = client.post("/v1/simulate", json={"ref": PLC, "changes": [swapped]})
    assert nothing.status_code == 422 and nothing.json()["details"][0]["field"] == "body.changes.0"
    assert "nothing to remove" in nothing.json()["message"]
    # voting rights are a measure the default policy counts: 60% of the votes restricts again
    votes = {"action": "add", "holder": parent["holder_id"], "subject": PLC, "measure": "votes", "share_min": 60.0,
             "share_max": 60.0}
    result = ok(client.post("/v1/simulate", json={"ref": PLC, "changes": [change, votes]}))
    assert result["after"]["verdict"] == "restricted" and result["after"]["restricted_share"]["min"] == 60.0
    wrong = client.post("/v1/simulate", json={"ref": PLC, "changes": [change, {**votes, "measure": "voting"}]})
    assert wrong.status_code == 422 and wrong.json()["details"][0]["field"] == "body.changes.1.measure"
    board = {"action": "add", "holder": parent["holder_id"], "subject": PLC, "relation": "CONTROLS",
             "kind": "board_appointment"}
    assert ok(client.post("/v1/simulate", json={"ref": PLC, "changes": [change, board]}))["after"]["verdict"] == (
        "restricted")
    unknown_kind = client.post("/v1/simulate", json={"ref": PLC, "changes": [change, {**board, "kind": "board"}]})
    assert unknown_kind.status_code == 422 and unknown_kind.json()["details"][0]["field"] == "body.changes.1.kind"
    assert "board_appointment" in unknown_kind.json()["details"][0]["message"]


def test_admin_routes_need_a_key(client: TestClient) -> None:
    for method, path in (("get", "/v1/policies"), ("get", "/v1/generations"), ("get", "/v1/runs"), ("get", "/v1/loads"),
                         ("post", "/v1/recompute")):
        response = client.request(method.upper(), path, json={} if method == "post" else None)
        assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    wrong = client.get("/v1/policies", headers={"X-API-Key": "wrong"})
    assert wrong.status_code == 403


def test_admin_lists_policies_generations_runs(client: TestClient) -> None:
    headers = {"X-API-Key": ADMIN_KEY}
    policies = ok(client.get("/v1/policies", headers=headers))
    assert {p["id"] for p in policies} == {"restricted-jurisdictions", "ofac-50-percent"}
    assert all(p["generation"] for p in policies)
    generations = ok(client.get("/v1/generations", headers=headers, params={"policy": "ofac-50-percent"}))
    assert generations and all(g["policy_id"] == "ofac-50-percent" for g in generations)
    runs = ok(client.get("/v1/loads", headers=headers))
    assert {r["source"] for r in runs} >= {"bods", "gleif", "psc"} and all(r["status"] == "completed" for r in runs)


def test_admin_recompute_runs_in_the_background(client: TestClient) -> None:
    import time

    headers = {"X-API-Key": ADMIN_KEY}
    job = client.post("/v1/recompute", headers=headers, json={"policy": "ofac-50-percent", "as_of": "2025-03-01"})
    assert job.status_code == 202, job.text
    deadline = time.monotonic() + 60
    status = job.json()
    while status["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = ok(client.get(f"/v1/recompute/{status['id']}", headers=headers))
    assert status["status"] == "completed", status
    assert status["report"]["generation"].startswith("ofac-50-percent@")
    assert client.get("/v1/recompute/nope", headers=headers).status_code == 404


def test_read_routes_can_require_a_key(api_settings: Settings) -> None:
    keyed = api_settings.model_copy(update={"read_requires_key": True})
    with TestClient(create_app(keyed)) as keyed_client:
        assert keyed_client.get(f"/v1/entities/{PLC}").status_code == 401
        assert keyed_client.get(f"/v1/entities/{PLC}", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
        assert keyed_client.get("/healthz").status_code == 200


def test_metrics_expose_routes_and_neo4j_latencies(client: TestClient) -> None:
    ok(client.get(f"/v1/entities/{PLC}"))
    text = client.get("/metrics").text
    assert 'ownership_http_requests_total{method="GET",route="/v1/entities/{ref}",status="200"}' in text
    assert 'ownership_neo4j_query_seconds_count{statement="api/entity_profile"}' in text
