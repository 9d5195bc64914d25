from __future__ import annotations

from datetime import date

import pytest

from docpub.config import UrlTemplates
from docpub.model import (
    Annex,
    Citation,
    Code,
    Document,
    Emphasis,
    Inline,
    Link,
    Meta,
    Paragraph,
    Section,
    Signature,
    Text,
    iter_inlines,
    plain_text,
)
from docpub.transforms.citations import (
    CitedDocument,
    collect_citations,
    find_suspects,
    find_symbols,
    link_citations,
)
from sitekit import SEED_CITATIONS, SEED_SOURCE

SEED = SEED_SOURCE
URLS = UrlTemplates()


def make_doc(*paragraphs: str, **meta: object) -> Document:
    fields: dict[str, object] = {"title": "t", "date": date(2020, 11, 30), **meta}
    body = tuple(Paragraph((Text(t),), f"p{i}") for i, t in enumerate(paragraphs, 1))
    return Document(id="d", lang="zh-Hans", meta=Meta(**fields), body=body)  # type: ignore[arg-type]


def citations(node: object) -> list[Citation]:
    return [x for x in iter_inlines(node) if isinstance(x, Citation)]


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[f.start:f.end], f.symbol.canonical) for f in find_symbols(text)]


# --- the grammar ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("通过了第2512(2020)号决议，", [("第2512(2020)号决议", "S/RES/2512 (2020)")]),
        ("通过了第 2509(2020)号决议", [("第 2509(2020)号决议", "S/RES/2509 (2020)")]),
        ("第 2509 （2020） 号决议", [("第 2509 （2020） 号决议", "S/RES/2509 (2020)")]),
        ("安全理事会关于索马里的第751(1992)号决议所设委员会",
         [("第751(1992)号决议", "S/RES/751 (1992)")]),
        ("第825(1993)号、第1540(2004)号和第1928(2010)号决议",
         [("第825(1993)号", "S/RES/825 (1993)"), ("第1540(2004)号", "S/RES/1540 (2004)"),
          ("第1928(2010)号决议", "S/RES/1928 (2010)")]),
        ("第2127(2013)号及第2149(2014)号等决议",
         [("第2127(2013)号", "S/RES/2127 (2013)"), ("第2149(2014)号等决议", "S/RES/2149 (2014)")]),
        ("根据第1718(2006)号决议第12(g)段提交", [("第1718(2006)号决议第12(g)段", "S/RES/1718 (2006)")]),
        ("大会第68/268号决议", [("第68/268号决议", "A/RES/68/268")]),
        ("大会第68/268号和第70/1号决议",
         [("第68/268号", "A/RES/68/268"), ("第70/1号决议", "A/RES/70/1")]),
        ("通过了 PRST/2020/3 号主席声明", [("PRST/2020/3", "S/PRST/2020/3")]),
        ("主席声明(S/PRST/2020/3)", [("S/PRST/2020/3", "S/PRST/2020/3")]),
        ("发表谈话(SC/14128)，", [("SC/14128", "SC/14128")]),
        ("的报告(S/2020/139)。", [("S/2020/139", "S/2020/139")]),
        ("的报告(S/2019/1011)", [("S/2019/1011", "S/2019/1011")]),
        ("见S/PV.8733。", [("S/PV.8733", "S/PV.8733")]),
        ("S/RES/2512 (2020)号决议", [("S/RES/2512 (2020)", "S/RES/2512 (2020)")]),
        ("安全理事会第8733次会议通过了该决议。", [("第8733次会议", "S/PV.8733")]),
        ("安理会在第 8733 次会议上", [("第 8733 次会议", "S/PV.8733")]),
        # stray spaces, as resolutions accept them: ASCII space, NBSP, full-width space
        ("安全理事会第8733 次会议通过了该决议。", [("第8733 次会议", "S/PV.8733")]),
        ("安理会在第 8733次会议上", [("第 8733次会议", "S/PV.8733")]),
        ("安理会在第\u00a08733\u00a0次会议上", [("第\u00a08733\u00a0次会议", "S/PV.8733")]),
        ("安理会在第\u30008733\u3000次\u3000会议上", [("第\u30008733\u3000次\u3000会议", "S/PV.8733")]),
        ("安全理事会 第8733 次会议", [("第8733 次会议", "S/PV.8733")]),
        ("安全理事会第1718(2006)号决议所设委员会第1234次会议",  # the committee's meeting
         [("第1718(2006)号决议", "S/RES/1718 (2006)")]),
    ],
)
def test_finds(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2020年2月", "2019年12月30日", "过去120天", "延长 10 个月", "第十次报告",
        "第12(g)段", "以13票赞成、2票弃权", "在 2020 年审议大会前", "2020 年是该条约生效 50 周年",
        "第2512号决议",  # no year: not a symbol we can build
        "人权理事会第31/1号决议",  # not the General Assembly
        "委员会举行了第8733次会议。",  # no Council in the sentence
        "安全理事会开会。委员会举行了第8733次会议。",  # the Council is in another sentence
        "安理会举行了第26次会议",  # too small to be a Council meeting number today
        # the same context rules hold with stray spaces
        "委员会举行了第8733 次会议。", "委员会举行了第 8733次会议。",
        "安全理事会开会。委员会举行了第\u00a08733\u3000次会议。",
        "安理会举行了第 26 次会议",
        "安理会工作组 第 8733 次会议",
        "XS/2020/139", "S/2020/13x9",
    ],
)
def test_near_misses(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    ("text", "suspects"),
    [
        ("S/RES/abc", ["S/RES/abc"]),
        ("第xx号决议", ["第xx号决议"]),
        ("第2512号决议", ["第2512号决议"]),
        ("第2512(20)号决议", ["第2512(20)号决议"]),
        ("第3号主席声明", ["第3号主席声明"]),
        ("A/HRC/RES/31/1", ["A/HRC/RES/31/1"]),
        ("第2512(2020)号决议、S/2020/139、PRST/2020/3号主席声明、(SC/14128)", []),
        ("第825(1993)号、第1540(2004)号和第1928(2010)号决议", []),
        ("第十次报告、第12(g)段、2020年2月", []),
    ],
)
def test_find_suspects(text: str, suspects: list[str]) -> None:
    assert find_suspects(text) == suspects


