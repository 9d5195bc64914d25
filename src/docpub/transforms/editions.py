"""Traditional-script editions: Simplified source -> one edition's script.

Only Han text is converted: a string is split into runs of Han characters and
CJK punctuation and everything else (Latin, digits, ASCII symbols, spaces),
and only the Han runs reach the glossaries and OpenCC. Inside a Han run the
edition's glossary entries are matched on the Simplified source, leftmost and
longest first; a hit is replaced by its target, and only the text between hits
goes through OpenCC, so OpenCC's phrase tables cannot undo an editor's choice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import opencc

from docpub.config import CONFIG_NAME, Edition, line_containing
from docpub.errors import DocpubError
from docpub.model import Document, Meta, map_text
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

# Editions the config may name; s2twp is allowed but its phrase table rewrites
# UN vocabulary (支持→支援, 文件→檔案), see docs/editions.md.
_KNOWN_CONFIGS = frozenset(name.removesuffix(".json") for name in opencc.CONFIGS)

META_FIELDS = ("title", "author", "presidency")


@dataclass(frozen=True, slots=True)
class Piece:
    """A span of the input and what it became.

    ``entry`` is the glossary entry that produced it; ``converted`` is False
    for protected text (Latin, digits, symbols), which is copied as is.
    """

    source: str
    target: str
    entry: GlossaryEntry | None = None
    converted: bool = True


# --- the converter ---------------------------------------------------------------


class Converter:
    """One edition's Simplified -> Traditional conversion, built once per process."""

    __slots__ = ("tag", "forms", "_opencc", "_matcher", "_forms", "_corner_quotes")

    def __init__(self, tag: str, config: str, glossary: dict[str, GlossaryEntry], *,
                 corner_quotes: bool = False, forms: dict[str, FormEntry] | None = None) -> None:
        self.tag = tag
        self._corner_quotes = corner_quotes
        self._opencc = opencc.OpenCC(config) if config else None
        self.forms = tuple((forms or {}).values())
        # Applied to everything the edition prints, glossary targets included.
        self._forms = str.maketrans({f.source: f.target for f in (forms or {}).values()})
        variants = opencc.OpenCC(_TARGET_VARIANTS[config]) if config in _TARGET_VARIANTS else None
        targets = {source: (variants.convert(e.target) if variants else e.target).translate(self._forms)
                   for source, e in glossary.items()}
        self._matcher = Matcher(glossary, targets)

    def convert_text(self, s: str) -> str:
        if self._opencc is None:
            return s
        converted = "".join(p.target for p in self.pieces(s))
        return corner_quotes(converted) if self._corner_quotes else converted

    def pieces(self, s: str) -> Iterator[Piece]:
        """``s`` cut into protected spans, glossary hits and OpenCC-converted spans."""
        if self._opencc is None:
            yield Piece(s, s, converted=False)
            return
        end = 0
        for run in HAN_RUN.finditer(s):
            if run.start() > end:
                yield Piece(s[end:run.start()], s[end:run.start()], converted=False)
            yield from self._han_pieces(run.group())
            end = run.end()
        if end < len(s):
            yield Piece(s[end:], s[end:], converted=False)

    def _han_pieces(self, run: str) -> Iterator[Piece]:
        end = 0
        for hit in self._matcher.hits(run):
            if hit.start > end:
                yield self._opencc_piece(run[end:hit.start])
            yield Piece(run[hit.start:hit.end], hit.target, hit.entry)
            end = hit.end
        if end < len(run):
            yield self._opencc_piece(run[end:])

    def _opencc_piece(self, text: str) -> Piece:
        assert self._opencc is not None
        return Piece(text, self._opencc.convert(text).translate(self._forms))


def converter_for(edition: Edition, root: Path | None) -> Converter:
    """The edition's converter; built on first use and kept for the process.

    ``root`` is the site folder the edition's glossary paths are relative to;
    ``None`` gives OpenCC and no glossaries.
    """
    return _converter(edition, root.resolve() if root is not None else None)


@functools.cache
def _converter(edition: Edition, root: Path | None) -> Converter:
    if not edition.opencc:
        return Converter(edition.tag, "", {})
    if edition.opencc not in _KNOWN_CONFIGS:
        known = ", ".join(sorted(_KNOWN_CONFIGS))
        path = (root or Path.cwd()) / CONFIG_NAME
        raise DocpubError(str(path), line_containing(path, f'"{edition.opencc}"'),
                          f"edition '{edition.tag}': unknown OpenCC config "
                          f"'{edition.opencc}'; known: {known}")
    corner = edition.quotes == "corner"
    if root is None:
        return Converter(edition.tag, edition.opencc, {}, corner_quotes=corner)
    files = tuple(load_glossary(site_file(root, g), name=g) for g in edition.glossaries)
    forms = tuple(load_forms(site_file(root, f), name=f) for f in edition.forms)
    return Converter(edition.tag, edition.opencc, merge(files), corner_quotes=corner, forms=merge(forms))


# A ’ between two Latin letters is an apostrophe (d’Ivoire), and ‘ right after
# a Latin letter is not an opening quote: both stay as they are.
_SINGLE_OPEN = re.compile(r"(?<![A-Za-z\u00C0-\u024F])‘")
_SINGLE_CLOSE = re.compile(r"’(?![A-Za-z\u00C0-\u024F])|(?<![A-Za-z\u00C0-\u024F])’")
_DOUBLE = str.maketrans({"“": "「", "”": "」"})


def corner_quotes(s: str) -> str:
    """Curly quotes -> corner brackets: “ ” -> 「 」, ‘ ’ -> 『 』 (apostrophes kept)."""
    s = s.translate(_DOUBLE)
    return _SINGLE_CLOSE.sub("』", _SINGLE_OPEN.sub("『", s))


def clear_converters() -> None:
    """Forget built converters, e.g. after a glossary file changed under `docpub serve`."""
    _converter.cache_clear()


# --- documents and labels --------------------------------------------------------


def convert_document(doc: Document, *, edition: Edition, root: Path) -> Document:
    """``doc`` in ``edition``'s script: prose and masthead text, nothing else."""
    if edition.fullwidth_parentheses:
        doc = fullwidth_parentheses(doc)
    if not edition.opencc:
        return replace(doc, lang=edition.tag)
    convert = converter_for(edition, root).convert_text
    converted: Document = map_text(doc, convert)
    return replace(converted, lang=edition.tag, meta=_convert_meta(doc.meta, convert))


def _convert_meta(meta: Meta, convert: Callable[[str], str]) -> Meta:
    # title_en, author_en, symbol, links and dates are not Chinese prose.
    changes: dict[str, Any] = {name: convert(getattr(meta, name)) for name in META_FIELDS}  # Meta field -> value
    return replace(meta, **changes)


def convert_label(s: str, edition: Edition, root: Path | None = None) -> str:
    """A template string (button, heading, caption) in the edition's script.

    Pass the site ``root`` to apply the edition's glossaries as well; without
    it the label goes through OpenCC alone, which suits short UI words.
    """
    return converter_for(edition, root).convert_text(s)


__all__ = [
    "Converter", "FormEntry", "GlossaryEntry", "HAN_CHARS", "META_FIELDS", "Piece", "clear_converters",
    "convert_document", "convert_label", "converter_for", "corner_quotes", "load_forms", "load_glossary",
]
