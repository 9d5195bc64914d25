"""Documents -> the pages of the static site (document, citations, index).

Python prepares a small context (the model, a ``Nav`` and a ``NodeRenderer``);
the Jinja templates of the theme (``docpub.templating``) decide the look. The writer does no
file I/O besides reading its templates: the caller writes the strings it returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from msgspec import Struct

from docpub.archive import CitedEntry, CorpusCitation, by_month
from docpub.config import Edition
from docpub.media import MEDIA_PREFIX
from docpub.model import (
    CITATION_KINDS,
    Annex,
    Document,
    Footnote,
    NumberedParagraph,
    Paragraph,
    Section,
    SubParagraph,
    plain_text,
    walk,
)
from docpub.templating import (
    LABELS_NAME,
    Theme,
    _bytecode_cache,
    compiled_templates_in,
    parse_labels,
    render_template,
    stream_template,
)
from docpub.writers.nodes import NodeRenderer, renderer_for, safe_url
from docpub.writers.rows import (
    citing_items,
    render_citing_list,
    render_index_items,
    render_parallel_rows,
    render_review_items,
)

if TYPE_CHECKING:
    from jinja2 import BaseLoader


# Masthead dates stay in English in every language version of a UN document;
# spelled out here so the output never depends on the process locale.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")


class Alternate(Struct, frozen=True):
    """One entry of the language switcher and of the hreflang links."""

    tag: str
    label: str
    href: str
    current: bool
    path: str = ""  # the same page from the site root, for absolute links


class Crumb(Struct, frozen=True):
    """One step of the breadcrumbs; the current page has no href."""

    label: str
    href: str = ""


# Open Graph names locales by territory; the editions by script and region.
_OG_LOCALES = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "zh-Hant-TW": "zh_TW", "zh-Hant-HK": "zh_HK"}


class Nav(Struct, frozen=True):
    edition: Edition
    root: str  # prefix from this page to the site root ("../../", "" or the base URL)
    alternates: tuple[Alternate, ...]
    labels: Mapping[str, str]  # UI strings, already in this edition's script
    pdf_href: str = ""
    extra: tuple[tuple[str, str], ...] = ()  # (label, href)
    path: str = ""  # this page from the site root
    base_url: str = ""  # "" keeps every link relative
    crumbs: tuple[Crumb, ...] = ()
    description: str = ""
    noindex: bool = False  # editors' pages: kept out of search engines and the site search
    canonical_path: str = ""  # the page this one duplicates (the home page duplicates an edition's)
    feed_path: str = ""  # the edition's Atom feed, when the site has one
    og_type: str = "website"

    def url(self, path: str) -> str:
        """A page given from the site root, absolute when the site has a base URL."""
        return (self.base_url or self.root) + path

    @property
    def canonical(self) -> str:
        if self.base_url and (self.canonical_path or self.path):
            return self.base_url + (self.canonical_path or self.path)
        return self.root + self.canonical_path if self.canonical_path else ""

    def alternate_href(self, a: Alternate) -> str:
        return self.base_url + a.path if self.base_url and a.path else a.href

    @property
    def home_href(self) -> str:
        return f"{self.root}{self.edition.tag}/index.html"

    @property
    def search_href(self) -> str:
        return f"{self.root}{self.edition.tag}/search/index.html"

    @property
    def og_locale(self) -> str:
        return _OG_LOCALES.get(self.edition.tag, self.edition.tag.replace("-", "_"))

    @property
    def x_default(self) -> Alternate | None:
        """The Simplified page is the source text, so it is the default for unknown languages."""
        for a in self.alternates:
            if a.tag == "zh-Hans":
                return a
        return self.alternates[0] if self.alternates else None


class IndexEntry(Struct, frozen=True):
    doc_id: str
    title: str
    title_en: str
    date: str
    symbol: str
    editions: tuple[tuple[str, str, str], ...]  # (tag, label, href)
    kind: str = ""  # what the document is (a DocumentKind: letter, resolution ...)


class ArchiveYear(Struct, frozen=True):
    """A year of the archive as its pages list it: its documents' count and its page."""

    year: int
    count: int
    href: str
    current: bool = False


