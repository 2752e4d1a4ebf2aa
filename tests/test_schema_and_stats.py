"""Schema application, stats and reset against the real server."""

from __future__ import annotations

from app.db import Graph
from app.schema import expected_schema_names, init_schema, missing_schema, reset_graph, stats


def test_init_is_idempotent_and_complete(graph: Graph) -> None:
    init_schema(graph)
    init_schema(graph)
    assert missing_schema(graph) == set()
    assert expected_schema_names()


def test_stats_count_labels_and_types_and_reset_wipes(graph: Graph) -> None:
    graph.driver.execute_query(
        "CREATE (:Party:Entity {id: 'a'})-[:OWNS]->(:Party:Entity {id: 'b'}), (:Party:Person {id: 'c'})",
        database_=graph.database,
    )
    result = stats(graph)
    assert result.labels == {"Entity": 2, "Party": 3, "Person": 1}
    assert result.relationships == {"OWNS": 1}
    assert reset_graph(graph, batch=2) == 3
    assert stats(graph).labels == {}
