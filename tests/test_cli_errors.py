"""Every user error: one line naming the file, the line where there is one, and the reason; exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from docpub.cli import main
from docpub.errors import DocpubError
from sitekit import MINIMAL, make_site, override, picture

CASES = {
    "no front matter": ("安全理事会举行了会议。\n", 1, "front matter"),
    "malformed yaml": ("---\ntitle: [unclosed\ndate: 2021-03-01\n---\n\n文。\n", 2, ""),
    "missing title": ("---\ndate: 2021-03-01\n---\n\n文。\n", None, "title"),
    "missing date": ("---\ntitle: 标题\n---\n\n文。\n", None, "date"),
    "not a date": ("---\ntitle: 标题\ndate: 2021-13-45\n---\n\n文。\n", 3, "date"),
    "unknown key": ("---\ntitle: 标题\ndate: 2021-03-01\ntitel_en: x\n---\n\n文。\n", 4, "title_en"),
    "empty file": ("", None, "empty"),
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    err = capsys.readouterr().err.strip()
    return code, err


@pytest.mark.parametrize("name", sorted(CASES))
def test_content_errors_name_file_line_and_reason(tmp_path: Path, name: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    text, line, word = CASES[name]
    site = make_site(tmp_path / "s", {"x": text})
    out = tmp_path / "out"
    code, err = run(["build", str(site), "--out", str(out)], capsys)
    assert code == 1
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    where = f"zh-Hans.md:{line}:" if line else "zh-Hans.md"
    assert where in err
    assert word in err
    assert not out.exists()


GLOSSARY_FAULTS = {  # a file of content/glossary/, the line appended to it, what the error says
    "common.tsv": ("a line without tabs", "source<TAB>target<TAB>reason"),
    "zh-Hant-HK.forms.tsv": ("説明\t說明\treason", "one character"),
    "ambiguous.txt": ("后", "one character, a TAB and its forms"),
}


@pytest.mark.parametrize("name", sorted(GLOSSARY_FAULTS))
def test_glossary_errors_name_the_file_as_content_errors_do(tmp_path: Path, name: str,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A glossary's, a form table's and the ambiguous list's error names the file by a path that
    opens from wherever the build was run, as a content file's does (not from the site folder)."""
    bad, word = GLOSSARY_FAULTS[name]
    site = make_site(tmp_path / "s", {"x": MINIMAL})
    path = site / "content" / "glossary" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, bad]) + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, err = run(["build", str(site), "--out", str(tmp_path / "o"), "--no-pdf"], capsys)
    assert code == 1 and len(err.splitlines()) == 1, err
    assert err.startswith(f"docpub: {path}:{len(lines) + 1}: error: ") and word in err, err
    assert Path(err.split(":")[1].strip()).resolve() == path.resolve()
    (site / "content" / "x" / "zh-Hans.md").write_text("---\ntitle: 标题\ndate: 2021-13-45\n---\n", encoding="utf-8")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = run(["build", str(site), "--out", str(tmp_path / "o"), "--no-pdf"], capsys)
    assert code == 1 and err.startswith(f"docpub: {site / 'content' / 'x' / 'zh-Hans.md'}:3: error: "), err


def test_not_utf8_and_binary_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {"x": MINIMAL})
    path = site / "content" / "x" / "zh-Hans.md"
    path.write_bytes("---\ntitle: 标题\ndate: 2021-03-01\n---\n\n".encode("gb18030") + "中文".encode("gb18030"))
    code, err = run(["build", str(site), "--out", str(tmp_path / "o")], capsys)
    assert code == 1 and "UTF-8" in err and "zh-Hans.md" in err
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, err = run(["build", str(site), "--out", str(tmp_path / "o")], capsys)
    assert code == 1 and "zh-Hans.md" in err and "binary" in err


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {})
    folder = site / "content" / "x"
    folder.mkdir(parents=True)
    (folder / "zh-Hans.md").symlink_to(tmp_path / "nowhere.md")
    code, err = run(["build", str(site), "--out", str(tmp_path / "o")], capsys)
    assert code == 1 and "zh-Hans.md" in err and "read" in err


def test_unknown_edition_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    code, err = run(["model", str(site / "content" / "test-doc" / "zh-Hans.md"), "--edition", "zh-Hant-WT"],
                    capsys)
    assert code == 1 and "unknown edition 'zh-Hant-WT'" in err and "did you mean" in err


