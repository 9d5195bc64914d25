"""Plans documents x editions x formats and writes the site atomically.

``build(config, out)`` reads like the pipeline: read every document, link its
citations, derive each edition, render pages and PDFs into a temporary folder
beside ``out``, and swap it in only when all of that succeeded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import jinja2

from docpub.cache import PdfCache, pdf_key
from docpub.config import CONFIG_NAME, Edition, SiteConfig
from docpub.content import image_sources, load_documents
from docpub.model import Document, iter_paragraphs, iter_sections
from docpub.outdir import MARKER, MARKER_TEXT, atomic_output, check_replaceable
from docpub.review import review
from docpub.templating import template_error
from docpub.transforms.citations import collect_citations
from docpub.transforms.editions import convert_document, convert_label
from docpub.writers.html import Alternate, HtmlWriter, IndexEntry, Nav, load_labels
from docpub.writers.parallel import parallel_rows


@dataclass(frozen=True, slots=True)
class BuildReport:
    out: Path
    documents: int
    editions: int
    files: int


def cache_folder(out: Path) -> Path:
    """Beside the output, never inside it: the output folder is replaced whole."""
    return out.resolve().parent / ".docpub-cache" / "pdf"


def build(config: SiteConfig, out: Path, *, pdf: bool = True, use_cache: bool = True) -> BuildReport:
    # The site's own sources may hold the output (build/site) but never be inside or under it.
    check_replaceable(out, keep=(config.content_path, config.templates_path, config.root / CONFIG_NAME))
    docs = load_documents(config)
    cache = PdfCache(cache_folder(out) if use_cache else None)
    with atomic_output(out) as tmp:
        (tmp / MARKER).write_bytes(MARKER_TEXT)
        try:
            files = write_site(config, docs, tmp, pdf=pdf, cache=cache)
        except jinja2.TemplateError as exc:
            raise template_error(exc, config.theme) from None
    if pdf:
        cache.prune()
    return BuildReport(out=out, documents=len(docs), editions=len(config.editions), files=files)


@dataclass(frozen=True, slots=True)
class EditionContext:
    """What every page of one edition shares: the writer with its titles, the UI labels."""

    edition: Edition
    writer: HtmlWriter
    labels: dict[str, str]


def edition_context(config: SiteConfig, edition: Edition, labels: dict[str, str]) -> EditionContext:
    def conv(s: str) -> str:
        return convert_label(s, edition, config.root)

    writer = HtmlWriter(config.theme, site_title=conv(config.title), site_title_en=config.title_en)
    return EditionContext(edition, writer, {k: conv(v) for k, v in labels.items()})


def write_site(config: SiteConfig, docs: list[Document], tmp: Path, *, pdf: bool, cache: PdfCache) -> int:
    labels = load_labels(config.theme)
    contexts = {e.tag: edition_context(config, e, labels) for e in config.editions}
    files: dict[str, bytes] = dict(contexts[config.source_lang].writer.static_files())
    by_edition = {e.tag: [convert_document(d, edition=e, root=config.root) for d in docs]
                  for e in config.editions}
    for edition in config.editions:
        ctx = contexts[edition.tag]
        for source, doc in zip(docs, by_edition[edition.tag], strict=True):
            files.update(render_document_files(config, ctx, source, doc, pdf=pdf, cache=cache))
        entries = _index_entries(config, by_edition[edition.tag])
        files[f"{edition.tag}/index.html"] = ctx.writer.render_index(
            entries, _nav(config, ctx, "", "index.html", depth=1)).encode("utf-8")
    home = contexts[config.source_lang]
    files["index.html"] = home.writer.render_index(
        _index_entries(config, by_edition[config.source_lang], from_root=True),
        _nav(config, home, "", "index.html", depth=0)).encode("utf-8")
    for rel, data in sorted(files.items()):
        _write(tmp / rel, data)
    return len(files)


def render_document_files(
    config: SiteConfig, ctx: EditionContext, source: Document, doc: Document, *, pdf: bool,
    cache: PdfCache,
) -> Iterator[tuple[str, bytes]]:
    """The files of one document in one edition: page, citations, parallel and review pages, PDF."""
    base = f"{ctx.edition.tag}/{doc.id}"
    pdf_name = f"{doc.id}.pdf" if pdf else ""
    converted = ctx.edition.tag != config.source_lang
    extra = _extra_links(ctx) if converted else ()

    def nav(page: str) -> Nav:
        return _nav(config, ctx, doc.id, page, depth=2, pdf_href=pdf_name, extra=extra)

    yield f"{base}/index.html", ctx.writer.render_document(doc, nav("index.html")).encode("utf-8")
    yield from _images(source, base)
    cited = collect_citations(doc)
    yield f"{base}/citations.html", ctx.writer.render_citations(doc, cited, nav("citations.html")).encode("utf-8")
    if converted:
        yield f"{base}/parallel.html", _parallel_page(config, ctx, source, doc, nav("parallel.html"))
        yield f"{base}/review.html", _review_page(config, ctx, source, nav("review.html"))
    if pdf:
        yield f"{base}/{pdf_name}", _pdf(config, ctx, doc, cache)


def _images(doc: Document, base: str) -> Iterator[tuple[str, bytes]]:
    """The document's images, beside its page at the same relative paths (checked when read)."""
    folder = Path(doc.source).parent
    for src in image_sources(doc):
        yield f"{base}/{unquote(src)}", (folder / unquote(src)).read_bytes()


