"""Document -> printable PDF (A4, UN-style masthead) through WeasyPrint.

The print HTML is rendered from the model (the theme's print.html.j2 and
NodeRenderer with the print typesetter), never scraped from the site's HTML.
WeasyPrint reaches files only through ``site_url_fetcher``: the stylesheet
and the site's own images; anything else stops the render with an error.
"""

from __future__ import annotations

import mimetypes
import re
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from msgspec import Struct
from msgspec.structs import replace

from docpub.writers import libraries  # noqa: F401  WeasyPrint's libraries opened by soname (see there)

# isort: split
import jinja2
import pydyf
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from docpub.config import Edition
from docpub.errors import DocpubError
from docpub.model import (
    Citation,
    Document,
    FootnoteRef,
    Image,
    Inline,
    Link,
    iter_sections,
    map_inline_seqs,
    plain_text,
)
from docpub.templating import Theme, _bytecode_cache, render_template
from docpub.writers.justify import inter_character_justification
from docpub.writers.nodes import NodeRenderer, renderer_for
from docpub.writers.pageref import filled_page_refs
from docpub.writers.subset import one_pass_subsetting
from docpub.writers.typography import WORD_JOINER, TextFn, typesetter

TEMPLATE = "print.html.j2"

# Passed to every write_pdf call (and used by benchmarks/bench_pdf.py, so the
# comparison with WeasyPrint alone uses the very same settings). PDF/UA-1
# implies a tagged PDF 1.7; no /ID is written, so equal input gives equal bytes.
PDF_OPTIONS: Mapping[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_identifier": False}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")

_LABELS_HANS = {"united_nations": "联合国", "security_council": "安全理事会", "contents": "目录"}
_LABELS_HANT = {"united_nations": "聯合國", "security_council": "安全理事會", "contents": "目錄"}

# A font family name goes into a CSS string; allow only what real names use.
_FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]*$")


def render_pdf(doc: Document, *, edition: Edition, theme: Theme, site_root: Path,
               labels: Mapping[str, str] | None = None, page_url: str = "") -> bytes:
    """The PDF of ``doc`` in ``edition`` (whose text ``doc`` already is)."""
    html = print_html(doc, edition=edition, theme=theme, site_root=site_root, labels=labels,
                      page_url=page_url)
    return html_to_pdf(html, theme=theme, site_root=site_root, source=doc.source or doc.id)


def html_to_pdf(html: str, *, theme: Theme, site_root: Path, source: str) -> bytes:
    """Lay out print HTML (from ``print_html``) and write the PDF; ``source`` names it in errors."""
    try:
        pdf = write_pdf(lay_out(html, theme=theme, site_root=site_root))
    except FatalURLFetchingError as exc:
        # WeasyPrint wraps the fetcher's refusal; give the user the refusal.
        cause = exc.__cause__
        if isinstance(cause, DocpubError):
            raise cause from None
        raise DocpubError(source, None, f"PDF: {exc}") from None
    return pdf


def lay_out(html: str, *, theme: Theme, site_root: Path) -> Any:
    """WeasyPrint's laid-out document of print HTML: Chinese lines justified between characters,
    the outline's titles as written."""
    fetcher = site_url_fetcher(site_root, theme)
    with inter_character_justification(), filled_page_refs():
        document = HTML(string=html, base_url=base_url(theme), url_fetcher=fetcher).render()
    _plain_bookmarks(document)
    return document


def write_pdf(document: Any) -> bytes:
    """The PDF file of a document from ``lay_out``; its fonts are subset in one pass
    (``writers/subset.py``) and its streams compressed at ``FLATE_LEVEL``."""
    with one_pass_subsetting(), _flate_level(FLATE_LEVEL):
        pdf = document.write_pdf(**PDF_OPTIONS)
    assert isinstance(pdf, bytes)
    return pdf


# pydyf compresses every stream at zlib's level 9. Most of a PDF's bytes are its two subset CJK
# faces (about 1 MB each before compression): level 6 compresses them in half the time (about
# 45 ms less a PDF) into 0.4 % more bytes.
FLATE_LEVEL = 6


@contextmanager
def _flate_level(level: int) -> Iterator[None]:
    """Within the block, pydyf's streams are compressed at ``level``."""
    original = pydyf.zlib
    pydyf.zlib = _Zlib(level)
    try:
        yield
    finally:
        pydyf.zlib = original


