"""The glossary audit: every entry an edition applies, what it prints, why, and how often.

A review lists what happened in one document; an editor in Taipei or Hong
Kong auditing the glossaries needs the other view: the whole list an edition
applies (files merged, a later file's entry replacing an earlier one), each
entry with the text it prints, its reason and its number of uses in the site's
documents, so entries never used or without a reason stand out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from msgspec import Struct

from docpub.config import Edition
from docpub.review import display_width
from docpub.transforms.editions import Converter
from docpub.transforms.glossary import FormEntry, GlossaryEntry, load_forms, load_glossary, merge, site_file


class EntryUse(Struct, frozen=True):
    source: str  # as written, context in brackets
    printed: str  # what the edition prints for the term
    uses: int  # glossary hits, or characters replaced for a form, in the documents
    entry: str  # "file:line"
    reason: str


def edition_entries(edition: Edition, root: Path) -> tuple[tuple[GlossaryEntry, ...], tuple[FormEntry, ...]]:
    """The glossary entries and character forms ``edition`` applies, in file order, later files winning."""
    glossaries = merge(tuple(load_glossary(site_file(root, g), name=g) for g in edition.glossaries))
    forms = merge(tuple(load_forms(site_file(root, f), name=f) for f in edition.forms))
    return tuple(glossaries.values()), tuple(forms.values())


def audit(converter: Converter, entries: Iterable[GlossaryEntry], forms: Iterable[FormEntry], *,
          texts: Iterable[str]) -> tuple[EntryUse, ...]:
    """One row per entry, its uses counted over ``texts`` (the documents' strings, in the source)."""
    counts: Counter[str] = Counter()
    printed: list[str] = []
    for text in texts:
        pieces = tuple(converter.pieces(text))
        counts.update(p.entry.where for p in pieces if p.entry is not None)
        printed.append("".join(p.target for p in pieces))
    out = "".join(printed)
    rows = [EntryUse(e.source, _printed(converter, e), counts[e.where], e.where, e.reason) for e in entries]
    rows += [EntryUse(f.source, f.target, out.count(f.target), f.where, f.reason) for f in forms]
    return tuple(rows)


def _printed(converter: Converter, entry: GlossaryEntry) -> str:
    # The entry converted on its own source: its target after the edition's variants and forms.
    for piece in converter.pieces(entry.before + entry.term + entry.after):
        if piece.entry is not None and piece.entry.where == entry.where:
            return piece.target
    return entry.target  # hidden by another entry; the check for that is a test


def format_audit(tag: str, rows: tuple[EntryUse, ...]) -> str:
    """A table for a terminal, entries in the order the edition applies them."""
    unused = sum(r.uses == 0 for r in rows)
    unexplained = sum(not r.reason for r in rows)
    header = (f"{tag}: {len(rows)} entries, {unused} unused in these documents, "
              f"{unexplained} without a reason")
    cells = [("source", "printed", "uses", "entry", "reason")]
    cells += [(r.source, r.printed, str(r.uses), r.entry, r.reason or "(no reason given)") for r in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(4)]
    lines = [header, ""]
    for row in cells:
        padded = [c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=False)]
        lines.append("  ".join([*padded, row[4]]).rstrip())
    return "\n".join(lines) + "\n"


__all__ = ["EntryUse", "audit", "edition_entries", "format_audit"]
