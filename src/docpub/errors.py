"""User-facing errors: each names the file, the line where there is one, and the reason."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from msgspec import Struct

Severity = Literal["error", "warning"]

# What a message must not pass to a terminal as it is: control characters (a line end would
# make one error two lines; an escape sequence would drive the terminal), the marks that
# reverse the text's direction or end a line, and the lone halves of surrogate pairs that
# stand for a file name's bytes that are not UTF-8 (they cannot be written out at all).
_UNPRINTABLE = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))} | {
    ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"} | {
    c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                                *range(0xD800, 0xE000))}


def printable(text: str) -> str:
    """``text`` with what a terminal must not be given written as escapes (``\\n``, ``\\x1b``):
    a file name or a value quoted from the input may hold anything."""
    return text.translate(_UNPRINTABLE)


class Problem(Struct, frozen=True):
    """One finding about the user's input, printed as ``file:line: severity: reason``."""

    file: str
    line: int | None
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return printable(f"{where}: {self.severity}: {self.reason}")


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
