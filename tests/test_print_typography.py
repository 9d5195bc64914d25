"""Print typography measured on the built PDFs: glyph positions from pdftotext -bbox, font sizes
and colours from the PDF's content streams (pypdf), never from the style sheet alone."""

from __future__ import annotations

import html
import io
import re
import subprocess
from collections import Counter, defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.pens.basePen import NullPen
from fontTools.ttLib import TTFont
from msgspec.structs import replace
from pypdf import PdfReader
from pypdf.generic import ContentStream

from docpub.model import Document, Meta, Paragraph, Text, iter_sections, plain_text
from docpub.templating import default_theme
from docpub.writers.pdf import render_pdf
from docpub.writers.typography import gap_positions, typeset
from test_writer_pdf import EDITIONS, _in_edition, seed_document

THEME = default_theme()
REPO = Path(__file__).resolve().parents[1]
BODY_PT = 11.0
MEASURE_PT = 42 * BODY_PT
HAN = re.compile("[\u3400-\u9fff]")


class Word(NamedTuple):
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


class Line(NamedTuple):
    page: int
    words: tuple[Word, ...]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def height(self) -> float:
        return max(w.y1 - w.y0 for w in self.words)

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)


def words(path: Path) -> list[Word]:
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    found = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page):
            found.append(Word(number, float(x0), float(y0), float(x1), float(y1), html.unescape(text)))
    return found


def lines(path: Path) -> list[Line]:
    """Words grouped by page and baseline, left to right, top to bottom."""
    rows: dict[tuple[int, int], list[Word]] = defaultdict(list)
    for w in words(path):
        rows[(w.page, round(w.y1))].append(w)
    return [Line(page, tuple(sorted(ws))) for (page, _), ws in sorted(rows.items())]


