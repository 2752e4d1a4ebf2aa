"""Investigator routes: who an entity is, who owns it, what it owns, how two entities connect."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from app.api.auth import ReaderKey
from app.api.deps import services
from app.api.errors import ApiError, ErrorBody, ErrorDetail
from app.api.verdicts import AsOfQuery, RefPath, unknown_entity
from app.engine.verdicts import UnknownEntity
from app.repository import entities
from app.repository.changes import changes_since

router = APIRouter(prefix="/v1", tags=["investigation"], dependencies=[ReaderKey])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "No entity has this identifier"},
                                              422: {"model": ErrorBody}}
DepthQuery = Annotated[int, Query(ge=1, le=entities.MAX_DEPTH, description="Levels to follow")]


class EntityProfile(BaseModel):
    id: str
    name: str | None = None
    names: list[str] = []
    kind: str | None = None
    entity_type: str | None = None
    jurisdiction: str | None = None
    jurisdiction_raw: str | None = None
    headquarters: str | None = None
    address_country: str | None = None
    nationalities: list[str] = []
    state_of: str | None = None
    dissolved: str | None = Field(default=None, description="Dissolution date (ISO 8601)")
    listed: bool | None = None
    placeholder: bool | None = None
    identifiers: list[str]
    sources: list[str] = []
    statement_ids: list[str] = []
    first_seen: str | None = None
    last_seen: str | None = None
    unresolved_countries: list[str] = []
    reporting_exceptions: list[str] = []
    tags: list[str] = []
    owner_interests: int = Field(description="Interests held in this entity")
    held_interests: int = Field(description="Interests this entity holds")


class TreeResponse(BaseModel):
    root: str
    direction: str
    depth: int
    as_of: str | None
    parties: list[dict[str, Any]]
    interests: list[dict[str, Any]]
    truncated: bool = Field(description="True when the depth or size limit cut the tree short")


class PathsResponse(BaseModel):
    from_: str = Field(alias="from")
    to: str
    max_depth: int
    paths: list[dict[str, Any]]
    truncated: bool


class UltimateOwnersResponse(BaseModel):
    entity: str
    as_of: str
    truncated: bool
    owners: list[dict[str, Any]]


class SearchResponse(BaseModel):
    query: str
    skip: int
    limit: int
    results: list[dict[str, Any]]
    truncated: bool = Field(description="True when there are more results after this page")


async def _call(fn: Any, *args: Any) -> Any:
    try:
        return await run_in_threadpool(fn, *args)
    except UnknownEntity as error:
        raise unknown_entity(error, "path.ref" if error.ref == args[1] else "query.to") from None


@router.get("/entities/{ref}", response_model=EntityProfile, responses=NOT_FOUND,
            summary="Names, identifiers, countries and sources of one entity")
async def entity(request: Request, ref: RefPath) -> Any:
    return await _call(entities.profile, services(request).graph, ref)


@router.get("/entities/{ref}/owners", response_model=TreeResponse, responses=NOT_FOUND,
            summary="Upstream: who holds interests in the entity, level by level")
async def owners(request: Request, ref: RefPath, depth: DepthQuery = 3, as_of: AsOfQuery = None) -> Any:
    return await _call(entities.tree, services(request).graph, ref, "owners", depth, as_of)


@router.get("/entities/{ref}/subsidiaries", response_model=TreeResponse, responses=NOT_FOUND,
            summary="Downstream: what the entity holds interests in, level by level")
async def subsidiaries(request: Request, ref: RefPath, depth: DepthQuery = 3, as_of: AsOfQuery = None) -> Any:
    return await _call(entities.tree, services(request).graph, ref, "subsidiaries", depth, as_of)


@router.get("/entities/{ref}/paths", response_model=PathsResponse, responses=NOT_FOUND, response_model_by_alias=True,
            summary="Ownership and control paths between two entities, in either direction")
async def paths(request: Request, ref: RefPath,
                to: Annotated[str, Query(min_length=1, max_length=300, description="The other entity",
                                         examples=["XI-LEI:5493003CDS5WVZMYJ741"])],
                max_depth: DepthQuery = 6) -> Any:
    return await _call(entities.paths, services(request).graph, ref, to, max_depth)


@router.get("/entities/{ref}/ultimate-owners", response_model=UltimateOwnersResponse, responses=NOT_FOUND,
            summary="Natural persons, states and parties at the top, with look-through shares")
async def ultimate_owners(request: Request, ref: RefPath, as_of: AsOfQuery = None) -> Any:
    return await _call(entities.ultimate, services(request).graph, ref, as_of or datetime.now(UTC).date())


@router.get("/search", response_model=SearchResponse, responses={422: {"model": ErrorBody}},
            summary="Find entities by name (fuzzy) or identifier")
async def search(request: Request,
                 q: Annotated[str, Query(min_length=1, max_length=200, examples=["Bank Saderat"])],
                 skip: Annotated[int, Query(ge=0, le=10_000)] = 0,
                 limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Any:
    return await run_in_threadpool(entities.search, services(request).graph, q, skip, limit)




class ChangesResponse(BaseModel):
    since: str
    generations: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    truncated: bool = Field(description="True when more changes follow: ask again with a later `since`")


@router.get("/changes", response_model=ChangesResponse, responses={422: {"model": ErrorBody}},
            summary="Verdict changes of the generations published after `since` (oldest first)")
async def changes(request: Request,
                  since: Annotated[datetime, Query(description="ISO date-time (UTC if no offset)",
                                                   examples=["2026-11-01T00:00:00Z"])],
                  policy: Annotated[str | None, Query(max_length=80)] = None,
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 1_000) -> Any:
    # Neo4j takes offsets up to ±18:00 only; ISO 8601 allows more, so compare in UTC.
    try:
        moment = (since if since.tzinfo else since.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        detail = ErrorDetail(field="query.since", message="a date-time between years 1 and 9999 in UTC")
        raise ApiError(422, "invalid_request", "since is out of range once converted to UTC", [detail]) from None
    return await run_in_threadpool(changes_since, services(request).graph, moment, policy, limit)
