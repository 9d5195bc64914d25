"""UN plain text (extracted from the published PDF) -> Document.

The extraction has no markup, so structure is recovered from the shape of the
text (line length, final punctuation, what follows a line) and from the fixed
layout of a UN letter: masthead, title, body, signature, annex caption, annex
title, headings. Every change is reported with the input's line number;
whatever cannot be placed is kept as a paragraph and reported as unsure.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

from docpub.anchors import AnchorSet, slugify
from docpub.errors import DocpubError
from docpub.model import Annex, Block, Document, Meta, Paragraph, Text
from docpub.readers.sections import Heading, nest
from docpub.readers.untext.flow import HeadingLine, Item, Piece
from docpub.readers.untext.kinds import detect_kind, read_kind
from docpub.readers.untext.letter import (
    AnnexParts,
    annex_parts,
    letter_items,
    read_title,
    split_annex,
)
from docpub.readers.untext.lines import read_blocks
from docpub.readers.untext.meta import build_meta, missing_fields, read_masthead
from docpub.readers.untext.report import ImportReport, Log, Note

__all__ = ["ImportReport", "Note", "read_untext"]


def read_untext(text: str, *, doc_id: str, source: str = "<string>"
                ) -> tuple[Document, ImportReport]:
    """Build the Document the Markdown reader would build from the clean text."""
    kind = detect_kind(text)
    if kind != "letter":
        return read_kind(text, kind=kind, doc_id=doc_id, source=source)
    log = Log()
    blocks, symbol = read_blocks(text, log)
    if not blocks:
        raise DocpubError(source, None, "no text: the input is empty or only page furniture")
    head, rest = read_masthead(blocks, log)
    title, skipped, rest = read_title(rest, log)
    letter, annex_blocks = split_annex(rest, log)
    letter_parts: list[Item] = [*skipped, *letter_items(letter, log)]
    annex = annex_parts(annex_blocks, log) if annex_blocks else None
    meta = build_meta(head, title, symbol, letter_parts, annex, log, source)
    doc = _assemble(doc_id, meta, letter_parts, annex, source)
    return doc, log.report(missing_fields(meta, doc))


def _assemble(doc_id: str, meta: Meta, letter: list[Item], annex: AnnexParts | None,
              source: str) -> Document:
    """Anchors and paragraph numbers are handed out in document order, as in Markdown."""
    anchors, numbers = AnchorSet(), count(1)
    body, sections = nest([_model_item(x, anchors, numbers) for x in letter])
    built = None
    if annex is not None:
        title = annex.title.text if annex.title else ""
        if title:
            anchors.claim(slugify(title))
        blocks, annex_sections = nest([_model_item(x, anchors, numbers) for x in annex.items])
        built = Annex(caption=(Text(annex.caption.text),),
                      title=(Text(title),) if title else (), blocks=blocks,
                      sections=annex_sections)
    return Document(id=doc_id, lang="zh-Hans", meta=meta, body=body, sections=sections,
                    annex=built, source=source)


def _model_item(item: Item, anchors: AnchorSet, numbers: Iterator[int]) -> Block | Heading:
    if isinstance(item, HeadingLine):
        return Heading(item.level, (Text(item.text),), anchors.claim(slugify(item.text)))
    if isinstance(item, Piece):
        return Paragraph((Text(item.text),), id=f"p{next(numbers)}")
    return item
