"""The one settings object, read from the environment and from `.env` files.

Neo4j connection settings use the names every Neo4j tool uses (`NEO4J_URI`,
`NEO4J_USER`, `NEO4J_PASSWORD`, `NEO4J_DATABASE`); everything else is prefixed
with `OWNERSHIP_`. `.env` (committed, non-secret) is read first and `.env.local`
(ignored by git, for secrets) overrides it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_PASSWORD = "ownership-dev-password"


def _env_files() -> tuple[Path, ...]:
    # The project root's files hold the pinned Neo4j version; a file in the
    # working directory (for an installed package) wins over them.
    candidates = [PROJECT_ROOT / ".env", PROJECT_ROOT / ".env.local", Path(".env"), Path(".env.local")]
    seen: list[Path] = []
    for path in candidates:
        resolved = path.resolve()
        if resolved not in seen:
            seen.append(resolved)
    return tuple(seen)


class SettingsError(RuntimeError):
    """Raised when the environment holds an invalid setting; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OWNERSHIP_",
        env_file=_env_files(),
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    mode: Literal["development", "production"] = "development"

    neo4j_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("NEO4J_URI", "OWNERSHIP_NEO4J_URI"),
        description="An external server; when set, no local server is ever provisioned.",
    )
    neo4j_user: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "OWNERSHIP_NEO4J_USER"))
    neo4j_password: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD", "OWNERSHIP_NEO4J_PASSWORD")
    )
    neo4j_database: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE", "OWNERSHIP_NEO4J_DATABASE")
    )
    neo4j_version: str | None = Field(
        default=None,
        validation_alias=AliasChoices("NEO4J_VERSION", "OWNERSHIP_NEO4J_VERSION"),
        description="Pinned in the project's .env; used by the local server and by docker compose.",
    )
    neo4j_connect_timeout_s: float = Field(default=5.0, gt=0)
    neo4j_max_retry_s: float = Field(default=15.0, ge=0, description="How long managed transactions are retried.")

    local_bolt_port: int = Field(default=7687, ge=1, le=65535)
    local_instance: str = Field(default="default", pattern=r"^[A-Za-z0-9_-]+$",
                                description="Folder of the local server under local_home.")
    local_home: Path = Field(default=PROJECT_ROOT / ".neo4j", description="Data, logs and pid of local servers.")
    cache_dir: Path = Field(default=Path.home() / ".cache" / "ownership")
    local_heap: str = Field(default="1g", pattern=r"^\d+[mg]$")
    local_pagecache: str = Field(default="512m", pattern=r"^\d+[mg]$")
    local_start_timeout_s: float = Field(default=120.0, gt=0)
    local_tx_log_preallocate: bool = Field(
        default=False,
        description="Preallocate each database's transaction log file (256 MB for system and neo4j alike). "
        "Local servers serve development, tests and benches, where half a gigabyte of empty files on a small "
        "disk only makes the start fail.",
    )

    batch_size: int = Field(default=5_000, ge=1, le=1_000_000)
    max_reject_fraction: float = Field(default=0.05, ge=0, le=1)

    policies_dir: Path = Field(default=PROJECT_ROOT / "policies", description="Active policies, one YAML each.")
    default_policy: str = Field(default="restricted-jurisdictions", description="Policy id used when none is named.")

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    api_workers: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes for `ownership serve`.")
    api_keys: list[str] = Field(
        default_factory=list,
        description="Hashes of accepted API keys, each 'sha256:<hex>' (`ownership api-key` makes one); "
                    "admin routes always need one.",
    )
    read_requires_key: bool = Field(default=False, description="Whether read routes need an API key too.")
    max_body_bytes: int = Field(default=2_000_000, ge=1_000, description="Largest request body accepted.")
    verdict_cache_size: int = Field(default=200_000, ge=0, description="Verdicts cached per process (0: off).")
    keep_generations: int = Field(
        default=3, ge=2, description="Published generations kept per policy with their verdicts (the newest "
                                     "and the ones `ownership rollback` can go back to); older ones are pruned.")
    generation_poll_s: float = Field(
        default=1.0, ge=0, description="How long the API trusts its view of the published generation.")
    api_warm_up: bool = Field(
        default=True, description="Whether the API asks each kind of verdict about a few parties (read-only) "
                                  "before /readyz reports ready, so the first requests after Neo4j starts do "
                                  "not pay its query planning (app/engine/warmup.py).")

    @model_validator(mode="after")
    def _no_secret_defaults_in_production(self) -> Settings:
        if self.mode == "production":
            if not self.neo4j_uri:
                raise ValueError("NEO4J_URI must be set in production mode (no local server is provisioned)")
            if not self.neo4j_password:
                raise ValueError("NEO4J_PASSWORD must be set in production mode")
        return self

    @field_validator("api_keys")
    @classmethod
    def _hashed_keys_only(cls, keys: list[str]) -> list[str]:
        for key in keys:
            if not re.fullmatch(r"sha256:[0-9a-f]{64}", key):
                raise ValueError("each API key must be stored as 'sha256:<64 hex digits>', never in clear")
        return keys

    @property
    def external(self) -> bool:
        return bool(self.neo4j_uri)

    def effective_password(self) -> str:
        # Only development mode falls back to a known password, for the local server.
        return self.neo4j_password or DEV_PASSWORD


def env_name(field: str) -> str:
    """The environment variable a field is read from, as users would set it."""
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        first = info.validation_alias.choices[0]
        return first if isinstance(first, str) else field
    return f"OWNERSHIP_{field.upper()}"


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        loc = [str(p) for p in item["loc"]]
        where = env_name(loc[0]) if loc else "settings"
        parts.append(f"{where}: {item['msg']} (got {item.get('input')!r})" if loc else item["msg"])
    return "; ".join(parts)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(f"invalid setting: {_describe(error)}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
