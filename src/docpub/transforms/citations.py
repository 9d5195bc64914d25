"""Link the UN documents cited in a document's text, and list what it cites.

``link_citations`` turns every citation ``docpub.transforms.citation_grammar``
finds in running text into a ``Citation`` node; ``collect_citations`` lists the
cited documents with where they are cited.

A press release's URL holds the year it was issued, which its symbol does not
carry, so the year comes from the nearest date written before the citation in
the same text run, else from the paragraph's first date, else from the
document (``meta.period``'s first year, else ``meta.date``'s year). How a date
written without its year (``1月2日``) is dated is ``docpub.transforms.dates``'
rule.
"""

from __future__ import annotations

import bisect
from typing import Any, TypeVar, overload

from msgspec import Struct
from msgspec.structs import replace

from docpub.config import UrlTemplates
from docpub.model import (
    CITATION_KINDS,
    Citation,
    CitationKind,
    Document,
    Emphasis,
    Inline,
    Link,
    Meta,
    Node,
    NumberedParagraph,
    Signature,
    Strong,
    SubParagraph,
    Text,
    Tree,
    field_names,
    is_node,
    iter_blocks,
    plain_text,
    walk,
)
from docpub.symbols import Symbol, parse_symbol, url_for
from docpub.transforms.citation_grammar import Found, bare_pinpoints, find_suspects, find_symbols
from docpub.transforms.corpus import paragraph_anchor
from docpub.transforms.dates import Dating, date_years, dated_ends, document_year

# --- the transform ------------------------------------------------------------


class _Context(Struct, frozen=True):
    urls: UrlTemplates
    overrides: dict[str, str]
    dating: Dating
    year: int  # the press-release year when the text gives none of its own
    anchors: frozenset[str] = frozenset()  # this document's numbered paragraphs: p3, p3-a ...
    paragraph: str = ""  # the text of the paragraph being linked

    def within(self, text: str) -> _Context:
        return replace(self, paragraph=text)

    def paragraph_year(self) -> int:
        """The year of the paragraph's first date, else the document's (only press releases ask)."""
        years = date_years(self.paragraph, self.dating) if self.paragraph else []
        return years[0] if years else self.year


def _overrides(meta: Meta) -> dict[str, str]:
    out: dict[str, str] = {}
    for written, url in meta.links:
        symbol = parse_symbol(written)
        out[symbol.canonical if symbol else written] = url
    return out


def _url(symbol: Symbol, year: int | None, ctx: _Context) -> str:
    """``year``: of the last date written before the symbol in its text, if any."""
    if symbol.canonical in ctx.overrides:
        return ctx.overrides[symbol.canonical]
    if year is None and symbol.kind == "press_release":
        year = ctx.paragraph_year()
    return url_for(symbol, ctx.urls, year=year)


def _link_text(text: str, ctx: _Context) -> list[Inline]:
    found = find_symbols(text)
    spans: list[tuple[int, int, Inline]] = []
    dated = dated_ends(text, ctx.dating) if found else []  # once per text, not once per symbol
    ends = [end for end, _ in dated]
    for f in found:
        before = bisect.bisect_right(ends, f.start)
        url = _url(f.symbol, dated[before - 1][1] if before else None, ctx)
        children = (Text(text[f.start:f.end]),)
        spans.append((f.start, f.end, Citation(children, f.symbol.canonical, f.symbol.kind, url, f.pinpoint)))
    # "本决议第2(a)段": a paragraph of this very document, when it has one so numbered.
    for start, end, pinpoint in bare_pinpoints(text, found):
        anchor = paragraph_anchor(pinpoint)
        if anchor in ctx.anchors:
            spans.append((start, end, Link((Text(text[start:end]),), f"#{anchor}")))
    out: list[Inline] = []
    at = 0
    for start, end, node in sorted(spans, key=lambda s: s[0]):
        if start > at:
            out.append(Text(text[at:start]))
        out.append(node)
        at = end
    if at < len(text):
        out.append(Text(text[at:]))
    return out


