"""Applies, checks and wipes the graph schema; counts what the graph holds."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cypher
from app.db import Graph

_SCHEMA_NAME = re.compile(
    r"CREATE\s+(?:CONSTRAINT|(?:RANGE\s+|TEXT\s+|FULLTEXT\s+|POINT\s+|LOOKUP\s+)?INDEX)\s+(\w+)\s+IF\s+NOT\s+EXISTS",
    re.IGNORECASE,
)


def schema_statements() -> list[str]:
    return cypher.names("schema")


def expected_schema_names() -> set[str]:
    found: set[str] = set()
    for name in schema_statements():
        match = _SCHEMA_NAME.search(cypher.query(name))
        if not match:
            raise cypher.CypherCatalogError(f"cypher/{name}.cypher does not create a named object IF NOT EXISTS")
        found.add(match.group(1))
    return found


def init_schema(graph: Graph) -> list[str]:
    applied = []
    for name in schema_statements():
        graph.run_auto_commit(name)
        applied.append(name)
    graph.run_auto_commit("admin/await_indexes")
    return applied


def missing_schema(graph: Graph) -> set[str]:
    online = {row["name"] for row in graph.read("admin/schema_names") if row["state"] == "ONLINE"}
    return expected_schema_names() - online


def reset_graph(graph: Graph, batch: int = 10_000) -> int:
    return graph.drain("admin/delete_batch", "deleted", batch)


@dataclass(frozen=True)
class GraphStats:
    labels: dict[str, int]
    relationships: dict[str, int]


def stats(graph: Graph) -> GraphStats:
    labels = {row["label"]: int(row["count"]) for row in graph.read("admin/stats_labels")}
    rels = {row["type"]: int(row["count"]) for row in graph.read("admin/stats_relationships")}
    return GraphStats(labels, rels)
