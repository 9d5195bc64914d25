"""Running a build's jobs on a Dask cluster (the optional ``distributed`` package).

Workers render; this process publishes. Jobs are plain values, so a worker
needs docpub (and, for PDFs, the fonts) installed, nothing from this machine's
disk but the print template and images a PDF fetches.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any, TypeVar

from docpub.errors import DocpubError

# How long a build waits for the scheduler to answer, and then for its first worker (s).
CONNECT_WAIT = 20
WORKERS_WAIT = 20
_T = TypeVar("_T")


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """An executor submitting to the scheduler at ``address``, and how many workers it has."""
    try:
        from distributed import Client
    except ImportError:
        raise DocpubError(address, None, "--scheduler needs the 'distributed' package "
                                         "(pip install 'docpub[cluster]')") from None
    _check_address(address)
    try:
        client = Client(address, timeout=f"{CONNECT_WAIT}s", set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise DocpubError(address, None, f"cannot reach the Dask scheduler: {exc}") from None
    try:
        mine = worker_identity()
        _check_workers(client, address, mine)
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        # pure=False: two jobs with equal values are still two renders the caller waits for.
        yield _Checked(client.get_executor(pure=False), mine), workers  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]


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

    def __init__(self, executor: Executor, identity: tuple[str, ...]) -> None:
        self._executor, self._identity = executor, identity

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
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
