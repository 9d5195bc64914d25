"""Growth checks: the cost of an input of 4n against n, never an absolute time.

The cost is this process's CPU time: the suite runs on every core, and time spent waiting for
a core while another test runs is not the work measured."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

# Linear work grows 4x from n to 4n, n·log n a little more; quadratic work grows 16x.
# The margin is for a machine busy with other work while the two are measured.
MAX_RATIO = 7.0


def best_time(run: Callable[[], object], *, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()  # the collector's passes over many live objects are not the work measured
        try:
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def growth(make: Callable[[int], Callable[[], object]], n: int) -> float:
    """time(4n) / time(n) for the work ``make(size)`` returns (inputs are built untimed)."""
    small, large = make(n), make(4 * n)
    small()  # warm caches and imports
    return best_time(large) / best_time(small)


def assert_linear(make: Callable[[int], Callable[[], object]], n: int) -> None:
    ratio = growth(make, n)
    for _ in range(2):  # retries: a busy machine can slow a single measurement
        if ratio < MAX_RATIO:
            break
        ratio = min(ratio, growth(make, n))
    assert ratio < MAX_RATIO, f"4x the input took {ratio:.1f}x the time (linear: about 4)"
