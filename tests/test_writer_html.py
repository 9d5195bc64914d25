"""The site pages: golden files plus the structural promises each page makes."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from msgspec import Struct
from msgspec.structs import replace

from docpub.archive import Citing, Published, Where, cited_index, corpus_citations
from docpub.config import Edition
from docpub.facts import CitingFacts, Facts
from docpub.model import (
    Annex,
    Citation,
    Document,
    Emphasis,
    LineBreak,
    Link,
    Meta,
    Paragraph,
    Section,
    Signature,
    Text,
)
from docpub.templating import default_theme
from docpub.transforms.citations import CitedDocument
from docpub.writers.html import (
    Alternate,
    ArchiveYear,
    HtmlWriter,
    IndexEntry,
    Nav,
    Place,
    english_date,
    load_labels,
    paragraph_places,
)
from docpub.writers.nodes import NodeRenderer, safe_url

REPO = Path(__file__).resolve().parent.parent
THEME = default_theme()
GOLDEN = Path(__file__).parent / "golden" / "html"
EDITIONS = ("zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK")
LABEL_OF = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "zh-Hant-TW": "臺灣正體", "zh-Hant-HK": "香港繁體"}
RES = "https://undocs.org/zh/S/RES/2512(2020)"
PRESS = "https://press.un.org/en/2020/sc14128.doc.htm"


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    # conftest's --regen-golden; the environment variable also works where that option is missing.
    try:
        flag = bool(request.getfixturevalue("regen_golden"))
    except pytest.FixtureLookupError:
        flag = False
    return flag or os.environ.get("DOCPUB_REGEN_GOLDEN") == "1"


def joined(pieces: Iterable[bytes]) -> str:
    """A page the writer gives in pieces (a listing of the whole archive), as one string."""
    return b"".join(pieces).decode("utf-8")


def check_golden(name: str, text: str, regen: bool) -> None:
    path = GOLDEN / name
    if regen or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; regenerate and read the diff"


# --- the sample document -----------------------------------------------------


def res_2512() -> Citation:
    return Citation((Text("第2512(2020)号决议"),), "S/RES/2512(2020)", "resolution", RES)


def press() -> Citation:
    return Citation((Text("SC/14128"),), "SC/14128", "press_release", PRESS)


def sample(*, symbol: str = "", title: str = "2020年11月9日比利时常驻联合国代表给安全理事会主席的信",
           hostile: str = "") -> Document:
    burundi = Section(3, (Text("布隆迪"),), "布隆迪", (
        Paragraph((Text("2月26日，主管维持和平行动助理秘书长宾图·凯塔 (Bintou Keita) 作了通报。"),), "p3"),
    ))
    guinea = Section(3, (Text("几内亚比绍"),), "几内亚比绍", (
        Paragraph((Text("2月28日，安全理事会通过了"), res_2512(), Text("。" + hostile)), "p4"),
        Paragraph((Text("安理会向新闻界发表谈话("), press(), Text(")，并重申"), res_2512(), Text("。")), "p5"),
    ))
    africa = Section(2, (Text("非洲"),), "非洲", (), (burundi, guinea))
    intro = Section(2, (Text("导言"),), "导言", (
        Paragraph((Text("安理会通过了4项决议。"), Emphasis((Text("此外"),)), Text("举行了1场对话。")), "p2"),
    ))
    annex = Annex(
        caption=(Text("2020年11月9日比利时常驻联合国代表给安全理事会主席的信的附件"),),
        title=(Text("比利时担任安全理事会轮值主席期间安全理事会工作评估(2020年2月)"),),
        blocks=(Paragraph((Text("见 "), Link((Text("网站"),), "https://www.un.org/securitycouncil/")), "p1b"),),
        sections=(intro, africa),
    )
    meta = Meta(
        title=title, date=date(2020, 11, 30), symbol=symbol,
        title_en="Letter dated 9 November 2020 from the Permanent Representative of Belgium",
        original_language="English", annex_title_en="Assessment of the work of the Security Council",
    )
    body = (
        Paragraph((Text("谨随函转递比利时担任安全理事会2020年2月轮值主席期间安全理事会工作评估(见附件)。"),), "p1"),
        Signature(((Text("比利时常驻联合国代表"),), (Text("特命全权大使"),),
                   (Text("菲利普·克里德尔卡(签名)"), LineBreak(), Text("Philippe Kridelka")))),
    )
    return Document(id="assessment", lang="zh-Hans", meta=meta, body=body, annex=annex)


class Cited(Struct, frozen=True):  # stands in for transforms.citations.CitedDocument
    symbol: str
    kind: str
    url: str
    count: int
    paragraph_ids: tuple[str, ...]


CITED = (
    Cited("SC/14128", "press_release", PRESS, 1, ("p5",)),
    Cited("S/RES/2512(2020)", "resolution", RES, 2, ("p4", "p5")),
)


def nav(tag: str = "zh-Hans", *, page: str = "index.html", depth: int = 2, pdf: str = "assessment.pdf") -> Nav:
    root = "../" * depth
    alternates = tuple(
        Alternate(t, LABEL_OF[t], f"{root}{t}/assessment/{page}" if depth == 2 else f"{root}{t}/{page}", t == tag)
        for t in EDITIONS)
    return Nav(edition=Edition(tag=tag, label=LABEL_OF[tag]), root=root, alternates=alternates,
               labels=load_labels(THEME), pdf_href=pdf, extra=(("对照阅读", "parallel.html"),))


@pytest.fixture(scope="module")
def writer() -> HtmlWriter:
    return HtmlWriter(THEME, site_title="安全理事会文件", site_title_en="Security Council documents")


# --- a strict-enough HTML reader ---------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **want: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags
                if t == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in want.items())]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert page.doctype.lower() == "doctype html"
    assert not page.errors, page.errors
    assert not page.stack, f"unclosed: {page.stack}"
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    return page


def common_checks(page: Page, tag: str) -> None:
    (html,) = page.find("html")
    assert html["lang"] == tag
    assert page.find("meta", charset="utf-8")
    assert page.find("meta", name="viewport")
    hreflangs = {a["hreflang"]: a["href"] for a in page.find("link", rel="alternate")}
    assert set(hreflangs) == {*EDITIONS, "x-default"}
    assert hreflangs["x-default"] == hreflangs["zh-Hans"]
    css = page.find("link", rel="stylesheet")
    assert css and css[0]["href"].endswith("static/site.css") and not css[0]["href"].startswith("/")
    current = page.find("a", aria_current="page")
    assert any(a.get("hreflang") == tag for a in current)
    switcher = [a["hreflang"] for t, a in page.tags if t == "a" and "hreflang" in a and a.get("lang")]
    assert set(EDITIONS) <= set(switcher)
    for t, a in page.tags:  # relative links only: the site works from file:// and any folder
        href = a.get("href", "")
        if t in ("a", "link") and not href.startswith(("http://", "https://")):
            assert not href.startswith("/"), href


# --- golden files -------------------------------------------------------------


@pytest.mark.parametrize("tag", ["zh-Hans", "zh-Hant-TW"])
def test_document_page_golden(writer: HtmlWriter, regen: bool, tag: str) -> None:
    html = writer.render_document(sample(symbol="S/2020/1134"), nav(tag))
    check_golden(f"document.{tag}.html", html, regen)


def test_citations_page_golden(writer: HtmlWriter, regen: bool) -> None:
    html = writer.render_citations(sample(), CITED, nav(page="citations.html"))
    check_golden("citations.zh-Hans.html", html, regen)


def test_index_page_golden(writer: HtmlWriter, regen: bool) -> None:
    archive = [ArchiveYear(2020, 1, "archive/2020.html"), ArchiveYear(2019, 12, "archive/2019.html")]
    html = joined(writer.render_index([index_entry()], nav(depth=0, pdf=""), archive=archive, total=13))
    check_golden("index.html", html, regen)


def index_entry(symbol: str = "") -> IndexEntry:
    return IndexEntry(
        doc_id="assessment", title="2020年11月9日比利时常驻联合国代表给安全理事会主席的信",
        title_en="Letter dated 9 November 2020", date="2020-11-30", symbol=symbol,
        editions=tuple((t, LABEL_OF[t], f"{t}/assessment/index.html") for t in EDITIONS),
    )


# --- document page --------------------------------------------------------------


@pytest.mark.parametrize("tag", EDITIONS)
def test_document_page_structure(writer: HtmlWriter, tag: str) -> None:
    page = parse(writer.render_document(sample(), nav(tag)))
    common_checks(page, tag)
    text = page.all_text
    for line in ("Distr.: General", "30 November 2020", "Chinese", "Original: English",
                 "United Nations", "Security Council", "Philippe Kridelka"):
        assert line in text
    assert page.find("a", href="assessment.pdf")
    assert page.find("a", href="citations.html")
    assert page.find("a", href="parallel.html")


def test_masthead_symbol_only_when_known(writer: HtmlWriter) -> None:
    without = writer.render_document(sample(), nav())
    assert 'class="mh-symbol"' not in without
    assert "S/20" not in without
    with_symbol = parse(writer.render_document(sample(symbol="S/2020/1134"), nav()))
    assert "S/2020/1134" in with_symbol.all_text
    assert with_symbol.find("p", class_="mh-symbol", lang="en")


def test_contents_links_resolve_and_nest(writer: HtmlWriter) -> None:
    html = writer.render_document(sample(), nav())
    page = parse(html)
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert anchors == ["导言", "非洲", "布隆迪", "几内亚比绍"]
    assert all(a in page.ids for a in anchors)
    assert toc.count("<ol>") == 2  # the countries are nested under their region
    assert '<h2 class="heading">非洲</h2>' in html and '<h3 class="heading">布隆迪</h3>' in html
    for pid in ("p1", "p2", "p3", "p4", "p5"):
        assert pid in page.ids


def test_citations_are_links_titled_with_their_symbol(writer: HtmlWriter) -> None:
    page = parse(writer.render_document(sample(), nav()))
    cites = [a for t, a in page.tags if t == "a" and "citation" in a.get("class", "").split()]
    assert [(a["href"], a["title"]) for a in cites] == [
        (RES, "S/RES/2512(2020)"), (PRESS, "SC/14128"), (RES, "S/RES/2512(2020)")]


def test_english_lines_are_marked_english(writer: HtmlWriter) -> None:
    html = writer.render_document(sample(), nav("zh-Hant"))
    assert '<p class="title-en" lang="en">Letter dated 9 November 2020' in html
    assert '<p class="mh-distr" lang="en">' in html


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_hostile_text_is_inert(writer: HtmlWriter, payload: str) -> None:
    doc = sample(title="标题" + payload, hostile=payload)
    doc = replace(doc, meta=replace(doc.meta, title_en="T " + payload, symbol=payload))
    for html in (writer.render_document(doc, nav()),
                 writer.render_citations(doc, CITED, nav(page="citations.html")),
                 joined(writer.render_index([replace(index_entry(payload), title=payload)], nav(depth=0)))):
        page = parse(html)
        assert not page.find("img")
        assert not [k for _, a in page.tags for k in a if k.startswith("on")]
        assert len(page.find("script")) == 1  # the template's own
        assert "alert(1)" in page.all_text  # shown, as text


def test_dangerous_urls_are_neutralised() -> None:
    assert safe_url("javascript:alert(1)") == "#"
    assert safe_url(" JaVaScRiPt:alert(1)") == "#"
    assert safe_url("data:text/html,x") == "#"
    assert safe_url(RES) == RES
    assert safe_url("../x/index.html#p1") == "../x/index.html#p1"
    link = Link((Text("x"),), "javascript:alert(1)")
    assert 'href="#"' in NodeRenderer().inline(link)


# --- citations page -----------------------------------------------------------------


def test_citations_page_groups_in_kind_order_with_backlinks(writer: HtmlWriter) -> None:
    doc = sample()
    doc_page = parse(writer.render_document(doc, nav()))
    html = writer.render_citations(doc, CITED, nav(page="citations.html"))
    page = parse(html)
    common_checks(page, "zh-Hans")
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == ["决议", "新闻谈话"]  # resolutions first although listed second
    symbols = [(a["href"], page.all_text) for a in page.find("a", class_="symbol")]
    assert [h for h, _ in symbols] == [RES, PRESS]
    back = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("index.html#")]
    assert back == ["index.html#p4", "index.html#p5", "index.html#p5"]
    assert all(h.split("#")[1] in doc_page.ids for h in back)
    assert "第4段" in page.all_text and "几内亚比绍" in page.all_text
    assert "引用2次" in page.all_text


def test_citations_page_without_citations(writer: HtmlWriter) -> None:
    page = parse(writer.render_citations(sample(), (), nav(page="citations.html")))
    assert "本文件未引用其他文件。" in page.all_text


def test_backlinks_name_sections_and_unknown_anchors() -> None:
    places = paragraph_places(sample())
    assert places["p4"].number == "4" and places["p4"].section == "几内亚比绍"
    assert places["p1"].section == ""
    assert places["非洲"].number == "" and places["非洲"].section == "非洲"
    assert places["annex"].section.startswith("比利时担任")
    assert places["p1b"].number == "p1b"


# --- index page, labels, static files ----------------------------------------------


def test_index_page_lists_every_edition(writer: HtmlWriter) -> None:
    html = joined(writer.render_index([index_entry("S/2020/1134")], nav("zh-Hant-HK", depth=1, pdf="")))
    page = parse(html)
    common_checks(page, "zh-Hant-HK")
    links = [a["href"] for a in page.find("a") if "/assessment/" in a.get("href", "")]
    assert links[0] == "zh-Hant-HK/assessment/index.html"  # the title leads to this edition
    assert set(links[1:]) == {f"{t}/assessment/index.html" for t in EDITIONS}
    assert page.find("p", class_="title-en", lang="en")
    assert "S/2020/1134" in page.all_text and "2020-11-30" in page.all_text


def test_review_page_renders_items(writer: HtmlWriter) -> None:
    items = [{"location": "第4段", "href": "../zh-Hant-TW/assessment/index.html#p4",
              "source": "<b>决议</b>", "converted": "決議", "edition": "zh-Hant-TW", "note": "词表"}]
    page = parse(writer.render_template("review.html.j2", nav=nav(page="review.html"), items=items))
    assert "<b>决议</b>" in page.all_text and not page.find("b")
    empty = parse(writer.render_template("review.html.j2", nav=nav(page="review.html"), items=[]))
    assert "没有需要审校的内容。" in empty.all_text


def test_labels_are_simplified_strings() -> None:
    labels = load_labels(THEME)
    assert labels["contents"] == "目录" and labels["kind_resolution"] == "决议"
    assert all(isinstance(v, str) and v for v in labels.values())


def test_static_files_hold_the_stylesheet(writer: HtmlWriter) -> None:
    files = dict(writer.static_files())
    css = files["static/site.css"].decode("utf-8")
    assert "Noto Serif CJK SC" in css and "Noto Serif CJK HK" in css
    assert "@media print" in css and "inter-character" in css
    assert "@import" not in css and "url(" not in css  # local fonts only, nothing fetched
    assert [name for name, _ in writer.static_files()] == sorted(files)


def test_english_date() -> None:
    assert english_date(date(2020, 11, 30)) == "30 November 2020"
    assert english_date("2020-02-03") == "3 February 2020"


def test_contents_lead_a_document_without_annex(writer: HtmlWriter) -> None:
    doc = Document(id="r", lang="zh-Hans", meta=Meta(title="报告", date=date(2021, 1, 1)),
                   body=(Paragraph((Text("开头。"),), "p1"),),
                   sections=(Section(2, (Text("第一节"),), "s1", (Paragraph((Text("正文。"),), "p2"),)),))
    html = writer.render_document(doc, nav())
    assert html.index('id="contents"') < html.index('id="p1"') < html.index('id="s1"')


def test_review_items_given_as_objects_are_escaped_and_linked(writer: HtmlWriter) -> None:
    from docpub.editors import ReviewItem

    items = [ReviewItem("p4", "../x/index.html#p4", "<script>x</script>并", "並", "zh-Hant", "并 → 並 \"a\" & b"),
             ReviewItem("", "", "里", "裏", "zh-Hant", "并 → 並 \"a\" & b")]
    html = writer.render_template("review.html.j2", nav=nav(page="review.html"), items=items)
    page = parse(html)
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;并" in html
    assert [a["href"] for a in page.find("a") if a.get("href", "").endswith("#p4")] == ["../x/index.html#p4"]
    assert html.count("并 → 並 &#34;a&#34; &amp; b") == 2  # the same note, escaped each time
    assert len(page.find("li", class_="review-item")) == 2


# --- the archive's citations page --------------------------------------------


def _citer(doc_id: str, title: str, cited: tuple[CitedDocument, ...], places: tuple[tuple[str, Place], ...]
           ) -> CitingFacts:
    """A citing document as the citations page reads it from the store."""
    return Facts(doc_id, title, "", "2021-01-01", "", "letter", "", cited, places, -1).citing()


def test_archive_citations_name_each_citing_paragraph_and_come_in_pieces(writer: HtmlWriter) -> None:
    """Each citing paragraph is named by its number and section (a heading by its title, an
    anchor the facts do not place by itself), and the page is written a citing document at a time."""
    here = Place("p4", "4", "几内亚比绍")
    b = _citer("doc-b", "乙文件", (CitedDocument("S/RES/2512 (2020)", "resolution", RES, 3, ("p4", "非洲", "x-1")),),
               (("p4", here), ("非洲", Place("非洲", "", "非洲"))))
    a = _citer("doc-a", "甲文件", (CitedDocument("S/RES/2512 (2020)", "resolution", RES, 1, ("p4",)),
                                  CitedDocument("SC/14128", "press_release", PRESS, 1, ())),
               (("p4", Place("p4", "4", "几内亚比绍")),))
    cited = corpus_citations([b, a], Published({}))
    assert [c.symbol for c in cited] == ["S/RES/2512 (2020)", "SC/14128"]
    assert cited[0].count == 4 and [c.doc_id for c in cited[0].citing] == ["doc-b", "doc-a"]
    assert cited[0].citing[1].places[0] is cited[0].citing[0].places[0]  # places alike are held once
    assert cited[0].citing[0].places == (Where("p4", "4", "几内亚比绍"), Where("非洲", "", "非洲"), Where("x-1"))
    pieces = list(writer.render_cited(cited[0], nav(page="citations/s-res-2512-2020.html")))
    html = b"".join(pieces).decode("utf-8")
    page = parse(html)
    assert '<a href="../doc-b/index.html#p4">第4段<span class="where">几内亚比绍</span></a>' in html
    assert '<a href="../doc-b/index.html#非洲">非洲</a>' in html
    assert '<a href="../doc-b/index.html#x-1">x-1</a>' in html
    assert [a["href"] for a in page.find("a", class_="citing-doc")] == ["../doc-b/index.html", "../doc-a/index.html"]
    assert html.count('<ul class="backlinks">') == 2
    assert "被2份文件引用4次" in html
    # the index lists each symbol once, leading to its page, and names no citing document
    index = b"".join(writer.render_corpus_citations(
        cited_index(cited, {"S/RES/2512 (2020)": "s-res-2512-2020", "SC/14128": "sc-14128"}),
        nav(page="citations/index.html"))).decode("utf-8")
    pages = [a["href"] for a in parse(index).find("a", class_="count cited-page")]
    assert pages == ["s-res-2512-2020.html", "sc-14128.html"]
    assert "citing-doc" not in index and "被1份文件引用1次" in index


def test_archive_citations_page_is_streamed(writer: HtmlWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    """A symbol every document cites does not make one piece of the whole list."""
    monkeypatch.setattr("docpub.templating.CHUNK", 1)
    docs = [_citer(f"doc-{i:03}", f"文件{i}", (CitedDocument("S/RES/2512 (2020)", "resolution", RES, 1, ("p4",)),),
                   (("p4", Place("p4", "4", "几内亚比绍")),)) for i in range(200)]
    cited = corpus_citations(docs, Published({}))
    pieces = list(writer.render_cited(cited[0], nav(page="citations/s-res-2512-2020.html")))
    assert max(len(p) for p in pieces) < 1000
    assert b"".join(pieces).count(b'class="citing-doc"') == 200


def test_citing_items_escape_each_value_as_given_whatever_page_came_before() -> None:
    """The citing documents and paragraphs are escaped once per value for a page; markup equal
    to a plain string is still kept as markup, and another edition's label names its paragraphs."""
    from markupsafe import Markup

    from docpub.writers.rows import citing_items

    place = Where("p3", "3", "A&B")
    plain = [Citing("d1", "a&amp;b", 1, (place,))]
    marked = [Citing("d1", Markup("a&amp;b"), 1, (place,))]
    simplified = "".join(citing_items(plain, {"cited_by": "引用", "paragraph": "第{n}段"}))
    assert '<a class="citing-doc" href="../d1/index.html">a&amp;amp;b</a>' in simplified
    assert '<a href="../d1/index.html#p3">第3段<span class="where">A&amp;B</span></a>' in simplified
    traditional = "".join(citing_items(marked, {"cited_by": "引用", "paragraph": "第{n}段 (TW)"}))
    assert '<a class="citing-doc" href="../d1/index.html">a&amp;b</a>' in traditional
    assert '<a href="../d1/index.html#p3">第3段 (TW)<span class="where">A&amp;B</span></a>' in traditional
    assert "".join(citing_items(plain, {"cited_by": "引用", "paragraph": "第{n}段"})) == simplified


