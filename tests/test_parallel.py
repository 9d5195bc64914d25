"""The same site, byte for byte, whether it is rendered in one process, on a pool or on a Dask cluster;
and a progress bar only on a terminal."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pty
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docpub.cli import main
from sitekit import MINIMAL, ended, make_site, processes

SECOND = MINIMAL.replace("测试文件", "第二份测试文件").replace("2021-03-01", "2021-04-01")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def _dask_scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dask's scratch folder (its schedulers' and workers', here and in the processes started)
    in the test's own folder, not dask-scratch-space in the system's temporary folder."""
    import dask

    monkeypatch.setenv("DASK_TEMPORARY_DIRECTORY", str(tmp_path))
    with dask.config.set({"temporary-directory": str(tmp_path)}):
        yield


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("parallel") / "s", {"first": MINIMAL, "second": SECOND})


@pytest.fixture(scope="module")
def serial(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("j1") / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "1", "--no-cache"]) == 0
    return snapshot(out)


def test_pool_output_is_byte_identical(site: Path, serial: dict[str, bytes], tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "2", "--no-cache"]) == 0
    assert snapshot(out) == serial
    assert any(name.endswith(".pdf") for name in serial)


@pytest.mark.parametrize("cores, asked, workers", [(2, 64, 2), (2, 3, 2), (1, 8, 0), (4, 2, 2)])
def test_more_processes_than_cores_are_not_started(site: Path, serial: dict[str, bytes], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   cores: int, asked: int, workers: int) -> None:
    """``-j N`` beyond the cores docpub may use starts a process per core (none with one core: it
    renders in its own), says so in one line, and builds the same site."""
    import docpub.site

    started: list[int] = []

    class Counted(docpub.site._LazyPool):  # type: ignore[misc]
        def __init__(self, jobs: int) -> None:
            started.append(jobs)
            super().__init__(jobs)

    monkeypatch.setattr(docpub.site, "default_jobs", lambda: cores)
    monkeypatch.setattr(docpub.site, "_LazyPool", Counted)
    out = tmp_path / "site"
    assert main(["build", str(site), "--out", str(out), "-j", str(asked), "--no-cache"]) == 0
    assert started == ([workers] if workers else [])
    assert snapshot(out) == serial
    err = capsys.readouterr().err
    if asked > cores:
        assert err.strip() == f"docpub: -j {asked}: this machine lets docpub use {cores} core(s); " \
                              f"building on {cores} process(es)"
    else:
        assert "-j" not in err


