"""Running a build's jobs on a Dask cluster (the optional ``distributed`` package).

Workers render; this process publishes. Jobs are plain values, so a worker
needs docpub (and, for PDFs, the fonts) installed, nothing from this machine's
disk but the print template and images a PDF fetches.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Executor
from contextlib import contextmanager
from typing import Any, TypeVar

from docpub.errors import DocpubError

# How long a build waits for the scheduler to answer, and then for its first worker (s).
CONNECT_WAIT = 20
WORKERS_WAIT = 20
WATCH_EVERY = 1.0  # how often a build looks at its cluster (s)
_T = TypeVar("_T")


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """An executor submitting to the scheduler at ``address``, and how many workers it has.

    A cluster that loses its scheduler or, for longer than ``WORKERS_WAIT``, every worker ends
    the build with one error line (Dask would keep the jobs waiting for a worker for ever, and
    log its reconnections' tracebacks: its own log is kept quiet while docpub uses it).
    """
    try:
        from distributed import Client
    except ImportError:
        raise DocpubError(address, None, "--scheduler needs the 'distributed' package "
                                         "(pip install 'docpub[cluster]')") from None
    _check_address(address)
    with _quiet("distributed"):
        try:
            client = Client(address, timeout=f"{CONNECT_WAIT}s", set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise DocpubError(address, None, f"cannot reach the Dask scheduler: {exc}") from None
        try:
            mine = worker_identity()
            _check_workers(client, address, mine)
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            # pure=False: two jobs with equal values are still two renders the caller waits for.
            executor = client.get_executor(pure=False)  # type: ignore[no-untyped-call]
            watch = _Watch(client, address, executor)
            try:
                yield _Checked(executor, mine, watch), workers
            except CancelledError:  # (the jobs Dask or the watch cancelled)
                raise DocpubError(address, None, watch.lost or "the build lost its Dask scheduler") from None
            finally:
                watch.stop.set()
        finally:
            client.close()  # type: ignore[no-untyped-call]


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """The logger ``name`` and those under it (Dask gives some their own levels) say nothing
    short of a crash while the block runs."""
    names = [name, *(n for n in list(logging.root.manager.loggerDict) if n.startswith(name + "."))]
    loggers = [logging.getLogger(n) for n in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class _Watch:
    """A thread that looks at the cluster every ``WATCH_EVERY`` seconds while the build runs:
    with no worker (all gone, or the scheduler out of reach), it says so once, and after
    ``WORKERS_WAIT`` seconds without one cancels the build's jobs, ``lost`` saying why."""

    def __init__(self, client: Any, address: str, executor: Any) -> None:
        self.lost = ""
        self.stop = threading.Event()
        self._client, self._address, self._executor = client, address, executor
        threading.Thread(target=self._run, name="docpub-dask-watch", daemon=True).start()

    def _workers(self) -> int:
        try:
            if self._client.status != "running":
                return 0
            return len(self._client.scheduler_info(n_workers=1).get("workers", {}))
        except Exception:  # noqa: BLE001 - whatever the client met, the scheduler is out of reach
            return 0

    def _run(self) -> None:
        alone_since = None
        while not self.stop.wait(WATCH_EVERY):
            if self._workers():
                alone_since = None
                continue
            if self.stop.is_set():
                return
            now = time.monotonic()
            if alone_since is None:
                alone_since = now
                print(f"docpub: {self._address}: the Dask cluster has no worker now (or its scheduler is out of "
                      f"reach); waiting {WORKERS_WAIT} s for one", file=sys.stderr, flush=True)
            elif now - alone_since >= WORKERS_WAIT:
                self.lost = (f"the Dask cluster lost its workers (or its scheduler), and none came back in "
                             f"{WORKERS_WAIT} s")
                with contextlib.suppress(Exception):
                    self._executor.shutdown(wait=False)  # cancels the jobs: the build ends with ``lost``
                return


def worker_identity() -> tuple[str, str, str, str]:
    """What an output's key says it was made with, as this process would make it: docpub's
    version and files, WeasyPrint's and OpenCC's versions."""
    from docpub import __version__
    from docpub.inputs import tool_versions
    from docpub.site import code_identity

    return __version__, code_identity(), *tool_versions()


class _Checked(Executor):
    """The cluster's executor, each job run only where the worker has this build's code (a worker
    may join after ``_check_workers``)."""

    def __init__(self, executor: Executor, identity: tuple[str, ...], watch: _Watch) -> None:
        self._executor, self._identity, self._watch = executor, identity, watch

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self._watch.lost:  # (its jobs are cancelled: no more are sent)
            raise CancelledError
        return self._executor.submit(_run_checked, self._identity, fn, *args, **kwargs)

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # type: ignore[no-untyped-def]
        return self._executor.map(functools.partial(_run_checked, self._identity, fn), *iterables, timeout=timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        del cancel_futures  # (the client's futures go with the client)
        self._executor.shutdown(wait=wait)


@functools.cache
def _own_identity() -> tuple[str, str, str, str]:
    return worker_identity()


def _run_checked(identity: tuple[str, ...], fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)`` on a worker whose code is ``identity``, else an error naming it."""
    theirs = _own_identity()
    if tuple(identity) != theirs:
        from distributed import get_worker

        raise DocpubError(get_worker().address, None, f"this Dask worker has {_describe(theirs)}, the build "
                                                      f"{_describe(identity)}: install the same on every worker")
    return fn(*args, **kwargs)


def _check_workers(client: Any, address: str, mine: tuple[str, ...]) -> None:
    """Wait for a worker, and refuse workers that would render with other code than this
    process's (``mine``: its ``worker_identity``): their outputs would be stored under keys
    that do not say what made them, and the site would not be the one a local build makes."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_WAIT)
    except TimeoutError:
        raise DocpubError(address, None, f"the Dask scheduler has no worker (none joined in {WORKERS_WAIT} s); "
                                         "start workers with: dask worker " + address) from None
    try:
        theirs: dict[str, tuple[str, ...]] = client.run(worker_identity)
    except Exception as exc:  # noqa: BLE001 - a worker without docpub, or one that failed
        raise DocpubError(address, None, f"a Dask worker cannot run docpub: {type(exc).__name__}: {exc}") from None
    for worker, identity in sorted(theirs.items()):
        if tuple(identity) != mine:
            raise DocpubError(address, None, f"the Dask worker {worker} has {_describe(identity)}, this build "
                                             f"{_describe(mine)}: install the same on every worker")


def _describe(identity: Sequence[str]) -> str:
    docpub, code, weasyprint, opencc = identity
    return f"docpub {docpub} (files {code[:12]}), WeasyPrint {weasyprint}, OpenCC {opencc}"


def _check_address(address: str) -> None:
    """Refuse, before any connection is tried, an address no scheduler can have: a scheme Dask
    does not know (``http://``) or one for this process only (``inproc://``), no host, no port,
    a port that is not one. (A client made for such an address fails, and then waits for its
    own shutdown.) Without a scheme, Dask reads ``HOST:PORT`` as ``tcp://HOST:PORT``."""
    from distributed.comm.addressing import parse_address
    from distributed.comm.registry import backends

    scheme, location = parse_address(address)
    known = sorted(set(backends) - {"inproc"})
    host, colon, port = location.rpartition(":")
    if scheme not in known:
        reason = f"the scheme {scheme!r} is not one of Dask's ({', '.join(known)})"
    elif not colon or not port:
        reason = "no port"
    elif not host:
        reason = "no host"
    elif not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        reason = f"the port {port!r} is not a number from 1 to 65535"
    else:
        return
    raise DocpubError(address, None, f"not a Dask scheduler's address: {reason} (give tcp://HOST:PORT)")
