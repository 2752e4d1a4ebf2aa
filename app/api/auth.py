"""API keys: callers send `X-API-Key`; the configuration holds only SHA-256 hashes of accepted keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from app.api.deps import Services, services
from app.api.errors import ApiError

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key (admin routes need one)")


def hash_key(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh key and the hash to put in OWNERSHIP_API_KEYS."""
    key = "own_" + secrets.token_urlsafe(32)
    return key, hash_key(key)


def _accepted(svc: Services, key: str | None) -> bool:
    if not key:
        return False
    offered = hash_key(key)
    return any(hmac.compare_digest(offered, known) for known in svc.settings.api_keys)


def _check(svc: Services, key: str | None) -> None:
    if not key:
        raise ApiError(401, "unauthorized", "this route needs an API key in the X-API-Key header",
                       headers={"WWW-Authenticate": "APIKey"})
    if not _accepted(svc, key):
        raise ApiError(403, "forbidden", "the API key is not accepted")


def require_admin(request: Request, key: Annotated[str | None, Security(api_key_header)] = None) -> None:
    _check(services(request), key)


def require_reader(request: Request, key: Annotated[str | None, Security(api_key_header)] = None) -> None:
    svc = services(request)
    if svc.settings.read_requires_key:
        _check(svc, key)


AdminKey = Depends(require_admin)
ReaderKey = Depends(require_reader)
