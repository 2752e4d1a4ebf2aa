"""A refresh killed with SIGKILL at random points, several times, while the API serves verdicts under
continuous load on loopback: no request fails, every answer comes from exactly one published generation
(never an abandoned one, and one verdict per entity per generation), and after a final run completes the
graph and verdicts equal those of a clean run over the same data."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.db import Graph
from app.engine.service import active_policies
from app.refresh.config import load_config
from app.refresh.run import refresh
from app.schema import reset_graph
from app.settings import Settings
from tests.conftest import FIXTURES
from tests.engine_helpers import effective_verdicts
from tests.loading import rows
from tests.serving import serve
from tests.test_refresh import csv_delta, put, write_config

AS_OF = date(2025, 3, 1)
GLEIF = FIXTURES / "gleif"
OWNERSHIP = str(Path(sys.executable).parent / "ownership")


def registry_deltas(folder: Path, seed: int) -> list[str]:
    """Initial CSV state plus a larger delta (new companies under Chinese and British parents)."""
    rng = random.Random(seed)
    csv_delta(folder, "001", ["CN1,Dragon Holdings,CN", "RU1,Volga Capital,RU", "GB1,Albion Group,GB"]
              + [f"C{i},Company {i} Ltd,GB" for i in range(200)],
              [f"R{i},{rng.choice(['CN1', 'GB1', 'RU1'])},C{i},{rng.choice([30, 51, 60, 100])},s{i}"
               for i in range(200)])
    return [f"CSV:C{i}" for i in range(0, 200, 10)]


def big_delta(folder: Path, seed: int, companies: int) -> None:
    rng = random.Random(seed)
    entities = [f"N{i},New Company {i} Ltd,{rng.choice(['GB', 'DE', 'FR'])}" for i in range(companies)]
    relationships = []
    for i in range(companies):
        parent = rng.choice(["CN1", "GB1", "RU1", f"N{rng.randrange(max(1, i))}", f"C{rng.randrange(200)}"])
        relationships.append(f"Q{i},{parent},N{i},{rng.choice([20, 40, 51, 75])},q{i}")
    for i in range(0, 200, 3):  # restatements of existing records change existing verdicts
        relationships.append(f"R{i},{rng.choice(['CN1', 'GB1'])},C{i},{rng.choice([10, 90])},t{i}")
    csv_delta(folder, "002", entities, relationships)


def kill_during(config: Path, env: dict[str, str], phase: str, delay: float) -> str:
    proc = subprocess.Popen([OWNERSHIP, "refresh", "--config", str(config), "--as-of", AS_OF.isoformat()],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if phase in line:
            time.sleep(delay)
            proc.kill()
            proc.wait()
            return f"killed {delay:.2f}s into {phase!r}"
    proc.wait()
    return f"finished before {phase!r} (exit {proc.returncode})"


def config_for(tmp: Path) -> Path:
    return write_config(tmp, [{"name": "gleif", "kind": "gleif", "path": "gleif", "mode": "full"},
                              {"name": "registry", "kind": "csv", "path": "deltas", "mode": "delta"}],
                        checks={"max_flip_fraction": 1.0, "max_shrink_fraction": 1.0})


def dump(graph: Graph) -> dict[str, Any]:
    """The graph and the served verdicts, independent of timestamps and run ids."""
    parties = rows(graph, "MATCH (p:Party) OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(p) "
                          "WITH p, collect(i.key) AS keys RETURN p.id AS id, p.name AS name, "
                          "p.jurisdiction AS j, keys")
    interests = rows(graph, "MATCH (h)-[r:OWNS|CONTROLS]->(s) RETURN h.id AS h, s.id AS s, type(r) AS t, "
                            "r.record AS record, r.share_min AS lo, r.share_max AS hi, r.statement_id AS st")
    served = rows(graph, "MATCH (g:Generation {status: 'published'}) WITH g.policy_id AS policy, g "
                         "ORDER BY g.published_at DESC RETURN policy, collect(g.id)[0] AS generation")
    verdicts = [{"policy": g["policy"], "id": pid, "v": v["verdict"], "lo": v["share_min"], "hi": v["share_max"]}
                for g in served for pid, v in effective_verdicts(graph, g["generation"]).items()
                if not (v["verdict"] == "clear" and v["share_max"] == 0)]  # stored or not: the same verdict
    return {
        "parties": sorted((p["id"], p["name"] or "", p["j"] or "", tuple(sorted(p["keys"]))) for p in parties),
        "interests": sorted(tuple(str(v) for v in i.values()) for i in interests),
        "verdicts": sorted(tuple(str(v) for v in v.values()) for v in verdicts),
    }


@pytest.fixture
def api(settings: Settings) -> Iterator[str]:
    with serve(settings.model_copy(update={"generation_poll_s": 0.05}), ready_path="/healthz") as url:
        yield url


def test_killed_refreshes_never_disturb_serving_and_the_end_state_is_a_clean_runs(
        graph: Graph, settings: Settings, tmp_path: Path, api: str) -> None:
    policies = list(active_policies(settings).values())
    faulty, clean = tmp_path / "faulty", tmp_path / "clean"
    for folder in (faulty, clean):
        put(folder / "gleif", GLEIF / "lei-updates-data2.xml", GLEIF / "rr-updates-data2.xml")
        refs = registry_deltas(folder / "deltas", seed=1)
    config = config_for(faulty)
    assert refresh(graph, settings, load_config(config), policies, as_of=AS_OF).status == "published"
    put(faulty / "gleif", GLEIF / "lei-updates-data2-new.xml", GLEIF / "rr-updates-data2-new.xml")
    big_delta(faulty / "deltas", seed=2, companies=3_000)

    answers: list[tuple[str, str, str]] = []
    failures: list[str] = []
    stop = threading.Event()

    def hammer(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=api, timeout=30) as client:
            while not stop.is_set():
                ref = rng.choice(refs)
                try:
                    response = client.get(f"/v1/entities/{ref}/verdict")
                except httpx.HTTPError as error:
                    failures.append(f"{ref}: {error!r}")
                    continue
                if response.status_code != 200:
                    failures.append(f"{ref}: {response.status_code} {response.text[:200]}")
                    continue
                body = response.json()
                answers.append((body["generation"], ref, body["verdict"]))

    clients = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for c in clients:
        c.start()
    env = {**os.environ, "NEO4J_URI": settings.neo4j_uri or "", "OWNERSHIP_LOG_LEVEL": "INFO",
           "OWNERSHIP_LOG_FORMAT": "text"}
    rng = random.Random(5)
    kills = []
    try:
        # Each run is killed (SIGKILL) a random moment after it enters a phase: while loading, inside the
        # fixed point, while writing the change log, right as it publishes.
        for phase in ("refresh step: load", "fixpoint", "refresh step: changes", "refresh step: publish"):
            kills.append(kill_during(config, env, phase, rng.uniform(0.0, 0.3)))
        final = subprocess.run([OWNERSHIP, "refresh", "--config", str(config), "--as-of", AS_OF.isoformat()],
                               env=env, capture_output=True, text=True, timeout=600)
        assert final.returncode == 0, final.stderr
        time.sleep(0.5)  # the API announces the new generation within its poll interval
    finally:
        stop.set()
        for c in clients:
            c.join()

    print(f"refresh faults: {kills}; {len(answers)} answers from {len({a[0] for a in answers})} generations")
    assert not failures, failures[:5]
    assert len(answers) > 100, kills
    status = {r["id"]: r["status"] for r in rows(graph, "MATCH (g:Generation) RETURN g.id AS id, g.status AS status")}
    served = {generation for generation, _, _ in answers}
    assert all(status.get(g) == "published" for g in served), {g: status.get(g) for g in served}
    per_generation: dict[tuple[str, str], set[str]] = {}
    for generation, ref, verdict in answers:
        per_generation.setdefault((generation, ref), set()).add(verdict)
    assert all(len(v) == 1 for v in per_generation.values())
    after_faults = dump(graph)

    reset_graph(graph)
    clean_config = config_for(clean)
    assert refresh(graph, settings, load_config(clean_config), policies, as_of=AS_OF).status == "published"
    put(clean / "gleif", GLEIF / "lei-updates-data2-new.xml", GLEIF / "rr-updates-data2-new.xml")
    big_delta(clean / "deltas", seed=2, companies=3_000)
    assert refresh(graph, settings, load_config(clean_config), policies, as_of=AS_OF).status == "published"
    assert dump(graph) == after_faults, kills
