"""A local Neo4j Community server assembled from Maven Central, for machines without Docker.

Provisioning first asks Maven for the standalone server tarball
(`org.neo4j.assembly:neo4j-community-standalone:<v>:tar.gz:unix`); Central does not
carry it, so the usual route is to copy the runtime closure of `org.neo4j:neo4j:<v>`
into `lib/` and start `org.neo4j.server.CommunityEntryPoint` directly. Launching the
class skips `bin/neo4j`, so the JVM flags it would add are passed here.

Each instance (the demo's, the test suite's) has its own folder with conf, data,
logs and a pid file; the jars are shared in the cache folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.errors import LocalServerError
from app.neo4j_plugin import PluginBuild, build_plugin, install_plugin
from app.settings import Settings

MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
ENTRY_POINT_CANDIDATES = ("org.neo4j.server.CommunityEntryPoint", "org.neo4j.server.Neo4jCommunity")
SUPPORTED_JAVA = {"5": (17, 21)}  # Neo4j major version -> Java majors it runs on
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    port: int
    home: Path
    message: str


def _run(cmd: list[str], cwd: Path, log: Path) -> bool:
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=False).returncode == 0


def _tail(path: Path, lines: int = 15) -> str:
    if not path.exists():
        return "(no log written)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# What Neo4j's console output holds when a file cannot get disk space: the message itself goes to
# debug.log, the console gets the stack through handleOutOfDiskSpaceError. Neo4j either exits or keeps
# running without its databases, and then the start would wait out its whole timeout.
DISK_FULL_MARKERS = ("handleOutOfDiskSpaceError", "running out of disk space", "No space left on device")


def disk_full_reported(log_text: str) -> bool:
    """Whether Neo4j's console output reports that the disk is full."""
    return any(marker in log_text for marker in DISK_FULL_MARKERS)


def _free_megabytes(path: Path) -> int | None:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return shutil.disk_usage(candidate).free // 1_000_000
    return None


def java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java(neo4j_version: str) -> str:
    """A `java` whose major version this Neo4j release supports."""
    wanted = SUPPORTED_JAVA.get(neo4j_version.split(".")[0], (21, 25))
    candidates: list[str] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(on_path)
    for jvm_root in (Path("/usr/lib/jvm"), Path("/Library/Java/JavaVirtualMachines")):
        if jvm_root.is_dir():
            for home in sorted(jvm_root.iterdir()):
                for binary in (home / "bin" / "java", home / "Contents" / "Home" / "bin" / "java"):
                    if binary.exists():
                        candidates.append(str(binary))
    seen: dict[str, int | None] = {}
    for java in candidates:
        if java not in seen:
            major = seen[java] = java_major(java)
            if major is not None and major in wanted:
                return java
    found = ", ".join(f"{j} (Java {v})" for j, v in seen.items()) or "none"
    raise LocalServerError(
        f"Neo4j {neo4j_version} needs Java {' or '.join(map(str, wanted))}; found: {found}. "
        "Install one (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME."
    )


