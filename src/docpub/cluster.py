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
    try:
        client = Client(address, timeout="20s", set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise DocpubError(address, None, f"cannot reach the Dask scheduler: {exc}") from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        # pure=False: two jobs with equal values are still two renders the caller waits for.
        yield client.get_executor(pure=False), workers  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]
