"""The archive as readers and crawlers meet it: months, breadcrumbs, corpus-wide citations,
base URL (canonical, sitemap, robots, feeds), 404, favicon, the editors' area and the search
index. A small archive of three synthetic documents in two months, one citing another."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docpub.cli import main
from docpub.search import shard_of
from sitekit import make_site, override

FIXTURES = Path(__file__).parent / "fixtures" / "archive"
TAGS = ["zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK"]
RES, A, B = "res-2999", "letter-2021-11-a", "letter-2021-11-b"
BASE = "https://docs.example.org/council/"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.starts.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def links(self, **where: str) -> list[dict[str, str]]:
        return [a for tag, a in self.starts if tag in ("a", "link")
                and all(a.get(k, "") == v or (k == "cls" and v in a.get("class", "")) for k, v in where.items())]

    @property
    def hrefs(self) -> list[str]:
        return [a["href"] for tag, a in self.starts if tag == "a" and "href" in a]

    def all_text(self) -> str:
        return "".join(self.text)


def read(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def archive_site(root: Path, *, base_url: str = "") -> Path:
    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.md"))}
    site = make_site(root, docs)
    if base_url:
        config = (site / "docpub.toml").read_text(encoding="utf-8")
        (site / "docpub.toml").write_text(config.replace("[site]\n", f'[site]\nbase_url = "{base_url}"\n', 1),
                                          encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    out = root / "out"
    assert main(["build", str(archive_site(root / "site")), "--out", str(out), "--no-pdf"]) == 0
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive-url")
    out = root / "out"
    assert main(["build", str(archive_site(root / "site", base_url=BASE)), "--out", str(out), "--no-pdf"]) == 0
    return out


# --- archive navigation ---------------------------------------------------------------------


def test_edition_index_groups_by_year_and_month_newest_first(plain: Path) -> None:
    page = read(plain / "zh-Hant" / "index.html")
    html = (plain / "zh-Hant" / "index.html").read_text(encoding="utf-8")
    assert html.index('id="m2021-11"') < html.index(f'id="{B}"') < html.index(f'id="{A}"') \
        < html.index('id="m2021-10"') < html.index(f'id="{RES}"')
    text = page.all_text()
    for shown in ("2021年", "2021年11月", "2021年10月", "S/RES/2999 (2021)", "S/2021/950", "2021-10-15"):
        assert shown in text, shown
    res_entry = html[html.index(f'id="{RES}"'):]
    assert "<dt>類別</dt><dd>決議</dd>" in res_entry  # the kind, in the edition's script
    assert "<dt>類別</dt><dd>信</dd>" in html[html.index(f'id="{A}"'):]
    assert "archive/2021.html" in page.hrefs  # the years lead to their pages
    year = read(plain / "zh-Hant" / "archive" / "2021.html")
    assert {"m2021-11", "m2021-10", A, B, RES} <= year.ids
    assert f"../../zh-Hant/{A}/index.html" in year.hrefs and "../index.html" in year.hrefs


def test_every_reader_page_has_breadcrumbs_leading_home(plain: Path) -> None:
    for tag in TAGS:
        for rel in (f"{A}/index.html", f"{A}/citations.html", "citations/index.html", "search/index.html"):
            html = (plain / tag / rel).read_text(encoding="utf-8")
            crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)
            assert crumbs, f"{tag}/{rel}"
            assert 'href="../index.html"' in crumbs.group(1) and 'aria-current="page"' in crumbs.group(1)
    doc = (plain / "zh-Hans" / A / "index.html").read_text(encoding="utf-8")
    assert 'href="../archive/2021.html#m2021-11">2021年11月</a>' in doc  # the month, on its year's page
    assert "m2021-11" in read(plain / "zh-Hans" / "archive" / "2021.html").ids


def test_document_text_has_contents_beside_it_and_a_way_back_to_top(plain: Path) -> None:
    html = (plain / "zh-Hans" / "res-2999" / "index.html").read_text(encoding="utf-8")
    assert 'href="#top"' in html and 'id="top"' in html
    assert html.count("data-pagefind-body") == 1
    body = html[html.index("data-pagefind-body"):]
    assert 'class="masthead"' not in body and 'class="toc"' not in body  # only the text is indexed


# --- corpus-wide citations -------------------------------------------------------------------


def test_corpus_citations_list_every_symbol_each_leading_to_its_page(plain: Path) -> None:
    for tag in TAGS:
        page = read(plain / tag / "citations" / "index.html")
        html = (plain / tag / "citations" / "index.html").read_text(encoding="utf-8")
        text = page.all_text()
        for symbol in ("S/RES/2999 (2021)", "S/RES/2512 (2020)", "S/PRST/2021/20", "SC/14700", "S/2021/901"):
            assert symbol in text, (tag, symbol)
        # kinds in the reader's order: resolutions, presidential statements, press releases, documents
        assert html.index('id="resolution"') < html.index('id="presidential-statement"') \
            < html.index('id="press-release"') < html.index('id="document"')
        # each cited document leads to its own page, which names it; the index lists no paragraph
        pages = [a["href"] for a in page.links(cls="cited-page")]
        assert len(pages) == len(set(pages)) == len(page.links(cls="symbol"))
        for href in pages:
            assert "/" not in href and (plain / tag / "citations" / href).is_file(), (tag, href)
        assert not [h for h in page.hrefs if h.startswith("../") and "#" in h]
        assert "被2份文件引用" in html  # S/RES/2999 (2021): by both letters


def test_a_cited_documents_page_lists_every_citing_document_and_paragraph(plain: Path) -> None:
    """S/RES/2999 (2021) is cited by both letters: its page links both, and each citing
    paragraph, and leads back to the index and to the document itself."""
    for tag in TAGS:
        index = read(plain / tag / "citations" / "index.html")
        href = next(a["href"] for a in index.links(cls="cited-page")
                    if a["href"].startswith("s-res-2999-2021"))
        assert href == "s-res-2999-2021.html"
        page = read(plain / tag / "citations" / href)
        assert "S/RES/2999 (2021)" in page.all_text()
        assert "../res-2999/index.html" in page.hrefs and "index.html" in page.hrefs
        for doc in (A, B):
            target = read(plain / tag / doc / "index.html")
            backs = [h.split("#", 1)[1] for h in page.hrefs if h.startswith(f"../{doc}/index.html#")]
            assert backs and set(backs) <= target.ids, (tag, doc)
        assert f"../{RES}/index.html#" not in " ".join(page.hrefs)  # the resolution does not cite itself
        # every edition has the page at the same address: the switcher leads to it
        switch = {a["href"] for a in page.links() if a.get("hreflang") in TAGS}
        assert {f"../../{t}/citations/{href}" for t in TAGS if t != tag} <= switch, (tag, switch)


def test_a_documents_citations_lead_to_the_archive_page_of_each_cited_document(plain: Path) -> None:
    """Each entry of a document's list of citations leads to the page of every document of the
    archive citing that symbol: there in the same edition, named by it, and listing this document."""
    entry = re.compile(r'<li class="cited">.*?<a class="symbol"[^>]*>([^<]+)</a>(.*?)</li>', re.S)
    seen = 0
    for tag in TAGS:
        for doc in (A, B, RES):
            html = (plain / tag / doc / "citations.html").read_text(encoding="utf-8")
            for symbol, rest in entry.findall(html):
                hrefs = re.findall(r'<a class="in-archive" href="([^"]+)"', rest)
                # read out of context, the link still names the symbol it is about
                assert f'<span lang="en">{symbol}</span></span></a>' in rest, (tag, doc, symbol)
                assert len(hrefs) == 1 and hrefs[0].startswith("../citations/"), (tag, doc, symbol, rest)
                target = (plain / tag / doc / hrefs[0]).resolve()
                assert target.parent == (plain / tag / "citations").resolve() and target.is_file()
                cited = read(target)
                assert f"<h1><span lang=\"en\">{symbol}</span></h1>" in target.read_text(encoding="utf-8")
                assert any(h.startswith(f"../{doc}/index.html") for h in cited.hrefs), (tag, doc, symbol)
                seen += 1
    assert seen >= 4 * 5  # the three documents cite five symbols or more between them


def test_a_cited_page_template_written_for_citing_list_still_renders_the_same(
        plain: Path, tmp_path: Path) -> None:
    """A site's own copy of a cited document's page that writes its citing documents with the
    whole-list filter (``citing_list(places, L)``) gives the same page."""
    site = archive_site(tmp_path / "site")
    page = override(site, "cited.html.j2")
    text = page.read_text(encoding="utf-8")
    older = text.replace("{% for part in c.citing | citing_items(L) %}{{ part }}{% endfor %}\n\n",
                         "{{ c.citing | citing_list(places, L) }}\n")
    assert older != text
    page.write_text(older, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "--no-search"]) == 0
    for tag in TAGS:
        for rel in (plain / tag / "citations").glob("s-*.html"):
            assert (out / rel.relative_to(plain)).read_bytes() == rel.read_bytes(), rel


def test_a_symbol_published_in_the_site_leads_to_its_page_in_the_readers_edition(plain: Path) -> None:
    for tag in TAGS:
        corpus = read(plain / tag / "citations" / "index.html")
        assert "../res-2999/index.html" in corpus.hrefs and "../letter-2021-11-a/index.html" in corpus.hrefs
        assert "https://undocs.org/zh/S/RES/2999(2021)" not in corpus.hrefs
        assert "https://undocs.org/zh/S/RES/2512(2020)" in corpus.hrefs  # not published here: the UN's
        cites = {a["data-symbol"]: a["href"] for a in read(plain / tag / A / "index.html").links(cls="citation")}
        assert cites["S/RES/2999 (2021)"] == "../res-2999/index.html"
        cites = {a["data-symbol"]: a["href"] for a in read(plain / tag / B / "index.html").links(cls="citation")}
        assert cites["S/2021/901"] == "../letter-2021-11-a/index.html"
        # a pinpoint (第2999(2021)号决议第2段) leads to that operative paragraph
        assert cites["S/RES/2999 (2021)"] == "../res-2999/index.html#p2"
        assert "p2" in read(plain / tag / "res-2999" / "index.html").ids
        own = read(plain / tag / A / "citations.html")
        assert "../res-2999/index.html" in own.hrefs and "https://undocs.org/zh/S/RES/2999(2021)" not in own.hrefs
        assert (plain / tag / "res-2999" / "index.html").is_file()


def test_press_releases_say_they_are_in_english(plain: Path) -> None:
    for path in (plain / "zh-Hant" / A / "index.html", plain / "zh-Hant" / "citations" / "index.html",
                 plain / "zh-Hant" / A / "citations.html"):
        html = path.read_text(encoding="utf-8")
        link = re.search(r'<a [^>]*href="https://press\.un\.org/[^"]*"[^>]*>.*?</a>'
                         r'(\s*<span class="tag tag-en">.*?</span>)?', html, re.S)
        assert link and 'hreflang="en"' in link.group(0), path
        assert "英文" in link.group(0), path  # a visible marker, in the edition's script


# --- base URL, crawlers, feeds ---------------------------------------------------------------


def test_without_a_base_url_every_link_stays_relative(plain: Path) -> None:
    assert not (plain / "sitemap.xml").exists() and not (plain / "robots.txt").exists()
    assert not list(plain.glob("*/feed.xml"))
    own = re.compile(r'(?:href|src|action)="(https?://[^"]*)"')
    for page in plain.rglob("*.html"):
        for url in own.findall(page.read_text(encoding="utf-8")):
            assert url.startswith(("https://undocs.org/", "https://press.un.org/")), (page, url)
    root = read(plain / "index.html")
    assert root.links(rel="canonical") == [{"rel": "canonical", "href": "zh-Hans/index.html"}]
    assert (plain / "404.html").is_file() and (plain / "static" / "favicon.svg").is_file()
    assert read(plain / "zh-Hans" / A / "index.html").links(rel="icon")[0]["href"] == "../../static/favicon.svg"


def test_with_a_base_url_links_are_absolute_and_pages_describe_themselves(published: Path) -> None:
    page = read(published / "zh-Hant-TW" / A / "index.html")
    assert page.links(rel="canonical")[0]["href"] == f"{BASE}zh-Hant-TW/{A}/index.html"
    alternates = {a["hreflang"]: a["href"] for a in page.links(rel="alternate") if "hreflang" in a}
    expected = {t: f"{BASE}{t}/{A}/index.html" for t in TAGS}
    assert alternates == {**expected, "x-default": f"{BASE}zh-Hans/{A}/index.html"}
    meta = {a.get("property") or a.get("name"): a.get("content", "") for tag, a in page.starts if tag == "meta"}
    assert meta["og:url"] == f"{BASE}zh-Hant-TW/{A}/index.html" and meta["og:type"] == "article"
    assert meta["og:locale"] == "zh_TW" and meta["og:title"].startswith("2021年11月2日")
    assert meta["description"].startswith("謹提請注意") and meta["og:description"] == meta["description"]
    root = read(published / "index.html")
    assert root.links(rel="canonical")[0]["href"] == f"{BASE}zh-Hans/index.html"
    assert page.links(type="application/atom+xml")[0]["href"] == f"{BASE}zh-Hant-TW/feed.xml"


def test_sitemap_lists_every_reader_page_with_its_editions(published: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = ET.parse(published / "sitemap.xml")
    urls = {u.findtext("s:loc", namespaces=ns): u for u in tree.getroot().findall("s:url", ns)}
    for tag in TAGS:
        for doc in (RES, A, B):
            u = urls[f"{BASE}{tag}/{doc}/index.html"]
            alts = {x.get("hreflang"): x.get("href") for x in u.findall("x:link", ns)}
            assert set(alts) == {*TAGS, "x-default"} and all(h and h.startswith(BASE) for h in alts.values())
        assert f"{BASE}{tag}/citations/index.html" in urls
        # the pages of the years and of the cited documents: every one that the build wrote
        for folder in ("archive", "citations"):
            for page in (published / tag / folder).glob("*.html"):
                assert f"{BASE}{tag}/{folder}/{page.name}" in urls, page
        assert f"{BASE}{tag}/archive/2021.html" in urls and f"{BASE}{tag}/citations/s-res-2512-2020.html" in urls
    assert not [u for u in urls if "/review/" in u or "search" in u or "404" in u or "parallel" in u]
    robots = (published / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots and "Disallow: /council/review/" in robots


def test_each_edition_has_an_atom_feed_newest_first(published: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for tag in TAGS:
        feed = ET.parse(published / tag / "feed.xml").getroot()
        links = [e.find("a:link", ns).get("href") for e in feed.findall("a:entry", ns)]  # type: ignore[union-attr]
        assert links == [f"{BASE}{tag}/{d}/index.html" for d in (B, A, RES)]
        assert feed.findtext("a:updated", namespaces=ns) == "2021-11-24T00:00:00Z"
    hant = (published / "zh-Hant" / "feed.xml").read_text(encoding="utf-8")
    assert "另一國" in hant and "另一国" not in hant


def test_a_bad_base_url_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = archive_site(tmp_path / "site", base_url="javascript:alert(1)")
    assert main(["build", str(site), "--out", str(tmp_path / "out"), "--no-pdf"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.match(r"docpub: .*docpub\.toml:\d+: error: 'site\.base_url' must be", err[0])


def test_404_page_works_at_any_depth(plain: Path, published: Path) -> None:
    page = read(published / "404.html")
    assert all(h.startswith(BASE) for h in page.hrefs if not h.startswith("#"))
    assert page.links(rel="stylesheet")[0]["href"] == f"{BASE}static/site.css"
    assert ("meta", {"name": "robots", "content": "noindex"}) in page.starts
    assert "找不到该页面" in read(plain / "404.html").all_text()


# --- the editors' area -----------------------------------------------------------------------


def test_review_pages_are_apart_from_readers(plain: Path) -> None:
    reviews = sorted((plain / "review").rglob("*.html"))
    assert {p.relative_to(plain).as_posix() for p in reviews} >= {
        f"review/{t}/{d}.html" for t in TAGS[1:] for d in (RES, A, B)} | {"review/index.html"}
    for page in reviews:
        html = page.read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex">' in html and "data-pagefind-body" not in html
    readers = [p for p in plain.rglob("*.html") if "review" not in p.relative_to(plain).parts]
    for page in readers:
        assert not [h for h in read(page).hrefs if "review" in h], page
    one = read(plain / "review" / "zh-Hant-TW" / f"{A}.html")
    assert "2021年11月2日" in one.all_text() and f"../../zh-Hant-TW/{A}/index.html" in one.hrefs


# --- parallel page ---------------------------------------------------------------------------


def test_parallel_links_have_real_names_and_no_left_right_wording(plain: Path) -> None:
    html = (plain / "zh-Hant" / A / "parallel.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="unit-link"[^>]*>(.*?)</a>', html)
    assert links
    for inner in links:
        assert '<span aria-hidden="true">¶</span>' in inner
        assert re.search(r'<span class="visually-hidden">在文件中閱讀：\S+</span>', inner), inner
    assert "左" not in html and "右" not in html


# --- search index ----------------------------------------------------------------------------


def test_search_index_is_shards_of_document_pages_holding_each_edition(plain: Path) -> None:
    shards = sorted({shard_of(d) for d in (RES, A, B)})
    assert len(shards) == 3  # each document in a shard of its own: the search page merges them
    # One bundle a shard, for every edition; the listings, which hold no text to index, make none.
    assert sorted(p.name for p in (plain / "pagefind").iterdir()) == sorted([*shards, *TAGS])
    for shard in shards:
        entry = json.loads((plain / "pagefind" / shard / "pagefind-entry.json").read_text(encoding="utf-8"))
        # Pagefind indexes each edition's page apart (by its <html lang>): one page each.
        assert sorted(entry["languages"]) == sorted(tag.lower() for tag in TAGS)
        assert all(lang["page_count"] == 1 for lang in entry["languages"].values())
    for tag in TAGS:
        assert sorted(p.name for p in (plain / "pagefind" / tag).iterdir()) == ["shards.json"]
        listed = json.loads((plain / "pagefind" / tag / "shards.json").read_text(encoding="utf-8"))["shards"]
        assert listed == [f"../{shard}" for shard in shards]  # paths from the list, as search.js reads them
        search = (plain / tag / "search" / "index.html").read_text(encoding="utf-8")
        assert f'data-index="../../pagefind/{tag}/shards.json"' in search
        assert f'<html lang="{tag}">' in search  # the index Pagefind loads there is the edition's


def test_a_pages_search_fragment_holds_its_text_and_no_paragraph_anchors(plain: Path) -> None:
    """What a reader loads for each result: the page's text for the excerpt, without a copy of
    each paragraph's text as an anchor (results within a page are not shown); the page itself
    keeps its paragraphs' ids, which links lead to."""
    page = (plain / "zh-Hans" / A / "index.html").read_text(encoding="utf-8")
    assert 'id="p1"' in page
    fragments = []
    for file in (plain / "pagefind" / shard_of(A) / "fragment").glob("zh-hans_*.pf_fragment"):
        raw = gzip.decompress(file.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        fragments.append(json.loads(raw[len(b"pagefind_dcd"):]))
    (fragment,) = [f for f in fragments if f["url"].endswith(f"/zh-Hans/{A}/index.html")]
    # (a section or the letter itself can still be named: their own text is empty or a title)
    assert fragment["anchors"] and {a["element"] for a in fragment["anchors"]} <= {"section", "article"}
    first = re.search(r'<p id="p1"[^>]*>(.*?)</p>', page, re.S)
    assert first is not None
    words = re.sub(r"<[^>]+>", "", first.group(1))[:12]
    assert words and words in fragment["content"].replace("\u200b", "")  # (Pagefind marks its word breaks)


def test_a_shards_index_is_the_same_bytes_whatever_order_its_pages_come_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pagefind numbers a bundle's pages in the order it is given them. It was given a folder
    # of copies, which it reads in the file system's order: the same site indexed on a disk
    # and on a tmpfs (the temporary folder of many CI runners) gave different index files.
    import tempfile

    from docpub import search

    memory = Path("/dev/shm")  # (a tmpfs where there is one: its order is not the disk's)
    scratch = Path(tempfile.mkdtemp(dir=memory)) if memory.is_dir() and os.access(memory, os.W_OK) else tmp_path
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    texts = ["安全理事会审议了局势。", "秘书长提交了报告。", "理事会成员发表了声明。", "会议通过了决议草案。",
             "各方欢迎停火协议。", "特别代表通报了情况。"]
    pages: dict[str, Path] = {}
    for n, text in enumerate(texts):
        path = tmp_path / "pages" / f"p{n}.html"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f'<!DOCTYPE html><html lang="zh-Hans"><head><title>第{n}号</title></head><body>'
                        f"<main data-pagefind-body><p>{text}</p></main></body></html>", encoding="utf-8")
        pages[f"zh-Hans/d{n}/index.html"] = path
    bundles = []
    try:
        with search.Indexer() as indexer:
            for order, name in ((sorted(pages), "a"), (sorted(pages, reverse=True), "b"),
                                ([*sorted(pages)[3:], *sorted(pages)[:3]], "c")):
                search.build_index({p: pages[p] for p in order}, tmp_path / name, indexer)
                bundles.append({f.relative_to(tmp_path / name).as_posix(): f.read_bytes()
                                for f in (tmp_path / name).rglob("*") if f.is_file()})
    finally:
        if scratch != tmp_path:
            shutil.rmtree(scratch, ignore_errors=True)
    assert bundles[0] and bundles[0] == bundles[1] == bundles[2]


