"""Errors that carry a message meant for people: the CLI prints them, the API maps them."""

from __future__ import annotations


class OwnershipError(Exception):
    """Base of every error whose message is shown to the user as it is."""


class Neo4jUnavailable(OwnershipError):
    """The database cannot be reached; the caller may retry later."""


class LocalServerError(OwnershipError):
    """The local Neo4j server could not be provisioned, started or stopped."""
