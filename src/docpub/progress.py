"""A progress bar for long builds on a terminal; nothing at all without one (CI, pipes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from docpub.execute import Tick
from docpub.site import Progress


@contextmanager
def progress_bar(stream: TextIO) -> Iterator[Progress | None]:
    """A ``Progress`` drawing on ``stream`` when it is a terminal, else None."""
    if not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    bar = Bar(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TextColumn("outputs"),
              TimeRemainingColumn(), console=Console(file=stream), transient=True)

    def start(planned: int) -> Tick:
        task = bar.add_task("build", total=planned)
        return lambda n: bar.advance(task, n)

    with bar:
        yield start
