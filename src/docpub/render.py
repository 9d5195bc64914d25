"""The render functions of the output kinds (``pages.KINDS`` names each one), and what they read.

A ``Page`` is one document in one edition as its render functions see it; a
``Listing`` is one listing output with the facts of every document. This module
brings in the writers, the transforms and the model: a process imports it when
it first renders something (``pages.renderer``), so a build that reuses every
output never does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

from msgspec import Struct, field

from docpub.archive import CorpusCitation, Published, corpus_citations, newest_first
from docpub.config import Edition, SiteConfig
from docpub.editors import document_anchors, review_index_page, review_page
from docpub.facts import CitingFacts, Facts, LightFacts, StoredFacts, document_facts
from docpub.inputs import EditionSpec, ThemeSources
from docpub.model import Document
from docpub.pages import Shared
from docpub.plan import Shown
from docpub.review import Review, iter_texts, review
from docpub.site_pages import (
    EditionContext,
    cited_page,
    corpus_page,
    description,
    document_crumbs,
    edition_index_page,
    feed_page,
    make_nav,
    not_found_page,
    robots_page,
    root_index_page,
    search_page,
    sitemap_page,
    year_page,
)
from docpub.transforms.citations import CitedDocument, collect_citations
from docpub.transforms.editions import Conversion, Converter, build_converter, convert_traced
from docpub.writers.html import HtmlWriter, Nav, Place, paragraph_places
from docpub.writers.parallel import parallel_rows, source_units

_T = TypeVar("_T")


class Page:
    """One document in one edition being rendered: the values its render functions may read.

    The converted document is computed once per job and shared by every output
    of that document and edition (page, citations, parallel, review, facts, PDF).
    """

    def __init__(self, shared: Shared, edition: EditionSpec, *, source: Document,
                 published: Mapping[str, str] | None = None, memo: dict[Hashable, Any] | None = None,
                 cited_pages: Mapping[str, str] | None = None) -> None:
        self.shared = shared
        self.edition_spec = edition
        self.source = source
        self.published = published or {}
        self.cited_pages = cited_pages or {}  # each symbol it cites -> its page in the archive
        # What the document's pages in several editions can share (made from the source alone),
        # by what it is made of: one dict for the pages of one job.
        self.memo = {} if memo is None else memo

    def once(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()``, or what it gave for ``key`` to a page of this job before."""
        if key not in self.memo:
            self.memo[key] = make()
        return cast(_T, self.memo[key])

    @property
    def config(self) -> SiteConfig:
        return self.shared.config

    @property
    def edition(self) -> Edition:
        return self.edition_spec.edition

    @functools.cached_property
    def converter(self) -> Converter:
        return converter(self.edition_spec)

    @functools.cached_property
    def ctx(self) -> EditionContext:
        return edition_context(self.shared.inputs.theme, self.config, self.edition_spec)

    @property
    def labels(self) -> Mapping[str, str]:
        return self.ctx.labels

    @functools.cached_property
    def conversion(self) -> Conversion:
        return convert_traced(self.source, converter=self.converter)

    @property
    def doc(self) -> Document:
        return self.conversion.document

    @property
    def converted(self) -> bool:
        return self.edition.tag != self.config.source_lang

    @functools.cached_property
    def citations(self) -> tuple[CitedDocument, ...]:
        """The documents this one cites (its page, its citations page and its facts list them).

        The same in every edition: a conversion changes text, never a citation or an anchor.
        """
        return self.once("citations", lambda: tuple(collect_citations(self.source)))

    @functools.cached_property
    def places(self) -> dict[str, Place]:
        return paragraph_places(self.doc)

    @functools.cached_property
    def review_count(self) -> int:
        """How many things the editors' review lists (-1: the edition is not converted)."""
        return self.review.size if self.converted else -1

    @functools.cached_property
    def review(self) -> Review:
        texts = self.once("review-texts", lambda: tuple(iter_texts(self.source)))
        return review(self.source, converter=self.converter, table=dict(self.shared.inputs.ambiguous),
                      pieces=self.conversion.pieces, texts=texts)

    def nav(self, page: str, here: str = "") -> Nav:
        """The context of one of the document's pages (``here``: its name in the breadcrumbs)."""
        doc = self.doc
        pdf_href = f"{doc.id}.pdf" if self.shared.pdf else ""
        extra = ((self.labels["parallel"], "parallel.html"),) if self.converted else ()
        return make_nav(self.config, self.ctx, doc.id, page, depth=2, pdf_href=pdf_href, extra=extra,
                        crumbs=document_crumbs(self.ctx, doc, here=here), description=description(doc),
                        og_type="article")


