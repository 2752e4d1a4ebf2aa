"""The local server's lifecycle, against real Neo4j processes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from app.errors import LocalServerError
from app.neo4j_local import LocalNeo4j, disk_full_reported
from app.settings import load_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_port_taken_fails_fast_with_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = LocalNeo4j(load_settings(local_home=tmp_path), instance="squat", port=port)
        with pytest.raises(LocalServerError, match=f"port {port} on 127.0.0.1 is already in use"):
            server.start()


def test_start_stop_status_of_a_second_instance(tmp_path: Path) -> None:
    settings = load_settings(local_home=tmp_path, local_heap="384m", local_pagecache="64m")
    server = LocalNeo4j(settings, instance="lifecycle", port=_free_port())
    assert not server.status().running
    started = server.start()
    try:
        assert started.running and started.pid
        assert server.status().running
        transaction_logs = server.home / "data" / "transactions"
        written = sum(f.stat().st_size for f in transaction_logs.rglob("*") if f.is_file())
        assert written < 32_000_000, f"{written} bytes of transaction logs: preallocated (2 x 256 MB)?"
        again = server.start()
        assert again.running and again.pid == started.pid and "already running" in again.message
        with pytest.raises(LocalServerError, match="already runs on port"):
            LocalNeo4j(settings, instance="lifecycle", port=_free_port()).start()
    finally:
        stopped = server.stop()
    assert not stopped.running
    status = server.status()
    assert not status.running and status.message.startswith("stopped")
    assert "not running" in server.stop().message  # stopping twice is harmless too


def test_stop_touches_only_its_own_process(tmp_path: Path) -> None:
    settings = load_settings(local_home=tmp_path)
    server = LocalNeo4j(settings, instance="foreign", port=_free_port())
    server.pid_file.parent.mkdir(parents=True)
    import os

    server.pid_file.write_text(f"{os.getpid()} {server.port}\n")  # a pid that is not a Neo4j of this home
    assert not server.status().running
    assert "not running" in server.stop().message


def test_a_full_disk_is_recognised_in_neo4j_output() -> None:
    # What Neo4j 5.26 wrote when a CI machine's disk filled up during the test server's start: the message to
    # debug.log, the stack to the console (the start then waited out its whole timeout).
    full = (
        "ERROR [o.n.k.i.t.l.f.LogFileChannelNativeAccessor] Warning! System is running out of disk space. "
        "Failed to preallocate log file since disk does not have enough space left. "
        "Please provision more space to avoid that."
    )
    assert disk_full_reported(full)
    assert disk_full_reported("\tat org.neo4j.kernel.impl.transaction.log.files.LogFileChannelNativeAccessor"
                              ".handleOutOfDiskSpaceError(LogFileChannelNativeAccessor.java:111)")
    assert disk_full_reported("java.io.IOException: No space left on device")
    assert not disk_full_reported("2026-11-23 10:01:02.345+0000 INFO  Started.")


def test_local_servers_do_not_preallocate_transaction_logs(tmp_path: Path) -> None:
    server = LocalNeo4j(load_settings(local_home=tmp_path), instance="config", port=_free_port())
    server._write_config()
    assert "db.tx_log.preallocate=false\n" in (server.conf_dir / "neo4j.conf").read_text()
    opted_in = LocalNeo4j(load_settings(local_home=tmp_path, local_tx_log_preallocate=True), instance="on")
    opted_in._write_config()
    assert "db.tx_log.preallocate=true\n" in (opted_in.conf_dir / "neo4j.conf").read_text()
