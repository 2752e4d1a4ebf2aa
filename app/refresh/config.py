"""The refresh sources file (YAML): which snapshots to load, the publication checks, the webhook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.config_files import describe, read_mapping
from app.errors import OwnershipError
from loaders.registry import KINDS


class RefreshConfigError(OwnershipError):
    """A sources file that cannot be read or says something invalid (the message names the key)."""


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,60}$")]
    kind: str = Field(description="Loader: bods, gleif, psc, ftm or csv")
    path: Path = Field(description="A file or a folder of snapshot files (relative to the sources file)")
    mode: Literal["full", "delta"] = Field(
        description="full: the files are the source's whole current state (what they no longer state is "
                    "retired); delta: each new file is applied once, in name order")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"{kind!r} is not a loader; one of {', '.join(KINDS)}")
        return kind


class Checks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_flip_fraction: float = Field(
        default=0.05, ge=0, le=1, description="Refuse to publish when more than this share of parties change verdict")
    max_shrink_fraction: float = Field(
        default=0.2, ge=0, le=1, description="Refuse when a full snapshot would retire more than this share of a "
                                             "source's interests")
    min_parties_for_flip_check: int = Field(default=1_000, ge=0,
                                            description="Smaller graphs are not held to the flip check")


class Webhook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Annotated[str, Field(pattern=r"^https?://")]
    timeout_s: float = Field(default=5.0, gt=0, le=120)
    max_attempts: int = Field(default=4, ge=1, le=20)
    backoff_s: float = Field(default=0.5, ge=0, le=60, description="First retry delay; doubles each attempt")
    batch: int = Field(default=1_000, ge=1, le=100_000, description="Changes per request")


class RefreshConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: Annotated[list[Source], Field(min_length=1)]
    checks: Checks = Field(default_factory=Checks)
    webhook: Webhook | None = None
    changes_dir: Path = Field(default=Path("changes"), description="JSON Lines change logs, one file per generation")
    rejects_dir: Path = Path("rejects")

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[Source]) -> list[Source]:
        names = [s.name for s in sources]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"source names must be unique: {', '.join(duplicated)}")
        return sources


def load_config(path: Path) -> RefreshConfig:
    raw = read_mapping(path, RefreshConfigError, "a sources file")
    try:
        config = RefreshConfig.model_validate(raw)
    except ValidationError as error:
        raise RefreshConfigError(f"{path}: {describe(error)}") from None
    base = path.resolve().parent
    for source in config.sources:
        if not source.path.is_absolute():
            source.path = base / source.path
    for attr in ("changes_dir", "rejects_dir"):
        value = getattr(config, attr)
        if not value.is_absolute():
            setattr(config, attr, base / value)
    return config