class Listing(Struct, frozen=True):
    """A listing output being rendered: its edition, and the facts of every document.

    ``facts`` are light (no citations, no first words), so a listing of titles holds little
    whatever the archive's size; ``full`` reads the whole facts one document at a time.
    """

    shared: Shared
    edition: EditionSpec
    facts: LightFacts  # edition tag -> every document's light facts, by id (read as asked for)
    published: Mapping[str, str]
    stored: Mapping[str, Sequence[StoredFacts]] = field(default_factory=dict)  # the same, in the store
    pages: Mapping[str, str] = field(default_factory=dict)  # cited symbol -> its page (``plan.cited_pages``)
    symbols: Mapping[str, str] = field(default_factory=dict)  # the same, page -> symbol
    item: str = ""  # the output's item: a cited symbol's page
    memo: dict[Hashable, Any] = field(default_factory=dict)  # what the listings of one job share
    shown: Shown = field(default_factory=Shown)  # which documents the listings show
    citing_ids: frozenset[str] = frozenset()  # the documents citing what the job's cited pages are of

    def light(self, tag: str, ids: Collection[str]) -> Sequence[Facts]:
        """The light facts of the documents ``ids`` in edition ``tag``, read only for them."""
        return self.facts.some(tag, ids)

    def full(self, tag: str) -> Iterator[Facts]:
        """Every document's whole facts in edition ``tag``, newest first, read one at a time."""
        return (s.load() for s in self._newest_first(tag))

    def citing(self, tag: str) -> Iterator[CitingFacts]:
        """``full``, as the archive's citations page reads it."""
        return (s.citing() for s in self._newest_first(tag))

    def corpus(self, tag: str, *, citing_only: bool = False) -> tuple[CorpusCitation, ...]:
        """Every symbol cited in edition ``tag`` (``archive.corpus_citations``), joined once for
        the listings of a job: the index of cited documents and each one's page read it. With
        ``citing_only``, only the documents citing what the job's cited pages are of are read
        (unless the whole is joined already): each of those symbols is then complete."""
        if ("corpus", tag) in self.memo or not citing_only:
            key: tuple[str, ...] = ("corpus", tag)
            docs = self.citing(tag)
        else:  # (ordered by their own light facts: no other document's is read)
            key = ("corpus-citing", tag)
            stored = {s.doc_id: s for s in self.stored[tag]}
            docs = (stored[f.doc_id].citing() for f in newest_first(self.light(tag, self.citing_ids)))
        if key not in self.memo:
            self.memo[key] = corpus_citations(docs, Published(self.published))
        return cast("tuple[CorpusCitation, ...]", self.memo[key])

    def _newest_first(self, tag: str) -> Iterator[StoredFacts]:
        stored = {s.doc_id: s for s in self.stored[tag]}
        return (stored[light.doc_id] for light in newest_first(self.facts[tag]))

    @property
    def ctx(self) -> EditionContext:
        return edition_context(self.shared.inputs.theme, self.shared.config, self.edition)

    def contexts(self) -> dict[str, EditionContext]:
        inputs, config = self.shared.inputs, self.shared.config
        return {e.edition.tag: edition_context(inputs.theme, config, e) for e in inputs.editions}


# --- per-process memos: built from values, so equal inputs give the same object --------

@functools.lru_cache(maxsize=16)
def converter(spec: EditionSpec) -> Converter:
    return build_converter(spec.edition, dict(spec.glossary), dict(spec.forms))


@functools.lru_cache(maxsize=16)
def edition_context(theme: ThemeSources, config: SiteConfig, spec: EditionSpec) -> EditionContext:
    """The edition's writer (titles in its script) and UI labels, built once per process."""
    conv = converter(spec).convert_text
    labels = {k: conv(v) for k, v in theme.labels}
    writer = HtmlWriter.from_sources(theme.theme, theme.files, site_title=conv(config.title),
                                     site_title_en=config.title_en, english_marker=labels["in_english"])
    return EditionContext(spec.edition, writer, labels)


# --- document render functions -----------------------------------------------------------

def render_document(page: Page) -> bytes:
    return page.ctx.writer.render_document(page.doc, page.nav("index.html")).encode("utf-8")


def render_citations(page: Page) -> bytes:
    doc = page.doc
    nav = page.nav("citations.html", page.labels["citations"])
    return page.ctx.writer.render_citations(doc, page.citations, nav, site=page.published,
                                            places=page.places, archive=page.cited_pages).encode("utf-8")


