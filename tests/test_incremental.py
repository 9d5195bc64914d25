"""Incremental builds: exactly the outputs an edit touches are rendered again.

A reused output is a hard link to the same cache entry as before, so its inode
does not change; a rendered one is a new file. Comparing inodes before and
after a build tells which outputs were rendered, without looking inside docpub.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2 import meta

from docpub import files, load
from docpub.cache import RACY_NS
from docpub.cli import main
from docpub.config import load_config
from docpub.inputs import _references
from docpub.search import shard_of
from docpub.templating import DEFAULT_THEME
from sitekit import MINIMAL, make_site, override, processes

SECOND = MINIMAL.replace("测试文件", "第二份测试文件").replace("2021-03-01", "2021-04-01")
TRADITIONAL = ("zh-Hant", "zh-Hant-TW", "zh-Hant-HK")
EDITIONS = ("zh-Hans", *TRADITIONAL)


def build(site: Path, out: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, int]:
    """Build; return (rendered, reused) from the summary line."""
    assert main(["build", str(site), "--out", str(out), "-j", "1", *args]) == 0
    summary = capsys.readouterr().out
    found = re.search(r"\((\d+) rendered, (\d+) reused\)", summary)
    assert found, summary
    return int(found.group(1)), int(found.group(2))


# Every file of the site is an output of the plan, reused or rendered; the search bundles
# are made from the pages after them (see test_archive_site), the marker names the folder.
_NOT_PLANNED = re.compile(r"pagefind/|\.docpub-output$")
# The pages listing every document: what a changed title or date re-renders.
# (Every document of these sites is of 2021, and among the newest a home lists.)
LISTINGS = {"index.html", "review/index.html"} | {
    f"{t}/{p}" for t in EDITIONS for p in ("index.html", "archive/2021.html")}
# The index of cited documents: what a changed citation (a new symbol, a new count) re-renders.
CITED_INDEX = {f"{t}/citations/index.html" for t in EDITIONS}


def cited(*names: str) -> set[str]:
    """The pages of cited documents ``names`` (each lists the documents citing it), in every edition."""
    return {f"{t}/citations/{name}.html" for t in EDITIONS for name in names}


def inodes(out: Path) -> dict[str, int]:
    return {rel: p.stat().st_ino for p in out.rglob("*")
            if p.is_file() and not _NOT_PLANNED.match(rel := p.relative_to(out).as_posix())}


def reviews(doc: str) -> set[str]:
    return {f"review/{tag}/{doc}.html" for tag in TRADITIONAL}


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, ino in after.items() if before.get(path) != ino}


def doc_pages(doc: str, tags: tuple[str, ...] = EDITIONS) -> set[str]:
    pages = set()
    for tag in tags:
        pages |= {f"{tag}/{doc}/index.html", f"{tag}/{doc}/citations.html"}
        if tag != "zh-Hans":
            pages.add(f"{tag}/{doc}/parallel.html")
    return pages


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "s", {"first": MINIMAL, "second": SECOND})


def test_no_op_rebuild_renders_nothing(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    rendered, reused = build(site, out, capsys, "--no-pdf")
    assert rendered > 0 and reused == 0
    before = inodes(out)
    folder = out.stat().st_ino
    assert build(site, out, capsys, "--no-pdf") == (0, rendered)
    assert inodes(out) == before  # the very same files, linked, not copied
    assert out.stat().st_ino == folder  # nothing to publish: the output was left as it is


def test_no_op_rebuild_leaves_the_cache_index_as_it_is_unless_it_is_damaged(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    index = tmp_path / "build" / ".docpub-cache" / "index.json"
    rendered, _ = build(site, out, capsys, "--no-pdf")
    # Entries written just before the first index are checked again by the next build, which
    # records them as checked unless it ends within that window too (a quick no-op can): then
    # by the build after it. Past the window, the second build settles them.
    time.sleep(RACY_NS / 1e9)
    build(site, out, capsys, "--no-pdf")
    written = index.read_bytes(), index.stat().st_ino
    assert build(site, out, capsys, "--no-pdf") == (0, rendered)
    assert (index.read_bytes(), index.stat().st_ino) == written  # not written again
    # An index holding what no entry is (a line damaged by hand) is written again, without it.
    data = json.loads(written[0])
    index.write_text(json.dumps({**data, "not-an-entry": 7}), encoding="utf-8")
    assert build(site, out, capsys, "--no-pdf") == (0, rendered)
    assert json.loads(index.read_bytes()) == data
    # Nor is a no-op after an edit's build left out: that build wrote what it changed.
    doc = site / "content" / "first" / "zh-Hans.md"
    doc.write_text(MINIMAL.replace("测试文件", "改过的标题"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    assert json.loads(index.read_bytes()) != data
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    assert snapshot(out) == snapshot(fresh)


def test_no_op_rebuild_writes_nothing_in_the_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A no-op rebuild, with the search index and with PDFs or without, leaves every file of the
    cache as it was (the search cache rewrote its list of kept bundles each build)."""
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": SECOND})
    out = tmp_path / "build" / "site"
    cache = tmp_path / "build" / ".docpub-cache"

    def files() -> dict[Path, tuple[int, int]]:
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(cache.rglob("*")) if p.is_file()}

    for flags in (("--no-pdf",), ()):
        build(site, out, capsys, *flags)
        time.sleep(RACY_NS / 1e9)  # (past the window in which entries are checked again)
        _, outputs = build(site, out, capsys, *flags)
        before = files()
        assert any(p.parent.name == "search" for p in before)
        assert build(site, out, capsys, *flags) == (0, outputs)
        assert files() == before


