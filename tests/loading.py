"""Helpers for tests that load files through the real pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.db import Graph
from loaders.pipeline import LoadReport, run_load
from loaders.registry import get_loader


def load(graph: Graph, kind: str, *paths: Path, tmp: Path, batch_size: int = 500) -> LoadReport:
    loader = get_loader(kind)
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(p for p in path.rglob("*") if loader.accepts(p.name)) if path.is_dir() else [path])
    return run_load(graph, loader.source, files, loader.reader, loader.transform, batch_size, tmp / "rejects")


def rows(graph: Graph, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = graph.driver.execute_query(query, params, database_=graph.database)
    return [r.data() for r in records]


def counts(graph: Graph) -> dict[str, int]:
    nodes = rows(graph, "MATCH (n) WHERE NOT n:LoadRun UNWIND labels(n) AS l RETURN l, count(*) AS c")
    rels = rows(graph, "MATCH ()-[r]->() RETURN type(r) AS l, count(*) AS c")
    return {r["l"]: r["c"] for r in nodes + rels}