@pytest.mark.parametrize("search", [True, False], ids=["search", "no-search"])
def test_one_edited_document_shared_by_the_workers_is_byte_identical(tmp_path: Path, search: bool,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # One document to render: its pages are a job per edition, spread over the pool's workers;
    # without a search index to make, an edition's listings start as soon as its pages are done.
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": SECOND})
    out = tmp_path / "pool" / "site"
    args = ["--no-pdf"] if search else ["--no-pdf", "--no-search"]
    assert main(["build", str(site), "--out", str(out), "-j", "2", *args]) == 0
    doc = site / "content" / "second" / "zh-Hans.md"
    text = doc.read_text(encoding="utf-8")
    for n, title in enumerate(["第二份经修订的测试文件", "第二份再修订的测试文件"]):
        doc.write_text(text.replace("第二份测试文件", title), encoding="utf-8")
        capsys.readouterr()
        assert main(["build", str(site), "--out", str(out), "-j", "2", *args]) == 0
        rendered, reused = map(int, re.findall(r"\((\d+) rendered, (\d+) reused\)", capsys.readouterr().out)[0])
        assert rendered >= 4 * 4 + 10 and reused > 0  # its pages in 4 editions and the listings; the other kept
        fresh = tmp_path / f"fresh{n}" / "site"
        assert main(["build", str(site), "--out", str(fresh), "-j", "1", *args, "--no-cache"]) == 0
        assert snapshot(out) == snapshot(fresh)
    # A listing that fails beside the edited document's other pages fails the build: one line,
    # and the site as it was.
    before = snapshot(out)
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "archive_citations.html.j2").write_text("{{ no_such_value.x }}", encoding="utf-8")
    doc.write_text(text.replace("第二份测试文件", "第二份三改的测试文件"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", str(site), "--out", str(out), "-j", "2", *args]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "archive_citations.html.j2" in err[0]
    assert snapshot(out) == before


def test_an_edited_document_with_pdfs_on_the_pool_is_byte_identical(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # With PDFs to make, the changed file is parsed on a process of its own while this one imports
    # WeasyPrint for the workers: the site is the one a single process makes, and an error in the
    # file is one line that leaves the site as it was.
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": SECOND})
    out = tmp_path / "pool" / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "2"]) == 0
    doc = site / "content" / "second" / "zh-Hans.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("第二份测试文件", "第二份经修订的测试文件"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", str(site), "--out", str(out), "-j", "2"]) == 0
    rendered, reused = map(int, re.findall(r"\((\d+) rendered, (\d+) reused\)", capsys.readouterr().out)[0])
    assert rendered >= 4 * 5 and reused > 0  # its pages and PDF in 4 editions; the other document kept
    fresh = tmp_path / "fresh" / "site"
    assert main(["build", str(site), "--out", str(fresh), "-j", "1", "--no-cache"]) == 0
    assert snapshot(out) == snapshot(fresh)
    assert "second/second.pdf" in {name.split("/", 1)[1] for name in snapshot(out) if name.endswith(".pdf")}
    before = snapshot(out)
    doc.write_text(text.replace("date: 2021-04-01", "date: 2021-04-31"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", str(site), "--out", str(out), "-j", "2"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(doc) in err[0] and "date" in err[0] and "Traceback" not in err[0], err
    assert snapshot(out) == before


def test_dask_cluster_output_is_byte_identical(site: Path, serial: dict[str, bytes], tmp_path: Path) -> None:
    import distributed  # the test set-up installs docpub[cluster]

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, local_directory=tmp_path,
                                  dashboard_address=None) as cluster:
        out = tmp_path / "site"
        assert main(["build", str(site), "--out", str(out), "--scheduler", cluster.scheduler_address,
                     "--no-cache"]) == 0
    assert snapshot(out) == serial


def test_unreachable_scheduler_is_one_error_line(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from docpub import cluster as dask_cluster

    monkeypatch.setattr(dask_cluster, "CONNECT_WAIT", 2)  # (20 s in use)
    out = tmp_path / "site"
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "--scheduler", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot reach the Dask scheduler" in err[0]
    assert not out.exists()


@pytest.mark.parametrize(("address", "reason"), [
    ("http://127.0.0.1:8786", "the scheme 'http' is not one of Dask's"),
    ("inproc://127.0.0.1/1/1", "the scheme 'inproc' is not one of Dask's"),
    ("127.0.0.1", "no port"),
    ("tcp://127.0.0.1:", "no port"),
    ("tcp://:8786", "no host"),
    ("tcp://127.0.0.1:99999", "the port '99999' is not a number from 1 to 65535"),
    ("tcp://127.0.0.1:0", "the port '0' is not a number"),
    ("tcp://127.0.0.1:http", "the port 'http' is not a number"),
])
def test_a_malformed_scheduler_address_is_refused_before_connecting(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        address: str, reason: str) -> None:
    import distributed

    def no_client(*args: object, **kwargs: object) -> None:
        raise AssertionError("a client was made for a malformed address")

    monkeypatch.setattr(distributed, "Client", no_client)
    out = tmp_path / "site"
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "-j", "1"]) == 0
    before = snapshot(out)
    capsys.readouterr()
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "--scheduler", address]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"docpub: {address}: error: not a Dask scheduler's address: {reason}"), err[0]
    assert "tcp://HOST:PORT" in err[0]
    assert snapshot(out) == before  # the previous build's output is left as it was