class _Zlib:
    """The ``zlib`` module as pydyf uses it, its compressors at another level."""

    def __init__(self, level: int) -> None:
        self.level = level

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        del level
        return zlib.compressobj(self.level, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


# The print HTML names files by these virtual URLs, never by where the site is on disk:
# WeasyPrint names a PDF's image resources after their URL, and nothing of the builder's
# file system may reach a PDF. Only the fetcher knows where the files really are.
THEME_URL = "file:///docpub/theme/"
SITE_URL = "file:///docpub/site/"

# Link schemes kept live in print; anything else (file:, javascript:, data:) is printed as text.
_LIVE_SCHEMES = ("http", "https", "mailto")


def _plain_bookmarks(document: Any) -> None:
    """The outline shows headings as written: without the typesetter's word joiners."""
    for page in document.pages:
        page.bookmarks = [(level, label.replace(WORD_JOINER, ""), *rest)
                          for level, label, *rest in page.bookmarks]


def base_url(theme: Theme) -> str:
    """Relative URLs in the print HTML (``static/print.css``) resolve in the theme: the fetcher
    looks them up in the site's templates folder first, then in the default theme."""
    del theme  # the same virtual folder for every theme
    return THEME_URL


def print_html(doc: Document, *, edition: Edition, theme: Theme, site_root: Path,
               labels: Mapping[str, str] | None = None, page_url: str = "") -> str:
    """The HTML that WeasyPrint lays out for ``render_pdf``.

    ``page_url`` is the document page's published URL: relative links in the text resolve
    against it. Without it they are printed as plain text, never as links into the builder's
    folders.
    """
    doc = _print_links(_site_images(doc, site_root), page_url)
    context = _context(doc, edition, {**_default_labels(edition.tag), **(labels or {})})
    # A kind's own print layout (print.resolution.html.j2 ...) if the theme has one.
    names = [f"print.{doc.meta.kind}.html.j2", TEMPLATE]
    return render_template(_environment(theme), names, theme, **context)


@lru_cache(maxsize=8)
def _environment(theme: Theme) -> jinja2.Environment:
    return jinja2.Environment(
        loader=theme.loader(), bytecode_cache=_bytecode_cache(), autoescape=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _default_labels(tag: str) -> dict[str, str]:
    return dict(_LABELS_HANT if tag.startswith("zh-Hant") else _LABELS_HANS)


class TocEntry(Struct, frozen=True):
    level: int
    id: str
    title: Markup


def _renderer(doc: Document, text: TextFn) -> NodeRenderer:
    """Print nodes with the print typesetter; each footnote's text goes where it is first called."""
    plain = renderer_for(doc, NodeRenderer(text=text, site_links=False))
    notes = {n.number: plain.footnote_body(n) for n in doc.footnotes}
    return replace(plain, footnote_text=notes)


def _context(doc: Document, edition: Edition, labels: Mapping[str, str]) -> dict[str, Any]:
    meta = doc.meta
    text = typesetter(edition.tag)
    render = _renderer(doc, text)
    letter = Markup("\n").join(x for x in (render.blocks(doc.body), render.sections(doc.sections)) if x)
    annex = None
    running = meta.symbol or meta.title
    toc = [TocEntry(s.level, s.id, render.inlines(_unlinked(s.title)))
           for s in iter_sections(doc.sections) if s.level <= 3]
    if doc.annex is not None:
        a = doc.annex
        annex = {
            "id": a.id,
            "caption": render.inlines(a.caption),
            "title": render.inlines(a.title),
            "toc": [TocEntry(s.level, s.id, render.inlines(_unlinked(s.title)))
                    for s in iter_sections(a.sections) if s.level <= 3],
            "body": Markup("\n").join(
                x for x in (render.blocks(a.blocks), render.sections(a.sections)) if x),
        }
        if meta.kind == "letter":  # a letter is known by its annex; other kinds by their own title
            running = meta.symbol or plain_text(a.title) or meta.title
    return {
        "lang": edition.tag,
        "title": meta.title,
        "author": meta.author or meta.author_en,
        "subject": meta.title_en,
        "keywords": meta.symbol,
        "created": meta.date.isoformat(),
        "font_css": _font_css(edition),
        "labels": labels,
        "page_css": _page_css(running=running, job=meta.job),
        "symbol": meta.symbol,
        "distribution": meta.distribution,
        "distributed": english_date(meta.date),
        "original_language": meta.original_language,
        "letter_title": text(meta.title),
        "kind": meta.kind,
        "caption": render.inlines(doc.caption),
        "toc": toc,
        "letter": letter,
        "annex": annex,
    }


def _page_css(*, running: str, job: str) -> Markup:
    """The running header: the symbol (or the title) at the top outer corner of every page
    but the first, whose masthead carries it; the first page's footer: the job number."""
    header = css_string(running)
    first = f"@bottom-left {{ content: {css_string(job)}; }}" if job else ""
    return Markup(
        f"@page :right {{ @top-right {{ content: {header}; }} }}\n"
        f"@page :left {{ @top-left {{ content: {header}; }} }}\n"
        f"@page :first {{ @top-right {{ content: none; }} {first} }}")


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: anything but letters, digits and spaces is escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _unlinked(title: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A heading's inlines without links: a contents entry is itself a link, and links don't nest."""

    def flatten(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for x in inlines:
            if not isinstance(x, FootnoteRef):  # the footnote is placed from the heading itself
                out.extend(x.children if isinstance(x, (Citation, Link)) else (x,))
        return tuple(out)

    return map_inline_seqs(title, flatten)


def english_date(d: date) -> str:
    """``30 November 2020``: the masthead is English in every edition (and no locale is consulted)."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _font_css(edition: Edition) -> Markup:
    """The edition's faces, named first so fontconfig never substitutes another region's glyphs.

    Sans is used only in bold (headings, the organ's name, the symbol): every
    face embedded costs about 150 KB even when subset, so the PDF carries two.
    """
    for name in (edition.font_serif, edition.font_sans):
        if not _FAMILY.fullmatch(name):
            raise DocpubError("docpub.toml", None,
                              f"edition '{edition.tag}': font family '{name}' has characters "
                              "other than letters, digits, spaces, '-' and '_'")
    serif, sans = f'"{edition.font_serif}", serif', f'"{edition.font_sans}", sans-serif'
    return Markup(
        f"html {{ font-family: {serif}; }}\n"
        f"h1, h2, h3, h4, h5, h6, .organ-zh, .symbol, .toc-heading {{ font-family: {sans}; }}")


def _site_images(doc: Document, site_root: Path) -> Document:
    """Point relative image paths at the document's folder, by its place in the site."""
    root = site_root.resolve()
    folder = (Path(doc.source).parent if doc.source else root / "content" / doc.id).resolve()
    if not folder.is_relative_to(root):
        raise DocpubError(doc.source or doc.id, None, "PDF: the document is outside the site folder")
    prefix = SITE_URL + "".join(f"{quote(part)}/" for part in folder.relative_to(root).parts)

    def fix(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return tuple(replace(x, src=prefix + x.src)
                     if isinstance(x, Image) and not _SCHEME.match(x.src) and not x.src.startswith("/")
                     else x for x in inlines)

    return map_inline_seqs(doc, fix)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _print_links(doc: Document, page_url: str) -> Document:
    """Links as print can follow them: web links stay, in-document anchors stay, relative links
    resolve against the page's published URL (or become text), and other schemes become text."""

    def fix(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for x in inlines:
            url = _print_url(x.url, page_url) if isinstance(x, Link) else None
            if isinstance(x, Link) and url is None:
                out.extend(x.children)
            elif isinstance(x, Link) and url is not None and url != x.url:
                out.append(replace(x, url=url))
            else:
                out.append(x)
        return tuple(out)

    return map_inline_seqs(doc, fix)


def _print_url(url: str, page_url: str) -> str | None:
    """Where a link leads in print, or None when it cannot lead anywhere outside the build."""
    if url.startswith("#"):
        return url
    scheme = _SCHEME.match(url)
    if scheme:
        return url if scheme.group()[:-1].lower() in _LIVE_SCHEMES else None
    if not page_url or url.startswith("//"):
        return None
    resolved = urljoin(page_url, url)
    return resolved if urlsplit(resolved).scheme in ("http", "https") else None


# --- the fetcher ---------------------------------------------------------------


class _SiteFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files under the site, and the theme's files through its search path; refuses the rest.

    ``fail_on_errors`` makes a refusal stop the render instead of WeasyPrint
    logging it and printing a PDF with a hole in it.
    """

    def __init__(self, site_root: Path, theme: Theme) -> None:
        super().__init__(fail_on_errors=True)
        self._site_root = site_root.resolve()
        self._theme = theme

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self._path(url)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise DocpubError(url, None, f"PDF resource cannot be read: {exc.strerror}") from None
        # A theme file keeps its URL in the site's templates folder, so what it refers to
        # (a font beside print.css) is looked up through the theme too.
        return URLFetcherResponse(url, body, {"Content-Type": media_type})

    def _path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raise DocpubError(url, None, "PDF resource refused: only the site's own files are used in print")
        if url.startswith(THEME_URL):
            name = unquote(url[len(THEME_URL):])
            if ".." in Path(name).parts:
                raise DocpubError(url, None, "PDF resource refused: outside the site folder")
            found = self._theme.find(name)
            if found is None:
                raise DocpubError(url, None, "PDF resource not found in the site's templates or the default theme")
            return found
        if not url.startswith(SITE_URL):
            raise DocpubError(url, None,
                              "PDF resource refused: only the site's own files are used in print")
        path = (self._site_root / unquote(url[len(SITE_URL):])).resolve()
        if not path.is_relative_to(self._site_root):
            raise DocpubError(url, None, "PDF resource refused: outside the site folder")
        if not path.is_file():
            raise DocpubError(url, None, "PDF resource not found")
        return path


def site_url_fetcher(site_root: Path, theme: Theme) -> _SiteFetcher:
    """A WeasyPrint URL fetcher that serves only files inside the site and its theme."""
    return _SiteFetcher(site_root, theme)