def test_missing_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    override(site, "document.html.j2").write_text('{% extends "page.html.j2" %}\n', encoding="utf-8")
    out = tmp_path / "out"
    code, err = run(["build", str(site), "--out", str(out), "--no-pdf"], capsys)
    assert code == 1 and f"{site / 'templates' / 'page.html.j2'}: error: template not found" in err
    assert not out.exists()


def test_template_syntax_error_names_template_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    template = override(site, "document.html.j2")
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{% if %}")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = run(["build", str(site), "--out", str(tmp_path / "out"), "--no-pdf"], capsys)
    assert code == 1 and f"{template}:3:" in err


def insert_in_main_block(site: Path, text: str) -> int:
    """Put ``text`` first in document.html.j2's main block (rendered, unlike text outside blocks)."""
    template = site / "templates" / "document.html.j2"
    if not template.exists():
        override(site, "document.html.j2")
    lines = template.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if "{% block main %}" in line) + 1
    lines.insert(at, text)
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1  # its 1-based line number


def test_template_runtime_error_names_template_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    line = insert_in_main_block(site, "{{ no_such_variable.attribute }}")
    code, err = run(["build", str(site), "--out", str(tmp_path / "out"), "--no-pdf"], capsys)
    assert code == 1 and f"document.html.j2:{line}:" in err and "no_such_variable" in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"x": ""})
    with pytest.raises(DocpubError):
        main(["--debug", "build", str(site), "--out", str(tmp_path / "out")])


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["build", "--no-such-flag"])
    assert info.value.code == 2


@pytest.mark.parametrize("args", [
    ["build", "{site}", "--out", ""], ["build", ""], ["build", "{site}", "--scheduler", ""], ["check", ""],
    ["review", ""], ["review", "{site}", "--edition", ""], ["review", "{site}", "--doc", ""], ["model", ""],
    ["model", "{doc}", "--edition", ""],
    ["new", ""], ["serve", "{site}", "--host", ""], ["serve", ""], ["import", ""], ["import", "{doc}", "--id", ""],
    ["import", "{doc}", "--site", ""],
])
def test_an_empty_folder_file_or_address_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    """An empty value (a script's variable left unset: ``--out "$OUT"``) is not taken as the
    current folder, the default output or, for ``serve --host``, every network: the command
    stops before it reads or writes anything."""
    site = make_site(tmp_path / "s")
    doc = site / "content" / "x" / "zh-Hans.md"
    monkeypatch.chdir(site)  # (where an empty folder would have been taken to be)
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as info:
        main([a.format(site=site, doc=doc) for a in args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].endswith(": is empty") and f"docpub {args[0]}: error: argument " in err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize(("port", "reason"), [("70000", "a port is a number from 0 to 65535"),
                                            ("-1", "a port is a number from 0 to 65535"), ("x", "not a number: 'x'")])
def test_a_port_out_of_range_is_a_usage_error(tmp_path: Path, port: str, reason: str) -> None:
    # It went as far as binding, which raised OverflowError: a traceback.
    site = make_site(tmp_path / "s")
    proc = subprocess.run([sys.executable, "-m", "docpub", "serve", str(site), "--port", port],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1] == f"docpub serve: error: argument --port: {reason}"


def test_check_reports_all_problems_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {
        "a": "---\ndate: 2021-03-01\n---\n\n文。\n",
        "b": "---\ntitle: t\ndate: 2021-03-01\nsymbl: S/2021/1\n---\n\n文。\n",
        "c": MINIMAL.replace("第2512(2020)号决议", "第2512(2020)号决议和S/RES/abcd"),
    })
    (site / "templates").mkdir()
    (site / "templates" / "broken.html.j2").write_text("{% for %}\n", encoding="utf-8")
    code = main(["check", str(site)])
    out = capsys.readouterr().out
    assert code == 1
    assert "a/zh-Hans.md" in out and "title" in out
    assert "b/zh-Hans.md:4:" in out and "did you mean 'symbol'" in out
    assert "broken.html.j2:1:" in out
    assert "error(s)" in out


def test_check_warnings_fail_only_when_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {"c": MINIMAL.replace("。", "，另见S/RES/abcd。")})
    assert main(["check", str(site)]) == 0
    assert "warning" in capsys.readouterr().out
    assert main(["check", str(site), "--strict"]) == 1