def test_shards_indexed_one_after_another_by_one_program_are_each_the_bundle_it_makes_alone(tmp_path: Path) -> None:
    """A program is given the next shard's pages before the bundle of the one it indexed is read
    (it goes on with them meanwhile): each bundle is still that shard's, the bytes a program of
    its own makes of it; a shard of one edition, of three, of one page."""
    from docpub import search

    def page(lang: str, n: int, text: str) -> str:
        return (f'<!DOCTYPE html><html lang="{lang}"><head><title>第{n}号</title></head><body>'
                f"<main data-pagefind-body><h1>第{n}号</h1><p>{text}</p></main></body></html>")

    shards = [
        ("a", {f"zh-Hans/d{n}/index.html": page("zh-Hans", n, text) for n, text in
               enumerate(["安全理事会审议了局势。", "秘书长提交了报告。", "会议通过了决议草案。"])}),
        ("b", {f"{lang}/e/index.html": page(lang, 7, text) for lang, text in
               (("zh-Hans", "各方欢迎停火协议。"), ("zh-Hant", "各方歡迎停火協議。"),
                ("zh-Hant-TW", "各方歡迎停火協議。"))}),
        ("c", {"zh-Hant-HK/f/index.html": page("zh-Hant-HK", 9, "特別代表通報了情況。")}),
    ]
    with search.Indexer() as indexer:
        together = list(indexer.index_each(shards))
        # Read no further than the first bundle (the next shard's pages already sent): the
        # program is stopped, and the indexer indexes on with a new one.
        for _ in indexer.index_each(shards):
            break
        assert indexer.index(shards[2][1]).keys() == together[2][1].keys()
    alone = []
    for key, pages in shards:
        with search.Indexer() as own:
            alone.append((key, own.index(pages)))
    assert [key for key, _ in together] == ["a", "b", "c"]
    for (key, files), (_, own_files) in zip(together, alone, strict=True):
        assert search.ENTRY in files
        languages = json.loads(files[search.ENTRY])["languages"]
        assert set(languages) == {p.split("/")[0].lower() for p in dict(shards)[key]}, key
        # (the entry lists the languages in no fixed order: the build sorts them)
        assert json.loads(files.pop(search.ENTRY)) == json.loads(own_files.pop(search.ENTRY)), key
        assert files == own_files, key


