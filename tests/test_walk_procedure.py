"""The walk procedure (`ownership.ancestry`, plugin/src) gives the Cypher walk's record (`ancestry_on.cypher`).

The engine uses the procedure when the server has it (`read_walk`), so every other engine test on the local
test server goes through it; these tests compare it with the statement it stands in for, on random graphs
with cycles, self-holdings, control, dated interests and random stops, and check the fallback to the statement.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cypher
from app.db import Graph
from app.engine import verdicts
from app.engine.settled import STOP_KEY_LENGTH, KeptStops, StopIds
from app.engine.verdicts import (
    KEPT_PROCEDURE,
    KEPT_SIGNATURE,
    WALK_PROCEDURE,
    WALK_SIGNATURE,
    load_ancestry,
    read_walk,
)
from app.schema import reset_graph
from tests.engine_helpers import count_reads, write_graph
from tests.reference import REdge, RNode
from tests.soak import examples
from tests.test_engine_reference import graphs

DATES = [date(2019, 6, 1), date(2020, 1, 1), date(2025, 6, 30), date(2026, 6, 1)]


def _stops(ids: list[str], key_length: int) -> dict[str, str]:
    """`StopIds` grouped by `key_length` last characters (the engine's is STOP_KEY_LENGTH)."""
    groups: dict[str, list[str]] = {}
    for pid in ids:
        groups.setdefault(pid[-key_length:] if key_length else "", []).append(pid)
    return {key: "\n" + "\n".join(members) + "\n" for key, members in groups.items()}


def _walk(graph: Graph, statement: str, **params: Any) -> dict[str, Any] | None:
    rows = graph.read(statement, **params)
    return rows[0] if rows else None


def _comparable(row: dict[str, Any] | None) -> Any:
    """The record with its lists in a fixed order (neither statement promises one)."""
    if row is None:
        return None
    parties = sorted(([*party[:7], sorted(party[7], key=repr)] for party in row["parties"]), key=repr)
    return {**row, "parties": parties, "details": sorted(row["details"], key=repr),
            "identifiers": sorted(row["identifiers"])}


def test_the_test_server_has_the_walk_procedure(graph: Graph) -> None:
    """CI builds and installs the plugin (`LocalNeo4j.start`), so the engine tests run the procedure."""
    assert graph.procedure_signature(WALK_PROCEDURE) == WALK_SIGNATURE
    assert graph.procedure_signature(KEPT_PROCEDURE) == KEPT_SIGNATURE


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=graphs(), picks=st.data())
def test_the_walk_procedure_gives_the_cypher_walks_record(
        graph: Graph, case: tuple[list[RNode], list[REdge], dict[str, Any]], picks: st.DataObject) -> None:
    nodes, edges, _ = case
    reset_graph(graph)
    write_graph(graph, nodes, edges)
    ids = [n.id for n in nodes]
    for _ in range(4):
        party = picks.draw(st.sampled_from(ids))
        key_length = picks.draw(st.integers(0, 3))
        params: dict[str, Any] = {
            "id": None, "ref": None, "as_of": picks.draw(st.sampled_from(DATES)), "stop_key_length": key_length,
            "known": _stops(picks.draw(st.lists(st.sampled_from(ids), unique=True)), key_length),
            "limit": picks.draw(st.sampled_from([1, 2, 3, 50_000])),
        }
        by_ref = picks.draw(st.booleans())
        if by_ref:
            params["ref"] = picks.draw(st.sampled_from([party, f"XX-TEST:{party[1:]}", "XX-TEST:none"]))
        else:
            params["id"] = party
        statement = _walk(graph, "engine/ancestry_on", **params)
        procedure = _walk(graph, "engine/ancestry_on_procedure", **params)
        # the same stops kept in the server, sent in two parts (the second walk's ids join the first's)
        stop_ids = [pid for ids in params["known"].values() for pid in ids.split("\n") if pid]
        cut = picks.draw(st.integers(0, len(stop_ids)))
        walk = {key: value for key, value in params.items() if key not in ("known", "stop_key_length")}
        memo = uuid.uuid4().hex
        _walk(graph, "engine/ancestry_on_kept", **walk, memo=memo, added="\n".join(stop_ids[:cut]), expected=cut)
        kept = _walk(graph, "engine/ancestry_on_kept", **walk, memo=memo, added="\n".join(stop_ids[cut:]),
                     expected=len(stop_ids))
        if statement is not None and statement["truncated"]:
            # past the limit each keeps `limit` ancestors, not necessarily the same ones, and the asked party
            for walked in (procedure, kept):
                assert walked is not None and walked["truncated"], params
                assert party in {row[0] for row in walked["parties"]} or by_ref, params
            continue
        assert _comparable(procedure) == _comparable(statement), params
        assert _comparable(kept) == _comparable(statement), params


