"""Blocks of running text -> paragraphs and headings.

A page break splits paragraphs the PDF printed whole, and the extraction keeps
no heading levels; both are recovered from the shape of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from statistics import median

from msgspec import Struct

from docpub.model import Signature
from docpub.readers.linebreaks import unwrap
from docpub.readers.untext.lines import TextBlock, ends_sentence, repaired
from docpub.readers.untext.report import Log

SIGNED = re.compile(r"[(（]签[名署][)）]$")
_LETTERED = re.compile(r"[(（](?:[a-z]{1,2}|[ivx]{1,5})[)）]\s")
_PARA_START = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}日[，,]")  # "2月28日，…" opens a paragraph
_CONTINUATION = "，、。；：）」』”》,;:)"  # a block starting with these cannot open a paragraph
_HEADING_MAX = 40
# The perfective particle 了 narrates an event: a sentence, never a title (为了, 除了
# and 了解 are other words).
_NARRATES = re.compile(r"(?<![为除])了(?!解)")
# A heading over other headings (a region) is short: one longer than this, and
# than twice the document's typical heading, is a sentence that lost its 。.
_PARENT_MAX = 20
MAX_LEVEL = 6  # the deepest heading Markdown writes ('######')

# Hints only: a heading followed by prose is a level-2 heading when its name is a
# region or a closing part, even after a region with sub-headings.
_REGION_HINTS = frozenset({
    "导言", "引言", "概述", "结论", "结束语", "其他事项", "非洲", "美洲", "亚洲", "欧洲", "中东",
    "亚洲和太平洋", "专题问题", "专题问题和其他问题", "其他问题",
})


class Piece(Struct, frozen=True):
    """A paragraph or heading candidate, its text already repaired."""

    line: int
    text: str
    after_break: bool = False


class HeadingLine(Struct, frozen=True):
    """A line taken as a heading, at the level its neighbours give it."""

    line: int
    text: str
    level: int


Item = Piece | HeadingLine | Signature


def flow(blocks: list[TextBlock], log: Log) -> list[Item]:
    """Paragraphs and headings: page-break splits rejoined, heading levels assigned."""
    pieces = _join_splits([p for b in blocks for p in _pieces(b, log)], log)
    heads = [_is_heading(pieces, i) for i in range(len(pieces))]
    _drop_long_parents(pieces, heads, log)
    levels = _levels(pieces, heads)
    items: list[Item] = []
    for i, (piece, level) in enumerate(zip(pieces, levels, strict=True)):
        items.append(HeadingLine(piece.line, piece.text, level) if level else piece)
        if level == MAX_LEVEL and i and levels[i - 1] == MAX_LEVEL:
            log.doubt(piece.line, f"headings nested deeper than level {MAX_LEVEL}, which Markdown cannot write; "
                      f"kept at level {MAX_LEVEL}")
        if not level and heading_like(piece.text) and piece is pieces[-1]:
            log.doubt(piece.line, "a short line with nothing after it; kept as a paragraph")
    return items


def heading_like(text: str) -> bool:
    """Short, unpunctuated, not a list item, not a dated opening: could be a heading."""
    return (len(text) <= _HEADING_MAX and not ends_sentence(text) and "。" not in text
            and not _NARRATES.search(text) and not _LETTERED.match(text) and not _PARA_START.match(text)
            and not SIGNED.search(text))


def _pieces(block: TextBlock, log: Log) -> Iterator[Piece]:
    """A block's paragraphs: wrapped lines joined, each lettered item on its own."""
    run: list[tuple[int, str]] = []
    for n, t in [*block.lines, (0, "")]:
        if run and (not t or _LETTERED.match(t)):
            line = run[0][0]
            yield Piece(line, repaired(line, unwrap([x for _, x in run]), log),
                        block.after_break and line == block.line)
            run = []
        if t:
            run.append((n, t))


def _join_splits(pieces: list[Piece], log: Log) -> list[Piece]:
    """Rejoin paragraphs the page break cut in two."""
    out: list[Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if prev is not None and _continues(prev, piece):
            where = "at a page break" if piece.after_break else "across a blank line"
            log.repair(piece.line, f"joined to the paragraph of line {prev.line}: it was "
                       f"split {where} ('{prev.text[-6:]}' | '{piece.text[:6]}')")
            out[-1] = Piece(prev.line, prev.text + piece.text, prev.after_break)
        else:
            if prev is not None and _unfinished(prev):
                log.doubt(prev.line, "paragraph ends without terminal punctuation; kept as is")
            out.append(piece)
    if out and _unfinished(out[-1]):
        log.doubt(out[-1].line, "paragraph ends without terminal punctuation; kept as is")
    return out


def _unfinished(piece: Piece) -> bool:
    """Prose (too long or too punctuated for a heading) that stops mid-sentence."""
    return not heading_like(piece.text) and not ends_sentence(piece.text)


def _continues(prev: Piece, nxt: Piece) -> bool:
    if not _unfinished(prev) or _LETTERED.match(nxt.text) or _PARA_START.match(nxt.text):
        return False
    return nxt.text[:1] in _CONTINUATION or not heading_like(nxt.text)


def _is_heading(pieces: list[Piece], i: int) -> bool:
    """Heading-like and followed by something (a heading closes nothing at the end)."""
    return heading_like(pieces[i].text) and i + 1 < len(pieces)


def _drop_long_parents(pieces: list[Piece], heads: list[bool], log: Log) -> None:
    """Un-head a long line between a paragraph and a heading: it would head that heading.

    Parent headings are short names; a line long for a heading that would become
    one, right after prose, is an unpunctuated paragraph. Kept, and reported.
    """
    lengths = [len(p.text) for p, h in zip(pieces, heads, strict=True) if h]
    typical = median(lengths) if lengths else 0
    for i, piece in enumerate(pieces):
        if (heads[i] and 0 < i and not heads[i - 1]
                and i + 1 < len(heads) and heads[i + 1]
                and len(piece.text) > max(_PARENT_MAX, 2 * typical)):
            heads[i] = False
            log.doubt(piece.line, "a long unpunctuated line between a paragraph and a heading; "
                      "kept as a paragraph, not made a heading")


def _levels(pieces: list[Piece], heads: list[bool]) -> list[int]:
    """0 for paragraphs; 2 for regions, 3 for the countries and topics inside them.

    A heading directly followed by another heading is the parent of it. Where
    the text nests no headings, every heading is level 2.
    """
    nested = any(heads[i] and heads[i + 1] for i in range(len(heads) - 1))
    levels: list[int] = []
    inside = False  # a parent heading has been seen
    for i, piece in enumerate(pieces):
        if not heads[i]:
            levels.append(0)
        elif i and heads[i - 1]:
            levels.append(min(levels[-1] + 1, MAX_LEVEL))
        elif i + 1 < len(heads) and heads[i + 1]:
            levels.append(2)
            inside = True
        else:
            top = not nested or not inside or piece.text in _REGION_HINTS
            levels.append(2 if top else 3)
    return levels