def test_pagefind_is_given_the_text_without_paragraph_ids_and_with_section_ids(tmp_path: Path) -> None:
    from docpub import search

    page = tmp_path / "page.html"
    page.write_text(
        '<html lang="zh-Hans"><body><nav id="nav"><a id="top" href="#p1">目录</a></nav>'
        '<main data-pagefind-body><article id="letter"><section id="s1"><h2 id="h">一、标题</h2>'
        '<p id="p1" class="x">第一段<sup id="fnref1"><a href="#fn1" id="r">1</a></sup>。</p>'
        '<ol><li id="fn1"><p id="fn1-p">注 id="x" 文字</p></li></ol>'
        '<table><tr><td id="c">格</td></tr></table></section></article></main></body></html>',
        encoding="utf-8")
    seen: dict[str, str] = {}

    class Reading:
        def index(self, pages: dict[str, str]) -> dict[str, bytes]:
            seen.update(pages)
            return {search.ENTRY: b'{"languages":{}}'}

    search.build_index({"zh-Hans/d/index.html": page}, tmp_path / "bundle", Reading())  # type: ignore[arg-type]
    given = seen["zh-Hans/d/index.html"]
    body = given[given.index("data-pagefind-body"):]
    assert re.findall(r'<[^>]* id="([^"]*)"', body) == ["letter", "s1", "h"]
    assert 'class="x"' in body and "注 id=\"x\" 文字" in body  # other attributes, and text, as they were
    assert '<nav id="nav"><a id="top"' in given  # (nothing outside the text is indexed)
    assert re.sub(r'(<[^>]*) id="[^"]*"', r"\1", given) == re.sub(r'(<[^>]*) id="[^"]*"', r"\1",
                                                                 page.read_text(encoding="utf-8"))


