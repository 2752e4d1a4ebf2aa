"""The CLI against the real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.db import Graph
from app.settings import get_settings

runner = CliRunner()


def test_db_init_stats_reset(cli_env: None, graph: Graph) -> None:
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    graph.driver.execute_query("CREATE (:Party {id: 'x'})", database_=graph.database)
    result = runner.invoke(app, ["db", "stats", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["labels"] == {"Party": 1}
    refused = runner.invoke(app, ["db", "reset"])
    assert refused.exit_code == 2
    assert runner.invoke(app, ["db", "reset", "--yes"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["db", "stats", "--json"]).stdout)["labels"] == {}


def test_unreachable_server_is_one_readable_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://127.0.0.1:9")
    monkeypatch.setenv("OWNERSHIP_NEO4J_CONNECT_TIMEOUT_S", "1")
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "stats"])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "is not reachable" in result.stderr and "Traceback" not in result.output


def test_invalid_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERSHIP_BATCH_SIZE", "0")
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "stats"])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "OWNERSHIP_BATCH_SIZE" in result.stderr


@pytest.mark.parametrize(("command", "option"), [(["verdict", "GB-COH:00000001"], "--as-of"),
                                                 (["refresh"], "--as-of"), (["changes"], "--since")])
def test_a_bad_date_is_named_before_the_server_is_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                       command: list[str], option: str) -> None:
    """With no server to reach, a malformed date option is still the error reported: arguments are checked
    before any connection is tried."""
    monkeypatch.setenv("NEO4J_URI", "neo4j://127.0.0.1:9")
    monkeypatch.setenv("OWNERSHIP_NEO4J_CONNECT_TIMEOUT_S", "1")
    config = tmp_path / "refresh.yaml"
    config.write_text(f"sources:\n  - {{name: gleif, kind: gleif, path: {tmp_path}, mode: full}}\n", encoding="utf-8")
    extra = ["--config", str(config)] if command == ["refresh"] else []
    get_settings.cache_clear()
    result = runner.invoke(app, [*command, *extra, option, "2026-13-01"])
    get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert f"{option}: not" in result.stderr and "not reachable" not in result.stderr, result.stderr
