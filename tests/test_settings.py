from __future__ import annotations

import pytest

from app.settings import SettingsError, load_settings


def test_production_needs_uri_and_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(SettingsError, match="NEO4J_URI must be set"):
        load_settings(mode="production")
    with pytest.raises(SettingsError, match="NEO4J_PASSWORD must be set"):
        load_settings(mode="production", neo4j_uri="neo4j://db:7687")
    ok = load_settings(mode="production", neo4j_uri="neo4j://db:7687", neo4j_password="s3cret-pass")
    assert ok.external


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERSHIP_LOCAL_BOLT_PORT", "not-a-port")
    with pytest.raises(SettingsError, match="OWNERSHIP_LOCAL_BOLT_PORT"):
        load_settings()


def test_neo4j_version_is_pinned_once() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    version = load_settings().neo4j_version
    assert version and version.startswith("5.26.")
    compose = (root / "docker-compose.yml").read_text()
    assert "${NEO4J_VERSION" in compose and version not in compose
