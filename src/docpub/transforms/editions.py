"""Traditional-script editions: Simplified source -> one edition's script.

Only Han text is converted: a string is split into runs of Han characters and
CJK punctuation and everything else (Latin, digits, ASCII symbols, spaces),
and only the Han runs reach the glossaries and OpenCC. Inside a Han run the
edition's glossary entries are matched on the Simplified source, leftmost and
longest first; a hit is replaced by its target, and only the text between hits
goes through OpenCC, so OpenCC's phrase tables cannot undo an editor's choice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import opencc
from msgspec import Struct
from msgspec.structs import replace

from docpub.config import Edition
from docpub.inputs import check_opencc_config
from docpub.model import Document, Meta, map_text, text_strings
from docpub.transforms.glossary import (
    HAN_CHARS,
    FormEntry,
    GlossaryEntry,
    Matcher,
    load_forms,
    load_glossary,
    merge,
    site_file,
)
from docpub.transforms.typography import fullwidth_parentheses

HAN_RUN = re.compile(f"[{HAN_CHARS}]+")

# Glossary targets are final text, but common.tsv serves editions with
# different glyph standards (s2t's 爲/着/裏, Taiwan's 為/著/裡, Hong Kong's
# 為/着/説). Each target is passed once, at load time, through the variants-only
# table of its edition so one file fits all of them.
_TARGET_VARIANTS: dict[str, str] = {"s2tw": "t2tw", "s2twp": "t2tw", "s2hk": "t2hk"}

# OpenCC's s2tw and s2hk are its s2t conversion followed by the table of one-character glyph
# variants above (t2tw's, t2hk's): the Traditional editions of a document share the s2t step
# (``_S2T``), and each applies its own variants, which is a tenth of the work. Other
# conversions (s2twp's phrases) are OpenCC's own.
_AFTER_S2T = frozenset({"s2t", "s2tw", "s2hk"})


class _SharedS2T:
    """OpenCC's s2t conversion of spans, kept for the editions converting the same text after it."""

    LIMIT = 50_000  # spans kept (a few documents' worth); then it starts again

    def __init__(self) -> None:
        self._opencc: opencc.OpenCC | None = None
        self._done: dict[str, str] = {}

    def convert(self, spans: list[str]) -> list[str]:
        """The s2t conversion of each of ``spans`` (distinct strings holding no newline)."""
        missing = [x for x in spans if x not in self._done]
        if missing:
            if self._opencc is None:
                self._opencc = opencc.OpenCC("s2t")
            if len(self._done) + len(missing) > self.LIMIT:
                self._done.clear()
            self._done.update(zip(missing, _each_line(self._opencc, missing), strict=True))
        return [self._done[x] for x in spans]


def _each_line(converter: opencc.OpenCC, lines: list[str]) -> list[str]:
    """``converter``'s conversion of each of ``lines``, made in one call (no phrase spans a newline)."""
    out: list[str] = converter.convert("\n".join(lines)).split("\n")
    if len(out) != len(lines):  # never seen; one line at a time is always right
        out = [converter.convert(x) for x in lines]
    return out


_S2T = _SharedS2T()

META_FIELDS = ("title", "author", "presidency")


class Piece(NamedTuple):
    """A span of the input and what it became (a tuple: a document is cut into thousands).

    ``entry`` is the glossary entry that produced it; ``converted`` is False
    for protected text (Latin, digits, symbols), which is copied as is.
    """

    source: str
    target: str
    entry: GlossaryEntry | None = None
    converted: bool = True


# A Piece from a tuple of all its fields, without NamedTuple's Python-level constructor
# (a document is cut into thousands).
def _piece(fields: tuple[str, str, GlossaryEntry | None, bool]) -> Piece:
    return tuple.__new__(Piece, fields)


# --- the converter ---------------------------------------------------------------