def write(tmp_path: Path, data: bytes, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@cache
def _seed_pdf(tag: str, folder: Path) -> Path:
    edition = EDITIONS[tag]
    data = render_pdf(_in_edition(seed_document(), edition), edition=edition, theme=THEME,
                      site_root=REPO)
    return write(folder, data, f"{tag}.pdf")


@pytest.fixture(scope="module")
def pdf_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("seed")


@pytest.fixture(params=["zh-Hans", "zh-Hant-HK"])
def seed_pdf(request: pytest.FixtureRequest, pdf_folder: Path) -> tuple[str, Path]:
    return request.param, _seed_pdf(request.param, pdf_folder)


# --- the right edge ----------------------------------------------------------------------


def _body_lines(path: Path) -> tuple[list[Line], float]:
    """Body text lines (11 pt, starting at the text's left edge or 2 em in), and the left edge."""
    height = _body_height(path)
    found = [x for x in lines(path) if HAN.search(x.text) and "…" not in x.text and abs(x.height - height) < 0.5]
    # The most common start (a line may start with a half-width opening mark drawn half an em
    # to the left of its nominal position).
    starts = [round(x.x0, 1) for x in found]
    left = max(set(starts), key=starts.count)
    return [x for x in found if abs(x.x0 - left) < 0.5 or abs(x.x0 - left - 2 * BODY_PT) < 0.5], left


def _body_height(path: Path) -> float:
    heights = [round(x.height, 1) for x in lines(path)]
    return max(set(heights), key=heights.count)


def test_full_lines_end_flush_with_the_right_margin(seed_pdf: tuple[str, Path]) -> None:
    tag, path = seed_pdf
    body, left = _body_lines(path)
    right = left + MEASURE_PT
    # A line is a full (non-final) one when the next line on its page continues its paragraph:
    # a continuation line starts at the left edge, a new paragraph 2 em in.
    full = [a for a, b in zip(body, body[1:], strict=False)
            if a.page == b.page and abs(b.x0 - left) < 0.5 and 0 < b.words[0].y0 - a.words[0].y0 < 2.5 * BODY_PT]
    assert len(full) >= 100, tag

    def flush(line: Line) -> bool:
        # A half-width mark at the end is measured by its full nominal width in the PDF's font.
        end = line.x1 - (BODY_PT / 2 if line.text[-1] in "，。、；：）”’」』》" and line.x1 > right + 0.5 else 0)
        return abs(end - right) <= 0.5

    ragged = [(x.x1 - right, x.text[-12:]) for x in full if not flush(x)]
    assert len(ragged) <= 0.05 * len(full), ragged


def test_copied_text_is_the_documents_text(seed_pdf: tuple[str, Path]) -> None:
    """Nothing inserted, nothing lost: every paragraph, spaces aside, in the PDF's text."""
    tag, path = seed_pdf
    pages = len(PdfReader(path).pages)
    # The text area only (no running header or page number), pages joined.
    text = "".join(subprocess.run(
        ["pdftotext", "-f", str(n), "-l", str(n), "-x", "0", "-y", "64", "-W", "595", "-H", "718",
         str(path), "-"], check=True, capture_output=True, text=True).stdout for n in range(1, pages + 1))
    flat = re.sub(r"\s", "", text)
    assert "\u2060" not in text
    doc = _in_edition(seed_document(), EDITIONS[tag])
    paragraphs = [plain_text(b.inlines) for s in iter_sections(doc.annex.sections) for b in s.blocks
                  if isinstance(b, Paragraph)]
    assert len(paragraphs) >= 30
    missing = [p for p in paragraphs if re.sub(r"\s", "", p) not in flat]
    assert missing == []


# --- numbers and their units ----------------------------------------------------------------


def test_a_number_never_parts_from_its_unit(tmp_path: Path) -> None:
    # Numbers at every position along the line, so some fall at its end.
    sentence = "安理会于2020年2月3日举行了第4次会议并通过了第2512(2020)号决议，共有15个成员出席。"
    paragraphs = tuple(Paragraph((Text("会" * k + sentence * 3),), f"p{k}") for k in range(42))
    doc = Document("units", "zh-Hans", Meta(title="测试", date=date(2021, 3, 1)), body=paragraphs)
    path = write(tmp_path, render_pdf(doc, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO))
    found = [x.text for x in lines(path) if HAN.search(x.text)]
    assert len(found) > 100
    split = [(a[-3:], b[:3]) for a, b in zip(found, found[1:], strict=False)
             if (re.search(r"[0-9)]$", a) and HAN.match(b)) or (a.endswith("第") and b[:1].isdigit())]
    assert split == []


# --- punctuation -------------------------------------------------------------------------------


def _ink_runs(path: Path, line: Line, dpi: int = 300) -> list[tuple[float, float]]:
    """Horizontal extents (points) of the inked column runs of ``line``, from a raster of it."""
    scale = dpi / 72
    args = ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(line.page), "-l", str(line.page),
            "-x", str(int(line.x0 * scale) - 20), "-y", str(int(line.words[0].y0 * scale)),
            "-W", str(int((line.x1 - line.x0) * scale) + 40), "-H", str(int(line.height * scale)), str(path)]
    data = subprocess.run(args, check=True, capture_output=True).stdout
    header = data.split(b"\n", 3)
    width, height = map(int, header[1].split())
    pixels = header[3]
    inked = [any(pixels[y * width + x] < 128 for y in range(height)) for x in range(width)]
    runs, start = [], None
    for x, ink in enumerate([*inked, False]):
        if ink and start is None:
            start = x
        elif not ink and start is not None:
            runs.append(((int(line.x0 * scale) - 20 + start) / scale, (int(line.x0 * scale) - 20 + x) / scale))
            start = None
    return runs


def test_centred_marks_in_traditional_faces_keep_clear_of_the_character_before(tmp_path: Path) -> None:
    # In Traditional faces the comma and colon sit in the centre of the em; halving them pulls
    # them onto the character before. The opening mark after them gives up its blank half instead.
    text = "他強調，《政治》與說：「好」"
    doc = Document("p", "zh-Hant-HK", Meta(title="測試", date=date(2021, 3, 1)), body=(Paragraph((Text(text),), "p1"),))
    path = write(tmp_path, render_pdf(doc, edition=EDITIONS["zh-Hant-HK"], theme=THEME, site_root=REPO))
    line = next(x for x in lines(path) if "強調" in x.text)
    runs = _ink_runs(path, line)
    origin = line.x0  # characters 1 em apart up to the first compressed pair
    for index in (text.index("，"), text.index("：") - 0.5):  # the colon comes after one compressed pair
        cell = origin + index * BODY_PT
        mark = [r for r in runs if cell - 0.1 * BODY_PT < r[0] and r[1] < cell + 1.1 * BODY_PT]
        before = max(r[1] for r in runs if r[1] <= mark[0][0])
        assert mark[0][0] - before > 0.35 * BODY_PT, (index, mark, before)  # halved: about 0.22 em
    assert line.x1 - line.x0 == pytest.approx((len(text) - 1) * BODY_PT, abs=0.6)  # two pairs, half an em each


