"""A flat run of blocks and headings -> the nested sections of the model.

Both input formats are flat (a heading is just a line); the model nests each
heading's blocks and sub-headings under it, down to the next heading of its level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from msgspec import Struct

from docpub.model import Block, Inline, Section


class Heading(Struct, frozen=True):
    level: int
    title: tuple[Inline, ...]
    id: str
    explicit_id: bool = False


@dataclass
class _OpenSection:
    """A section whose end has not been seen yet."""

    heading: Heading
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def close(self) -> Section:
        h = self.heading
        return Section(h.level, h.title, h.id, tuple(self.blocks), tuple(self.subsections),
                       h.explicit_id)


def nest(items: list[Block | Heading]) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    """Blocks before the first heading, and the sections the headings open."""
    leading: list[Block] = []
    top: list[Section] = []
    stack: list[_OpenSection] = []

    def close_down_to(level: int) -> None:
        while stack and stack[-1].heading.level >= level:
            done = stack.pop().close()
            (stack[-1].subsections if stack else top).append(done)

    for item in items:
        if isinstance(item, Heading):
            close_down_to(item.level)
            stack.append(_OpenSection(item))
        else:
            (stack[-1].blocks if stack else leading).append(item)
    close_down_to(0)
    return tuple(leading), tuple(top)