class CitedLike(Protocol):
    """What the citations page needs of a cited document (see transforms.citations)."""

    @property
    def symbol(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def paragraph_ids(self) -> Sequence[str]: ...


class Place(Struct, frozen=True):
    """Where a paragraph sits, for the back-links of the citations page."""

    id: str
    number: str  # "12" for p12; the id itself when it is not numbered
    section: str  # title of the innermost section holding it, "" for none


class KindGroup(Struct, frozen=True):
    kind: str
    items: tuple[Any, ...]  # CitedLike on a document's page, CorpusCitation on the archive's




class HtmlWriter:
    def __init__(self, theme: Theme, *, site_title: str, site_title_en: str,
                 english_marker: str = "", loader: BaseLoader | None = None) -> None:
        from jinja2 import Environment, StrictUndefined

        self.theme = theme
        self.site_title = site_title
        self.site_title_en = site_title_en
        self.env = Environment(
            loader=loader or theme.loader(),
            bytecode_cache=_bytecode_cache(),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals.update(site_title=site_title, site_title_en=site_title_en)
        self.env.filters["en_date"] = english_date
        self.env.filters["safe_url"] = safe_url
        self.env.filters["review_items"] = render_review_items
        self.env.filters["parallel_rows"] = render_parallel_rows
        self.env.filters["citing_list"] = render_citing_list
        self.env.filters["citing_items"] = citing_items
        self.env.filters["index_items"] = render_index_items
        # images are published in media/
        self.renderer = NodeRenderer(english_marker=english_marker, image_prefix=MEDIA_PREFIX)

    @classmethod
    def from_sources(cls, theme: Theme, sources: Mapping[str, tuple[str, str]], *, site_title: str,
                     site_title_en: str, english_marker: str = "") -> HtmlWriter:
        """A writer over templates given as values (name -> (source, the file it was read from))."""

        from jinja2 import FunctionLoader

        def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
            if name not in sources:
                return None
            source, filename = sources[name]
            return source, filename, lambda: True

        return cls(theme, site_title=site_title, site_title_en=site_title_en, english_marker=english_marker,
                   loader=FunctionLoader(load))

    def render_document(self, doc: Document, nav: Nav) -> str:
        """The document's page, laid out by ``document.<kind>.html.j2`` if the theme has one."""
        return self.render_template(document_templates(doc), doc=doc, nav=nav,
                                    r=renderer_for(doc, self.renderer), toc=_toc_sections(doc))

    def render_citations(self, doc: Document, cited: Sequence[CitedLike], nav: Nav, *,
                         site: Mapping[str, str] | None = None, places: Mapping[str, Place] | None = None,
                         archive: Mapping[str, str] | None = None) -> str:
        """``site``: canonical symbol -> id of the site's own document, whose page a cited symbol leads to;
        ``places``: the document's ``paragraph_places``, when the caller has them already;
        ``archive``: canonical symbol -> the name of its page in the edition's citations folder,
        which lists every document of the archive citing it."""
        places = paragraph_places(doc) if places is None else places
        groups = tuple(
            KindGroup(kind, tuple(c for c in cited if c.kind == kind))
            for kind in CITATION_KINDS
        )
        return self.render_template(
            "citations.html.j2", doc=doc, nav=nav, r=self.renderer,
            groups=tuple(g for g in groups if g.items), places=places, total=len(cited), site=site or {},
            archive=archive or {},
        )

    def render_index(self, entries: Sequence[IndexEntry], nav: Nav, *,
                     archive: Sequence[ArchiveYear] = (), total: int = 0) -> Iterator[bytes]:
        """A home: the newest documents (``entries``) by year and month, and the archive's years
        (``archive``; ``total`` documents in all), as UTF-8 in pieces."""
        own = {e.doc_id: _own_href(e, nav.edition.tag) for e in entries}
        return self.stream_template("index.html.j2", years=by_month(entries), own=own, nav=nav,
                                    archive=tuple(archive), total=total or len(entries))

    def render_year(self, year: int, entries: Sequence[IndexEntry], nav: Nav, *,
                    archive: Sequence[ArchiveYear]) -> Iterator[bytes]:
        """The page of one year of the archive: its documents by month, and the other years
        (``archive``), as UTF-8 in pieces."""
        own = {e.doc_id: _own_href(e, nav.edition.tag) for e in entries}
        return self.stream_template("archive_year.html.j2", year=year, years=by_month(entries), own=own, nav=nav,
                                    archive=tuple(archive))

    def render_corpus_citations(self, cited: Sequence[CitedEntry], nav: Nav) -> Iterator[bytes]:
        """The archive's index of cited documents: every cited symbol, by kind, each with how
        often it is cited and a link to its page (``render_cited``), as UTF-8 in pieces."""
        groups = tuple(
            KindGroup(kind, tuple(c for c in cited if c.kind == kind)) for kind in CITATION_KINDS
        )
        return self.stream_template(
            "archive_citations.html.j2", nav=nav, groups=tuple(g for g in groups if g.items), total=len(cited),
        )

    def render_cited(self, cited: CorpusCitation, nav: Nav) -> Iterator[bytes]:
        """The page of one document cited in the archive: every document citing it, with every
        citing paragraph, as UTF-8 in pieces (one symbol may be cited by every document)."""
        # ``places``: what a theme's template written for ``citing_list(places, L)`` passes.
        return self.stream_template("cited.html.j2", nav=nav, c=cited, places={})

    def render_template(self, name: str | Sequence[str], **context: Any) -> str:
        return render_template(self.env, name, self.theme, **context)

    def stream_template(self, name: str, **context: Any) -> Iterator[bytes]:
        return stream_template(self.env, name, self.theme, **context)

    def static_files(self) -> list[tuple[str, bytes]]:
        """The theme's static files (the site's override a default one of the same name)."""
        return [(rel, path.read_bytes()) for rel, path in self.theme.static_files().items()]


def load_labels(theme: Theme) -> dict[str, str]:
    """The UI strings, in Simplified Chinese; the site converts them per edition."""
    return parse_labels(theme.path_for(LABELS_NAME))[0]


def document_templates(doc: Document, suffix: str = "html.j2") -> list[str]:
    """The templates that may lay out ``doc``, most specific first: its kind's, then the shared one."""
    return [f"document.{doc.meta.kind}.{suffix}", f"document.{suffix}"]


def english_date(d: date | str) -> str:
    """``2020-11-30`` -> ``30 November 2020``, the form of a UN masthead."""
    if isinstance(d, str):
        try:
            parsed = date.fromisoformat(d)
        except ValueError:
            return d
        d = parsed
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def paragraph_places(doc: Document) -> dict[str, Place]:
    """Every anchor a citation can point back to -> how to name it.

    Paragraphs get their number and the title of the section holding them;
    sections and the annex (where citations in headings and captions are
    counted) get no number, only their title.
    """
    places: dict[str, Place] = {}
    titles: dict[int, str] = {}  # id() of a section -> its title as text
    # Footnotes are anchors themselves; the paragraphs inside them are not counted.
    for v in walk(doc, inlines=False, into=lambda n: not isinstance(n, Footnote)):
        n = v.node
        if isinstance(n, (Section, Annex)):
            titles[id(n)] = title = plain_text(n.title)
            places.setdefault(n.id, Place(n.id, "", title))
        elif isinstance(n, Footnote):
            places[n.id] = Place(n.id, "", "")
        elif isinstance(n, (Paragraph, NumberedParagraph, SubParagraph)) and n.id:
            section = v.enclosing(Section)
            places[n.id] = Place(n.id, _number(n.id), titles[id(section)] if section else "")
    return places


_PARAGRAPH_ID = re.compile(r"p(\d+)((?:-[a-z]+)*)")


def _number(pid: str) -> str:
    """``p12`` -> ``12``, ``p3-a-ii`` -> ``3(a)(ii)``: how a reader cites the paragraph."""
    m = _PARAGRAPH_ID.fullmatch(pid)
    if m is None:
        return pid
    return m.group(1) + "".join(f"({x})" for x in m.group(2).split("-")[1:])


def _own_href(entry: IndexEntry, tag: str) -> str:
    """The entry's page in the edition being shown (its title links there)."""
    for etag, _label, href in entry.editions:
        if etag == tag:
            return href
    return entry.editions[0][2] if entry.editions else ""


def _toc_sections(doc: Document) -> tuple[Section, ...]:
    # The contents list is for the annex, where the long text is; a letter's
    # own sections (rare) are listed too so every heading stays reachable.
    annex: Annex | None = doc.annex
    return doc.sections + (annex.sections if annex else ())


__all__ = [
    "Alternate", "CitedLike", "Crumb", "HtmlWriter", "IndexEntry", "KindGroup", "Nav", "Place",
    "LABELS_NAME", "compiled_templates_in", "document_templates", "english_date", "load_labels", "paragraph_places",
    "parse_labels", "renderer_for",
]