def test_a_mark_pair_is_compressed_in_every_face(tmp_path: Path) -> None:
    text = "他強調，《政治協議》是唯一的框架。"
    for tag in ("zh-Hans", "zh-Hant-HK"):
        doc = Document("p", tag, Meta(title="測試", date=date(2021, 3, 1)), body=(Paragraph((Text(text),), "p1"),))
        path = write(tmp_path, render_pdf(doc, edition=EDITIONS[tag], theme=THEME, site_root=REPO), f"{tag}.pdf")
        line = next(x for x in lines(path) if "強調" in x.text)
        # 17 characters, one pair compressed by half an em.
        assert line.x1 - line.x0 == pytest.approx(16.5 * BODY_PT, abs=0.6), tag


# --- headings, title, colours ----------------------------------------------------------------


def _text_runs(reader: PdfReader) -> list[tuple[str, str, float]]:
    """(text, font name, size in points) of every text run."""
    runs: list[tuple[str, str, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip() and font is not None:
            runs.append((text.strip(), str(font.get("/BaseFont")), abs(size * tm[3] * cm[3]) or size))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return runs


def test_heading_levels_are_distinct_from_each_other_and_from_body() -> None:
    seed = seed_document()
    data = render_pdf(seed, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    runs = _text_runs(PdfReader(io.BytesIO(data)))
    sections = list(iter_sections(seed.annex.sections))

    def size_of(level: int) -> set[float]:
        titles = {plain_text(s.title) for s in sections if s.level == level}
        return {round(size, 1) for text, _, size in runs if text in titles and size > BODY_PT + 0.1} or {
            round(size, 1) for text, _, size in runs if text in titles}

    sizes = [round(size, 1) for text, _, size in runs if len(text) > 30]
    body = max(set(sizes), key=sizes.count)
    h2, h3 = size_of(2), size_of(3)
    assert body == BODY_PT
    assert min(h2) > max(h3) > BODY_PT + 1
    heading_fonts = {font for text, font, _ in runs if text in {plain_text(s.title) for s in sections}}
    assert any("Sans-CJK" in f and "Bold" in f for f in heading_fonts)


def test_the_letter_title_is_bold_and_flush_left(tmp_path: Path) -> None:
    seed = seed_document()
    path = write(tmp_path, render_pdf(seed, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO))
    first = [x for x in lines(path) if x.page == 1]
    body, left = _body_lines(path)
    title = next(x for x in first if x.text.startswith(seed.meta.title[:8]))
    assert abs(title.x0 - left) < 0.5
    assert title.height > _body_height(path) + 1


def test_citations_print_in_the_text_colour_and_stay_links() -> None:
    seed = seed_document()
    data = render_pdf(seed, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    reader = PdfReader(io.BytesIO(data))
    colours = set()
    for page in reader.pages:
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op in (b"rg", b"sc", b"scn", b"k", b"g"):
                colours.add(tuple(round(float(x), 3) for x in operands))
    assert colours <= {(0.0, 0.0, 0.0), (0.0,)}, colours
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots") or []
            if "/URI" in a.get_object().get("/A", {})]
    assert len(uris) >= 10


# --- UN layout ---------------------------------------------------------------------------------


def test_the_symbol_stands_top_right_and_heads_the_following_pages(tmp_path: Path) -> None:
    seed = seed_document()
    symbol = "S/2020/1150"
    doc = replace(seed, meta=replace(seed.meta, symbol=symbol))
    path = write(tmp_path, render_pdf(doc, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO))
    found = [w for w in words(path) if w.text == symbol]
    pages = len(PdfReader(path).pages)
    assert {w.page for w in found} == set(range(1, pages + 1))
    _, left = _body_lines(path)
    for w in found:
        assert w.y0 < 80, w  # at the top
        if w.page % 2:  # right-hand pages (the first is one): top right
            assert w.x1 > left + MEASURE_PT - 5, w
        else:
            assert w.x0 < left + 5, w


# --- headings on the site ----------------------------------------------------------------------


SECTIONS = """---
title: 测试文件
date: 2021-03-01
---

## 导言

安全理事会通过了决议。

### 布隆迪

安全理事会举行了会议。
"""


def test_site_heading_levels_are_distinct_and_none_is_smaller_than_the_text(
        tmp_path: Path, browser: Any) -> None:
    from browser import serve_folder
    from docpub.cli import main
    from sitekit import make_site

    site = make_site(tmp_path / "site", {"test-doc": SECTIONS})
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf"]) == 0
    with serve_folder(out) as base:
        browser.get(base + "zh-Hans/test-doc/index.html")
        sizes = browser.execute_script(
            "const px = (s, t) => parseFloat(getComputedStyle([...document.querySelectorAll(s)]"
            "  .find(e => e.textContent.includes(t))).fontSize);"
            "return [px('h2', '导言'), px('h3', '布隆迪'), px('p', '举行了会议')];")
    h2, h3, text = sizes
    assert h2 > h3 >= text * 1.05, sizes


GAPS = """---
title: 测试文件
date: 2021-03-01
---

执行主任Marie表示，第2512(2020)号决议，2月底，组织Je Klere基金会。
"""


def test_site_pages_show_a_gap_between_han_and_latin_without_a_character(tmp_path: Path, browser: Any) -> None:
    """The site draws the gap with CSS text-autospace (Chromium adds an eighth of an em to the
    advance of the character before it); the page's text is the document's."""
    from browser import serve_folder
    from docpub.cli import main
    from sitekit import make_site

    site = make_site(tmp_path / "site", {"test-doc": GAPS})
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf"]) == 0
    sentence = "执行主任Marie表示，第2512(2020)号决议，2月底，组织Je Klere基金会。"
    with serve_folder(out) as base:
        browser.get(base + "zh-Hans/test-doc/index.html")
        # Where each character starts, in ems, with the page's style and with text-autospace off.
        starts = browser.execute_script(
            "const p = [...document.querySelectorAll('p')].find(e => e.textContent.includes('执行主任'));"
            "const size = parseFloat(getComputedStyle(p).fontSize);"
            "const measure = () => { const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT),"
            "  range = document.createRange(), at = [];"
            "  for (let text = walk.nextNode(); text; text = walk.nextNode())"
            "    for (let i = 0; i < text.length; i++) { range.setStart(text, i); range.setEnd(text, i + 1);"
            "      at.push(range.getBoundingClientRect().left / size); }"
            "  return at; };"
            "const spaced = measure(); p.style.textAutospace = 'no-autospace'; const plain = measure();"
            "p.style.textAutospace = ''; return [p.textContent, spaced, plain];")
    text, spaced, plain = starts
    assert text == sentence
    # The gap each character boundary gains: the growth of the distance between two starts.
    gained = {sentence[i - 1:i + 1]: (spaced[i] - spaced[i - 1]) - (plain[i] - plain[i - 1])
              for i in range(1, len(sentence))}
    for pair in ("任M", "e表", "第2", "2月", "织J", "e基"):
        assert gained[pair] == pytest.approx(0.125, abs=0.01), pair
    assert max(g for pair, g in gained.items() if pair not in ("任M", "e表", "第2", "2月", "织J", "e基")) < 0.01


# --- full-width parentheses, per edition ---------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("会议(包括1次公开辩论)和", "会议（包括1次公开辩论）和"),
    ("发表了谈话(SC/14133)。", "发表了谈话（SC/14133）。"),
    ("以下事项：(a) 在实地", "以下事项：（a） 在实地"),
    ("第2512(2020)号决议", "第2512（2020）号决议"),
    ("(见附件)", "（见附件）"),
    ("Assessment (2020) of work", "Assessment (2020) of work"),  # Latin text
    ("一个(括号没有结束", "一个(括号没有结束"),  # unmatched
    ("结束)了", "结束)了"),
])
def test_ascii_parentheses_in_chinese_text_become_full_width(text: str, expected: str) -> None:
    from docpub.transforms.typography import fullwidth_parentheses

    doc = Document("p", "zh-Hans", Meta(title="t", date=date(2021, 3, 1)), body=(Paragraph((Text(text),), "p1"),))
    assert plain_text(fullwidth_parentheses(doc).body[0].inlines) == expected  # type: ignore[union-attr]


def test_a_pair_around_a_citation_or_in_code_is_judged_by_the_whole_run() -> None:
    from docpub.model import Citation, Code
    from docpub.transforms.typography import fullwidth_parentheses

    cited = Citation((Text("SC/14133"),), "SC/14133", "press_release", "https://press.un.org/x")
    inlines = (Text("谈话("), cited, Text(")。代码"), Code("f(x)"))
    doc = Document("p", "zh-Hans", Meta(title="t", date=date(2021, 3, 1)), body=(Paragraph(inlines, "p1"),))
    out = fullwidth_parentheses(doc).body[0].inlines  # type: ignore[union-attr]
    assert plain_text(out) == "谈话（SC/14133）。代码f(x)"
    assert out[1] == cited


PARENS = """---
title: 测试文件
date: 2021-03-01
---

安理会举行了26次公开会议(包括1次公开辩论)。
"""


def test_the_edition_option_turns_parentheses_full_width_in_its_pages_and_pdf(tmp_path: Path) -> None:
    from docpub.cli import main
    from sitekit import REPO as SITE_REPO
    from sitekit import make_site

    config = (SITE_REPO / "docpub.toml").read_text(encoding="utf-8").replace(
        'tag = "zh-Hant-HK"', 'tag = "zh-Hant-HK"\nfullwidth_parentheses = true', 1)
    assert "fullwidth_parentheses" in config
    site = make_site(tmp_path / "site", {"test-doc": PARENS}, config=config)
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out)]) == 0
    for tag, opening in (("zh-Hans", "("), ("zh-Hant-HK", "（")):
        folder = out / tag / "test-doc"
        text = subprocess.run(["pdftotext", str(folder / "test-doc.pdf"), "-"], check=True,
                              capture_output=True, text=True).stdout
        assert f"{opening}包括1" in text
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert f"{opening}包括1" in page


