"""Atomic replacement of an output folder.

A build writes into a fresh temporary folder beside the output and swaps it in
only when everything succeeded. A failure, Ctrl-C or SIGTERM halfway leaves the
previous output exactly as it was and removes the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from docpub.errors import DocpubError

# Written into every output folder: a build replaces only a folder that holds it (or an empty one).
MARKER = ".docpub-output"
MARKER_TEXT = b"This folder is built by docpub and replaced whole by every build.\n"


def check_replaceable(out: Path, *, keep: tuple[Path, ...]) -> None:
    """Refuse to replace a folder that is not a docpub output, or that holds one of ``keep``.

    The swap removes the old folder whole, so ``--out .`` or ``--out ~`` must never get that far.
    """
    out = out.resolve()
    for folder in (k.resolve() for k in keep):
        if out == folder or out in folder.parents or folder in out.parents:
            raise DocpubError(str(out), None,
                              f"the output folder cannot be, hold or sit inside {folder}; choose another --out")
    if not out.exists():
        return
    if not out.is_dir():
        raise DocpubError(str(out), None, "the output exists and is not a folder")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise DocpubError(str(out), None,
                          "the output folder is not empty and was not built by docpub; "
                          "refusing to replace it (choose a new or empty folder)")


class Terminated(BaseException):
    """Raised inside the build when SIGTERM arrives, so clean-up runs as for Ctrl-C."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"signal {signum}")


@contextlib.contextmanager
def _sigterm_as_exception() -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _sigterm_as_exception():
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            yield tmp
            _swap(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _swap(tmp: Path, out: Path) -> None:
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; a published site is not
    if not out.exists():
        os.replace(tmp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old / out.name, out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
