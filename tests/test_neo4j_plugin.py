"""Building and installing the project's procedures (app/neo4j_plugin.py).

The build that matters runs whenever a local server starts (the test server's start builds the jar that
tests/test_walk_procedure.py uses); these tests cover what it does when it cannot build, and the install.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app import neo4j_plugin
from app.neo4j_local import LocalNeo4j, find_java
from app.neo4j_plugin import JAR_PREFIX, build_plugin, install_plugin, source_digest
from tests.conftest import Server


def _server_lib(server: Server) -> tuple[Path, str]:
    """The test server's jars (fetched when it starts) and a Java to compile against them."""
    local = LocalNeo4j(server.settings)
    assert local.provisioned() and local.version
    return local.distribution / "lib", find_java(local.version)


def test_the_jar_is_built_once_per_version_of_the_sources(neo4j_server: Server, tmp_path: Path) -> None:
    lib, java = _server_lib(neo4j_server)
    first = build_plugin(lib, tmp_path, java)
    assert first.jar is not None, first.note
    assert first.jar.name == f"{JAR_PREFIX}-{source_digest(server=lib.resolve().parent.name)}.jar"
    assert source_digest(server="neo4j-community-0.0.0") != source_digest(server=lib.resolve().parent.name)
    assert "(built)" in first.note
    again = build_plugin(lib, tmp_path, java)
    assert again.jar == first.jar and "(built)" not in again.note
    assert [p.name for p in tmp_path.iterdir()] == [first.jar.name]  # no work folder left behind


def test_without_a_compiler_or_with_a_broken_source_there_is_no_jar_and_a_reason(
        neo4j_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, java = _server_lib(neo4j_server)
    monkeypatch.setattr(neo4j_plugin, "find_javac", lambda java: None)
    missing = build_plugin(lib, tmp_path / "cache", java)
    assert missing.jar is None and "no javac found" in missing.note and "Cypher" in missing.note
    monkeypatch.undo()
    sources = tmp_path / "src" / "ownership"
    sources.mkdir(parents=True)
    (sources / "Broken.java").write_text("package ownership;\npublic class Broken { int x = ; }\n")
    broken = build_plugin(lib, tmp_path / "cache", java, root=tmp_path / "src")
    assert broken.jar is None and "Broken.java:2" in broken.note
    assert not list((tmp_path / "cache").glob("*.jar"))


def test_install_puts_one_version_in_the_plugins_folder(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / f"{JAR_PREFIX}-old.jar").write_bytes(b"old")
    (plugins / "other-plugin.jar").write_bytes(b"theirs")
    jar = tmp_path / f"{JAR_PREFIX}-new.jar"
    jar.write_bytes(b"new")
    install_plugin(plugins, jar)
    assert sorted(p.name for p in plugins.iterdir()) == ["other-plugin.jar", f"{JAR_PREFIX}-new.jar"]
    install_plugin(plugins, None)  # no jar built: none left that the server could load by mistake
    assert sorted(p.name for p in plugins.iterdir()) == ["other-plugin.jar"]


def test_the_cli_copies_the_jar_into_another_servers_plugins_folder(neo4j_server: Server, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    result = CliRunner().invoke(app, ["neo4j", "plugin", str(tmp_path / "plugins")])
    assert result.exit_code == 0, result.output
    assert "restart that server" in result.stdout
    assert [p.name for p in (tmp_path / "plugins").iterdir()] == [
        f"{JAR_PREFIX}-{source_digest(server=LocalNeo4j(neo4j_server.settings).distribution.name)}.jar"]