def test_a_scheduler_without_workers_is_one_error_line(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The build does not wait for ever for a worker that never comes."""
    import distributed

    from docpub import cluster as dask_cluster

    monkeypatch.setattr(dask_cluster, "WORKERS_WAIT", 2)
    out = tmp_path / "site"
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                                  local_directory=tmp_path) as cluster:
        assert main(["build", str(site), "--out", str(out), "--no-pdf", "--scheduler", cluster.scheduler_address]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the Dask scheduler has no worker (none joined in 2 s)" in err[0], err
    assert not out.exists()


@pytest.mark.parametrize("joined", ["before the build", "after the check"])
def test_a_worker_running_other_docpub_code_is_refused(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch, joined: str) -> None:
    """A worker whose docpub differs (here: one changed style sheet) would store what it renders
    under keys that claim this build's code: the build refuses it before it renders anything,
    and a worker that joins after that check refuses every job it is given."""
    import distributed

    import docpub
    from docpub import cluster as dask_cluster

    if joined == "after the check":  # as if the worker joined once the workers were checked
        monkeypatch.setattr(dask_cluster, "_check_workers",
                            lambda client, address, mine: client.wait_for_workers(1, timeout=20))

    other = tmp_path / "other"
    shutil.copytree(Path(docpub.__file__).parent, other / "docpub", ignore=shutil.ignore_patterns("__pycache__"))
    with (other / "docpub" / "theme" / "static" / "site.css").open("a", encoding="utf-8") as f:
        f.write("/* another build of docpub */\n")
    out = tmp_path / "site"
    assert main(["build", str(site), "--out", str(out), "--no-pdf", "-j", "1"]) == 0
    before = snapshot(out)
    capsys.readouterr()
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                                  local_directory=tmp_path) as cluster:
        worker = subprocess.Popen([str(Path(sys.executable).with_name("dask")), "worker", cluster.scheduler_address,
                                   "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                   "--local-directory", str(tmp_path)],
                                  env={**os.environ, "PYTHONPATH": str(other)}, cwd=tmp_path,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            code = main(["build", str(site), "--out", str(out), "--no-pdf", "--no-cache",
                         "--scheduler", cluster.scheduler_address])
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "install the same on every worker" in err[0], err[0]
    if joined == "before the build":
        assert "error: the Dask worker tcp://" in err[0], err[0]
    else:
        assert re.match(r"docpub: tcp://\S+: error: this Dask worker has docpub ", err[0]), err[0]
    assert err[0].count("docpub ") == 2 and "WeasyPrint" in err[0] and "OpenCC" in err[0]
    assert snapshot(out) == before


@pytest.mark.parametrize("lost", ["its worker", "its scheduler"])
def test_a_cluster_lost_during_the_build_ends_it_with_one_error_line(
        site: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        lost: str) -> None:
    """Dask keeps a build's jobs waiting for a worker for ever: a build whose every worker went
    (killed, its machine reclaimed) hung without a word until the CI job's time ran out, and one
    whose scheduler went printed Dask's tracebacks as it tried to reconnect, then one of its own.
    Now the build says the cluster has no worker, waits for one (``WORKERS_WAIT``, 20 s in use),
    then ends with one error line, writing nothing."""
    import socket
    import time

    from docpub import cluster as dask_cluster

    monkeypatch.setattr(dask_cluster, "WORKERS_WAIT", 2)
    monkeypatch.setattr(dask_cluster, "WATCH_EVERY", 0.2)
    monkeypatch.setattr(dask_cluster, "CONNECT_WAIT", 3)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": tmp_path}
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                 **quiet)  # type: ignore[call-overload]
    worker = subprocess.Popen([dask, "worker", address, "--no-nanny", "--nthreads", "1", "--no-dashboard",
                               "--local-directory", str(tmp_path)],
                              **quiet)  # type: ignore[call-overload]
    check = dask_cluster._check_workers

    def then_lose(client: Any, address: str, mine: tuple[str, ...]) -> None:
        client.wait_for_workers(1, timeout=60)
        check(client, address, mine)  # the worker joined and was checked: the build goes on without it
        victim = worker if lost == "its worker" else scheduler
        victim.kill()
        victim.wait(timeout=30)
        deadline = time.monotonic() + 30
        while lost == "its worker" and client.scheduler_info()["workers"] and time.monotonic() < deadline:
            time.sleep(0.1)

    monkeypatch.setattr(dask_cluster, "_check_workers", then_lose)
    out = tmp_path / "site"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # (the scheduler listening)
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        capfd.readouterr()
        started = time.monotonic()
        code = main(["build", str(site), "--out", str(out), "--no-pdf", "--no-cache", "--scheduler", address])
        took = time.monotonic() - started
    finally:
        for proc in (worker, scheduler):
            proc.kill()
            proc.wait(timeout=30)
    err = capfd.readouterr().err.strip().splitlines()
    assert code == 1 and "Traceback" not in "\n".join(err), err
    errors = [line for line in err if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(f"docpub: {address}: error: ") and " lost " in errors[0], err
    assert all(line.startswith(f"docpub: {address}: ") for line in err), err  # (nothing of Dask's own log)
    assert took < 60 and not out.exists()


def test_a_scheduler_the_client_cannot_use_is_one_error_line(site: Path, tmp_path: Path) -> None:
    """TLS without Dask's TLS settings: the client fails before connecting, and the build ends at
    once with one line (no traceback, no wait for the failed client's shutdown)."""
    out = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    done = subprocess.run([sys.executable, "-m", "docpub", "build", str(site), "--out", str(out), "--no-pdf",
                           "--scheduler", "tls://127.0.0.1:9"], capture_output=True, text=True, env=env,
                          timeout=30)
    assert done.returncode == 1
    err = done.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("docpub: tls://127.0.0.1:9: error: cannot reach the Dask scheduler"), err
    assert not out.exists()


def run_build(site: Path, out: Path, *, tty: bool) -> tuple[bytes, bytes]:
    """Run a build with stderr on a pseudo-terminal or a pipe; return (stdout, stderr)."""
    cmd = [sys.executable, "-m", "docpub", "build", str(site), "--out", str(out), "--no-pdf", "-j", "1"]
    if not tty:
        done = subprocess.run(cmd, capture_output=True, check=True, timeout=300)
        return done.stdout, done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    err = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the build closed the terminal
            break
        if not chunk:
            break
        err += chunk
    stdout, _ = proc.communicate(timeout=300)
    os.close(leader)
    assert proc.returncode == 0
    return stdout, err


def test_no_progress_without_a_terminal(site: Path, tmp_path: Path) -> None:
    stdout, stderr = run_build(site, tmp_path / "site", tty=False)
    assert stderr == b""
    assert stdout.decode("utf-8").count("\n") == 1 and b"rendered" in stdout and b"reused" in stdout


def test_progress_bar_on_a_terminal(site: Path, tmp_path: Path) -> None:
    stdout, stderr = run_build(site, tmp_path / "site", tty=True)
    assert b"outputs" in stderr and b"building" in stderr
    assert b"rendered" in stdout


@pytest.mark.parametrize("template", ["base.html.j2", "index.html.j2"])
def test_a_theme_error_met_while_the_workers_start_is_one_line(tmp_path: Path, template: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    # An edit starts the workers while this process parses: they make each edition's templates
    # first. A template that does not compile is then reported by the job that needs it.
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": SECOND})
    out = tmp_path / "out" / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "2", "--no-pdf", "--no-search"]) == 0
    before = snapshot(out)
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / template).write_text("<p>\n\n{% if %}\n</p>\n", encoding="utf-8")
    doc = site / "content" / "second" / "zh-Hans.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("第二份测试文件", "第二份经修订的测试文件"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", str(site), "--out", str(out), "-j", "2", "--no-pdf", "--no-search"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{template}:3:" in err[0] and "Traceback" not in err[0], err
    assert snapshot(out) == before


