"""A conversion review for editors: what each Traditional edition decided, and where.

OpenCC is right most of the time and silently wrong the rest, mostly on
characters with several Traditional forms (并 -> 並/併, 里 -> 里/裏). The review
lists every such character with its context before and after conversion, and
every glossary hit with the entry that produced it, so an editor can read a
short table instead of the whole edition. The site renders the same records
as an HTML page.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from msgspec import Struct

from docpub.model import (
    Annex,
    Document,
    Footnote,
    Node,
    NumberedParagraph,
    Paragraph,
    Section,
    Signature,
    SubParagraph,
    Text,
    walk,
)
from docpub.transforms.editions import META_FIELDS, Converter, Piece
from docpub.transforms.glossary import AMBIGUOUS_FILE, load_ambiguous

CONTEXT = 8  # characters shown on each side
WHERE_WIDTH = 24  # section ids are headings and can be long; the table cuts them


class AmbiguousUse(NamedTuple):
    """One use of a character with several Traditional forms (a tuple: a review has hundreds)."""

    char: str  # the Simplified character
    chosen: str  # what the edition printed for it (a whole glossary target if the length changed)
    forms: tuple[str, ...]  # the Traditional forms it can take
    where: str  # paragraph or section id, or "meta.title"
    source_context: str
    converted_context: str
    entry: str = ""  # "file:line" when a glossary entry made the choice


class GlossaryHit(NamedTuple):
    term: str
    target: str  # as printed, after the edition's glyph variants
    entry: str  # "file:line"
    where: str
    reason: str = ""  # the entry's reason column
    source: str = ""  # the entry's source column, with its context in brackets


class FormUse(Struct, frozen=True):
    """A character form the edition prints in place of OpenCC's (Hong Kong's 說 for 説)."""

    opencc: str
    printed: str
    count: int  # how many times the document prints it
    entry: str  # "file:line"
    reason: str


class Review(Struct, frozen=True):
    document: str
    edition: str
    ambiguous: tuple[AmbiguousUse, ...]
    hits: tuple[GlossaryHit, ...]
    forms: tuple[FormUse, ...] = ()

    @property
    def size(self) -> int:
        """How many things an editor has to look at."""
        return len(self.ambiguous) + len(self.hits) + len(self.forms)


def review(doc: Document, *, converter: Converter, table: Mapping[str, tuple[str, ...]],
           pieces: Mapping[str, tuple[Piece, ...]] | None = None,
           texts: Sequence[tuple[str, str]] | None = None) -> Review:
    """Every ambiguous character, glossary hit and form in ``doc`` as the converter's edition prints it.

    ``pieces`` is the trace of the conversion already made (``convert_traced``):
    with it, no string is converted a second time. ``texts``: ``iter_texts(doc)``, when
    the caller has it already.
    """
    known = pieces or {}
    pattern = _ambiguous_pattern(tuple(table))
    uses: list[AmbiguousUse] = []
    hits: list[GlossaryHit] = []
    printed: list[str] = []
    for where, text in iter_texts(doc) if texts is None else texts:
        cut = known.get(text) or tuple(converter.pieces(text))
        found_uses, found_hits = _review_text(text, where, cut, table, pattern)
        uses.extend(found_uses)
        hits.extend(found_hits)
        if converter.forms:  # only the forms' counts read the printed text
            printed.append(converter.join(cut))
    return Review(doc.id, converter.tag, tuple(uses), tuple(hits), _form_uses(converter, "".join(printed)))


def _form_uses(converter: Converter, printed: str) -> tuple[FormUse, ...]:
    uses = (FormUse(f.source, f.target, printed.count(f.target), f.where, f.reason) for f in converter.forms)
    return tuple(u for u in uses if u.count)


def iter_texts(doc: Document) -> Iterator[tuple[str, str]]:
    """``(where, string)`` for every string the edition converts, in document order."""
    for name in META_FIELDS:
        value = getattr(doc.meta, name)
        if value:
            yield f"meta.{name}", value
    parents: tuple[Node, ...] | None = None
    where = ""
    for v in walk((doc.caption, doc.body, doc.sections, doc.annex, doc.footnotes)):
        if isinstance(v.node, Text):
            if v.parents is not parents:  # the texts of one run share their parents
                parents, where = v.parents, _where(v.parents)
            yield where, v.node.text


def _where(parents: tuple[Node, ...]) -> str:
    """The innermost paragraph (numbered or not), section, annex or footnote with an id, with
    ``/signature`` after it inside a signature."""
    signature = False
    for p in reversed(parents):
        if isinstance(p, Signature):
            signature = True
        elif isinstance(p, (Paragraph, NumberedParagraph, SubParagraph, Section, Annex, Footnote)) and p.id:
            return f"{p.id}/signature" if signature else p.id
    return "signature" if signature else ""


@functools.lru_cache(maxsize=8)
def _ambiguous_pattern(chars: tuple[str, ...]) -> re.Pattern[str] | None:
    """Finds the characters of the review's table (None: the table is empty)."""
    return re.compile("|".join(map(re.escape, chars))) if chars else None


