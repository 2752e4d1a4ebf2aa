"""The API process's warm-up (app/engine/warmup.py) on a thread of its own; readiness waits for it."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Literal

from app.api.cache import GenerationView
from app.db import Graph, native
from app.engine.warmup import WarmUpReport, warm_up
from app.policy import Policy
from app.repository import entities
from app.repository.screening import ScreenQuery, screen

log = logging.getLogger("app.api")

RETRY_S = 5.0  # while Neo4j does not answer (readiness says so meanwhile)

WarmUpState = Literal["off", "running", "done"]


class WarmUp:
    def __init__(self, enabled: bool) -> None:
        self.state: WarmUpState = "running" if enabled else "off"
        self.report: WarmUpReport | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self.state != "running"

    def start(self, graph: Graph, policies: dict[str, Policy], generations: GenerationView) -> None:
        if self.state != "running":
            return
        self._thread = threading.Thread(target=self._run, args=(graph, policies, generations),
                                        name="warm-up", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Asked between warm-up requests, so shutting down waits for one request at most."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self, graph: Graph, policies: dict[str, Policy], generations: GenerationView) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                report = warm_up(graph, policies, generations.current, stopped=self._stop.is_set)
                if not self._stop.is_set():
                    investigator_routes(graph, policies, generations, report)
                report.seconds = time.perf_counter() - started
            except Exception as error:  # Neo4j not answering yet: try again, readiness reports it meanwhile
                log.warning("warm-up could not start: %s; trying again in %g s", error, RETRY_S)
                self._stop.wait(RETRY_S)
                continue
            self.report = report
            self.state = "done"
            level = logging.WARNING if report.failed else logging.INFO
            log.log(level, "warm-up: %s", report.summary(), extra={"warm_up_slowest_ms": report.slowest_ms})
            return


def investigator_routes(graph: Graph, policies: dict[str, Policy], generations: GenerationView,
                        report: WarmUpReport) -> None:
    """The investigator routes' reads (profile, owners and subsidiaries, paths, ultimate owners, search,
    screening), once, about a party the verdicts were asked about, with the routes' parameter types: after a
    restart their first executions took 0.3-0.9 s, the ultimate owners 5.6 s (million-entity bench store).
    One policy's party is enough: the statements are the same for every policy."""
    if not report.samples:
        return
    policy_id = min(report.samples)
    party, holder = report.samples[policy_id][0]["party"], report.samples[policy_id][0]["holder"]
    generation = generations.current(policy_id)
    on = native(generation["as_of"]) if generation else datetime.now(UTC).date()
    found = report.time("profile", lambda: entities.profile(graph, party), "routes: profile")
    name = str(found.get("name") or party) if found else party
    report.time("owners", lambda: entities.tree(graph, party, "owners", 2, None), "routes: owners")
    report.time("subsidiaries", lambda: entities.tree(graph, holder, "subsidiaries", 2, None),
                "routes: subsidiaries")
    report.time("paths", lambda: entities.paths(graph, party, holder, 4), "routes: paths")
    report.time("ultimate owners", lambda: entities.ultimate(graph, party, on), "routes: ultimate owners")
    report.time("search", lambda: entities.search(graph, name, 0, 20), "routes: search")
    report.time("screening", lambda: screen(graph, policies[policy_id], [ScreenQuery(name=name)], 5, 0.75,
                                            generation), "routes: screening")
