"""The kinds of output a site has, and the function that renders each.

``KINDS`` is the one table of output kinds: where a kind's outputs go, which
templates and inputs it reads (what its cache key covers), and its render
function. Adding a kind is one entry here and one render function.

Two families:

- *document* kinds, one output per document (and edition): rendered by a
  ``Job`` from that document's model alone, in any process;
- *listing* kinds, one per edition or one for the site: rendered from the
  ``Facts`` every document job leaves behind (title, date, description,
  citations, review size), never from the models, so a listing page costs the
  same whether the archive holds ten documents or ten thousand models.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from docpub.archive import newest_first
from docpub.config import Edition, SiteConfig
from docpub.editors import document_anchors, review_index_page, review_page
from docpub.facts import Facts, StoredFacts, document_facts
from docpub.inputs import EditionSpec, SiteInputs, ThemeSources
from docpub.model import Document
from docpub.review import Review, iter_texts, review
from docpub.site_pages import (
    EditionContext,
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
)
from docpub.transforms.citations import CitedDocument, collect_citations
from docpub.transforms.editions import Conversion, Converter, build_converter, convert_traced
from docpub.writers.html import HtmlWriter, Nav, Place, paragraph_places
from docpub.writers.parallel import parallel_rows, source_units

_T = TypeVar("_T")

PageKind = Literal[
    "document", "citations", "parallel", "review", "facts", "pdf", "image", "static",
    "edition_index", "corpus_citations", "search_page", "feed",
    "root_index", "not_found", "sitemap", "robots", "review_index",
]
# document: one output per document and edition; edition: one per edition; site: one for the site.
Scope = Literal["document", "edition", "site"]
# What a document kind's key covers besides the site config, its templates and docpub itself:
# model: its document's model (and the site's documents it links to); converter: its
# edition's conversion; review_table: the review's ambiguous characters; static: the
# static files; images: its document's images; pdf_engine: WeasyPrint's version.
Reads = Literal["model", "converter", "review_table", "static", "images", "pdf_engine"]
# What a listing kind reads of every document's facts (``Facts.facet``).
Facet = Literal["listing", "description", "citations", "review"]
# one: one output; images: one per image of the document; static: one per static file.
Items = Literal["one", "images", "static"]
# all: always; converted: editions derived from the source; source: the source edition only;
# pdf: only when PDFs are built; base_url: only when the site's address is known;
# review: only when some edition is converted.
When = Literal["all", "converted", "source", "pdf", "base_url", "review"]


@dataclass(frozen=True, slots=True)
class Shared:
    """What every job of a build receives: the config, the edge's inputs, the options.

    Every job carries it, so it is pickled once per build (with the digest of its bytes) and a
    worker unpickles it once: the jobs after the first find it by that digest.
    """

    config: SiteConfig
    inputs: SiteInputs
    pdf: bool

    def __reduce__(self) -> tuple[Callable[[str, bytes], Shared], tuple[str, bytes]]:
        return _shared_from, _shared_blob(self)


# Per process: Shared values by digest (a worker's), and each one's pickle (the client's).
_SHARED: dict[str, Shared] = {}
_BLOBS: dict[int, tuple[Shared, str, bytes]] = {}


def _shared_blob(shared: Shared) -> tuple[str, bytes]:
    known = _BLOBS.get(id(shared))
    if known is None or known[0] is not shared:
        blob = pickle.dumps((shared.config, shared.inputs, shared.pdf), protocol=pickle.HIGHEST_PROTOCOL)
        if len(_BLOBS) > 4:
            _BLOBS.clear()
        known = _BLOBS[id(shared)] = (shared, hashlib.blake2b(blob, digest_size=20).hexdigest(), blob)
    return known[1], known[2]


def _shared_from(key: str, blob: bytes) -> Shared:
    shared = _SHARED.get(key)
    if shared is None:
        if len(_SHARED) > 4:
            _SHARED.clear()
        shared = _SHARED[key] = Shared(*pickle.loads(blob))
    return shared


class Page:
    """One document in one edition being rendered: the values its render functions may read.

    The converted document is computed once per job and shared by every output
    of that document and edition (page, citations, parallel, review, facts, PDF).
    """

    def __init__(self, shared: Shared, edition: EditionSpec, *, source: Document,
                 published: Mapping[str, str] | None = None, memo: dict[Hashable, Any] | None = None) -> None:
        self.shared = shared
        self.edition_spec = edition
        self.source = source
        self.published = published or {}
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


@dataclass(frozen=True, slots=True)
class Listing:
    """A listing output being rendered: its edition, and the facts of every document.

    ``facts`` are light (no citations, no first words), so a listing of titles holds little
    whatever the archive's size; ``full`` reads the whole facts one document at a time.
    """

    shared: Shared
    edition: EditionSpec
    facts: Mapping[str, Sequence[Facts]]  # edition tag -> every document's light facts, by id
    published: Mapping[str, str]
    stored: Mapping[str, Sequence[StoredFacts]] = field(default_factory=dict)  # the same, in the store

    def full(self, tag: str) -> Iterator[Facts]:
        """Every document's whole facts in edition ``tag``, newest first, read one at a time."""
        stored = {s.doc_id: s for s in self.stored[tag]}
        for light in newest_first(self.facts[tag]):
            yield stored[light.doc_id].load()

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
                                            places=page.places).encode("utf-8")


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
    return edition_index_page(lst.shared.config, lst.ctx, lst.facts[lst.edition.edition.tag])


