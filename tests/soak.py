"""How many examples the property tests try, and whether the same ones every run.

CI tries a fixed set (the same examples on every run, so a red CI is reproducible). A soak run, with
`OWNERSHIP_SOAK=N` (a whole number of at least 1), tries N times as many in each test, new ones on every
run: `OWNERSHIP_SOAK=10 python -m pytest tests/test_engine_reference.py ...` (README, "Tests"). Hypothesis
prints a failing example and keeps it in `.hypothesis/`, so the next run tries it first.
"""

from __future__ import annotations

import os


def soak_factor(raw: str | None) -> int:
    """The factor `OWNERSHIP_SOAK` asks for: 0 when unset or empty (no soak)."""
    if raw is None or not raw.strip():
        return 0
    try:
        factor = int(raw)
    except ValueError:
        factor = 0
    if factor < 1:
        raise ValueError(f"OWNERSHIP_SOAK must be a whole number of at least 1 (how many times the property "
                         f"tests' examples to try), not {raw!r}")
    return factor


SOAK = soak_factor(os.environ.get("OWNERSHIP_SOAK"))
# a soak explores: each run draws new examples
DERANDOMIZE = not SOAK


def examples(count: int) -> int:
    """A test's example count: as written in CI, `OWNERSHIP_SOAK` times it in a soak run."""
    return count * SOAK if SOAK else count
