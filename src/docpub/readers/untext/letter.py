"""The fixed layout of a UN letter: title, body, signatures, annex caption and title."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msgspec import Struct

from docpub.model import Signature, Text
from docpub.readers.untext.flow import SIGNED, Item, Piece, flow, heading_like
from docpub.readers.untext.lines import TextBlock, ends_sentence, repaired
from docpub.readers.untext.report import Log

_CAPTION = re.compile(r".*的附件|附件[一二三四五六七八九十\d]*")
_DATED_TITLE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.*的信")
_SIGNER_MAX = 30


class AnnexParts(Struct, frozen=True):
    caption: Piece
    title: Piece | None
    items: list[Item]


def read_title(blocks: list[TextBlock], log: Log
               ) -> tuple[Piece | None, list[Piece], list[TextBlock]]:
    """The title, the unrecognised blocks before it, and the blocks after it.

    The title is the first block after the masthead. When that block is not a
    letter title, a dated one ('2021年3月1日…的信') further on, before any prose,
    is the title, and the blocks skipped on the way are kept as paragraphs.
    """
    if not blocks:
        return None, [], []
    at = _dated_title(blocks)
    if at is None:
        at = 0
        if not blocks[0].text.endswith("的信"):
            log.doubt(blocks[0].line,
                      "the title does not end with '的信'; taken as the title anyway")
    skipped = []
    for b in blocks[:at]:
        log.doubt(b.line, "neither masthead nor title, before the dated title; "
                  "kept as a paragraph")
        skipped.append(Piece(b.line, repaired(b.line, b.text, log)))
    first = blocks[at]
    return Piece(first.line, repaired(first.line, first.text, log)), skipped, blocks[at + 1:]


def _dated_title(blocks: list[TextBlock]) -> int | None:
    """Index of the first dated letter title before the first prose block."""
    for i, b in enumerate(blocks):
        if _DATED_TITLE.fullmatch(b.text):
            return i
        if "。" in b.text or ends_sentence(b.text):
            return None
    return None


def split_annex(blocks: list[TextBlock], log: Log) -> tuple[list[TextBlock], list[TextBlock]]:
    """The letter's blocks and the annex's blocks (from its caption on)."""
    for i, b in enumerate(blocks):
        if _is_caption(b):
            for c in filter(_is_caption, blocks[i + 1:]):
                log.doubt(c.line, "a second annex caption: only one annex is supported; "
                          "kept as a paragraph")
            return blocks[:i], blocks[i:]
    return blocks, []


def annex_parts(blocks: list[TextBlock], log: Log) -> AnnexParts:
    caption = Piece(blocks[0].line, repaired(blocks[0].line, blocks[0].text, log))
    title = None
    rest = blocks[1:]
    if rest and heading_like(rest[0].text):
        title = Piece(rest[0].line, repaired(rest[0].line, rest[0].text, log))
        rest = rest[1:]
    else:
        log.doubt(caption.line, "no annex title after the annex caption")
    return AnnexParts(caption, title, flow(rest, log))


def letter_items(blocks: list[TextBlock], log: Log) -> list[Item]:
    """The letter's paragraphs and headings, with each signature block in its place."""
    items: list[Item] = []
    start = 0
    for end, signer_from in _signatures(blocks):
        items += flow(blocks[start:signer_from], log)
        items.append(Signature(tuple((Text(repaired(n, t, log)),)
                                     for b in blocks[signer_from:end + 1] for n, t in b.lines)))
        start = end + 1
    return items + flow(blocks[start:], log)


def _is_caption(block: TextBlock) -> bool:
    return bool(_CAPTION.fullmatch(block.text.replace(" ", "")))


def _signatures(blocks: list[TextBlock]) -> Iterator[tuple[int, int]]:
    """``(name block, first signer-title block)`` for each '(签名)' line."""
    floor = 0
    for i, b in enumerate(blocks):
        if SIGNED.search(b.lines[-1][1]):
            j = i
            while j > floor and i - j < 4 and _signer_title(blocks[j - 1]):
                j -= 1
            yield i, j
            floor = i + 1


def _signer_title(block: TextBlock) -> bool:
    return all(len(t) <= _SIGNER_MAX and not ends_sentence(t) for _, t in block.lines)
