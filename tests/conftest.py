"""Fixtures: a real Neo4j for every test that touches data.

Order of preference: `NEO4J_URI` when set; a testcontainers Neo4j when a Docker
engine answers; otherwise the project's local server (instance `test`, its own
port and data folder so the demo's graph is never touched), started once per session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import Driver

from app.db import Graph, create_driver
from app.neo4j_local import LocalNeo4j
from app.schema import init_schema, reset_graph
from app.settings import Settings, load_settings

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The API tests' apps serve at once; each test of the warm-up (tests/test_warm_up.py) turns it on. A warm-up
# running beside a test would fill the process's memos that some tests count the effect of.
os.environ.setdefault("OWNERSHIP_API_WARM_UP", "false")
TEST_BOLT_PORT = int(os.environ.get("OWNERSHIP_TEST_BOLT_PORT", "7698"))


@dataclass
class Server:
    uri: str
    settings: Settings
    how: str


def _docker_engine_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Server]:
    base = load_settings()
    if base.neo4j_uri:
        yield Server(base.neo4j_uri, base, "NEO4J_URI")
        return
    if _docker_engine_answers():
        from testcontainers.neo4j import Neo4jContainer

        password = base.effective_password()
        with Neo4jContainer(f"neo4j:{base.neo4j_version}-community", password=password) as container:
            uri = container.get_connection_url()
            yield Server(uri, load_settings(neo4j_uri=uri, neo4j_password=password), "testcontainers")
        return
    server = LocalNeo4j(base, instance="test", port=TEST_BOLT_PORT)
    was_running = server.status().running
    server.start()
    settings = load_settings(neo4j_uri=server.uri)
    try:
        yield Server(server.uri, settings, f"local server {server.home}")
    finally:
        if not was_running:
            server.stop()


@pytest.fixture(scope="session")
def driver(neo4j_server: Server) -> Iterator[Driver]:
    drv = create_driver(neo4j_server.settings)
    drv.verify_connectivity()
    init_schema(Graph(drv, neo4j_server.settings.neo4j_database))
    yield drv
    drv.close()


@pytest.fixture
def graph(driver: Driver, neo4j_server: Server) -> Graph:
    """A clean graph for each test (the schema stays)."""
    g = Graph(driver, neo4j_server.settings.neo4j_database)
    reset_graph(g)
    return g


@pytest.fixture
def settings(neo4j_server: Server) -> Settings:
    return neo4j_server.settings


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI pointed at the test server."""
    from app.settings import get_settings

    assert settings.neo4j_uri
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    get_settings.cache_clear()


def pytest_report_header(config: pytest.Config) -> str:
    return f"shared data: {SHARED_DATA} ({'present' if SHARED_DATA.is_dir() else 'absent'})"


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Tests that change the environment must not leak a cached settings object into the next test."""
    from app.settings import get_settings

    yield
    get_settings.cache_clear()