def test_a_tampered_output_is_published_again(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    rendered, _ = build(site, out, capsys, "--no-pdf")
    page = out / "zh-Hant" / "first" / "index.html"
    good = page.read_bytes()
    page.unlink()
    page.write_text("defaced", encoding="utf-8")
    (out / "zh-Hant" / "stray.html").write_text("not ours", encoding="utf-8")
    assert build(site, out, capsys, "--no-pdf") == (0, rendered)  # nothing to render, all to publish
    assert page.read_bytes() == good
    assert not (out / "zh-Hant" / "stray.html").exists()


@pytest.mark.parametrize("tamper", ["delete", "stray file", "stray empty folder", "stray folders nested",
                                    "stray named pipe", "stray link to a folder", "replace",
                                    "replace, times put back", "rename", "marker linked out", "edit in place"])
def test_an_output_found_unchanged_is_published_again_once_tampered_with(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], tamper: str) -> None:
    """A no-op build leaves the output as it is; whatever is done to the output after that, the
    next build publishes the site again."""
    out = tmp_path / "build" / "site"
    rendered, _ = build(site, out, capsys, "--no-pdf")
    folder = out.stat().st_ino
    assert build(site, out, capsys, "--no-pdf") == (0, rendered)
    assert out.stat().st_ino == folder  # found unchanged: not published again
    good = snapshot(out)
    page = out / "zh-Hant" / "first" / "index.html"
    holder = page.parent.stat()
    if tamper == "delete":
        page.unlink()
    elif tamper == "stray file":
        (page.parent / "stray.html").write_text("not ours", encoding="utf-8")
    elif tamper == "stray empty folder":
        (page.parent / "stray").mkdir()
    elif tamper == "stray folders nested":
        (out / "stray" / "deeper" / "still").mkdir(parents=True)
    elif tamper == "stray named pipe":
        os.mkfifo(page.parent / "stray")
    elif tamper == "stray link to a folder":
        (page.parent / "stray").symlink_to(page.parent.parent, target_is_directory=True)
    elif tamper.startswith("replace"):
        page.unlink()
        page.write_text("defaced", encoding="utf-8")
        if tamper.endswith("put back"):
            os.utime(page.parent, ns=(holder.st_atime_ns, holder.st_mtime_ns))
    elif tamper == "rename":
        page.rename(page.parent / "moved.html")
    elif tamper == "marker linked out":  # a link to a file outside holding the marker's text
        outside = tmp_path / "marker"
        shutil.copyfile(out / ".docpub-output", outside)
        (out / ".docpub-output").unlink()
        (out / ".docpub-output").symlink_to(outside)
    else:  # the page is the cache's entry: the cache sees it changed
        with open(page, "r+b") as f:
            f.seek(20)
            f.write(b"X")
    build(site, out, capsys, "--no-pdf")
    assert snapshot(out) == good
    assert out.stat().st_ino != folder  # published again
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_text_edit_renders_only_that_documents_pages(site: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    doc = site / "content" / "first" / "zh-Hans.md"
    doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
    rendered, _ = build(site, out, capsys, "--no-pdf")
    # Its title, date, citations and first words did not change: no listing is rendered.
    assert changed(before, inodes(out)) == doc_pages("first") | reviews("first")
    assert rendered == len(doc_pages("first") | reviews("first")) + len(EDITIONS)  # + the facts of each edition


def test_content_edits_are_seen_whatever_keeps_the_files_size_and_times(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A content file unchanged since the build before (its size, times and inode) is not read
    again for its key; an edit is seen even when it keeps the size and puts the old times back,
    when the file is replaced by another, or when what the cache keeps of the files is damaged."""
    out = tmp_path / "build" / "site"
    digests = tmp_path / "build" / ".docpub-cache" / "content-digests.json"
    doc = site / "content" / "first" / "zh-Hans.md"
    build(site, out, capsys, "--no-pdf")
    assert build(site, out, capsys, "--no-pdf")[0] == 0
    assert set(json.loads(digests.read_bytes())) == {str(site / "content" / d / "zh-Hans.md")
                                                     for d in ("first", "second")}
    read: list[str] = []
    real_read = files.read_regular

    def counted(path: Path, **kw: Any) -> bytes:
        read.append(str(path))
        return real_read(path, **kw)

    monkeypatch.setattr(load, "read_regular", counted)
    assert build(site, out, capsys, "--no-pdf")[0] == 0
    assert read == []  # no content file read: each is where and as it was
    times = doc.stat()
    edited = MINIMAL.replace("通过了", "否决了")  # as many bytes
    assert len(edited.encode("utf-8")) == len(MINIMAL.encode("utf-8"))
    doc.write_text(edited, encoding="utf-8")
    os.utime(doc, ns=(times.st_atime_ns, times.st_mtime_ns))  # the size and the times as they were
    assert build(site, out, capsys, "--no-pdf")[0] > 0
    assert read == [str(doc)]
    assert "否决了" in (out / "zh-Hans" / "first" / "index.html").read_text(encoding="utf-8")
    # Replaced by another file (another inode) with the old times: seen too.
    other = tmp_path / "other.md"
    other.write_text(MINIMAL.replace("通过了", "讨论了"), encoding="utf-8")
    os.utime(other, ns=(times.st_atime_ns, times.st_mtime_ns))
    os.replace(other, doc)
    assert build(site, out, capsys, "--no-pdf")[0] > 0
    assert "讨论了" in (out / "zh-Hans" / "first" / "index.html").read_text(encoding="utf-8")
    # What the cache keeps of the files, damaged: every file is read again, and nothing is lost.
    for damage in (b"{not json", b'{"x": 1}', b"[]"):
        digests.write_bytes(damage)
        assert build(site, out, capsys, "--no-pdf")[0] == 0
        assert "讨论了" in (out / "zh-Hans" / "first" / "index.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    assert snapshot(out) == snapshot(fresh)


def test_a_content_file_written_as_the_build_reads_it_is_read_again_by_the_next(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file whose times are within the clock's racy window of the build that read it is not
    trusted by its signature: an edit in that same tick, which left the times as they were,
    is still seen."""
    out = tmp_path / "build" / "site"
    digests = tmp_path / "build" / ".docpub-cache" / "content-digests.json"
    doc = site / "content" / "first" / "zh-Hans.md"
    build(site, out, capsys, "--no-pdf")
    now = time.time_ns()
    for path in (doc, site / "content" / "second" / "zh-Hans.md"):
        os.utime(path, ns=(now, now))  # as if written this very moment
    build(site, out, capsys, "--no-pdf")
    kept = json.loads(digests.read_bytes())
    assert kept[str(doc)][0] == ""  # (known by its digest, not trusted by its signature)
    # An edit that keeps the size, and times and inode as well, can only be seen by reading.
    info = doc.stat()
    with open(doc, "r+b") as f:
        data = f.read().replace("通过了".encode(), "否决了".encode())
        f.seek(0)
        f.write(data)
    os.utime(doc, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert build(site, out, capsys, "--no-pdf")[0] > 0
    assert "否决了" in (out / "zh-Hans" / "first" / "index.html").read_text(encoding="utf-8")


def test_title_edit_renders_its_pages_and_the_listings(site: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    (site / "content" / "first" / "zh-Hans.md").write_text(MINIMAL.replace("测试文件", "改过的标题"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    # the page of the resolution it cites names it: that page too, not the index of cited documents
    assert changed(before, inodes(out)) == doc_pages("first") | reviews("first") | LISTINGS | cited("s-res-2512-2020")
    assert "改过的标题" in (out / "index.html").read_text(encoding="utf-8")
    assert "改过的标题" in (out / "zh-Hans" / "citations" / "s-res-2512-2020.html").read_text(encoding="utf-8")


def test_citation_edit_renders_the_pages_of_what_was_and_is_cited(site: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Both documents cite resolution 2512; "first" then cites 2510 instead: the pages of both
    resolutions and the index of cited documents, not the page of any other cited document."""
    third = MINIMAL.replace("测试文件", "第三份").replace("第2512(2020)号决议", "第2509(2020)号决议")
    (site / "content" / "third").mkdir()
    (site / "content" / "third" / "zh-Hans.md").write_text(third, encoding="utf-8")
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    assert cited("s-res-2512-2020", "s-res-2509-2020") <= set(before)
    edited = MINIMAL.replace("第2512(2020)号决议", "第2510(2020)号决议")
    (site / "content" / "first" / "zh-Hans.md").write_text(edited, encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    after = inodes(out)
    assert changed(before, after) == doc_pages("first") | reviews("first") | CITED_INDEX \
        | cited("s-res-2512-2020", "s-res-2510-2020")
    page = (out / "zh-Hans" / "citations" / "s-res-2512-2020.html").read_text(encoding="utf-8")
    assert "../second/index.html" in page and "../first/index.html" not in page
    # (the pages re-rendered read only the documents they show: the site is the one a cold build makes)
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    assert snapshot(out) == snapshot(fresh)
    # a symbol no document cites any more has no page
    (site / "content" / "third" / "zh-Hans.md").write_text(MINIMAL, encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    assert not (out / "zh-Hans" / "citations" / "s-res-2509-2020.html").exists()
    assert "s-res-2509-2020.html" not in (out / "zh-Hans" / "citations" / "index.html").read_text(encoding="utf-8")


def test_template_edit_renders_the_pages_made_from_it(site: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    parallel = override(site, "parallel.html.j2")
    parallel.write_text(parallel.read_text(encoding="utf-8") + "{# edited #}\n", encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    assert changed(before, inodes(out)) == {f"{tag}/{d}/parallel.html" for tag in TRADITIONAL
                                            for d in ("first", "second")}
    before = inodes(out)
    base = override(site, "base.html.j2")  # every page extends it; the static files do not
    base.write_text(base.read_text(encoding="utf-8") + "{# edited #}\n", encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    assert changed(before, inodes(out)) == {p for p in before if not p.startswith("static/")}


def test_glossary_edit_renders_the_editions_that_use_it(site: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    glossary = site / "content" / "glossary" / "zh-Hant-TW.tsv"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "决议\t決議案\n", encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    tw = {p for p in before if p.startswith(("zh-Hant-TW/", "review/zh-Hant-TW/"))}
    # The editors' index shows how many glossary hits each review has: it changes too.
    assert changed(before, inodes(out)) == tw | {"review/index.html"}
    assert "決議案" in (out / "zh-Hant-TW" / "first" / "index.html").read_text(encoding="utf-8")


def test_config_edit_renders_what_reads_it(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    config = site / "docpub.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('title = "安全理事会文件"', 'title = "安理会文件"'),
                      encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    # Every page shows the site's title; the style sheets do not read the config.
    assert changed(before, inodes(out)) == {p for p in before if not p.startswith("static/")}


def test_pdf_option_and_pdfs_are_outputs_like_pages(site: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "one")
    out = tmp_path / "b" / "site"
    rendered, _ = build(site, out, capsys)
    assert build(site, out, capsys) == (0, rendered)
    assert all((out / tag / "test-doc" / "test-doc.pdf").is_file() for tag in EDITIONS)


def test_damaged_cache_entry_is_rendered_again(site: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    build(site, out, capsys, "--no-pdf")
    page = out / "zh-Hant" / "first" / "index.html"
    entry = next(p for p in (tmp_path / "build" / ".docpub-cache" / "objects").rglob("*.html")
                 if p.stat().st_ino == page.stat().st_ino)
    entry.unlink()  # as a damaged disk or a careless clean-up would leave it: a truncated file
    entry.write_bytes(page.read_bytes()[:100])
    other = next(p for p in (tmp_path / "build" / ".docpub-cache" / "objects").rglob("*.html")
                 if p.stat().st_ino == (out / "zh-Hans" / "second" / "citations.html").stat().st_ino)
    with open(other, "r+b") as f:  # same length, one byte changed
        f.seek(50)
        f.write(b"X")
    rendered, _ = build(site, out, capsys, "--no-pdf")
    assert rendered == 2
    for path in (page, out / "zh-Hans" / "second" / "citations.html"):
        assert path.read_bytes() == (fresh / path.relative_to(out)).read_bytes()


def test_links_files_and_folders_out_of_place_in_the_cache_are_damage_never_followed(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What a damaged disk, a careless clean-up or a restored CI cache may leave in the cache:
    the build renders again what it lost, reads and writes nothing through a link, and
    publishes the site a fresh build makes."""
    out = tmp_path / "build" / "site"
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    build(site, out, capsys, "--no-pdf")
    cache = tmp_path / "build" / ".docpub-cache"
    objects = cache / "objects"
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    secret = outside / "secret.html"
    secret.write_text("<p>SECRET OUTSIDE THE SITE</p>", encoding="utf-8")

    def entry_of(page: Path) -> Path:
        return next(p for p in objects.rglob("*") if p.is_file() and p.stat().st_ino == page.stat().st_ino)

    folder_entry = entry_of(out / "zh-Hant" / "first" / "index.html")
    linked_entry = entry_of(out / "zh-Hans" / "second" / "citations.html")
    folder_entry.unlink()
    (folder_entry / "inside").mkdir(parents=True)  # a folder where an entry was
    linked_entry.unlink()
    linked_entry.symlink_to(secret)  # a link to a file outside the cache
    prefix = next(d for d in sorted(objects.iterdir()) if d not in (folder_entry.parent, linked_entry.parent))
    shutil.rmtree(prefix)
    prefix.symlink_to(outside / "folder", target_is_directory=True)  # a link to a folder outside
    build(site, out, capsys, "--no-pdf")
    assert snapshot(out) == snapshot(fresh)
    assert sorted(p.name for p in outside.rglob("*")) == ["folder", "secret.html"]  # nothing written there
    assert not any(p.is_symlink() for p in cache.rglob("*"))

    shutil.rmtree(objects)
    objects.write_text("not a folder", encoding="utf-8")  # a file where the entries' folder was
    build(site, out, capsys, "--no-pdf")
    assert snapshot(out) == snapshot(fresh)
    shutil.rmtree(cache)
    cache.symlink_to(outside / "folder", target_is_directory=True)  # the whole cache a link
    build(site, out, capsys, "--no-pdf")
    assert snapshot(out) == snapshot(fresh)
    assert sorted(p.name for p in outside.rglob("*")) == ["folder", "secret.html"]


@pytest.mark.parametrize("kept", ["index.json", "facts-heads.json", "content-digests.json", "previous-site.files",
                                  "kept-by-profile", "search/kept-by-profile", "an entry",
                                  "a search bundle's entry"])
def test_a_named_pipe_or_a_link_in_the_cache_is_damage_never_waited_for_or_followed(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kept: str) -> None:
    """What the cache keeps, each where a named pipe (which a reader would wait on for ever), a
    link to a file outside or JSON nested without end (which a reader builds by recursion) is
    found instead: the build does not wait, reads nothing through the link, does not fail, and
    publishes the site a fresh build makes."""
    out = tmp_path / "build" / "site"
    cache = tmp_path / "build" / ".docpub-cache"
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    outside = tmp_path / "outside.json"
    outside.write_text('{"x": "SECRET"}', encoding="utf-8")
    for damage in ("fifo", "link", "nested"):
        build(site, out, capsys, "--no-pdf")
        (site / "content" / "first" / "zh-Hans.md").write_text(MINIMAL.replace("通过了", "一致通过了"),
                                                               encoding="utf-8")
        build(site, out, capsys, "--no-pdf")  # (an edit's build: the kept site and its list are there)
        if kept in ("an entry", "a search bundle's entry"):  # (of the document the next build reuses)
            published = out / "zh-Hant" / "second" / "index.html" if kept == "an entry" else \
                out / "pagefind" / shard_of("second") / "pagefind-entry.json"
            where = cache / ("objects" if kept == "an entry" else "search")  # (not the kept site's link)
            target = next(p for p in where.rglob("*") if p.is_file() and p.stat().st_ino == published.stat().st_ino)
        else:
            target = cache / kept
        assert target.is_file()
        target.unlink()
        if damage == "fifo":
            os.mkfifo(target)
        elif damage == "link":
            target.symlink_to(outside)
        else:
            target.write_text("[" * 100_000, encoding="utf-8")
        (site / "content" / "first" / "zh-Hans.md").write_text(MINIMAL, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "docpub", "build", str(site), "--out", str(out), "--no-pdf"],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert snapshot(out) == snapshot(fresh)
        assert "SECRET" not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                       for p in out.rglob("*") if p.is_file())
        shutil.rmtree(cache)


def test_damaged_cache_index_means_a_cold_build(site: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    rendered, _ = build(site, out, capsys, "--no-pdf")
    (tmp_path / "build" / ".docpub-cache" / "index.json").write_text("{not json", encoding="utf-8")
    assert build(site, out, capsys, "--no-pdf") == (rendered, 0)


def test_cache_is_pruned_of_what_no_build_uses(site: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    cache = tmp_path / "build" / ".docpub-cache" / "objects"
    count = len([p for p in cache.rglob("*") if p.is_file()])
    for n in range(3):
        doc = site / "content" / "first" / "zh-Hans.md"
        doc.write_text(MINIMAL.replace("通过了", "通过了" * (n + 2)), encoding="utf-8")
        build(site, out, capsys, "--no-pdf")
    assert len([p for p in cache.rglob("*") if p.is_file()]) == count


def test_builds_with_and_without_pdfs_keep_each_others_outputs(site: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A quick build without PDFs between full ones (their pages differ: they link to the PDFs or
    do not) pruned the full build's outputs, so the next full build laid out every PDF again.
    Each kind of build now keeps what the last build of the other kind used; what neither uses
    any more (an edited document's old outputs) is still pruned."""
    out = tmp_path / "build" / "site"
    objects = tmp_path / "build" / ".docpub-cache" / "objects"
    bundles = tmp_path / "build" / ".docpub-cache" / "search"

    def indexed() -> dict[str, int]:  # (the search bundles, each a folder Pagefind's files fill)
        return {p.name: p.stat().st_ino for p in bundles.iterdir() if p.is_dir()}

    full, _ = build(site, out, capsys)
    pdf = out / "zh-Hans" / "second" / "second.pdf"
    made = pdf.stat().st_ino
    full_bundles = indexed()
    html, reused = build(site, out, capsys, "--no-pdf")
    assert html > 0 and not pdf.exists()
    html_bundles = indexed()
    assert set(html_bundles) - set(full_bundles)  # (their pages differ: so do their bundles)
    assert build(site, out, capsys) == (0, full)
    # The search index's bundles too: a full build after one without PDFs indexed every shard again.
    assert indexed() == html_bundles
    assert build(site, out, capsys, "--no-pdf") == (0, html + reused)
    assert indexed() == html_bundles
    doc = site / "content" / "first" / "zh-Hans.md"
    counts = []
    for n in range(3):  # edits previewed without PDFs: their old pages go, the full build's stay
        doc.write_text(MINIMAL.replace("通过了", "通过了" * (n + 2)), encoding="utf-8")
        build(site, out, capsys, "--no-pdf")
        counts.append(len([p for p in objects.rglob("*") if p.is_file()]))
    assert counts[0] == counts[1] == counts[2]
    rendered, _ = build(site, out, capsys)  # the edited document's outputs and the listings only
    assert 0 < rendered < full and pdf.stat().st_ino == made  # (the other document's PDF: reused)
    doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
    build(site, out, capsys)
    before = len([p for p in objects.rglob("*") if p.is_file()])
    doc.write_text(MINIMAL.replace("通过了", "再次通过了"), encoding="utf-8")
    build(site, out, capsys)  # (its previous full outputs go: no kind of build uses them)
    assert len([p for p in objects.rglob("*") if p.is_file()]) == before


def test_a_site_moved_with_its_cache_reuses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Where the site is was part of every output's key: a site checked out elsewhere (a CI
    runner's workspace of another name, a folder moved or renamed) with its cache rendered
    everything again, PDFs included. Now it reuses all of it; and what it renders after an edit
    reads the document's pictures where the site is now (the old place is gone)."""
    from sitekit import picture

    body = MINIMAL + "\n![地图](map.png)\n"
    first = make_site(tmp_path / "here" / "site", {"first": body, "second": SECOND})
    (first / "content" / "first" / "map.png").write_bytes(picture("PNG", (60, 40)))
    out = first / "build" / "site"
    rendered, _ = build(first, out, capsys)
    moved = tmp_path / "elsewhere" / "checkout"
    moved.parent.mkdir()
    shutil.copytree(first, moved, symlinks=True)  # (as a CI cache is restored: its files copied)
    shutil.rmtree(tmp_path / "here")
    assert build(moved, moved / "build" / "site", capsys) == (0, rendered)
    config = moved / "docpub.toml"  # a new site title: every page and PDF again, from the cached models
    config.write_text(config.read_text(encoding="utf-8").replace('title = "', 'title = "新', 1), encoding="utf-8")
    again, _ = build(moved, moved / "build" / "site", capsys)
    assert again > rendered // 2
    pdf = (moved / "build" / "site" / "zh-Hans" / "first" / "first.pdf").read_bytes()
    assert pdf.count(b"/Subtype /Image") == 1


def test_stale_temporary_folders_are_removed(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    # What a build killed with SIGKILL leaves: its temporary folder, or the old site mid-swap.
    for name in (".site.tmp-abc123", ".site.old-def456", ".site.tmp-scratch-x1"):
        (tmp_path / "build" / name / "zh-Hans").mkdir(parents=True)
        (tmp_path / "build" / name / "zh-Hans" / "index.html").write_text("half", encoding="utf-8")
    (tmp_path / "build" / ".other.tmp-keep").mkdir()  # not ours: left alone
    build(site, out, capsys, "--no-pdf")
    names = sorted(p.name for p in (tmp_path / "build").iterdir() if not p.name.endswith(".lock"))
    assert names == [".docpub-cache", ".other.tmp-keep", "site"]


def snapshot(out: Path) -> dict[str, bytes | str]:
    """The output's tree exactly: each file's bytes, each folder, anything else by its kind."""
    def kind(p: Path) -> bytes | str:
        if p.is_symlink():
            return "link"
        return p.read_bytes() if p.is_file() else "folder" if p.is_dir() else "other"
    return {p.relative_to(out).as_posix(): kind(p) for p in sorted(out.rglob("*"))}


def test_each_build_starts_from_the_site_before_and_publishes_exactly_its_own(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The site a build replaces is kept in the cache and is the next build's starting point:
    whatever that folder holds, the published site is the one a fresh build makes."""
    out = tmp_path / "build" / "site"
    previous = tmp_path / "build" / ".docpub-cache" / "previous-site"
    build(site, out, capsys, "--no-pdf")
    assert not previous.exists()  # nothing was replaced
    doc = site / "content" / "first" / "zh-Hans.md"
    edits = [MINIMAL.replace("测试文件", "改过的标题"), MINIMAL, MINIMAL.replace("通过了", "一致通过了")]
    for n, text in enumerate(edits):
        doc.write_text(text, encoding="utf-8")
        build(site, out, capsys, "--no-pdf")
        assert previous.is_dir()
        # It keeps only links to what the site has: nothing the cache prunes stays on the disk.
        assert {p.stat().st_ino for p in previous.rglob("*") if p.is_file()} <= {
            p.stat().st_ino for p in out.rglob("*") if p.is_file()}
        fresh = tmp_path / f"fresh{n}" / "site"
        build(site, fresh, capsys, "--no-pdf", "--no-cache")
        assert snapshot(out) == snapshot(fresh)
    # What the kept site holds is never trusted: damage it every way, then edit again.
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's", encoding="utf-8")
    page = previous / "zh-Hant" / "first" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.unlink(missing_ok=True)
    page.write_text("defaced", encoding="utf-8")  # a file that is not its entry
    (previous / "zh-Hans" / "index.html").unlink(missing_ok=True)
    (previous / "zh-Hans" / "index.html").symlink_to(outside)  # a link out of the site
    shutil.rmtree(previous / "zh-Hant-TW" / "first", ignore_errors=True)
    (previous / "zh-Hant-TW" / "first").write_text("a file where a folder was", encoding="utf-8")
    (previous / "zh-Hant-HK" / "first" / "index.html").unlink(missing_ok=True)
    (previous / "zh-Hant-HK" / "first" / "index.html").mkdir(parents=True)  # a folder where a file was
    (previous / "stray").mkdir()
    (previous / "stray" / "page.html").write_text("not ours", encoding="utf-8")
    (previous / "zh-Hans" / "stray.html").symlink_to(tmp_path)
    doc.write_text(MINIMAL.replace("测试文件", "又改的标题"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    fresh = tmp_path / "fresh-last" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    assert snapshot(out) == snapshot(fresh)
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert outside.read_text(encoding="utf-8") == "not the site's"
    assert "又改的标题" in (out / "index.html").read_text(encoding="utf-8")
    # Without the cache nothing is kept beside the site.
    nocache = tmp_path / "nocache" / "site"
    for _ in range(2):
        build(site, nocache, capsys, "--no-pdf", "--no-cache")
    assert sorted(p.name for p in nocache.parent.iterdir() if not p.name.endswith(".lock")) == ["site"]


def test_the_kept_site_is_trimmed_by_the_list_of_its_files_which_is_checked(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From the second replacement on, the site a build replaces is trimmed by the list of the
    files it had (kept beside it), not by a walk of the archive: what changed, and a removed
    document's pages, leave it, so it links nothing the cache prunes. The list is checked like
    everything in the cache: a damaged one, or one naming paths out of the kept site, changes
    nothing the build publishes and removes nothing elsewhere."""
    out = tmp_path / "build" / "site"
    cache = tmp_path / "build" / ".docpub-cache"
    previous, listed = cache / "previous-site", cache / "previous-site.files"
    doc = site / "content" / "first" / "zh-Hans.md"

    def kept_links_only_the_site() -> bool:
        return {p.stat().st_ino for p in previous.rglob("*") if p.is_file()} <= {
            p.stat().st_ino for p in out.rglob("*") if p.is_file()}

    def fresh_site(n: int) -> dict[str, bytes]:
        fresh = tmp_path / f"fresh{n}" / "site"
        build(site, fresh, capsys, "--no-pdf", "--no-cache")
        return snapshot(fresh)

    build(site, out, capsys, "--no-pdf")
    doc.write_text(MINIMAL.replace("测试文件", "改过的标题"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf")  # the first replacement: the kept site is walked
    assert listed.is_file() and kept_links_only_the_site()
    shutil.rmtree(site / "content" / "second")
    build(site, out, capsys, "--no-pdf")  # by the list: the removed document's pages go too
    assert kept_links_only_the_site()
    assert not [p for p in previous.rglob("*") if p.is_file() and "second" in p.parts]
    assert snapshot(out) == fresh_site(0)

    head = listed.read_bytes().split(b"\n", 1)[0] + b"\n"
    victims = [cache / "victim.txt", tmp_path / "victim.txt"]
    for victim in victims:
        victim.write_text("not the site's", encoding="utf-8")
    damaged = [
        b"not a list of files",
        head + b"1\t../victim.txt\n",  # out of the kept site
        head + b"1\t" + str(victims[1]).encode() + b"\n",  # an absolute path
        head + b"x\tindex.html\n",
        head + "\n".join(f"0\t{p.relative_to(out).as_posix()}" for p in out.rglob("*")
                          if p.is_file()).encode() + b"\n",  # every inode wrong
        head,  # a site of no files
    ]
    for n, data in enumerate(damaged, start=1):
        listed.write_bytes(data)
        doc.write_text(MINIMAL.replace("测试文件", f"第{n}次改的标题"), encoding="utf-8")
        build(site, out, capsys, "--no-pdf")
        assert snapshot(out) == fresh_site(n), data[:40]
        assert all(v.read_text(encoding="utf-8") == "not the site's" for v in victims)
    doc.write_text(MINIMAL, encoding="utf-8")
    build(site, out, capsys, "--no-pdf")  # with a list it wrote itself again
    assert kept_links_only_the_site() and snapshot(out) == fresh_site(99)


def test_a_failed_build_after_edits_keeps_the_site_and_the_next_one_is_whole(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    doc = site / "content" / "first" / "zh-Hans.md"
    doc.write_text(MINIMAL.replace("测试文件", "改过的标题"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    before = snapshot(out)
    override(site, "index.html.j2").write_text("{{ no_such_name }}", encoding="utf-8")  # a listing fails
    doc.write_text(MINIMAL.replace("测试文件", "又改的标题"), encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "-j", "1", "--no-pdf"]) == 1
    capsys.readouterr()
    assert snapshot(out) == before
    (site / "templates" / "index.html.j2").unlink()
    build(site, out, capsys, "--no-pdf")
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    assert snapshot(out) == snapshot(fresh)


def test_unchanged_files_are_linked_not_copied(site: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    build(site, out, capsys, "--no-pdf")
    assert all(os.stat(out / p).st_nlink >= 2 for p in inodes(out))  # the cache entry and the site


def test_a_new_document_the_others_cite_relinks_them(site: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    resolution = MINIMAL.replace("title: 测试文件", "title: 第2512(2020)号决议\nsymbol: S/RES/2512 (2020)")
    folder = site / "content" / "res-2512"
    folder.mkdir()
    (folder / "zh-Hans.md").write_text(resolution.replace("第2512(2020)号决议", "第2511(2020)号决议"),
                                       encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    # "first" and "second" both cite resolution 2512: their pages now link to its page here.
    rerendered = changed(before, inodes(out)) - {p for p in inodes(out) if "/res-2512" in p}
    # the index of cited documents and the page of resolution 2512 now lead to its page here;
    # resolution 2511, which it cites, is a newly cited document with a page of its own
    assert rerendered == doc_pages("first") | doc_pages("second") | reviews("first") | reviews("second") \
        | LISTINGS | CITED_INDEX | cited("s-res-2512-2020", "s-res-2511-2020")
    page = (out / "zh-Hant" / "first" / "index.html").read_text(encoding="utf-8")
    assert "../res-2512/index.html" in page


ARCHIVE = Path(__file__).parent / "fixtures" / "archive"


def _set(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_sequence_of_edits_across_documents_publishes_what_a_fresh_build_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Edits that reach across documents (a cited document removed, restored under another
    folder, its symbol changed; a citation added; a date that moves a document to another
    month) and a glossary edit, then a template and a config edit, on the pool and in one process:
    after each, the incremental build's site is the one a fresh build makes."""
    site = make_site(tmp_path / "s", {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARCHIVE.glob("*.md"))})
    content = site / "content"
    resolution = (content / "res-2999" / "zh-Hans.md").read_text(encoding="utf-8")
    letter_a, letter_b = content / "letter-2021-11-a" / "zh-Hans.md", content / "letter-2021-11-b" / "zh-Hans.md"
    moved = content / "res-water" / "zh-Hans.md"

    def restore_elsewhere() -> None:
        moved.parent.mkdir()
        moved.write_text(resolution, encoding="utf-8")

    def add_template() -> None:
        (site / "templates").mkdir()
        base = (DEFAULT_THEME / "base.html.j2").read_text(encoding="utf-8")
        assert "</body>" in base
        (site / "templates" / "base.html.j2").write_text(base.replace("</body>", "<!-- ours --></body>"),
                                                         encoding="utf-8")

    steps = [
        lambda: shutil.rmtree(content / "res-2999"),  # letter a cites it
        restore_elsewhere,
        lambda: _set(moved, "symbol: S/RES/2999 (2021)", "symbol: S/RES/2998 (2021)"),  # no longer the cited one
        lambda: _set(letter_b, "\n\n", "\n\n第2998(2021)号决议已获通过。\n\n"),  # now letter b cites it
        lambda: _set(letter_a, "date: 2021-11-03", "date: 2021-12-03"),  # another month
        lambda: _set(site / "content" / "glossary" / "common.tsv", "\n", "\n水井\t水井\tkept\n"),
        add_template,  # the last two: every page is rendered again
        lambda: _set(site / "docpub.toml", 'title = "', 'title = "新'),
    ]
    out = tmp_path / "build" / "site"
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "-j", "2"]) == 0
    for n, step in enumerate(steps):
        step()
        assert main(["build", str(site), "--out", str(out), "--no-pdf", "-j", str(1 + n % 2)]) == 0
        fresh = tmp_path / f"fresh{n}" / "site"
        assert main(["build", str(site), "--out", str(fresh), "--no-pdf", "--no-cache", "-j", "1"]) == 0
        assert snapshot(out) == snapshot(fresh), f"after step {n}"
    capsys.readouterr()
    page = (out / "zh-Hant" / "letter-2021-11-b" / "index.html").read_text(encoding="utf-8")
    assert "../res-water/index.html" in page  # the citation added in step 3 links here


def test_files_a_killed_build_left_in_the_cache_are_removed(site: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    cache = tmp_path / "build" / ".docpub-cache"
    rendered, _ = build(site, out, capsys, "--no-pdf")
    assert not (cache / "writing").exists()  # a build that ended leaves no mark
    stray = cache / "objects" / "zz" / ".tmp-half-written"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"<html")
    (cache / "writing").touch()  # as a build killed while writing leaves it
    assert build(site, out, capsys, "--no-pdf") == (0, rendered)
    assert not stray.exists() and not stray.parent.exists()
    assert not (cache / "writing").exists()


def test_an_entry_rewritten_after_a_no_op_build_is_rendered_again(site: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    rendered, _ = build(site, out, capsys, "--no-pdf")
    build(site, out, capsys, "--no-pdf")  # the no-op build records what it checked
    page = out / "zh-Hant-TW" / "first" / "index.html"
    good = page.read_bytes()
    entry = next(p for p in (tmp_path / "build" / ".docpub-cache" / "objects").rglob("*.html")
                 if p.stat().st_ino == page.stat().st_ino)
    with open(entry, "r+b") as f:  # same length, one byte changed, the file's times written
        f.seek(60)
        f.write(b"Y")
    assert build(site, out, capsys, "--no-pdf") == (1, rendered - 1)
    assert page.read_bytes() == good


# A build in a new process that prints the name of each template Jinja compiles.
_COUNTING = """
import sys, jinja2
from docpub.cli import main
from docpub import files, load
from docpub.config import load_config
compile_ = jinja2.Environment.compile
def counted(self, source, name=None, *args, **kw):
    print("compiled", name, file=sys.stderr)
    return compile_(self, source, name, *args, **kw)
jinja2.Environment.compile = counted
sys.exit(main(sys.argv[1:]))
"""


def _build_compiling(site: Path, out: Path, *args: str) -> list[str]:
    """Build ``site`` in a new process; the templates it compiled."""
    done = subprocess.run([sys.executable, "-c", _COUNTING, "build", str(site), "--out", str(out), "-j", "1",
                           "--no-pdf", "--no-search", *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return sorted(line.split()[1] for line in done.stderr.splitlines() if line.startswith("compiled "))


def test_compiled_templates_kept_per_user_and_in_the_cache_follow_edits_and_survive_damage(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user))
    parallel = override(site, "parallel.html.j2")  # the site's own template, beside docpub's
    out = tmp_path / "build" / "site"
    compiled = _build_compiling(site, out)
    assert "parallel.html.j2" in compiled and "document.html.j2" in compiled
    own = sorted((user / "docpub" / "templates").glob("*.j2c"))
    kept = sorted((tmp_path / "build" / ".docpub-cache" / "templates").glob("*.j2c"))
    assert len(kept) == 1 and len(own) == len(compiled) - 1  # the site's in its cache; docpub's per user

    # A first build elsewhere, without caching: docpub's templates are not compiled again; the
    # site's own template is (it is kept only in that site's cache).
    assert _build_compiling(site, tmp_path / "elsewhere" / "site", "--no-cache") == ["parallel.html.j2"]
    page = out / "zh-Hant" / "first" / "parallel.html"
    good = page.read_bytes()
    assert (tmp_path / "elsewhere" / "site" / "zh-Hant" / "first" / "parallel.html").read_bytes() == good

    # The next build of the site compiles nothing; an edited template is what is compiled.
    source = parallel.read_text(encoding="utf-8")
    parallel.write_text(source.replace("{% block main %}", "{% block main %}<!-- edited -->", 1), encoding="utf-8")
    assert _build_compiling(site, out) == ["parallel.html.j2"]
    edited = page.read_bytes()  # the edit, not the template compiled before it
    assert b"<!-- edited -->" in edited and edited.replace(b"<!-- edited -->\n", b"", 1) == good
    assert _build_compiling(site, out) == []

    # Damaged compiled templates (cut short), in either place, are compiled again.
    parallel.write_text(source, encoding="utf-8")
    assert _build_compiling(site, out) == ["parallel.html.j2"]
    for path in [*(tmp_path / "build" / ".docpub-cache" / "templates").glob("*.j2c"), *own]:
        path.write_bytes(path.read_bytes()[:40])
    assert _build_compiling(site, tmp_path / "again" / "site", "--no-cache") == compiled
    assert (tmp_path / "again" / "site" / "zh-Hant" / "first" / "parallel.html").read_bytes() == good
    cache = tmp_path / "build" / ".docpub-cache"
    shutil.rmtree(cache / "objects")  # every page rendered again; the compiled templates stay
    (cache / "index.json").unlink()
    assert "parallel.html.j2" in _build_compiling(site, out)
    assert page.read_bytes() == good


def test_a_user_cache_that_cannot_be_written_costs_only_compiling(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    first = _build_compiling(site, tmp_path / "one" / "site", "--no-cache")
    assert "document.html.j2" in first  # compiled, kept nowhere, and the build goes on
    assert _build_compiling(site, tmp_path / "two" / "site", "--no-cache") == first
    assert blocked.read_text(encoding="utf-8") == "a file where the cache folder would be"
    page = Path("zh-Hant") / "first" / "parallel.html"
    assert (tmp_path / "one" / "site" / page).read_bytes() == (tmp_path / "two" / "site" / page).read_bytes()


@pytest.mark.parametrize("source", [
    '{% extends "a.j2" %}', '{%- include ["b.j2", "c.j2"] -%}', '{% from "_m.j2" import x %}',
    "{% import 'i.j2' as i %}", '{% include ("p.j2") %}', '{% include "q.j2" ignore missing %}',
    '{% if x %}{% include "r.j2" %}{% endif %}', '{{ "not.j2" }}',
])
def test_a_template_key_covers_every_template_jinja_finds_it_uses(source: str) -> None:
    found = {r for r in meta.find_referenced_templates(jinja2.Environment().parse(source)) if r}
    assert found <= set(_references(source))
    assert "not.j2" not in _references(source)  # a string outside a tag names no template


# --- the search index: Pagefind bundles, one per shard of each edition (see docpub.search) ----------

MANY = {f"doc-{n}": MINIMAL.replace("测试文件", f"第{n}份测试文件") for n in range(8)}


def index_files(out: Path) -> dict[str, int]:
    """Every file of the search index (shard/file, and edition/shards.json) with its inode: a
    shard's bundle that Pagefind made again is new files, a reused one the very same."""
    return {p.relative_to(out / "pagefind").as_posix(): p.stat().st_ino
            for p in (out / "pagefind").rglob("*") if p.is_file()}


def shards_changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path.split("/")[0] for path in changed(before, after)}


def test_text_edit_reindexes_only_that_documents_shard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", MANY)
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf", "-j", "2")
    shards = sorted({shard_of(d) for d in MANY})
    assert len(shards) >= 4  # the documents are spread over several shards
    for tag in EDITIONS:
        assert json.loads((out / "pagefind" / tag / "shards.json").read_bytes())["shards"] == [
            f"../{shard}" for shard in shards]
    cache = tmp_path / "build" / ".docpub-cache" / "search"
    entries = {p.name for p in cache.iterdir()}
    before = index_files(out)
    doc = site / "content" / "doc-3" / "zh-Hans.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("通过了", "一致通过了"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf", "-j", "2")
    after = index_files(out)
    assert shards_changed(before, after) == {shard_of("doc-3")}  # its bundle holds every edition's pages
    made = {p.name for p in cache.iterdir()} - entries
    assert len(made) == 1  # one bundle made anew, the rest reused
    assert len(list(cache.iterdir())) == len(entries)  # and the bundle it replaces is gone
    for tag in EDITIONS:  # the shard list did not change: the search page still loads the same shards
        assert after[f"{tag}/shards.json"] == before[f"{tag}/shards.json"]
    entry = json.loads((out / "pagefind" / shard_of("doc-3") / "pagefind-entry.json").read_bytes())
    assert sorted(entry["languages"]) == sorted(tag.lower() for tag in EDITIONS)


def test_a_damaged_search_bundle_in_the_cache_is_made_again(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", MANY)
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    cache = tmp_path / "build" / ".docpub-cache" / "search"
    damaged = sorted(cache.glob("*/pagefind-entry.json"))[0]
    damaged.write_text("{not an index", encoding="utf-8")  # the published file is this very inode
    shard = next(p.parent.name for p in (out / "pagefind").glob("*/pagefind-entry.json")
                 if p.read_text(encoding="utf-8").startswith("{not"))
    build(site, out, capsys, "--no-pdf")
    entry = json.loads((out / "pagefind" / shard / "pagefind-entry.json").read_bytes())
    assert sorted(entry["languages"]) == sorted(tag.lower() for tag in EDITIONS)
    assert index_files(out).keys() >= {f"{tag}/shards.json" for tag in EDITIONS}


def test_links_in_the_search_cache_are_never_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bundle or a shard list that is a link (to files outside the cache) is made again, never
    published; a search cache folder that is a link is replaced: nothing outside is written,
    removed or published."""
    site = make_site(tmp_path / "s", MANY)
    out = tmp_path / "build" / "site"
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    build(site, out, capsys, "--no-pdf")
    cache = tmp_path / "build" / ".docpub-cache" / "search"
    outside = tmp_path / "outside"
    bundle = sorted(p.parent for p in cache.glob("*/pagefind-entry.json"))[0]
    shutil.copytree(bundle, outside / "bundle")
    for fragment in (outside / "bundle").rglob("*.pf_fragment"):
        fragment.write_bytes(b"SECRET OUTSIDE THE SITE")
    shutil.rmtree(bundle)
    bundle.symlink_to(outside / "bundle", target_is_directory=True)
    shards = next(p for p in cache.glob("*.json"))
    (outside / "shards.json").write_text('{"shards":["SECRET OUTSIDE THE SITE"]}', encoding="utf-8")
    shards.unlink()
    shards.symlink_to(outside / "shards.json")
    before = snapshot(outside)
    build(site, out, capsys, "--no-pdf")
    assert snapshot(out) == snapshot(fresh)
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert snapshot(outside) == before

    shutil.rmtree(cache)
    cache.symlink_to(outside, target_is_directory=True)
    build(site, out, capsys, "--no-pdf")
    assert snapshot(out) == snapshot(fresh)
    assert snapshot(outside) == before  # nothing made there, nothing pruned from it
    assert cache.is_dir() and not cache.is_symlink()


def test_a_pagefind_that_fails_to_start_early_is_started_again_for_the_shards(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from docpub import search

    escaped: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: escaped.append(args.exc_value))

    def fail(self: search.Indexer) -> None:
        raise OSError("no room to start")

    monkeypatch.setattr(search.Indexer, "begin_warm", fail)  # (``warm`` begins with it too)
    site = make_site(tmp_path / "s", MANY)
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf", "-j", "2")
    assert escaped == []  # nothing went wrong on a thread unseen
    shards = sorted({shard_of(d) for d in MANY})
    for tag in EDITIONS:
        assert json.loads((out / "pagefind" / tag / "shards.json").read_bytes())["shards"] == [
            f"../{shard}" for shard in shards]


# A Pagefind that stops on its Nth request asking for a bundle (after the requests before it),
# saying why on its standard error as Pagefind does: the real one, its requests passed on.
_STOPPING_PAGEFIND = """\
import base64, json, subprocess, sys, threading
real = subprocess.Popen([sys.argv[1], "--service"], stdin=subprocess.PIPE, stdout=sys.stdout.buffer)
asked = 0
buffer = b""
while chunk := sys.stdin.buffer.read1(1 << 16):
    buffer += chunk
    while b"," in buffer:
        request, buffer = buffer.split(b",", 1)
        if json.loads(base64.b64decode(request))["payload"]["type"] == "GetFiles":
            asked += 1
            if asked == int(sys.argv[2]):
                real.kill()
                sys.stderr.write("Error: out of memory while building the index\\n")
                sys.exit(3)
        real.stdin.write(request + b",")
        real.stdin.flush()
real.stdin.close()
sys.exit(real.wait())
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("stop_at", [1, 2, 4])
def test_a_pagefind_that_stops_midway_fails_the_build_with_its_reason(
        stop_at: int, jobs: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind given shard after shard (the next one's pages sent before a bundle is read)
    that stops on its first, second or fourth bundle: one error line with its last words,
    the previous site as it was, no program left running, and the next build whole."""
    from docpub import search

    site = make_site(tmp_path / "s", MANY)
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    for n in range(8):  # every shard is to be made again
        doc = site / "content" / f"doc-{n}" / "zh-Hans.md"
        doc.write_text(doc.read_text(encoding="utf-8").replace("通过了", "一致通过了"), encoding="utf-8")
    real = search._program()
    assert real is not None
    script = tmp_path / "pagefind.py"
    script.write_text(_STOPPING_PAGEFIND, encoding="utf-8")
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "{real}" {stop_at} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    children = _children()
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "-j", jobs]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"docpub: {search.BUNDLE}: error: Pagefind could not build the search index: "
                   "Error: out of memory while building the index"]
    assert inodes(out) == before
    assert _children() == children  # no program left running
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    build(site, out, capsys, "--no-pdf")
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    assert snapshot(out) == snapshot(fresh)


def test_a_process_forked_while_pagefind_runs_leaves_it_to_its_own_end(tmp_path: Path) -> None:
    """A pool worker forked after a Pagefind program started (as a build with PDFs forks its
    workers after Pagefind has begun loading its word lists) does not hold its pipes: the
    program still ends when the build closes its input, by itself, while the worker lives."""
    import multiprocessing
    import time

    from docpub import search

    indexer = search.Indexer()
    indexer.warm()
    proc = indexer._proc
    assert proc is not None
    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    worker.start()
    try:
        indexer.close()  # waits for the program to end (at most 30 s, then kills it)
        assert proc.returncode == 0  # it saw the end of its input: not killed
        assert worker.is_alive()
    finally:
        worker.kill()
        worker.join()
    # In the worker, the pipes' descriptors were left valid (the null device): a page
    # indexed there after the fork would start a program of its own.
    with search.Indexer() as again:
        assert search.ENTRY in again.index({"index.html": search._WARM_PAGE})


@pytest.mark.parametrize("options", [[], ["--no-pdf"]], ids=["with PDFs", "HTML only"])
def test_a_build_indexes_with_the_pagefind_it_started_while_loading_and_stops_it(
        options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed document starts a Pagefind program while the build loads, before the workers
    are forked (which are forked from a process running no other thread); that very program
    indexes the shard, and ends by itself."""
    import threading

    from docpub import search

    started: list[search.Indexer] = []
    ended: list[int | None] = []
    start, close = search.Indexer._start, search.Indexer.close

    def recording_start(self: search.Indexer) -> None:
        if self._proc is None:
            started.append(self)
        start(self)

    def recording_close(self: search.Indexer) -> None:
        proc = self._proc
        close(self)
        if proc is not None:
            ended.append(proc.returncode)

    from docpub import site as site_module

    before_workers: list[int] = []
    pool_start = site_module._LazyPool.start

    threads: list[int] = []

    def recording_pool_start(self: site_module._LazyPool) -> object:
        if self.pool is None:
            before_workers.append(len(started))
            threads.append(threading.active_count())
        return pool_start(self)

    warm_pages: list[int] = []
    begin_warm = search.Indexer.begin_warm

    def recording_begin_warm(self: search.Indexer) -> None:
        begin_warm(self)
        warm_pages.append(len(self._warming))

    monkeypatch.setattr(search.Indexer, "_start", recording_start)
    monkeypatch.setattr(search.Indexer, "close", recording_close)
    monkeypatch.setattr(search.Indexer, "begin_warm", recording_begin_warm)
    monkeypatch.setattr(site_module._LazyPool, "start", recording_pool_start)
    site = make_site(tmp_path / "s", {"first": MINIMAL})
    out = tmp_path / "build" / "site"
    for thread in threading.enumerate():  # an earlier build's pool, let go, ends by itself
        if type(thread).__name__ == "_ExecutorManagerThread":
            thread.join(timeout=30)
    running = threading.active_count()  # (other tests' threads may still run in this process)
    assert main(["build", str(site), "--out", str(out), "-j", "2", *options]) == 0
    capsys.readouterr()
    assert before_workers == [1]  # Pagefind was started before the workers
    assert threads == [running]  # and no thread of it ran when they were forked
    assert len(started) == 1  # and that program indexed the shard
    assert ended == [0]  # and ended at the end of its input, not killed after a wait
    assert "pagefind" not in " ".join(_children())
    assert (out / "pagefind" / shard_of("first") / search.ENTRY).is_file()
    assert all((out / tag / "first" / "first.pdf").is_file() == (not options) for tag in EDITIONS)
    assert warm_pages == [2]  # (its warm-up page was sent, and its answers read by the shard)


def test_no_op_rebuild_runs_no_pagefind(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path / "s", MANY)
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = index_files(out)
    # Without its program, a build that needs Pagefind fails; one that needs none succeeds.
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-pagefind"))
    build(site, out, capsys, "--no-pdf", "-j", "2")
    assert index_files(out) == before
    doc = site / "content" / "doc-3" / "zh-Hans.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("通过了", "一致通过了"), encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "--no-pdf"]) == 1
    assert "cannot run Pagefind" in capsys.readouterr().err
    assert index_files(out) == before  # a failed build leaves the site as it was


def _children() -> list[str]:
    """The names of this process's child processes (Linux)."""
    return list(_child_processes().values())


def _child_processes() -> dict[int, str]:
    """This process's child processes (Linux): pid -> name."""
    return {pid: info.name for pid, info in processes().items() if info.parent == os.getpid()}


def test_a_listing_failing_while_shards_are_indexed_stops_the_indexing_and_publishes_nothing(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    doc = site / "content" / "first" / "zh-Hans.md"  # its shard is indexed while the listings render
    doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
    page = override(site, "index.html.j2")
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ 1 // 0 }}", 1),
                    encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "-j", "2", "--no-pdf"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "index.html.j2:" in err[0] and "by zero" in err[0]
    assert inodes(out) == before  # the previous site, untouched
    assert not [p for p in (tmp_path / "build" / ".docpub-cache" / "search").glob(".tmp-*")]
    assert "pagefind" not in " ".join(_children())  # no indexing goes on after the build


def test_a_content_error_found_while_pagefind_starts_stops_it_and_publishes_nothing(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A changed document starts the workers and a Pagefind program at once, before it is parsed.
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    doc = site / "content" / "first" / "zh-Hans.md"
    doc.write_text(MINIMAL.replace("date: 2021-03-01", "date: 2021-02-30"), encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "-j", "2", "--no-pdf"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(doc) in err[0], err
    assert inodes(out) == before
    assert "pagefind" not in " ".join(_children())  # the program started early is stopped
    doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf", "-j", "2")  # and the next build indexes the shard
    assert "一致通过了" in (out / "zh-Hans" / "first" / "index.html").read_text(encoding="utf-8")
    assert "pagefind" not in " ".join(_children())


def test_a_listing_that_fails_half_way_is_one_error_and_publishes_nothing(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docpub.templating.CHUNK", 1)  # every piece written as soon as it is made
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    page = override(site, "archive_citations.html.j2")  # written in pieces: this fails after the first
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<p class="back-to-top">', '{{ 1 // 0 }}<p class="back-to-top">'), encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "-j", "1", "--no-pdf"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "archive_citations.html.j2:" in err[0] and "by zero" in err[0]
    assert inodes(out) == before  # the previous site, untouched
    objects = tmp_path / "build" / ".docpub-cache" / "objects"
    assert not [p for p in objects.rglob(".tmp-*")]  # no half-written entry is left


def test_a_listing_failing_while_pdfs_are_laid_out_is_one_error_and_leaves_no_worker(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The listings render once the documents' pages are done, while the workers lay out the
    PDFs: a listing that fails then stops the build as before."""
    site = make_site(tmp_path / "s", {"first": MINIMAL})
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf")
    before = inodes(out)
    page = override(site, "index.html.j2")
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ 1 // 0 }}", 1),
                    encoding="utf-8")
    others = _child_processes()  # (a process server an earlier build left, say)
    assert main(["build", str(site), "--out", str(out), "-j", "2", "--no-search"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "index.html.j2:" in err[0] and "by zero" in err[0]
    assert inodes(out) == before
    assert set(_child_processes()) <= set(others)  # the pool's workers are gone


def test_entries_a_failed_build_never_took_in_are_removed_by_the_next(tmp_path: Path) -> None:
    """A worker may write an entry the build never records (it failed first): the next build
    finds such files and removes them, so the cache does not keep what no index knows."""
    from docpub.cache import entry_path, open_store, write_entry

    out = tmp_path / "build" / "site"
    kept, lost = "a" * 40, "b" * 40
    with open_store(out, use_cache=True) as store:
        store.put(kept, b"an entry", suffix=".html")
    with pytest.raises(RuntimeError), open_store(out, use_cache=True) as store:
        assert store.get(kept) is not None
        store.begin_writes()
        write_entry(store.objects, lost, ".html", b"written by a worker, never taken in")
        raise RuntimeError("the build failed")
    stray = Path(entry_path(store.objects, lost, ".html"))
    assert stray.is_file()
    with open_store(out, use_cache=True) as store:
        assert store.get(kept) is not None
    assert not stray.exists()
    assert Path(entry_path(store.objects, kept, ".html")).read_bytes() == b"an entry"


def test_the_caches_index_is_one_json_object_written_a_part_at_a_time(tmp_path: Path) -> None:
    """The index of a large archive's cache is megabytes of JSON: it is written a few thousand
    entries at a time (the bytes of one ``json.dumps``), never held whole, nor again as bytes."""
    import tracemalloc

    from docpub.cache import json_parts, write_kept

    index = {f"{n:040x}": f"{n:032x} .html {n}:{n}:{n}:2049:{n}" for n in range(60_000)}
    index["中文"] = ["a:b", "文"]  # (the content digests' list: paths, and lists as values)
    path = tmp_path / "cache" / "index.json"
    tracemalloc.start()
    try:
        write_kept(path, json_parts(index))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    data = path.read_bytes()
    assert data == json.dumps(index, sort_keys=True, ensure_ascii=False).encode("utf-8")
    assert json.loads(data) == index
    assert peak < len(data) / 2.5  # (a part at a time and the sorted keys: a fifth; whole: twice its size)
    assert [p.name for p in path.parent.iterdir()] == ["index.json"]


def test_an_old_documents_edit_leaves_the_homes_as_they_are(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An archive of more documents than a home lists: each home lists the newest, the page of
    each year lists that year's; editing an old document's title re-renders its year's page,
    not the homes, and no other year's page."""
    recent = load_config(tmp_path).recent  # the default of site.recent

    docs = {f"d{n:02}": MINIMAL.replace("测试文件", f"文件{n}").replace("2021-03-01", f"{2000 + n}-05-0{1 + n % 9}")
            for n in range(recent + 4)}
    site = make_site(tmp_path / "s", docs)
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf", "--no-search")
    home = (out / "zh-Hans" / "index.html").read_text(encoding="utf-8")
    assert home.count('class="doc-entry"') == recent and 'id="d04"' in home and 'id="d03"' not in home
    listed = [len(re.findall(r'class="doc-entry"', p.read_text(encoding="utf-8")))
              for p in (out / "zh-Hans" / "archive").glob("*.html")]
    assert sorted(listed) == [1] * (recent + 4)  # every document on the page of its year, once
    assert 'href="archive/2000.html"' in home
    before = inodes(out)
    (site / "content" / "d00" / "zh-Hans.md").write_text(docs["d00"].replace("文件0", "改过的文件0"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf", "--no-search")
    assert changed(before, inodes(out)) == doc_pages("d00") | reviews("d00") | {"review/index.html"} \
        | {f"{t}/archive/2000.html" for t in EDITIONS} | cited("s-res-2512-2020")
    assert "改过的文件0" in (out / "zh-Hans" / "archive" / "2000.html").read_text(encoding="utf-8")
    assert "改過的文件0" in (out / "zh-Hant" / "archive" / "2000.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-search", "--no-cache")
    assert snapshot(out) == snapshot(fresh)


def test_the_homes_list_as_many_of_the_newest_documents_as_the_site_says(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """``site.recent`` is how many of the newest documents the homes list: a change of it
    re-renders the homes (and what else reads the config), and equals a cold build."""
    docs = {f"d{n}": MINIMAL.replace("测试文件", f"文件{n}").replace("2021-03-01", f"{2010 + n}-05-01")
            for n in range(5)}
    site = make_site(tmp_path / "s", docs)
    config = site / "docpub.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[site]\n", "[site]\nrecent = 2\n", 1),
                      encoding="utf-8")
    out = tmp_path / "build" / "site"
    build(site, out, capsys, "--no-pdf", "--no-search")
    for home in [out / "index.html", *(out / t / "index.html" for t in EDITIONS)]:
        html = home.read_text(encoding="utf-8")
        assert html.count('class="doc-entry"') == 2 and 'id="d4"' in html and 'id="d3"' in html, home
        assert 'id="d2"' not in html and 'archive/2012.html"' in html, home
    config.write_text(config.read_text(encoding="utf-8").replace("recent = 2", "recent = 4"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf", "--no-search")
    html = (out / "zh-Hant" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="doc-entry"') == 4 and 'id="d1"' in html and 'id="d0"' not in html
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-search", "--no-cache")
    assert snapshot(out) == snapshot(fresh)


def test_the_kept_facts_lines_are_taken_only_for_the_entries_they_were_read_from(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The cache keeps each facts entry's first line, so a no-op build opens none; a kept line
    that is not well formed, or was read from other bytes than the entry holds, is not taken
    (the entry is read again), and the listings are the ones a cold build makes."""
    out = tmp_path / "build" / "site"
    rendered, _ = build(site, out, capsys, "--no-pdf")
    heads = out.parent / ".docpub-cache" / "facts-heads.json"
    kept = json.loads(heads.read_bytes())
    assert len(kept) == 2 * len(EDITIONS)  # two documents in four editions
    assert all(h.startswith("listing=") for _, h in kept.values())
    for damaged in ("not json", json.dumps({k: ["0" * 32, "listing=x"] for k in kept}), "[]"):
        heads.write_text(damaged, encoding="ascii")
        assert build(site, out, capsys, "--no-pdf") == (0, rendered), damaged
        assert json.loads(heads.read_bytes()) == kept, damaged
    (site / "content" / "first" / "zh-Hans.md").write_text(MINIMAL.replace("测试文件", "改过的标题"), encoding="utf-8")
    build(site, out, capsys, "--no-pdf")
    assert json.loads(heads.read_bytes()).keys() != kept.keys()
    fresh = tmp_path / "fresh" / "site"
    build(site, fresh, capsys, "--no-pdf", "--no-cache")
    assert snapshot(out) == snapshot(fresh)


def test_sites_built_into_one_folder_each_keep_their_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two sites of a repository built into ``dist/a`` and ``dist/b`` shared one cache beside
    them, and each build pruned what the other had used: every build rendered its whole site
    (and indexed it) again. Each output now has its own (``.a.docpub-cache``); an output named
    ``site`` keeps ``.docpub-cache``."""
    a = make_site(tmp_path / "a", {"first": MINIMAL})
    b = make_site(tmp_path / "b", {"second": SECOND})
    dist = tmp_path / "dist"
    cold_a, _ = build(a, dist / "a", capsys)
    cold_b, _ = build(b, dist / "b", capsys)
    bundles = {p: p.stat().st_ino for p in (dist / ".a.docpub-cache" / "search").iterdir()}
    assert bundles
    for _ in range(2):
        assert build(a, dist / "a", capsys) == (0, cold_a)
        assert build(b, dist / "b", capsys) == (0, cold_b)
    assert {p: p.stat().st_ino for p in (dist / ".a.docpub-cache" / "search").iterdir()} == bundles  # not indexed again
    assert sorted(p.name for p in dist.iterdir()) == [".a.docpub-cache", ".b.docpub-cache", "a", "b"]
    assert build(a, dist / "site", capsys, "--no-pdf")[0] > 0
    assert (dist / ".docpub-cache").is_dir()