class LocalNeo4j:
    def __init__(self, settings: Settings, instance: str | None = None, port: int | None = None) -> None:
        if not settings.neo4j_version:
            raise LocalServerError(
                "NEO4J_VERSION is not set: it is pinned in the project's .env file; "
                "set it, or set NEO4J_URI to use an existing server"
            )
        self.settings = settings
        self.version = settings.neo4j_version
        self.port = port or settings.local_bolt_port
        self.home = (settings.local_home / (instance or settings.local_instance)).resolve()
        self.distribution = (settings.cache_dir / f"neo4j-community-{self.version}").resolve()
        self.pid_file = self.home / "server.pid"  # Neo4j writes run/neo4j.pid itself
        self.log_file = self.home / "logs" / "console.log"
        self._log_start = 0  # where this start's output begins in the console log
        self.conf_dir = self.home / "conf"

    @property
    def uri(self) -> str:
        return f"neo4j://127.0.0.1:{self.port}"

    # -- provisioning -------------------------------------------------------------------------

    def provisioned(self) -> bool:
        return (self.distribution / ".complete").exists()

    @contextlib.contextmanager
    def _cache_lock(self) -> Iterator[None]:
        self.distribution.parent.mkdir(parents=True, exist_ok=True)
        with (self.distribution.parent / f".{self.distribution.name}.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def provision(self) -> str:
        """Fetch the server jars once; returns how they were obtained."""
        if self.provisioned():
            return (self.distribution / ".complete").read_text().strip()
        mvn = shutil.which("mvn")
        if not mvn:
            raise LocalServerError(
                "Maven (mvn) is needed once to fetch Neo4j from Maven Central: install it "
                "(apt-get install maven, brew install maven) or set NEO4J_URI to use an existing server"
            )
        with self._cache_lock():
            if self.provisioned():
                return (self.distribution / ".complete").read_text().strip()
            work = Path(tempfile.mkdtemp(prefix=f".{self.distribution.name}-", dir=self.distribution.parent))
            log = self.distribution.parent / f"provision-{self.version}.log"
            try:
                route = self._provision_into(mvn, work, log)
                self._check_entry_point(work / "lib")
                (work / ".complete").write_text(route + "\n")
                if self.distribution.exists():
                    shutil.rmtree(self.distribution)
                work.rename(self.distribution)  # atomic: a killed provisioning leaves only a temp folder
                return route
            finally:
                if work.exists():
                    shutil.rmtree(work, ignore_errors=True)

    def _provision_into(self, mvn: str, work: Path, log: Path) -> str:
        tarball_dir = work / "download"
        tarball_dir.mkdir()
        artifact = f"org.neo4j.assembly:neo4j-community-standalone:{self.version}:tar.gz:unix"
        if _run(
            [mvn, "-B", "-q", f"{MAVEN_DEPENDENCY_PLUGIN}:copy", f"-Dartifact={artifact}",
             f"-DoutputDirectory={tarball_dir}", "-Dmdep.overWriteReleases=true"],
            work, log,
        ):
            tarballs = list(tarball_dir.glob("*.tar.gz"))
            if tarballs:
                with tarfile.open(tarballs[0]) as archive:
                    archive.extractall(tarball_dir, filter="data")
                lib = next(tarball_dir.glob("*/lib"))
                lib.rename(work / "lib")
                shutil.rmtree(tarball_dir)
                return f"standalone tarball {artifact}"
        shutil.rmtree(tarball_dir)
        pom = work / "pom.xml"
        pom.write_text(
            "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
            "  <modelVersion>4.0.0</modelVersion>\n"
            "  <groupId>local.ownership</groupId><artifactId>neo4j-server-assembly</artifactId>\n"
            "  <version>1</version><packaging>pom</packaging>\n"
            "  <dependencies><dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>"
            f"<version>{self.version}</version></dependency></dependencies>\n"
            "</project>\n"
        )
        if not _run(
            [mvn, "-B", "-q", "-f", str(pom), f"{MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies",
             "-DincludeScope=runtime", f"-DoutputDirectory={work / 'lib'}"],
            work, log,
        ):
            raise LocalServerError(
                f"Maven could not fetch org.neo4j:neo4j:{self.version} and its runtime dependencies; "
                f"see {log}:\n{_tail(log)}"
            )
        return f"runtime closure of org.neo4j:neo4j:{self.version} (standalone tarball not on Central)"

    def _check_entry_point(self, lib: Path) -> str:
        import zipfile

        for jar in sorted(lib.glob("neo4j-*.jar")):
            with zipfile.ZipFile(jar) as archive:
                names = set(archive.namelist())
            for cls in ENTRY_POINT_CANDIDATES:
                if cls.replace(".", "/") + ".class" in names:
                    return cls
        raise LocalServerError(f"no Neo4j entry point ({', '.join(ENTRY_POINT_CANDIDATES)}) in {lib}")

    # -- lifecycle ----------------------------------------------------------------------------

    def _write_config(self) -> None:
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        h = self.home
        lines = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{self.port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.usage_report.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.memory.pagecache.size": self.settings.local_pagecache,
            "server.directories.data": str(h / "data"),
            "server.directories.logs": str(h / "logs"),
            "server.directories.run": str(h / "run"),
            "server.directories.import": str(h / "import"),
            "server.directories.plugins": str(h / "plugins"),
            "server.directories.transaction.logs.root": str(h / "data" / "transactions"),
            "db.transaction.timeout": "600s",
            # Local servers take no incremental backups: without a cap, big loads and deletes leave tens of
            # gigabytes of transaction logs for two days (the default).
            "db.tx_log.rotation.retention_policy": "1G size",
            "db.tx_log.preallocate": str(self.settings.local_tx_log_preallocate).lower(),
            # Two cores: keep the Bolt thread pool small so it does not starve the JVM.
            "server.bolt.thread_pool_max_size": "64",
        }
        text = "# Generated by `ownership neo4j start`; edits are overwritten.\n"
        text += "".join(f"{k}={v}\n" for k, v in lines.items())
        (self.conf_dir / "neo4j.conf").write_text(text)

    def _recorded(self) -> tuple[int, int] | None:
        """The pid and Bolt port of this instance's server, if that process still runs."""
        try:
            fields = self.pid_file.read_text().split()
            pid, port = int(fields[0]), int(fields[1])
        except (OSError, ValueError, IndexError):
            return None
        return (pid, port) if self._is_our_server(pid) else None

    def _orphans(self) -> list[int]:
        """Servers of this instance that lost their pid file (Linux only: reads /proc)."""
        found: list[int] = []
        proc = Path("/proc")
        if not proc.is_dir():
            return found
        for entry in proc.iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid() and self._is_our_server(int(entry.name)):
                found.append(int(entry.name))
        return found

    def _pid(self) -> int | None:
        recorded = self._recorded()
        return recorded[0] if recorded else None

    def _is_our_server(self, pid: int) -> bool:
        # Only a live process whose command line names this instance's home is ours to stop.
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            try:
                os.kill(pid, 0)
            except OSError:
                return False
            out = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True)
            cmdline = out.stdout
        return f"--home-dir={self.home}" in cmdline.replace("\0", " ")

    def _port_in_use(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def status(self) -> ServerStatus:
        recorded = self._recorded()
        if recorded:
            pid, port = recorded
            return ServerStatus(
                True, pid, port, self.home, f"running (pid {pid}, bolt neo4j://127.0.0.1:{port}, home {self.home})"
            )
        return ServerStatus(False, None, self.port, self.home, f"stopped (home {self.home})")

    def start(self) -> ServerStatus:
        current = self.status()
        if current.running and current.port != self.port:
            raise LocalServerError(
                f"the local server of {self.home} already runs on port {current.port}, not {self.port}; "
                "stop it first (`ownership neo4j stop`)"
            )
        if current.running:
            self._wait_for_bolt(current.pid)
            return ServerStatus(True, current.pid, self.port, self.home, f"already {current.message}")
        orphans = self._orphans()
        if orphans:
            raise LocalServerError(
                f"a server of {self.home} runs without a pid file (pid {', '.join(map(str, orphans))}); "
                "stop it (`ownership neo4j stop` finds it) and start again"
            )
        if self._port_in_use():
            raise LocalServerError(
                f"port {self.port} on 127.0.0.1 is already in use by another process; "
                "stop it or choose another port with OWNERSHIP_LOCAL_BOLT_PORT"
            )
        if self.bulk_marker.exists():
            raise LocalServerError(
                f"a bulk import into {self.home} did not finish, so its database is incomplete: run the bulk "
                f"load again (it replaces the database), or remove {self.home / 'data'} to start empty"
            )
        self.provision()
        java = find_java(self.version)
        lib = self.distribution / "lib"
        entry_point = self._check_entry_point(lib)
        self._write_config()
        self._set_initial_password(java, lib)
        plugin = self._build_plugin(java)
        install_plugin(self.home / "plugins", plugin.jar)
        cmd = [
            java, "-Xms256m", f"-Xmx{self.settings.local_heap}", *JVM_FLAGS,
            "-cp", f"{self.home / 'plugins'}/*:{lib}/*", entry_point,
            f"--home-dir={self.home}", f"--config-dir={self.conf_dir}", "--console-mode",
        ]
        with self.log_file.open("ab") as log:
            log.write(f"\n--- starting {time.strftime('%Y-%m-%dT%H:%M:%S')} ---\n".encode())
            log.flush()
            self._log_start = log.tell()
            process = subprocess.Popen(
                cmd, cwd=self.home, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # survives the CLI that started it, ignores its Ctrl-C
            )
        self.pid_file.write_text(f"{process.pid} {self.port}\n")
        self._wait_for_bolt(process.pid, process)
        return ServerStatus(True, process.pid, self.port, self.home,
                            f"started (pid {process.pid}, bolt {self.uri}; {plugin.note})")

    def plugin(self, java: str | None = None) -> PluginBuild:
        """The jar of the project's procedures for this Neo4j version (`app/neo4j_plugin.py`), built once."""
        self.provision()
        return self._build_plugin(java or find_java(self.version))

    def _build_plugin(self, java: str) -> PluginBuild:
        """As `plugin`, once the server jars are provisioned."""
        return build_plugin(self.distribution / "lib", self.distribution.parent / "plugins", java)

    @property
    def bulk_marker(self) -> Path:
        """Present while an offline import rewrites the database (a killed import leaves it behind)."""
        return self.home / "bulk-import.incomplete"

    def import_csv(self, nodes: list[tuple[str | None, Path]], relationships: list[tuple[str | None, Path]],
                   report_file: Path, array_delimiter: str) -> str:
        """Replaces the stopped server's database with the given CSV files (`neo4j-admin database import
        full`); returns the importer's summary. The marker file stays if the import fails or is killed."""
        if self.status().running:
            raise LocalServerError(f"the local server of {self.home} must be stopped for an offline import")
        self.provision()
        java = find_java(self.version)
        self._write_config()
        self._set_initial_password(java, self.distribution / "lib")
        self.bulk_marker.write_text("offline import started\n")

        def group(option: str, entries: list[tuple[str | None, Path]]) -> list[str]:
            return [f"--{option}={name + '=' if name else ''}{path}" for name, path in entries]

        cmd = [
            java, f"-Xmx{self.settings.local_heap}", "-cp", f"{self.distribution / 'lib'}/*",
            "org.neo4j.cli.AdminTool", "database", "import", "full", self.settings.neo4j_database,
            "--overwrite-destination=true", "--multiline-fields=true", "--skip-bad-relationships=false",
            f"--array-delimiter=U+{ord(array_delimiter):04X}", f"--report-file={report_file}",
            *group("nodes", nodes), *group("relationships", relationships),
        ]
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0 or "IMPORT DONE" not in result.stdout:
            details = (result.stdout + result.stderr).strip().splitlines()
            raise LocalServerError("the offline import failed:\n" + "\n".join(details[-15:]))
        self.bulk_marker.unlink()
        return "\n".join(line for line in result.stdout.splitlines()
                         if line.startswith(("IMPORT DONE", "  ", "Peak memory")))

    def _set_initial_password(self, java: str, lib: Path) -> None:
        if (self.home / "data" / "dbms" / "auth.ini").exists() or (self.home / "data" / "databases").exists():
            return
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        result = subprocess.run(
            [java, "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "dbms", "set-initial-password",
             self.settings.effective_password()],
            env=env, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise LocalServerError(f"setting the initial password failed: {result.stdout}{result.stderr}")

    def _wait_for_bolt(self, pid: int | None, process: subprocess.Popen[bytes] | None = None) -> None:
        import logging

        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

        # Each failed attempt while the server boots is expected; the driver would log every one.
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
        deadline = time.monotonic() + self.settings.local_start_timeout_s
        auth = (self.settings.neo4j_user, self.settings.effective_password())
        last_error = ""
        while time.monotonic() < deadline:
            if process is not None and self._disk_full_since_start():
                self._terminate(process.pid)
                self.pid_file.unlink(missing_ok=True)
                raise LocalServerError(
                    f"Neo4j ran out of disk space under {self.home} ({_free_megabytes(self.home)} MB free now) "
                    "and could not start its databases; free space there, or put the local servers on another "
                    f"disk with OWNERSHIP_LOCAL_HOME; logs in {self.log_file.parent}"
                )
            if process is not None and process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise LocalServerError(
                    f"Neo4j exited with code {process.returncode} during start; log {self.log_file}:\n"
                    f"{_tail(self.log_file)}"
                )
            try:
                with GraphDatabase.driver(self.uri, auth=auth, connection_timeout=2) as driver:
                    driver.verify_connectivity()
                    return
            except AuthError as error:
                raise LocalServerError(
                    f"the local server at {self.home} rejects the configured password ({error.message}); "
                    "it keeps the password it was first started with: set NEO4J_PASSWORD to it, "
                    f"or remove {self.home} to start afresh"
                ) from None
            except (ServiceUnavailable, Neo4jError, OSError) as error:
                last_error = str(error)
            time.sleep(0.5)
        if process is not None:
            self._terminate(process.pid)
            self.pid_file.unlink(missing_ok=True)
        raise LocalServerError(
            f"Neo4j did not answer on {self.uri} within {self.settings.local_start_timeout_s:.0f}s "
            f"({last_error}); see the log {self.log_file}:\n{_tail(self.log_file)}"
        )

    def _disk_full_since_start(self) -> bool:
        try:
            with self.log_file.open("rb") as log:
                log.seek(self._log_start)
                return disk_full_reported(log.read().decode(errors="replace"))
        except OSError:
            return False

    def _terminate(self, pid: int, timeout: float = 60.0) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)  # Neo4j shuts down cleanly on SIGTERM
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._alive(pid):
                return
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    @staticmethod
    def _alive(pid: int) -> bool:
        with contextlib.suppress(ChildProcessError):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        stat = Path(f"/proc/{pid}/stat")
        return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))

    def stop(self) -> ServerStatus:
        recorded = self._pid()
        pids = [recorded] if recorded else self._orphans()
        if not pids:
            self.pid_file.unlink(missing_ok=True)
            return ServerStatus(False, None, self.port, self.home, f"not running (home {self.home})")
        for pid in pids:
            self._terminate(pid)
        self.pid_file.unlink(missing_ok=True)
        return ServerStatus(False, None, self.port, self.home, f"stopped (was pid {', '.join(map(str, pids))})")
