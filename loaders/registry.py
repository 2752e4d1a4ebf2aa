"""Which reader and transform each `ownership load <kind>` uses."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from loaders.pipeline import Reader, Transform


@dataclass(frozen=True)
class Loader:
    kind: str
    source: str
    reader: Reader
    transform: Transform
    suffixes: tuple[str, ...]

    def accepts(self, name: str) -> bool:
        lowered = name.lower().removesuffix(".gz")
        return any(lowered.endswith(suffix) for suffix in self.suffixes)


KINDS = ("bods", "gleif", "psc", "ftm", "csv")


def get_loader(kind: str) -> Loader:
    if kind not in KINDS:
        raise ValueError(f"unknown loader {kind!r}; one of {', '.join(KINDS)}")
    module = import_module(f"loaders.{kind}")
    return Loader(kind, module.SOURCE, module.read, module.transform, module.SUFFIXES)
