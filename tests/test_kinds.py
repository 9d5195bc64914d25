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

from docpub.config import Edition, UrlTemplates
from docpub.errors import DocpubError, ManyErrors
from docpub.model import (
    Citation,
    CodeBlock,
    Document,
    Footnote,
    FootnoteRef,
    Paragraph,
    Rule,
    Table,
    TableCell,
    Text,
)
from docpub.readers.markdown import read_file, read_markdown
from docpub.templating import default_theme
from docpub.transforms.citations import link_citations
from docpub.writers.html import Alternate, HtmlWriter, Nav, load_labels
from docpub.writers.json import model_to_json
from docpub.writers.markdown import write_markdown
from docpub.writers.pdf import render_pdf

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
