"""What a build's jobs share, in whatever process runs them."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import select
import sys
import threading
import time
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


def end_with_build(main: int) -> None:
    """In a worker: end this process as soon as the build's process ``main`` is gone. A build
    killed outright (SIGKILL: the out-of-memory killer, a CI job's timeout) cannot tell its
    workers to stop, and they would wait for a job for ever, each holding pipes of the pool (and
    a fork server's workers the pipe that would tell the server its client is gone). A thread of
    the worker waits on a descriptor of ``main`` (a pidfd), so a worker busy with a job ends too."""
    try:
        fd = os.pidfd_open(main)
    except ProcessLookupError:  # (gone already)
        os._exit(1)
    except (OSError, AttributeError):  # a system without pidfds: the parent is watched, twice a second
        parent = os.getppid()

        def poll() -> None:
            while os.getppid() == parent and _alive(main):
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=poll, name="docpub-end-with-build", daemon=True).start()
        return

    def wait() -> None:
        select.select([fd], [], [])  # readable once the process has ended
        os._exit(1)

    threading.Thread(target=wait, name="docpub-end-with-build", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # (another user's now: that one is gone)
        return False
    return True


__all__ = ["collector_paused", "importing", "no_collector", "end_with_build"]
