"""The API process's warm-up (app/engine/warmup.py) on a thread of its own; readiness waits for it."""

from __future__ import annotations

import logging
import threading
from typing import Literal

from app.api.cache import GenerationView
from app.db import Graph
from app.engine.warmup import WarmUpReport, warm_up
from app.policy import Policy

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
            try:
                report = warm_up(graph, policies, generations.current, stopped=self._stop.is_set)
            except Exception as error:  # Neo4j not answering yet: try again, readiness reports it meanwhile
                log.warning("warm-up could not start: %s; trying again in %g s", error, RETRY_S)
                self._stop.wait(RETRY_S)
                continue
            self.report = report
            self.state = "done"
            level = logging.WARNING if report.failed else logging.INFO
            log.log(level, "warm-up: %s", report.summary(), extra={"warm_up_slowest_ms": report.slowest_ms})
            return