# --- the transform --------------------------------------------------------------

def test_splits_text_into_citations() -> None:
    doc = link_citations(make_doc("安理会通过了第2512(2020)号决议，见S/2020/139。"), urls=URLS)
    inlines = doc.body[0].inlines  # type: ignore[union-attr]
    assert inlines == (
        Text("安理会通过了"),
        Citation((Text("第2512(2020)号决议"),), "S/RES/2512 (2020)", "resolution",
                 "https://undocs.org/zh/S/RES/2512(2020)"),
        Text("，见"),
        Citation((Text("S/2020/139"),), "S/2020/139", "document", "https://undocs.org/zh/S/2020/139"),
        Text("。"),
    )


def test_text_is_unchanged() -> None:
    text = "第825(1993)号、第1540(2004)号和第1928(2010)号决议(SC/14128)"
    doc = make_doc(text, period="2020-02")
    linked = link_citations(doc, urls=URLS)
    assert plain_text(linked.body[0].inlines) == text  # type: ignore[union-attr]


def test_leaves_links_code_and_citations_alone() -> None:
    existing = Citation((Text("S/2020/139"),), "S/2020/139", "document", "https://x.test/")
    inlines: tuple[Inline, ...] = (
        Link((Text("S/2020/95"),), "https://y.test/"), Code("S/2020/96"), existing,
        Emphasis((Text("S/2020/97"),)),
    )
    doc = Document("d", "zh-Hans", Meta("t", date(2020, 1, 1)), body=(Paragraph(inlines, "p1"),))
    found = citations(link_citations(doc, urls=URLS))
    assert [c.symbol for c in found] == ["S/2020/139", "S/2020/97"]
    assert found[0] is existing


