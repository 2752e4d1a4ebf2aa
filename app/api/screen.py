"""Batch screening and what-if simulation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.api.auth import ReaderKey
from app.api.deps import Services, services
from app.api.errors import ApiError, ErrorBody, ErrorDetail
from app.api.verdicts import VerdictResponse, chosen_policy
from app.engine.service import verdict_for
from app.engine.verdicts import Change, UnknownEntity, resolve
from app.policy import CONTROL_KINDS, Measure, Policy
from app.repository.entities import interest_count
from app.repository.screening import ScreenQuery, screen

router = APIRouter(prefix="/v1", tags=["screening"], dependencies=[ReaderKey])
MAX_QUERIES = 1_000
Text = Annotated[str, Field(min_length=1, max_length=300)]


class ScreenItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    identifier: Text | None = Field(None, description="SCHEME:ID or platform id", examples=["GB-COH:01126618"])
    name: Text | None = Field(None, examples=["Bank Saderat PLC"])
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = Field(None, description="ISO 3166-1 alpha-2")
    registration_number: Text | None = None

    @model_validator(mode="after")
    def _identifier_or_name(self) -> ScreenItem:
        if not self.identifier and not self.name:
            raise ValueError("each query needs an identifier or a name")
        return self


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "policy": "restricted-jurisdictions",
        "queries": [{"identifier": "XI-LEI:2138008KTNTDICZU8L25"}, {"name": "Bank Saderat", "country": "GB"}],
    }]})
    policy: Annotated[str, Field(max_length=80)] | None = None
    queries: Annotated[list[ScreenItem], Field(min_length=1, max_length=MAX_QUERIES)]
    limit: Annotated[int, Field(ge=1, le=20, description="Candidates per query")] = 5
    min_score: Annotated[float, Field(ge=0, le=1, description="Lowest match score reported")] = 0.75


class ScreenCandidate(BaseModel):
    id: str
    name: str | None
    matched_name: str | None
    matched_by: Literal["identifier", "name"]
    score: float
    explanation: list[str]
    kind: str | None
    jurisdiction: str | None
    headquarters: str | None
    identifiers: list[str]
    verdict: dict[str, Any]


class ScreenResult(BaseModel):
    index: int
    query: dict[str, Any]
    status: Literal["matched", "no_match"]
    candidates: list[ScreenCandidate]


class ScreenResponse(BaseModel):
    policy: dict[str, str]
    generation: str | None
    as_of: str | None
    results: list[ScreenResult]


@router.post("/screen", response_model=ScreenResponse, responses={422: {"model": ErrorBody}},
             summary="Screen up to 1,000 companies by identifier or name; each candidate with its verdict")
async def screen_route(request: Request, body: ScreenRequest) -> Any:
    svc = services(request)
    policy = chosen_policy(svc, body.policy, "body.policy")
    queries = [ScreenQuery(q.identifier, q.name, q.country, q.registration_number) for q in body.queries]
    return await run_in_threadpool(_screen, svc, policy, queries, body.limit, body.min_score)


def _screen(svc: Services, policy: Policy, queries: list[ScreenQuery], limit: int, min_score: float) -> dict[str, Any]:
    # The generation this process announces (reading it may query Neo4j: off the event loop).
    return screen(svc.graph, policy, queries, limit, min_score, svc.generations.current(policy.id))


class StakeChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["add", "remove"]
    holder: Text = Field(description="Holder: SCHEME:ID or platform id")
    subject: Text = Field(description="Subject: SCHEME:ID or platform id")
    relation: Literal["OWNS", "CONTROLS"] = "OWNS"
    measure: Measure = Field("equity", description="What the stake is of (as a policy's `ownership_measures`)")
    kind: Annotated[str, Field(max_length=60)] | None = Field(
        None, description=f"Control kind, for CONTROLS: one of {', '.join(CONTROL_KINDS)}",
        json_schema_extra={"enum": [*CONTROL_KINDS, None]})
    share_min: Annotated[float, Field(ge=0, le=100)] | None = None
    share_max: Annotated[float, Field(ge=0, le=100)] | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str | None) -> str | None:
        # a kind no policy knows would count under none of them: the what-if would silently change nothing
        if kind is not None and kind not in CONTROL_KINDS:
            raise ValueError(f"{kind!r} is not a control kind; one of {', '.join(CONTROL_KINDS)}")
        return kind

    @model_validator(mode="after")
    def _consistent(self) -> StakeChange:
        if self.action == "add" and self.relation == "OWNS" and self.share_min is None and self.share_max is None:
            raise ValueError("an added stake needs share_min or share_max")
        if self.share_min is not None and self.share_max is not None and self.share_min > self.share_max:
            raise ValueError("share_min is above share_max")
        if self.action == "add" and self.relation == "CONTROLS" and not self.kind:
            raise ValueError("an added control interest needs its kind")
        return self


class SimulateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "ref": "GB-COH:01126618",
        "changes": [{"action": "remove", "holder": "XI-LEI:5493003CDS5WVZMYJ741", "subject": "GB-COH:01126618",
                     "relation": "CONTROLS"}],
    }]})
    ref: Text
    policy: Annotated[str, Field(max_length=80)] | None = None
    as_of: date | None = None
    changes: Annotated[list[StakeChange], Field(min_length=1, max_length=50)]


class SimulateResponse(BaseModel):
    before: VerdictResponse
    after: VerdictResponse
    changed: bool


def _simulate(svc: Services, body: SimulateRequest) -> dict[str, Any]:
    policy = chosen_policy(svc, body.policy, "body.policy")
    changes = []
    for i, change in enumerate(body.changes):
        ids = {}
        for role in ("holder", "subject"):
            ref = getattr(change, role)
            try:
                ids[role] = resolve(svc.graph, ref)["id"]
            except UnknownEntity:
                raise ApiError(404, "unknown_entity", f"no entity with identifier or id {ref!r}",
                               [ErrorDetail(field=f"body.changes.{i}.{role}", message=ref)]) from None
        if change.action == "remove" and interest_count(svc.graph, ids["holder"], ids["subject"], change.relation) == 0:
            # removing nothing would answer "no change" for a what-if that asked about no interest at all
            raise ApiError(422, "invalid_request",
                           f"{change.holder} holds no {change.relation} interest in {change.subject}: "
                           "nothing to remove",
                           [ErrorDetail(field=f"body.changes.{i}", message="no such interest")])
        changes.append(Change(change.action, ids["holder"], ids["subject"], change.relation, change.measure,
                              change.kind, change.share_min, change.share_max))
    try:
        generation = svc.generations.current(policy.id)  # both from the generation this process announces
        before = verdict_for(svc.graph, policy, body.ref, body.as_of, generation=generation)
        after = verdict_for(svc.graph, policy, body.ref, body.as_of, changes, generation=generation)
    except UnknownEntity as error:
        raise ApiError(404, "unknown_entity", str(error), [ErrorDetail(field="body.ref", message=error.ref)]) from None
    return {"before": before, "after": after,
            "changed": (before["verdict"], before["restricted_share"]) != (after["verdict"], after["restricted_share"])}


@router.post("/simulate", response_model=SimulateResponse,
             responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}},
             summary="The verdict after hypothetical added or removed stakes; nothing is written")
async def simulate(request: Request, body: SimulateRequest) -> Any:
    return await run_in_threadpool(_simulate, services(request), body)
