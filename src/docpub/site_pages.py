"""The pages of the archive around the documents: navigation context, indexes, corpus-wide
citations, search, 404, the editors' area, and what crawlers and feed readers read.

Each function returns ``(path from the site root, bytes)`` pairs for the site to write;
none touches the disk. Paths are the site's addresses: ``<edition>/<doc-id>/index.html``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from msgspec import Struct
from msgspec.structs import replace

from docpub.archive import CorpusCitation, cited_index, newest_first
from docpub.config import Edition, SiteConfig
from docpub.facts import Facts, description
from docpub.model import Document
from docpub.writers.feeds import FeedEntry, PageSet, atom_feed, robots_txt, sitemap_xml
from docpub.writers.html import Alternate, ArchiveYear, Crumb, HtmlWriter, IndexEntry, Nav


class EditionContext(Struct, frozen=True):
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
    """Home › month (on the page of its year) › document (› here), from a page in the document's folder."""
    d = doc.meta.date
    month = ctx.labels["year_month"].replace("{y}", str(d.year)).replace("{m}", str(d.month))
    steps = [Crumb(ctx.labels["home"], "../index.html"),
             Crumb(month, f"../{year_page_path(d.year)}#m{d.year}-{d.month:02d}")]
    if here:
        return (*steps, Crumb(doc.meta.title, "index.html"), Crumb(here))
    return (*steps, Crumb(doc.meta.title))


# --- the pages of an edition ------------------------------------------------------------


def year_page_path(year: int | str) -> str:
    """The page of a year of the archive, from an edition's folder."""
    return f"archive/{year}.html"


def year_counts(facts: Iterable[Facts]) -> dict[int, int]:
    """How many of ``facts`` each year has."""
    counts: dict[int, int] = {}
    for f in facts:
        counts[int(f.date[:4])] = counts.get(int(f.date[:4]), 0) + 1
    return counts


def archive_years(counts: Mapping[int, int], prefix: str, current: int = 0) -> list[ArchiveYear]:
    """The archive's years (``counts``: year -> its documents), newest first, with their pages
    (``prefix``: the edition's folder from the page listing them)."""
    return [ArchiveYear(y, n, prefix + year_page_path(y), y == current)
            for y, n in sorted(counts.items(), reverse=True)]


def index_entries(config: SiteConfig, facts: Sequence[Facts], *, prefix: str = "../") -> list[IndexEntry]:
    """The documents ``facts``, newest first, linked from a page where ``prefix`` is the site's
    folder (an edition's folder's page: "../"; the site's own: "")."""
    return [
        IndexEntry(
            doc_id=f.doc_id, title=f.title, title_en=f.title_en, date=f.date, symbol=f.symbol, kind=f.kind,
            editions=tuple((e.tag, e.label, f"{prefix}{e.tag}/{f.doc_id}/index.html") for e in config.editions),
        )
        for f in newest_first(facts)
    ]


def edition_index_page(config: SiteConfig, ctx: EditionContext, facts: Sequence[Facts],
                       counts: Mapping[int, int]) -> Iterator[bytes]:
    """An edition's home: its newest documents (of ``facts``; ``config.recent``) by month, and its
    years (``counts``: year -> its documents) (in pieces)."""
    nav = make_nav(config, ctx, "", "index.html", depth=1)
    return ctx.writer.render_index(index_entries(config, newest_first(facts)[:config.recent]), nav,
                                   archive=archive_years(counts, ""), total=sum(counts.values()))


def year_page(config: SiteConfig, ctx: EditionContext, facts: Sequence[Facts], year: int,
              counts: Mapping[int, int]) -> Iterator[bytes]:
    """The page of ``year`` in an edition: its documents (of ``facts``) by month, and the years
    (``counts``: year -> its documents) (in pieces)."""
    L = ctx.labels
    crumbs = (Crumb(L["home"], "../index.html"), Crumb(L["year"].replace("{y}", str(year))))
    nav = make_nav(config, ctx, "", year_page_path(year), depth=2, crumbs=crumbs)
    entries = index_entries(config, [f for f in facts if int(f.date[:4]) == year], prefix="../../")
    return ctx.writer.render_year(year, entries, nav, archive=archive_years(counts, "../", year))


def corpus_page(config: SiteConfig, ctx: EditionContext, cited: Sequence[CorpusCitation],
                pages: Mapping[str, str]) -> Iterator[bytes]:
    """Every symbol cited anywhere in the archive (``archive.corpus_citations``), by kind, each
    leading to its page (``pages``: symbol -> its page's name) (in pieces)."""
    L = ctx.labels
    crumbs = (Crumb(L["home"], "../index.html"), Crumb(L["all_citations"]))
    nav = make_nav(config, ctx, "", "citations/index.html", depth=2, crumbs=crumbs)
    return ctx.writer.render_corpus_citations(cited_index(cited, pages), nav)