def test_headings_captions_and_signatures() -> None:
    section = Section(2, (Text("关于S/2020/139"),), "s1", blocks=(Signature(((Text("SC/14128"),),)),))
    annex = Annex((Text("S/2020/95的附件"),), (Text("t"),), sections=(section,))
    doc = Document("d", "zh-Hans", Meta("t", date(2020, 11, 30)), annex=annex)
    linked = link_citations(doc, urls=URLS)
    assert [c.symbol for c in citations(linked)] == ["S/2020/95", "S/2020/139", "SC/14128"]
    ids = {c.symbol: c.paragraph_ids for c in collect_citations(linked)}
    assert ids == {"S/2020/95": ("annex",), "S/2020/139": ("s1",), "SC/14128": ("s1",)}


def test_meta_links_override() -> None:
    links = (("S/RES/2512(2020)", "https://example.org/2512"), ("SC/14128", "https://example.org/p"))
    doc = link_citations(make_doc("第2512(2020)号决议(SC/14128)", links=links), urls=URLS)
    assert [c.url for c in citations(doc)] == ["https://example.org/2512", "https://example.org/p"]


@pytest.mark.parametrize(
    ("paragraph", "meta", "year"),
    [
        ("2月27日，安理会发表谈话(SC/14128)。", {"period": "2020-02"}, 2020),
        ("2019年12月30日，安理会发表谈话(SC/14128)。", {"period": "2020-02"}, 2019),
        ("安理会发表谈话(SC/14128)，时间为2018年3月1日。", {"period": "2020-02"}, 2018),
        ("2017年1月2日发表。2018年3月1日，又发表谈话(SC/14128)。", {}, 2018),
        ("安理会发表谈话(SC/14128)。", {"period": "2019-12-01/2020-01-31"}, 2019),
        ("安理会发表谈话(SC/14128)。", {}, 2020),  # the distribution date
        ("2020年2月，安理会发表谈话(SC/14128)。", {"period": "2019-02"}, 2019),  # no day: not a date
    ],
)
def test_press_release_year(paragraph: str, meta: dict[str, str], year: int) -> None:
    doc = link_citations(make_doc(paragraph, **meta), urls=URLS)
    assert [c.url for c in citations(doc)] == [f"https://press.un.org/en/{year}/sc14128.doc.htm"]


ISSUED_2021 = {"date": date(2021, 2, 15)}  # distributed 15 February 2021, no period


