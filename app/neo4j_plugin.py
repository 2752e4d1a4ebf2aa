"""The project's Neo4j procedures (`plugin/src`), built into a jar that the local servers load.

One procedure, `ownership.ancestry`: the on-demand engine's walk of a party's ancestry in one pass over the
relationships (README, "Benchmarks"). It is an accelerator, not a dependency: a server without it (no JDK to
build it, a server the project did not start, such as docker compose's) gets the same walk from the Cypher
statement, more slowly (`read_walk` in app/engine/verdicts.py).

The jar is built once per version of the sources, in the cache folder next to the server's jars, and copied
into each local instance's `plugins` folder when the instance starts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.settings import PROJECT_ROOT

PLUGIN_SOURCES = PROJECT_ROOT / "plugin" / "src"
JAR_PREFIX = "ownership-procedures"
JAVA_RELEASE = "17"  # the oldest Java that Neo4j 5 runs on


@dataclass(frozen=True)
class PluginBuild:
    jar: Path | None  # None: not built (see `note`)
    note: str


def source_files(root: Path = PLUGIN_SOURCES) -> list[Path]:
    return sorted(root.rglob("*.java"))


def source_digest(root: Path = PLUGIN_SOURCES, server: str = "") -> str:
    """Of the sources and the server they are compiled against (`server`: its jars' folder name, which
    names its version): a jar built for one Neo4j version is not loaded by another."""
    digest = hashlib.sha256(server.encode() + b"\0")
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def find_javac(java: str) -> str | None:
    """The compiler of the JDK that `java` belongs to, else any on the PATH."""
    beside = Path(java).resolve().parent / "javac"
    if beside.exists():
        return str(beside)
    return shutil.which("javac")


def build_plugin(lib: Path, cache_dir: Path, java: str, root: Path = PLUGIN_SOURCES) -> PluginBuild:
    """The jar of the current sources, compiled against the server's jars in `lib` (once per version of the
    sources); no jar, with the reason, when no compiler is found or compiling fails."""
    files = source_files(root)
    if not files:
        return PluginBuild(None, f"no procedure sources under {root}")
    jar = cache_dir / f"{JAR_PREFIX}-{source_digest(root, lib.resolve().parent.name)}.jar"
    if jar.exists():
        return PluginBuild(jar, f"procedures {jar.name}")
    javac = find_javac(java)
    if javac is None:
        return PluginBuild(None, "no javac found to build the walk procedure (install a JDK, e.g. "
                                 "openjdk-17-jdk-headless); the engine walks ancestries in Cypher, more slowly")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{JAR_PREFIX}-", dir=cache_dir) as work:
        classes = Path(work) / "classes"
        result = subprocess.run(
            [javac, "--release", JAVA_RELEASE, "-nowarn", "-cp", f"{lib}/*", "-d", str(classes),
             *map(str, files)],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip().splitlines()
            return PluginBuild(None, "building the walk procedure failed; the engine walks ancestries in "
                                     "Cypher, more slowly:\n" + "\n".join(output[-10:]))
        partial = Path(work) / jar.name
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
            for path in sorted(classes.rglob("*.class")):
                archive.write(path, path.relative_to(classes).as_posix())
        os.replace(partial, jar)  # atomic: a killed build leaves no half-written jar under the final name
    return PluginBuild(jar, f"procedures {jar.name} (built)")


def install_plugin(plugins_dir: Path, jar: Path | None) -> None:
    """Puts `jar` (or nothing) in an instance's plugins folder, in place of any other version."""
    plugins_dir.mkdir(parents=True, exist_ok=True)
    for old in plugins_dir.glob(f"{JAR_PREFIX}*.jar"):
        if jar is None or old.name != jar.name:
            old.unlink()
    if jar is not None and not (plugins_dir / jar.name).exists():
        partial = plugins_dir / f".{jar.name}.partial"
        shutil.copyfile(jar, partial)
        os.replace(partial, plugins_dir / jar.name)
