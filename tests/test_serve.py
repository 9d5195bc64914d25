"""``docpub serve``: serves the built site, rebuilds on change, reloads pages, shows errors."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from docpub.cli import main
from docpub.config import load_config
from docpub.serve import Broadcaster, _Server, make_handler
from docpub.site import build
from sitekit import MINIMAL, make_site

WAIT = 60.0  # seconds: a rebuild takes a few; the machine may be busy


def wait_for(what: str, check: Callable[[], bool], timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not seen within {timeout:.0f} s: {what}")


class Served:
    """A ``docpub serve`` subprocess and what it printed."""

    def __init__(self, site: Path, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "docpub", "serve", str(site), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            env=None if env is None else {**os.environ, **env})
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()
        wait_for("the serving line", lambda: any(line.startswith("serving ") for line in self.out))
        line = next(line for line in self.out if line.startswith("serving "))
        self.base = line.split(" at ", 1)[1].split(" ", 1)[0]

    @staticmethod
    def _read(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line.rstrip("\n"))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def events(base: str) -> tuple[queue.Queue[tuple[str, str]], Callable[[], None]]:
    """Listen to the server's events in a thread: (event name, data) pairs arrive on the queue."""
    found: queue.Queue[tuple[str, str]] = queue.Queue()
    host, port = base.split("//")[1].rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=WAIT)
    conn.request("GET", "/__docpub__/events")
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def read() -> None:
        name = ""
        try:
            for raw in response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    found.put((name, line[6:]))
        except (OSError, ValueError):
            pass

    threading.Thread(target=read, daemon=True).start()
    return found, conn.close


