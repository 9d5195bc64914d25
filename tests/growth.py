"""Growth checks: the cost of an input of 4n against n, never an absolute time."""

from __future__ import annotations

import time
from collections.abc import Callable

# Linear work grows 4x from n to 4n, n·log n a little more; quadratic work grows 16x.
MAX_RATIO = 6.0


def best_time(run: Callable[[], object], *, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def growth(make: Callable[[int], Callable[[], object]], n: int) -> float:
    """time(4n) / time(n) for the work ``make(size)`` returns (inputs are built untimed)."""
    small, large = make(n), make(4 * n)
    small()  # warm caches and imports
    return best_time(large) / best_time(small)


def assert_linear(make: Callable[[int], Callable[[], object]], n: int) -> None:
    ratio = growth(make, n)
    if ratio >= MAX_RATIO:  # one retry: a busy machine can slow a single measurement
        ratio = min(ratio, growth(make, n))
    assert ratio < MAX_RATIO, f"4x the input took {ratio:.1f}x the time (linear: about 4)"
