"""Old generations lose their verdicts (records and change logs stay); what can be served never does."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.db import Graph
from app.engine.compute import compute_generation, prune_generations
from app.engine.verdicts import current_generation
from app.errors import OwnershipError
from app.refresh.run import rollback
from tests.engine_helpers import effective_verdicts, policy, write_graph
from tests.reference import REdge, RNode

AS_OF = date(2025, 6, 30)


def _verdicts_by_generation(graph: Graph) -> dict[str, int]:
    records, _, _ = graph.driver.execute_query(
        "MATCH (v:Verdict) RETURN v.generation AS g, count(*) AS n", database_=graph.database)
    return {r["g"]: r["n"] for r in records}


def _status(graph: Graph, generation: str) -> str:
    records, _, _ = graph.driver.execute_query(
        "MATCH (g:Generation {id: $id}) RETURN g.status AS s", id=generation, database_=graph.database)
    return str(records[0]["s"])


def _small_graph(graph: Graph) -> None:
    write_graph(graph, [RNode("ru", "entity", jurisdiction="RU"), RNode("a", "entity", jurisdiction="GB"),
                        RNode("b", "entity", jurisdiction="GB")],
                [REdge("ru", "a", "OWNS", "equity", share_min=60.0, share_max=60.0),
                 REdge("a", "b", "OWNS", "equity", share_min=30.0, share_max=30.0)])


def test_prune_keeps_the_newest_published_and_drops_the_rest(graph: Graph) -> None:
    _small_graph(graph)
    pol = policy()
    generations = [compute_generation(graph, pol, AS_OF).generation for _ in range(4)]
    graph.driver.execute_query(  # a generation that failed half-way, with some verdicts written
        """CREATE (:Generation {id: 'dead', policy_id: $policy, status: 'failed'})
           CREATE (:Verdict {generation: 'dead', party_id: 'a', verdict: 'clear'})
           CREATE (:Generation {id: 'killed', policy_id: $policy, status: 'computing'})
           CREATE (:Generation {id: 'waiting', policy_id: $policy, status: 'computed'})
           CREATE (:Verdict {generation: 'waiting', party_id: 'a', verdict: 'clear'})""",
        policy=pol.id, database_=graph.database)
    graph.driver.execute_query(  # one a killed prune left half-done: it must be finished, not served
        "MATCH (g:Generation {id: $id}) SET g.status = 'pruning'", id=generations[0], database_=graph.database)

    report = prune_generations(graph, keep=2)

    assert {g["id"] for g in report.generations} == {generations[0], generations[1], "dead", "killed"}
    assert report.verdicts_deleted == 2 * 3 + 1
    assert _verdicts_by_generation(graph) == {generations[2]: 3, generations[3]: 3, "waiting": 1}
    assert [_status(graph, g) for g in generations] == ["pruned", "pruned", "published", "published"]
    current = current_generation(graph, pol.id)
    assert current is not None and current["id"] == generations[3]
    assert rollback(graph, pol.id)["republished"] == generations[2]  # the kept one is still a rollback target
    assert prune_generations(graph, keep=2).generations == [{"id": generations[3], "policy": pol.id,
                                                              "status": "rolled_back"}]


def test_prune_refuses_to_keep_fewer_than_two(graph: Graph) -> None:
    with pytest.raises(OwnershipError, match="at least 2"):
        prune_generations(graph, keep=1)


def test_prune_command(graph: Graph, cli_env: None) -> None:
    _small_graph(graph)
    pol = policy()
    first = compute_generation(graph, pol, AS_OF).generation
    for _ in range(3):
        compute_generation(graph, pol, AS_OF)
    result = CliRunner().invoke(app, ["prune", "--keep", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["generations"] == [{"id": first, "policy": pol.id, "status": "published"}]
    refused = CliRunner().invoke(app, ["prune", "--keep", "1"])
    assert refused.exit_code != 0 and "Traceback" not in refused.output


def test_prune_keeps_every_layer_of_a_generation_that_stays(graph: Graph) -> None:
    """An incremental generation stores only what it recomputed and reads the rest from its base's layers,
    so the base stays as long as a generation stacked on it can be served or rolled back to."""
    _small_graph(graph)
    pol = policy()
    base = compute_generation(graph, pol, AS_OF).generation
    stacked = []
    for share in (70.0, 20.0):
        graph.driver.execute_query(
            """MATCH (:Party {id: 'ru'})-[r:OWNS]->(:Party {id: 'a'})
               SET r.share_min = $share, r.share_max = $share, r.loaded_at = datetime()""",
            share=share, database_=graph.database)
        stacked.append(compute_generation(graph, pol, AS_OF, incremental=True))
    assert stacked[1].layers == [stacked[1].generation, stacked[0].generation, base]
    assert effective_verdicts(graph, stacked[1].generation)["a"]["verdict"] == "clear"
    assert effective_verdicts(graph, stacked[0].generation)["a"]["verdict"] == "restricted"
    assert effective_verdicts(graph, base)["a"]["verdict"] == "restricted"

    assert prune_generations(graph, keep=2).generations == []  # the base is older than 2 but both need it
    assert set(_verdicts_by_generation(graph)) == {base, stacked[0].generation, stacked[1].generation}

    fresh = [compute_generation(graph, pol, AS_OF).generation for _ in range(2)]
    report = prune_generations(graph, keep=2)
    assert {g["id"] for g in report.generations} == {base, stacked[0].generation, stacked[1].generation}
    assert set(_verdicts_by_generation(graph)) == set(fresh)
