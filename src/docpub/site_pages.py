"""The pages of the archive around the documents: navigation context, indexes, corpus-wide
citations, search, 404, the editors' area, and what crawlers and feed readers read.

Each function returns ``(path from the site root, bytes)`` pairs for the site to write;
none touches the disk. Paths are the site's addresses: ``<edition>/<doc-id>/index.html``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from docpub.archive import Published, corpus_citations, document_kind, newest_first
from docpub.config import Edition, SiteConfig
from docpub.model import Document, iter_paragraphs, plain_text
from docpub.writers.feeds import FeedEntry, PageSet, atom_feed, robots_txt, sitemap_xml
from docpub.writers.html import Alternate, Crumb, HtmlWriter, IndexEntry, Nav

DESCRIPTION_CHARS = 120
Files = Iterator[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class EditionContext:
    """What every page of one edition shares: the writer with its titles, the UI labels."""

    edition: Edition
    writer: HtmlWriter
    labels: dict[str, str]


# --- navigation -----------------------------------------------------------------------


def page_path(tag: str, doc_id: str, page: str) -> str:
    return "/".join([tag, doc_id, page] if doc_id else [tag, page])


def make_nav(config: SiteConfig, ctx: EditionContext, doc_id: str, page: str, *, depth: int,
             pdf_href: str = "", extra: tuple[tuple[str, str], ...] = (), crumbs: tuple[Crumb, ...] = (),
             description: str = "", og_type: str = "website") -> Nav:
    """The context of a page of an edition: ``page`` of document ``doc_id`` (or of the edition)."""
    root = "../" * depth
    alternates = tuple(
        Alternate(tag=e.tag, label=e.label, current=e.tag == ctx.edition.tag,
                  href=root + page_path(e.tag, doc_id, _page_in(config, e, page)),
                  path=page_path(e.tag, doc_id, _page_in(config, e, page)))
        for e in config.editions
    )
    return Nav(edition=ctx.edition, root=root, alternates=alternates, labels=ctx.labels,
               pdf_href=pdf_href, extra=extra, path=page_path(ctx.edition.tag, doc_id, page),
               base_url=config.base_url, crumbs=crumbs, description=description or ctx.labels["site_description"],
               feed_path=f"{ctx.edition.tag}/feed.xml" if config.base_url else "", og_type=og_type)


def _page_in(config: SiteConfig, edition: Edition, page: str) -> str:
    """The same page in another edition; the source edition has no parallel page."""
    if edition.tag == config.source_lang and page == "parallel.html":
        return "index.html"
    return page


def document_crumbs(ctx: EditionContext, doc: Document, *, here: str = "") -> tuple[Crumb, ...]:
    """Home › month › document (› here), from a page in the document's folder."""
    d = doc.meta.date
    month = ctx.labels["year_month"].replace("{y}", str(d.year)).replace("{m}", str(d.month))
    steps = [Crumb(ctx.labels["home"], "../index.html"), Crumb(month, f"../index.html#m{d.year}-{d.month:02d}")]
    if here:
        return (*steps, Crumb(doc.meta.title, "index.html"), Crumb(here))
    return (*steps, Crumb(doc.meta.title))


def description(doc: Document) -> str:
    """The document's first words (its first paragraph), for search engines and link previews."""
    for p in iter_paragraphs((doc.body, doc.sections, doc.annex)):
        text = " ".join(plain_text(p.inlines).split())
        if text:
            return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS - 1] + "…"
    return doc.meta.title


# --- the pages of an edition ------------------------------------------------------------


def index_entries(config: SiteConfig, docs: Sequence[Document], *, from_root: bool = False) -> list[IndexEntry]:
    """The archive's list: newest first, then by id, so the order never depends on the disk."""
    prefix = "" if from_root else "../"
    return [
        IndexEntry(
            doc_id=d.id, title=d.meta.title, title_en=d.meta.title_en, date=d.meta.date.isoformat(),
            symbol=d.meta.symbol, kind=document_kind(d),
            editions=tuple((e.tag, e.label, f"{prefix}{e.tag}/{d.id}/index.html") for e in config.editions),
        )
        for d in newest_first(docs)
    ]