def render_parallel(page: Page) -> bytes:
    writer = page.ctx.writer
    r = writer.renderer
    source = page.once(("parallel-source", r.text, r.image_prefix, r.site_links, r.english_marker),
                       lambda: source_units(page.source, r))
    rows = parallel_rows(page.source, page.doc, r, units=source)
    src = page.config.edition(page.config.source_lang)
    return writer.render_template(
        "parallel.html.j2", doc=page.doc, nav=page.nav("parallel.html", page.labels["parallel"]), rows=rows,
        source_tag=src.tag, source_label=src.label,
    ).encode("utf-8")


def render_review(page: Page) -> bytes:
    anchors = page.once("anchors", lambda: document_anchors(page.source))
    return review_page(page.config, page.ctx, page.doc, page.review, anchors=anchors)


def render_facts(page: Page) -> bytes:
    return document_facts(page.doc, review_count=page.review_count, cited=page.citations,
                          places=page.places).to_bytes()


def render_pdf(page: Page) -> bytes:
    from docpub.writers import pdf  # heavy (WeasyPrint): loaded only when PDFs are wanted

    config = page.config
    theme = page.shared.inputs.theme.theme
    # Relative links in the text lead to the published site, when its address is known.
    page_url = f"{config.base_url}{page.edition.tag}/{page.doc.id}/" if config.base_url else ""
    html = pdf.print_html(page.doc, edition=page.edition, theme=theme, site_root=config.root,
                          labels=page.labels, page_url=page_url)
    return pdf.html_to_pdf(html, theme=theme, site_root=config.root, source=page.source.source or page.doc.id)


def render_copy(page: Page) -> bytes:
    """Static files and images are copied by the client (``KindDef.local``), never rendered."""
    raise AssertionError("a copy is made where the file is, not rendered")


# --- listing render functions ----------------------------------------------------------------

def _source_facts(lst: Listing) -> Sequence[Facts]:
    return lst.facts[lst.shared.config.source_lang]


def render_edition_index(lst: Listing) -> Iterator[bytes]:
    tag = lst.edition.edition.tag
    return edition_index_page(lst.shared.config, lst.ctx, lst.light(tag, lst.shown.recent), lst.shown.counts())


def render_year_index(lst: Listing) -> Iterator[bytes]:
    facts = lst.light(lst.edition.edition.tag, lst.shown.years.get(lst.item, ()))
    return year_page(lst.shared.config, lst.ctx, facts, int(lst.item), lst.shown.counts())


def render_corpus_citations(lst: Listing) -> Iterator[bytes]:
    return corpus_page(lst.shared.config, lst.ctx, lst.corpus(lst.edition.edition.tag), lst.pages)


def render_cited_page(lst: Listing) -> Iterator[bytes]:
    tag = lst.edition.edition.tag
    if ("cited", tag) not in lst.memo:  # each symbol's citations, found once
        lst.memo[("cited", tag)] = {c.symbol: c for c in lst.corpus(tag, citing_only=True)}
    cited = lst.memo[("cited", tag)].get(lst.symbols.get(lst.item))
    if cited is None:  # the plan's cited symbols are the documents' own: never without a citing one
        raise RuntimeError(f"no document of the archive cites the symbol of citations/{lst.item}.html")
    return cited_page(lst.shared.config, lst.ctx, cited, lst.item)


def render_search_page(lst: Listing) -> bytes:
    return search_page(lst.shared.config, lst.ctx)


def render_feed(lst: Listing) -> bytes:
    return feed_page(lst.shared.config, lst.ctx, lst.full(lst.edition.edition.tag))


def render_root_index(lst: Listing) -> Iterator[bytes]:
    recent = lst.light(lst.shared.config.source_lang, lst.shown.recent)
    return root_index_page(lst.shared.config, lst.ctx, recent, lst.shown.counts())


def render_not_found(lst: Listing) -> bytes:
    return not_found_page(lst.shared.config, lst.ctx)


def render_sitemap(lst: Listing) -> bytes:
    return sitemap_page(lst.shared.config, _source_facts(lst), lst.pages.values())


def render_robots(lst: Listing) -> bytes:
    return robots_page(lst.shared.config)


def render_review_index(lst: Listing) -> Iterator[bytes]:
    counts = {(tag, f.doc_id): f.review_count for tag, group in lst.stored.items() for f in group}
    return review_index_page(lst.shared.config, lst.contexts(), _source_facts(lst), counts)


Render = Callable[[Page], bytes]
RenderListing = Callable[[Listing], bytes | Iterator[bytes]]  # a long listing comes in pieces

__all__ = ["Listing", "Page", "Render", "RenderListing", "converter", "edition_context"]