def test_the_edition_option_must_be_true_or_false(tmp_path: Path) -> None:
    from docpub.config import load_config
    from docpub.errors import DocpubError
    from sitekit import REPO as SITE_REPO
    from sitekit import make_site

    config = (SITE_REPO / "docpub.toml").read_text(encoding="utf-8").replace(
        'tag = "zh-Hans"', 'tag = "zh-Hans"\nfullwidth_parentheses = "yes"', 1)
    site = make_site(tmp_path / "site", config=config)
    with pytest.raises(DocpubError, match="'fullwidth_parentheses' must be true or false"):
        load_config(site)


def test_the_job_number_is_in_the_first_pages_footer_only(tmp_path: Path) -> None:
    seed = seed_document()
    job = "20-15807 (C)"
    doc = replace(seed, meta=replace(seed.meta, job=job))
    path = write(tmp_path, render_pdf(doc, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO))
    found = [w for w in words(path) if w.text in ("20-15807", "(C)")]
    assert {(w.page, w.text) for w in found} == {(1, "20-15807"), (1, "(C)")}
    _, left = _body_lines(path)
    start = min(w.x0 for w in found)
    assert start < left + 1 and min(w.y0 for w in found) > 842 - 22 / 25.4 * 72  # bottom left, below the text
    # Without a job number the footer has none.
    plain = write(tmp_path, render_pdf(seed, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO), "p.pdf")
    assert not [w for w in words(plain) if w.page == 1 and w.x0 < left + 1 and w.y0 > 842 - 22 / 25.4 * 72]


