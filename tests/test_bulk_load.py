"""Bulk loading through Neo4j's offline importer gives the online loader's graph.

Each dataset (real samples of every format, the BODS 0.4 edge cases, a synthetic registry) is loaded twice:
online into the shared test server (small batches, so resolution crosses batch boundaries), and with
`--bulk` into a server of its own (the importer replaces its whole database). The two graphs must be the
same, party by party (a party is known by its set of identifier keys; platform ids may differ where the
online loader's depend on batch boundaries) and interest by interest; timestamps of the run aside.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.db import Graph, create_driver
from app.errors import LocalServerError
from app.neo4j_local import LocalNeo4j
from app.schema import reset_graph
from app.settings import Settings, load_settings
from loaders import bulk, synth
from loaders.bulk import NotEmpty, fold_party_rows, run_bulk_load
from loaders.registry import expand_paths, get_loader
from tests.conftest import FIXTURES
from tests.loading import load, rows

BULK_BOLT_PORT = int(os.environ.get("OWNERSHIP_TEST_BULK_BOLT_PORT", "7694"))
LISTS = ("names", "nationalities", "unresolved_countries", "reporting_exceptions", "tags", "sources", "statement_ids")
RUN_STAMPS = ("id", "first_seen", "last_seen")


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalNeo4j, Settings]]:
    home = tmp_path_factory.mktemp("bulk-neo4j")
    settings = load_settings(local_home=home, local_bolt_port=BULK_BOLT_PORT, local_heap="512m",
                             local_pagecache="256m")
    server = LocalNeo4j(settings)
    try:
        yield server, settings
    finally:
        server.stop()


def _bulk(server: LocalNeo4j, settings: Settings, kind: str, paths: list[Path], tmp: Path,
          json_lines_parts: bool = False) -> Any:
    loader = get_loader(kind)
    files = expand_paths(paths, loader.accepts)
    if server.status().running:
        with create_driver(settings, server.uri) as driver:
            reset_graph(Graph(driver, settings.neo4j_database))
    return run_bulk_load(server, settings, loader.source, files, loader.reader, loader.transform, tmp / "rejects",
                         json_lines_parts=json_lines_parts)


def _snapshot(graph: Graph) -> dict[str, Any]:
    """The graph with parties named by their identifier keys, comparable across loads."""
    keys_of = {r["id"]: tuple(sorted(r["keys"])) for r in rows(
        graph, "MATCH (p:Party) OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(p) RETURN p.id AS id, "
               "collect(i.key) AS keys")}
    parties = {}
    for r in rows(graph, "MATCH (p:Party) RETURN p.id AS id, labels(p) AS labels, properties(p) AS props"):
        props = {k: v for k, v in r["props"].items() if k not in RUN_STAMPS}
        for name in LISTS:  # order aside: within a batch the online loader orders by recency, across by arrival
            props[name] = sorted(props.get(name) or [])
        props["names_text"] = sorted(props.get("names_text", "").split(" \n "))
        parties[keys_of[r["id"]]] = (sorted(r["labels"]), props)
    interests: Counter[tuple[Any, ...]] = Counter()
    for r in rows(graph, "MATCH (a:Party)-[r:OWNS|CONTROLS]->(b:Party) RETURN a.id AS a, b.id AS b, type(r) AS t, "
                         "properties(r) AS props"):
        stake = tuple(sorted((k, str(v)) for k, v in r["props"].items() if k != "loaded_at"))
        interests[(keys_of[r["a"]], keys_of[r["b"]], r["t"], stake)] += 1
    identifiers = {(r["key"], r["scheme"], r["value"]) for r in rows(
        graph, "MATCH (i:Identifier) RETURN i.key AS key, i.scheme AS scheme, i.value AS value")}
    return {"parties": parties, "interests": interests, "identifiers": identifiers}


def _diff(online: dict[str, Any], bulk: dict[str, Any]) -> list[str]:
    problems = []
    for name in ("parties", "interests", "identifiers"):
        a, b = online[name], bulk[name]
        if isinstance(a, dict):
            for key in sorted(set(a) | set(b), key=str):
                if a.get(key) != b.get(key):
                    problems.append(f"{name} {key}: {_what_differs(a.get(key), b.get(key))}")
        elif a != b:
            extra, missing = b - a, a - b
            problems.append(f"{name}: only online {list(missing)[:3]}; only bulk {list(extra)[:3]}")
    return problems[:10]


def _what_differs(online: Any, bulk: Any) -> str:
    if online is None or bulk is None:
        return f"online {online}, bulk {bulk}"
    (labels_a, props_a), (labels_b, props_b) = online, bulk
    fields = {k: (props_a.get(k), props_b.get(k)) for k in set(props_a) | set(props_b)
              if props_a.get(k) != props_b.get(k)}
    return f"labels {labels_a} / {labels_b}; online / bulk {fields}"


DATASETS = {
    "bods": ("bods", [FIXTURES / "bods-opencheck-demo", FIXTURES / "bods-standard", FIXTURES / "bods-v04-fixtures"]),
    "gleif": ("gleif", [FIXTURES / "gleif" / "lei-data.xml", FIXTURES / "gleif" / "rr-data.xml",
                        FIXTURES / "gleif" / "repex-data.xml"]),
    "uk-psc": ("psc", sorted((FIXTURES / "uk-psc").glob("psc-data-*.json"))),
}


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_bulk_load_gives_the_online_graph(dataset: str, graph: Graph, bulk_server: tuple[LocalNeo4j, Settings],
                                          tmp_path: Path) -> None:
    kind, paths = DATASETS[dataset]
    online = load(graph, kind, *paths, tmp=tmp_path, batch_size=50)
    server, settings = bulk_server
    report = _bulk(server, settings, kind, paths, tmp_path)
    assert report.status == "completed"
    assert (report.read, report.transformed, report.rejected) == (online.read, online.transformed, online.rejected)
    with create_driver(settings, server.uri) as driver:
        bulk_graph = Graph(driver, settings.neo4j_database)
        assert _diff(_snapshot(graph), _snapshot(bulk_graph)) == []
        [run] = rows(bulk_graph, "MATCH (r:LoadRun) RETURN r {.*} AS run")
        assert run["run"]["mode"] == "bulk" and run["run"]["status"] == "completed"
        assert run["run"]["written_interests"] == sum(_snapshot(graph)["interests"].values())


def test_bulk_load_of_a_synthetic_registry_and_its_verdicts(graph: Graph, bulk_server: tuple[LocalNeo4j, Settings],
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read in two halves at once (as big JSON Lines files are), with a bad line in each half."""
    path = tmp_path / "synth.jsonl"
    synth.write(path, 1_500)
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(10, b'{"statementId": broken\n')
    lines.insert(len(lines) - 10, b"\xff\xfe not utf-8\n")
    path.write_bytes(b"".join(lines))
    online = load(graph, "bods", path, tmp=tmp_path / "online", batch_size=700)
    server, settings = bulk_server
    monkeypatch.setattr(bulk, "PARALLEL_MIN_BYTES", 0)
    report = _bulk(server, settings, "bods", [path], tmp_path / "bulk", json_lines_parts=True)
    assert (report.read, report.transformed, report.rejected) == (online.read, online.transformed, 2)
    def positions(file: str | None) -> list[str]:
        return [json.loads(line)["position"] for line in Path(file or "").read_text().splitlines()]
    assert positions(report.rejects_file) == positions(online.rejects_file) == ["line 11", f"line {len(lines) - 10}"]
    with create_driver(settings, server.uri) as driver:
        bulk_graph = Graph(driver, settings.neo4j_database)
        online_snapshot = _snapshot(graph)
        assert _diff(online_snapshot, _snapshot(bulk_graph)) == []
        assert len(online_snapshot["parties"]) > 1_500 and sum(online_snapshot["interests"].values()) > 1_500
        # What the engine and the API read works on the imported graph: the schema is there and online
        # loads can follow (a restated record replaces the imported interest).
        names = {r["name"] for r in rows(bulk_graph, "SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' "
                                                     "RETURN name")}
        assert {"party_id", "identifier_key", "party_names", "owns_record"} <= names
        load(bulk_graph, "bods", path, tmp=tmp_path)
        assert _diff(online_snapshot, _snapshot(bulk_graph)) == []