def test_check_warns_of_markdown_that_is_most_likely_a_slip_and_the_build_accepts_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    slips = MINIMAL + "\n通过了**“决议”**。\n\n    缩进的段落。\n\n正文。\n---\n"
    site = make_site(tmp_path / "s", {"c": slips})
    lines = slips.split("\n")
    at = {what: lines.index(text) + 1 for what, text in (("**", "通过了**“决议”**。"), ("indent", "    缩进的段落。"),
                                                          ("---", "正文。"))}
    assert main(["check", str(site)]) == 0
    out = capsys.readouterr().out
    assert f"c/zh-Hans.md:{at['**']}: warning: '**' would be printed as text" in out
    assert f"c/zh-Hans.md:{at['indent']}: warning: this text is indented by four spaces" in out
    assert f"c/zh-Hans.md:{at['---']}: warning: the line of '---' under this text" in out
    assert "0 error(s), 3 warning(s)" in out
    assert main(["check", str(site), "--strict"]) == 1
    capsys.readouterr()
    assert main(["build", str(site), "--out", str(tmp_path / "out"), "--no-pdf", "--no-search"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_oversized_content_is_refused_before_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {"big": MINIMAL + ("安全理事会举行了会议。" * 20 + "\n\n") * 17000})
    assert (site / "content" / "big" / "zh-Hans.md").stat().st_size > 10 * 1024 * 1024
    out = tmp_path / "out"
    code, err = run(["build", str(site), "--out", str(out)], capsys)
    assert code == 1 and "big/zh-Hans.md" in err and "over the limit" in err and "max_content_kib" in err
    assert not out.exists()


def test_single_file_documents_and_duplicate_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {})
    (site / "content" / "single.md").write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf"]) == 0
    assert (out / "zh-Hant" / "single" / "index.html").is_file()
    folder = site / "content" / "single"
    folder.mkdir()
    (folder / "zh-Hans.md").write_text(MINIMAL, encoding="utf-8")
    code, err = run(["build", str(site), "--out", str(out), "--no-pdf"], capsys)
    assert code == 1 and "document id 'single' is also used by" in err
    assert (out / "zh-Hant" / "single" / "index.html").is_file()  # the last good site is still there
    assert main(["check", str(site)]) == 1
    assert "is also used by" in capsys.readouterr().out


PNG = picture("PNG")


def test_images_are_published_in_the_pages_media_folder(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"x": MINIMAL + "\n![地图](images/map.png)\n"})
    (site / "content" / "x" / "images").mkdir()
    (site / "content" / "x" / "images" / "map.png").write_bytes(PNG)
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out)]) == 0
    for tag in ("zh-Hans", "zh-Hant-TW"):
        assert (out / tag / "x" / "media" / "images" / "map.png").read_bytes() == PNG
        assert 'src="media/images/map.png"' in (out / tag / "x" / "index.html").read_text(encoding="utf-8")


def test_missing_image_is_an_error_of_the_content_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {"x": MINIMAL + "\n![地图](images/missing.png)\n"})
    code, err = run(["build", str(site), "--out", str(tmp_path / "out")], capsys)
    assert code == 1 and "x/zh-Hans.md:8:" in err and "images/missing.png" in err and "not found" in err
    assert main(["check", str(site)]) == 1
    assert "x/zh-Hans.md:8:" in capsys.readouterr().out


