"""The built site in a real headless Chromium: search in each edition (across the shards of its
index), and the layout at 360 and 1280 px (contents beside the text, cards for editors, nothing
wider than a phone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import serve_folder, set_viewport
from docpub.cli import main
from docpub.search import shard_of
from sitekit import MINIMAL, make_site

REPO = Path(__file__).resolve().parents[1]
DOC = "assessment-belgium-2020-02"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser") / "site"
    assert main(["build", str(REPO), "--out", str(out), "--no-pdf"]) == 0
    with serve_folder(out) as url:
        yield url


def search_from(browser: Any, page: str, query: str) -> list[str]:
    """Type ``query`` in the search box of ``page``, submit, and return the result links."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    set_viewport(browser, 1280)
    browser.get(page)
    box = browser.find_element(By.ID, "site-search")
    box.send_keys(query)
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a")
        or "没有" in d.find_element(By.ID, "search-status").text
        or "沒有" in d.find_element(By.ID, "search-status").text)
    return [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#search-results a")]


@pytest.mark.parametrize(("tag", "query"), [
    ("zh-Hans", "布隆迪"),  # Simplified, in the Simplified edition
    ("zh-Hant", "維持和平行動"),  # Traditional, in the Traditional edition
    ("zh-Hant-TW", "蒲隆地"),  # Taiwan's own name for Burundi (a glossary entry)
])
def test_a_query_finds_the_seed_in_the_readers_edition(browser: Any, site_url: str, tag: str, query: str) -> None:
    results = search_from(browser, f"{site_url}{tag}/{DOC}/index.html", query)
    assert results and results[0] == f"{site_url}{tag}/{DOC}/index.html"
    assert "search/index.html?q=" in browser.current_url


def test_a_query_for_nothing_says_so(browser: Any, site_url: str) -> None:
    from selenium.webdriver.common.by import By

    assert search_from(browser, f"{site_url}zh-Hans/index.html", "硅谷火箭") == []
    assert "没有找到" in browser.find_element(By.ID, "search-status").text


# Two documents that mention hummingbirds, in two shards of the index, and one that does not.
SHARDED = {
    "alpha": MINIMAL.replace("安全理事会通过了", "安全理事会讨论了蜂鸟保护计划，并通过了"),
    "beta": MINIMAL.replace("测试文件", "第二份测试文件").replace("安全理事会通过了", "关于蜂鸟迁徙的报告提到了"),
    "gamma": MINIMAL.replace("测试文件", "第三份测试文件"),
}


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharded")
    out = root / "host" / "site"
    assert main(["build", str(make_site(root / "s", SHARDED)), "--out", str(out), "--no-pdf"]) == 0
    return out


@pytest.fixture(scope="module")
def sharded_url(sharded: Path) -> Iterator[str]:
    """The site of SHARDED, published in a sub-folder (site/) of its host."""
    with serve_folder(sharded.parent) as url:
        yield url + "site/"


# The Traditional editions print the word alike, and one bundle holds every edition's pages:
# each reader still gets their own edition's pages only.
@pytest.mark.parametrize(("tag", "query"), [("zh-Hans", "蜂鸟"), ("zh-Hant", "蜂鳥"), ("zh-Hant-TW", "蜂鳥"),
                                            ("zh-Hant-HK", "蜂鳥")])
def test_a_query_finds_documents_in_different_shards(browser: Any, sharded_url: str, tag: str, query: str) -> None:
    assert len({shard_of(doc) for doc in SHARDED}) == 3
    results = search_from(browser, f"{sharded_url}{tag}/index.html", query)
    assert sorted(results) == [f"{sharded_url}{tag}/{doc}/index.html" for doc in ("alpha", "beta")]


def test_search_opened_from_files_says_it_needs_a_server(browser: Any, sharded: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((sharded / "zh-Hans" / "search" / "index.html").as_uri() + "?q=蜂鸟")
    WebDriverWait(browser, 20).until(lambda d: "服务器" in d.find_element(By.ID, "search-status").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#search-results a") == []


def test_contents_sit_beside_the_text_and_follow_the_reader(browser: Any, site_url: str) -> None:
    set_viewport(browser, 1280)
    browser.get(f"{site_url}zh-Hans/{DOC}/index.html")
    toc = browser.execute_script("return document.querySelector('.toc').getBoundingClientRect().toJSON()")
    text = browser.execute_script("return document.querySelector('.doc-text').getBoundingClientRect().toJSON()")
    assert toc["right"] <= text["left"]
    browser.execute_script("window.scrollTo(0, 6000)")
    top = browser.execute_script("return document.querySelector('.toc').getBoundingClientRect().top")
    assert 0 <= top < 100  # still in view, near the top
    back = browser.execute_script(
        "var r = document.querySelector('.back-to-top a').getBoundingClientRect(); return [r.top, r.bottom]")
    assert 0 < back[0] and back[1] <= 900  # the way back to the top is in view too


def test_header_keeps_its_width_between_a_document_and_its_parallel_page(browser: Any, site_url: str) -> None:
    set_viewport(browser, 1280)
    widths = []
    for page in ("index.html", "parallel.html", "citations.html"):
        browser.get(f"{site_url}zh-Hant/{DOC}/{page}")
        widths.append(browser.execute_script("return document.querySelector('.site-header').offsetWidth"))
    assert len(set(widths)) == 1


PAGES = ["index.html", f"zh-Hant/{DOC}/index.html", f"zh-Hant/{DOC}/parallel.html",
         f"zh-Hant/{DOC}/citations.html", "zh-Hant/citations/index.html", "zh-Hant/search/index.html",
         f"review/zh-Hant-TW/{DOC}.html", "review/index.html", "404.html"]


@pytest.mark.parametrize("width", [360, 1280])
def test_no_page_is_wider_than_the_screen(browser: Any, site_url: str, width: int) -> None:
    set_viewport(browser, width)
    for page in PAGES:
        browser.get(site_url + page)
        inner = browser.execute_script("return document.documentElement.clientWidth")
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= inner, f"{page} at {width} px: {scroll} > {inner}"


def test_review_items_are_cards_on_a_phone_and_columns_on_a_wide_screen(browser: Any, site_url: str) -> None:
    script = """var it = document.querySelector('.review-item');
        var s = it.querySelector('.ri-source dd').getBoundingClientRect();
        var c = it.querySelector('.ri-converted dd').getBoundingClientRect();
        return [s.left, s.width, c.left, c.top > s.top, it.getBoundingClientRect().width];"""
    set_viewport(browser, 360)
    browser.get(f"{site_url}review/zh-Hant-TW/{DOC}.html")
    left, width, other_left, below, card = browser.execute_script(script)
    assert below and other_left == left and width > card * 0.6  # stacked, each line wide enough to read
    set_viewport(browser, 1280)
    browser.get(f"{site_url}review/zh-Hant-TW/{DOC}.html")
    left, width, other_left, below, card = browser.execute_script(script)
    assert not below and other_left > left + width - 1  # side by side
