"""The archive as a whole: what is published, grouped by month, and what cites what.

Everything here is a pure function of the documents of one edition: the home
and edition indexes group them by year and month, the corpus-wide citations
page joins every document's citations, and a cited symbol that the site itself
publishes resolves to that document's page instead of the UN's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Generic, Protocol, TypeVar

from docpub.model import (
    CITATION_KINDS,
    Citation,
    CitationKind,
    Document,
    DocumentKind,
    Inline,
    Meta,
    NumberedParagraph,
    Paragraph,
    Text,
    Tree,
    is_node,
    map_inline_seqs,
)
from docpub.symbols import parse_symbol
from docpub.transforms.citations import collect_citations

# --- the listing ------------------------------------------------------------------


class Dated(Protocol):
    @property
    def date(self) -> str: ...  # ISO date, YYYY-MM-DD


T = TypeVar("T", bound=Dated)


@dataclass(frozen=True, slots=True)
class MonthGroup(Generic[T]):
    year: int
    month: int
    entries: tuple[T, ...]


@dataclass(frozen=True, slots=True)
class YearGroup(Generic[T]):
    year: int
    months: tuple[MonthGroup[T], ...]


def by_month(entries: Iterable[T]) -> tuple[YearGroup[T], ...]:
    """Years, then months, newest first; entries keep their order within a month."""
    months: dict[tuple[int, int], list[T]] = {}
    for e in entries:
        months.setdefault((int(e.date[:4]), int(e.date[5:7])), []).append(e)
    years: dict[int, list[MonthGroup[T]]] = {}
    for (year, month), items in sorted(months.items(), reverse=True):
        years.setdefault(year, []).append(MonthGroup(year, month, tuple(items)))
    return tuple(YearGroup(year, tuple(ms)) for year, ms in years.items())


def newest_first(docs: Iterable[Document]) -> list[Document]:
    """Newest first, then by id, so the order never depends on the disk."""
    return sorted(docs, key=lambda d: (-d.meta.date.toordinal(), d.id))


def document_kind(doc: Document) -> DocumentKind:
    """What the document is (a letter, a resolution ...), as its front matter says."""
    return doc.meta.kind


# --- cited symbols published in the site ------------------------------------------


@dataclass(frozen=True, slots=True)
class Published:
    """Canonical symbol -> id of the document of the site that carries it, and that page's anchors."""

    ids: Mapping[str, str]
    anchors: Mapping[str, frozenset[str]]  # document id -> ids of its paragraphs

    @classmethod
    def of(cls, docs: Iterable[Document]) -> Published:
        ids: dict[str, str] = {}
        anchors: dict[str, frozenset[str]] = {}
        for doc in sorted(docs, key=lambda d: d.id):  # two documents with one symbol: the first id wins
            symbol = parse_symbol(doc.meta.symbol) if doc.meta.symbol else None
            if symbol is not None and symbol.canonical not in ids:
                ids[symbol.canonical] = doc.id
                anchors[doc.id] = frozenset(_paragraph_ids(doc))
        return cls(ids, anchors)

    def href(self, symbol: str, *, paragraph: int | None = None, prefix: str = "../") -> str:
        """The page of ``symbol`` in the same edition, from a page two folders down; "" if unpublished.

        ``paragraph`` (a pinpoint, ``第3段``) adds that paragraph's anchor when the page has it.
        """
        doc_id = self.ids.get(symbol)
        if doc_id is None:
            return ""
        anchor = f"p{paragraph}" if paragraph is not None else ""
        found = anchor in self.anchors.get(doc_id, frozenset())
        return f"{prefix}{doc_id}/index.html" + (f"#{anchor}" if found else "")


def _paragraph_ids(node: Tree) -> Iterator[str]:
    """The anchors of every paragraph, numbered (``p3`` of a resolution) or not."""
    if isinstance(node, tuple):
        for x in node:
            yield from _paragraph_ids(x)
    elif is_node(node) and not isinstance(node, Meta):
        if isinstance(node, (Paragraph, NumberedParagraph)) and node.id:
            yield node.id
        for f in fields(node):
            yield from _paragraph_ids(getattr(node, f.name))


# A pinpoint right after a citation: 第2512(2020)号决议第3段 -> paragraph 3 of that resolution.
_PINPOINT = re.compile(r"第(\d{1,3})段")


def link_published(doc: Document, published: Published, *, prefix: str = "../") -> Document:
    """``doc`` with every citation of a document the site publishes leading to that page.

    For the site's pages only: the PDF keeps the UN's addresses, since it travels alone.
    """

    def seq(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        following = (*inlines[1:], None)
        return tuple(_relink(x, after, published, prefix) for x, after in zip(inlines, following, strict=False))

    return map_inline_seqs(doc, seq)


def _relink(x: Inline, after: Inline | None, published: Published, prefix: str) -> Inline:
    if not isinstance(x, Citation):
        return x
    pinpoint = _PINPOINT.match(after.text) if isinstance(after, Text) else None
    href = published.href(x.symbol, paragraph=int(pinpoint[1]) if pinpoint else None, prefix=prefix)
    return replace(x, url=href) if href else x


# --- corpus-wide citations ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Citing:
    """One document citing a symbol, and the anchors of the citing paragraphs."""

    doc_id: str
    title: str
    count: int
    anchors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CorpusCitation:
    symbol: str
    kind: CitationKind
    url: str  # where the symbol leads: its page in the site when published there, else the UN's
    published: bool
    citing: tuple[Citing, ...]

    @property
    def count(self) -> int:
        return sum(c.count for c in self.citing)


def corpus_citations(docs: Sequence[Document], published: Published) -> tuple[CorpusCitation, ...]:
    """Every symbol cited anywhere in ``docs``, by kind, then in natural order of the symbol.

    Citing documents are listed newest first. The first document (newest) to
    cite a symbol gives its UN address (a press release's year comes from its
    context).
    """
    found: dict[str, tuple[CitationKind, str, list[Citing]]] = {}
    for doc in newest_first(docs):
        for c in collect_citations(doc):
            kind, url, citing = found.setdefault(c.symbol, (c.kind, c.url, []))
            citing.append(Citing(doc.id, doc.meta.title, c.count, c.paragraph_ids))
    order = {kind: i for i, kind in enumerate(CITATION_KINDS)}
    out = []
    for symbol, (kind, url, citing) in found.items():
        own = published.href(symbol)
        out.append(CorpusCitation(symbol, kind, own or url, bool(own), tuple(citing)))
    return tuple(sorted(out, key=lambda c: (order[c.kind], _natural(c.symbol))))


def _natural(symbol: str) -> tuple[tuple[int, str], ...]:
    """S/2020/95 before S/2020/139; a year in brackets counts like any other number."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", symbol) if p)


__all__ = [
    "Citing", "CorpusCitation", "Dated", "MonthGroup", "Published", "YearGroup", "by_month",
    "corpus_citations", "document_kind", "link_published", "newest_first",
]
