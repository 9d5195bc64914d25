"""A table of faults run through the real command line: each is one error line, exit 1, no traceback,
and the previous output exactly as it was.

Every case is input a careless editor or a hostile author could give (or a
machine that cannot take the output); none may crash, hang, leak or half-write.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from docpub.outdir import MARKER, MARKER_TEXT
from sitekit import MINIMAL, make_site, override, picture

FM = "---\ntitle: 测试文件\ndate: 2021-03-01\n---\n\n"  # the body starts on line 6
PNG = picture("PNG")
LINE = re.compile(r"^docpub: (?P<file>[^\n]+?)(?::(?P<line>\d+))?: error: (?P<reason>[^\n]+)$")


@dataclass(frozen=True)
class Fault:
    """``make(site, tmp)`` breaks the site (and returns extra arguments); the error must name
    a file ending in ``file``, at ``line`` (None: no line) and say ``reason``."""

    make: Callable[[Path, Path], list[str]]
    file: str
    line: int | None
    reason: str
    limit_file_size: int | None = None  # bytes: a disk that fills up


def doc(text: str, files: dict[str, bytes] | None = None) -> Callable[[Path, Path], list[str]]:
    def make(site: Path, tmp: Path) -> list[str]:
        folder = site / "content" / "x"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "zh-Hans.md").write_text(text, encoding="utf-8")
        for name, data in (files or {}).items():
            (folder / name).write_bytes(data)
        return []
    return make


def config_with(old: str, new: str) -> Callable[[Path, Path], list[str]]:
    def make(site: Path, tmp: Path) -> list[str]:
        path = site / "docpub.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return []
    return make


def in_template(text: str | bytes) -> Callable[[Path, Path], list[str]]:
    def make(site: Path, tmp: Path) -> list[str]:
        template = override(site, "document.html.j2")
        lines = template.read_bytes().split(b"\n")
        at = next(n for n, line in enumerate(lines) if b"{% block main %}" in line) + 1
        lines.insert(at, text if isinstance(text, bytes) else text.encode("utf-8"))
        template.write_bytes(b"\n".join(lines))
        return []
    return make


def special(kind: str, where: str, target: str = "") -> Callable[[Path, Path], list[str]]:
    """Put a FIFO, a folder or a link at ``where`` (relative to the site)."""
    def make(site: Path, tmp: Path) -> list[str]:
        path = site / where
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        else:
            os.symlink(target.replace("TMP", str(tmp)), path)
        return []
    return make


def both(*steps: Callable[[Path, Path], list[str]]) -> Callable[[Path, Path], list[str]]:
    def make(site: Path, tmp: Path) -> list[str]:
        return [arg for step in steps for arg in step(site, tmp)]
    return make


def content_file(name: str) -> Callable[[Path, Path], list[str]]:
    def make(site: Path, tmp: Path) -> list[str]:
        path = site / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MINIMAL, encoding="utf-8")
        return []
    return make


def outside(site: Path, tmp: Path) -> list[str]:
    secret = tmp / "outside" / "secret"
    secret.mkdir(parents=True)
    (secret / "zh-Hans.md").write_text(MINIMAL, encoding="utf-8")
    (secret / "a.png").write_bytes(PNG)
    return []


def out_under_a_file(site: Path, tmp: Path) -> list[str]:
    (tmp / "a-file").write_text("not a folder\n", encoding="utf-8")
    return ["--out", str(tmp / "a-file" / "site")]


FAULTS: dict[str, Fault] = {
    # files published that must not be
    "image named like the page": Fault(doc(FM + "![x](index.html)\n", {"index.html": b"<script>alert(1)</script>"}),
                                       "x/zh-Hans.md", 6, "image 'index.html' only PNG, JPEG, GIF and WebP"),
    "svg with a script": Fault(doc(FM + "![x](a.svg)\n", {"a.svg": b"<svg><script>alert(1)</script></svg>"}),
                               "x/zh-Hans.md", 6, "SVG and other documents are refused"),
    "html named .png": Fault(doc(FM + "![x](a.png)\n", {"a.png": b"<html><script>alert(1)</script>"}),
                             "x/zh-Hans.md", 6, "is not a PNG picture"),
    "image linked out of the site": Fault(both(outside, doc(FM + "![x](a.png)\n"),
                                               special("link", "content/x/a.png", "TMP/outside/secret/a.png")),
                                          "x/zh-Hans.md", 6, "leads outside the document's folder"),
    "image that is /etc/passwd": Fault(both(doc(FM + "![x](a.png)\n"),
                                            special("link", "content/x/a.png", "/etc/passwd")),
                                       "x/zh-Hans.md", 6, "leads outside the document's folder"),
    "document folder linked out of the site": Fault(both(outside,
                                                         special("link", "content/leak", "TMP/outside/secret")),
                                                    "leak/zh-Hans.md", None, "outside the site"),
    # the site's theme: what a link there leads to would be read into, or published with, the site
    "template linked out of the site": Fault(both(outside, special("link", "templates/404.html.j2",
                                                                   "TMP/outside/secret/zh-Hans.md")),
                                             "templates/404.html.j2", None, "outside the site"),
    "static file linked out of the site": Fault(special("link", "templates/static/leak.css", "/etc/passwd"),
                                                "templates/static/leak.css", None, "outside the site"),
    "labels linked out of the site": Fault(special("link", "templates/labels.toml", "/etc/hostname"),
                                           "templates/labels.toml", None, "outside the site"),
    "ambiguous list linked out of the site": Fault(special("link", "content/glossary/ambiguous.txt", "/etc/passwd"),
                                                   "content/glossary/ambiguous.txt", None, "outside the site"),
    "templates folder linked out of the site": Fault(both(outside, special("link", "templates",
                                                                           "TMP/outside/secret")),
                                                     "templates", None, "outside the site"),
    # work out of proportion, or for ever
    "content file is a FIFO": Fault(special("fifo", "content/x.md"), "content/x.md", None, "named pipe (FIFO)"),
    "document file is a FIFO": Fault(special("fifo", "content/x/zh-Hans.md"), "x/zh-Hans.md", None, "named pipe"),
    "image is a FIFO": Fault(both(doc(FM + "![x](a.png)\n"), special("fifo", "content/x/a.png")),
                             "x/zh-Hans.md", 6, "named pipe (FIFO), not a regular file"),
    "image is /dev/zero": Fault(both(doc(FM + "![x](a.png)\n"), special("link", "content/x/a.png", "/dev/zero")),
                                "x/zh-Hans.md", 6, "leads outside"),
    "yaml alias bomb": Fault(doc("---\ntitle: t\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
                                 "date: [*b, *b, *b, *b, *b, *b, *b, *b]\n---\n\n正文。\n"),
                             "x/zh-Hans.md", 4, "aliases ('*name') are not allowed"),
    "glossary is a FIFO": Fault(special("fifo", "content/glossary/common.tsv"), "content/glossary/common.tsv", None,
                                "named pipe"),
    "config is a FIFO": Fault(special("fifo", "docpub.toml"), "docpub.toml", None, "named pipe"),
    # content silently lost
    "quotes nested too deep": Fault(doc(FM + "> " * 25 + "话\n"), "x/zh-Hans.md", 6, "nested too deeply"),
    "lists nested too deep": Fault(doc(FM + "".join("  " * i + "- 项\n" for i in range(12))),
                                   "x/zh-Hans.md", 15, "nested too deeply"),
    "front matter ended by '...'": Fault(doc("---\ntitle: t\ndate: 2021-03-01\n...\nnotes: secret\n---\n\n正文。\n"),
                                         "x/zh-Hans.md", 4, "not '...'"),
    # tracebacks
    "surrogate escape": Fault(doc('---\ntitle: "\\ud83d"\ndate: 2021-03-01\n---\n\n正文。\n'),
                              "x/zh-Hans.md", 2, "half of a UTF-16 pair"),
    "url template {page}": Fault(config_with("{lang}/{symbol}", "{lang}/{page}/{symbol}"),
                                 "docpub.toml", 10, "unknown field '{page}'"),
    "url template {0}": Fault(config_with("{lang}/{symbol}", "{0}/{symbol}"), "docpub.toml", 10, "unknown field '{0}'"),
    "url template {lang.upper}": Fault(config_with("{lang}/{symbol}", "{lang.upper}/{symbol}"),
                                       "docpub.toml", 10, "unknown field '{lang.upper}'"),
    "template divides by zero": Fault(in_template("{{ 1 // 0 }}"), "templates/document.html.j2", 22, "division"),
    "template calls itself": Fault(in_template("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"),
                                   "templates/document.html.j2", 22, "calls itself without end"),
    "template not UTF-8": Fault(in_template(b"\xff\xfe caf\xe9"), "templates/document.html.j2", 22, "not UTF-8"),
    "glossary is a folder": Fault(special("folder", "content/glossary/common.tsv"), "content/glossary/common.tsv",
                                  None, "is a folder, not a regular file"),
    "document id index.html": Fault(content_file("index.html.md"), "content/index.html.md", None,
                                    "document id 'index.html'"),
    "document id static": Fault(content_file("static/zh-Hans.md"), "static/zh-Hans.md", None,
                                "a name the build writes"),
    # corrupt or leaky output
    "explicit id main": Fault(doc(FM + "## 甲 {#main}\n"), "x/zh-Hans.md", 6, "id of the page itself"),
    "explicit id p1": Fault(doc(FM + "正文。\n\n## 甲 {#p1}\n"), "x/zh-Hans.md", 8, "are numbered"),
    "period 2020-13": Fault(doc("---\ntitle: t\ndate: 2021-03-01\nperiod: 2020-13\n---\n\n正文。\n"),
                            "x/zh-Hans.md", 4, "'period' must be"),
    "distribution Secret": Fault(doc("---\ntitle: t\ndate: 2021-03-01\ndistribution: Secret\n---\n\n正文。\n"),
                                 "x/zh-Hans.md", 4, "General or Limited"),
    # the machine: nowhere to write
    "output under a file": Fault(out_under_a_file, "a-file", None, "this is a file"),
    "output where nothing may be written": Fault(lambda site, tmp: ["--out", "/proc/docpub-site"], "", None, ""),
    # (the first write to fail may be the search indexer's, which reports it in its own words)
    "disk full": Fault(lambda site, tmp: [], "", None, "", limit_file_size=4096),
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _limit(size: int | None) -> Callable[[], None] | None:
    if size is None:
        return None

    def apply() -> None:  # in the child: writes past ``size`` bytes fail as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault(tmp_path: Path, name: str) -> None:
    fault = FAULTS[name]
    site = make_site(tmp_path / "s")
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_bytes(MARKER_TEXT)
    (out / "index.html").write_text("the previous site\n", encoding="utf-8")
    before = snapshot(out)
    args = fault.make(site, tmp_path)
    command = [sys.executable, "-m", "docpub", "build", str(site), "--no-pdf", *(args or ["--out", str(out)])]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          cwd=tmp_path, preexec_fn=_limit(fault.limit_file_size))
    lines = proc.stderr.splitlines()
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert m["file"].endswith(fault.file), lines[0]
    assert (int(m["line"]) if m["line"] else None) == fault.line, lines[0]
    assert fault.reason in m["reason"], lines[0]
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["s", "out", *(["a-file"] if name == "output under a file" else []),
         *(["outside"] if (tmp_path / "outside").exists() else [])])  # no temporary folder left behind


def test_the_table_covers_each_class() -> None:
    """Files published, work without end, text lost, tracebacks, leaky output, the machine."""
    assert len(FAULTS) >= 30