def test_check_renders_the_pages_to_find_what_the_build_would_hit(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    override(site, "citations.html.j2").write_text('{% extends "page.html.j2" %}\n', encoding="utf-8")
    assert main(["check", str(site)]) == 1
    assert "page.html.j2: error: template not found" in capsys.readouterr().out
    site = make_site(tmp_path / "t")
    line = insert_in_main_block(site, "{{ nosuch.attr.x }}")
    assert main(["check", str(site)]) == 1
    assert f"document.html.j2:{line}:" in capsys.readouterr().out


def test_check_warns_about_content_that_would_not_be_built(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    (site / "content" / "draft").mkdir()
    (site / "content" / "draft" / "zh-Hant.md").write_text(MINIMAL, encoding="utf-8")
    assert main(["check", str(site)]) == 0
    out = capsys.readouterr().out
    assert "content/draft: warning: holds Markdown but no zh-Hans.md" in out


def test_content_links_leading_outside_the_site_are_refused(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {})
    outside = tmp_path / "elsewhere.md"
    outside.write_text(MINIMAL, encoding="utf-8")
    (site / "content" / "x").mkdir()
    (site / "content" / "x" / "zh-Hans.md").symlink_to(outside)
    code, err = run(["build", str(site), "--out", str(tmp_path / "out")], capsys)
    assert code == 1 and "outside the site" in err


def test_model_respects_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {"big": MINIMAL + ("安全理事会举行了会议。" * 20 + "\n\n") * 4000})
    code, err = run(["model", str(site / "content" / "big" / "zh-Hans.md")], capsys)
    assert code == 1 and "over the limit" in err


def test_the_command_ends_with_its_output_written_and_its_exit_status(tmp_path: Path) -> None:
    """``docpub`` ends its process at once after a command (no teardown): what it printed into
    a pipe still arrives whole, and the status is the command's, on success and on error."""
    site = make_site(tmp_path / "s", {"a": MINIMAL, "b": MINIMAL.replace("2021", "2022")})
    out = tmp_path / "out"
    command = [sys.executable, "-m", "docpub", "build", str(site), "--out", str(out), "--no-pdf", "-j2"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe's usual buffering
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("built 2 document(s) in 4 edition(s): ") and done.stdout.endswith(")\n")
    assert (out / "zh-Hans" / "a" / "index.html").is_file()
    # a long output, block-buffered into the pipe, is not cut short
    listed = subprocess.run([sys.executable, "-m", "docpub", "review", str(site)], capture_output=True, text=True,
                            timeout=300, env=env)
    assert listed.returncode == 0 and listed.stdout == _review_in_process(site)

    (site / "content" / "a" / "zh-Hans.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    failed = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.count("\n") == 1 and "a/zh-Hans.md:2:" in failed.stderr, failed.stderr
    assert (out / "zh-Hans" / "a" / "index.html").is_file()  # the previous output stays


def _review_in_process(site: Path) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["review", str(site)]) == 0
    return buffer.getvalue()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_is_one_line_naming_the_output(tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # A write that names no file (os.write: ENOSPC) was shown as "docpub: docpub: error: ...".
    import errno

    import docpub.cache
    import docpub.execute

    def full(*args: object, **kwargs: object) -> tuple[str, str]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    site = make_site(tmp_path / "s")
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "--no-search"]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    doc.write_text(MINIMAL.replace("测试文件", "改过的文件"), encoding="utf-8")
    monkeypatch.setattr(docpub.cache, "write_entry", full)
    monkeypatch.setattr(docpub.execute, "write_entry", full)
    capsys.readouterr()
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "--no-search", "-j", jobs]) == 1
    assert capsys.readouterr().err == (f"docpub: {out}: error: cannot write the site or its cache beside it: "
                                       "No space left on device; the previous output is unchanged\n")
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_that_cannot_write_chinese_gets_escapes_not_a_traceback(tmp_path: Path, encoding: str) -> None:
    """A legacy locale (en_US.ISO-8859-1) or PYTHONIOENCODING: a build that succeeded ended in a
    traceback as it printed its summary (the site's path is Chinese), and an error line became a
    traceback. What the output cannot write now comes as \\u escapes."""
    site = make_site(tmp_path / "安理会 文件")
    env = {**os.environ, "PYTHONIOENCODING": encoding}

    def docpub(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "docpub", *args], capture_output=True, env=env, check=False,
                              encoding=encoding, errors="strict")

    done = docpub("build", str(site), "--no-pdf", "--no-search")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith("built 1 document(s)") and "\\u5b89\\u7406\\u4f1a \\u6587\\u4ef6" in done.stdout
    assert (site / "build" / "site" / "zh-Hans" / "test-doc" / "index.html").is_file()
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    for args in (["review", str(site)], ["check", str(site)], ["model", str(doc)]):
        done = docpub(*args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr)
    doc.write_text(MINIMAL.replace("date: 2021-03-01", "date: 2021-13-01"), encoding="utf-8")
    for args in (["build", str(site), "--no-pdf", "--no-search"], ["check", str(site)]):
        done = docpub(*args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        lines = done.stderr.splitlines() if args[0] == "build" else done.stdout.splitlines()  # (check: a report)
        assert any("\\u5b89\\u7406\\u4f1a \\u6587\\u4ef6/content/test-doc/zh-Hans.md:" in line and "month" in line
                   for line in lines), lines


def _conflicted(text: str, line: int, *, base: bool = False, newline: str = "\n") -> tuple[str, int]:
    """``text`` with its line ``line`` (1-based) in a merge conflict Git wrote (``base``: the diff3
    style, with the common version); and the line of the conflict's first marker."""
    lines = text.split("\n")
    ours = lines[line - 1]
    block = ["<<<<<<< HEAD", ours, *(["||||||| merged common ancestors", ours] if base else []), "=======",
             ours.replace("测试", "试验"), ">>>>>>> edit-on-a-branch"]
    return newline.join([*lines[:line - 1], *block, *lines[line:]]), line


CONFLICT_BODY = MINIMAL + "\n第二段测试文字。\n"


@pytest.mark.parametrize("where", ["content", "content, diff3 style", "content, CRLF", "glossary", "docpub.toml",
                                   "template", "labels"])
def test_a_merge_conflict_left_in_a_file_is_one_error_at_its_line(tmp_path: Path, where: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A merge that stopped at a conflict, committed as it is: both versions were published, the
    markers as text (or the separator as a heading). Every text file of a site is refused at the
    conflict's first marker, in build and check, and nothing is written."""
    site = make_site(tmp_path / "s", {"x": CONFLICT_BODY})
    if where.startswith("content"):
        path = site / "content" / "x" / "zh-Hans.md"
        at = CONFLICT_BODY.split("\n").index("第二段测试文字。") + 1
        text, line = _conflicted(CONFLICT_BODY, at, base="diff3" in where, newline="\r\n" if "CRLF" in where else "\n")
    elif where == "glossary":
        path = site / "content" / "glossary" / "common.tsv"
        original = path.read_text(encoding="utf-8")
        text, line = _conflicted(original + "测试\t測試\tdocpub 的测试\n", original.count("\n") + 1)
    elif where == "docpub.toml":
        path = site / "docpub.toml"
        original = path.read_text(encoding="utf-8")
        at = original.split("\n").index(next(li for li in original.split("\n") if li.startswith("title =")))
        text, line = _conflicted(original, at + 1)
    elif where == "template":
        path = override(site, "base.html.j2")
        text, line = _conflicted(path.read_text(encoding="utf-8"), 3)
    else:
        path = override(site, "labels.toml")
        text, line = _conflicted(path.read_text(encoding="utf-8"), 3)
    path.write_bytes(text.encode("utf-8"))
    out = tmp_path / "out"
    code, err = run(["build", str(site), "--out", str(out), "--no-pdf"], capsys)
    assert code == 1 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"docpub: {path}:{line}: error: a merge conflict is not resolved"), err
    assert not out.exists()
    assert main(["check", str(site)]) == 1
    report = capsys.readouterr().out
    assert f"{path}:{line}: error: a merge conflict is not resolved" in report, report


@pytest.mark.parametrize("text", [
    "<<<<<<< HEAD\n文。\n", "=======\n", "文\n=======\n", "<<<<<<< a\n=======\n", "=======\n>>>>>>> b\n",
    ">>>>>>> b\n=======\n<<<<<<< a\n", "<<<<<<<< a\n=======\n>>>>>>> b\n", "<<<<<<< a\n ======= \n>>>>>>> b\n",
    "<<<<<<<a\n=======\n>>>>>>> b\n", "« <<<<<<< a\n=======\n>>>>>>> b\n",
])
def test_what_only_looks_like_a_merge_conflict_is_text(text: str) -> None:
    from docpub.files import merge_conflict

    assert merge_conflict(text) is None


def test_a_merge_conflict_is_found_at_its_first_marker() -> None:
    from docpub.files import merge_conflict

    assert merge_conflict("文\n<<<<<<< HEAD\n甲\n=======\n乙\n>>>>>>> b\n") == 2
    assert merge_conflict("<<<<<<<\n=======\n>>>>>>>") == 1
    assert merge_conflict("文\r\n<<<<<<< a\r\n=======\r\n>>>>>>> b\r\n") == 2
    assert merge_conflict("<<<<<<< a\n" * 3 + "=======\n" * 3 + "文\n>>>>>>> b\n") == 1