def test_bulk_load_refuses_a_database_with_data(bulk_server: tuple[LocalNeo4j, Settings], tmp_path: Path) -> None:
    server, settings = bulk_server
    server.start()
    with create_driver(settings, server.uri) as driver:
        driver.execute_query("CREATE (:Party {id: 'kept'})")
    loader = get_loader("bods")
    files = expand_paths([FIXTURES / "bods-opencheck-demo"], loader.accepts)
    with pytest.raises(NotEmpty, match="only goes into an empty database"):
        run_bulk_load(server, settings, loader.source, files, loader.reader, loader.transform, tmp_path)
    with create_driver(settings, server.uri) as driver:
        assert rows(Graph(driver, "neo4j"), "MATCH (p:Party {id: 'kept'}) RETURN count(p) AS n") == [{"n": 1}]


def test_an_interrupted_bulk_import_is_replaced_by_the_next(bulk_server: tuple[LocalNeo4j, Settings],
                                                           tmp_path: Path) -> None:
    """A killed import leaves its marker: the server refuses to start on the half-written store, and the next
    bulk load replaces it without asking for an empty database (it was empty before the first one)."""
    server, settings = bulk_server
    server.stop()
    server.bulk_marker.write_text("offline import started\n")
    with pytest.raises(LocalServerError, match="did not finish"):
        server.start()
    report = _bulk(server, settings, "bods", [FIXTURES / "bods-opencheck-demo"], tmp_path)
    assert report.status == "completed" and not server.bulk_marker.exists()
    assert server.status().running


