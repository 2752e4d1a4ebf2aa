"""Prometheus metrics: requests per route, Neo4j statement latencies, the generation each policy serves."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("ownership_http_requests_total", "HTTP requests by route template, method and status",
                   ["route", "method", "status"])
REQUEST_SECONDS = Histogram(
    "ownership_http_request_seconds", "HTTP request latency by route template", ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
NEO4J_SECONDS = Histogram(
    "ownership_neo4j_query_seconds", "Latency of catalogued Cypher statements, by statement name", ["statement"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0),
)
GENERATION = Gauge("ownership_published_generation_info",
                   "1 for the generation each policy currently serves", ["policy", "generation"])
VERDICT_CACHE = Counter("ownership_verdict_cache_total", "Verdict cache lookups", ["outcome"])
