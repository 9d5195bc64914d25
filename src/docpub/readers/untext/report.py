"""What a read changed and what it was unsure of, for the editor to check."""

from __future__ import annotations

from dataclasses import dataclass, field

from msgspec import Struct


class Note(Struct, frozen=True):
    line: int  # 1-based line of the input
    message: str


class ImportReport(Struct, frozen=True):
    repairs: tuple[Note, ...] = ()
    unsure: tuple[Note, ...] = ()
    missing: tuple[str, ...] = ()  # Meta fields the text cannot give, e.g. "title_en"


@dataclass
class Log:
    """The notes of one read; lives only for the duration of ``read_untext``."""

    repairs: list[Note] = field(default_factory=list)
    unsure: list[Note] = field(default_factory=list)

    def repair(self, line: int, message: str) -> None:
        self.repairs.append(Note(line, message))

    def doubt(self, line: int, message: str) -> None:
        self.unsure.append(Note(line, message))

    def report(self, missing: tuple[str, ...]) -> ImportReport:
        return ImportReport(tuple(sorted(self.repairs, key=_by_line)),
                            tuple(sorted(self.unsure, key=_by_line)), missing)


def _by_line(note: Note) -> int:
    return note.line
