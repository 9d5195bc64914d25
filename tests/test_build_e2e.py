"""End to end: build this repository's own site and read it as a visitor would."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docpub.cli import main
from sitekit import SEED_CITATIONS

REPO = Path(__file__).resolve().parents[1]
DOC = "assessment-belgium-2020-02"



class Page(HTMLParser):
    """Collects what a test needs from a page: lang, ids, links, citation anchors."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.ids: set[str] = set()
        self.links: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("a", "link") and "href" in a:
            self.links.append(a)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e2e") / "site"
    assert main(["build", str(REPO), "--out", str(out)]) == 0
    return out


def test_home_lists_the_document(site: Path) -> None:
    home = parse(site / "index.html")
    text = "".join(home.text)
    assert "2020年11月9日比利时常驻联合国代表给安全理事会主席的信" in text
    assert "Letter dated 9 November 2020" in text
    assert any(link["href"] == f"zh-Hans/{DOC}/index.html" for link in home.links)


def test_document_page_has_masthead_letter_annex_and_contents(site: Path) -> None:
    path = site / "zh-Hans" / DOC / "index.html"
    page = parse(path)
    text = "".join(page.text)
    assert page.lang == "zh-Hans"
    for expected in ("Distr.: General", "30 November 2020", "Original: English",
                     "谨随函转递", "菲利普·克里德尔卡(签名)", "导言", "几内亚比绍", "Je Klere"):
        assert expected in text
    # the four page-break splits are rejoined and no Han-digit spaces remain
    for joined in ("他们还敦促中非共和国当局", "以改善控制", "作为民间社会代表", "不仅基于当前背景"):
        assert joined in text
    assert not re.search(r"[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff]", text)
    # every table-of-contents entry leads to a section on the page
    local = [link["href"][1:] for link in page.links if link["href"].startswith("#")]
    assert local and all(anchor in page.ids for anchor in local)


def test_every_seed_citation_is_a_link_with_its_symbol(site: Path) -> None:
    page = parse(site / "zh-Hans" / DOC / "index.html")
    cited = {link["title"]: link["href"] for link in page.links if "citation" in link.get("class", "")}
    assert cited == SEED_CITATIONS


def test_citations_page_groups_by_kind_and_links_back(site: Path) -> None:
    doc_page = parse(site / "zh-Hans" / DOC / "index.html")
    page = parse(site / "zh-Hans" / DOC / "citations.html")
    hrefs = [link["href"] for link in page.links]
    for url in SEED_CITATIONS.values():
        assert url in hrefs
    back = [h.split("#", 1)[1] for h in hrefs if h.startswith("index.html#")]
    assert back and all(anchor in doc_page.ids for anchor in back)


def test_pdf_is_built_beside_the_page(site: Path) -> None:
    pdf = site / "zh-Hans" / DOC / f"{DOC}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["build", str(REPO), "--out", str(again)]) == 0

    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert digest(again) == digest(site)


def test_output_does_not_depend_on_hash_seed_locale_or_time(site: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    other = tmp_path / "other"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "LC_ALL": "C", "LANG": "C", "TZ": "Pacific/Kiritimati",
           "SOURCE_DATE_EPOCH": "1"}
    subprocess.run([sys.executable, "-m", "docpub", "build", str(REPO), "--out", str(other)],
                   check=True, env=env, capture_output=True)

    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert digest(other) == digest(site)
