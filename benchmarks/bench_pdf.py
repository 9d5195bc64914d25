"""PDF writer benchmark: render_pdf against WeasyPrint alone on the same print HTML.

    .venv/bin/python benchmarks/bench_pdf.py [--repeat N]

Prints the best-of-N time of ``render_pdf`` (template + typesetting + layout +
PDF) and of ``HTML(string).write_pdf`` with the same fetcher and options, their
ratio, the page count and size; then, when the edition transform is there,
the size of every configured edition's PDF rendered in this one process.

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


# --- the benchmark ---------------------------------------------------------------


def _best(fn, repeat: int) -> tuple[float, bytes]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), b""
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from pypdf import PdfReader
    from weasyprint import HTML

    from docpub.config import load_config
    from docpub.writers.pdf import PDF_OPTIONS, base_url, print_html, render_pdf, site_url_fetcher

    doc = seed_document()
    theme = load_config(ROOT).theme
    hans = editions()[0]
    html = print_html(doc, edition=hans, theme=theme, site_root=ROOT)

    def ours() -> bytes:
        return render_pdf(doc, edition=hans, theme=theme, site_root=ROOT)

    def alone() -> bytes:
        return HTML(string=html, base_url=base_url(theme),  # type: ignore[no-any-return]
                    url_fetcher=site_url_fetcher(ROOT, theme)).write_pdf(**PDF_OPTIONS)

    ours()  # warm-up: fontconfig and font files, for both
    t_ours, pdf = _best(ours, args.repeat)
    t_alone, _ = _best(alone, args.repeat)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"source:          {'content Markdown' if CONTENT.exists() else SOURCE.name}")
    print(f"render_pdf:      {t_ours:.3f} s (best of {args.repeat})")
    print(f"WeasyPrint only: {t_alone:.3f} s")
    print(f"ratio:           {t_ours / t_alone:.2f}")
    print(f"zh-Hans:         {pages} pages, {len(pdf) / 1024:.0f} KB")

    try:
        from docpub.transforms.editions import convert_document
    except ImportError:
        print("editions:        docpub.transforms.editions not available; skipped")
        return 0
    t = time.perf_counter()
    for edition in editions():
        converted = convert_document(doc, edition=edition, root=ROOT)
        data = render_pdf(converted, edition=edition, theme=theme, site_root=ROOT)
        n = len(PdfReader(io.BytesIO(data)).pages)
        print(f"  {edition.tag:<12} {n} pages, {len(data) / 1024:.0f} KB")
    print(f"all editions:    {time.perf_counter() - t:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
