"""writers/pdf.py: the PDF's structure (pages, outline, links, fonts, text), not its bytes."""

from __future__ import annotations

import html
import http.server
import io
import re
import shutil
import subprocess
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fontTools.cffLib import CFFFontSet
from pypdf import PdfReader

from docpub.config import Edition, load_config
from docpub.errors import DocpubError
from docpub.model import (
    Annex,
    Citation,
    Document,
    Image,
    Link,
    Meta,
    Paragraph,
    Section,
    Text,
    iter_inlines,
    iter_sections,
    plain_text,
)
from docpub.readers.markdown import read_file
from docpub.templating import default_theme
from docpub.transforms.citations import link_citations
from docpub.writers.pdf import SITE_URL, base_url, english_date, print_html, render_pdf, site_url_fetcher

REPO = Path(__file__).resolve().parents[1]
THEME = default_theme()
FORBIDDEN_LINE_START = "，。、；：）”」』》！？"
# A 1x1 PNG.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
       b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
HAN_SPACE_DIGIT = re.compile(r"\p{Han} [0-9]|[0-9] \p{Han}".replace(r"\p{Han}", "[\u3400-\u9fff]"))



EDITIONS = {e.tag: e for e in load_config(REPO).editions}


def seed_document() -> Document:
    """The authored seed document, with its citations linked."""
    config = load_config(REPO)
    return link_citations(read_file(REPO / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"),
                          urls=config.urls)


@pytest.fixture(scope="module")
def seed() -> Document:
    return seed_document()


@pytest.fixture(scope="module")
def pdf(seed: Document) -> bytes:
    return render_pdf(seed, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def pdf_path(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "seed.pdf"
    path.write_bytes(pdf)
    return path


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def small_document(**meta: Any) -> Document:
    fields = {"title": "测试信", "date": date(2021, 3, 1), **meta}
    section = Section(2, (Text("导言"),), "intro", (Paragraph((Text("安理会举行了3次会议。"),), "p2"),))
    return Document(
        id="small", lang="zh-Hans", meta=Meta(**fields),
        body=(Paragraph((Text("谨随函转递评估。"),), "p1"),),
        annex=Annex(caption=(Text("信的附件"),), title=(Text("工作评估"),), sections=(section,)))


# --- pages, outline, links ------------------------------------------------------------


def test_page_count_is_that_of_an_a4_document(reader: PdfReader) -> None:
    assert 7 <= len(reader.pages) <= 12
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def _outline(items: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            out += _outline(item, depth + 1)
        else:
            out.append((depth, item.title))
    return out


def test_outline_mirrors_the_letter_and_the_section_tree(reader: PdfReader, seed: Document) -> None:
    assert seed.annex is not None
    expected = [(0, seed.meta.title), (0, plain_text(seed.annex.title))]
    expected += [(s.level - 1, plain_text(s.title)) for s in iter_sections(seed.annex.sections)]
    assert _outline(reader.outline) == expected


def test_every_citation_is_a_link_annotation(reader: PdfReader, seed: Document) -> None:
    cited = {x.url for x in iter_inlines(seed) if isinstance(x, Citation)}
    assert len(cited) >= 10
    uris = {annot.get_object()["/A"].get("/URI")
            for page in reader.pages for annot in page.get("/Annots") or []
            if "/A" in annot.get_object()}
    assert cited <= uris
    assert "https://undocs.org/zh/S/RES/2512(2020)" in uris


def test_contents_page_numbers_are_the_pages_sections_start_on(reader: PdfReader, pdf_path: Path) -> None:
    starts = {}
    for item in _flatten(reader.outline):
        starts[item.title] = reader.get_destination_page_number(item) + 1
    toc = pdftotext(pdf_path, "-layout", "-f", "2", "-l", "2")
    entries = re.findall(r"^\s*(\S.*?)\s*…{3,}\s*(\d+)\s*$", toc, re.M)
    assert len(entries) >= 20
    for title, page in entries:
        assert starts[title] == int(page), title


def _flatten(items: list[Any]) -> list[Any]:
    return [y for x in items for y in (_flatten(x) if isinstance(x, list) else [x])]


# --- metadata, fonts -------------------------------------------------------------------


def test_metadata_comes_from_the_document(reader: PdfReader, seed: Document) -> None:
    info = reader.metadata
    assert info is not None
    assert info.title == seed.meta.title
    assert info.subject == seed.meta.title_en
    assert info.author == seed.meta.author
    assert info["/CreationDate"].startswith("D:" + seed.meta.date.strftime("%Y%m%d"))
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hans"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged (PDF/UA-1)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def _font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("tag, face", [
    ("zh-Hans", "cjksc"), ("zh-Hant", "cjktc"), ("zh-Hant-TW", "cjktc"), ("zh-Hant-HK", "cjkhk"),
])
def test_each_edition_embeds_its_own_faces_as_subsets(seed: Document, tag: str, face: str,
                                                      tmp_path: Path) -> None:
    edition = EDITIONS[tag]
    data = render_pdf(_in_edition(seed, edition), edition=edition, theme=THEME,
                      site_root=REPO)
    assert len(data) <= 320 * 1024  # the CJK faces embedded as the CFF programs of their glyphs alone
    reader = PdfReader(io.BytesIO(data))
    names = _font_names(reader)
    plain = {re.sub(r"[^a-z]", "", n.split("+", 1)[-1].lower()) for n in names}
    assert f"notoserif{face}" in plain and f"notosans{face}bold" in plain
    assert all(re.match(r"/[A-Z]{6}\+", n) for n in names), names  # subset tags
    assert reader.trailer["/Root"]["/Lang"] == tag
    if shutil.which("pdffonts"):
        path = tmp_path / "e.pdf"
        path.write_bytes(data)
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        for row in rows.splitlines()[2:]:
            assert re.search(r"\byes\s+yes\s+yes\b", row), row  # emb sub uni
    # Every glyph the text shows is in the embedded font under the CID the page names it by
    # (Identity-H), in the program's charset, where a viewer looks a CID up; the program holds
    # those glyphs and hardly any other (not the face's 65,535 slots).
    for name, program, shown in _font_programs(reader):
        assert program[:4] != b"OTTO", name  # a bare CFF program (FontFile3 /CIDFontType0C)
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(program), None)
        top = cff[cff.fontNames[0]]
        assert top.ROS[1] == "Identity", name
        held = {int(glyph[3:]) for glyph in top.charset if glyph.startswith("cid")}
        missing = [cid for cid in shown if cid and cid not in held]
        assert not missing, f"{name}: CIDs the text shows that the program lacks: {missing[:5]}"
        assert len(held) <= len(shown) + 8, name
    subtypes = {str(f["/Subtype"]) for f in _font_files(reader)}
    assert subtypes == {"/CIDFontType0C"}


def _counting_subsets(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts HarfBuzz's subsetting runs from now on (one entry per run)."""
    from weasyprint.pdf import fonts

    runs: list[int] = []
    real = fonts.harfbuzz_subset

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def hb_subset_or_fail(self, *args: Any) -> Any:
            runs.append(1)
            return real.hb_subset_or_fail(*args)

    monkeypatch.setattr(fonts, "harfbuzz_subset", Counting())
    return runs


def test_each_font_is_subset_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _counting_subsets(monkeypatch)
    data = render_pdf(small_document(), edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    fonts = {program for _, program, _ in _font_programs(PdfReader(io.BytesIO(data)))}
    assert len(fonts) == 2  # the serif face of the text, the bold sans of the headings
    assert len(runs) == len(fonts)


def test_when_the_one_pass_fails_weasyprint_subsets_its_own_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from docpub.writers import subset

    monkeypatch.setattr(subset, "_subset", lambda *args: None)
    runs = _counting_subsets(monkeypatch)
    data = render_pdf(small_document(), edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    reader = PdfReader(io.BytesIO(data))
    assert len(runs) == 4  # WeasyPrint's two passes for each of the two fonts
    assert all(re.match(r"/[A-Z]{6}\+", n) for n in _font_names(reader))
    assert all(len(program) < 2 * 1024 * 1024 for _, program, _ in _font_programs(reader))  # subsets


def _font_files(reader: PdfReader) -> list[Any]:
    """The font file stream of each embedded CID font."""
    return [font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()["/FontFile3"]
            .get_object() for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()]


def _font_programs(reader: PdfReader) -> list[tuple[str, bytes, list[int]]]:
    """Each embedded CID font: its name, its font file, and the CIDs its ToUnicode map lists."""
    found = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
            cids = [int(m, 16) for m in re.findall(r"^<([0-9a-fA-F]{4})> <", cmap, re.M)]
            program = descriptor["/FontFile3"].get_object().get_data()
            found[str(font["/BaseFont"]), len(cids)] = (str(font["/BaseFont"]), program, cids)
    return list(found.values())


def _in_edition(doc: Document, edition: Edition) -> Document:
    try:
        from docpub.transforms.editions import convert_document, converter_for
    except ImportError:
        return doc
    return convert_document(doc, converter=converter_for(edition, REPO))  # type: ignore[no-any-return]


# --- text ------------------------------------------------------------------------------


def test_extracted_text_has_the_masthead_and_key_sentences(pdf_path: Path) -> None:
    text = pdftotext(pdf_path)
    first = pdftotext(pdf_path, "-l", "1")
    for line in ("Distr.: General", "30 November 2020", "Chinese", "Original: English",
                 "Security Council", "United Nations", "联合国", "安全理事会"):
        assert line in first
    joined = text.replace("\n", "")
    for sentence in ("请将本信及其附件作为安全理事会文件分发为荷。",
                     "安理会通过了4项决议、发布了3项主席声明并向新闻界发表了3次谈话。",
                     "2月28日，安全理事会就索马里选举事宜向新闻界发表了谈话(SC/14133)。"):
        assert sentence in joined


def test_no_line_starts_with_closing_punctuation(pdf_path: Path, reader: PdfReader) -> None:
    # By position: a glyph at the left text edge starts a line. (pdftotext's own
    # line grouping splits a line where a half-width "halt" mark overlaps the
    # next glyph's nominal box, so its plain output cannot be read per line.)
    bbox = pdftotext(pdf_path, "-bbox")
    words = re.findall(r'<word xMin="([\d.]+)"[^>]*>(.*?)</word>', bbox)
    starts = [round(float(x)) for x, _ in words]
    left = max(set(starts), key=starts.count)  # the text's left edge: where most lines start
    at_line_start = [html.unescape(w) for x, w in words if float(x) < left + 3]
    assert len(at_line_start) > 100
    assert [w for w in at_line_start if w[0] in FORBIDDEN_LINE_START] == []
    # And by lines, as pypdf groups them by baseline.
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    assert [line for line in lines if line[:1] in FORBIDDEN_LINE_START] == []


def test_no_space_is_put_between_han_and_digits(pdf_path: Path) -> None:
    # The visual gap is a margin; text extraction must not read it as a space.
    text = pdftotext(pdf_path)
    assert "2020年2月" in text
    assert HAN_SPACE_DIGIT.findall(text) == []


def test_rendering_is_deterministic(seed: Document, pdf: bytes) -> None:
    again = render_pdf(seed, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    assert again == pdf


# --- masthead and running header -------------------------------------------------------


def test_english_date() -> None:
    assert english_date(date(2020, 11, 30)) == "30 November 2020"
    assert english_date(date(2021, 3, 1)) == "1 March 2021"


def test_masthead_omits_an_unknown_symbol_and_heads_pages_with_the_annex_title() -> None:
    out = print_html(small_document(), edition=EDITIONS["zh-Hans"], theme=THEME,
                     site_root=REPO)
    assert 'class="symbol"' not in out
    assert '@top-right { content: "工作评估"; }' in out
    assert "Original:" not in out  # unknown original language: no line


def test_a_known_symbol_is_on_the_masthead_and_in_the_running_header(tmp_path: Path) -> None:
    doc = small_document(symbol="S/2099/1", original_language="English")
    long = Paragraph((Text("安全理事会举行会议。" * 400),), "p9")
    doc = Document(doc.id, doc.lang, doc.meta, doc.body, (), Annex(
        doc.annex.caption, doc.annex.title, sections=doc.annex.sections, blocks=(long,)))  # type: ignore[union-attr]
    path = tmp_path / "s.pdf"
    path.write_bytes(render_pdf(doc, edition=EDITIONS["zh-Hant-HK"], theme=THEME,
                                site_root=REPO))
    assert "S/2099/1" in pdftotext(path, "-l", "1")
    assert "聯合國" in pdftotext(path, "-l", "1")  # default labels follow the edition's script
    page3 = pdftotext(path, "-f", "3", "-l", "3").strip().splitlines()
    assert page3[0] == "S/2099/1"
    assert page3[-1].strip() == f"3/{len(PdfReader(path).pages)}"


def test_labels_given_by_the_site_are_used() -> None:
    out = print_html(small_document(), edition=EDITIONS["zh-Hans"], theme=THEME,
                     site_root=REPO, labels={"contents": "目次"})
    assert "目次" in out and "联合国" in out


def test_the_editions_faces_are_named_before_any_generic_family() -> None:
    out = print_html(small_document(), edition=EDITIONS["zh-Hant-HK"], theme=THEME,
                     site_root=REPO)
    assert 'html { font-family: "Noto Serif CJK HK", serif; }' in out
    assert '"Noto Sans CJK HK", sans-serif' in out
    assert 'lang="zh-Hant-HK"' in out


def test_a_font_name_cannot_inject_css() -> None:
    evil = Edition(tag="zh-Hans", label="x", font_serif='X"; } body { display: none')
    with pytest.raises(DocpubError, match="font family"):
        print_html(small_document(), edition=evil, theme=THEME, site_root=REPO)


# --- the fetcher -----------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Any:
    _Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetcher_serves_the_templates_static_files() -> None:
    fetch = site_url_fetcher(REPO, THEME)
    response = fetch(base_url(THEME) + "static/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:text/css,body{}", "ftp://127.0.0.1/x",
                                 "https://undocs.org/zh/S/RES/2512(2020)"])
def test_fetcher_refuses_what_is_not_the_sites_own_file(url: str) -> None:
    with pytest.raises(DocpubError) as info:
        site_url_fetcher(REPO, THEME)(url)
    assert url in str(info.value)


def test_fetcher_refuses_escapes_from_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("x")
    (site / "content" / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetch = site_url_fetcher(site, THEME)
    for url in (SITE_URL + "content/../../secret.txt", SITE_URL + "content/link.txt",
                SITE_URL + "content/%2e%2e/%2e%2e/secret.txt"):
        with pytest.raises(DocpubError, match="outside the site"):
            fetch(url)
    # A real path is never a URL print reads, even inside the site.
    (site / "content" / "ok.txt").write_text("x")
    with pytest.raises(DocpubError, match="only the site's own files"):
        fetch((site / "content" / "ok.txt").as_uri())


def test_fetcher_refuses_http_without_a_request(server: str) -> None:
    url = f"{server}/print.css"
    with pytest.raises(DocpubError) as info:
        site_url_fetcher(REPO, THEME)(url)
    assert url in str(info.value)
    assert _Recorder.requests == []


@pytest.mark.parametrize("where", ["http", "file"])
def test_render_stops_on_an_image_from_outside_the_site(server: str, where: str) -> None:
    src = f"{server}/tracker.png" if where == "http" else "file:///etc/passwd"
    doc = small_document()
    doc = Document(doc.id, doc.lang, doc.meta, body=(Paragraph((Image(src, "图"),), "p1"),))
    with pytest.raises(DocpubError) as info:
        render_pdf(doc, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    assert src in str(info.value)
    assert _Recorder.requests == []


def test_a_relative_image_is_served_from_the_documents_folder(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "small"
    folder.mkdir(parents=True)
    (folder / "map.png").write_bytes(PNG)
    doc = small_document()
    doc = Document(doc.id, doc.lang, doc.meta, body=(Paragraph((Image("map.png", "地图"),), "p1"),),
                   source=str(folder / "zh-Hans.md"))
    data = render_pdf(doc, edition=EDITIONS["zh-Hans"], theme=THEME, site_root=tmp_path)
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1


# --- nothing of the builder's folders in a PDF ------------------------------------------


def _link_uris(data: bytes) -> list[str]:
    return [str(annot.get_object()["/A"].get("/URI")) for page in PdfReader(io.BytesIO(data)).pages
            for annot in page.get("/Annots") or [] if "/URI" in annot.get_object().get("/A", {})]


def _linked_document() -> Document:
    doc = small_document()
    links = (Text("见"), Link((Text("另一份"),), "other.html"), Text("、"),
             Link((Text("上级"),), "../up/index.html#p2"), Text("、"),
             Link((Text("本机"),), "file:///etc/passwd"), Text("、"),
             Link((Text("脚本"),), "javascript:alert(1)"), Text("和"),
             Link((Text("网站"),), "https://example.org/a"), Text("。"))
    return Document(doc.id, doc.lang, doc.meta, body=(Paragraph(links, "p1"),), annex=doc.annex)


def test_relative_links_never_point_into_the_builders_folders() -> None:
    data = render_pdf(_linked_document(), edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    assert _link_uris(data) == ["https://example.org/a"]
    assert b"file:" not in data and str(REPO).encode() not in data


def test_relative_links_resolve_against_the_pages_published_url(tmp_path: Path) -> None:
    page = "https://docs.example.org/zh-Hans/small/"
    data = render_pdf(_linked_document(), edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO,
                      page_url=page)
    assert _link_uris(data) == ["https://docs.example.org/zh-Hans/small/other.html",
                                "https://docs.example.org/zh-Hans/up/index.html#p2",
                                "https://example.org/a"]
    path = tmp_path / "l.pdf"
    path.write_bytes(data)
    assert "见另一份、上级、本机、脚本和网站。" in pdftotext(path)  # unlinked text stays


def test_the_same_site_built_in_two_folders_gives_the_same_pdfs(tmp_path: Path) -> None:
    from docpub.cli import main
    from sitekit import MINIMAL, make_site

    text = MINIMAL + "\n![地图](map.png)\n\n见[另一份](../other/index.html)。\n"
    outputs = []
    for name in ("a", "checkout-b"):
        site = make_site(tmp_path / name / "site", {"test-doc": text})
        (site / "content" / "test-doc" / "map.png").write_bytes(PNG)
        out = tmp_path / name / "out"
        assert main(["build", str(site), "--out", str(out)]) == 0
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")})
    assert len(outputs[0]) == 4 and outputs[0] == outputs[1]
    for data in outputs[0].values():
        assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1
        assert str(tmp_path).encode() not in data and b"file:" not in data


def test_a_built_pdf_links_relative_links_to_the_published_site(tmp_path: Path) -> None:
    from docpub.cli import main
    from sitekit import MINIMAL, make_site

    config = (REPO / "docpub.toml").read_text(encoding="utf-8").replace(
        "[site]\n", '[site]\nbase_url = "https://docs.example.org/archive/"\n', 1)
    site = make_site(tmp_path / "site", {"test-doc": MINIMAL + "\n见[另一份](../other/index.html)。\n"},
                     config=config)
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out)]) == 0
    uris = _link_uris((out / "zh-Hant" / "test-doc" / "test-doc.pdf").read_bytes())
    assert "https://docs.example.org/archive/zh-Hant/other/index.html" in uris
    assert not [u for u in uris if u.startswith("file:")]


def _embedded(data: bytes) -> dict[str, tuple[str, bytes]]:
    """Each embedded font of a PDF by its family: how its program is embedded, and the program."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
            stream = descriptor[key].get_object()
            kind = f"{key} {stream.get('/Subtype', '')}".strip()
            found[str(descriptor["/FontFamily"])] = (kind, stream.get_data())
    return found


def test_only_cid_keyed_faces_are_embedded_as_bare_cff_programs(tmp_path: Path) -> None:
    # A TrueType face, a name-keyed CFF face and a CID-keyed one on one page: only the last is
    # embedded as its CFF program; the others keep an OpenType file with each glyph at its id.
    from docpub.writers.pdf import lay_out, write_pdf

    html = ('<html lang="zh-Hans"><body>'
            '<p style="font-family: \'DejaVu Sans\'">Security Council</p>'
            '<p style="font-family: \'Nimbus Roman\'">United Nations</p>'
            '<p style="font-family: \'Noto Serif CJK SC\'">安全理事会</p></body></html>')
    data = write_pdf(lay_out(html, theme=THEME, site_root=REPO))
    fonts = _embedded(data)
    assert fonts["DejaVu Sans"][0] == "/FontFile2"
    assert fonts["Nimbus Roman"][0] == "/FontFile3 /OpenType" and fonts["Nimbus Roman"][1][:4] == b"OTTO"
    assert fonts["Noto Serif CJK SC"][0] == "/FontFile3 /CIDFontType0C"
    path = tmp_path / "mixed.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert [line for line in text.splitlines() if line.strip()] == ["Security Council", "United Nations", "安全理事会"]


@pytest.mark.weasyprint_warnings  # WeasyPrint reports the .notdef it draws
def test_a_face_missing_a_character_keeps_its_glyph_ids(tmp_path: Path) -> None:
    # A character no face has is drawn as the face's .notdef under an id of its own: that face is
    # embedded whole-numbered (an OpenType file), and the text around it is intact.
    from docpub.writers.pdf import lay_out, write_pdf

    html = '<html lang="zh-Hans"><body><p style="font-family: \'Noto Serif CJK SC\'">安全\ue000理事会</p></body></html>'
    data = write_pdf(lay_out(html, theme=THEME, site_root=REPO))
    kind, program = _embedded(data)["Noto Serif CJK SC"]
    assert kind == "/FontFile3 /OpenType" and program[:4] == b"OTTO"
    path = tmp_path / "missing.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "安全" in text and "理事会" in text


@pytest.mark.parametrize("charset, glyphs, identity", [
    (b"\x00" + b"".join(n.to_bytes(2, "big") for n in range(1, 6)), 6, True),  # format 0
    (b"\x00" + b"".join(n.to_bytes(2, "big") for n in (1, 2, 4, 3, 5)), 6, False),
    (b"\x01\x00\x01\x04", 6, True),  # format 1: CIDs 1 to 5 in one range
    (b"\x01\x00\x01\x01\x00\x04\x02", 6, False),  # CIDs 1, 2, then 4 on: one missing
    (b"\x02\x00\x01\x00\x02\x00\x04\x00\x01", 6, True),  # format 2: ranges 1-3 and 4-5
    (b"\x02\x00\x02\x00\x04", 6, False),  # starts at CID 2
    (b"\x02\x00\x01\x00\x03", 6, False),  # covers 1-4, then the charset ends
])
def test_a_charset_is_identity_only_when_every_glyph_is_its_own_cid(charset: bytes, glyphs: int,
                                                                    identity: bool) -> None:
    from docpub.writers.subset import _charset_is_identity, _cid_keyed_identity

    cff = b"\x00" * 8 + charset
    try:
        assert _charset_is_identity(cff, 8, glyphs) is identity
    except IndexError:
        assert not identity  # a charset that ends early: _cid_keyed_identity answers False
    assert _cid_keyed_identity(b"not a CFF", identity=True) is False


def test_cid_keyed_identity_is_read_from_the_faces_own_cff_table() -> None:
    # The installed Noto CJK face: CID-keyed, each glyph its own CID. A subset of it embedded in a
    # PDF: CID-keyed, but its glyphs renumbered (glyph 1 is CID 1, glyph 2 some later CID).
    from fontTools.ttLib import TTCollection

    from docpub.writers.subset import _cid_keyed_identity

    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Serif CJK SC"], capture_output=True, text=True,
                          check=True).stdout
    face = TTCollection(path, lazy=True).fonts[0] if path.endswith(".ttc") else None
    assert face is not None, path
    table = face.reader["CFF "]
    assert _cid_keyed_identity(table, identity=True) is True
    data = render_pdf(small_document(), edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    _, program, shown = _font_programs(PdfReader(io.BytesIO(data)))[0]
    assert len(shown) > 2
    assert _cid_keyed_identity(program, identity=False) is True
    assert _cid_keyed_identity(program, identity=True) is False
    assert _cid_keyed_identity(table[:40], identity=True) is False  # cut short: not read, so not used


def _whole_face_copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the whole font files WeasyPrint copies into memory from now on."""
    from weasyprint.pdf import fonts

    copies: list[int] = []
    real = fonts.get_hb_object_data

    def counting(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        data = real(hb_object, ot_color, glyph)
        if data and len(data) > 5 * 1024 * 1024:
            copies.append(len(data))
        return data

    monkeypatch.setattr(fonts, "get_hb_object_data", counting)
    return copies


def test_a_pdf_is_written_without_copying_its_faces_whole_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # WeasyPrint copies each face's whole file (20 to 26 MB for a Noto CJK collection) when a
    # page first uses it; HarfBuzz subsets from the face, so docpub's PDFs never read that copy.
    copies = _whole_face_copies(monkeypatch)
    data = render_pdf(small_document(), edition=EDITIONS["zh-Hans"], theme=THEME, site_root=REPO)
    assert data.startswith(b"%PDF-") and len(_font_programs(PdfReader(io.BytesIO(data)))) == 2
    assert copies == []


def test_a_face_that_is_not_subset_is_embedded_whole(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A font WeasyPrint does not subset (as a form's) is embedded as its whole file, read then.
    from weasyprint.pdf import fonts

    from docpub.writers.pdf import lay_out, write_pdf

    copies = _whole_face_copies(monkeypatch)
    monkeypatch.setattr(fonts.Font, "subset", lambda font, to_unicode, hinting: None)
    html = '<html lang="zh-Hans"><body><p style="font-family: \'Noto Serif CJK SC\'">安全理事会</p></body></html>'
    data = write_pdf(lay_out(html, theme=THEME, site_root=REPO))
    assert len(copies) == 1 and len(data) > 5 * 1024 * 1024
    path = tmp_path / "whole.pdf"
    path.write_bytes(data)
    assert "安全理事会" in subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                         check=True).stdout
