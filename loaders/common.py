"""Small pure helpers shared by the source transforms."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from loaders.countries import normalise_country
from loaders.model import RecordError

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$")
_SLUG = re.compile(r"[^A-Z0-9]+")


def parse_date(value: Any, field: str) -> date | None:
    """ISO dates, also `YYYY` and `YYYY-MM` (registries publish partial dates) and datetimes."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        raise RecordError(f"{field}: not a date: {value!r}")
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        raise RecordError(f"{field}: impossible date {value!r}") from None


def identifier_key(scheme: str | None, value: Any, scheme_name: str | None = None) -> str | None:
    """`SCHEME:ID` with an org-id.guide scheme code; a scheme name is slugged when there is no code."""
    if value is None or str(value).strip() == "":
        return None
    ident = str(value).strip()
    if scheme and scheme.strip():
        code = scheme.strip().upper()
    elif scheme_name and scheme_name.strip():
        code = "X-" + _SLUG.sub("-", scheme_name.strip().upper()).strip("-")
    else:
        return None
    if code in ("XI-LEI", "GB-COH"):
        ident = ident.upper().replace(" ", "")
    return f"{code}:{ident}"


def country(value: Any, unresolved: list[str]) -> str | None:
    """ISO alpha-2, or None with the raw text kept in `unresolved` for reporting."""
    if value is None:
        return None
    if isinstance(value, dict):
        code = value.get("code")
        found = normalise_country(code) if code else None
        if found:
            return found
        value = value.get("name")
        if value is None:
            if code:
                unresolved.append(str(code))
            return None
    text = str(value).strip()
    if not text:
        return None
    found = normalise_country(text)
    if not found:
        unresolved.append(text)
    return found


def clean_name(value: Any) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None
