"""Schemathesis over the OpenAPI schema, against the app served by uvicorn over loopback on the real samples:
no 5xx, and every response conforms to the schema (status codes, content types, bodies)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.settings import Settings
from tests.serving import serve
from tests.test_api import ADMIN_KEY, api_settings  # noqa: F401  (module fixture: samples loaded, generations)

MAX_EXAMPLES = int(os.environ.get("OWNERSHIP_SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def base_url(api_settings: Settings) -> Iterator[str]:  # noqa: F811
    with serve(api_settings) as url:
        yield url


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> schemathesis.BaseSchema:
    # Starting recomputes in the background would change the served generation under the other tests.
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json").exclude(path="/v1/recompute", method="POST")


def test_api_conforms_to_its_schema(api_schema: schemathesis.BaseSchema, base_url: str) -> None:
    # Each operation gets its own hypothesis run (the schemathesis pytest plugin does not load on this pytest).
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    tested = []
    statuses: dict[int, int] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid operation raises here, failing the test

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
        def conforms(case: schemathesis.Case[Any]) -> None:
            response = case.call(base_url=base_url, headers={"X-API-Key": ADMIN_KEY}, timeout=30)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=checks)

        conforms()
        tested.append(operation.label)
    print(f"schemathesis: {len(tested)} operations, responses by status {dict(sorted(statuses.items()))}")
    assert len(tested) >= 14, tested
    assert sum(statuses.values()) >= len(tested) * min(MAX_EXAMPLES, 5)
