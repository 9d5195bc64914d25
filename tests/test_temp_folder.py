"""Commands leave nothing in the system's temporary folder.

A build is run many times a day (every edit in CI, every save with ``serve``): a folder left in
``/tmp`` each time fills it. Each command here runs as a user runs it, with ``TMPDIR`` an empty
folder of its own, which must be empty again when it ends.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from docpub.outdir import lock_folder, unlock
from sitekit import MINIMAL, make_site

DOCS = {f"d{n}": MINIMAL.replace("测试文件", f"第{n}份测试文件") for n in range(6)}


def run(args: list[str], tmp: Path, *, terminal: bool = False) -> subprocess.CompletedProcess[bytes]:
    """``docpub ARGS`` with ``TMPDIR`` set to ``tmp``; on a pseudo-terminal (its standard error,
    where the progress bar is drawn) with ``terminal``."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    cmd = [sys.executable, "-m", "docpub", *args]
    if not terminal:
        return subprocess.run(cmd, capture_output=True, env=env, timeout=180, check=False)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=follower, env=env)
        os.close(follower)
        follower = -1
        drawn = b""
        while True:  # (read, or the bar's writes would fill the terminal and stop the build)
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the build ended and closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        out, _ = proc.communicate(timeout=180)
        return subprocess.CompletedProcess(cmd, proc.returncode, out, drawn)
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def edit(site: Path, name: str, n: int) -> None:
    doc = site / "content" / name / "zh-Hans.md"
    doc.write_text(DOCS[name].replace("测试文件", f"测试文件（第{n}次修订）"), encoding="utf-8")


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_builds_with_the_search_index_leave_nothing(tmp_path: Path, tmp: Path) -> None:
    site = make_site(tmp_path / "s", DOCS)
    out = tmp_path / "out" / "site"
    build = ["build", str(site), "--out", str(out), "-j", "2", "--no-pdf"]
    steps = [("cold", build), ("an edit", build), ("a build without the cache", [*build, "--no-cache"])]
    for n, (what, args) in enumerate(steps):
        edit(site, "d1", n)  # (an edit's Pagefind starts while the build loads: its own warm-up page)
        done = run(args, tmp)
        assert done.returncode == 0, done.stderr
        assert sorted(os.listdir(tmp)) == [], what
        assert sorted(p.name for p in out.parent.iterdir()) == [".docpub-cache", "site"], what
    assert (out / "pagefind" / "zh-Hans" / "shards.json").is_file()


@pytest.mark.parametrize("length", ["short", "long"])
def test_a_build_with_the_progress_bar_works_and_leaves_nothing(tmp_path: Path, length: str) -> None:
    # The bar runs a thread, so the workers come from a fork server, whose socket multiprocessing
    # keeps in a folder of the temporary folder and removes as the interpreter ends: ended at
    # once, docpub left one there every build. A socket's path is at most 107 bytes: with a
    # TMPDIR longer than about 75, the server could not start and every build on a terminal
    # failed ("AF_UNIX path too long"); its workers are then new interpreters.
    if length == "short":
        tmp = Path(tempfile.mkdtemp(prefix="dp", dir="/tmp"))
    else:
        tmp = tmp_path / ("t" * 100)
        tmp.mkdir()
    try:
        site = make_site(tmp_path / "s", DOCS)
        out = tmp_path / "out" / "site"
        for n in range(2):
            for name in DOCS:
                edit(site, name, n)
            done = run(["build", str(site), "--out", str(out), "-j", "2", "--no-pdf", "--no-search"], tmp,
                       terminal=True)
            assert done.returncode == 0, done.stderr
            assert b"building" in done.stderr and b"outputs" in done.stderr  # (the bar was drawn)
            assert done.stdout.startswith(b"built 6 document(s) in 4 edition(s)"), done.stdout
            assert os.listdir(tmp) == []
    finally:
        if length == "short":
            shutil.rmtree(tmp, ignore_errors=True)


def test_check_leaves_nothing_and_removes_what_a_killed_check_left(tmp_path: Path, tmp: Path) -> None:
    site = make_site(tmp_path / "s", DOCS)
    old = time.time() - 3600

    def folder(name: str, age: float = old) -> Path:
        path = tmp / name
        (path / "build" / "site").mkdir(parents=True)
        (path / "build" / "site" / "index.html").write_text("<p>old</p>", encoding="utf-8")
        os.utime(path, (age, age))
        return path

    abandoned = folder("docpub-check-abandoned")  # a check killed an hour ago
    young = folder("docpub-check-young", age=time.time())  # one another check has just made
    running = folder("docpub-check-running")  # one a running check holds
    (tmp / "docpub-check-file").write_text("not a folder", encoding="utf-8")
    held = lock_folder(running)
    try:
        done = run(["check", str(site)], tmp)
    finally:
        assert held is not None
        unlock(held)
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(tmp)) == ["docpub-check-file", "docpub-check-running", "docpub-check-young"]
    assert not abandoned.exists() and (young / "build" / "site" / "index.html").is_file()


