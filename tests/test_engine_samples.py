"""The real samples give sensible verdicts, through the CLI as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.db import Graph
from app.settings import Settings, get_settings
from tests.conftest import FIXTURES, SHARED_DATA
from tests.loading import load

runner = CliRunner()
FTM = SHARED_DATA / "opensanctions-yente" / "tests" / "fixtures" / "dataset" / "zala" / "entities.ftm.json"


@pytest.fixture
def samples(graph: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Graph:
    load(graph, "bods", FIXTURES / "bods-opencheck-demo", tmp=tmp_path)
    load(graph, "gleif", FIXTURES / "gleif", tmp=tmp_path)
    load(graph, "psc", *sorted((FIXTURES / "uk-psc").glob("psc-data-*.json")), tmp=tmp_path)
    if FTM.exists():
        load(graph, "ftm", FTM, tmp=tmp_path)
    assert settings.neo4j_uri
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    get_settings.cache_clear()
    return graph


def test_consolidated_by_an_iranian_parent_is_restricted_through_control(samples: Graph) -> None:
    computed = runner.invoke(app, ["compute", "--as-of", "2025-03-01", "--json"])
    assert computed.exit_code == 0, computed.output
    reports = {r["policy_id"]: r for r in json.loads(computed.stdout)}
    assert reports["restricted-jurisdictions"]["counts"]["restricted"] >= 3
    result = runner.invoke(app, ["verdict", "GB-COH:01126618", "--json"])
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "restricted" and verdict["mode"] == "stored"
    assert verdict["entity"]["name"] == "BANK SADERAT PLC"
    assert verdict["policy"] == {"id": "restricted-jurisdictions", "version": "1"}
    controllers = [h for h in verdict["evidence"]["holders"] if h["counts"]]
    assert controllers and all(h["relation"] == "CONTROLS" for h in controllers)
    parent = controllers[0]
    assert parent["holder_name"] == "BANK SADERAT IRAN" and parent["kind"] == "accounting_consolidation"
    assert parent["holder_seed_reason"].startswith("incorporated in IR")
    assert parent["statement_id"] and parent["source"] == "bods"
    assert "controlled (accounting_consolidation) by BANK SADERAT IRAN" in verdict["reason"]
    same = json.loads(runner.invoke(app, ["verdict", "XI-LEI:2138008KTNTDICZU8L25", "--json"]).stdout)
    assert same["entity"]["id"] == verdict["entity"]["id"] and same["verdict"] == "restricted"


def test_a_british_company_without_restricted_owners_is_clear(samples: Graph) -> None:
    assert runner.invoke(app, ["compute", "--policy", "policies/restricted-jurisdictions.yaml"]).exit_code == 0
    verdict = json.loads(runner.invoke(app, ["verdict", "GB-COH:08209948", "--json"]).stdout)
    assert verdict["verdict"] == "clear" and verdict["restricted_share"]["max"] == 0


@pytest.mark.skipif(not FTM.exists(), reason="OpenSanctions sample (CC BY-NC) is read from ../shared/data only")
def test_ofac_policy_blocks_majority_owned_subsidiaries_of_the_listed_seed(samples: Graph) -> None:
    assert runner.invoke(app, ["compute", "--policy", "policies/ofac-50-percent.yaml", "--as-of",
                               "2024-03-10"]).exit_code == 0
    # ZALA's listed parent held 100% of this subsidiary from 2024-03-01 to 2024-03-24.
    result = runner.invoke(app, ["verdict", "FTM:NK-iE6m5ryPeTAMZozfECVSL7", "--policy",
                                 "policies/ofac-50-percent.yaml", "--json"])
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "restricted", result.stdout
    assert verdict["restricted_share"] == {"min": 100.0, "min_exclusive": False, "max": 100.0, "max_exclusive": False}
    later = json.loads(runner.invoke(app, ["verdict", "FTM:NK-iE6m5ryPeTAMZozfECVSL7", "--policy",
                                           "policies/ofac-50-percent.yaml", "--as-of", "2024-04-01",
                                           "--json"]).stdout)
    assert later["verdict"] == "clear" and later["mode"] == "on_demand"


def test_cli_errors_are_one_line(samples: Graph, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["verdict", "XX:NOTHING"])
    assert missing.exit_code == 1 and "no entity with identifier or id 'XX:NOTHING'" in missing.stderr
    bad_date = runner.invoke(app, ["verdict", "GB-COH:01126618", "--as-of", "2025-13-01"])
    assert bad_date.exit_code == 1 and "--as-of: not a date" in bad_date.stderr
    policy = tmp_path / "p.yaml"
    policy.write_text("id: p\nversion: '1'\nthreshold_percent: fifty\nthreshold_inclusive: true\n")
    broken = runner.invoke(app, ["compute", "--policy", str(policy)])
    assert broken.exit_code == 1 and "key threshold_percent" in broken.stderr and "Traceback" not in broken.output


def test_verdict_api_over_the_samples(samples: Graph, settings: Settings) -> None:
    from fastapi.testclient import TestClient

    from app.api.main import create_app

    assert runner.invoke(app, ["compute"]).exit_code == 0
    with TestClient(create_app(settings)) as client:
        ok = client.get("/v1/entities/XI-LEI:2138008KTNTDICZU8L25/verdict")
        assert ok.status_code == 200, ok.text
        body = ok.json()
        assert body["verdict"] == "restricted" and body["mode"] == "stored" and body["generation"]
        assert body["policy"]["id"] == "restricted-jurisdictions"
        other_day = client.get("/v1/entities/GB-COH:01126618/verdict", params={"as_of": "2016-01-01"})
        assert other_day.status_code == 200 and other_day.json()["mode"] == "on_demand"
        missing = client.get("/v1/entities/XX:nothing/verdict")
        assert missing.status_code == 404
        assert missing.json()["details"] == [{"field": "path.ref", "message": "XX:nothing"}]
        bad_date = client.get("/v1/entities/GB-COH:01126618/verdict", params={"as_of": "2024-02-30"})
        assert bad_date.status_code == 422 and bad_date.json()["details"][0]["field"] == "query.as_of"
        bad_policy = client.get("/v1/entities/GB-COH:01126618/verdict", params={"policy": "nope"})
        assert bad_policy.status_code == 422 and bad_policy.json()["details"][0]["field"] == "query.policy"
