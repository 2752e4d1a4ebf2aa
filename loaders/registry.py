"""Which reader and transform each `ownership load <kind>` uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from app.errors import OwnershipError
from loaders.pipeline import Reader, Transform


@dataclass(frozen=True)
class Loader:
    kind: str
    source: str
    reader: Reader
    transform: Transform
    suffixes: tuple[str, ...]
    json_lines_parts: bool = False  # a big JSON Lines file may be read in parts, in parallel

    def accepts(self, name: str) -> bool:
        lowered = name.lower().removesuffix(".gz")
        return any(lowered.endswith(suffix) for suffix in self.suffixes)


KINDS = ("bods", "gleif", "psc", "ftm", "csv")


def get_loader(kind: str) -> Loader:
    if kind not in KINDS:
        raise ValueError(f"unknown loader {kind!r}; one of {', '.join(KINDS)}")
    module = import_module(f"loaders.{kind}")
    return Loader(kind, module.SOURCE, module.read, module.transform, module.SUFFIXES,
                  getattr(module, "JSON_LINES_PARTS", False))


def expand_paths(paths: list[Path], accepts: Callable[[str], bool]) -> list[Path]:
    """Files as given, and a folder's files (sorted) whose suffix the loader reads."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                                and accepts(p.name)))
        elif path.exists():
            files.append(path)
        else:
            raise OwnershipError(f"{path}: no such file or folder")
    return files
