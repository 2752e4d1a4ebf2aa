"""The FastAPI application: driver in the lifespan, request ids, one error shape."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from app import __version__
from app.api.admin import router as admin_router
from app.api.cache import GenerationView, VerdictCache
from app.api.deps import Services
from app.api.entities import router as entities_router
from app.api.errors import ErrorBody, ErrorDetail, error_response, install_error_handlers
from app.api.screen import router as screen_router
from app.api.verdicts import router as verdicts_router
from app.api.warming import WarmUp, WarmUpState
from app.db import Graph, create_driver
from app.engine.service import active_policies
from app.heap import freeze_startup_objects
from app.logs import configure_logging, request_id_var
from app.metrics import REQUEST_SECONDS, REQUESTS
from app.repository.admin import published_generations
from app.schema import missing_schema
from app.settings import Settings, get_settings

log = logging.getLogger("app.api")
STATIC = Path(__file__).resolve().parents[1] / "static"


class Health(BaseModel):
    status: str
    version: str


class Readiness(BaseModel):
    status: str
    neo4j: str
    schema_missing: list[str] = []
    warm_up: WarmUpState = "off"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = create_driver(settings)
        graph = Graph(driver, settings.neo4j_database, read_retry_s=settings.neo4j_max_retry_s)
        services = Services(
            settings=settings, graph=graph, policies=active_policies(settings),
            generations=GenerationView(lambda: published_generations(graph), settings.generation_poll_s),
            cache=VerdictCache(settings.verdict_cache_size), warm_up=WarmUp(settings.api_warm_up),
        )
        app.state.services = services
        freeze_startup_objects()
        services.warm_up.start(graph, services.policies, services.generations)
        try:
            yield
        finally:
            services.warm_up.stop()
            driver.close()

    app = FastAPI(
        title="Ownership investigation API",
        version=__version__,
        description="Verdicts on ownership and control by restricted parties, with bounds and evidence.",
        lifespan=lifespan,
        responses={500: {"model": ErrorBody}, 503: {"model": ErrorBody}},
    )
    install_error_handlers(app)
    for router in (verdicts_router, entities_router, screen_router, admin_router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def ui() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        token = request_id_var.set(request_id[:64])
        started = time.perf_counter()
        try:
            response = await _limited(request, call_next, settings.max_body_bytes)
        except Exception:  # the error handlers answered already; this keeps the log line
            log.exception("request failed")
            response = error_response(500, "internal_error", "internal error")
        finally:
            request_id_var.reset(token)
        elapsed = time.perf_counter() - started
        elapsed_ms = elapsed * 1000
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        REQUESTS.labels(template, request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(template, request.method).observe(elapsed)
        response.headers["x-request-id"] = request_id[:64]
        log.info("%s %s %s", request.method, request.url.path, response.status_code,
                 extra={"duration_ms": round(elapsed_ms, 2), "request_id": request_id[:64]})
        return response

    @app.get("/healthz", response_model=Health, tags=["operations"], summary="Liveness: the process is up")
    async def healthz() -> Health:
        return Health(status="ok", version=__version__)

    @app.get("/readyz", response_model=Readiness, tags=["operations"],
             summary="Readiness: Neo4j answers, the schema is applied and the warm-up is over",
             responses={503: {"model": Readiness}})
    async def readyz(request: Request) -> Response:
        services: Services = request.app.state.services
        try:
            missing = sorted(await run_in_threadpool(missing_schema, services.graph))
        except Exception as error:  # any failure to reach the database means not ready
            log.warning("readiness check failed: %s", error)
            body = Readiness(status="unavailable", neo4j="unreachable", warm_up=services.warm_up.state)
            return Response(body.model_dump_json(), status_code=503, media_type="application/json",
                            headers={"Retry-After": "5"})
        warm_up = services.warm_up.state
        if missing:
            body = Readiness(status="unavailable", neo4j="reachable", schema_missing=missing, warm_up=warm_up)
            return Response(body.model_dump_json(), status_code=503, media_type="application/json")
        if not services.warm_up.ready:
            body = Readiness(status="warming", neo4j="reachable", warm_up=warm_up)
            return Response(body.model_dump_json(), status_code=503, media_type="application/json",
                            headers={"Retry-After": "2"})
        return Response(Readiness(status="ready", neo4j="reachable", warm_up=warm_up).model_dump_json(),
                        media_type="application/json")

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics(request: Request) -> Response:
        services: Services = request.app.state.services
        for policy_id in services.policies:  # refreshes the generation gauge
            with contextlib.suppress(Exception):
                await run_in_threadpool(services.generations.current, policy_id)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


async def _limited(request: Request, call_next: Callable[[Request], Awaitable[Response]], limit: int) -> Response:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            return error_response(400, "bad_request", "invalid Content-Length header")
        if int(length) > limit:
            return error_response(413, "payload_too_large", f"request body over {limit} bytes",
                                  [ErrorDetail(field="body", message=f"at most {limit} bytes")])
    elif request.headers.get("transfer-encoding", "").lower() == "chunked":
        return error_response(411, "length_required", "send the body with a Content-Length header")
    return await call_next(request)


def app_factory() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)