def _link_seq(seq: tuple[Inline, ...], ctx: _Context) -> tuple[Inline, ...]:
    # Link, Code and Citation are left whole: a citation inside a link would be a
    # link inside a link, and code is verbatim by definition.
    out: list[Inline] = []
    for x in seq:
        if isinstance(x, Text):
            out.extend(_link_text(x.text, ctx))
        elif isinstance(x, (Emphasis, Strong)):
            out.append(replace(x, children=_link_seq(x.children, ctx)))
        else:
            out.append(x)
    return tuple(out)


_NodeT = TypeVar("_NodeT", bound=Node)


# Rebuilding keeps every node's class, so the result has the type of the input.
@overload
def _rebuild(node: _NodeT, ctx: _Context) -> _NodeT: ...
@overload
def _rebuild(node: Tree, ctx: _Context) -> Tree: ...


def _rebuild(node: Tree, ctx: _Context) -> Tree:
    if isinstance(node, tuple):
        return tuple(_rebuild(x, ctx) for x in node)
    if isinstance(node, Signature):
        return replace(node, lines=tuple(_link_seq(line, ctx) for line in node.lines))
    if not is_node(node) or isinstance(node, Meta):
        return node
    changes: dict[str, Any] = {}  # field name -> new value, of that field's type
    for name in field_names(node.__class__):
        value = getattr(node, name)
        if name in ("title", "caption"):
            changes[name] = _link_seq(value, ctx)
        elif name == "inlines":  # a paragraph's text (or a numbered one's, a table cell's)
            changes[name] = _link_seq(value, ctx.within(plain_text(value)))
        elif isinstance(value, tuple) or is_node(value):
            changes[name] = _rebuild(value, ctx)
    return replace(node, **changes)


def link_citations(doc: Document, *, urls: UrlTemplates) -> Document:
    """``doc`` with every cited UN document in its text made a ``Citation``.

    A press release's year (part of its URL) is taken from the nearest date
    before it in the same text run, else the paragraph's first date, else
    ``meta.period``'s first year, else ``meta.date``'s year; a date written
    without its year is dated as ``docpub.transforms.dates`` says. ``meta.links``
    overrides any computed URL.
    """
    anchors = frozenset(x.id for x in iter_blocks(doc) if isinstance(x, (NumberedParagraph, SubParagraph)))
    ctx = _Context(urls, _overrides(doc.meta), Dating.of(doc.meta), document_year(doc.meta), anchors)
    linked: Document = _rebuild(doc, ctx)
    return linked


# --- the list of cited documents ---------------------------------------------


class CitedDocument(Struct, frozen=True):
    """One cited document with where it is cited.

    ``paragraph_ids`` are the anchors of the citing paragraphs; a citation in a
    heading, caption or signature counts under its section's (or the annex's)
    anchor, and under none when it has no enclosing anchor.
    """

    symbol: str
    kind: CitationKind
    url: str
    count: int
    paragraph_ids: tuple[str, ...]


def collect_citations(doc: Document) -> list[CitedDocument]:
    """The documents ``doc`` cites, by kind (``CITATION_KINDS`` order), then by first citation."""
    seen: dict[str, tuple[Citation, int, list[str]]] = {}
    for v in walk(doc):  # a citation is cited where its enclosing anchor is
        citation = v.node
        if not isinstance(citation, Citation):
            continue
        first, count, anchors = seen.get(citation.symbol, (citation, 0, []))
        if v.anchor and v.anchor not in anchors:
            anchors.append(v.anchor)
        seen[citation.symbol] = (first, count + 1, anchors)
    cited = [CitedDocument(c.symbol, c.kind, c.url, n, tuple(a)) for c, n, a in seen.values()]
    order = {kind: i for i, kind in enumerate(CITATION_KINDS)}
    return sorted(cited, key=lambda c: order[c.kind])  # stable: first appearance within a kind


__all__ = [
    "CitedDocument", "Found", "collect_citations", "find_suspects", "find_symbols",
    "link_citations",
]