# What index.html.j2 wrote for a month's documents before the index_items filter wrote them:
# the filter must write the very same bytes, whatever the entry holds.
_INDEX_LOOP = """{% for e in entries %}
<li class="doc-entry" id="{{ e.doc_id }}">
<h4 class="doc-entry-title">{% if own[e.doc_id] %}<a href="{{ own[e.doc_id] }}">{{ e.title }}</a>\
{%- else %}{{ e.title }}{% endif %}</h4>
{% if e.title_en %}
<p class="title-en" lang="en">{{ e.title_en }}</p>
{% endif %}
<dl class="doc-facts">
{% if e.symbol %}
<dt>{{ L.symbol }}</dt><dd class="symbol" lang="en">{{ e.symbol }}</dd>
{% endif %}
{% if e.kind %}
<dt>{{ L.kind }}</dt><dd>{{ L["doc_kind_" ~ e.kind] }}</dd>
{% endif %}
<dt>{{ L.date }}</dt><dd><time datetime="{{ e.date }}">{{ e.date }}</time></dd>
<dt>{{ L.editions }}</dt>
<dd><ul class="edition-links">
{% for tag, label, href in e.editions %}
<li><a href="{{ href }}" hreflang="{{ tag }}" lang="{{ tag }}">{{ label }}</a></li>
{% endfor %}
</ul></dd>
</dl>
</li>
{% endfor %}
"""


def test_index_items_write_what_the_template_loop_wrote(writer: HtmlWriter) -> None:
    from markupsafe import Markup

    labels = {"symbol": "文号", "kind": "类别", "date": "日期", "editions": "版本", "doc_kind_letter": "信",
              "doc_kind_resolution": "决议 <&>"}
    entries = [
        index_entry(symbol="S/2020/1134"),
        replace(index_entry(), doc_id="no-page", title="<标题> & \"引号\"", title_en="", kind="resolution"),
        replace(index_entry(), doc_id="x&y", title=Markup("<b>粗</b>"), title_en="A & B", kind="letter",
                editions=(("zh-Hant", "繁體 <>", "zh-Hant/x&y/index.html?a=1&b='2'"),)),
    ]
    own = {"assessment": "assessment/index.html", "no-page": "", "x&y": "x&y/index.html"}
    expected = writer.env.from_string(_INDEX_LOOP).render(entries=entries, L=labels, own=own)
    got = writer.env.filters["index_items"](entries, labels, own)
    assert str(got) == expected
    assert 'class="symbol" lang="en">S/2020/1134<' in got and "<b>粗</b>" in got and "&lt;标题&gt;" in got