def next_event(found: queue.Queue[tuple[str, str]], name: str) -> str:
    end = time.monotonic() + WAIT
    while time.monotonic() < end:
        got, data = found.get(timeout=max(0.1, end - time.monotonic()))
        if got == name:
            return data
    raise AssertionError(f"no '{name}' event within {WAIT:.0f} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    site = make_site(tmp_path / "s")
    server = Served(site)
    try:
        yield server, site / "content" / "test-doc" / "zh-Hans.md"
    finally:
        server.stop()


def test_edit_rebuilds_an_error_keeps_the_last_good_site_and_ctrl_c_stops(served: tuple[Served, Path]) -> None:
    server, doc = served
    status, page = server.get("zh-Hant/test-doc/")
    assert status == 200 and "第2512(2020)號決議" in page and "/__docpub__/reload.js" in page
    found, close = events(server.base)
    try:
        first = int(next_event(found, "build"))
        doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
        assert int(next_event(found, "build")) == first + 1
        wait_for("the edited text", lambda: "一致通過了" in server.get("zh-Hant/test-doc/")[1])

        doc.write_text("---\ntitle: 没有日期\n---\n\n文。\n", encoding="utf-8")
        failure = json.loads(next_event(found, "failed"))["message"]
        assert f"{doc}:" in failure and "date" in failure
        wait_for("the error in the terminal", lambda: any(f"docpub: {doc}:" in line for line in server.err))
        status, page = server.get("zh-Hant/test-doc/")
        assert status == 200 and "一致通過了" in page  # the last good site is still served

        doc.write_text(MINIMAL.replace("通过了", "再次通过了"), encoding="utf-8")
        next_event(found, "build")
        assert "再次通過了" in server.get("zh-Hant/test-doc/")[1]
    finally:
        close()
    assert server.stop() == 0
    assert server.out[-1] == "stopped"
    assert not any("Traceback" in line for line in server.err)


def test_a_rebuild_renders_only_what_the_edit_touched(tmp_path: Path) -> None:
    second = MINIMAL.replace("测试文件", "第二份测试文件").replace("2021-03-01", "2021-04-01")
    third = MINIMAL.replace("测试文件", "第三份测试文件").replace("2021-03-01", "2021-05-01")
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": second, "third": third})
    server = Served(site)
    try:
        def counts() -> list[tuple[int, int]]:
            found = (re.search(r"\((\d+) rendered, (\d+) reused\)$", line) for line in server.out)
            return [(int(m.group(1)), int(m.group(2))) for m in found if m]

        wait_for("the first build", lambda: len(counts()) == 1)
        (cold, reused), = counts()
        assert reused == 0
        doc = site / "content" / "second" / "zh-Hans.md"
        doc.write_text(second.replace("通过了", "一致通过了"), encoding="utf-8")
        wait_for("the rebuild", lambda: len(counts()) == 2)
        rendered, reused = counts()[1]
        # One document of three changed, not its title: its own outputs in each edition, nothing else.
        assert rendered + reused == cold and rendered < cold / 2
        wait_for("the edited text", lambda: "一致通過了" in server.get("zh-Hant/second/")[1])
        assert "一致通過了" not in server.get("zh-Hant/first/")[1]
    finally:
        server.stop()


def test_a_template_added_to_the_site_is_picked_up(served: tuple[Served, Path]) -> None:
    server, doc = served
    found, close = events(server.base)
    try:
        next_event(found, "build")
        site = doc.parent.parent.parent  # the temporary site: content/test-doc/zh-Hans.md
        templates = site / "templates"
        templates.mkdir()
        (templates / "citations.html.j2").write_text(
            '{% extends "base.html.j2" %}{% block main %}<p>自有模板</p>{% endblock %}\n', encoding="utf-8")
        next_event(found, "build")
        wait_for("the site's template", lambda: "自有模板" in server.get("zh-Hans/test-doc/citations.html")[1])
        # templates/ did not exist at the start: edits inside it are watched from now on
        (templates / "citations.html.j2").write_text(
            '{% extends "base.html.j2" %}{% block main %}<p>改过的模板</p>{% endblock %}\n', encoding="utf-8")
        wait_for("the edited template", lambda: "改过的模板" in server.get("zh-Hans/test-doc/citations.html")[1])
    finally:
        close()


# A page may reload between finding an element and reading it: try again.
RELOADING = (StaleElementReferenceException,)


def test_open_pages_reload_and_show_the_error_over_the_page(served: tuple[Served, Path],
                                                            browser: webdriver.Chrome) -> None:
    server, doc = served
    browser.get(server.base + "zh-Hans/test-doc/")
    marker = browser.find_element(By.TAG_NAME, "main")
    doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
    WebDriverWait(browser, WAIT, ignored_exceptions=RELOADING).until(
        lambda d: "一致通过了" in d.find_element(By.TAG_NAME, "main").text)
    assert marker.id != browser.find_element(By.TAG_NAME, "main").id  # the page was reloaded

    doc.write_text("---\ntitle: 没有日期\n---\n\n文。\n", encoding="utf-8")
    WebDriverWait(browser, WAIT, ignored_exceptions=RELOADING).until(lambda d: d.find_elements(By.ID, "docpub-error"))
    overlay = browser.find_element(By.ID, "docpub-error")
    assert "zh-Hans.md" in overlay.text and "date" in overlay.text and overlay.is_displayed()

    doc.write_text(MINIMAL.replace("通过了", "再次通过了"), encoding="utf-8")
    WebDriverWait(browser, WAIT, ignored_exceptions=RELOADING).until(
        lambda d: "再次通过了" in d.find_element(By.TAG_NAME, "main").text)
    assert not browser.find_elements(By.ID, "docpub-error")


def test_the_script_is_only_in_served_pages(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    out = tmp_path / "out"
    build(load_config(site), out, pdf=False)
    server = _Server(("127.0.0.1", 0), make_handler(out, Broadcaster()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/zh-Hans/test-doc/index.html") as response:
            served = response.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/site.css") as response:
            css = response.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__docpub__/reload.js") as response:
            assert b"EventSource" in response.read()
    finally:
        server.shutdown()
        server.server_close()
    on_disk = (out / "zh-Hans" / "test-doc" / "index.html").read_bytes()
    assert b"__docpub__" in served and b"__docpub__" not in on_disk
    assert served.replace(b'<script src="/__docpub__/reload.js" data-build="0"></script>\n', b"") == on_disk
    assert css == (out / "static" / "site.css").read_bytes()
    assert not [p for p in out.rglob("*") if p.is_file() and b"__docpub__" in p.read_bytes()]


def test_a_port_in_use_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(site), "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"docpub: 127.0.0.1:{port}: error: cannot listen") and len(err.splitlines()) == 1
    assert not (site / "build").exists()  # (nothing written)


def test_a_site_that_does_not_build_at_first_is_served_once_fixed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"test-doc": "---\ntitle: 没有日期\n---\n\n文。\n"})
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    server = Served(site)
    try:
        status, page = server.get("")
        assert status == 503 and "/__docpub__/reload.js" in page
        found, close = events(server.base)
        try:
            assert f"{doc}:" in json.loads(next_event(found, "failed"))["message"]
            doc.write_text(MINIMAL, encoding="utf-8")
            next_event(found, "build")
        finally:
            close()
        status, page = server.get("zh-Hans/test-doc/")
        assert status == 200 and "第2512(2020)号决议" in page
    finally:
        assert server.stop() == 0


def test_config_and_a_glossary_outside_content_are_watched(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    config = site / "docpub.toml"
    (site / "terms").mkdir()
    extra = site / "terms" / "site.tsv"
    extra.write_text("# the site's own terms\n", encoding="utf-8")
    text = config.read_text(encoding="utf-8").replace(
        '"content/glossary/zh-Hant-TW.tsv"]', '"content/glossary/zh-Hant-TW.tsv", "terms/site.tsv"]')
    config.write_text(text, encoding="utf-8")
    server = Served(site)
    try:
        found, close = events(server.base)
        try:
            next_event(found, "build")
            extra.write_text("安全理事会\t安理會本會\tthe site's own wording\n", encoding="utf-8")
            next_event(found, "build")
            assert "安理會本會" in server.get("zh-Hant-TW/test-doc/")[1]
            config.write_text(text.replace('title = "安全理事会文件"', 'title = "本站文件汇编"'), encoding="utf-8")
            next_event(found, "build")
            assert "本站文件汇编" in server.get("zh-Hans/test-doc/")[1]
        finally:
            close()
    finally:
        assert server.stop() == 0


def test_search_works_on_the_served_site_and_follows_edits(served: tuple[Served, Path],
                                                           browser: webdriver.Chrome) -> None:
    from selenium.webdriver.common.keys import Keys

    server, doc = served

    def search(query: str) -> list[str]:
        browser.get(server.base + "zh-Hans/index.html")
        # (the page left open may still be reloading after the rebuild's event: wait for the box)
        box = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "site-search"))
        box.send_keys(query, Keys.ENTER)
        WebDriverWait(browser, WAIT).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a")
            or "没有" in d.find_element(By.ID, "search-status").text)
        return [str(a.get_attribute("href")) for a in browser.find_elements(By.CSS_SELECTOR, "#search-results a")]

    assert search("决议") == [server.base + "zh-Hans/test-doc/index.html"]
    assert search("维和特派团") == []
    found, close = events(server.base)
    try:
        next_event(found, "build")
        doc.write_text(MINIMAL.replace("。", "，并延长了维和特派团的任务期限。"), encoding="utf-8")
        next_event(found, "build")
    finally:
        close()
    assert search("维和特派团") == [server.base + "zh-Hans/test-doc/index.html"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_path_no_file_can_have_is_not_found_not_a_traceback(tmp_path: Path, method: str) -> None:
    # A NUL (%00), a name over 255 bytes, a path over 4,096 and an escaped surrogate made
    # opening the file raise: the server printed its traceback and answered nothing.
    server = Served(make_site(tmp_path / "s"))
    try:
        for path in ["a%00b.html", "zh-Hans/%00", "b" * 300 + ".html", "x/" * 2100, "%ed%a0%80.html"]:
            request = urllib.request.Request(server.base + path, method=method)
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(request, timeout=10)
            assert info.value.code == 404, path
        assert server.get("zh-Hans/test-doc/")[0] == 200
        # A browser that goes away mid-request (its connection reset) is not an error either.
        where = urlsplit(server.base)
        with socket.create_connection((where.hostname, where.port)) as conn:
            conn.sendall(b"GET /zh-Hans/te")
            time.sleep(0.5)  # (the server is reading the request line)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.5)
    finally:
        assert server.stop() == 0
    assert not any("Traceback" in line or "failed" in line for line in server.err), server.err


def test_requests_for_another_name_are_refused(tmp_path: Path) -> None:
    # A page of another site can make its own name resolve to 127.0.0.1 (DNS rebinding) and then
    # read the preview from the reader's browser: its requests carry its name. Served on this
    # machine's loopback, only requests for a loopback name or address are answered.
    server = Served(make_site(tmp_path / "s"))
    where = urlsplit(server.base)
    try:
        for host, status in [(f"127.0.0.1:{where.port}", 200), (f"localhost:{where.port}", 200),
                             (f"[::1]:{where.port}", 200), (f"evil.example:{where.port}", 403),
                             ("evil.example", 403), ("127.0.0.1.evil.example", 403), ("[zz", 403)]:
            for method, path in [("GET", "/zh-Hans/test-doc/"), ("HEAD", "/static/site.css"),
                                 ("GET", "/__docpub__/reload.js"), ("GET", "/__docpub__/events")]:
                conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
                try:
                    conn.request(method, path, headers={"Host": host})
                    response = conn.getresponse()
                    assert response.status == status, (host, method, path)
                    if status == 403 and method == "GET":
                        assert b"answers requests for localhost only" in response.read()
                finally:
                    conn.close()
    finally:
        assert server.stop() == 0


def test_the_work_folder_of_a_server_killed_outright_is_removed_by_the_next(tmp_path: Path) -> None:
    """A server that cannot build in its site (here a file is where its ``build`` folder would
    be) builds into a folder of the system's temporary folder and removes it when it stops;
    killed outright (SIGKILL), it left the whole site and its cache behind, one more at every
    kill. The next server removes those of servers that are gone, and only those: not a running
    server's, not one just made, not a link or a file of that name; a server that builds in its
    site too."""
    import fcntl

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    site = make_site(tmp_path / "s")
    (site / "build").write_text("not a folder", encoding="utf-8")
    old = time.time() - 3600

    def folder(name: str, *, age: float = old) -> Path:
        path = tmp / name
        path.mkdir()
        (path / "site").mkdir()
        (path / "site" / "index.html").write_text("x", encoding="utf-8")
        os.utime(path, (age, age))
        return path

    abandoned = folder("docpub-serve-abandoned")
    young = folder("docpub-serve-young", age=time.time())
    running = folder("docpub-serve-running")
    held = os.open(running, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)  # (as a running server holds its own)
    elsewhere = folder("elsewhere")
    (tmp / "docpub-serve-link").symlink_to(elsewhere)
    (tmp / "docpub-serve-file").write_text("mine", encoding="utf-8")
    servers: list[Served] = []
    try:
        first = Served(site, env)
        servers.append(first)
        assert not abandoned.exists()
        assert young.is_dir() and running.is_dir() and (elsewhere / "site" / "index.html").is_file()
        assert (tmp / "docpub-serve-link").is_symlink() and (tmp / "docpub-serve-file").read_text() == "mine"
        own = set(tmp.glob("docpub-serve-*")) - {young, running, tmp / "docpub-serve-link", tmp / "docpub-serve-file"}
        assert len(own) == 1 and (own_folder := own.pop()).is_dir()
        first.proc.kill()  # (SIGKILL: nothing of it runs again)
        first.proc.wait(timeout=30)
        assert own_folder.is_dir()  # left behind
        os.utime(own_folder, (old, old))
        second = Served(site, env)
        servers.append(second)
        assert not own_folder.exists() and young.is_dir() and running.is_dir()
        assert second.get("/")[0] == 200
        assert second.stop() == 0
        assert set(tmp.glob("docpub-serve-*")) == {young, running, tmp / "docpub-serve-link", tmp / "docpub-serve-file"}
        assert (site / "build").read_text(encoding="utf-8") == "not a folder"
        another = folder("docpub-serve-another")
        third = Served(make_site(tmp_path / "t"), env)
        servers.append(third)
        assert not another.exists() and young.is_dir() and running.is_dir()
        assert third.stop() == 0
        assert (tmp_path / "t" / "build" / ".docpub-serve" / "build" / "site" / "index.html").is_file()
    finally:
        os.close(held)
        for server in servers:  # (none runs still, unless the test failed)
            server.stop()



def _built(server: Served) -> str:
    return next(line for line in server.out if line.startswith("built "))


def test_a_server_starts_from_the_last_servers_build(tmp_path: Path) -> None:
    """A server keeps its build and cache in the site (``build/.docpub-serve``): the next one,
    after an edit made while none ran, renders only what the edit touched (an archive's
    server took as long to start as a cold build: 18 s for 200 documents, now under a
    second). One killed outright leaves its folder to the next as well."""
    second = MINIMAL.replace("测试文件", "第二份测试文件").replace("2021-03-01", "2021-04-01")
    site = make_site(tmp_path / "s", {"first": MINIMAL, "second": second})
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    server = Served(site, env)
    try:
        cold = re.search(r"\((\d+) rendered, 0 reused\)", _built(server))
        assert cold, _built(server)
    finally:
        assert server.stop() == 0
    kept = site / "build" / ".docpub-serve"
    assert (kept / "build" / "site" / "zh-Hans" / "first" / "index.html").is_file()
    doc = site / "content" / "second" / "zh-Hans.md"
    doc.write_text(second.replace("第二份测试文件", "第二份经修订的测试文件"), encoding="utf-8")
    server = Served(site, env)
    try:
        done = re.search(r"\((\d+) rendered, (\d+) reused\)", _built(server))
        assert done and 0 < int(done[1]) < int(cold[1]) and int(done[1]) + int(done[2]) == int(cold[1]), _built(server)
        assert "第二份经修订的测试文件" in server.get("/zh-Hans/second/")[1]
        server.proc.kill()  # (SIGKILL: it removes nothing, unlocks nothing itself)
        server.proc.wait(timeout=30)
    finally:
        server.stop()
    server = Served(site, env)
    try:
        assert re.search(r"\(0 rendered, \d+ reused\)", _built(server)), _built(server)
        assert "第二份经修订的测试文件" in server.get("/zh-Hans/second/")[1]
    finally:
        assert server.stop() == 0
    assert os.listdir(tmp) == []  # (nothing in the system's temporary folder, at any time)


def test_two_servers_of_one_site_each_build_in_their_own_folder(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    first = Served(site, env)
    try:
        second = Served(site, env)  # the site's folder is the first's while it runs
        try:
            assert [p.name.startswith("docpub-serve-") for p in tmp.iterdir()] == [True]
            doc = site / "content" / "test-doc" / "zh-Hans.md"
            doc.write_text(doc.read_text(encoding="utf-8").replace("测试文件", "修订的测试文件"), encoding="utf-8")
            for server in (first, second):
                wait_for("the edit served", lambda s=server: "修订的测试文件" in s.get("/zh-Hans/test-doc/")[1])
        finally:
            assert second.stop() == 0
        assert os.listdir(tmp) == []
        assert "修订的测试文件" in first.get("/zh-Hans/test-doc/")[1]
    finally:
        assert first.stop() == 0
    assert (site / "build" / ".docpub-serve" / "build" / "site" / "index.html").is_file()


@pytest.mark.parametrize("what", ["a link", "a file", "a built site"])
def test_what_is_in_place_of_the_servers_folder_is_left_alone(tmp_path: Path, what: str) -> None:
    # (a built site: `docpub build --out SITE/build` replaces build/ whole, a server's folder in it too)
    site = make_site(tmp_path / "s")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "build").mkdir()
    if what == "a link":
        (site / "build" / ".docpub-serve").symlink_to(elsewhere)
    elif what == "a file":
        (site / "build" / ".docpub-serve").write_text("mine", encoding="utf-8")
    else:
        assert main(["build", str(site), "--out", str(site / "build"), "--no-pdf", "--no-search"]) == 0
        built = sorted(p.relative_to(site).as_posix() for p in (site / "build").rglob("*"))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    server = Served(site, {"TMPDIR": str(tmp)})
    try:
        assert server.get("/zh-Hans/test-doc/")[0] == 200
        assert len(os.listdir(tmp)) == 1  # (it builds in a folder of its own there)
    finally:
        assert server.stop() == 0
    assert os.listdir(elsewhere) == [] and os.listdir(tmp) == []
    if what == "a file":
        assert (site / "build" / ".docpub-serve").read_text(encoding="utf-8") == "mine"
    if what == "a built site":
        assert sorted(p.relative_to(site).as_posix() for p in (site / "build").rglob("*")) == built
        assert main(["build", str(site), "--out", str(site / "build"), "--no-pdf", "--no-search"]) == 0