def test_a_killed_check_leaves_its_folder_to_the_next(tmp_path: Path, tmp: Path) -> None:
    """A check renders in the site's build/.docpub-check; where it cannot (here a file is where
    its build folder would be), in a folder of its own in the temporary folder, which a check
    killed outright leaves there and the next one removes."""
    import signal

    site = make_site(tmp_path / "s", {f"d{n}": MINIMAL.replace("测试文件", f"第{n}份") for n in range(40)})
    (site / "build").write_text("not a folder", encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "docpub", "check", str(site)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not any(tmp.glob("docpub-check-*/build")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        assert proc.poll() is None, "the check ended before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    left = list(tmp.glob("docpub-check-*"))
    assert len(left) == 1
    done = run(["check", str(site)], tmp)  # just killed: it may be a check about to lock it, kept
    assert done.returncode == 0 and left[0].is_dir()
    hour_ago = time.time() - 3600
    os.utime(left[0], (hour_ago, hour_ago))
    done = run(["check", str(site)], tmp)
    assert done.returncode == 0 and os.listdir(tmp) == []


def test_a_check_renders_again_only_what_changed_and_still_finds_every_error(tmp_path: Path, tmp: Path) -> None:
    """A check keeps what it rendered (build/.docpub-check, with its cache): the next renders
    only what changed since (a 200-document archive's check took 9 to 10 s; 1.7 s now when nothing
    changed), and finds a template's or a document's error as a first check does."""
    from sitekit import override

    site = make_site(tmp_path / "s", DOCS)
    kept = site / "build" / ".docpub-check" / "build" / "site"

    def pages() -> dict[str, int]:
        return {p.relative_to(kept).as_posix(): p.stat().st_ino for p in kept.rglob("*.html")}

    done = run(["check", str(site)], tmp)
    assert done.returncode == 0 and b"no problems found" in done.stdout, done.stdout
    first = pages()
    assert "zh-Hans/d1/index.html" in first
    edit(site, "d1", 1)
    done = run(["check", str(site)], tmp)
    assert done.returncode == 0, done.stdout
    again = pages()
    changed = {page for page, inode in again.items() if first.get(page) != inode}
    assert "zh-Hant/d1/index.html" in changed and "zh-Hant/d2/index.html" not in changed, sorted(changed)
    template = override(site, "document.html.j2")
    broken = template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ 1 + }}", 1)
    template.write_text(broken, encoding="utf-8")
    done = run(["check", str(site)], tmp)
    assert done.returncode == 1 and b"document.html.j2:" in done.stdout, done.stdout
    template.unlink()
    (site / "content" / "d2" / "zh-Hans.md").write_text(DOCS["d2"].replace("date: 2021-03-01", "date: 2021-02-30"),
                                                       encoding="utf-8")
    done = run(["check", str(site)], tmp)
    assert done.returncode == 1 and b"d2/zh-Hans.md:" in done.stdout, done.stdout
    assert os.listdir(tmp) == []


@pytest.mark.parametrize("state", ["writable", "read-only", "held by another", "a link"])
def test_a_commands_folder_in_the_site_is_used_only_where_it_can_be(tmp_path: Path, tmp: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    state: str) -> None:
    """serve's and check's folder (``kept_folder``): the site's build/NAME, else one of their
    own in the temporary folder: when another command holds it, when it is a link, and when it
    was made before but can no longer be written (a site on a file system mounted read-only
    since: the build there failed instead)."""
    from docpub import outdir

    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    root = tmp_path / "site"
    kept = root / "build" / ".docpub-x"
    kept.mkdir(parents=True)
    held = None
    if state == "read-only":
        real = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == kept and mode == os.W_OK
                            else real(path, mode, **kw))
    elif state == "held by another":
        held = lock_folder(kept)
    elif state == "a link":
        kept.rmdir()
        (tmp_path / "elsewhere").mkdir()
        kept.symlink_to(tmp_path / "elsewhere")
    try:
        with outdir.kept_folder(root, ".docpub-x", "docpub-x-") as work:
            if state == "writable":
                assert work == kept and os.listdir(tmp) == []
            else:
                assert work.parent == tmp and work.name.startswith("docpub-x-")
            (work / "made").write_text("x", encoding="utf-8")
    finally:
        if held is not None:
            unlock(held)
    assert os.listdir(tmp) == []  # (its own folder, removed)
    assert (kept / "made").exists() == (state == "writable")
