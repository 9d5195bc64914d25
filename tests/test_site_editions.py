"""The site across editions: every page in every edition, switchable page to page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from docpub.cli import main
from docpub.config import load_config

REPO = Path(__file__).resolve().parents[1]
DOC = "assessment-belgium-2020-02"
TAGS = ["zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK"]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.alternates: dict[str, str] = {}
        self.switcher: dict[str, str] = {}
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self._in_switcher = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "nav" and "switcher" in a.get("class", ""):
            self._in_switcher = True
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
            if self._in_switcher:
                self.switcher[a.get("hreflang", "")] = a["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_switcher = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("editions") / "site"
    assert main(["build", str(REPO), "--out", str(out), "--no-pdf"]) == 0
    return out


def test_the_repository_declares_four_editions() -> None:
    assert [e.tag for e in load_config(REPO).editions] == TAGS


@pytest.mark.parametrize("tag", TAGS)
def test_every_edition_is_a_full_site_edition(site: Path, tag: str) -> None:
    for page in ("index.html", "citations.html"):
        assert read(site / tag / DOC / page).lang == tag
    assert read(site / tag / "index.html").lang == tag
    has_parallel = (site / tag / DOC / "parallel.html").exists()
    assert has_parallel == (tag != "zh-Hans")


def test_every_switcher_and_hreflang_link_resolves(site: Path) -> None:
    pages = sorted(p for p in site.rglob("*.html") if "review" not in p.relative_to(site).parts)
    assert len(pages) >= 4 * 3
    for page in pages:  # the editors' area (review/) is apart: it exists for Traditional editions only
        links = read(page)
        assert set(links.alternates) == set(TAGS) | {"x-default"}, page
        assert set(links.switcher) == set(TAGS), page
        for href in [*links.alternates.values(), *links.switcher.values()]:
            target = (page.parent / urlsplit(href).path).resolve()
            assert target.is_file(), f"{page}: {href}"
        assert links.alternates["x-default"] == links.alternates["zh-Hans"]


def test_switcher_leads_to_the_same_page_in_each_edition(site: Path) -> None:
    links = read(site / "zh-Hant-TW" / DOC / "citations.html")
    assert links.switcher["zh-Hant-HK"] == f"../../zh-Hant-HK/{DOC}/citations.html"
    parallel = read(site / "zh-Hant-TW" / DOC / "parallel.html")
    assert parallel.switcher["zh-Hant"] == f"../../zh-Hant/{DOC}/parallel.html"
    assert parallel.switcher["zh-Hans"] == f"../../zh-Hans/{DOC}/index.html"  # the source has no parallel page


def test_section_anchors_are_the_same_in_every_edition(site: Path) -> None:
    def ids(tag: str) -> list[str]:
        html = (site / tag / DOC / "index.html").read_text(encoding="utf-8")
        return sorted(set(part.split('"', 1)[0] for part in html.split(' id="')[1:]))

    assert ids("zh-Hans") == ids("zh-Hant") == ids("zh-Hant-TW") == ids("zh-Hant-HK")


@pytest.mark.parametrize(("tag", "present", "absent"), [
    ("zh-Hans", ["目录", "安全理事会", "布隆迪"], ["目錄"]),
    ("zh-Hant", ["目錄", "安全理事會", "主席聲明"], ["目录", "安全理事会"]),
    ("zh-Hant-TW", ["目錄", "蒲隆地", "索馬利亞", "葉門", "幾內亞比索", "突尼西亞", "聖文森及格瑞那丁"],
     ["布隆迪", "索馬里", "也門"]),
    ("zh-Hant-HK", ["目錄", "索馬里", "也門"], ["蒲隆地", "葉門"]),
])
def test_labels_and_text_are_in_the_editions_script(site: Path, tag: str, present: list[str],
                                                    absent: list[str]) -> None:
    text = "".join(read(site / tag / DOC / "index.html").text)
    for word in present:
        assert word in text, word
    for word in absent:
        assert word not in text, word


def test_latin_text_and_citations_are_untouched_in_traditional_pages(site: Path) -> None:
    source = read(site / "zh-Hans" / DOC / "index.html")
    for tag in TAGS[1:]:
        page = read(site / tag / DOC / "index.html")
        assert "Marie Yolène Gilles" in "".join(page.text)
        external = [h for h in page.hrefs if h.startswith("https://")]
        assert external == [h for h in source.hrefs if h.startswith("https://")]


def test_home_lists_every_document_with_every_edition(site: Path) -> None:
    home = read(site / "index.html")
    for tag in TAGS:
        assert f"{tag}/{DOC}/index.html" in home.hrefs


def test_parallel_page_pairs_source_and_conversion(site: Path) -> None:
    html = (site / "zh-Hant-TW" / DOC / "parallel.html").read_text(encoding="utf-8")
    assert "2月26日，安全理事会就布隆迪问题举行了一次非正式互动对话" in html
    assert "2月26日，安全理事會就蒲隆地問題舉行了一次非正式互動對話" in html


def test_review_page_lists_one_to_many_characters_and_glossary_hits(site: Path) -> None:
    text = "".join(read(site / "review" / "zh-Hant-TW" / f"{DOC}.html").text)
    assert "布隆迪" in text and "蒲隆地" in text  # a glossary hit
    assert "zh-Hant-TW.tsv:" in text
    assert "荷台達" in text  # 台 stays 台 in a transliterated name


def test_review_page_shows_each_entrys_reason(site: Path) -> None:
    tw = "".join(read(site / "review" / "zh-Hant-TW" / f"{DOC}.html").text)
    assert "通过[视频]" in tw and "透過" in tw and "via video conference or link" in tw
    hk = "".join(read(site / "review" / "zh-Hant-HK" / f"{DOC}.html").text)
    assert "説" in hk and "說" in hk and "兌 component: Big5 form" in hk  # a character form, with its reason


def test_labels_follow_the_edition_glossaries(site: Path) -> None:
    # The document tools' navigation is labelled 文件链接 "document links".
    assert 'aria-label="文件連結"' in (site / "zh-Hant-TW" / DOC / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="文件連結"' in (site / "zh-Hant-HK" / DOC / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="文件鏈接"' in (site / "zh-Hant" / DOC / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("tag", "face"), [("zh-Hans", "Noto Serif CJK SC"), ("zh-Hant", "Noto Serif CJK TC"),
                                           ("zh-Hant-TW", "Noto Serif CJK TC"), ("zh-Hant-HK", "Noto Serif CJK HK")])
def test_each_edition_names_its_own_face_first(site: Path, tag: str, face: str) -> None:
    html = (site / tag / DOC / "index.html").read_text(encoding="utf-8")
    assert f'--serif: "{face}", var(--serif-fallback)' in html


@pytest.mark.parametrize(("tag", "quoted"), [("zh-Hans", "4次“通过”会议"), ("zh-Hant", "4次「通過」會議"),
                                             ("zh-Hant-TW", "4次「通過」會議"), ("zh-Hant-HK", "4次「通過」會議")])
def test_traditional_editions_print_corner_quotes(site: Path, tag: str, quoted: str) -> None:
    assert quoted in "".join(read(site / tag / DOC / "index.html").text)


def test_review_pages_link_only_to_anchors_that_exist(site: Path) -> None:
    import re

    for tag in TAGS[1:]:
        page = (site / tag / DOC / "index.html").read_text(encoding="utf-8")
        ids = set(re.findall(r'\sid="([^"]+)"', page))
        review = read(site / "review" / tag / f"{DOC}.html")
        back = f"../../{tag}/{DOC}/index.html"
        assert back in review.hrefs  # it names its document and links back
        anchors = [h.split("#", 1)[1] for h in review.hrefs if h.startswith(back + "#")]
        assert anchors and set(anchors) <= ids
