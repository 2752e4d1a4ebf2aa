"""Asking each kind of on-demand verdict about a few parties, read-only, before a process reports ready.

After Neo4j starts, each statement's first execution is planned and its runtime code compiled by the
JVM: 0.4-1.7 s for the verdict statements on the million-entity bench store (README, "Benchmarks"), which
the first requests after a restart would pay. Neo4j caches a plan by the statement's text and its
parameters' types, so the warm-up makes the calls the API makes, with the same types, on real parties of
each policy's published generation: the stored verdict, a verdict on the day before and on a date years
back (through the generation), a party judged against its holders' verdicts (as one added after the
generation is), a whole ancestry walked, and what-ifs (a holder sells its stake; a buyer takes one above
it, also answered from settled parties). It writes nothing to Neo4j; what it settles is kept in this
process's memos as any request's is. A request that fails is reported and the others still run: a
warm-up only saves time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from app.db import Graph, native
from app.engine.compute import generation_matches, layers_of
from app.engine.service import verdict_for
from app.engine.settled import settled_on
from app.engine.verdicts import (
    Change,
    from_generation_verdict,
    on_demand_verdict,
    read_bundle,
    resolve,
    what_if_through_settled,
)
from app.policy import Policy

FAR_BACK = timedelta(days=5 * 365)  # a date whose verdicts the generation mostly does not hold
# Each kind asked about this many parties: one of each left the JVM's code cold for the next requests (on
# the bench store, stored verdicts and what-ifs up to 61 and 281 ms after it, 32 ms at most after eight)
SAMPLE_PARTIES = 8

T = TypeVar("T")


@dataclass
class WarmUpReport:
    seconds: float = 0.0
    requests: int = 0
    slowest_ms: dict[str, float] = field(default_factory=dict)  # by kind of request, over every policy
    skipped: dict[str, str] = field(default_factory=dict)  # policy id: why it was not warmed
    failed: dict[str, str] = field(default_factory=dict)  # "policy id: kind": the error
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # policy id: the parties asked about

    def time(self, kind: str, ask: Callable[[], T], failed_as: str | None = None) -> T | None:
        """One warm-up request, timed, and its answer; a failure is recorded (under `failed_as`, else `kind`)
        and gives None, not an exception."""
        asked = time.perf_counter()
        try:
            answer = ask()
        except Exception as error:  # a failed warm-up request only costs the time it saved
            self.failed[failed_as or kind] = f"{type(error).__name__}: {error}"
            return None
        finally:
            self.requests += 1
        elapsed_ms = round((time.perf_counter() - asked) * 1000, 1)
        self.slowest_ms[kind] = max(self.slowest_ms.get(kind, 0.0), elapsed_ms)
        return answer

    def summary(self) -> str:
        text = f"{self.requests} requests in {self.seconds:.1f} s"
        if self.skipped:
            text += "; skipped " + ", ".join(f"{k} ({v})" for k, v in sorted(self.skipped.items()))
        if self.failed:
            text += "; failed " + ", ".join(f"{k} ({v})" for k, v in sorted(self.failed.items()))
        return text


def warm_up(graph: Graph, policies: dict[str, Policy],
            generation_of: Callable[[str], dict[str, Any] | None],
            stopped: Callable[[], bool] = lambda: False) -> WarmUpReport:
    """Each kind of verdict about up to `SAMPLE_PARTIES` parties of each policy with a published generation
    (`generation_of`: the one the caller serves). `stopped` is asked between requests, so a process shutting
    down does not wait for the rest."""
    report = WarmUpReport()
    started = time.perf_counter()
    for policy_id, policy in sorted(policies.items()):
        if stopped():
            break
        generation = generation_of(policy_id)
        if generation is None or not generation_matches(generation, policy, None):
            report.skipped[policy_id] = "no published generation for this policy version"
            continue
        samples = graph.read("engine/warm_up_sample", layers=layers_of(generation),
                             jurisdictions=policy.restricted_jurisdictions, count=SAMPLE_PARTIES)
        if not samples:
            report.skipped[policy_id] = "no entity has a holder"
            continue
        report.samples[policy_id] = samples
        for kind, ask in (request for sample in samples for request in _requests(graph, policy, generation, sample)):
            if stopped():
                break
            report.time(kind, ask, f"{policy_id}: {kind}")
    report.seconds = time.perf_counter() - started
    return report


def _requests(graph: Graph, policy: Policy, generation: dict[str, Any],
              sample: dict[str, Any]) -> list[tuple[str, Callable[[], object]]]:
    party, holder, ancestor, buyer = sample["party"], sample["holder"], sample["ancestor"], sample["buyer"]
    on: date = native(generation["as_of"])
    sells = [Change("remove", holder, party)]
    buys = [Change("add", buyer, ancestor, share_min=60.0, share_max=60.0)]

    def judged_against_holders() -> object:
        return from_generation_verdict(graph, policy, generation, resolve(graph, party))

    def walked() -> object:
        return on_demand_verdict(graph, policy, resolve(graph, party), on)

    def through_settled() -> object:
        """As a what-if with too many parties below its changes, or a verdict on a date whose changes are too
        broad to reuse the generation, is answered: walks up to the parties earlier walks settled, the
        holder's first, so the party's stops at it (and the server keeps those ids for the next walks)."""
        found, bundle = read_bundle(graph, generation, party, on, with_stamp=True)
        settled = settled_on(str(generation["id"]), policy, on, bundle["stamp"])
        for ref in (holder, party):
            on_demand_verdict(graph, policy, resolve(graph, ref), on, settled=settled)
        return what_if_through_settled(graph, policy, found, on, buys, settled)

    return [
        ("stored", lambda: verdict_for(graph, policy, party, generation=generation)),
        ("the day before", lambda: verdict_for(graph, policy, party, on - timedelta(days=1), generation=generation)),
        ("years back", lambda: verdict_for(graph, policy, party, on - FAR_BACK, generation=generation)),
        ("added after the generation", judged_against_holders),
        ("whole ancestry", walked),
        ("what-if through settled parties", through_settled),
        ("what-if, a holder sells", lambda: verdict_for(graph, policy, party, changes=sells, generation=generation)),
        ("what-if, a buyer above", lambda: verdict_for(graph, policy, party, changes=buys, generation=generation)),
    ]
