"""User-facing errors: each names the file, the line where there is one, and the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about the user's input, printed as ``file:line: severity: reason``."""

    file: str
    line: int | None
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.severity}: {self.reason}"


class DocpubError(Exception):
    """An error in the user's input or set-up; the CLI prints it in one line, no traceback."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.problem = Problem(str(file), line, reason)
        super().__init__(str(self.problem))

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its problem when it crosses a process boundary (a build's worker).
        p = self.problem
        return (DocpubError, (p.file, p.line, p.reason))


class ManyErrors(DocpubError):
    """Several problems found in one pass (``docpub check``, a build's content check)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        Exception.__init__(self, "\n".join(str(p) for p in self.problems))
        self.problem = first

    def __reduce__(self) -> tuple[Any, ...]:
        return (ManyErrors, (self.problems,))


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise nothing for no problems, a DocpubError for one, a ManyErrors (in line order) for several."""
    ordered = sorted(problems, key=lambda p: -1 if p.line is None else p.line)
    if len(ordered) == 1:
        only = ordered[0]
        raise DocpubError(only.file, only.line, only.reason)
    if ordered:
        raise ManyErrors(ordered)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else ``""``."""
    import difflib  # (only for a mistake: a build that has none does not load it)

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
