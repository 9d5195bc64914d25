"""Plans documents x editions x formats and writes the site atomically.

``build(config, out)`` reads like the pipeline: read every document, link its
citations, derive each edition, render pages and PDFs into a temporary folder
beside ``out``, and swap it in only when all of that succeeded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from docpub.archive import Published
from docpub.cache import PdfCache, pdf_key
from docpub.config import CONFIG_NAME, Edition, SiteConfig
from docpub.content import load_documents
from docpub.editors import editors_pages
from docpub.media import document_images, read_image
from docpub.model import Document
from docpub.outdir import MARKER, MARKER_TEXT, atomic_output, check_replaceable, output_lock
from docpub.search import SearchCache, indexed_pages
from docpub.site_pages import EditionContext, description, document_crumbs, edition_pages, make_nav, site_pages
from docpub.templating import template_error
from docpub.transforms.citations import collect_citations
from docpub.transforms.editions import convert_document, convert_label
from docpub.writers.html import HtmlWriter, Nav, load_labels
from docpub.writers.parallel import parallel_rows


@dataclass(frozen=True, slots=True)
class BuildReport:
    out: Path
    documents: int
    editions: int
    files: int


def cache_folder(out: Path, kind: str = "pdf") -> Path:
    """Beside the output, never inside it: the output folder is replaced whole."""
    return out.resolve().parent / ".docpub-cache" / kind


def build(config: SiteConfig, out: Path, *, pdf: bool = True, use_cache: bool = True) -> BuildReport:
    # The site's own sources may hold the output (build/site) but never be inside or under it.
    check_replaceable(out, keep=(config.content_path, config.templates_path, config.root / CONFIG_NAME))
    docs = load_documents(config)
    cache = PdfCache(cache_folder(out) if use_cache else None)
    search = SearchCache(cache_folder(out, "search") if use_cache else None)
    # One build of ``out`` at a time; the lock also covers removing what killed builds left.
    with output_lock(out):
        with atomic_output(out) as tmp:
            (tmp / MARKER).write_bytes(MARKER_TEXT)
            try:
                files = write_site(config, docs, tmp, pdf=pdf, cache=cache, search=search)
            except jinja2.TemplateError as exc:
                raise template_error(exc, config.theme) from None
        if pdf:
            cache.prune()
    return BuildReport(out=out, documents=len(docs), editions=len(config.editions), files=files)


def edition_context(config: SiteConfig, edition: Edition, labels: dict[str, str]) -> EditionContext:
    def conv(s: str) -> str:
        return convert_label(s, edition, config.root)

    converted = {k: conv(v) for k, v in labels.items()}
    writer = HtmlWriter(config.theme, site_title=conv(config.title), site_title_en=config.title_en,
                        english_marker=converted["in_english"])
    return EditionContext(edition, writer, converted)


def write_site(config: SiteConfig, docs: list[Document], tmp: Path, *, pdf: bool, cache: PdfCache,
               search: SearchCache | None = None) -> int:
    """Render every file into ``tmp``; without ``search`` (``docpub check``) there is no search index."""
    labels = load_labels(config.theme)
    contexts = {e.tag: edition_context(config, e, labels) for e in config.editions}
    files: dict[str, bytes] = dict(contexts[config.source_lang].writer.static_files())
    by_edition = {e.tag: [convert_document(d, edition=e, root=config.root) for d in docs]
                  for e in config.editions}
    published = Published.of(docs)
    for edition in config.editions:
        ctx = contexts[edition.tag]
        for source, doc in zip(docs, by_edition[edition.tag], strict=True):
            files.update(render_document_files(config, ctx, source, doc, published, pdf=pdf, cache=cache))
        files.update(edition_pages(config, ctx, by_edition[edition.tag], published))
    files.update(site_pages(config, contexts[config.source_lang], by_edition[config.source_lang]))
    files.update(editors_pages(config, contexts, docs, by_edition))
    if search is not None:
        files.update(search.get(indexed_pages(files)))  # after the pages: it reads them
    for rel, data in sorted(files.items()):
        _write(tmp / rel, data)
    return len(files)


def render_document_files(
    config: SiteConfig, ctx: EditionContext, source: Document, doc: Document, published: Published, *,
    pdf: bool, cache: PdfCache,
) -> Iterator[tuple[str, bytes]]:
    """The files of one document in one edition: page, citations and parallel pages, PDF."""
    base = f"{ctx.edition.tag}/{doc.id}"
    pdf_name = f"{doc.id}.pdf" if pdf else ""
    converted = ctx.edition.tag != config.source_lang
    extra = ((ctx.labels["parallel"], "parallel.html"),) if converted else ()
    L = ctx.labels

    def nav(name: str, here: str = "") -> Nav:
        return make_nav(config, ctx, doc.id, name, depth=2, pdf_href=pdf_name, extra=extra,
                        crumbs=document_crumbs(ctx, doc, here=here), description=description(doc),
                        og_type="article")

    yield f"{base}/index.html", ctx.writer.render_document(doc, nav("index.html")).encode("utf-8")
    yield from _images(config, source, base)
    cited = collect_citations(doc)
    yield f"{base}/citations.html", ctx.writer.render_citations(
        doc, cited, nav("citations.html", L["citations"]), site=published.ids).encode("utf-8")
    if converted:
        yield f"{base}/parallel.html", _parallel_page(config, ctx, source, doc, nav("parallel.html", L["parallel"]))
    if pdf:
        yield f"{base}/{pdf_name}", _pdf(config, ctx, doc, cache)


def _images(config: SiteConfig, doc: Document, base: str) -> Iterator[tuple[str, bytes]]:
    """The document's images, in the ``media/`` folder beside its page (checked when read)."""
    limit = config.max_image_kib * 1024
    for image in document_images(doc, max_bytes=limit):
        yield f"{base}/{image.name}", read_image(image, max_bytes=limit)


def _pdf(config: SiteConfig, ctx: EditionContext, doc: Document, cache: PdfCache) -> bytes:
    import weasyprint  # heavy: loaded only when PDFs are wanted

    from docpub.writers import pdf

    # Relative links in the text lead to the published site, when its address is known.
    page_url = f"{config.base_url}{ctx.edition.tag}/{doc.id}/" if config.base_url else ""
    html = pdf.print_html(doc, edition=ctx.edition, theme=config.theme,
                          site_root=config.root, labels=ctx.labels, page_url=page_url)
    # The files the print HTML may fetch come from the site and the model, never from its text.
    images = tuple(i.path for i in document_images(doc, max_bytes=config.max_image_kib * 1024))
    key = pdf_key(html, static_files=(*config.theme.static_files().values(), *images),
                  engine_version=weasyprint.__version__,
                  options=repr(sorted(pdf.PDF_OPTIONS.items())))
    return cache.get(key, lambda: pdf.html_to_pdf(html, theme=config.theme,
                                                  site_root=config.root, source=doc.source or doc.id))




def _parallel_page(config: SiteConfig, ctx: EditionContext, source: Document, doc: Document, nav: Nav) -> bytes:
    rows = parallel_rows(source, doc, ctx.writer.renderer)
    src = config.edition(config.source_lang)
    return ctx.writer.render_template(
        "parallel.html.j2", doc=doc, nav=nav, rows=rows, source_tag=src.tag, source_label=src.label,
    ).encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
