"""What a build's jobs share, in whatever process runs them."""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def collector_paused(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``fn`` with Python's cyclic garbage collector paused.

    Parsing or rendering a document allocates hundreds of thousands of objects that
    live until the job ends. Meanwhile the collector would scan them, and everything
    the process has imported, again and again: about a fifth of an archive build's
    CPU. Reference counting frees them as before; what a job leaves in cycles is
    collected once the collector runs again, after the job.
    """

    @functools.wraps(fn)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with no_collector():
            return fn(*args, **kwargs)

    return paused


@contextlib.contextmanager
def no_collector() -> Iterator[None]:
    """Within the block, the cyclic garbage collector is paused (see ``collector_paused``)."""
    if not gc.isenabled():  # a job inside a job, or a caller who paused it already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def importing() -> Iterator[None]:
    """For a block that imports modules: they make objects by the ten thousand, which live as
    long as the process and hold no garbage. The collector is paused meanwhile, and, if a module
    was imported, what exists at the end is set aside from its scans (``gc.freeze``): else a
    build's imports meet some seventy collections, and every later one scans the modules'
    objects again. (A block that imported nothing new, as a server's later builds, freezes
    nothing: what it froze could never be collected.)"""
    if not gc.isenabled():  # within a job (whose objects will be garbage): only imports
        yield
        return
    modules = len(sys.modules)
    gc.disable()
    try:
        yield
        if len(sys.modules) > modules:  # (a server's later builds import nothing new: nothing is frozen)
            gc.freeze()
    finally:
        gc.enable()


__all__ = ["collector_paused", "importing", "no_collector"]
