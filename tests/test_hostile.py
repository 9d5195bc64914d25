"""Hostile content comes out inert: no markup injection, no script, no reading outside the site."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docpub.cli import main
from sitekit import MINIMAL, make_site

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><iframe src=javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "{{ 7*7 }}{% raw %}",
    "<style>body{display:none}</style>",
    "&lt;script&gt;",
]


class Elements(HTMLParser):
    """Records every element and attribute a browser would create from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]


def assert_inert(html: str) -> None:
    parsed = Elements()
    parsed.feed(html)
    assert "iframe" not in parsed.tags and "svg" not in parsed.tags and "img" not in parsed.tags
    # the templates' own: one <style> naming the edition's faces, one <script> for the switcher,
    # and on the search page the site's own search script
    assert parsed.tags.count("style") <= 1 and parsed.tags.count("script") <= 2
    assert all(v.endswith("static/search.js") for k, v in parsed.attrs if k == "src")
    assert not [k for k, _ in parsed.attrs if k.startswith("on")]
    assert not [v for _, v in parsed.attrs if v.strip().lower().startswith("javascript:")]
    # the only scripts are the templates' own (none of them carries the payload); the text may
    # appear, escaped, only as a value: a meta description or a search-page message
    assert "alert(1)" not in "".join(v for k, v in parsed.attrs if k != "content" and not k.startswith("data-"))


def hostile_document(payload: str) -> str:
    quoted = payload.replace("\\", "\\\\").replace('"', '\\"')
    return f"""---
title: "标题{quoted}"
title_en: "Title {quoted}"
date: 2021-03-01
author: "{quoted}"
---

正文{payload}第2512(2020)号决议。

[链接{payload}](https://example.org/a)

## 标题{payload}

段落 *{payload}* **{payload}** `{payload}`
"""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert_in_every_page(tmp_path: Path, payload: str) -> None:
    site = make_site(tmp_path / "s", {"x": hostile_document(payload)},
                     glossaries={"zh-Hant-TW.tsv": f"正文\t{payload}\n"})
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf"]) == 0
    pages = sorted(out.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert_inert(html)
    shown = Elements()
    shown.feed((out / "zh-Hans" / "x" / "index.html").read_text(encoding="utf-8"))
    visible = "".join(shown.text)
    if "alert(1)" in payload:
        assert "alert(1)" in visible  # shown to the reader as text, not run
    assert "7*7" not in payload or "{{ 7*7 }}" in visible  # never evaluated as a template


def test_payload_in_pdf_is_text_not_action(tmp_path: Path) -> None:
    from pypdf import PdfReader

    site = make_site(tmp_path / "s", {"x": hostile_document(PAYLOADS[1])})
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out)]) == 0
    reader = PdfReader(out / "zh-Hans" / "x" / "x.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "onerror" in text
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A", {})
            assert action.get("/S") != "/JavaScript"
            assert not str(action.get("/URI", "")).lower().startswith("javascript")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                 "vbscript:msgbox(1)", "JaVaScRiPt:alert(1)"])