def test_cli_bulk_load(bulk_server: tuple[LocalNeo4j, Settings], tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import app
    from app.settings import get_settings

    server, settings = bulk_server
    if server.status().running:
        with create_driver(settings, server.uri) as driver:
            reset_graph(Graph(driver, settings.neo4j_database))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("OWNERSHIP_LOCAL_HOME", str(settings.local_home))
    monkeypatch.setenv("OWNERSHIP_LOCAL_BOLT_PORT", str(BULK_BOLT_PORT))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["load", "psc", str(FIXTURES / "uk-psc" / "psc-data-1.json"), "--bulk", "--json",
                                      "--rejects-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["interests"] > 0 and summary["import_s"] > 0
    monkeypatch.setenv("NEO4J_URI", server.uri)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["load", "psc", str(FIXTURES / "uk-psc" / "psc-data-1.json"), "--bulk"])
    assert result.exit_code != 0 and "external" in result.output


def test_fold_follows_the_upsert_rule() -> None:
    """Scalars from the newer statement (dated beats undated, later date, greater statement id), falling
    back to what an older one said; lists are unions in arrival order; labels accumulate."""
    def row(sid: str, day: date | None, **fields: Any) -> dict[str, Any]:
        base = {"label": "Entity", "kind": "entity", "entity_type": None, "name": None, "names": [],
                "jurisdiction": None, "jurisdiction_raw": None, "headquarters": None, "address_country": None,
                "nationalities": [], "unresolved_countries": [], "reporting_exceptions": [], "tags": [],
                "dissolved": None, "listed": None, "state_of": None, "source": "bods", "statement_id": sid,
                "statement_ids": [sid],
                "statement_date": day.isoformat() if day else None}
        return {**base, **fields}

    party = fold_party_rows([
        row("s2", date(2021, 1, 1), name="New Name", names=["New Name"], jurisdiction="GB"),
        row("s1", date(2020, 1, 1), name="Old Name", names=["Old Name"], headquarters="CN", jurisdiction="FR"),
        row("s0", None, name="Undated", names=["Undated"], label="Person", kind="person"),
    ])
    assert party["name"] == "New Name" and party["jurisdiction"] == "GB" and party["headquarters"] == "CN"
    assert party["names"] == ["New Name", "Old Name", "Undated"]
    assert party["names_text"] == "New Name \n Old Name \n Undated \n "
    assert party["current_statement"] == "s2" and party["statement_ids"] == ["s2", "s1", "s0"]
    assert party["labels"] == ["Party", "Entity", "Person"] and party["kind"] == "person"
