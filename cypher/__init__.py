"""Catalog of every Cypher statement the project runs, one statement per `.cypher` file.

Each file opens with a `//` header; its `Parameters:` line names every `$parameter`
the statement takes (or says `none`). Callers ask for a statement by its path
without the suffix, e.g. `query("admin/stats_labels")`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_PARAMS = re.compile(r"^//\s*Parameters:\s*(.*)$", re.IGNORECASE)


class CypherCatalogError(LookupError):
    """A statement is missing or its header does not match its body."""


@dataclass(frozen=True)
class Statement:
    name: str
    text: str
    declared_parameters: frozenset[str]
    used_parameters: frozenset[str]


def _parse(name: str, text: str) -> Statement:
    header: list[str] = []
    body: list[str] = []
    for line in text.splitlines():
        if not body and line.startswith("//"):
            header.append(line)
        elif line.strip() or body:
            body.append(line)
    declared: set[str] | None = None
    for line in header:
        match = _HEADER_PARAMS.match(line)
        if match:
            raw = match.group(1).strip()
            declared = set() if raw.lower().startswith("none") else set(_PARAM.findall(raw))
        elif declared is not None:  # the parameter list may continue on the following header lines
            declared |= set(_PARAM.findall(line))
    if declared is None:
        raise CypherCatalogError(f"cypher/{name}.cypher: header has no 'Parameters:' line")
    body_text = "\n".join(line for line in body if not line.lstrip().startswith("//"))
    used = set(_PARAM.findall(body_text))
    if used != declared:
        raise CypherCatalogError(
            f"cypher/{name}.cypher: header declares {sorted(declared)} but the statement uses {sorted(used)}"
        )
    return Statement(name, text, frozenset(declared), frozenset(used))


@cache
def statement(name: str) -> Statement:
    resource = resources.files(__package__).joinpath(f"{name}.cypher")
    if not resource.is_file():
        raise CypherCatalogError(f"no Cypher statement named {name!r} (looked for cypher/{name}.cypher)")
    return _parse(name, resource.read_text(encoding="utf-8"))


def query(name: str) -> str:
    return statement(name).text


def names(folder: str = "") -> list[str]:
    """All statement names, optionally under one folder, in sorted order."""
    root = resources.files(__package__)
    found: list[str] = []

    def walk(node: object, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):  # type: ignore[attr-defined]
            if child.is_dir() and not child.name.startswith("__"):
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".cypher"):
                found.append(prefix + child.name.removesuffix(".cypher"))

    start = root.joinpath(folder) if folder else root
    walk(start, f"{folder}/" if folder else "")
    return found
