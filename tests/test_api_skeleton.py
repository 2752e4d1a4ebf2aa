"""Liveness, readiness and the error shape, over the real server."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.db import Graph
from app.settings import Settings, load_settings


def test_healthz_and_readyz(settings: Settings, graph: Graph) -> None:
    with TestClient(create_app(settings)) as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "neo4j": "reachable", "schema_missing": [], "warm_up": "off"}
        assert health.headers["x-request-id"]


def test_request_id_is_echoed(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz", headers={"x-request-id": "abc123"}).headers["x-request-id"] == "abc123"


def test_unknown_route_has_the_error_shape(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/nope", headers={"x-request-id": "r1"})
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "message": "Not Found", "details": [],
                               "request_id": "r1"}


def test_readyz_is_503_when_neo4j_is_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(neo4j_uri=f"neo4j://127.0.0.1:{port}", neo4j_connect_timeout_s=1, neo4j_max_retry_s=1)
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["neo4j"] == "unreachable"
    assert response.headers["retry-after"] == "5"


def test_verdict_route_is_503_not_500_when_neo4j_is_down() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(neo4j_uri=f"neo4j://127.0.0.1:{port}", neo4j_connect_timeout_s=1, neo4j_max_retry_s=1)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/v1/entities/GB-COH:01126618/verdict")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable" and response.headers["retry-after"] == "5"
