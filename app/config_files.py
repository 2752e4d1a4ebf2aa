"""Reading the project's YAML files (policies, refresh sources): errors name the file, line and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.errors import OwnershipError


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, but a value shaped like a date that is not one (2020-13-01) stays a string: the
    model then names its key, where YAML's own constructor raised a bare ValueError."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[arg-type]
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def read_mapping(path: Path, error: type[OwnershipError], what: str) -> dict[str, Any]:
    """The YAML mapping in `path`; anything else raises `error` naming the file (and line)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
    except OSError as failure:
        raise error(f"{path}: cannot read ({failure.strerror or failure})") from None
    except yaml.YAMLError as failure:
        mark = getattr(failure, "problem_mark", None)
        raise error(f"{path}: not valid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
    if not isinstance(raw, dict):
        raise error(f"{path}: {what} is a mapping of keys, not {type(raw).__name__}")
    return raw


def describe(failure: ValidationError) -> str:
    """Each problem as `key a.b.c: message`."""
    return "; ".join(f"key {'.'.join(str(p) for p in item['loc']) or '(top level)'}: {item['msg']}"
                     for item in failure.errors())
