"""Reading change logs of published generations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.db import Graph
from app.refresh.changes import change_events
from app.repository.entities import iso


def changes_since(graph: Graph, since: datetime, policy_id: str | None, limit: int) -> dict[str, Any]:
    """Changes of generations published after `since`, oldest first, at most `limit` (then `truncated`)."""
    generations = graph.read("refresh/published_since", since=since, policy_id=policy_id, limit=1_000)
    out: list[dict[str, Any]] = []
    truncated = False
    for row in generations:
        generation = row["generation"]
        if generation.get("changes") is None:
            continue  # published by `ownership compute`, outside a refresh: no change log
        for item in change_events(graph, generation):
            if len(out) >= limit:
                truncated = True
                break
            out.append(item)
        if truncated:
            break
    return {"since": since.isoformat(), "generations": [iso(r["generation"]) for r in generations],
            "changes": out, "truncated": truncated}
