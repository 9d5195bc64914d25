"""PDF writer benchmark: docpub's print layout against WeasyPrint alone on plain HTML.

    .venv/bin/python benchmarks/bench_pdf.py [--repeat N]

Lays out the seed document twice with the same WeasyPrint options: docpub's print HTML
(template, typesetting, style sheet) and plain HTML of the same text (headings, paragraphs,
a few lines of CSS in the same page geometry and faces, as a user's own script would make).
Prints best-of-N CPU times of layout and writing, text boxes and pages of each, and their
ratio; then, for every configured edition, the size of its PDF and the CPU time of writing
the same laid-out document with WeasyPrint's font subsetting (two passes a font) and with
docpub's (one), alternated.

``seed_document()`` is shared with tests/test_writer_pdf.py: the authored
Markdown when the reader and content exist, else a Document built from the
plain-text source, so the PDF writer can be measured on its own.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
SOURCE = Path(__file__).resolve().parents[2] / "shared" / "sources" / "assessment-belgium-2020-02.zh-Hans.txt"

EDITIONS = (  # the fonts each edition names; mirrors the site's docpub.toml
    ("zh-Hans", "简体中文", "", "Noto Serif CJK SC", "Noto Sans CJK SC"),
    ("zh-Hant", "繁體中文", "s2t", "Noto Serif CJK TC", "Noto Sans CJK TC"),
    ("zh-Hant-TW", "臺灣正體", "s2tw", "Noto Serif CJK TC", "Noto Sans CJK TC"),
    ("zh-Hant-HK", "香港繁體", "s2hk", "Noto Serif CJK HK", "Noto Sans CJK HK"),
)


def editions():  # type: ignore[no-untyped-def]
    from docpub.config import Edition

    return [Edition(tag=t, label=lab, opencc=cc, font_serif=serif, font_sans=sans)
            for t, lab, cc, serif, sans in EDITIONS]


def seed_document():  # type: ignore[no-untyped-def]
    """The Belgium assessment as a Document with linked citations."""
    try:
        from docpub.config import UrlTemplates
        from docpub.readers.markdown import read_file
        from docpub.transforms.citations import link_citations
    except ImportError:
        return document_from_source(SOURCE)
    if not CONTENT.exists():
        return document_from_source(SOURCE)
    return link_citations(read_file(CONTENT), urls=UrlTemplates())


# --- stand-in reader for the plain-text source -----------------------------------

_REGIONS = {"导言", "非洲", "美洲", "亚洲", "欧洲", "中东", "专题问题和其他问题"}
_CITE = re.compile(
    r"第\s*(?P<res>\d+\(\d{4}\))号决议|(?P<press>SC/\d+)|(?P<prst>(?:S/)?PRST/\d{4}/\d+)"
    r"|(?P<doc>S/\d{4}/\d+)")
_HAN_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\x20(?=\d)|(?<=\d)\x20(?=[\u4e00-\u9fff])")


def document_from_source(path: Path):  # type: ignore[no-untyped-def]
    """A faithful-enough Document from the UN plain text (no reader needed)."""
    from docpub.anchors import AnchorSet, slugify
    from docpub.model import Annex, Document, Meta, Paragraph, Section, Signature, Text

    lines = [_HAN_SPACE.sub("", x.strip()) for x in path.read_text("utf-8").splitlines()]
    lines = [x for x in lines if x]
    lines = lines[lines.index("Original: English") + 1:]
    title, lines = lines[0], lines[1:]
    caption_at = next(i for i, x in enumerate(lines) if x.endswith("的附件"))
    body, sign = lines[:caption_at - 3], lines[caption_at - 3:caption_at]
    caption, annex_title, rest = lines[caption_at], lines[caption_at + 1], lines[caption_at + 2:]
    anchors, counter = AnchorSet(), iter(range(1, 10_000))

    def para(text: str) -> Paragraph:
        return Paragraph(_inlines(text), id=f"p{next(counter)}")

    regions: list[Section] = []
    current: list = [None, [], []]  # region title, region blocks, countries
    country: list | None = None
    pending = ""
    for line in rest:
        if pending:
            line, pending = pending + line, ""
        if len(line) > 40 and line[-1] not in "。！？”)":
            pending = line  # a paragraph split at a page break
            continue
        if len(line) <= 40 and line[-1] not in "。！？”":
            if country:
                current[2].append(country)
            country = None
            if line in _REGIONS:
                if current[0]:
                    regions.append(_section(2, *current, anchors, slugify))
                current = [line, [], []]
            else:
                country = [line, []]
            continue
        (country[1] if country else current[1]).append(para(line))
    if country:
        current[2].append(country)
    regions.append(_section(2, *current, anchors, slugify))
    meta = Meta(
        title=title, date=date(2020, 11, 30), letter_date=date(2020, 11, 9),
        title_en="Letter dated 9 November 2020 from the Permanent Representative of Belgium to "
                 "the United Nations addressed to the President of the Security Council",
        original_language="English", author="比利时常驻联合国代表",
        annex_title_en="Assessment of the work of the Security Council during the presidency "
                       "of Belgium (February 2020)")
    return Document(
        id="assessment-belgium-2020-02", lang="zh-Hans", meta=meta,
        body=(*(para(x) for x in body), Signature(tuple((Text(x),) for x in sign))),
        annex=Annex(caption=(Text(caption),), title=(Text(annex_title),), sections=tuple(regions)))


def _section(level, title, blocks, subs, anchors, slugify):  # type: ignore[no-untyped-def]
    from docpub.model import Section, Text

    sid = anchors.claim(slugify(title))
    children = tuple(Section(3, (Text(t),), anchors.claim(slugify(t)), tuple(b)) for t, b in subs)
    return Section(level, (Text(title),), sid, tuple(blocks), children)


def _inlines(text: str):  # type: ignore[no-untyped-def]
    from docpub.model import Citation, Text

    out: list = []
    pos = 0
    for m in _CITE.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos:m.start()]))
        if m["res"]:
            sym, kind, url = f"S/RES/{m['res']}", "resolution", f"https://undocs.org/zh/S/RES/{m['res']}"
        elif m["press"]:
            sym, kind = m["press"], "press_release"
            url = f"https://press.un.org/en/2020/sc{m['press'][3:]}.doc.htm"
        elif m["prst"]:
            sym = m["prst"] if m["prst"].startswith("S/") else "S/" + m["prst"]
            kind, url = "presidential_statement", f"https://undocs.org/zh/{sym}"
        else:
            sym, kind, url = m["doc"], "document", f"https://undocs.org/zh/{m['doc']}"
        out.append(Citation((Text(m.group()),), sym, kind, url))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return tuple(out)


# --- the baseline: WeasyPrint alone on plain HTML of the same text ----------------

# What a user's own script would print (pandoc's standalone HTML of the same text, a few lines
# of CSS), in the same page geometry, faces and leading as the print style sheet, so the two
# lay out about the same lines on the same number of pages.
PLAIN_CSS = """
@page { size: A4; margin: 24mm 22mm 22mm 22mm; @bottom-center { content: counter(page); } }
html { font-family: "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 1.75; }
h1, h2, h3 { font-family: "Noto Sans CJK SC", sans-serif; line-height: 1.5; }
"""


def plain_html(doc) -> str:  # type: ignore[no-untyped-def]
    """The document's text as plain HTML: headings, paragraphs, a list of its sections."""
    from markupsafe import escape

    from docpub.model import iter_sections, plain_text
    from docpub.writers.nodes import NodeRenderer

    render = NodeRenderer()
    parts = [f"<h1>{escape(doc.meta.title)}</h1>", render.blocks(doc.body), render.sections(doc.sections)]
    if doc.annex is not None:
        toc = "".join(f"<li>{escape(plain_text(s.title))}</li>" for s in iter_sections(doc.annex.sections))
        parts += [f"<p>{render.inlines(doc.annex.caption)}</p>", f"<h1>{render.inlines(doc.annex.title)}</h1>",
                  f"<ul>{toc}</ul>", render.blocks(doc.annex.blocks), render.sections(doc.annex.sections)]
    return (f'<!DOCTYPE html><html lang="{doc.lang}"><head><meta charset="utf-8"><title>x</title>'
            f"<style>{PLAIN_CSS}</style></head><body>{''.join(parts)}</body></html>")


# --- the benchmark ---------------------------------------------------------------


class Timing(NamedTuple):
    layout: float  # HTML(...).render(): styles, boxes, line breaking, pagination
    write: float  # Document.write_pdf(): drawing and the PDF file
    pages: int
    text_boxes: int
    size: int


def measure(make_html, lay_out, write_pdf, repeat: int) -> Timing:  # type: ignore[no-untyped-def]
    """Best-of-``repeat`` CPU times (other processes on the machine do not count) of one PDF."""
    layout = write = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        document = lay_out(make_html())
        t1 = time.process_time()
        data = write_pdf(document)
        t2 = time.process_time()
        layout, write = min(layout, t1 - t0), min(write, t2 - t1)
    boxes = sum(_text_boxes(page._page_box) for page in document.pages)
    return Timing(layout, write, len(document.pages), boxes, len(data))


def _text_boxes(box) -> int:  # type: ignore[no-untyped-def]
    from weasyprint.formatting_structure.boxes import TextBox

    return int(isinstance(box, TextBox)) + sum(_text_boxes(c) for c in getattr(box, "children", ()) or ())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from pypdf import PdfReader
    from weasyprint import HTML

    from docpub.config import load_config
    from docpub.writers import pdf as writer

    doc = seed_document()
    theme = load_config(ROOT).theme
    hans = editions()[0]
    fetcher = writer.site_url_fetcher(ROOT, theme)

    def ours() -> str:  # the template and the typesetting count as docpub's
        return writer.print_html(doc, edition=hans, theme=theme, site_root=ROOT)

    def docpub_layout(html: str):  # type: ignore[no-untyped-def]
        if hasattr(writer, "lay_out"):  # with its own justification pass
            return writer.lay_out(html, theme=theme, site_root=ROOT)
        return HTML(string=html, base_url=writer.base_url(theme), url_fetcher=fetcher).render()

    def weasyprint_alone(html: str):  # type: ignore[no-untyped-def]
        return HTML(string=html, base_url=writer.base_url(theme), url_fetcher=fetcher).render()

    writer.render_pdf(doc, edition=hans, theme=theme, site_root=ROOT)  # warm-up: fontconfig, fonts
    def weasyprint_write(document):  # type: ignore[no-untyped-def]
        return document.write_pdf(**writer.PDF_OPTIONS)

    # docpub's own writing when it has one (fonts subset in one pass)
    docpub_write = getattr(writer, "write_pdf", weasyprint_write)
    t_ours = measure(ours, docpub_layout, docpub_write, args.repeat)
    t_plain = measure(lambda: plain_html(doc), weasyprint_alone, weasyprint_write, args.repeat)
    print(f"source:          {'content Markdown' if CONTENT.exists() else SOURCE.name}")
    print(f"CPU seconds, best of {args.repeat}: layout (render) + write (draw, PDF)")
    for name, t in (("docpub print", t_ours), ("plain HTML", t_plain)):
        print(f"  {name:<14} {t.layout:6.3f} + {t.write:6.3f} = {t.layout + t.write:6.3f} s   "
              f"{t.pages} pages, {t.text_boxes} text boxes, {t.size / 1024:.0f} KB")
    print(f"ratio layout:    {t_ours.layout / t_plain.layout:.2f}")
    print(f"ratio total:     {(t_ours.layout + t_ours.write) / (t_plain.layout + t_plain.write):.2f}")

    try:
        from docpub.transforms.editions import convert_document, converter_for
    except ImportError:
        print("editions:        docpub.transforms.editions not available; skipped")
        return 0
    t = time.perf_counter()
    subsetting: dict[str, list[float]] = {"two": [], "one": []}
    for edition in editions():
        converted = convert_document(doc, converter=converter_for(edition, None))
        data = writer.render_pdf(converted, edition=edition, theme=theme, site_root=ROOT)
        n = len(PdfReader(io.BytesIO(data)).pages)
        print(f"  {edition.tag:<12} {n} pages, {len(data) / 1024:.0f} KB")
        if hasattr(writer, "write_pdf"):
            html = writer.print_html(converted, edition=edition, theme=theme, site_root=ROOT)
            _writes(writer.lay_out(html, theme=theme, site_root=ROOT), writer, args.repeat, subsetting)
    print(f"all editions:    {time.perf_counter() - t:.2f} s")
    if subsetting["one"]:
        two, one = (sorted(v)[len(v) // 2] for v in (subsetting["two"], subsetting["one"]))
        print(f"writing, CPU median of {len(subsetting['one'])}: fonts subset in two passes {two:.3f} s, "
              f"in one {one:.3f} s ({1 - one / two:.0%} less)")
    return 0


def _writes(document, writer, repeat: int, times: dict[str, list[float]]) -> None:  # type: ignore[no-untyped-def]
    """The CPU time of writing ``document`` as WeasyPrint does and as docpub does, alternated."""
    for i in range(repeat):
        for mode in ("two", "one") if i % 2 else ("one", "two"):
            start = time.process_time()
            if mode == "one":
                writer.write_pdf(document)
            else:
                document.write_pdf(**writer.PDF_OPTIONS)
            times[mode].append(time.process_time() - start)


if __name__ == "__main__":
    sys.exit(main())
