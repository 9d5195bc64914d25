"""The archive as a whole: what is published, grouped by month, and what cites what.

Everything here is a pure function of the documents of one edition: the home
and edition indexes group them by year and month, the corpus-wide citations
page joins every document's citations, and a cited symbol that the site itself
publishes resolves to that document's page instead of the UN's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Generic, Protocol, TypeVar

from msgspec import Struct

from docpub.model import CITATION_KINDS, CitationKind, Document
from docpub.transforms.corpus import site_documents

# --- the listing ------------------------------------------------------------------


class Dated(Protocol):
    @property
    def date(self) -> str: ...  # ISO date, YYYY-MM-DD


T = TypeVar("T", bound=Dated)


class MonthGroup(Struct, Generic[T], frozen=True):
    year: int
    month: int
    entries: tuple[T, ...]


class YearGroup(Struct, Generic[T], frozen=True):
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


class Listed(Dated, Protocol):
    @property
    def doc_id(self) -> str: ...


L = TypeVar("L", bound=Listed)


def newest_first(entries: Iterable[L]) -> list[L]:
    """Newest first, then by id, so the order never depends on the disk."""
    return sorted(sorted(entries, key=lambda e: e.doc_id), key=lambda e: e.date, reverse=True)


# --- cited symbols published in the site ------------------------------------------


class Published(Struct, frozen=True):
    """Canonical symbol -> id of the document of the site that carries it.

    (A citation in the text carries its own ``site_href``, with the paragraph it pinpoints;
    this is for the lists of cited documents.)
    """

    ids: Mapping[str, str]

    @classmethod
    def of(cls, docs: Iterable[Document]) -> Published:
        return cls(site_documents(sorted(docs, key=lambda d: d.id, reverse=True)))  # one symbol: first id wins

    def href(self, symbol: str) -> str:
        """The page of ``symbol`` in the same edition, from a page two folders down; "" if unpublished."""
        doc_id = self.ids.get(symbol)
        return f"../{doc_id}/index.html" if doc_id is not None else ""


# --- corpus-wide citations ----------------------------------------------------------


class Where(Struct, frozen=True):
    """Where a citing paragraph sits: its anchor, its number ("" when not numbered) and the
    title of its innermost section ("" for none). An anchor the document's facts do not
    place is named by itself."""

    id: str
    number: str = ""
    section: str = ""


class Citing(Struct, frozen=True):
    """One document citing a symbol, and where each citing paragraph sits."""

    doc_id: str
    title: str
    count: int
    places: tuple[Where, ...]


class CorpusCitation(Struct, frozen=True):
    symbol: str
    kind: CitationKind
    url: str  # where the symbol leads: its page in the site when published there, else the UN's
    published: bool
    citing: tuple[Citing, ...]

    @property
    def count(self) -> int:
        return sum(c.count for c in self.citing)


# One citation of a document as its facts keep it: the symbol, its kind, its UN address, how
# many times it is cited, and the anchors of the paragraphs citing it.
CitedRow = tuple[str, CitationKind, str, int, Sequence[str]]
# A place of the document's paragraphs as its facts keep it: anchor, then the place's anchor,
# number and section title (see ``Where``).
PlaceRow = tuple[str, str, str, str]


class Citer(Protocol):
    """What the corpus citations need of a citing document (``docpub.facts.CitingFacts``):
    its citations and places as plain rows, which no page holds once the document is read."""

    @property
    def doc_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def cited(self) -> Sequence[CitedRow]: ...
    @property
    def places(self) -> Sequence[PlaceRow]: ...


def corpus_citations(docs: Iterable[Citer], published: Published) -> tuple[CorpusCitation, ...]:
    """Every symbol cited anywhere in ``docs`` (newest first), by kind, then in natural order of the symbol.

    The first document (newest) to cite a symbol gives its UN address (a press
    release's year comes from its context). Each citing paragraph is placed as the
    document is read, so no document's places are kept beyond what the page shows, and
    places alike (paragraph 3 of the same section, in each month's report) are held once.
    """
    found: dict[str, tuple[CitationKind, str, list[Citing]]] = {}
    held: dict[tuple[str, str, str], Where] = {}  # each place alike, and each run of them, held once
    runs: dict[tuple[Where, ...], tuple[Where, ...]] = {}
    for doc in docs:
        known = {anchor: (id_, number, section) for anchor, id_, number, section in doc.places}
        for symbol, kind, url, count, anchors in doc.cited:
            entry = found.get(symbol)
            if entry is None:
                entry = found[symbol] = (kind, url, [])
            where = []
            for anchor in anchors:
                row = known.get(anchor) or (anchor, "", "")
                place = held.get(row)
                if place is None:
                    place = held[row] = Where(*row)
                where.append(place)
            run = tuple(where)
            entry[2].append(Citing(doc.doc_id, doc.title, count, runs.setdefault(run, run)))
    order = {kind: i for i, kind in enumerate(CITATION_KINDS)}
    out = []
    for symbol, (kind, url, citing) in found.items():
        own = published.href(symbol)
        out.append(CorpusCitation(symbol, kind, own or url, bool(own), tuple(citing)))
    return tuple(sorted(out, key=lambda c: (order[c.kind], _natural(c.symbol))))


class CitedEntry(Struct, frozen=True):
    """A cited document as the archive's index of cited documents lists it: where it is, how
    often and by how many documents it is cited, and its page listing them (``page``)."""

    symbol: str
    kind: CitationKind
    url: str
    published: bool
    count: int
    documents: int
    page: str  # from the index: "<name>.html"


def cited_index(cited: Iterable[CorpusCitation], pages: Mapping[str, str]) -> tuple[CitedEntry, ...]:
    """``cited`` (``corpus_citations``) as the index lists them; ``pages``: each symbol's page
    name (a symbol without one, which no plan made a page for, is listed without a link)."""
    return tuple(CitedEntry(c.symbol, c.kind, c.url, c.published, c.count, len(c.citing),
                            f"{pages[c.symbol]}.html" if c.symbol in pages else "") for c in cited)


def _natural(symbol: str) -> tuple[tuple[int, str], ...]:
    """S/2020/95 before S/2020/139; a year in brackets counts like any other number."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", symbol) if p)


__all__ = [
    "CitedEntry", "CitedRow", "Citer", "Citing", "CorpusCitation", "Dated", "MonthGroup", "PlaceRow", "Published",
    "Where", "YearGroup",
    "by_month", "cited_index", "corpus_citations", "newest_first",
]