def test_the_walk_procedure_follows_the_statement_on_what_random_graphs_lack(graph: Graph) -> None:
    """Ids holding a newline (never settled), a holder that is not a party (walked through, never read as
    an interest's holder or a party), an interest whose start is not a date (counts nowhere), a party
    without an id (the statement's stop test is null there, so neither walks through it), and array
    properties of other types than text (lists in both)."""
    write_graph(graph, [RNode(pid, "entity") for pid in ("t", "a\nb", "b", "c", "d", "e")],
                [REdge("a\nb", "t", "OWNS", share_min=30.0, share_max=30.0),
                 REdge("b", "a\nb", "OWNS", share_min=60.0, share_max=60.0),
                 REdge("c", "t", "OWNS", share_min=10.0, share_max=10.0),
                 REdge("e", "d", "OWNS", share_min=70.0, share_max=70.0)])
    graph.driver.execute_query(
        """MATCH (t:Party {id: 't'}), (d:Party {id: 'd'}), (c:Party {id: 'c'})
           CREATE (d)-[:OWNS {share_min: 40.0, share_max: 40.0, record: 'test:x'}]->(o:Other {id: 'o'})
                  -[:OWNS {share_min: 50.0, share_max: 50.0, record: 'test:y'}]->(t)
           CREATE (:Party {id: 'w', kind: 'entity'})-[:CONTROLS {kind: 'board', start_date: '2020-01-01'}]->(t)
           CREATE (:Party {kind: 'entity'})-[:OWNS {share_min: 5.0, share_max: 5.0}]->(c)
           WITH d
           MATCH (d)<-[r:OWNS]-(e:Party {id: 'e'})
           SET e.state_of = [1, 2], r.kind = [true, false]""",
        database_=graph.database)
    for known in ([], ["a\nb"], ["b"], ["d"], ["t"], ["o", "c"]):
        for as_of in DATES:
            params = {"id": "t", "ref": None, "as_of": as_of, "limit": 50_000, "stop_key_length": STOP_KEY_LENGTH,
                      "known": StopIds().with_ids(known)}
            procedure = _walk(graph, "engine/ancestry_on_procedure", **params)
            assert _comparable(procedure) == _comparable(_walk(graph, "engine/ancestry_on", **params)), known
    nodes, edges, _ = load_ancestry(graph, "t", DATES[0])
    assert set(nodes) == {"t", "a\nb", "b", "c", "d", "e", "w"}  # through o, not the party without an id
    assert {(e.holder, e.subject) for e in edges} == {("a\nb", "t"), ("b", "a\nb"), ("c", "t"), ("e", "d"), (None, "c")}


