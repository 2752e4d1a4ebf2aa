"""Operations data: generations and loader runs."""

from __future__ import annotations

from typing import Any

from app.db import Graph
from app.repository.entities import iso


def generations(graph: Graph, policy_id: str | None, skip: int, limit: int) -> list[dict[str, Any]]:
    rows = graph.read("api/generations", policy_id=policy_id, skip=skip, limit=limit)
    return [iso(row["generation"]) for row in rows]


def load_runs(graph: Graph, skip: int, limit: int) -> list[dict[str, Any]]:
    return [iso(row["run"]) for row in graph.read("api/load_runs", skip=skip, limit=limit)]


def published_generations(graph: Graph) -> dict[str, dict[str, Any]]:
    return {row["policy_id"]: row["generation"] for row in graph.read("api/published_generations")}
