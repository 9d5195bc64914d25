"""Running a build's jobs on a Dask cluster (the optional ``distributed`` package).

Workers render; this process publishes. Jobs are plain values, so a worker
needs docpub (and, for PDFs, the fonts) installed, nothing from this machine's
disk but the print template and images a PDF fetches.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from docpub.errors import DocpubError


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
        client = Client(address, timeout="20s", set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise DocpubError(address, None, f"cannot reach the Dask scheduler: {exc}") from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        # pure=False: two jobs with equal values are still two renders the caller waits for.
        yield client.get_executor(pure=False), workers  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]


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
