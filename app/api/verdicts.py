"""Verdict routes. Routes never see Cypher: they call the engine's service layer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from app.api.deps import Services
from app.api.errors import ApiError, ErrorBody, ErrorDetail
from app.engine.service import verdict_for
from app.engine.verdicts import UnknownEntity

router = APIRouter(prefix="/v1", tags=["verdicts"])


class ShareRange(BaseModel):
    min: float = Field(ge=0, le=100)
    min_exclusive: bool
    max: float = Field(ge=0, le=100)
    max_exclusive: bool


class LookThrough(BaseModel):
    min: float
    max: float


class PolicyRef(BaseModel):
    id: str
    version: str


class VerdictResponse(BaseModel):
    entity: dict[str, Any]
    policy: PolicyRef
    as_of: str
    mode: Literal["stored", "on_demand", "what_if"]
    generation: str | None
    data_as_of: str | None
    verdict: Literal["restricted", "review", "clear"]
    reason: str
    restricted_share: ShareRange
    lookthrough_share: LookThrough
    evidence: dict[str, Any]


@router.get(
    "/entities/{ref}/verdict", response_model=VerdictResponse,
    summary="The verdict on one entity under a policy, with bounds and evidence",
    responses={404: {"model": ErrorBody, "description": "No entity has this identifier"},
               422: {"model": ErrorBody}},
)
async def entity_verdict(
    request: Request,
    ref: Annotated[str, Path(description="Any identifier SCHEME:ID or the platform id",
                             examples=["GB-COH:01126618"], max_length=300)],
    policy: Annotated[str | None, Query(description="Policy id (default: the configured default policy)",
                                        max_length=80)] = None,
    as_of: Annotated[date | None, Query(description="Date the interests must be valid on")] = None,
) -> Any:
    services: Services = request.app.state.services
    chosen = services.policies.get(policy or services.settings.default_policy)
    if chosen is None:
        raise ApiError(422, "invalid_request", f"unknown policy {policy!r}",
                       [ErrorDetail(field="query.policy", message=f"one of {', '.join(sorted(services.policies))}")])
    try:
        return await run_in_threadpool(verdict_for, services.graph, chosen, ref, as_of)
    except UnknownEntity as error:
        raise ApiError(404, "unknown_entity", str(error), [ErrorDetail(field="path.ref", message=error.ref)]) from None
