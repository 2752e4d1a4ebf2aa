"""The graph model every loader transforms into (documented in cypher/README.md).

Parties are entities (registered companies, other legal entities, states and state
bodies, arrangements such as trusts) and natural persons. Each is known by identifier
keys `SCHEME:ID` (org-id.guide codes, e.g. `GB-COH:01126618`, `XI-LEI:2138008KTNTDICZU8L25`);
records sharing any key are one party. Interests are ownership (`OWNS`, with a share range
and a measure: equity or votes) or control (`CONTROLS`, with a kind), each carrying dates,
direct/indirect, source and statement id.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

PartyKind = Literal["entity", "person"]
EntityType = Literal[
    "registeredEntity", "legalEntity", "arrangement", "anonymousEntity", "unknownEntity", "state", "stateBody",
    "knownPerson", "anonymousPerson", "unknownPerson",
]
Measure = Literal["equity", "votes", "economic"]
ControlKind = Literal[
    "board_appointment",        # right to appoint or remove the board
    "significant_influence",    # significant influence or control, other influence
    "accounting_consolidation",  # GLEIF Level 2: consolidated by the parent
    "contractual",              # control granted by contract, VIE arrangements
    "golden_share",
    "legal_framework",          # control by law or state framework
    "fund_management",          # GLEIF: fund managed by
    "branch",                   # GLEIF: international branch of its head office
    "trust",                    # settlor, trustee, protector of a trust
    "officer",                  # board member, senior managing official, director
    "nominee",
    "other",
]
Directness = Literal["direct", "indirect", "unknown"]


class Share(BaseModel):
    """A share in percent as a range; exclusive flags keep PSC bands like '>50, <=75' exact."""

    minimum: float = Field(ge=0, le=100)
    maximum: float = Field(ge=0, le=100)
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Share:
        if self.minimum > self.maximum:
            raise ValueError(f"share minimum {self.minimum} is above maximum {self.maximum}")
        if self.minimum == self.maximum and (self.exclusive_minimum or self.exclusive_maximum):
            raise ValueError(f"share range ({self.minimum}, {self.maximum}) with an exclusive bound is empty")
        return self

    @classmethod
    def exact(cls, value: float) -> Share:
        return cls(minimum=value, maximum=value)


class PartyRecord(BaseModel):
    source: str
    keys: list[str] = Field(min_length=1, description="identifier keys; the first is this record's own")
    kind: PartyKind
    entity_type: EntityType | None = None
    name: str | None = None
    names: list[str] = Field(default_factory=list)
    jurisdiction: str | None = Field(default=None, description="ISO 3166-1 alpha-2 of incorporation")
    jurisdiction_raw: str | None = None
    headquarters: str | None = Field(default=None, description="ISO alpha-2 of headquarters or business address")
    address_country: str | None = None
    nationalities: list[str] = Field(default_factory=list)
    unresolved_countries: list[str] = Field(default_factory=list)
    dissolved: date | None = None
    listed: bool | None = None
    statement_id: str | None = None
    statement_date: date | None = None
    state_of: str | None = Field(default=None, description="for states and state bodies: the country")
    reporting_exceptions: list[str] = Field(default_factory=list, description="GLEIF: why a parent is not reported")
    tags: list[str] = Field(default_factory=list, description="topics from the source, e.g. FollowTheMoney 'sanction'")


class InterestRecord(BaseModel):
    source: str
    record: str = Field(description="source-scoped record key; a newer statement of it replaces its interests")
    subject_key: str
    party_key: str
    relation: Literal["OWNS", "CONTROLS"]
    interest_type: str
    measure: Measure | None = None
    kind: ControlKind | None = None
    share: Share | None = None
    direct: Directness = "unknown"
    start_date: date | None = None
    end_date: date | None = None
    statement_id: str | None = None
    statement_date: date | None = Field(default=None, description="orders statements of one record")
    details: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> InterestRecord:
        if self.relation == "OWNS" and self.measure is None:
            raise ValueError("an ownership interest needs a measure")
        if self.relation == "CONTROLS" and self.kind is None:
            raise ValueError("a control interest needs a kind")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end date {self.end_date} is before start date {self.start_date}")
        return self


class RecordRetraction(BaseModel):
    """A statement that withdraws the interests of earlier records (BODS replacesStatements, deletions)."""

    source: str
    records: list[str]


class RecordClosure(BaseModel):
    """A statement that ends a record's interests on a date without restating them (BODS closed)."""

    source: str
    records: list[str]
    end_date: date


Transformed = PartyRecord | InterestRecord | RecordRetraction | RecordClosure


class RecordError(ValueError):
    """A record that cannot be loaded; the message is the reason written to the rejects file."""
