"""Exact share arithmetic shared by the Cypher engine's parameters and the on-demand evaluator.

A percentage becomes an integer: percent x 10^6 (micro-percent), times K = 2^20, plus one per exclusive
lower bound or minus one per exclusive upper bound. Sums of up to K-1 such values compare exactly with a
threshold T x 10^6 x K: a sum passes `>` when it is greater, `>=` when it is at least as great. So
"more than 50%" (50 exclusive) passes `> 50`, and "less than 75%" does not reach `>= 75`.
"""

from __future__ import annotations

MICRO = 1_000_000
K = 1 << 20
HUNDRED = 100 * MICRO * K


def lower_code(percent: float | None, exclusive: bool = False) -> int:
    if percent is None:
        return 0
    return round(percent * MICRO) * K + (1 if exclusive else 0)


def upper_code(percent: float | None, exclusive: bool = False) -> int:
    if percent is None:
        return HUNDRED
    return round(percent * MICRO) * K - (1 if exclusive else 0)


def threshold_code(percent: float) -> int:
    return round(percent * MICRO) * K


def passes(code: int, threshold: int, inclusive: bool) -> bool:
    return code >= threshold if inclusive else code > threshold


def lower_percent(code: int) -> tuple[float, bool]:
    code = min(code, HUNDRED)
    return (code // K) / MICRO, code % K != 0


def upper_percent(code: int) -> tuple[float, bool]:
    code = min(code, HUNDRED)
    return (-(-code // K)) / MICRO, code % K != 0