class Converter:
    """One edition's Simplified -> Traditional conversion, built once per process."""

    __slots__ = ("tag", "forms", "fullwidth_parentheses", "_config", "_opencc", "_variants", "_matcher",
                 "_forms", "_corner_quotes")

    def __init__(self, tag: str, config: str, glossary: dict[str, GlossaryEntry], *,
                 corner_quotes: bool = False, forms: dict[str, FormEntry] | None = None,
                 fullwidth_parentheses: bool = False) -> None:
        self.tag = tag
        self.fullwidth_parentheses = fullwidth_parentheses
        self._corner_quotes = corner_quotes
        self._config = config
        self._opencc = opencc.OpenCC(config) if config and config not in _AFTER_S2T else None
        self._variants = opencc.OpenCC(_TARGET_VARIANTS[config]) if config in _TARGET_VARIANTS else None
        self.forms = tuple((forms or {}).values())
        # Applied to everything the edition prints, glossary targets included.
        self._forms = str.maketrans({f.source: f.target for f in (forms or {}).values()})
        variants = self._variants
        targets = {source: (variants.convert(e.target) if variants else e.target).translate(self._forms)
                   for source, e in glossary.items()}
        self._matcher = Matcher(glossary, targets)

    @property
    def converts(self) -> bool:
        """False for the source edition, whose text is printed as written."""
        return bool(self._config)

    def convert_text(self, s: str) -> str:
        if not self._config:
            return s
        return self.join(self.pieces(s))

    def join(self, pieces: tuple[Piece, ...]) -> str:
        """The printed text of ``pieces`` (from ``pieces``): targets joined, quotes as the edition prints them."""
        converted = "".join([p.target for p in pieces])
        return corner_quotes(converted) if self._corner_quotes else converted

    def pieces(self, s: str) -> tuple[Piece, ...]:
        """``s`` cut into protected spans, glossary hits and OpenCC-converted spans."""
        return self.pieces_of((s,))[s]

    def pieces_of(self, strings: Iterable[str]) -> dict[str, tuple[Piece, ...]]:
        """The pieces of each of ``strings`` (a document's, say), converted by one OpenCC call.

        The spans OpenCC converts are joined by newlines, which no phrase spans.
        """
        if not self._config:
            return {s: (Piece(s, s, converted=False),) for s in strings}
        plans: dict[str, list[Piece | int]] = {}  # string -> its Pieces and the indexes of its spans
        spans: list[str] = []
        may_hit = self._matcher.may_hit
        for s in strings:
            if s in plans:
                continue
            parts: list[Piece | int] = []
            end = 0
            hits = may_hit(s)  # most strings hold no glossary term: their runs are spans whole
            for run in HAN_RUN.finditer(s):
                start = run.start()
                if start > end:
                    parts.append(_piece((s[end:start], s[end:start], None, False)))
                if hits:
                    self._han_parts(run.group(), parts, spans)
                else:
                    parts.append(len(spans))
                    spans.append(run.group())
                end = run.end()
            if end < len(s):
                parts.append(_piece((s[end:], s[end:], None, False)))
            plans[s] = parts
        targets = self._convert_spans(spans)
        return {s: tuple([_piece((spans[p], targets[p], None, True)) if isinstance(p, int) else p for p in parts])
                for s, parts in plans.items()}

    def _han_parts(self, run: str, parts: list[Piece | int], spans: list[str]) -> None:
        end = 0
        for hit in self._matcher.hits(run):
            if hit.start > end:
                parts.append(len(spans))
                spans.append(run[end:hit.start])
            parts.append(_piece((run[hit.start:hit.end], hit.target, hit.entry, True)))
            end = hit.end
        if end < len(run):
            parts.append(len(spans))
            spans.append(run[end:])

    def _convert_spans(self, spans: list[str]) -> list[str]:
        if not spans:
            return []
        unique = list(dict.fromkeys(spans))  # a span converts alike wherever it stands
        if self._opencc is not None:  # a conversion of its own
            out = _each_line(self._opencc, unique)
        else:  # s2t, then the edition's variants
            out = _S2T.convert(unique)
            if self._variants is not None:
                out = _each_line(self._variants, out)
        if self._forms:
            out = [x.translate(self._forms) for x in out]
        if len(unique) == len(spans):
            return out
        targets = dict(zip(unique, out, strict=True))
        return [targets[x] for x in spans]