def _review_text(text: str, where: str, pieces: tuple[Piece, ...], table: Mapping[str, tuple[str, ...]],
                 pattern: re.Pattern[str] | None) -> tuple[list[AmbiguousUse], list[GlossaryHit]]:
    hits = [GlossaryHit(p.source, p.target, p.entry.where, where, p.entry.reason, p.entry.source)
            for p in pieces if p.entry is not None]
    # The table's characters are found in the whole string at once; each is then placed in its piece.
    found = [(m.start(), m.group()) for m in pattern.finditer(text)] if pattern is not None else []
    if not found:
        return [], hits
    converted = "".join([p.target for p in pieces])
    uses: list[AmbiguousUse] = []
    n = 0
    src_at = dst_at = 0
    for piece in pieces:
        src_end = src_at + len(piece.source)
        while n < len(found) and found[n][0] < src_end:
            at, char = found[n]
            chosen, dst = _chosen(piece, at - src_at, dst_at)
            uses.append(AmbiguousUse(
                char, chosen, table[char], where, _around(text, at), _around(converted, dst),
                piece.entry.where if piece.entry else "",
            ))
            n += 1
        src_at = src_end
        dst_at += len(piece.target)
    return uses, hits


def _chosen(piece: Piece, k: int, dst_at: int) -> tuple[str, int]:
    # Character-for-character when lengths agree (all of OpenCC's s2t/s2tw/s2hk
    # output); otherwise the whole replacement is what stands for the character.
    if len(piece.source) == len(piece.target):
        return piece.target[k], dst_at + k
    return piece.target, dst_at


def _around(s: str, i: int) -> str:
    return s[max(0, i - CONTEXT): i + CONTEXT + 1].replace("\n", " ").replace("\t", " ")


# --- terminal table --------------------------------------------------------------


def format_table(r: Review) -> str:
    """Two aligned tables for a terminal; CJK characters count as two columns."""
    lines = [f"{r.document} -> {r.edition}: {len(r.ambiguous)} ambiguous characters, "
             f"{len(r.hits)} glossary hits", ""]
    lines += _table(("where", "char", "chosen", "source", "converted", "entry"),
                    [(_cut(u.where), u.char, u.chosen, u.source_context, u.converted_context, u.entry)
                     for u in r.ambiguous])
    lines.append("")
    lines += _table(("where", "term", "target", "entry", "reason"),
                    [(_cut(h.where), h.source, h.target, h.entry, h.reason) for h in r.hits])
    if r.forms:
        lines.append("")
        lines += _table(("opencc", "printed", "times", "entry", "reason"),
                        [(f.opencc, f.printed, str(f.count), f.entry, f.reason) for f in r.forms])
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(map(display_width, column)) for column in zip(header, *rows, strict=False)]
    return [_row(header, widths), _row(tuple("-" * w for w in widths), widths),
            *(_row(row, widths) for row in rows)]


def _row(cells: tuple[str, ...], widths: list[int]) -> str:
    padded = (c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=False))
    return "  ".join(padded).rstrip()


def _cut(s: str, width: int = WHERE_WIDTH) -> str:
    if display_width(s) <= width:
        return s
    while display_width(s) > width - 1:
        s = s[:-1]
    return s + "…"


def display_width(s: str) -> int:
    """Terminal columns: wide and full-width characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


__all__ = ["AMBIGUOUS_FILE", "AmbiguousUse", "FormUse", "GlossaryHit", "Review", "display_width", "format_table",
           "iter_texts", "load_ambiguous", "review"]
