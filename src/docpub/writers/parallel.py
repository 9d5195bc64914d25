"""Rows of a parallel (Simplified | Traditional) page: one row per heading or paragraph.

An edition is a text transform of the same model, so the two documents have the
same shape; walking them side by side pairs each unit with its conversion.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, cast

from markupsafe import Markup
from msgspec import Struct

from docpub.model import (
    Annex,
    Block,
    Document,
    Footnote,
    Node,
    NumberedParagraph,
    Paragraph,
    Section,
    SubParagraph,
    Text,
    plain_text,
    walk,
)
from docpub.writers.nodes import NodeRenderer

RowKind = Literal["title", "heading", "paragraph", "block"]


class Row(Struct, frozen=True):
    kind: RowKind
    anchor: str  # the id of the unit on the document page ("" when it has none)
    level: int  # heading level; 0 for other rows
    source: Markup
    target: Markup
    name: str = ""  # what the unit is called in the target edition: its heading, or "" for a paragraph

    @property
    def number(self) -> str:
        """The paragraph's number, from its anchor (p12 -> 12); "" for other units."""
        digits = self.anchor[1:] if self.anchor.startswith("p") else ""
        return digits if digits.isdigit() else ""


def parallel_rows(source: Document, target: Document, renderer: NodeRenderer, *,
                  units: tuple[Unit, ...] | None = None) -> tuple[Row, ...]:
    """``units``: the source's units (``source_units``), when the caller has them already."""
    pairs = zip(source_units(source, renderer) if units is None else units, _units(target, renderer), strict=True)
    return tuple(Row(kind=s[0], anchor=s[1], level=s[2], source=s[3], target=t[3], name=t[4]) for s, t in pairs)


Unit = tuple[RowKind, str, int, Markup, str]


def source_units(doc: Document, renderer: NodeRenderer) -> tuple[Unit, ...]:
    """The units of ``doc`` as ``renderer`` shows them: the same for every edition's page."""
    return tuple(_units(doc, renderer))


def _units(doc: Document, r: NodeRenderer) -> Iterator[Unit]:
    yield "title", "letter", 1, r.inlines((Text(doc.meta.title),)), doc.meta.title
    if doc.caption:  # a resolution's adoption line, a statement's header
        yield "paragraph", "", 0, r.inlines(doc.caption), ""
    # Sections, the annex and numbered paragraphs are opened; any other block is one row, whole.
    for v in walk((doc.body, doc.sections, doc.annex, doc.footnotes), inlines=False, into=_opened):
        b = v.node
        if isinstance(b, Section):
            yield "heading", b.id, b.level, r.inlines(b.title), plain_text(b.title)
        elif isinstance(b, Annex):
            yield "paragraph", "annex", 0, r.inlines(b.caption), plain_text(b.caption)
            yield "title", "", 1, r.inlines(b.title), plain_text(b.title)
        elif isinstance(b, Paragraph):
            yield "paragraph", b.id, 0, r.inlines(b.inlines), ""
        elif isinstance(b, (NumberedParagraph, SubParagraph)):
            # A row per numbered paragraph and per sub-paragraph, each showing its number.
            number = f"{b.number}." if isinstance(b, NumberedParagraph) else f"({b.label})"
            text = Markup('<span class="num">{}</span> {}').format(number, r.inlines(b.inlines))
            yield "paragraph", b.id, 0, text, ""
        elif isinstance(b, Footnote):
            yield "block", "", 0, Markup("<sup>{}</sup> ").format(b.number) + r.footnote_body(b), ""
        else:
            yield "block", "", 0, r.block(cast(Block, b)), ""


def _opened(node: Node) -> bool:
    return isinstance(node, (Section, Annex, NumberedParagraph, SubParagraph))
