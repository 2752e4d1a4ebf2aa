"""The change log of a published generation: exported as JSON Lines and pushed to a webhook.

Both are an outbox: a generation records whether its log was exported and delivered, so a refresh that
died after publishing (or a webhook that was down) is caught up by the next run. A failed webhook never
fails the refresh.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from app.db import Graph
from app.refresh.config import Webhook
from app.repository.entities import iso

log = logging.getLogger("app.refresh")
PAGE = 5_000


def change_events(graph: Graph, generation: dict[str, Any]) -> Iterator[dict[str, Any]]:
    skip = 0
    while True:
        rows = graph.read("refresh/changes_of", generation=generation["id"], skip=skip, limit=PAGE)
        for row in rows:
            yield event(generation, row["change"])
        if len(rows) < PAGE:
            return
        skip += PAGE


def event(generation: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    return {
        "generation": generation["id"], "previous_generation": change.get("previous"),
        "policy": generation.get("policy_id"), "policy_version": generation.get("policy_version"),
        "published_at": iso(generation.get("published_at")), "entity": change["party_id"],
        "name": change.get("party_name"), "old": change["old"], "new": change["new"],
        "reason": reason(change),
        "evidence": {"old_share": [change.get("old_share_min"), change.get("old_share_max")],
                     "new_share": [change.get("new_share_min"), change.get("new_share_max")],
                     "new_seed_reason": change.get("new_seed_reason"), "new_control": change.get("new_control")},
    }


def reason(change: dict[str, Any]) -> str:
    if change.get("new_seed_reason"):
        return f"now a restricted origin: {change['new_seed_reason']}"
    if change.get("new_control") and not change.get("old_control"):
        return "now controlled by a restricted party"
    old = f"{change.get('old_share_min', 0):g}%-{change.get('old_share_max', 0):g}%"
    new = f"{change.get('new_share_min', 0):g}%-{change.get('new_share_max', 0):g}%"
    return f"restricted share {old} -> {new}"


def export(graph: Graph, generation: dict[str, Any], folder: Path) -> Path:
    """Writes the log to <folder>/<policy>/<stamp>.jsonl atomically (a temporary file renamed into place)."""
    target = folder / str(generation["policy_id"]) / (_safe(str(generation["id"])) + ".jsonl")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".jsonl.partial")
    with partial.open("w", encoding="utf-8") as handle:
        for item in change_events(graph, generation):
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(target)
    graph.write("refresh/generation_set", id=generation["id"], props={"changes_exported": True,
                                                                      "changes_file": str(target)})
    return target


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in text)


def deliver(graph: Graph, generation: dict[str, Any], webhook: Webhook) -> bool:
    """POSTs the log in batches with retries and exponential backoff; records the outcome, never raises."""
    events = list(change_events(graph, generation))
    batches = [events[i:i + webhook.batch] for i in range(0, len(events), webhook.batch)] or [[]]
    attempts = int(generation.get("webhook_attempts") or 0)
    error = None
    with httpx.Client(timeout=webhook.timeout_s) as client:
        for number, batch in enumerate(batches):
            delay = webhook.backoff_s
            for attempt in range(webhook.max_attempts):
                attempts += 1
                try:
                    response = client.post(webhook.url, json={
                        "generation": generation["id"], "policy": generation.get("policy_id"),
                        "batch": number, "batches": len(batches), "changes": batch,
                    }, headers={"Idempotency-Key": f"{generation['id']}#{number}"})
                    if response.status_code < 300:
                        error = None
                        break
                    error = f"HTTP {response.status_code}"
                except httpx.HTTPError as failure:
                    error = f"{type(failure).__name__}: {failure}"
                if attempt + 1 < webhook.max_attempts:
                    time.sleep(delay)
                    delay *= 2
            if error is not None:
                break
    props: dict[str, Any] = {"webhook_attempts": attempts, "webhook_last_attempt": datetime.now(UTC)}
    if error is None:
        props.update(webhook_status="delivered", webhook_error=None)
    else:
        props.update(webhook_status="pending", webhook_error=error[:500])
        log.warning("webhook delivery of %s failed (kept for the next run): %s", generation["id"], error)
    graph.write("refresh/generation_set", id=generation["id"], props=props)
    return error is None


def catch_up(graph: Graph, folder: Path, webhook: Webhook | None) -> dict[str, int]:
    """Exports and delivers every published change log still pending."""
    exported = delivered = pending = 0
    for row in graph.read("refresh/undelivered"):
        generation = row["generation"]
        if not generation.get("changes_exported"):
            export(graph, generation, folder)
            exported += 1
        if webhook is not None and generation.get("webhook_status") == "pending":
            if deliver(graph, generation, webhook):
                delivered += 1
            else:
                pending += 1
    return {"exported": exported, "delivered": delivered, "pending": pending}