def render_corpus_citations(lst: Listing) -> Iterator[bytes]:
    return corpus_page(lst.shared.config, lst.ctx, lst.full(lst.edition.edition.tag), lst.published)


def render_search_page(lst: Listing) -> bytes:
    return search_page(lst.shared.config, lst.ctx)


def render_feed(lst: Listing) -> bytes:
    return feed_page(lst.shared.config, lst.ctx, lst.full(lst.edition.edition.tag))


def render_root_index(lst: Listing) -> Iterator[bytes]:
    return root_index_page(lst.shared.config, lst.ctx, _source_facts(lst))


def render_not_found(lst: Listing) -> bytes:
    return not_found_page(lst.shared.config, lst.ctx)


def render_sitemap(lst: Listing) -> bytes:
    return sitemap_page(lst.shared.config, _source_facts(lst))


def render_robots(lst: Listing) -> bytes:
    return robots_page(lst.shared.config)


def render_review_index(lst: Listing) -> bytes:
    counts = {(tag, f.doc_id): f.review_count for tag, group in lst.stored.items() for f in group}
    return review_index_page(lst.shared.config, lst.contexts(), _source_facts(lst), counts)


# --- the table ----------------------------------------------------------------------------

Render = Callable[[Page], bytes]
RenderListing = Callable[[Listing], bytes | Iterator[bytes]]  # a long listing comes in pieces


@dataclass(frozen=True, slots=True)
class KindDef:
    scope: Scope
    path: str  # "{tag}", "{doc}" and "{item}" are filled in
    render: Render | RenderListing
    templates: tuple[str, ...] = ()
    reads: frozenset[Reads] = frozenset()
    facets: frozenset[Facet] = frozenset()  # listing kinds: what they read of every document
    items: Items = "one"
    when: When = "all"
    local: bool = False  # made by the client (a copy), never sent to a worker
    published: bool = True  # False: kept in the store for the listings, not a file of the site

    @property
    def listing(self) -> bool:
        return self.scope != "document" and self.items == "one"


def _reads(*names: Reads) -> frozenset[Reads]:
    return frozenset(names)


def _facets(*names: Facet) -> frozenset[Facet]:
    return frozenset(names)


_DOC = _reads("model", "converter")

KINDS: Mapping[PageKind, KindDef] = {
    # A document of a kind with its own template (document.<kind>.html.j2) is laid out by that one.
    "document": KindDef("document", "{tag}/{doc}/index.html", render_document,
                        ("document.html.j2", "document.*.html.j2"), _DOC),
    "citations": KindDef("document", "{tag}/{doc}/citations.html", render_citations, ("citations.html.j2",), _DOC),
    "parallel": KindDef("document", "{tag}/{doc}/parallel.html", render_parallel, ("parallel.html.j2",), _DOC,
                        when="converted"),
    "review": KindDef("document", "review/{tag}/{doc}.html", render_review, ("review.html.j2",),
                      _reads("model", "converter", "review_table"), when="converted"),
    "facts": KindDef("document", "{tag}/{doc}/facts", render_facts, (),
                     _reads("model", "converter", "review_table"), published=False),
    "pdf": KindDef("document", "{tag}/{doc}/{doc}.pdf", render_pdf, ("print.html.j2", "print.*.html.j2"),
                   _reads("model", "converter", "static", "images", "pdf_engine"), when="pdf"),
    "image": KindDef("document", "{tag}/{doc}/{item}", render_copy, items="images", local=True),
    "static": KindDef("site", "{item}", render_copy, items="static", local=True),
    "edition_index": KindDef("edition", "{tag}/index.html", render_edition_index, ("index.html.j2",),
                             facets=_facets("listing")),
    "corpus_citations": KindDef("edition", "{tag}/citations/index.html", render_corpus_citations,
                                ("archive_citations.html.j2",), facets=_facets("listing", "citations")),
    "search_page": KindDef("edition", "{tag}/search/index.html", render_search_page, ("search.html.j2",)),
    "feed": KindDef("edition", "{tag}/feed.xml", render_feed, facets=_facets("listing", "description"),
                    when="base_url"),
    "root_index": KindDef("site", "index.html", render_root_index, ("index.html.j2",),
                          facets=_facets("listing"), when="source"),
    "not_found": KindDef("site", "404.html", render_not_found, ("404.html.j2",)),
    "sitemap": KindDef("site", "sitemap.xml", render_sitemap, facets=_facets("listing"), when="base_url"),
    "robots": KindDef("site", "robots.txt", render_robots, when="base_url"),
    "review_index": KindDef("site", "review/index.html", render_review_index, ("review_index.html.j2",),
                            facets=_facets("listing", "review"), when="review"),
}
