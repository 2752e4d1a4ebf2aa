"""Verdict routes. Routes never see Cypher: they call the engine's service layer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from app.api.auth import ReaderKey
from app.api.deps import Services, services
from app.api.errors import ApiError, ErrorBody, ErrorDetail
from app.db import native
from app.engine.service import verdict_for
from app.engine.verdicts import UnknownEntity
from app.policy import Policy

router = APIRouter(prefix="/v1", tags=["verdicts"], dependencies=[ReaderKey])

REF_EXAMPLES = ["GB-COH:01126618", "XI-LEI:2138008KTNTDICZU8L25"]
RefPath = Annotated[str, Path(description="Any identifier SCHEME:ID or the platform id", examples=REF_EXAMPLES,
                              min_length=1, max_length=300)]
PolicyQuery = Annotated[str | None, Query(description="Policy id (default: the configured default policy)",
                                          max_length=80, examples=["restricted-jurisdictions"])]
AsOfQuery = Annotated[date | None, Query(description="Date the interests must be valid on (default: the "
                                                     "generation's date, else today)")]


class ShareRange(BaseModel):
    min: float = Field(ge=0, le=100)
    min_exclusive: bool
    max: float = Field(ge=0, le=100)
    max_exclusive: bool


class LookThrough(BaseModel):
    min: float
    max: float
    converged: bool = Field(True, description="False when a cycle's rounds stopped before converging: the "
                                              "shares are then lower bounds (the look-through never decides "
                                              "the verdict)")


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


def chosen_policy(svc: Services, policy: str | None, field: str = "query.policy") -> Policy:
    found = svc.policies.get(policy or svc.settings.default_policy)
    if found is None:
        raise ApiError(422, "invalid_request", f"unknown policy {policy!r}",
                       [ErrorDetail(field=field, message=f"one of {', '.join(sorted(svc.policies))}")])
    return found


def unknown_entity(error: UnknownEntity, field: str = "path.ref") -> ApiError:
    return ApiError(404, "unknown_entity", str(error), [ErrorDetail(field=field, message=error.ref)])


def _cache_key(policy: Policy, ref: str) -> str:
    return f"{policy.id}\x00{ref}"


def verdict_body(svc: Services, policy: Policy, ref: str, as_of: date | None) -> bytes:
    """The response body: stored verdicts of the announced generation come from the cache (serialized once,
    validated against the response model once); anything else is computed, on another date from the
    announced generation where it still holds (app/engine/shifted.py)."""
    generation = svc.generations.current(policy.id)
    if generation is not None and (as_of is None or as_of == native(generation["as_of"])):
        hit = svc.cache.get(generation["id"], _cache_key(policy, ref))
        if hit is not None:
            return hit
    result = verdict_for(svc.graph, policy, ref, as_of, generation=generation)
    body = orjson.dumps(VerdictResponse.model_validate(result).model_dump(mode="json"))
    if result["mode"] == "stored" and result["generation"]:
        svc.cache.put(result["generation"], _cache_key(policy, ref), body)
    return body


@router.get(
    "/entities/{ref}/verdict", response_model=VerdictResponse,
    summary="The verdict on one entity under a policy, with bounds and evidence",
    responses={404: {"model": ErrorBody, "description": "No entity has this identifier"},
               422: {"model": ErrorBody}},
)
async def entity_verdict(request: Request, ref: RefPath, policy: PolicyQuery = None,
                         as_of: AsOfQuery = None) -> Any:
    svc = services(request)
    chosen = chosen_policy(svc, policy)
    if as_of is None and svc.generations.fresh():  # the common case answers on the event loop, no thread hop
        generation = svc.generations.peek(chosen.id)
        hit = svc.cache.get(generation["id"], _cache_key(chosen, ref)) if generation else None
        if hit is not None:
            return Response(hit, media_type="application/json")
    try:
        body = await run_in_threadpool(verdict_body, svc, chosen, ref, as_of)
    except UnknownEntity as error:
        raise unknown_entity(error) from None
    return Response(body, media_type="application/json")


class PolicyServed(BaseModel):
    id: str
    version: str
    description: str | None = None
    threshold: str
    generation: str | None
    as_of: str | None


class Meta(BaseModel):
    version: str
    default_policy: str
    policies: list[PolicyServed]


@router.get("/meta", response_model=Meta, tags=["operations"],
            summary="Active policies (ids, thresholds) and the generation each one serves")
async def meta(request: Request) -> Any:
    from app import __version__

    svc = services(request)
    out = []
    for policy in sorted(svc.policies.values(), key=lambda p: p.id):
        generation = await run_in_threadpool(svc.generations.current, policy.id)
        as_of = native(generation["as_of"]) if generation else None
        out.append({"id": policy.id, "version": policy.version, "description": policy.description or None,
                    "threshold": f"{policy.comparator} {policy.threshold_percent:g}%",
                    "generation": generation["id"] if generation else None,
                    "as_of": as_of.isoformat() if as_of else None})
    return {"version": __version__, "default_policy": svc.settings.default_policy, "policies": out}