def test_walks_fall_back_to_the_statement_without_the_procedure(
        graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    write_graph(graph, [RNode("t", "entity"), RNode("h", "entity", jurisdiction="RU")],
                [REdge("h", "t", "OWNS", share_min=60.0, share_max=60.0)])
    params = {"id": "t", "ref": None, "as_of": DATES[2], "limit": 50_000, "known": StopIds(),
              "stop_key_length": STOP_KEY_LENGTH}
    expected = _comparable(_walk(graph, "engine/ancestry_on", **params))
    reads = count_reads(graph, monkeypatch)
    assert [_comparable(row) for row in read_walk(graph, **params)] == [expected]
    assert reads[-1] == "engine/ancestry_on_procedure"

    # a server without the procedure (or with another version of it): the statement, asked once a driver
    monkeypatch.setattr(verdicts, "WALK_SIGNATURE", WALK_SIGNATURE + " (another version)")
    reads.clear()
    assert [_comparable(row) for row in read_walk(graph, **params)] == [expected]
    assert reads == ["engine/ancestry_on"]

    # the procedure gone since it was asked about (a restart without the plugin): the statement, and asked again
    monkeypatch.setattr(verdicts, "WALK_SIGNATURE", WALK_SIGNATURE)
    original = cypher.query
    monkeypatch.setattr(cypher, "query", lambda name: original(name).replace("ownership.ancestry(",
                                                                             "ownership.gone(")
                        if name == "engine/ancestry_on_procedure" else original(name))
    reads.clear()
    assert [_comparable(row) for row in read_walk(graph, **params)] == [expected]
    assert reads == ["engine/ancestry_on_procedure", "engine/ancestry_on"]
    reads.clear()
    read_walk(graph, **params)
    assert reads[0] == "engine/procedure_signature"

    # a user not allowed to list procedures: the statement
    graph.forget_procedures()
    monkeypatch.setattr(cypher, "query", lambda name: original(name).replace("SHOW PROCEDURES", "SHOW NOTHING")
                        if name == "engine/procedure_signature" else original(name))
    reads.clear()
    assert [_comparable(row) for row in read_walk(graph, **params)] == [expected]
    assert reads == ["engine/procedure_signature", "engine/ancestry_on"]
    graph.forget_procedures()


def test_walks_send_only_the_ids_settled_since_and_all_of_them_to_a_server_that_lost_them(
        graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settled ids the server keeps (`KeptStops`): each walk sends those settled since the last walk
    sent them; a server that keeps fewer than the walk expects (restarted, or the memo let go) gets them all
    once more; the record is the one the walk with every id sent (`$known`) gives."""
    write_graph(graph, [RNode(pid, "entity") for pid in ("t", "a", "b", "c")],
                [REdge("a", "t", "OWNS", share_min=30.0, share_max=30.0),
                 REdge("b", "a", "OWNS", share_min=60.0, share_max=60.0),
                 REdge("c", "b", "OWNS", share_min=60.0, share_max=60.0)])
    kept = KeptStops()
    stops = StopIds()
    for ids in (["c"], ["b"]):  # as `SettledParties.add` keeps two walks
        stops = stops.with_kept(ids, kept)
    params = {"id": "t", "ref": None, "as_of": DATES[2], "limit": 50_000, "known": stops,
              "stop_key_length": STOP_KEY_LENGTH}
    expected = _comparable(_walk(graph, "engine/ancestry_on_procedure", **params))
    assert {row[0] for row in expected["parties"]} == {"t", "a"}  # up to b, settled
    sent: list[str] = []
    original = graph.read

    def read(statement: str, /, **kwargs: Any) -> list[dict[str, Any]]:
        if statement == "engine/ancestry_on_kept":
            sent.append(kwargs["added"])
        return original(statement, **kwargs)

    monkeypatch.setattr(graph, "read", read)
    assert [_comparable(row) for row in read_walk(graph, **params)] == [expected]
    assert sent == ["c\nb"] and kept.sent == 2
    assert [_comparable(row) for row in read_walk(graph, **params)] == [expected]
    assert sent[1:] == [""]  # nothing settled since
    kept.memo = uuid.uuid4().hex  # as a restarted server: it keeps nothing under the memo
    sent.clear()
    assert [_comparable(row) for row in read_walk(graph, **params)] == [expected]
    assert sent == ["", "c\nb"]