@pytest.mark.parametrize(
    ("paragraph", "meta", "year"),
    [
        # a single-month period: the year nearest the month, on either side
        ("1月2日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2021),
        ("12月30日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2020),
        ("11月20日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2020),
        ("12月28日，安理会发表谈话(SC/14128)。", {"period": "2021-01"}, 2020),
        ("2月27日，安理会发表谈话(SC/14128)。", {"period": "2020-02"}, 2020),
        ("2月29日，安理会发表谈话(SC/14128)。", {"period": "2020-02"}, 2020),
        # a period across a year boundary: the year that puts the date inside it
        ("1月2日，安理会发表谈话(SC/14128)。", {"period": "2020-12-01/2021-01-05"}, 2021),
        ("12月3日，安理会发表谈话(SC/14128)。", {"period": "2020-12-01/2021-01-05"}, 2020),
        ("1月20日，安理会发表谈话(SC/14128)。", {"period": "2020-12-01/2021-01-05"}, 2021),
        ("11月2日，安理会发表谈话(SC/14128)。", {"period": "2020-12-01/2021-01-05"}, 2020),
        # the period wins over the distribution date
        ("12月30日，安理会发表谈话(SC/14128)。", {"period": "2021-01", **ISSUED_2021}, 2020),
        # only the distribution date: the latest year not after it
        ("12月30日，安理会发表谈话(SC/14128)。", ISSUED_2021, 2020),
        ("2月15日，安理会发表谈话(SC/14128)。", ISSUED_2021, 2021),
        ("2月16日，安理会发表谈话(SC/14128)。", ISSUED_2021, 2020),
        ("1月2日，安理会发表谈话(SC/14128)。", ISSUED_2021, 2021),
        # the paragraph's own full date always wins
        ("2019年1月2日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2019),
        ("2022年12月30日，安理会发表谈话(SC/14128)。", ISSUED_2021, 2022),
        ("安理会发表谈话(SC/14128)，时间为2018年1月2日。", {"period": "2020-12"}, 2018),
        # a date without its year, after a full date in the same text, is dated against it
        ("2015年3月1日开会，3月5日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2015),
        ("2019年12月30日开会，1月2日，安理会发表谈话(SC/14128)。", {"period": "2019-12"}, 2020),
        # the nearest date before the citation decides, whether or not it has a year
        ("2019年12月1日开会。1月2日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2020),
        ("1月2日开会。2019年12月30日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2019),
        # the citation comes first: the paragraph's first date, year or no year
        ("安理会发表谈话(SC/14128)，时间为1月2日。", {"period": "2020-12"}, 2021),
        # no date in the paragraph: the period's first year, else the distribution date's
        ("安理会发表谈话(SC/14128)。", {"period": "2020-12-01/2021-01-05"}, 2020),
        ("安理会发表谈话(SC/14128)。", ISSUED_2021, 2021),
        # no such day, or not a day at all: not a date
        ("2月30日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2020),
        ("13月2日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2020),
        ("2月29日，安理会发表谈话(SC/14128)。", {"date": date(2023, 3, 1)}, 2023),
        ("有112月2日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2020),
        # stray spaces inside the date
        ("1 月 2 日，安理会发表谈话(SC/14128)。", {"period": "2020-12"}, 2021),
    ],
)
def test_press_release_year_without_year(paragraph: str, meta: dict[str, object], year: int) -> None:
    doc = link_citations(make_doc(paragraph, **meta), urls=URLS)
    assert [c.url for c in citations(doc)] == [f"https://press.un.org/en/{year}/sc14128.doc.htm"]


def test_press_release_year_per_paragraph() -> None:
    doc = make_doc("12月30日，安理会发表谈话(SC/14128)。", "1月2日，安理会发表谈话(SC/14129)。",
                   "安理会发表谈话(SC/14130)。", period="2020-12")
    assert [c.url for c in citations(link_citations(doc, urls=URLS))] == [
        "https://press.un.org/en/2020/sc14128.doc.htm",
        "https://press.un.org/en/2021/sc14129.doc.htm",
        "https://press.un.org/en/2020/sc14130.doc.htm",
    ]


def test_collect_orders_by_kind_then_first_appearance() -> None:
    doc = make_doc("S/PV.8733和S/2020/139", "SC/14128、第2512(2020)号决议", "第2512(2020)号决议和S/2020/139",
                   period="2020-02")
    cited = collect_citations(link_citations(doc, urls=URLS))
    assert [(c.symbol, c.count, c.paragraph_ids) for c in cited] == [
        ("S/RES/2512 (2020)", 2, ("p2", "p3")),
        ("SC/14128", 1, ("p2",)),
        ("S/2020/139", 2, ("p1", "p3")),
        ("S/PV.8733", 1, ("p1",)),
    ]


# --- the seed document ----------------------------------------------------------

SEED_EXPECTED = SEED_CITATIONS


def seed_doc() -> Document:
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return make_doc(*blocks, period="2020-02")


def test_seed_document() -> None:
    cited = collect_citations(link_citations(seed_doc(), urls=URLS))
    assert {c.symbol: c.url for c in cited} == SEED_EXPECTED
    assert [c.symbol for c in cited] == list(SEED_EXPECTED)  # kind order, then first appearance
    counts = {c.symbol: c.count for c in cited}
    assert counts.pop("S/RES/1718 (2006)") == 2
    assert set(counts.values()) == {1}
    assert find_suspects(SEED.read_text(encoding="utf-8")) == []


def test_cited_document_is_frozen() -> None:
    c = CitedDocument("S/2020/139", "document", "u", 1, ("p1",))
    with pytest.raises(AttributeError):
        c.count = 2  # type: ignore[misc]
