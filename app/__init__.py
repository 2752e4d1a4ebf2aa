"""Ownership investigation platform: service, CLI and shared infrastructure."""

__version__ = "0.1.0"
