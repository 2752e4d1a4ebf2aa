"""`OWNERSHIP_SOAK`: the soak run's factor, and a clear error for a bad value."""

from __future__ import annotations

import pytest

from tests.soak import soak_factor


@pytest.mark.parametrize(("raw", "factor"), [(None, 0), ("", 0), ("  ", 0), ("1", 1), ("10", 10), (" 3 ", 3)])
def test_the_soak_factor_reads_a_whole_number(raw: str | None, factor: int) -> None:
    assert soak_factor(raw) == factor


@pytest.mark.parametrize("raw", ["0", "-2", "ten", "1.5"])
def test_a_bad_soak_factor_names_the_variable_and_the_value(raw: str) -> None:
    with pytest.raises(ValueError, match=f"OWNERSHIP_SOAK must be a whole number of at least 1.*{raw!r}"):
        soak_factor(raw)
