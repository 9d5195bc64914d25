"""Atomic output: a failed build leaves the previous output exactly as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docpub.cli import main
from docpub.outdir import atomic_output
from sitekit import make_site


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_success_replaces_the_output_and_leaves_no_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.html").write_text("old")
    with atomic_output(out) as tmp:
        (tmp / "new.html").write_text("new")
    assert tree(out) == {"new.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_failure_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous")
    with pytest.raises(RuntimeError):
        with atomic_output(out) as tmp:
            (tmp / "index.html").write_text("half")
            raise RuntimeError("template exploded")
    assert tree(out) == {"index.html": b"previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_first_build_creates_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "site"
    with atomic_output(out) as tmp:
        (tmp / "a").write_text("a")
    assert tree(out) == {"a": b"a"}
    assert oct(out.stat().st_mode & 0o777) == "0o755"


def test_build_refuses_to_replace_a_folder_it_did_not_build(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    victim = tmp_path / "documents"
    victim.mkdir()
    (victim / "important.txt").write_text("precious", encoding="utf-8")
    assert main(["build", str(site), "--out", str(victim), "--no-pdf"]) == 1
    assert "not built by docpub" in capsys.readouterr().err
    assert tree(victim) == {"important.txt": b"precious"}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["build", str(site), "--out", str(empty), "--no-pdf"]) == 0
    assert main(["build", str(site), "--out", str(empty), "--no-pdf"]) == 0  # its own output: replaced


@pytest.mark.parametrize("out", ["a-file", "a-file/site", "a-file/deeper/site"])
def test_an_output_that_is_or_sits_under_a_file_is_one_clear_error(tmp_path: Path, out: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    (tmp_path / "a-file").write_text("kept", encoding="utf-8")
    assert main(["build", str(site), "--out", str(tmp_path / out), "--no-pdf"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(tmp_path / "a-file") in err[0]
    assert "is a file" in err[0] or "not a folder" in err[0]
    assert "File exists" not in err[0] and "Traceback" not in err[0]
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "kept"


@pytest.mark.parametrize("where", [".", "content", "content/inside", "templates", ".."])
def test_build_never_replaces_the_site_itself(tmp_path: Path, where: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    before = tree(site)
    assert main(["build", str(site), "--out", str(site / where), "--no-pdf"]) == 1
    assert "output folder cannot be" in capsys.readouterr().err
    assert tree(site) == before


@pytest.mark.parametrize("name", ["site", "s[1]", "s*", "s?te", "[!x]ite"])
def test_next_build_removes_what_a_killed_build_left(tmp_path: Path, name: str) -> None:
    # An output's name is no pattern: with glob's characters in it, its leftovers stayed for
    # ever ("s[1]") or another output's went ("s*" took .site.tmp-*).
    from docpub.outdir import output_lock

    out = tmp_path / name
    out.mkdir()
    # What a build killed with SIGKILL leaves: its temporary folder, or the old site mid-swap.
    for left in (f".{name}.tmp-abc123", f".{name}.old-def456"):
        (tmp_path / left / "zh-Hans").mkdir(parents=True)
        (tmp_path / left / "zh-Hans" / "index.html").write_text("half", encoding="utf-8")
    others = {".other.tmp-keep", ".site1.tmp-keep", ".sxte.old-keep", ".site.tmp-keep"} - {f".{name}.tmp-keep"}
    for other in others:  # other outputs': left alone
        (tmp_path / other).mkdir()
    with output_lock(out), atomic_output(out) as tmp:
        (tmp / "index.html").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*others, name])
    assert (out / "index.html").read_text(encoding="utf-8") == "new"


def test_swap_replaces_a_site_in_one_step(tmp_path: Path) -> None:
    from docpub.outdir import _exchange

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "which").write_text("a", encoding="utf-8")
    (b / "which").write_text("b", encoding="utf-8")
    assert _exchange(a, b)  # Linux: renameat2(RENAME_EXCHANGE)
    assert (a / "which").read_text(encoding="utf-8") == "b" and (b / "which").read_text(encoding="utf-8") == "a"


def test_builds_of_one_output_take_turns(tmp_path: Path) -> None:
    import fcntl

    from docpub.outdir import output_lock

    out = tmp_path / "site"
    other = os.open(tmp_path, os.O_RDONLY)
    try:
        with output_lock(out):
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when the build ends
    finally:
        os.close(other)


@pytest.mark.parametrize("options", [[], ["--no-pdf", "--no-cache"]], ids=["with PDFs", "HTML without the cache"])
def test_a_site_built_with_a_private_umask_is_readable_by_a_web_server(tmp_path: Path, options: list[str]) -> None:
    """Its files were rw-r--r-- and its folders, under a umask of 077, the owner's alone (its
    marker file too): a copy of the site (rsync -a to a web root) served none of its pages.
    Every folder is rwxr-xr-x and every file rw-r--r--, cold and after an edit."""
    import subprocess
    import sys

    site = make_site(tmp_path / "s")
    out = tmp_path / "out" / "site"
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    for n in range(2):
        if n:
            doc.write_text(doc.read_text(encoding="utf-8").replace("测试文件", "修订的测试文件"), encoding="utf-8")
        cmd = f'umask 077 && exec "$0" -m docpub build "$1" --out "$2" {" ".join(options)}'
        done = subprocess.run(["sh", "-c", cmd, sys.executable, str(site), str(out)], capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        modes = {(p.relative_to(out).as_posix(), p.is_dir(), p.stat().st_mode & 0o777) for p in out.rglob("*")}
        assert {(d, m) for _, d, m in modes} == {(True, 0o755), (False, 0o644)}, sorted(
            m for m in modes if m[2] not in (0o755, 0o644))
        assert any(name.endswith(".pdf") for name, _, _ in modes) == (not options)
        assert (out.stat().st_mode & 0o777) == 0o755