def _pdf(config: SiteConfig, ctx: EditionContext, doc: Document, cache: PdfCache) -> bytes:
    import weasyprint  # heavy: loaded only when PDFs are wanted

    from docpub.writers import pdf

    html = pdf.print_html(doc, edition=ctx.edition, theme=config.theme,
                          site_root=config.root, labels=ctx.labels)
    key = pdf_key(html, static_files=config.theme.static_files().values(), engine_version=weasyprint.__version__,
                  options=repr(sorted(pdf.PDF_OPTIONS.items())))
    return cache.get(key, lambda: pdf.html_to_pdf(html, theme=config.theme,
                                                  site_root=config.root, source=doc.source or doc.id))


def _extra_links(ctx: EditionContext) -> tuple[tuple[str, str], ...]:
    return ((ctx.labels["parallel"], "parallel.html"), (ctx.labels["review"], "review.html"))


def _parallel_page(config: SiteConfig, ctx: EditionContext, source: Document, doc: Document, nav: Nav) -> bytes:
    rows = parallel_rows(source, doc, ctx.writer.renderer)
    src = config.edition(config.source_lang)
    return ctx.writer.render_template(
        "parallel.html.j2", doc=doc, nav=nav, rows=rows, source_tag=src.tag, source_label=src.label,
    ).encode("utf-8")


def _review_page(config: SiteConfig, ctx: EditionContext, source: Document, nav: Nav) -> bytes:
    result = review(source, edition=ctx.edition, root=config.root)
    anchors = _anchors(source)

    def href(where: str) -> str:
        return f"index.html#{where}" if where in anchors else ""

    items = [
        {"location": u.where, "href": href(u.where), "source": u.source_context,
         "converted": u.converted_context, "edition": ctx.edition.tag,
         "note": f"{u.char} → {u.chosen}" + (f" ({u.entry})" if u.entry else "")}
        for u in result.ambiguous
    ] + [
        {"location": h.where, "href": href(h.where), "source": h.source or h.term, "converted": h.target,
         "edition": ctx.edition.tag, "note": f"{h.reason} ({h.entry})" if h.reason else h.entry}
        for h in result.hits
    ] + [
        {"location": "", "href": "", "source": f.opencc, "converted": f.printed, "edition": ctx.edition.tag,
         "note": f"×{f.count}: {f.reason} ({f.entry})" if f.reason else f"×{f.count} ({f.entry})"}
        for f in result.forms
    ]
    return ctx.writer.render_template(
        "review.html.j2", nav=nav, items=items, title=f"{ctx.labels['review']} · {nav.edition.label}",
    ).encode("utf-8")


def _anchors(doc: Document) -> set[str]:
    """The ids the document page has for its parts: letter, annex, sections, paragraphs."""
    sections = (*doc.sections, *(doc.annex.sections if doc.annex else ()))
    ids = {"letter"} | ({"annex"} if doc.annex else set())
    ids.update(s.id for s in iter_sections(sections))
    ids.update(p.id for p in iter_paragraphs(doc) if p.id)
    return ids


def _nav(config: SiteConfig, ctx: EditionContext, doc_id: str, page: str, *, depth: int,
         pdf_href: str = "", extra: tuple[tuple[str, str], ...] = ()) -> Nav:
    root = "../" * depth
    alternates = tuple(
        Alternate(tag=e.tag, label=e.label, current=e.tag == ctx.edition.tag,
                  href=_page_href(root, e.tag, doc_id, _page_in(config, e, page)))
        for e in config.editions
    )
    return Nav(edition=ctx.edition, root=root, alternates=alternates, labels=ctx.labels,
               pdf_href=pdf_href, extra=extra)


def _page_in(config: SiteConfig, edition: Edition, page: str) -> str:
    """The same page in another edition; the source edition has no parallel or review page."""
    if edition.tag == config.source_lang and page in ("parallel.html", "review.html"):
        return "index.html"
    return page


def _page_href(root: str, tag: str, doc_id: str, page: str) -> str:
    parts = [tag, doc_id, page] if doc_id else [tag, page]
    return root + "/".join(parts)


def _index_entries(config: SiteConfig, docs: list[Document], *, from_root: bool = False) -> list[IndexEntry]:
    """The home page's list: newest first, then by id, so the order never depends on the disk."""
    prefix = "" if from_root else "../"
    docs = sorted(docs, key=lambda d: (-d.meta.date.toordinal(), d.id))
    return [
        IndexEntry(
            doc_id=d.id, title=d.meta.title, title_en=d.meta.title_en, date=d.meta.date.isoformat(),
            symbol=d.meta.symbol,
            editions=tuple((e.tag, e.label, f"{prefix}{e.tag}/{d.id}/index.html") for e in config.editions),
        )
        for d in docs
    ]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
