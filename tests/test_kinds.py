"""Standard Markdown and the document kinds: fixtures read, rendered as pages and printed.

Each fixture under tests/fixtures/kinds/ has a golden model (JSON, as ``docpub model``
prints it) and a golden page; the PDFs are checked for structure: pages, outline,
text, and where the footnotes sit.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from browser import VNU_JAR, missing_tools
from docpub.cli import main
from docpub.config import Edition, UrlTemplates
from docpub.errors import DocpubError, ManyErrors
from docpub.model import (
    Citation,
    CodeBlock,
    Document,
    Footnote,
    FootnoteRef,
    Link,
    NumberedParagraph,
    OrderedList,
    Paragraph,
    Rule,
    SubParagraph,
    Table,
    TableCell,
    Text,
    iter_sections,
    plain_text,
)
from docpub.readers.markdown import read_file, read_markdown
from docpub.readers.untext import read_untext
from docpub.readers.untext.kinds import detect_kind
from docpub.templating import default_theme
from docpub.transforms.citation_grammar import find_symbols
from docpub.transforms.citations import link_citations
from docpub.transforms.corpus import paragraph_anchor
from docpub.writers.html import Alternate, HtmlWriter, Nav, load_labels
from docpub.writers.json import model_to_json
from docpub.writers.markdown import write_markdown
from docpub.writers.pdf import render_pdf
from gates import vnu_errors
from sitekit import make_site

REPO = Path(__file__).resolve().parents[1]
THEME = default_theme()
FIXTURES = REPO / "tests" / "fixtures" / "kinds"
GOLDEN = REPO / "tests" / "golden" / "kinds"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.md"))
ZH_HANS = Edition(tag="zh-Hans", label="简体中文")


def load(name: str) -> Document:
    return link_citations(read_file(FIXTURES / f"{name}.md", doc_id=name), urls=UrlTemplates())


def read(body: str, front: str = "date: 2021-01-01\n") -> Document:
    return read_markdown(f"---\n{front}---\n{body}", doc_id="d", source="d.md")


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(DocpubError) as info:
        read_markdown(text, doc_id="d", source="d.md")
    exc = info.value
    found = exc.problems if isinstance(exc, ManyErrors) else [exc.problem]
    return [(p.line, p.reason) for p in found]


def check_golden(path: Path, text: str, regen: bool) -> None:
    if regen or os.environ.get("DOCPUB_REGEN_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs; regenerate and read the diff"


def page(doc: Document) -> str:
    nav = Nav(edition=ZH_HANS, root="../../", labels=load_labels(THEME), pdf_href=f"{doc.id}.pdf",
              alternates=(Alternate("zh-Hans", "简体中文", f"../../zh-Hans/{doc.id}/index.html", True),))
    writer = HtmlWriter(THEME, site_title="安全理事会文件", site_title_en="Security Council documents")
    return writer.render_document(doc, nav)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("kinds")
    paths = {}
    for name in NAMES:
        paths[name] = out / f"{name}.pdf"
        paths[name].write_bytes(render_pdf(load(name), edition=ZH_HANS, theme=THEME, site_root=REPO))
    return paths


# --- goldens -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_golden_model(name: str, regen_golden: bool) -> None:
    check_golden(GOLDEN / f"{name}.json", model_to_json(load(name)), regen_golden)


@pytest.mark.parametrize("name", NAMES)
def test_golden_page(name: str, regen_golden: bool) -> None:
    check_golden(GOLDEN / f"{name}.html", page(load(name)), regen_golden)


@pytest.mark.parametrize("name", NAMES)
def test_written_markdown_reads_back_as_the_same_model(name: str) -> None:
    doc = read_file(FIXTURES / f"{name}.md", doc_id=name)
    again = read_markdown(write_markdown(doc), doc_id=doc.id, source=doc.source, lang=doc.lang)
    assert again == doc


# --- standard Markdown -----------------------------------------------------------


def test_the_first_level_one_heading_is_the_title_without_front_matter_title() -> None:
    doc = read("# 说明\n\n正文。\n\n# 背景\n\n## 细节\n\n内容。\n")
    assert doc.meta.title == "说明"
    assert [(s.level, s.id) for s in doc.sections] == [(1, "背景")]
    assert doc.sections[0].subsections[0].title == (Text("细节"),)


def test_with_a_front_matter_title_level_one_headings_are_sections() -> None:
    doc = read("# 一\n\n甲。\n\n# 二\n\n乙。\n", front="title: 标题\ndate: 2021-01-01\n")
    assert doc.meta.title == "标题"
    assert [s.id for s in doc.sections] == ["一", "二"]
    html = page(doc)
    assert '<h2 class="heading">一</h2>' in html  # under the page's one h1, the title
    assert html.count("<h1") == 1


def test_level_one_headings_in_the_annex_after_its_title_are_sections() -> None:
    doc = read("信。\n\n::: annex 附件\n\n# 附件标题\n\n# 第一部分\n\n文。\n:::\n",
               front="title: t\ndate: 2021-01-01\n")
    assert doc.annex is not None and doc.annex.title == (Text("附件标题"),)
    assert [(s.level, s.id) for s in doc.annex.sections] == [(1, "第一部分")]


def test_no_title_anywhere_is_an_error_on_line_1() -> None:
    assert problems("---\ndate: 2021-01-01\n---\n正文。\n") == [
        (1, "no title: give the front matter a 'title:' or start the text with a '# ' heading")]


def test_tables_keep_cells_alignment_and_citations() -> None:
    doc = load("plain")
    table = next(b for b in doc.sections[0].blocks if isinstance(b, Table))
    assert table.align == ("left", "right", "center")
    assert [c.inlines for c in table.head[0].cells] == [(Text("特派团"),), (Text("人员"),), (Text("事件"),)]
    assert table.rows[0].cells[2] == TableCell((Text("12"), FootnoteRef(2)))
    cited = table.rows[1].cells[2].inlines[1]
    assert isinstance(cited, Citation) and cited.symbol == "S/PV.8772"


def test_footnotes_are_numbered_by_first_call_and_hold_their_paragraphs() -> None:
    doc = load("plain")
    assert [n.number for n in doc.footnotes] == [1, 2]
    assert isinstance(doc.footnotes[1], Footnote) and len(doc.footnotes[1].blocks) == 2
    assert doc.footnotes[1].id == "fn2"
    assert doc.body[0].inlines[-1] == FootnoteRef(1)  # type: ignore[union-attr]


def test_footnote_mistakes_are_reported_with_their_lines() -> None:
    text = "---\ntitle: t\ndate: 2021-01-01\n---\n甲[^a]乙[^b]。\n\n[^a]: 注。\n\n[^c]: 没有调用。\n"
    assert problems(text) == [
        (5, "footnote '[^b]' is not defined: add a line '[^b]: text' (or write '\\[^' for the characters)"),
        (9, "footnote '[^c]' is never called: add '[^c]' where it belongs in the text, or delete it"),
    ]


def test_code_blocks_and_rules_are_kept() -> None:
    doc = read("```text\n第2512(2020)号决议\n```\n\n    缩进\n\n***\n", front="title: t\ndate: 2021-01-01\n")
    assert doc.body == (CodeBlock("第2512(2020)号决议", "text"), CodeBlock("缩进"), Rule())
    linked = link_citations(doc, urls=UrlTemplates())
    assert linked.body[0] == CodeBlock("第2512(2020)号决议", "text")  # verbatim: never linked


def test_the_page_lists_footnotes_after_the_text_and_links_calls_to_them() -> None:
    html = page(load("plain"))
    assert '<sup class="fnref"><a href="#fn1" role="doc-noteref">1</a></sup>' in html
    assert '<li id="fn2" value="2">' in html
    assert re.search(r'<th class="align-right">人员</th>', html)


# --- print ---------------------------------------------------------------------


def words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, yMin, page height, word) for every word pdftotext finds."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    found = []
    for n, page_xml in enumerate(out.split("<page ")[1:], 1):
        height = float(re.search(r'height="([\d.]+)"', page_xml).group(1))  # type: ignore[union-attr]
        for m in re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>',
                             page_xml):
            found.append((n, float(m.group(1)), height, m.group(2)))
    return found


def first(found: list[tuple[int, float, float, str]], text: str) -> tuple[int, float, float, str]:
    return next(w for w in found if text in w[3])


def test_footnotes_print_at_the_foot_of_the_page_that_calls_them(pdfs: dict[str, Path]) -> None:
    found = words(pdfs["plain"])
    call = first(found, "本说明按通常的")
    note = first(found, "号文件编写")
    last_body = first(found, "建议各方加强合作")
    assert note[0] == call[0]
    assert note[1] > last_body[1]  # below all of the text
    assert note[1] > 0.75 * note[2]  # in the bottom quarter of the page


def test_plain_markdown_prints_its_title_and_sections_in_the_outline(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(io.BytesIO(pdfs["plain"].read_bytes()))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[0] == "关于维和人员安全的说明"
    assert "背景" in [o.title for o in _flat(reader.outline)]


def _flat(items: list[object]) -> list[object]:
    out: list[object] = []
    for x in items:
        out.extend(_flat(x) if isinstance(x, list) else [x])
    return out


def test_tables_print_with_their_rows(pdfs: dict[str, Path]) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(pdfs["plain"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(r"联刚稳定团\s+15 000\s+12", text)


def test_paragraph_with_a_lone_footnote_call() -> None:
    doc = read("[^1]\n\n[^1]: 注。\n", front="title: t\ndate: 2021-01-01\n")
    assert doc.body == (Paragraph((FootnoteRef(1),), "p1"),)


# --- kinds: structure ------------------------------------------------------------

RES_FRONT = "kind: resolution\nsymbol: S/RES/2999 (2031)\ndate: 2031-03-15\nmeeting: 9901\nmeeting_date: 2031-03-14\n"


def numbered_ids(blocks: tuple[object, ...]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, (NumberedParagraph, SubParagraph)):
            out.append(b.id)
            out.extend(numbered_ids(b.blocks))
        elif isinstance(b, Paragraph):
            out.append(b.id)
    return out


def test_a_resolution_has_its_preamble_operative_paragraphs_and_sub_paragraphs() -> None:
    doc = load("resolution")
    assert doc.meta.kind == "resolution"
    assert doc.meta.title == "第2999(2031)号决议"  # from the symbol, as the UN titles it
    assert plain_text(doc.caption) == "2031年3月14日安全理事会第9901次会议通过"
    assert numbered_ids(doc.body) == ["pp1", "pp2", "pp3", "p1", "p2", "p2-a", "p2-b", "p2-b-i", "p2-b-ii",
                                      "p2-c", "p3", "p4"]
    p2 = doc.body[4]
    assert isinstance(p2, NumberedParagraph) and p2.number == 2 and plain_text(p2.inlines) == "请秘书长："
    b = p2.blocks[1]
    assert isinstance(b, SubParagraph) and b.label == "b" and [s.label for s in b.blocks] == ["i", "ii"]  # type: ignore[union-attr]


def test_a_report_numbers_paragraphs_through_its_headings() -> None:
    doc = load("report")
    assert [numbered_ids(s.blocks) for s in iter_sections(doc.sections)] == [
        ["p1", "p2"], ["p3"], ["p4", "p5", "p5-a", "p5-b"]]
    assert doc.annex is not None and isinstance(doc.annex.blocks[0], Table)
    assert [n.id for n in doc.footnotes] == ["fn1", "fn2"]


def test_a_statement_has_its_header_and_unnumbered_paragraphs() -> None:
    doc = load("statement")
    assert doc.meta.title == "安全理事会主席的声明"
    assert plain_text(doc.caption).startswith("在2031年5月20日举行的安全理事会第9930次会议上")
    assert "“维持国际和平与安全”" in plain_text(doc.caption)
    assert numbered_ids(doc.body) == ["p1", "p2", "p3"]


def test_a_numbered_statement_anchors_other_paragraphs_apart() -> None:
    front = ("kind: presidential-statement\ndate: 2031-01-01\nmeeting: 1\nmeeting_date: 2031-01-01\n"
             "agenda_item: 项目\n")
    doc = read("引言。\n\n1. 甲。\n\n2. 乙。\n", front=front)
    assert numbered_ids(doc.body) == ["u1", "p1", "p2"]


def test_a_letter_keeps_its_numbered_lists_as_lists() -> None:
    doc = read("1. 甲\n2. 乙\n", front="title: t\ndate: 2021-01-01\n")
    assert isinstance(doc.body[0], OrderedList)


@pytest.mark.parametrize("body, line, reason", [
    ("1. 甲\n\n3. 丙\n", 7, "paragraph 3 follows paragraph 1: number the paragraphs 1, 2, 3 ... without gaps"),
    ("2. 甲\n", 5, "paragraph 2 comes first"),
    ("1. 甲\n\n(a) 乙\n", 7, "sub-paragraph (a) must be indented under its numbered paragraph"),
    ("1. 甲\n\n   (a) 乙\n\n   (c) 丙\n", 9, "sub-paragraph (c) of paragraph 1 is out of order; expected (b)"),
    ("1. 甲\n\n   (b) 乙\n", 7, "sub-paragraph (b) of paragraph 1 is out of order; start with (a) or (i)"),
    ("1. 甲\n\n又及。\n", 7, "in a resolution the text after the first operative paragraph is numbered"),
])
def test_numbering_mistakes_are_reported_with_their_lines(body: str, line: int, reason: str) -> None:
    found = problems(f"---\n{RES_FRONT}---\n{body}")
    assert any(got_line == line + 3 and reason in got for got_line, got in found), found


def test_report_numbering_that_restarts_after_a_heading_is_an_error() -> None:
    text = "---\ntitle: 报告\nkind: report\ndate: 2031-01-01\n---\n# 一\n\n1. 甲\n\n# 二\n\n1. 乙\n"
    assert problems(text) == [(12, "paragraph 1 follows paragraph 1: number the paragraphs 1, 2, 3 ... "
                                   "without gaps, continuing through headings")]


def test_front_matter_of_kinds_is_checked() -> None:
    assert problems("---\ntitle: t\nkind: resolutoin\ndate: 2031-01-01\n---\n") == [
        (3, "unknown kind 'resolutoin' (did you mean 'resolution'?); known: letter, resolution, "
            "presidential-statement, report")]
    assert problems("---\nkind: resolution\nsymbol: S/RES/1 (2031)\ndate: 2031-01-01\n---\n1. 甲\n") == [
        (1, "a resolution needs 'meeting', 'meeting_date' in the front matter (the meeting that adopted it)")]
    assert problems("---\ntitle: t\ndate: 2031-01-01\nmeeting: 第9901次\n---\n")[0][0] == 4


# --- kinds: pages and print --------------------------------------------------------


def test_each_kind_has_its_page_layout() -> None:
    res = page(load("resolution"))
    assert '<article class="resolution" id="letter">' in res
    assert '<p class="adoption">2031年3月14日安全理事会<a class="citation cite-meeting"' in res
    assert '<div class="para sub" id="p2-b-i">\n<p><span class="num">(i)</span>特派团的人员规模；</p>' in res
    statement = page(load("statement"))
    assert '<article class="statement" id="letter">' in statement and 'class="statement-header"' in statement
    report = page(load("report"))
    assert '<article class="report" id="letter">' in report
    assert report.index('id="contents"') < report.index('id="p1"')


def outline(pdf: Path) -> list[tuple[int, str]]:
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))

    def walk(items: list[object], depth: int) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for x in items:
            out.extend(walk(x, depth + 1) if isinstance(x, list) else [(depth, x.title)])  # type: ignore[attr-defined]
        return out

    return walk(reader.outline, 0)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_a_resolution_prints_its_masthead_adoption_line_and_paragraph_outline(pdfs: dict[str, Path]) -> None:
    assert outline(pdfs["resolution"]) == [(0, "第2999(2031)号决议"), (1, "第1段"), (1, "第2段"), (1, "第3段"),
                                            (1, "第4段")]
    text = pdf_text(pdfs["resolution"])
    assert re.search(r"联合国\s+United Nations\s+S/RES/2999 \(2031\)", text)
    assert "2031年3月14日安全理事会第9901次会议通过" in text
    assert re.search(r"\(b\)\s+就下列事项提出建议", text) and re.search(r"\(ii\)\s+过渡安排", text)


def test_a_statement_prints_its_header(pdfs: dict[str, Path]) -> None:
    assert outline(pdfs["statement"]) == [(0, "安全理事会主席的声明")]
    assert "S/PRST/2031/4" in pdf_text(pdfs["statement"])


def test_a_report_prints_contents_running_header_and_footnotes(pdfs: dict[str, Path]) -> None:
    assert outline(pdfs["report"]) == [(0, "秘书长关于特派团执行任务情况的报告"), (1, "导言"), (1, "政治动态"),
                                        (2, "安全局势"), (0, "特派团人员构成(截至2031年3月31日)")]
    pages = pdf_text(pdfs["report"]).split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert pages[1].strip().startswith("S/2031/250")  # the running header on later pages
    found = words(pdfs["report"])
    call, note = first(found, "安全事件总数"), first(found, "数据由特派团")
    assert note[0] == call[0] and note[1] > first(found, "保障人道主义准入")[1]


# --- pinpoint citations -------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("重申第2512(2020)号决议第3段。", [("第2512(2020)号决议第3段", "S/RES/2512 (2020)", "3")]),
    ("见第2512(2020)号决议第3(a)段", [("第2512(2020)号决议第3(a)段", "S/RES/2512 (2020)", "3(a)")]),
    ("S/PRST/2020/3号主席声明第2 (b)(ii) 段", [("S/PRST/2020/3号主席声明第2 (b)(ii) 段", "S/PRST/2020/3", "2(b)(ii)")]),
    ("S/2020/139号文件第12段和第5段", [("S/2020/139号文件第12段", "S/2020/139", "12"),
                                    ("第5段", "S/2020/139", "5")]),
    ("安理会第8733次会议第2段", [("第8733次会议", "S/PV.8733", "")]),  # meetings have no paragraphs
    ("第2512(2020)号决议", [("第2512(2020)号决议", "S/RES/2512 (2020)", "")]),
])
def test_pinpoints_are_part_of_the_citation(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = find_symbols(text)
    assert [(text[f.start:f.end], f.symbol.canonical, f.pinpoint) for f in found] == expected


def test_a_paragraph_of_the_document_itself_links_to_its_anchor() -> None:
    res = load("resolution")
    p3 = res.body[5]
    assert isinstance(p3, NumberedParagraph)
    assert [x for x in p3.inlines if isinstance(x, Link)] == [Link((Text("第2(a)段"),), "#p2-a")]
    cited = next(x for x in p3.inlines if isinstance(x, Citation))
    assert (cited.symbol, cited.pinpoint, cited.url) == ("S/RES/2512 (2020)", "3",
                                                         "https://undocs.org/zh/S/RES/2512(2020)")
    # Where the document has no such paragraph, the words stay words.
    letter = link_citations(read("见第2(a)段。", front="title: t\ndate: 2021-01-01\n"), urls=UrlTemplates())
    assert letter.body[0] == Paragraph((Text("见第2(a)段。"),), "p1")


def test_paragraph_anchor() -> None:
    assert [paragraph_anchor(p) for p in ("3", "3(a)", "2(b)(ii)", "", "x")] == ["p3", "p3-a", "p2-b-ii", "", ""]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kinds-site")
    docs = {name: (FIXTURES / f"{name}.md").read_text(encoding="utf-8") for name in NAMES}
    make_site(root / "src", docs)
    assert main(["build", str(root / "src"), "--out", str(root / "out")]) == 0
    return root / "out"


def test_a_cited_document_in_the_site_links_to_its_paragraph_in_the_same_edition(site: Path) -> None:
    for tag in ("zh-Hans", "zh-Hant-TW"):
        report = (site / tag / "report" / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<a class="citation cite-resolution" href="\.\./resolution/index\.html#p2-a"[^>]*>'
                         r'第2999\(2031\)號?号?決?决?議?议?第2\(a\)段</a>', report)
        assert 'id="p2-a"' in (site / tag / "resolution" / "index.html").read_text(encoding="utf-8")
    # Not in the site: the UN's page.
    res = (site / "zh-Hans" / "resolution" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://undocs.org/zh/S/RES/2512(2020)"' in res
    # The PDF keeps the UN's address: it is read on its own.
    assert b"../resolution/index.html" not in (site / "zh-Hans" / "report" / "report.pdf").read_bytes()


def test_every_kind_builds_in_every_edition(site: Path) -> None:
    for tag in ("zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK"):
        res = (site / tag / "resolution" / "index.html").read_text(encoding="utf-8")
        assert '<article class="resolution" id="letter">' in res and 'class="adoption"' in res
        assert (site / tag / "statement" / "statement.pdf").stat().st_size > 10_000
    hant = (site / "zh-Hant" / "resolution" / "index.html").read_text(encoding="utf-8")
    assert "2031年3月14日安全理事會" in hant  # the adoption line follows the edition's script


# --- import: recognising the kind of a plain-text document ---------------------------

UNTEXT = REPO / "tests" / "fixtures" / "untext"


@pytest.mark.parametrize("name", ["resolution", "statement"])
def test_import_writes_the_kinds_front_matter_and_structure(name: str, regen_golden: bool) -> None:
    doc, _report = read_untext((UNTEXT / f"{name}.zh-Hans.txt").read_text(encoding="utf-8"), doc_id=name)
    written = write_markdown(doc)
    check_golden(UNTEXT / f"{name}.zh-Hans.md", written, regen_golden)
    # What was written reads back as the very model the importer built.
    assert read_markdown(written, doc_id=name, source=doc.source) == doc


def test_an_imported_resolution_has_its_meeting_numbers_and_labels() -> None:
    doc, report = read_untext((UNTEXT / "resolution.zh-Hans.txt").read_text(encoding="utf-8"), doc_id="r")
    m = doc.meta
    assert (m.kind, m.symbol, m.meeting, str(m.meeting_date)) == ("resolution", "S/RES/2999 (2031)", 9901,
                                                                  "2031-03-14")
    assert numbered_ids(doc.body) == ["pp1", "pp2", "pp3", "p1", "p2", "p2-a", "p2-b", "p3"]
    assert plain_text(doc.caption) == "2031年3月14日安全理事会第9901次会议通过"
    assert any("running header" in n.message for n in report.repairs)  # the page-2 header is furniture
    assert report.missing == ("title_en",)


def test_an_imported_statement_has_its_header_as_data() -> None:
    doc, _ = read_untext((UNTEXT / "statement.zh-Hans.txt").read_text(encoding="utf-8"), doc_id="s")
    assert (doc.meta.kind, doc.meta.meeting, doc.meta.agenda_item) == ("presidential-statement", 9930,
                                                                       "维持国际和平与安全")
    assert doc.meta.title == "安全理事会主席的声明" and len(doc.body) == 2


@pytest.mark.parametrize("text, kind", [
    ("第1(2031)号决议\n\n2031年1月2日安全理事会第9000次会议通过\n\n1. 决定。\n", "resolution"),
    ("联合国\nS/PRST/2031/1\n\n声明。\n", "presidential-statement"),
    ((REPO / "tests" / "fixtures" / "untext" / "second.zh-Hans.txt").read_text(encoding="utf-8"), "letter"),
])
def test_the_kind_is_recognised_from_the_text(text: str, kind: str) -> None:
    assert detect_kind(text) == kind


def test_import_cli_writes_a_resolution(tmp_path: Path) -> None:
    assert main(["import", str(UNTEXT / "resolution.zh-Hans.txt"), "--site", str(tmp_path), "--id", "res"]) == 0
    doc = read_file(tmp_path / "content" / "res" / "zh-Hans.md")
    assert doc.meta.kind == "resolution" and isinstance(doc.body[-1], NumberedParagraph)


def test_every_page_of_every_kind_passes_the_nu_html_checker(site: Path) -> None:
    missing = missing_tools(VNU_JAR)
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run 'make test-setup'")
    report = vnu_errors(sorted(site.rglob("*.html")))
    assert [e for errors in report.values() for e in errors] == []


def test_the_review_places_text_in_numbered_paragraphs_and_footnotes() -> None:
    """An editor's review row names, and links to, the operative paragraph or footnote it is in."""
    from docpub.review import iter_texts

    resolution = dict((text, where) for where, text in iter_texts(load("resolution")))
    assert next(w for t, w in resolution.items() if "2032年3月15日" in t) == "p1"
    assert next(w for t, w in resolution.items() if "每90天报告一次" in t) == "p2-a"
    doc = read("# 标题\n\n正文[^1]。\n\n[^1]: 脚注里的文字。\n")
    assert ("fn1", "脚注里的文字。") in list(iter_texts(doc))