def test_the_job_number_is_read_from_the_front_matter(tmp_path: Path) -> None:
    from docpub.readers.markdown import read_file

    path = tmp_path / "zh-Hans.md"
    path.write_text("---\ntitle: 测试\ndate: 2021-03-01\njob: 21-03001 (C)\n---\n\n正文。\n", encoding="utf-8")
    assert read_file(path).meta.job == "21-03001 (C)"


# --- the Han-Latin gap --------------------------------------------------------------------------


class Glyph(NamedTuple):
    """One glyph as the PDF draws it, in the text space of its text object (CSS px)."""

    x: float  # origin
    size: float  # font size
    char: str  # its text (ToUnicode)
    advance: float  # its advance in the embedded font program (hmtx), in ems: the design width
    width: float  # its width in the PDF's width table (/W), in ems: what text extractors measure

    def gap_to(self, other: Glyph) -> float:
        """The blank between this glyph's design advance and the next glyph, in ems."""
        return (other.x - self.x) / self.size - self.advance

    def extracted_gap_to(self, other: Glyph) -> float:
        """The same as a text extractor measures it (by the glyph's /W width), in ems."""
        return (other.x - self.x) / self.size - self.width


_TEXT_OPS = re.compile(rb"(?<![\w/])(BT|ET)(?!\w)|((?:-?[\d.]+\s+){6})Tm|/(\S+)\s+(-?[\d.]+)\s+Tf|\[([^\]]*)\]\s*TJ")
_TJ_ITEMS = re.compile(rb"<([0-9a-fA-F]*)>|(-?[\d.]+)")


