"""Nightly refresh: load what is new, recompute, check, publish atomically, log and announce changes."""