def edition_pages(config: SiteConfig, ctx: EditionContext, docs: Sequence[Document], published: Published) -> Files:
    """An edition's home, its corpus-wide citations, its search page and (with a base URL) its feed."""
    tag, L = ctx.edition.tag, ctx.labels
    yield f"{tag}/index.html", _html(ctx.writer.render_index(
        index_entries(config, docs), make_nav(config, ctx, "", "index.html", depth=1)))
    crumbs = (Crumb(L["home"], "../index.html"), Crumb(L["all_citations"]))
    nav = make_nav(config, ctx, "", "citations/index.html", depth=2, crumbs=crumbs)
    yield f"{tag}/citations/index.html", _html(ctx.writer.render_corpus_citations(
        docs, corpus_citations(docs, published), nav))
    crumbs = (Crumb(L["home"], "../index.html"), Crumb(L["search_title"]))
    nav = make_nav(config, ctx, "", "search/index.html", depth=2, crumbs=crumbs)
    yield f"{tag}/search/index.html", _html(ctx.writer.render_template("search.html.j2", nav=nav))
    if config.base_url:
        yield f"{tag}/feed.xml", atom_feed(
            base_url=config.base_url, lang=tag, title=ctx.writer.site_title, path=f"{tag}/feed.xml",
            home=f"{tag}/index.html", entries=[
                FeedEntry(d.meta.title, f"{tag}/{d.id}/index.html", d.meta.date.isoformat(), description(d),
                          d.meta.symbol) for d in newest_first(docs)])


# --- the pages of the site --------------------------------------------------------------


def site_pages(config: SiteConfig, home: EditionContext, docs: Sequence[Document]) -> Files:
    """The root page (the source edition's home), 404, and with a base URL sitemap and robots.txt."""
    nav = make_nav(config, home, "", "index.html", depth=0)
    root_nav = replace(nav, path="index.html", canonical_path=f"{config.source_lang}/index.html")
    yield "index.html", _html(home.writer.render_index(index_entries(config, docs, from_root=True), root_nav))
    yield "404.html", _html(home.writer.render_template("404.html.j2", nav=not_found_nav(config, home)))
    if config.base_url:
        yield "sitemap.xml", sitemap_xml(config.base_url, sitemap_pages(config, docs))
        yield "robots.txt", robots_txt(config.base_url)


def not_found_nav(config: SiteConfig, home: EditionContext) -> Nav:
    """A 404 page is served at any depth: its links start from the base URL, else the root."""
    root = config.base_url
    alternates = tuple(Alternate(tag=e.tag, label=e.label, current=False, href=f"{root}{e.tag}/index.html",
                                 path=f"{e.tag}/index.html") for e in config.editions)
    return Nav(edition=home.edition, root=root, alternates=alternates, labels=home.labels,
               base_url=config.base_url, noindex=True, description=home.labels["site_description"])


def sitemap_pages(config: SiteConfig, docs: Sequence[Document]) -> list[PageSet]:
    """Every reader page in every edition: homes, corpus citations, documents and their citations."""
    tags = [e.tag for e in config.editions]

    def every(doc_id: str, page: str, lastmod: str = "") -> PageSet:
        paths = tuple((t, page_path(t, doc_id, page)) for t in tags)
        return PageSet(paths, page_path(config.source_lang, doc_id, page), lastmod)

    pages = [every("", "index.html"), every("", "citations/index.html")]
    for d in newest_first(docs):
        pages += [every(d.id, "index.html", d.meta.date.isoformat()), every(d.id, "citations.html")]
    return pages


def _html(text: str) -> bytes:
    return text.encode("utf-8")


__all__ = [
    "EditionContext", "description", "document_crumbs", "edition_pages", "index_entries", "make_nav",
    "not_found_nav", "page_path", "site_pages", "sitemap_pages",
]