def test_the_search_index_keys_hold_pagefinds_installed_version() -> None:
    from importlib.metadata import version

    from docpub.search import pagefind_version

    assert pagefind_version() == version("pagefind") != ""


def test_cited_page_names_are_the_symbols_and_never_shared() -> None:
    """A cited document's page is named by its symbol; symbols that would share a name, or take
    the folder's index, are each told apart."""
    from docpub.plan import cited_pages

    names = cited_pages(["S/RES/2512 (2020)", "SC/14128", "S/2020/139/Add.1", "S/PRST/2020/3"])
    assert names == {"S/RES/2512 (2020)": "s-res-2512-2020", "SC/14128": "sc-14128",
                     "S/2020/139/Add.1": "s-2020-139-add.1", "S/PRST/2020/3": "s-prst-2020-3"}
    clash = cited_pages(["S/RES/2512 (2020)", "S/RES/2512/2020", "INDEX", "..", "S/1"])
    assert len(set(clash.values())) == 5
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.-]*", n) and n != "index" for n in clash.values())
    assert clash["S/1"] == "s-1"
    assert cited_pages(["S/RES/2512 (2020)", "S/RES/2512/2020"])["S/RES/2512/2020"] == clash["S/RES/2512/2020"]


def test_a_citations_page_is_rendered_again_exactly_when_a_page_it_leads_to_is_renamed(tmp_path: Path) -> None:
    """The names of the archive's pages of cited documents are part of what a document's list
    of citations is made of: a new symbol whose page would take the same name renames both, and
    the lists citing the renamed one change key; a new symbol of its own name changes none."""
    from docpub.config import load_config
    from docpub.inputs import read_inputs
    from docpub.pages import Shared
    from docpub.plan import DocSource, KeyParts, plan_documents

    config = load_config(archive_site(tmp_path / "site"))
    shared = Shared(config, read_inputs(config), False)

    def keys(*docs: DocSource) -> dict[tuple[str, str, str], str]:
        return {(o.kind, o.edition, o.doc): o.key for o in plan_documents(shared, docs, KeyParts(shared, docs, "c"))}

    a = DocSource("a", "a.md", "model-a", cites=("S/RES/2512 (2020)", "SC/14128"))
    b = DocSource("b", "b.md", "model-b", cites=("SC/14128",))
    before = keys(a, b)
    other = keys(a, b, DocSource("c", "c.md", "model-c", cites=("S/2021/901",)))
    clash = keys(a, b, DocSource("c", "c.md", "model-c", cites=("S RES 2512 2020",)))
    renamed = {k for k in before if before[k] != clash[k]}
    assert renamed == {("citations", tag, "a") for tag in TAGS}
    assert all(before[k] == other[k] for k in before)
