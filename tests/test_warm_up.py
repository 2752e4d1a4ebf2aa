"""The warm-up before the API reports ready (app/engine/warmup.py, app/api/warming.py), on the real samples."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from app.api.cache import GenerationView
from app.api.main import create_app
from app.api.warming import investigator_routes
from app.db import Graph
from app.engine.service import active_policies, verdict_for
from app.engine.verdicts import current_generation
from app.engine.warmup import SAMPLE_PARTIES, WarmUpReport, warm_up
from app.settings import Settings, SettingsError, load_settings
from tests.test_api import PLC, api_settings  # noqa: F401  (module fixture: samples loaded, generations computed)

KINDS = 8  # requests per sampled party (app/engine/warmup.py, `_requests`)
ROUTES = 7  # investigator routes asked once (app/api/warming.py, `investigator_routes`)


def _graph_digest(graph: Graph) -> dict[str, Any]:
    """Everything a read-only warm-up must leave as it was: every node's and relationship's properties."""
    records, _, _ = graph.driver.execute_query(
        """CALL () { MATCH (n) RETURN count(n) AS nodes, collect(properties(n)) AS node_props }
           CALL () { MATCH ()-[r]->() RETURN count(r) AS rels, collect(properties(r)) AS rel_props }
           RETURN nodes, rels, node_props, rel_props""", database_=graph.database)
    row = records[0]
    return {"nodes": row["nodes"], "rels": row["rels"],
            "node_props": sorted(map(repr, row["node_props"])), "rel_props": sorted(map(repr, row["rel_props"]))}


def test_warm_up_asks_every_kind_and_writes_nothing(api_settings: Settings, driver: Driver) -> None:  # noqa: F811
    graph = Graph(driver, api_settings.neo4j_database)
    policies = active_policies(api_settings)
    before = _graph_digest(graph)
    verdicts_before = {pid: verdict_for(graph, policy, PLC) for pid, policy in policies.items()}

    report = warm_up(graph, policies, lambda policy_id: current_generation(graph, policy_id))
    investigator_routes(graph, policies, GenerationView(lambda: {pid: g for pid in policies
                                                                 if (g := current_generation(graph, pid))}, 60),
                        report)

    assert report.failed == {}
    assert report.skipped == {}  # every active policy has a generation in this fixture
    verdict_requests = report.requests - ROUTES
    assert verdict_requests % KINDS == 0 and KINDS * len(policies) <= verdict_requests
    assert verdict_requests <= KINDS * SAMPLE_PARTIES * len(policies)
    assert set(report.slowest_ms) == {
        "stored", "the day before", "years back", "added after the generation", "whole ancestry",
        "what-if through settled parties", "what-if, a holder sells", "what-if, a buyer above",
        "profile", "owners", "subsidiaries", "paths", "ultimate owners", "search", "screening"}
    assert _graph_digest(graph) == before
    assert {pid: verdict_for(graph, policy, PLC) for pid, policy in policies.items()} == verdicts_before


def test_warm_up_skips_policies_without_a_generation(api_settings: Settings, driver: Driver) -> None:  # noqa: F811
    graph = Graph(driver, api_settings.neo4j_database)
    policies = active_policies(api_settings)
    report = warm_up(graph, policies, lambda policy_id: None)
    assert report.requests == 0
    assert report.skipped == {pid: "no published generation for this policy version" for pid in policies}
    assert "skipped" in report.summary()


def test_warm_up_stops_when_asked(api_settings: Settings, driver: Driver) -> None:  # noqa: F811
    graph = Graph(driver, api_settings.neo4j_database)
    report = warm_up(graph, active_policies(api_settings), lambda policy_id: current_generation(graph, policy_id),
                     stopped=lambda: True)
    assert report.requests == 0


def test_readyz_waits_for_the_warm_up(api_settings: Settings) -> None:  # noqa: F811
    settings = api_settings.model_copy(update={"api_warm_up": True})
    app = create_app(settings)
    with TestClient(app) as client:
        states = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            response = client.get("/readyz")
            body = response.json()
            states.append((response.status_code, body["status"], body["warm_up"]))
            if response.status_code == 200:
                break
            assert (response.status_code, body["status"], body["warm_up"]) == (503, "warming", "running")
            assert response.headers["retry-after"] == "2"
            time.sleep(0.05)
        assert states[-1] == (200, "ready", "done"), states
        report = app.state.services.warm_up.report
        assert report is not None and report.failed == {} and report.requests > 0
        assert {"profile", "ultimate owners", "screening"} <= set(report.slowest_ms)
        assert client.get(f"/v1/entities/{PLC}/verdict").status_code == 200


def test_readyz_without_warm_up_says_off(api_settings: Settings) -> None:  # noqa: F811
    with TestClient(create_app(api_settings.model_copy(update={"api_warm_up": False}))) as client:
        response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["warm_up"] == "off"


def test_warm_up_waits_for_neo4j_and_shutdown_does_not_wait_for_it() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(neo4j_uri=f"neo4j://127.0.0.1:{port}", neo4j_connect_timeout_s=1,
                             neo4j_max_retry_s=1, api_warm_up=True)
    started = time.monotonic()
    with TestClient(create_app(settings)) as client:
        body = client.get("/readyz").json()
        assert (body["neo4j"], body["warm_up"]) == ("unreachable", "running")
    assert time.monotonic() - started < 15


def test_report_summary_names_failures() -> None:
    report = WarmUpReport(seconds=1.25, requests=3, failed={"p: stored": "ServiceUnavailable: gone"},
                          skipped={"q": "no entity has a holder"})
    assert report.summary() == ("3 requests in 1.2 s; skipped q (no entity has a holder); "
                                "failed p: stored (ServiceUnavailable: gone)")


def test_invalid_warm_up_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERSHIP_API_WARM_UP", "maybe")
    with pytest.raises(SettingsError, match="OWNERSHIP_API_WARM_UP: Input should be a valid boolean"):
        load_settings()
