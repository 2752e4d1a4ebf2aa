"""One computation at a time: a live owner's lock stops a second run; a dead owner's lock is taken over."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from app.db import Graph
from app.engine.compute import LockBusy, compute_generation, graph_lock
from tests.engine_helpers import policy


def _hold(graph: Graph, owner: str) -> None:
    now = datetime.now(UTC)
    graph.write("engine/lock_acquire", name="compute", owner=owner, now=now, expires=now + timedelta(hours=1))


def test_a_live_lock_blocks_and_a_dead_owner_is_taken_over(graph: Graph) -> None:
    with graph_lock(graph, "compute"), pytest.raises(LockBusy, match="lock 'compute' is held by"):
        compute_generation(graph, policy(), date(2025, 1, 1))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    _hold(graph, f"{socket.gethostname()}:{finished.stdout.strip()}:deadbeef")
    report = compute_generation(graph, policy(), date(2025, 1, 1))
    assert report.generation
    _hold(graph, "some-other-host:1:cafe")
    with pytest.raises(LockBusy):
        compute_generation(graph, policy(), date(2025, 1, 1))
    graph.driver.execute_query("MATCH (l:Lock) DETACH DELETE l", database_=graph.database)