def glyph_runs(path: Path) -> list[list[Glyph]]:
    """The glyphs of each text object (one per text box: a line, or part of one), in order.

    Read from the content streams as WeasyPrint writes them: a text matrix, then fonts and
    TJ arrays of 2-byte glyph ids and offsets."""
    reader = PdfReader(path)
    programs: dict[int, Any] = {}
    runs: list[list[Glyph]] = []
    for page in reader.pages:
        fonts = {name[1:]: _pdf_font(font.get_object(), programs)
                 for name, font in page["/Resources"]["/Font"].items()}
        x, size, font, glyphs = 0.0, 0.0, None, []
        for m in _TEXT_OPS.finditer(page.get_contents().get_data()):
            op, matrix, name, font_size, items = m.groups()
            if op == b"BT":
                glyphs = []
            elif op == b"ET":
                runs.append(glyphs)
            elif matrix:
                x = float(matrix.split()[4])
            elif name:
                font, size = fonts[name.decode()], float(font_size)
            else:
                for hexes, number in _TJ_ITEMS.findall(items):
                    if number:
                        x -= float(number) / 1000 * size
                        continue
                    for k in range(0, len(hexes), 4):
                        gid = int(hexes[k:k + 4], 16)
                        to_unicode, widths, advance = font
                        glyph = Glyph(x, size, to_unicode.get(gid, ""), advance(gid), widths[gid] / 1000)
                        glyphs.append(glyph)
                        x += glyph.width * size
    return runs