def test_dangerous_link_schemes_are_errors_with_file_and_line(tmp_path: Path, url: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    text = f"---\ntitle: t\ndate: 2021-03-01\n---\n\n第一段。\n\n[点击]({url})\n"
    site = make_site(tmp_path / "s", {"x": text})
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "zh-Hans.md:8:" in err
    assert not out.exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("make_src", [
    lambda port: f"http://127.0.0.1:{port}/tracker.png",
    lambda port: "file:///etc/passwd",
    lambda port: "/etc/passwd",
    lambda port: "../../../../etc/passwd",
])
def test_images_outside_the_site_are_refused_before_rendering(tmp_path: Path, make_src,  # type: ignore[no-untyped-def]
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        src = make_src(server.server_address[1])
        text = f"---\ntitle: t\ndate: 2021-03-01\n---\n\n第一段。\n\n![图]({src})\n"
        site = make_site(tmp_path / "s", {"x": text})
        assert main(["build", str(site), "--out", str(tmp_path / "out")]) == 1
    finally:
        server.shutdown()
    assert "zh-Hans.md:8:" in capsys.readouterr().err
    assert _Recorder.requests == []


@pytest.mark.parametrize("bad_id", ["Bad Id", "a$b", "UPPER", "-lead", "trailing\n", "x\x1b[2Jred", "tab\there",
                                    "rtl\u202egpj.exe"])
def test_unsafe_document_ids_are_refused(tmp_path: Path, bad_id: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Refused in one line that shows the name's control characters as escapes, never as they
    are (a line end would split the error, an escape sequence would drive the terminal)."""
    site = make_site(tmp_path / "s", {})
    folder = site / "content" / bad_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zh-Hans.md").write_text("---\ntitle: t\ndate: 2021-03-01\n---\n\n文。\n", encoding="utf-8")
    assert main(["build", str(site), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "document id" in err and err.count("\n") == 1 and err.endswith("\n")
    assert not any(c in err for c in "\x1b\t\u202e")
    assert not (tmp_path / "out").exists()


NOT_UTF8 = b"\xff\xfename"


@pytest.mark.parametrize("where", ["document folder", "content file", "static file", "template", "site folder"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_names_that_are_not_utf8_are_one_error_line(tmp_path: Path, where: str, command: str) -> None:
    """A file or folder of the site whose name's bytes are not UTF-8 (a legacy encoding's name)
    is an error line naming it (its bytes as escapes), through the real command line: exit 1,
    no traceback, nothing published."""
    site = make_site(tmp_path / "s")
    bad = os.fsdecode(NOT_UTF8)
    if where == "document folder":
        (site / "content" / bad).mkdir()
        (site / "content" / bad / "zh-Hans.md").write_text(MINIMAL, encoding="utf-8")
    elif where == "content file":
        (site / "content" / f"{bad}.md").write_text(MINIMAL, encoding="utf-8")
    elif where == "static file":
        (site / "templates" / "static").mkdir(parents=True)
        (site / "templates" / "static" / f"{bad}.css").write_text("p {}", encoding="utf-8")
    elif where == "template":
        (site / "templates").mkdir()
        (site / "templates" / f"{bad}.html.j2").write_text("{{ 1 }}", encoding="utf-8")
    else:
        site = site.rename(tmp_path / bad)
    out = tmp_path / "out"
    args = [command, str(site)] + (["--out", str(out), "--no-pdf"] if command == "build" else [])
    proc = subprocess.run([sys.executable, "-m", "docpub", *args], capture_output=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    said = (proc.stderr + proc.stdout).decode("utf-8")  # all of it UTF-8 text
    assert "Traceback" not in said
    errors = [line for line in said.splitlines() if "error:" in line]
    assert len(errors) == 1 and "\\udcff\\udcfename" in errors[0] and "not UTF-8" in errors[0], said
    assert not out.exists()


def test_check_reads_no_template_through_a_link_out_of_the_site(tmp_path: Path) -> None:
    """``docpub check`` compiles the theme's templates: one linked to a file outside the site is
    reported as such, and the file is not read (its mistakes would be reported, and quoted)."""
    site = make_site(tmp_path / "s")
    outside = tmp_path / "outside.html.j2"
    outside.write_text("SECRET {{ ", encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates" / "document.html.j2").symlink_to(outside)
    proc = subprocess.run([sys.executable, "-m", "docpub", "check", str(site)], capture_output=True,
                          timeout=120, check=False, text=True)
    assert proc.returncode == 1
    assert "outside the site" in proc.stdout and "syntax" not in proc.stdout and "SECRET" not in proc.stdout


CONTROLS = ["\x0b", "\x1b", "\x07", "\x7f", "\x85", "\x9b", "\ufffe"]
PLACES = {  # where the character goes -> the line it is then on
    "front matter": ("title: 测试文件", "title: 测试{c}文件", 2),
    "paragraph": ("通过了", "通{c}过了", 6),
    "last line": ("决议。\n", "决议。{c}\n", 6),
}


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("place", list(PLACES))
def test_control_characters_in_content_are_an_error_at_their_line(tmp_path: Path, control: str, place: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A control character (unseen: copied from a PDF, say) cannot be held by a page, a feed or
    YAML: an error line naming the file, its line and the character; nothing is published."""
    old, new, line = PLACES[place]
    assert old in MINIMAL
    site = make_site(tmp_path / "s", {"first": MINIMAL.replace(old, new.format(c=control), 1)})
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert err == (f"docpub: {site / 'content' / 'first' / 'zh-Hans.md'}:{line}: error: control character "
                   f"U+{ord(control):04X} (it prints as nothing): delete it\n")
    assert not out.exists()


@pytest.mark.parametrize("file", ["glossary", "ambiguous", "template"])
def test_control_characters_in_the_sites_other_text_files_are_errors(tmp_path: Path, file: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    if file == "template":
        path = site / "templates" / "document.html.j2"
        path.parent.mkdir()
        path.write_text("{% extends 'base.html.j2' %}\n\x1b[2J\n", encoding="utf-8")
    else:
        path = site / "content" / "glossary" / ("ambiguous.txt" if file == "ambiguous" else "common.tsv")
        text = path.read_text(encoding="utf-8").split("\n")
        text[2] += "\x1b"
        path.write_text("\n".join(text), encoding="utf-8")
    assert main(["build", str(site), "--out", str(tmp_path / "out"), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"docpub: {path}:") and "control character U+001B" in err and err.count("\n") == 1
    assert f"{path}:{2 if file == 'template' else 3}:" in err


@pytest.mark.parametrize("where", ["site title", "edition label", "UI label", "front matter title",
                                   "front matter link"])
def test_control_characters_written_as_escapes_are_errors_too(tmp_path: Path, where: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """TOML's "\\u001b" and YAML's "\\x1b" put a control character in a value whose file holds
    none: it is an error naming the file (and the value's line), as in the text."""
    site = make_site(tmp_path / "s")
    config, doc = site / "docpub.toml", site / "content" / "test-doc" / "zh-Hans.md"
    if where == "site title":
        config.write_text(config.read_text(encoding="utf-8").replace(
            'title = "安全理事会文件"', 'title = "安全理事会\\u001b[2J文件"', 1), encoding="utf-8")
        path, line = config, 4
    elif where == "edition label":
        config.write_text(config.read_text(encoding="utf-8").replace(
            'label = "简体中文"', 'label = "简体\\u000b中文"', 1), encoding="utf-8")
        path, line = config, None
    elif where == "UI label":
        path, line = site / "templates" / "labels.toml", None
        path.parent.mkdir()
        path.write_text('search = "搜\\u0085索"\n', encoding="utf-8")
    else:
        entry = 'title: "测试\\x1b文件"' if where == "front matter title" else \
            'title: 测试文件\nlinks:\n  S/RES/2512(2020): "https://example.org/\\x07"'
        doc.write_text(MINIMAL.replace("title: 测试文件", entry, 1), encoding="utf-8")
        path, line = doc, 2 if where == "front matter title" else 3
    assert main(["build", str(site), "--out", str(tmp_path / "out"), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "control character U+00" in err, err
    assert err.startswith(f"docpub: {path}:{line}: " if line else f"docpub: {path}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["front matter list", "front matter mapping", "front matter block",
                                   "docpub.toml", "labels"])
def test_values_nested_hundreds_deep_are_one_error_line(tmp_path: Path, where: str) -> None:
    """YAML and TOML values are built by recursion: lists or tables nested thousands deep (a few
    kilobytes) exhausted Python's stack, a traceback. Now an error line, through the real command."""
    site = make_site(tmp_path / "s")
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    deep = 5000
    if where.startswith("front matter"):
        value = {"front matter list": "[" * deep + "]" * deep,
                 "front matter mapping": "{a: " * deep + "1" + "}" * deep,
                 "front matter block": "\n" + "".join("  " * i + "-\n" for i in range(1, 400))}[where]
        doc.write_text(MINIMAL.replace("title: 测试文件", f"title: 测试文件\nlinks: {value}", 1), encoding="utf-8")
        path, reason = doc, "front matter nested deeper than 20 levels"
    elif where == "docpub.toml":
        path, reason = site / "docpub.toml", "nested hundreds deep"
        path.write_text(path.read_text(encoding="utf-8") + "\n[deep]\na = " + "[" * deep + "]" * deep + "\n",
                        encoding="utf-8")
    else:
        path, reason = site / "templates" / "labels.toml", "nested hundreds deep"
        path.parent.mkdir()
        path.write_text("a = " + "[" * deep + "]" * deep + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "docpub", "build", str(site), "--out", str(tmp_path / "out"),
                           "--no-pdf"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-500:]
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"docpub: {path}") and reason in proc.stderr
    assert not (tmp_path / "out").exists()


def _citing(count: int) -> str:
    """A content file citing resolution 2512 (2020) and ``count`` letters, these on one line."""
    return MINIMAL + "\n另见：\n\n" + "、".join(f"S/2020/{n}" for n in range(1, count + 1)) + "。\n"


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_file_citing_more_documents_than_the_limit_is_one_error_line(tmp_path: Path, command: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Every document cited has a page in every edition: 40 KB of symbols made 12,000 pages (a
    file at the size limit, half a million). Past ``site.max_cited`` (2,000) different documents,
    the file is refused at the line of the first one too many, before anything renders."""
    text = _citing(2001)  # 2,002 different documents, the resolution first
    site = make_site(tmp_path / "s", {"test-doc": text})
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x.startswith("S/2020/1、"))
    args = ["check", str(site)] if command == "check" else ["build", str(site), "--out", str(tmp_path / "out")]
    assert main(args) == 1
    captured = capsys.readouterr()
    err = (captured.err if command == "build" else captured.out).strip().splitlines()
    assert err[0].removeprefix("docpub: ") == (
        f"{doc}:{line}: error: cites more than 2000 different documents (S/2020/2000 is one too many): each has a "
        "page in every edition (raise site.max_cited in docpub.toml to build it)")
    assert not (tmp_path / "out").exists()


def test_the_limit_of_documents_cited_is_the_sites_to_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = (Path(__file__).parent.parent / "docpub.toml").read_text(encoding="utf-8")
    site = make_site(tmp_path / "s", {"test-doc": _citing(4), "other": MINIMAL.replace("测试文件", "另一文件")},
                     config=config.replace("[site]\n", "[site]\nmax_cited = 4\n", 1))
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "--no-search"]) == 1
    assert "S/2020/4 is one too many" in capsys.readouterr().err
    (site / "docpub.toml").write_text(config.replace("[site]\n", "[site]\nmax_cited = 5\n", 1), encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "--no-search"]) == 0
    pages = {p.name for p in (out / "zh-Hant" / "citations").iterdir()} - {"index.html"}
    assert pages == {"s-res-2512-2020.html", *(f"s-2020-{n}.html" for n in range(1, 5))}
