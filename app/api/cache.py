"""What generation each policy serves, and a per-process cache of its verdicts.

A published generation never changes, so its verdicts can be kept for as long as it is the one served.
Entries are keyed by the generation that produced them, and a lookup only asks for the generation the
API announces at that moment: a cached verdict from any other generation can never be returned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from app.lru import LRU
from app.metrics import GENERATION, VERDICT_CACHE


class GenerationView:
    """The newest published generation per policy, re-read at most every `ttl_s` seconds."""

    def __init__(self, fetch: Callable[[], dict[str, dict[str, Any]]], ttl_s: float) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._at = float("-inf")
        self._current: dict[str, dict[str, Any]] = {}

    def fresh(self) -> bool:
        """Whether `current` would answer without reading Neo4j (callers on the event loop check first)."""
        return time.monotonic() - self._at <= self._ttl_s

    def peek(self, policy_id: str) -> dict[str, Any] | None:
        """What `current` last read, without reading Neo4j (for the event loop, after `fresh()`)."""
        return self._current.get(policy_id)

    def current(self, policy_id: str) -> dict[str, Any] | None:
        if time.monotonic() - self._at > self._ttl_s:
            with self._lock:
                if time.monotonic() - self._at > self._ttl_s:
                    fresh = self._fetch()
                    for policy, generation in self._current.items():
                        if fresh.get(policy, {}).get("id") != generation["id"]:
                            GENERATION.labels(policy, generation["id"]).set(0)
                    for policy, generation in fresh.items():
                        GENERATION.labels(policy, generation["id"]).set(1)
                    self._current, self._at = fresh, time.monotonic()
        return self._current.get(policy_id)

    def invalidate(self) -> None:
        self._at = float("-inf")


class VerdictCache:
    """Least-recently-used verdicts keyed by (generation id, reference), kept as the serialized JSON body."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: LRU[tuple[str, str], bytes] = LRU(size)

    def get(self, generation_id: str, ref: str) -> bytes | None:
        if self._size == 0:
            return None
        _, found = self._items.lookup((generation_id, ref))
        VERDICT_CACHE.labels("hit" if found is not None else "miss").inc()
        return found

    def put(self, generation_id: str, ref: str, verdict: bytes) -> None:
        self._items.put((generation_id, ref), verdict)

    def __len__(self) -> int:
        return len(self._items)
