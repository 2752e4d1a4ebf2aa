"""Operations routes (API key required): policies, generations, loader runs, triggering a recompute."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import AdminKey
from app.api.deps import Services, services
from app.api.errors import ApiError, ErrorBody, ErrorDetail
from app.api.verdicts import chosen_policy
from app.engine.compute import compute_generation
from app.errors import OwnershipError
from app.refresh.run import runs as refresh_runs
from app.repository import admin
from app.repository.entities import iso

log = logging.getLogger("app.api")
router = APIRouter(prefix="/v1", tags=["admin"], dependencies=[AdminKey],
                   responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}})
Skip = Annotated[int, Query(ge=0, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=500)]


class PolicySummary(BaseModel):
    id: str
    version: str
    description: str | None = None
    fingerprint: str
    definition: dict[str, Any]
    generation: dict[str, Any] | None = Field(description="The generation the API serves for it")


@router.get("/policies", response_model=list[PolicySummary], summary="Active policies")
async def policies(request: Request) -> Any:
    svc = services(request)
    out = []
    for policy in sorted(svc.policies.values(), key=lambda p: p.id):
        current = await run_in_threadpool(svc.generations.current, policy.id)
        out.append({"id": policy.id, "version": policy.version, "description": policy.description or None,
                    "fingerprint": policy.fingerprint(), "definition": policy.model_dump(mode="json"),
                    "generation": iso(current) if current else None})
    return out


@router.get("/generations", response_model=list[dict[str, Any]], summary="Generations, newest first")
async def generations(request: Request, policy: Annotated[str | None, Query(max_length=80)] = None,
                      skip: Skip = 0, limit: Limit = 50) -> Any:
    return await run_in_threadpool(admin.generations, services(request).graph, policy, skip, limit)


@router.get("/runs", response_model=list[dict[str, Any]],
            summary="Refresh runs, newest first: sources, counts, timings, checks, outcome, errors")
async def runs(request: Request, skip: Skip = 0, limit: Limit = 50) -> Any:
    return await run_in_threadpool(refresh_runs, services(request).graph, skip, limit)


@router.get("/loads", response_model=list[dict[str, Any]], summary="Loader runs, newest first")
async def loads(request: Request, skip: Skip = 0, limit: Limit = 50) -> Any:
    return await run_in_threadpool(admin.load_runs, services(request).graph, skip, limit)


class RecomputeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: Annotated[str, Field(max_length=80)] | None = None
    as_of: date | None = None
    incremental: bool = True


class RecomputeJob(BaseModel):
    id: str
    policy: str
    as_of: str
    incremental: bool
    status: Literal["running", "completed", "failed"]
    submitted_at: str
    finished_at: str | None = None
    report: dict[str, Any] | None = None
    error: str | None = None


_jobs: dict[str, dict[str, Any]] = {}
_jobs_lock = threading.Lock()


def _run_job(svc: Services, job: dict[str, Any]) -> None:
    try:
        report = compute_generation(svc.graph, svc.policies[job["policy"]], date.fromisoformat(job["as_of"]),
                                    incremental=job["incremental"])
        job.update(status="completed", report=iso(asdict(report)))
    except OwnershipError as error:
        job.update(status="failed", error=str(error))
    except Exception as error:  # a background job must record, not lose, what went wrong
        log.exception("recompute job failed")
        job.update(status="failed", error=f"unexpected error: {type(error).__name__}")
    finally:
        job["finished_at"] = datetime.now(UTC).isoformat()
        svc.generations.invalidate()


@router.post("/recompute", response_model=RecomputeJob, status_code=202,
             responses={409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
             summary="Compute a new generation in the background (incremental by default)")
async def recompute(request: Request, body: RecomputeRequest) -> Any:
    svc = services(request)
    policy = chosen_policy(svc, body.policy, "body.policy")
    with _jobs_lock:
        if any(j["status"] == "running" for j in _jobs.values()):
            raise ApiError(409, "busy", "a recompute started by this process is still running",
                           [ErrorDetail(field="body", message="wait for the running job")])
        job: dict[str, Any] = {"id": uuid.uuid4().hex, "policy": policy.id,
               "as_of": (body.as_of or datetime.now(UTC).date()).isoformat(), "incremental": body.incremental,
               "status": "running", "submitted_at": datetime.now(UTC).isoformat()}
        _jobs[job["id"]] = job
    threading.Thread(target=_run_job, args=(svc, job), name=f"recompute-{job['id'][:8]}", daemon=True).start()
    return job


@router.get("/recompute/{job_id}", response_model=RecomputeJob, responses={404: {"model": ErrorBody}},
            summary="A recompute job's status and report")
async def recompute_job(job_id: Annotated[str, Path(max_length=64)]) -> Any:
    job = _jobs.get(job_id)
    if job is None:
        raise ApiError(404, "unknown_job", f"no recompute job {job_id!r}", [ErrorDetail(field="path.job_id",
                                                                                      message=job_id)])
    return job
