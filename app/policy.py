"""Policies as YAML files: who the restricted origins are, the threshold, which control counts.

Every key is validated; an invalid file fails with the file name and the key at fault.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.config_files import describe, read_mapping
from app.errors import OwnershipError
from app.settings import PROJECT_ROOT

CONTROL_KINDS = (
    "board_appointment", "significant_influence", "accounting_consolidation", "contractual", "golden_share",
    "legal_framework", "fund_management", "branch", "trust", "officer", "nominee", "other",
)
# Control that confers control of the subject; officers, nominees and unknown interests do not.
DEFAULT_CONTROL_KINDS = [k for k in CONTROL_KINDS if k not in ("officer", "nominee", "other")]
MEASURES = ("equity", "votes", "economic")
Measure = Literal["equity", "votes", "economic"]


def _default_measures() -> list[Measure]:
    return ["equity", "votes"]


class PolicyError(OwnershipError):
    """A policy file that cannot be used; the message names the file and the key."""


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: str = Field(description="identifier key SCHEME:ID or platform id")
    verdict: Literal["restricted", "review", "clear"]
    reason: str = Field(min_length=1)
    expires: date | None = None


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)
    version: str = Field(min_length=1, max_length=40)
    title: str = ""
    description: str = ""
    restricted_jurisdictions: list[str] = Field(default_factory=list)
    home: Literal["incorporation", "headquarters", "either"] = "either"
    persons_by_nationality: bool = False
    seed_entities: list[str] = Field(default_factory=list, description="SCHEME:ID keys of explicit seeds")
    threshold_percent: float = Field(gt=0, le=100)
    threshold_inclusive: bool = Field(description="true: share >= threshold restricts; false: share > threshold")
    control_kinds: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTROL_KINDS))
    ownership_measures: list[Measure] = Field(default_factory=_default_measures)
    undisclosed_counts: bool = False
    overrides: list[Override] = Field(default_factory=list)

    @field_validator("restricted_jurisdictions")
    @classmethod
    def _iso_codes(cls, value: list[str]) -> list[str]:
        import pycountry

        out = []
        for code in value:
            if not isinstance(code, str) or not pycountry.countries.get(alpha_2=code.upper()):
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
            out.append(code.upper())
        return out

    @field_validator("control_kinds")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        for kind in value:
            if kind not in CONTROL_KINDS:
                raise ValueError(f"{kind!r} is not a control kind; one of {', '.join(CONTROL_KINDS)}")
        return value

    @field_validator("seed_entities")
    @classmethod
    def _keys(cls, value: list[str]) -> list[str]:
        for key in value:
            if ":" not in key:
                raise ValueError(f"{key!r} is not an identifier key SCHEME:ID")
        return value

    @property
    def comparator(self) -> str:
        return ">=" if self.threshold_inclusive else ">"

    def fingerprint(self) -> str:
        """Changes whenever anything that affects verdicts changes, even if the version was not bumped."""
        payload = json.dumps(self.model_dump(mode="json", exclude={"title", "description"}), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def active_overrides(self, as_of: date) -> list[Override]:
        return [o for o in self.overrides if o.expires is None or o.expires >= as_of]


def load_policy(path: Path) -> Policy:
    raw = read_mapping(path, PolicyError, "a policy")
    try:
        return Policy.model_validate(raw)
    except ValidationError as error:
        raise PolicyError(f"{path}: {describe(error)}") from None


def policy_dir() -> Path:
    return PROJECT_ROOT / "policies"


def load_policies(folder: Path | None = None) -> list[Policy]:
    folder = folder or policy_dir()
    if not folder.is_dir():
        raise PolicyError(f"{folder}: no such policies folder (set OWNERSHIP_POLICIES_DIR)")
    policies = [load_policy(path) for path in sorted(folder.glob("*.y*ml"))]
    ids = [p.id for p in policies]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise PolicyError(f"{folder}: policy ids used twice: {', '.join(sorted(duplicates))}")
    return policies
