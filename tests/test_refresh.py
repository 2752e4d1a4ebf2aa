"""Nightly refresh over real GLEIF update sequences and synthetic CSV deltas: loads, retirement, change log,
checks, atomic publication, webhook outbox, rollback."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from app.db import Graph
from app.engine.service import active_policies
from app.refresh.config import RefreshConfigError, load_config
from app.refresh.run import refresh, rollback, runs
from app.repository.changes import changes_since
from app.settings import Settings
from tests.conftest import FIXTURES
from tests.loading import rows

AS_OF = date(2025, 3, 1)
GLEIF = FIXTURES / "gleif"


def write_config(folder: Path, sources: list[dict[str, Any]], **extra: Any) -> Path:
    import yaml

    path = folder / "refresh.yaml"
    path.write_text(yaml.safe_dump({"sources": sources, **extra}))
    return path


def put(folder: Path, *files: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for f in files:
        shutil.copy(f, folder / f.name.replace("-new", "").replace("updates-data2", "data"))


def csv_delta(folder: Path, name: str, entities: list[str], relationships: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}-entities.csv").write_text("\n".join(["id,name,jurisdiction", *entities]) + "\n")
    (folder / f"{name}-relationships.csv").write_text(
        "\n".join(["id,owner,subject,share,statement_id", *relationships]) + "\n")


def run(graph: Graph, settings: Settings, config: Path, **kwargs: Any) -> Any:
    return refresh(graph, settings, load_config(config), list(active_policies(settings).values()),
                   as_of=AS_OF, **kwargs)


def consolidations(graph: Graph, child_lei: str) -> list[str]:
    return sorted({r["parent"] for r in rows(
        graph, "MATCH (:Identifier {key: $key})-[:IDENTIFIES]->(c)<-[r:CONTROLS]-(p)<-[:IDENTIFIES]-(i:Identifier) "
               "WHERE i.key STARTS WITH 'XI-LEI:' RETURN i.key AS parent", key=f"XI-LEI:{child_lei}")})


def test_full_gleif_snapshots_load_then_retire_what_the_next_snapshot_dropped(graph: Graph, settings: Settings,
                                                                             tmp_path: Path) -> None:
    snapshot = tmp_path / "gleif"
    config = write_config(tmp_path, [{"name": "gleif", "kind": "gleif", "path": "gleif", "mode": "full"}],
                          checks={"max_shrink_fraction": 0.5})
    put(snapshot, GLEIF / "lei-updates-data2.xml", GLEIF / "rr-updates-data2.xml", GLEIF / "repex-updates-data2.xml")
    first = run(graph, settings, config)
    assert first.status == "published", first.error
    assert consolidations(graph, "097900BJGO0000201513") == ["XI-LEI:9845002B9874D50A4531"]
    assert not consolidations(graph, "001GPB6A9XPE8XJICC14")

    put(snapshot, GLEIF / "lei-updates-data2-new.xml", GLEIF / "rr-updates-data2-new.xml",
        GLEIF / "repex-updates-data2-new.xml")
    second = run(graph, settings, config)
    assert second.status == "published", second.error
    [gleif] = second.sources
    assert gleif["status"] == "loaded" and gleif["retired"] >= 2
    assert consolidations(graph, "097900BJGO0000201513") == []  # no longer in the snapshot: retired
    managed = rows(graph, "MATCH (:Identifier {key: 'XI-LEI:001GPB6A9XPE8XJICC14'})-[:IDENTIFIES]->(fund)"
                          "<-[r:CONTROLS]-() RETURN collect(r.interest_type) AS types")[0]["types"]
    assert managed == ["IS_FUND-MANAGED_BY"]  # new in the second snapshot
    assert run(graph, settings, config).status == "nothing_new"


def test_shrinking_full_snapshot_is_refused_and_nothing_changes(graph: Graph, settings: Settings,
                                                                tmp_path: Path) -> None:
    snapshot = tmp_path / "gleif"
    config = write_config(tmp_path, [{"name": "gleif", "kind": "gleif", "path": "gleif", "mode": "full"}],
                          checks={"max_shrink_fraction": 0.05})
    put(snapshot, GLEIF / "lei-updates-data2.xml", GLEIF / "rr-updates-data2.xml")
    published = run(graph, settings, config)
    put(snapshot, GLEIF / "lei-updates-data2-new.xml", GLEIF / "rr-updates-data2-new.xml")
    refused = run(graph, settings, config)
    assert refused.status == "refused" and "would retire" in (refused.error or "")
    assert consolidations(graph, "097900BJGO0000201513") == ["XI-LEI:9845002B9874D50A4531"]
    current = rows(graph, "MATCH (g:Generation {status: 'published'}) RETURN collect(g.id) AS ids")[0]["ids"]
    assert sorted(current) == sorted(published.generations.values())
    forced = run(graph, settings, config, force=True)
    assert forced.status == "published" and consolidations(graph, "097900BJGO0000201513") == []


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    failures_left: ClassVar[int] = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if Hook.failures_left > 0:
            Hook.failures_left -= 1
            self.send_response(500)
        else:
            Hook.received.append(body)
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    Hook.received, Hook.failures_left = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_deltas_change_verdicts_with_a_change_log_file_api_and_webhook(graph: Graph, settings: Settings,
                                                                       tmp_path: Path, hook: str) -> None:
    deltas = tmp_path / "deltas"
    config = write_config(tmp_path, [
        {"name": "gleif-delta", "kind": "gleif", "path": "gleif", "mode": "delta"},
        {"name": "registry", "kind": "csv", "path": "deltas", "mode": "delta"},
    ], webhook={"url": hook, "backoff_s": 0.05}, checks={"max_flip_fraction": 1.0})
    put(tmp_path / "gleif", GLEIF / "lei-updates-data2.xml", GLEIF / "rr-updates-data2.xml")
    csv_delta(deltas, "001", ["CNP,Dragon Holdings,CN", "TGT,Target Trading Ltd,GB"], ["R1,CNP,TGT,40,s1"])
    Hook.failures_left = 2  # the webhook fails twice, then accepts: retried with backoff
    first = run(graph, settings, config)
    assert first.status == "published", first.error
    assert first.changes["restricted-jurisdictions"] >= 1  # the Chinese parent is a new restricted origin

    csv_delta(deltas, "002", [], ["R1,CNP,TGT,60,s2"])  # the same record restated: 40% becomes 60%
    before = datetime.now(UTC)
    second = run(graph, settings, config)
    assert second.status == "published" and [s["status"] for s in second.sources] == ["unchanged", "loaded"]
    log = changes_since(graph, before, "restricted-jurisdictions", 100)
    [change] = [c for c in log["changes"] if c["name"] == "Target Trading Ltd"]
    assert (change["old"], change["new"]) == ("clear", "restricted")
    assert change["evidence"]["new_share"] == [60.0, 60.0] and change["reason"] == "restricted share 40%-40% -> 60%-60%"
    exported = Path(rows(graph, "MATCH (g:Generation {id: $id}) RETURN g.changes_file AS f",
                         id=second.generations["restricted-jurisdictions"])[0]["f"])
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert any(line["entity"] == change["entity"] and line["new"] == "restricted" for line in lines)
    delivered = [c for body in Hook.received for c in body["changes"]]
    assert any(c["entity"] == change["entity"] and c["new"] == "restricted" for c in delivered)

    csv_delta(deltas, "003", [], ["R1,CNP,TGT,10,s3"])
    third = run(graph, settings, config)
    third_log = changes_since(graph, before, "restricted-jurisdictions", 100)["changes"]
    assert any(c["generation"] == third.generations["restricted-jurisdictions"] and c["old"] == "restricted"
               and c["new"] == "clear" for c in third_log)
    history = runs(graph)
    assert [r["status"] for r in history[:3]] == ["published"] * 3 and history[0]["sources"][1]["status"] == "loaded"


def test_a_dead_webhook_never_fails_the_refresh_and_is_resent_later(graph: Graph, settings: Settings,
                                                                     tmp_path: Path, hook: str) -> None:
    deltas = tmp_path / "deltas"
    csv_delta(deltas, "001", ["CNP,Dragon Holdings,CN", "TGT,Target Trading Ltd,GB"], ["R1,CNP,TGT,70,s1"])
    dead = write_config(tmp_path, [{"name": "registry", "kind": "csv", "path": "deltas", "mode": "delta"}],
                        webhook={"url": "http://127.0.0.1:9/nothing", "max_attempts": 2, "backoff_s": 0.01})
    report = run(graph, settings, dead)
    assert report.status == "published" and report.outbox["pending"] >= 1
    alive = write_config(tmp_path, [{"name": "registry", "kind": "csv", "path": "deltas", "mode": "delta"}],
                         webhook={"url": hook})
    again = run(graph, settings, alive)
    assert again.status == "nothing_new" and Hook.received
    assert rows(graph, "MATCH (g:Generation {status: 'published'}) RETURN collect(g.webhook_status) AS s")[0]["s"] \
        == ["delivered", "delivered"]


def test_too_many_flips_are_refused_and_force_publishes(graph: Graph, settings: Settings, tmp_path: Path) -> None:
    deltas = tmp_path / "deltas"
    config = write_config(tmp_path, [{"name": "registry", "kind": "csv", "path": "deltas", "mode": "delta"}],
                          checks={"max_flip_fraction": 0.1, "min_parties_for_flip_check": 0})
    csv_delta(deltas, "001", ["CNP,Dragon Holdings,CN", "A,A Ltd,GB", "B,B Ltd,GB", "C,C Ltd,GB"],
              ["R1,CNP,A,10,s1"])
    first = run(graph, settings, config)
    assert first.status == "published"  # no previous generation: nothing to compare with
    csv_delta(deltas, "002", [], ["R1,CNP,A,90,s2", "R2,A,B,90,s2", "R3,B,C,90,s2"])
    refused = run(graph, settings, config)
    assert refused.status == "refused" and "would change verdict" in (refused.error or "")
    served = rows(graph, "MATCH (g:Generation {status: 'published'}) RETURN collect(g.id) AS ids")[0]["ids"]
    assert sorted(served) == sorted(first.generations.values())
    forced = run(graph, settings, config, force=True)
    assert forced.status == "published"
    assert rollback(graph, "restricted-jurisdictions")["republished"] == first.generations["restricted-jurisdictions"]


def test_sources_file_errors_name_the_key(tmp_path: Path) -> None:
    bad = write_config(tmp_path, [{"name": "x", "kind": "nope", "path": "p", "mode": "full"}])
    with pytest.raises(RefreshConfigError, match=r"key sources\.0\.kind"):
        load_config(bad)
    (tmp_path / "broken.yaml").write_text("sources: [\n")
    with pytest.raises(RefreshConfigError, match="not valid YAML at line"):
        load_config(tmp_path / "broken.yaml")


def test_changes_and_runs_over_the_api(graph: Graph, settings: Settings, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from app.api.auth import hash_key
    from app.api.main import create_app

    deltas = tmp_path / "deltas"
    config = write_config(tmp_path, [{"name": "registry", "kind": "csv", "path": "deltas", "mode": "delta"}],
                          checks={"max_flip_fraction": 1.0})
    csv_delta(deltas, "001", ["CNP,Dragon Holdings,CN", "TGT,Target Trading Ltd,GB"], ["R1,CNP,TGT,20,s1"])
    run(graph, settings, config)
    csv_delta(deltas, "002", [], ["R1,CNP,TGT,80,s2"])
    second = run(graph, settings, config)
    keyed = settings.model_copy(update={"api_keys": [hash_key("k")]})
    with TestClient(create_app(keyed)) as client:
        meta = client.get("/v1/meta").json()
        served = {p["id"]: p["generation"] for p in meta["policies"]}
        assert served["restricted-jurisdictions"] == second.generations["restricted-jurisdictions"]
        changes = client.get("/v1/changes", params={"since": "2000-01-01T00:00:00",
                                                    "policy": "restricted-jurisdictions"})
        assert changes.status_code == 200, changes.text
        target = [c for c in changes.json()["changes"] if c["name"] == "Target Trading Ltd"]
        assert [(c["old"], c["new"]) for c in target] == [("clear", "restricted")]
        assert client.get("/v1/changes", params={"since": "yesterday"}).status_code == 422
        assert client.get("/v1/changes", params={"since": "0001-01-01T00:00:00+05:00"}).status_code == 422
        assert client.get("/v1/changes", params={"since": "2026-01-01T00:00:00+18:08"}).status_code == 200
        runs_page = client.get("/v1/runs", headers={"X-API-Key": "k"}).json()
        assert runs_page[0]["id"] == second.run_id and runs_page[0]["status"] == "published"
        assert runs_page[0]["sources"][0]["status"] == "loaded" and "total" in runs_page[0]["timings"]
        assert client.get("/v1/runs").status_code == 401
