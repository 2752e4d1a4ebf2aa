"""Catalog of every Cypher statement the project runs, one statement per `.cypher` file.

Each file opens with a `//` header; its `Parameters:` line names every `$parameter`
the statement takes (or says `none`). Callers ask for a statement by its path
without the suffix, e.g. `query("admin/stats_labels")`.

Lines several statements must share word for word (where a divergence would be a silent bug, e.g. the
data stamp that keys the on-demand memos) live once in `fragments/`: a statement line `:include NAME`
is replaced by `fragments/NAME.cypher`'s body, indented as the line is. A fragment has a header of its
own; the statement's `Parameters:` line names the fragment's parameters too (they are the statement's).
A fragment whose header has an `Arguments:` line (upper-case names) is included with as many arguments,
`:include NAME(first, second, ...)`, each replacing its name wherever it stands as a whole word in the
body: a variable, a `$parameter` or an expression of the including statement (split at commas, so none
holds one).
`fragments/` holds no statements: `names()` skips it and `statement()` refuses its files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_PARAMS = re.compile(r"^//\s*Parameters:\s*(.*)$", re.IGNORECASE)
_INCLUDE = re.compile(r"^(\s*):include\s+([^\s(]+)(?:\((.*)\))?\s*$")
_HEADER_ARGUMENTS = re.compile(r"^//\s*Arguments:\s*(.*)$", re.IGNORECASE)
_ARGUMENT_NAME = re.compile(r"\b[A-Z][A-Z0-9_]*\b")
FRAGMENTS = "fragments"


class CypherCatalogError(LookupError):
    """A statement is missing or its header does not match its body."""


@dataclass(frozen=True)
class Statement:
    name: str
    text: str
    declared_parameters: frozenset[str]
    used_parameters: frozenset[str]


def _read(path: str) -> str | None:
    resource = resources.files(__package__).joinpath(path)
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


Reader = Callable[[str], str | None]  # a file's text by its path in the catalog, None when it has none


def _expand(name: str, text: str, read: Reader = _read, seen: tuple[str, ...] = ()) -> str:
    """`text` with each `:include NAME` line replaced by the fragment's body (its header left out),
    indented as the line; fragments may include others (`seen`: the fragments being expanded)."""
    out: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _INCLUDE.match(line)
        if match is None:
            out.append(line)
            continue
        indent, fragment, arguments = match.groups()
        where = f"cypher/{name}.cypher, line {number}"
        if fragment in seen:
            raise CypherCatalogError(f"{where}: fragment {fragment!r} includes itself "
                                     f"({' -> '.join((*seen, fragment))})")
        found = read(f"{FRAGMENTS}/{fragment}.cypher")
        if found is None:
            raise CypherCatalogError(f"{where}: no fragment {fragment!r} (looked for cypher/{FRAGMENTS}/"
                                     f"{fragment}.cypher)")
        expanded = _parse(f"{FRAGMENTS}/{fragment}", found, read, (*seen, fragment)).text  # its header holds
        header, body = _split(expanded)
        body = _with_arguments(where, fragment, header, body, arguments)
        out.extend(indent + part if part.strip() else part for part in body)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _with_arguments(where: str, fragment: str, header: list[str], body: list[str],
                    arguments: str | None) -> list[str]:
    """The fragment's body with each name of its `Arguments:` line replaced by the argument in its place."""
    names: list[str] = []
    for line in header:
        match = _HEADER_ARGUMENTS.match(line)
        if match:
            names = _ARGUMENT_NAME.findall(match.group(1))
    given = [] if arguments is None else [part.strip() for part in arguments.split(",")]
    if len(given) != len(names) or not all(given):
        raise CypherCatalogError(f"{where}: fragment {fragment!r} takes {len(names)} argument(s) "
                                 f"({', '.join(names) or 'none'}), given {arguments!r}")
    if not names:
        return body
    values = dict(zip(names, given, strict=True))
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    return [pattern.sub(lambda m: values[m.group(1)], line) for line in body]


def _split(text: str) -> tuple[list[str], list[str]]:
    """(header lines, body lines): the header is the `//` lines before the first other line."""
    header: list[str] = []
    body: list[str] = []
    for line in text.splitlines():
        if not body and line.startswith("//"):
            header.append(line)
        elif line.strip() or body:
            body.append(line)
    return header, body


def _parse(name: str, text: str, read: Reader = _read, seen: tuple[str, ...] = ()) -> Statement:
    text = _expand(name, text, read, seen)
    header, body = _split(text)
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
    text = None if name.split("/", 1)[0] == FRAGMENTS else _read(f"{name}.cypher")
    if text is None:
        raise CypherCatalogError(f"no Cypher statement named {name!r} (looked for cypher/{name}.cypher)")
    return _parse(name, text)


def query(name: str) -> str:
    return statement(name).text


def names(folder: str = "") -> list[str]:
    """All statement names, optionally under one folder, in sorted order."""
    root = resources.files(__package__)
    found: list[str] = []

    def walk(node: object, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):  # type: ignore[attr-defined]
            if child.is_dir() and not child.name.startswith("__") and not (prefix == "" and child.name == FRAGMENTS):
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".cypher"):
                found.append(prefix + child.name.removesuffix(".cypher"))

    start = root.joinpath(folder) if folder else root
    walk(start, f"{folder}/" if folder else "")
    return found
