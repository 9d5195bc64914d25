"""Plans documents x editions x formats and writes the site atomically.

``build(config, out)`` reads like the pipeline: read every document, link its
citations, derive each edition, render pages and PDFs into a temporary folder
beside ``out``, and swap it in only when all of that succeeded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from docpub.config import Edition, SiteConfig
from docpub.errors import DocpubError
from docpub.model import Document
from docpub.outdir import atomic_output
from docpub.readers.markdown import read_file
from docpub.templating import template_error
from docpub.transforms.citations import collect_citations, link_citations
from docpub.transforms.editions import convert_document, convert_label
from docpub.writers.html import Alternate, HtmlWriter, IndexEntry, Nav, load_labels

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


@dataclass(frozen=True, slots=True)
class BuildReport:
    out: Path
    documents: int
    editions: int
    files: int


def discover(config: SiteConfig) -> list[Path]:
    """Every content file of the source edition, in a stable order."""
    name = f"{config.source_lang}.md"
    root = config.content_path
    if not root.is_dir():
        raise DocpubError(str(root), None, "content folder not found")
    return sorted(p for p in root.glob(f"*/{name}") if p.is_file() or p.is_symlink())


def load_documents(config: SiteConfig) -> list[Document]:
    """Read and link every source document; ids are checked before anything renders."""
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for path in discover(config):
        doc = read_file(path)
        check_doc_id(doc.id, path)
        key = doc.id.casefold()
        if key in seen:
            raise DocpubError(str(path), None, f"document id '{doc.id}' is also used by {seen[key]}")
        seen[key] = str(path)
        docs.append(link_citations(doc, urls=config.urls))
    return docs


def check_doc_id(doc_id: str, path: Path) -> None:
    if not SAFE_ID.match(doc_id):
        raise DocpubError(
            str(path), None,
            f"document id '{doc_id}' (the folder name) must be lower-case letters, digits, '.', '_' or '-'",
        )


def build(config: SiteConfig, out: Path, *, pdf: bool = True) -> BuildReport:
    docs = load_documents(config)
    writer = HtmlWriter(config.templates_path, site_title=config.title, site_title_en=config.title_en)
    with atomic_output(out) as tmp:
        try:
            files = write_site(config, docs, writer, tmp, pdf=pdf)
        except jinja2.TemplateError as exc:
            raise template_error(exc, config.templates_path) from None
    return BuildReport(out=out, documents=len(docs), editions=len(config.editions), files=files)


def write_site(config: SiteConfig, docs: list[Document], writer: HtmlWriter, tmp: Path, *, pdf: bool) -> int:
    count = 0
    for rel, data in writer.static_files():
        count += _write(tmp / rel, data)
    for rel, data in _print_static(config):
        count += _write(tmp / rel, data)
    labels = load_labels(config.templates_path)
    editions_docs = {e.tag: [convert_document(d, edition=e, root=config.root) for d in docs]
                     for e in config.editions}
    for edition in config.editions:
        elabels = {k: convert_label(v, edition) for k, v in labels.items()}
        for doc in editions_docs[edition.tag]:
            for rel, data in render_document_files(config, writer, doc, edition, elabels, pdf=pdf):
                count += _write(tmp / rel, data)
        index = writer.render_index(_index_entries(config, editions_docs[edition.tag]),
                                    _nav(config, edition, elabels, "", "index.html", depth=1))
        count += _write(tmp / edition.tag / "index.html", index.encode("utf-8"))
    source = config.edition(config.source_lang)
    slabels = {k: convert_label(v, source) for k, v in labels.items()}
    home = writer.render_index(_index_entries(config, editions_docs[source.tag], from_root=True),
                               _nav(config, source, slabels, "", "index.html", depth=0))
    count += _write(tmp / "index.html", home.encode("utf-8"))
    return count


def render_document_files(
    config: SiteConfig, writer: HtmlWriter, doc: Document, edition: Edition,
    labels: dict[str, str], *, pdf: bool,
) -> Iterator[tuple[str, bytes]]:
    """The files of one document in one edition: page, citations page, PDF."""
    base = f"{edition.tag}/{doc.id}"
    pdf_name = f"{doc.id}.pdf"
    nav = _nav(config, edition, labels, doc.id, "index.html", depth=2, pdf_href=pdf_name if pdf else "")
    yield f"{base}/index.html", writer.render_document(doc, nav).encode("utf-8")
    cnav = _nav(config, edition, labels, doc.id, "citations.html", depth=2, pdf_href=pdf_name if pdf else "")
    yield f"{base}/citations.html", writer.render_citations(doc, collect_citations(doc), cnav).encode("utf-8")
    if pdf:
        from docpub.writers.pdf import render_pdf  # WeasyPrint is heavy: load it only when needed

        data = render_pdf(doc, edition=edition, templates_dir=config.templates_path,
                          site_root=config.root, labels=labels)
        yield f"{base}/{pdf_name}", data


def _nav(config: SiteConfig, edition: Edition, labels: dict[str, str], doc_id: str, page: str,
         *, depth: int, pdf_href: str = "") -> Nav:
    root = "../" * depth
    alternates = tuple(
        Alternate(tag=e.tag, label=e.label, current=e.tag == edition.tag,
                  href=_page_href(root, e.tag, doc_id, page))
        for e in config.editions
    )
    return Nav(edition=edition, root=root, alternates=alternates, labels=labels, pdf_href=pdf_href)


def _page_href(root: str, tag: str, doc_id: str, page: str) -> str:
    parts = [tag, doc_id, page] if doc_id else [tag, page]
    return root + "/".join(parts)


def _index_entries(config: SiteConfig, docs: list[Document], *, from_root: bool = False) -> list[IndexEntry]:
    prefix = "" if from_root else "../"
    return [
        IndexEntry(
            doc_id=d.id, title=d.meta.title, title_en=d.meta.title_en, date=d.meta.date.isoformat(),
            symbol=d.meta.symbol,
            editions=tuple((e.tag, e.label, f"{prefix}{e.tag}/{d.id}/index.html") for e in config.editions),
        )
        for d in docs
    ]


def _print_static(config: SiteConfig) -> list[tuple[str, bytes]]:
    css = config.templates_path / "static" / "print.css"
    return [("static/print.css", css.read_bytes())] if css.is_file() else []


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return 1