def cited_page(config: SiteConfig, ctx: EditionContext, cited: CorpusCitation, page: str) -> Iterator[bytes]:
    """The page ``page`` (its name) of one symbol cited in the archive: every document citing it,
    with every citing paragraph (in pieces)."""
    L = ctx.labels
    crumbs = (Crumb(L["home"], "../index.html"), Crumb(L["all_citations"], "index.html"), Crumb(cited.symbol))
    nav = make_nav(config, ctx, "", f"citations/{page}.html", depth=2, crumbs=crumbs)
    return ctx.writer.render_cited(cited, nav)


def search_page(config: SiteConfig, ctx: EditionContext) -> bytes:
    L = ctx.labels
    crumbs = (Crumb(L["home"], "../index.html"), Crumb(L["search_title"]))
    nav = make_nav(config, ctx, "", "search/index.html", depth=2, crumbs=crumbs)
    return _html(ctx.writer.render_template("search.html.j2", nav=nav))


def feed_page(config: SiteConfig, ctx: EditionContext, facts: Iterable[Facts]) -> bytes:
    """The edition's Atom feed (only with a base URL: a feed needs absolute addresses); ``facts``
    come newest first."""
    tag = ctx.edition.tag
    return atom_feed(
        base_url=config.base_url, lang=tag, title=ctx.writer.site_title, path=f"{tag}/feed.xml",
        home=f"{tag}/index.html", entries=[
            FeedEntry(f.title, f"{tag}/{f.doc_id}/index.html", f.date, f.description, f.symbol)
            for f in facts])


# --- the pages of the site --------------------------------------------------------------


def root_index_page(config: SiteConfig, home: EditionContext, facts: Sequence[Facts],
                    counts: Mapping[int, int]) -> Iterator[bytes]:
    """The root page: the source edition's home, its canonical address that home (in pieces)."""
    nav = make_nav(config, home, "", "index.html", depth=0)
    root_nav = replace(nav, path="index.html", canonical_path=f"{config.source_lang}/index.html")
    return home.writer.render_index(index_entries(config, newest_first(facts)[:config.recent], prefix=""), root_nav,
                                    archive=archive_years(counts, f"{config.source_lang}/"),
                                    total=sum(counts.values()))


def not_found_page(config: SiteConfig, home: EditionContext) -> bytes:
    return _html(home.writer.render_template("404.html.j2", nav=not_found_nav(config, home)))


def sitemap_page(config: SiteConfig, facts: Sequence[Facts], cited: Iterable[str] = ()) -> bytes:
    return sitemap_xml(config.base_url, sitemap_pages(config, facts, cited))


def robots_page(config: SiteConfig) -> bytes:
    return robots_txt(config.base_url)


def not_found_nav(config: SiteConfig, home: EditionContext) -> Nav:
    """A 404 page is served at any depth: its links start from the base URL, else the root."""
    root = config.base_url
    alternates = tuple(Alternate(tag=e.tag, label=e.label, current=False, href=f"{root}{e.tag}/index.html",
                                 path=f"{e.tag}/index.html") for e in config.editions)
    return Nav(edition=home.edition, root=root, alternates=alternates, labels=home.labels,
               base_url=config.base_url, noindex=True, description=home.labels["site_description"])


def sitemap_pages(config: SiteConfig, facts: Sequence[Facts], cited: Iterable[str] = ()) -> list[PageSet]:
    """Every reader page in every edition: homes, corpus citations (``cited``: the names of the
    cited documents' pages), documents and their citations."""
    tags = [e.tag for e in config.editions]

    def every(doc_id: str, page: str, lastmod: str = "") -> PageSet:
        paths = tuple((t, page_path(t, doc_id, page)) for t in tags)
        return PageSet(paths, page_path(config.source_lang, doc_id, page), lastmod)

    pages = [every("", "index.html"), every("", "citations/index.html")]
    pages += [every("", a.href) for a in archive_years(year_counts(facts), "")]
    pages += [every("", f"citations/{name}.html") for name in sorted(cited)]
    for f in newest_first(facts):
        pages += [every(f.doc_id, "index.html", f.date), every(f.doc_id, "citations.html")]
    return pages


def _html(text: str) -> bytes:
    return text.encode("utf-8")


__all__ = [
    "EditionContext", "cited_page", "corpus_page", "description", "document_crumbs", "edition_index_page", "feed_page",
    "index_entries", "make_nav", "not_found_nav", "not_found_page", "page_path", "robots_page",
    "root_index_page", "search_page", "sitemap_page", "sitemap_pages", "year_counts", "year_page",
    "year_page_path",
]