def converter_for(edition: Edition, root: Path | None) -> Converter:
    """Build the edition's converter, reading its glossaries; call it once per edition, at the edge.

    ``root`` is the site folder the edition's glossary paths are relative to;
    ``None`` gives OpenCC and no glossaries.
    """
    check_opencc_config(edition, root)
    if root is None or not edition.opencc:
        return build_converter(edition, {})
    files = tuple(load_glossary(site_file(root, g), name=g) for g in edition.glossaries)
    forms = tuple(load_forms(site_file(root, f), name=f) for f in edition.forms)
    return build_converter(edition, merge(files), merge(forms))


def build_converter(edition: Edition, glossary: dict[str, GlossaryEntry],
                    forms: dict[str, FormEntry] | None = None) -> Converter:
    """The converter of ``edition`` with its glossary and forms already read (no file is opened)."""
    wide = edition.fullwidth_parentheses
    if not edition.opencc:
        return Converter(edition.tag, "", {}, fullwidth_parentheses=wide)
    return Converter(edition.tag, edition.opencc, glossary, corner_quotes=edition.quotes == "corner",
                     forms=forms, fullwidth_parentheses=wide)


# A ’ between two Latin letters is an apostrophe (d’Ivoire), and ‘ right after
# a Latin letter is not an opening quote: both stay as they are.
_SINGLE_OPEN = re.compile(r"(?<![A-Za-z\u00C0-\u024F])‘")
_SINGLE_CLOSE = re.compile(r"’(?![A-Za-z\u00C0-\u024F])|(?<![A-Za-z\u00C0-\u024F])’")
_DOUBLE = str.maketrans({"“": "「", "”": "」"})
_CURLY = re.compile("[“”‘’]")


def corner_quotes(s: str) -> str:
    """Curly quotes -> corner brackets: “ ” -> 「 」, ‘ ’ -> 『 』 (apostrophes kept)."""
    if not _CURLY.search(s):  # most strings have none
        return s
    s = s.translate(_DOUBLE)
    return _SINGLE_CLOSE.sub("』", _SINGLE_OPEN.sub("『", s))


# --- documents and labels --------------------------------------------------------


class Conversion(Struct, frozen=True):
    """A converted document and how each of its strings was cut, so a review needs no second pass."""

    document: Document
    pieces: Mapping[str, tuple[Piece, ...]]  # source string -> its pieces


def convert_document(doc: Document, *, converter: Converter) -> Document:
    """``doc`` in the converter's edition and script: prose and masthead text, nothing else."""
    return convert_traced(doc, converter=converter).document


def convert_traced(doc: Document, *, converter: Converter) -> Conversion:
    """``convert_document``, keeping the pieces of every string it converted."""
    if converter.fullwidth_parentheses:
        doc = fullwidth_parentheses(doc)
    if not converter.converts:
        return Conversion(replace(doc, lang=converter.tag), {})
    metas = [getattr(doc.meta, name) for name in META_FIELDS]
    trace = converter.pieces_of([*metas, *text_strings(doc)])
    printed = {s: converter.join(pieces) for s, pieces in trace.items()}

    def convert(s: str) -> str:
        text = printed.get(s)
        if text is None:  # a string the walk did not meet (none known): cut on its own
            pieces = trace[s] = converter.pieces(s)
            text = printed[s] = converter.join(pieces)
        return text

    converted: Document = map_text(doc, convert)
    return Conversion(replace(converted, lang=converter.tag, meta=_convert_meta(doc.meta, convert)), trace)


def _convert_meta(meta: Meta, convert: Callable[[str], str]) -> Meta:
    # title_en, author_en, symbol, links and dates are not Chinese prose.
    changes: dict[str, Any] = {name: convert(getattr(meta, name)) for name in META_FIELDS}  # Meta field -> value
    return replace(meta, **changes)


def convert_label(s: str, *, converter: Converter) -> str:
    """A template string (button, heading, caption) in the converter's script, glossaries included."""
    return converter.convert_text(s)


__all__ = [
    "Conversion", "Converter", "FormEntry", "GlossaryEntry", "HAN_CHARS", "META_FIELDS", "Piece",
    "build_converter", "check_opencc_config", "convert_document", "convert_label", "convert_traced",
    "converter_for", "corner_quotes", "load_forms", "load_glossary",
]