def test_a_content_error_found_by_a_worker_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = MINIMAL.replace("date: 2021-03-01", "date: 2021-13-01")
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": broken, "third": SECOND})
    out = tmp_path / "out" / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "2", "--no-pdf"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(site / "content" / "second" / "zh-Hans.md") in err[0] and "date" in err[0]
    assert not out.exists()


def test_no_worker_outlives_the_build(tmp_path: Path) -> None:
    # The workers were let go before publishing, told to stop by the pool's thread; `docpub`
    # ends at once (os._exit), and when it ended before that thread had told them, they waited
    # for a job for ever, holding the pipe they inherited: `docpub build | tee log` never ended.
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": SECOND})
    doc = site / "content" / "second" / "zh-Hans.md"
    text = doc.read_text(encoding="utf-8")
    for n in range(10):  # cold, then edits: a small site publishes at once
        doc.write_text(text.replace("第二份测试文件", f"第二份测试文件{n}"), encoding="utf-8")
        assert main(["build", str(site), "--out", str(tmp_path / "out"), "-j", "2", "--no-pdf", "--no-search"]) == 0
        assert multiprocessing.active_children() == []
    for n in range(3):  # through the command, its output read to its end
        doc.write_text(text.replace("第二份测试文件", f"第二份改过的测试文件{n}"), encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "docpub", "build", str(site), "--out", str(tmp_path / "out"),
                                 "-j", "2", "--no-pdf", "--no-search"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, _ = proc.communicate(timeout=60)  # (its end of file comes once no process holds the pipe)
        assert proc.returncode == 0 and b"rendered" in out


def _descendants(pid: int) -> set[int]:
    """Every process descending from ``pid`` (Linux), found from each process's parent."""
    parents = {p: info.parent for p, info in processes().items()}
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found.update(children)
        todo.extend(children)
    return found


def _holds_for_long(pid: int, path: str) -> bool:
    """Whether process ``pid`` keeps ``path`` open: seen in three looks 50 ms apart. (A child
    that the build is starting a program in holds every descriptor of the build for an instant,
    between its fork and the program's start, which closes them.)"""
    import time

    for look in range(3):
        try:
            held = path in {os.path.realpath(f) for f in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:  # (it ended)
            return False
        if not held:
            return False
        if look < 2:
            time.sleep(0.05)
    return True


@pytest.mark.parametrize(("when", "tty", "cache"), [("parse", False, True), ("render", False, True),
                                                   ("render", True, True), ("parse", False, False)])
def test_a_build_killed_outright_leaves_no_worker_and_the_next_build_runs(
        tmp_path: Path, when: str, tty: bool, cache: bool) -> None:
    """SIGKILL (the out-of-memory killer, a CI job's timeout) stops a build with no chance to
    stop its workers. They waited for a job for ever, and held the output's lock, so every later
    build of that site waited too ("waiting for another build … to finish"). Now they end
    within a second, whether they were parsing or rendering (forked, or, with the progress bar
    on a terminal, from a fork server), and the next build runs. What the build had made for
    the search index is beside the output, which the next build removes, not in the system's
    temporary folder (a killed build left a folder or two there each time)."""
    import signal
    import time

    docs = {f"d{n:02d}": MINIMAL.replace("测试文件", f"第{n}份测试文件") for n in range(16)}
    site = make_site(tmp_path / "s", docs)
    out = tmp_path / "out" / "site"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    cmd = [sys.executable, "-m", "docpub", "build", str(site), "--out", str(out), "-j", "2", "--no-pdf"]
    cmd += [] if cache else ["--no-cache"]
    leader = follower = None
    if tty:
        leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=follower if tty else subprocess.DEVNULL, env=env)
    workers: set[int] = set()
    if follower is not None:
        os.close(follower)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 60 and proc.poll() is None:
            workers = _descendants(proc.pid)
            if len(workers) >= (1 if when == "parse" else 3):  # (rendering: workers beside the parsers or server)
                break
            time.sleep(0.005)
        if when == "render":
            time.sleep(0.3)
            workers |= _descendants(proc.pid)
        assert proc.poll() is None and workers, "the build ended before it could be killed"
        for worker in workers:  # the lock (the open folder of the output) is the build's alone
            assert not _holds_for_long(worker, str(out.parent))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        workers |= _descendants(proc.pid)
        deadline = time.monotonic() + 10
        while any(not ended(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in workers if not ended(p)]
    finally:
        if leader is not None:
            os.close(leader)
        for p in workers | _descendants(proc.pid):  # (none, unless the test failed)
            with contextlib.suppress(OSError):
                os.kill(p, signal.SIGKILL)
    # What is left is Python's, which a build killed outright cannot remove: a fork server's socket
    # (multiprocessing's, in a folder of its own), and the file of 8 letters and digits (its
    # bytes "blat", or none yet) with which a process's first look for the temporary folder
    # tries that it can write there.
    left = [p.name for p in tmp.iterdir() if not p.name.startswith("pymp-")
            and not (re.fullmatch(r"[a-z0-9_]{8}", p.name) and p.is_file() and p.read_bytes() in (b"", b"blat"))]
    assert left == [], sorted(os.listdir(tmp))
    again = subprocess.run(cmd, capture_output=True, timeout=120, check=False, env=env)
    assert again.returncode == 0 and b"waiting for another build" not in again.stderr
    assert (out / "zh-Hans" / "d15" / "index.html").is_file()
    assert sorted(p.name for p in out.parent.iterdir()) == ([".docpub-cache", "site"] if cache else ["site"])
