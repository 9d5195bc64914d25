"""Numbered paragraphs and their sub-paragraphs, kept as the UN numbers them.

An operative paragraph of a resolution (or a paragraph of a report) is written
as an item of a Markdown numbered list; its sub-paragraphs are paragraphs
inside that item that start with a label, ``(a) …``, ``(ii) …``. Labels run
``a, b, … z, aa, bb …`` or ``i, ii, iii …``; a run of the other style opens a
level below the last sub-paragraph (``(a)`` then ``(i)``). Nothing here knows
Markdown: the reader hands over model blocks with their lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from docpub.model import Block, Inline, NumberedParagraph, Paragraph, SubParagraph, Text

Style = Literal["letter", "roman"]
Report = Callable[[int, str], None]

_LABEL = re.compile(r"[(（](?P<label>[a-z]{1,2}|[ivxl]{1,7})[)）][ \t\u3000]*")
_ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv",
           "xv", "xvi", "xvii", "xviii", "xix", "xx", "xxi", "xxii", "xxiii", "xxiv", "xxv")
_FIRST: dict[str, Style] = {"a": "letter", "i": "roman"}


def split_label(inlines: tuple[Inline, ...]) -> tuple[str, tuple[Inline, ...]] | None:
    """``(a) 文本`` -> ``("a", 文本)``; None when the text does not start with a label."""
    if not inlines or not isinstance(inlines[0], Text):
        return None
    m = _LABEL.match(inlines[0].text)
    if m is None:
        return None
    rest = inlines[0].text[m.end():]
    return m["label"], ((Text(rest),) if rest else ()) + inlines[1:]


def next_label(style: Style, label: str) -> str:
    if style == "roman":
        i = _ROMANS.index(label) if label in _ROMANS else len(_ROMANS)
        return _ROMANS[i + 1] if i + 1 < len(_ROMANS) else ""
    if label == "z" * len(label):
        return "a" * (len(label) + 1)
    return chr(ord(label[0]) + 1) * len(label)


@dataclass
class _Open:
    """A sub-paragraph being built, and the level its own sub-paragraphs form."""

    label: str
    inlines: tuple[Inline, ...]
    id: str
    blocks: list[Block | _Open] = field(default_factory=list)

    def close(self) -> SubParagraph:
        blocks = tuple(b.close() if isinstance(b, _Open) else b for b in self.blocks)
        return SubParagraph(self.label, self.inlines, self.id, blocks)


@dataclass
class _Level:
    style: Style
    last: _Open


def numbered_paragraph(number: int, parts: list[tuple[int, Block]], report: Report) -> NumberedParagraph:
    """Paragraph ``number`` from the blocks of its list item, each with its line.

    The first paragraph is its text; labelled paragraphs become sub-paragraphs
    in their levels; anything else stays a block of the numbered paragraph.
    """
    pid = f"p{number}"
    inlines: tuple[Inline, ...] = ()
    if parts and isinstance(parts[0][1], Paragraph) and split_label(parts[0][1].inlines) is None:
        inlines = parts[0][1].inlines
        parts = parts[1:]
    top: list[Block | _Open] = []
    levels: list[_Level] = []
    for line, block in parts:
        labelled = split_label(block.inlines) if isinstance(block, Paragraph) else None
        if labelled is None:
            top.append(block)
        else:
            _place(labelled, line, pid, top, levels, report)
    blocks = tuple(b.close() if isinstance(b, _Open) else b for b in top)
    return NumberedParagraph(number, inlines, pid, blocks)


def _place(labelled: tuple[str, tuple[Inline, ...]], line: int, pid: str, top: list[Block | _Open],
           levels: list[_Level], report: Report) -> None:
    label, inlines = labelled
    for depth in range(len(levels) - 1, -1, -1):
        level = levels[depth]
        if label == next_label(level.style, level.last.label):
            del levels[depth + 1:]
            parent = top if depth == 0 else levels[depth - 1].last.blocks
            level.last = _new(label, inlines, levels[depth - 1].last.id if depth else pid, parent)
            return
    style = _FIRST.get(label)
    if style is not None and all(level.style != style for level in levels):
        parent = levels[-1].last.blocks if levels else top
        levels.append(_Level(style, _new(label, inlines, levels[-1].last.id if levels else pid, parent)))
        return
    expected = [f"({next_label(level.style, level.last.label)})" for level in reversed(levels)]
    hint = f"; expected {' or '.join(e for e in expected if e != '()')}" if levels else "; start with (a) or (i)"
    report(line, f"sub-paragraph ({label}) of paragraph {pid[1:]} is out of order{hint}")
    (levels[-1].last.blocks if levels else top).append(Paragraph((Text(f"({label}) "), *inlines)))


def _new(label: str, inlines: tuple[Inline, ...], parent_id: str, parent: list[Block | _Open]) -> _Open:
    sub = _Open(label, inlines, f"{parent_id}-{label}")
    parent.append(sub)
    return sub