def _pdf_font(font: Any, programs: dict[int, Any]) -> tuple[dict[int, str], dict[int, float], Any]:
    """A Type 0 font's ToUnicode map, its /W widths, and its font program's advance (ems) by glyph id."""
    to_unicode = {}
    for gid, text in re.findall(rb"<([0-9a-f]{4})> <([0-9a-f]*)>", font["/ToUnicode"].get_object().get_data()):
        to_unicode[int(gid, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    descendant = font["/DescendantFonts"][0].get_object()
    widths: dict[int, float] = {}
    w = list(descendant["/W"])
    for first, values in zip(w[::2], w[1::2], strict=True):
        for k, value in enumerate(values):
            widths[int(first) + k] = float(value)
    stream = descendant["/FontDescriptor"].get_object().raw_get("/FontFile3")
    key = stream.idnum
    if key not in programs:
        data = stream.get_object().get_data()
        if data[:4] == b"OTTO":  # an OpenType file, each glyph at its id
            program = TTFont(io.BytesIO(data))
            upem = program["head"].unitsPerEm
            hmtx = program["hmtx"]
            programs[key] = lambda gid: hmtx[program.getGlyphName(gid)][0] / upem
        else:  # a bare CID-keyed CFF program: a glyph by its CID, its advance in its charstring
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            top = cff[cff.fontNames[0]]
            scale = top.FontMatrix[0]

            def advance(cid: int, strings: Any = top.CharStrings, scale: float = scale) -> float:
                glyph = strings[f"cid{cid:05d}" if cid else ".notdef"]
                glyph.draw(NullPen())  # runs the charstring, which sets its width
                return float(glyph.width * scale)

            programs[key] = advance
    return to_unicode, widths, programs[key]


GAP_SENTENCES = ["执行主任Marie表示同意。", "第2512(2020)号决议。", "2月14日举行。", "组织Je Klere基金会。",
                 "增长了3.5%的比例。", "通过了PRST/2020/3号主席声明。"]


def _sentences_pdf(tmp_path: Path, tag: str) -> Path:
    # One short paragraph each: a last line, not justified.
    doc = Document("gaps", tag, Meta(title="测试", date=date(2021, 3, 1)),
                   body=tuple(Paragraph((Text(t),), f"p{k}") for k, t in enumerate(GAP_SENTENCES)))
    return write(tmp_path, render_pdf(doc, edition=EDITIONS[tag], theme=THEME, site_root=REPO), f"{tag}.pdf")


def _pairs(run: list[Glyph]) -> tuple[list[tuple[Glyph, Glyph]], list[tuple[Glyph, Glyph]]]:
    """The pairs of adjacent glyphs of ``run`` that a Han-Latin gap parts, and the other pairs."""
    text = "".join(g.char for g in run)
    at = set(gap_positions(text)) if len(text) == len(run) else set()
    pairs = list(zip(run, run[1:], strict=False))
    return [p for i, p in enumerate(pairs) if i in at], [p for i, p in enumerate(pairs) if i not in at]


@pytest.mark.parametrize("tag", ["zh-Hans", "zh-Hant-HK"])
def test_han_and_latin_stand_a_quarter_em_apart(tmp_path: Path, tag: str) -> None:
    runs = [r for r in glyph_runs(_sentences_pdf(tmp_path, tag))
            if "".join(g.char for g in r) in GAP_SENTENCES]
    assert len(runs) == len(GAP_SENTENCES)
    found = 0
    for run in runs:
        gapped, others = _pairs(run)
        for a, b in gapped:
            assert a.gap_to(b) == pytest.approx(0.25, abs=0.01), (a.char, b.char)
            found += 1
        for a, b in others:  # no other pair moves apart (kerning is a few hundredths of an em)
            assert abs(a.gap_to(b)) < 0.05, (a.char, b.char)
        # The gap is inside the glyph's width: an extractor sees the glyphs touch.
        assert max(abs(a.extracted_gap_to(b)) for a, b in zip(run, run[1:], strict=False)) < 0.05
    assert found == 13


def test_the_gaps_copy_as_the_text(tmp_path: Path) -> None:
    """pdftotext and pypdf read the sentences as written: no space where the gaps are."""
    path = _sentences_pdf(tmp_path, "zh-Hans")
    poppler = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    extracted = PdfReader(path).pages[0].extract_text()
    for sentence in GAP_SENTENCES:
        assert sentence in poppler.splitlines()
        assert sentence in extracted.splitlines()


def test_every_han_latin_boundary_of_the_seed_has_its_gap_and_copies_clean(seed_pdf: tuple[str, Path]) -> None:
    tag, path = seed_pdf
    runs = glyph_runs(path)
    gaps = [a.gap_to(b) for run in runs for a, b in _pairs(run)[0]]
    assert len(gaps) >= 150, len(gaps)
    # A justified line adds its share (under a tenth of an em) to every glyph, the gap's too.
    assert min(gaps) >= 0.25 - 0.005 and max(gaps) < 0.25 + 0.1, (min(gaps), max(gaps))
    # Nowhere do two glyphs of a text box stand far enough apart for an extractor to read a space.
    widest = max((a.extracted_gap_to(b), a.char + b.char) for run in runs for a, b in zip(run, run[1:], strict=False))
    assert widest[0] < 0.1, widest
    # And the text as pdftotext and pypdf copy it has no space at a Han-Latin boundary that the
    # document does not have ("(a) 在实地").
    doc = _in_edition(seed_document(), EDITIONS[tag])
    typeset_text = [html.unescape(re.sub("<[^>]+>", "", typeset(plain_text(b.inlines)))).replace("\u2060", "")
                    for s in iter_sections(doc.annex.sections) for b in s.blocks if isinstance(b, Paragraph)]
    between = re.compile("[\u3400-\u9fff] [0-9A-Za-z]|[0-9A-Za-z)%] [\u3400-\u9fff]")
    masthead = "联合国 United Nations" if tag == "zh-Hans" else "聯合國 United Nations"  # two words, 2 mm apart
    written = Counter(between.findall("\n".join([masthead, *typeset_text])))
    poppler = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert Counter(between.findall(poppler)) - written == Counter()
    assert Counter(between.findall("\n".join(p.extract_text() for p in PdfReader(path).pages))) - written == Counter()
    # The typeset text of each paragraph is in the copied text, line ends aside.
    flat = poppler.replace("\n", "")
    assert sum(t in flat for t in typeset_text) >= 0.8 * len(typeset_text)  # the rest run over a page


def test_a_gap_embeds_no_font_twice(seed_pdf: tuple[str, Path]) -> None:
    """The twin fonts that carry the gaps share their font's file: two faces, two font files."""
    _, path = seed_pdf
    reader = PdfReader(path)
    files, names = set(), set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            files.add(descendant["/FontDescriptor"].get_object().raw_get("/FontFile3").idnum)
            names.add(str(font["/BaseFont"]))
    assert len(files) == len(names) == 2
