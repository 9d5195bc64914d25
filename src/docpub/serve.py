"""``docpub serve``: build, serve on localhost, rebuild on change and reload open pages.

The site is built with the ordinary build (so the output on disk is exactly what ``docpub
build`` writes) into ``build/.docpub-serve`` in the site, kept with its cache for the next
server. Served HTML pages get one extra script, added as they are sent: it listens to
server-sent events and reloads the page after a rebuild, or shows the error over the page
when a rebuild fails. A failed rebuild leaves the last good site served. watchfiles watches
the content, the site's templates, the glossaries and docpub.toml.
"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import json
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import watchfiles
from msgspec import Struct

from docpub.config import CONFIG_NAME, SiteConfig, load_config
from docpub.errors import DocpubError, ManyErrors, printable
from docpub.outdir import kept_folder

PREFIX = "/__docpub__/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "reload.js"
KEEPALIVE_SECONDS = 10.0
SETTLE_SECONDS = 0.5  # for watchers to start after the watched folders changed

RELOAD_JS = """\
(function () {
  "use strict";
  var me = document.currentScript, built = me ? me.getAttribute("data-build") : null;
  var source = new EventSource("/__docpub__/events");
  function overlay(text) {
    var box = document.getElementById("docpub-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "docpub-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
        "padding:2rem;background:rgba(40,0,0,.92);color:#fff;font:14px/1.5 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "docpub: the last change did not build; the page shows the last good site.\\n\\n" + text;
  }
  source.addEventListener("build", function (e) {
    if (built !== null && e.data !== built) { location.reload(); }
  });
  source.addEventListener("failed", function (e) { overlay(JSON.parse(e.data).message); });
})();
"""


class ServeOptions(Struct, frozen=True):
    host: str = "127.0.0.1"
    port: int = 8000
    pdf: bool = False


class Broadcaster:
    """The state of the served site (build number, last error) and the listeners to tell."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[queue.Queue[tuple[str, str]]] = []
        self.build = 0
        self.error = ""
        self.closed = threading.Event()

    def built(self) -> None:
        with self._lock:
            self.build += 1
            self.error = ""
            self._send(("build", str(self.build)))

    def failed(self, message: str) -> None:
        with self._lock:
            self.error = message
            self._send(("failed", json.dumps({"message": message}, ensure_ascii=False)))

    def listen(self) -> queue.Queue[tuple[str, str]]:
        q: queue.Queue[tuple[str, str]] = queue.Queue()
        with self._lock:
            q.put(("build", str(self.build)))
            if self.error:
                q.put(("failed", json.dumps({"message": self.error}, ensure_ascii=False)))
            self._listeners.append(q)
        return q

    def forget(self, q: queue.Queue[tuple[str, str]]) -> None:
        with self._lock:
            if q in self._listeners:
                self._listeners.remove(q)

    def _send(self, event: tuple[str, str]) -> None:
        for q in self._listeners:
            q.put(event)


def make_handler(out: Path, state: Broadcaster) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(_Handler):
        pass

    Handler.out = out
    Handler.state = state
    return Handler


class _Handler(http.server.SimpleHTTPRequestHandler):
    out: Path
    state: Broadcaster
    protocol_version = "HTTP/1.1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.out), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds and errors, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if not self._asked_for_by_name():
            self._refuse()
        elif path == EVENTS:
            self._events()
        elif path == SCRIPT:
            self._send(200, "text/javascript; charset=utf-8", RELOAD_JS.encode("utf-8"))
        else:
            self._page(path)

    def send_head(self) -> Any:
        if not self._asked_for_by_name():
            self._refuse()
            return None
        if not _possible(self.translate_path(self.path)):
            self.send_error(404)
            return None
        return super().send_head()

    def _asked_for_by_name(self) -> bool:
        """Whether the request names this server as its own address: on this machine's loopback
        (the default), by a loopback name or address. A page of another site whose name it makes
        resolve to 127.0.0.1 (DNS rebinding) would otherwise read the site being previewed; its
        requests carry that site's name."""
        try:
            bound = cast("tuple[str, int]", self.server.server_address)[0]
            if not ipaddress.ip_address(bound).is_loopback:
                return True  # (served to the network on purpose: any name may lead here)
        except ValueError:
            return True
        host = self.headers.get("Host")
        if host is None:  # (a client of HTTP/1.0, not a browser)
            return True
        try:
            name = urlsplit("//" + host).hostname or ""
        except ValueError:
            return False
        if name == "localhost" or name.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    def _refuse(self) -> None:
        self.send_error(403, "docpub serve answers requests for localhost only")

    def _page(self, path: str) -> None:
        translated = self.translate_path(self.path)
        if not _possible(translated):
            self.send_error(404)
            return
        local = Path(translated)
        if local.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            local = local / "index.html"
        if self.state.build == 0 and self.state.error:
            self._send(503, "text/html; charset=utf-8", self._with_script(_ERROR_PAGE.encode("utf-8")))
        elif local.suffix == ".html" and local.is_file():
            self._send(200, "text/html; charset=utf-8", self._with_script(local.read_bytes()))
        elif not local.exists() and unquote(path).endswith((".html", "/")) and (self.out / "404.html").is_file():
            self._send(404, "text/html; charset=utf-8", self._with_script((self.out / "404.html").read_bytes()))
        else:
            super().do_GET()

    def _with_script(self, page: bytes) -> bytes:
        tag = f'<script src="{SCRIPT}" data-build="{self.state.build}"></script>\n'.encode()
        at = page.rfind(b"</body>")
        return page[:at] + tag + page[at:] if at >= 0 else page + tag

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        q = self.state.listen()
        try:
            while not self.state.closed.is_set():
                try:
                    name, data = q.get(timeout=KEEPALIVE_SECONDS)
                    chunk = f"event: {name}\ndata: {data}\n\n"
                except queue.Empty:
                    chunk = ": keep-alive\n\n"
                self.wfile.write(chunk.encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.state.forget(q)


_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>docpub: build failed</title></head>
<body><main><h1>The site did not build</h1><p>See the error above and in the terminal.</p></main>
</body></html>
"""


def _possible(local: str) -> bool:
    """Whether a file could have the name ``local`` (a request's path in the output): a NUL, a
    name over 255 bytes or a path over 4,096, which no file has, would make opening it raise."""
    try:
        raw = os.fsencode(local)
    except UnicodeError:  # (a surrogate the request's %-escapes made)
        return False
    return b"\0" not in raw and len(raw) < 4096 and all(len(part) <= 255 for part in raw.split(b"/"))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A request that failed: a browser that went away mid-answer (a page left while it
        loads) is no error; anything else is one line, not the server's traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError):
            return
        print(f"docpub: serving a request failed: {printable(repr(exc))}", file=sys.stderr)


def watched_paths(config: SiteConfig) -> tuple[list[Path], list[Path]]:
    """(folders watched with everything under them, folders watched for their own files only)."""
    deep = [config.content_path, config.templates_path]
    for edition in config.editions:
        for name in edition.glossaries:
            folder = (config.root / name).parent
            if not any(folder.is_relative_to(d) for d in deep):
                deep.append(folder)
    return [p for p in deep if p.is_dir()], [config.root]


def _relevant(root: Path) -> watchfiles.BaseFilter:
    config = _config_or_defaults(root)
    deep = tuple(p.resolve() for p in watched_paths(config)[0]) + (config.templates_path.resolve(),)
    config_file = (config.root / CONFIG_NAME).resolve()

    class Relevant(watchfiles.DefaultFilter):
        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            p = Path(path).resolve()
            if p == config_file or any(p.is_relative_to(d) for d in deep):
                return super().__call__(change, path)
            return False

    return Relevant()


def serve(site_dir: Path, options: ServeOptions) -> int:
    """Build, serve and rebuild until Ctrl-C; returns the exit status."""
    root = site_dir.resolve()
    if not root.is_dir():
        raise DocpubError(str(site_dir), None, "site folder not found")
    state = Broadcaster()
    try:  # (listening first: a port in use is reported before anything is written)
        server = _Server((options.host, options.port), _Handler)
    except OSError as exc:
        raise DocpubError(f"{options.host}:{options.port}", None, f"cannot listen: {exc.strerror}") from None
    try:
        # (build/.docpub-serve in the site, held while this server runs, or a folder of its own in /tmp)
        with kept_folder(root, KEPT, WORK_PREFIX, read_from=_paths_to_watch(root)[0]) as work:
            out = work / "build" / "site"  # (its lock, and its cache beside it, in build/: the server locks work)
            server.RequestHandlerClass = make_handler(out, state)
            _serve_from(root, out, server, state, options)
    finally:
        server.server_close()
    print("stopped", flush=True)
    return 0


# A server builds into a folder of the site's build folder, kept when it stops: the next server
# of the site starts from its cache (an archive's pages are not all rendered again each time).
KEPT = ".docpub-serve"


def _serve_from(root: Path, out: Path, server: _Server, state: Broadcaster, options: ServeOptions) -> None:
    """Serve the site of ``root``, built into ``out``, until Ctrl-C."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    _stop_on_signals()

    def ready() -> None:  # after the first build: the watchers run already, nothing is missed
        thread.start()
        host, port = server.server_address[:2]
        print(f"serving {root} at http://{_url_host(str(host))}:{port}/ (Ctrl-C to stop)", flush=True)

    try:
        _watch_and_rebuild(root, out, state, options, ready)
    except KeyboardInterrupt:
        pass
    finally:
        state.closed.set()
        if thread.is_alive():
            server.shutdown()


# A server that cannot build in the site builds into a folder of its own in the system's
# temporary folder, removed when it stops; one killed outright leaves it behind, which the next
# server removes (``own_temp_folder``).
WORK_PREFIX = "docpub-serve-"


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the server cleanly, even when started with SIGINT ignored
    (as a shell does for a command run in the background)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _rebuild(root: Path, out: Path, state: Broadcaster, options: ServeOptions) -> SiteConfig | None:
    """One build into ``out``; on failure the error goes to the terminal and the open pages."""
    from docpub.site import build

    started = time.perf_counter()
    try:
        config = load_config(root)
        report = build(config, out, pdf=options.pdf)
    except DocpubError as exc:
        problems = exc.problems if isinstance(exc, ManyErrors) else (exc.problem,)
        message = "\n".join(str(p) for p in problems)
        for line in message.splitlines():
            print(f"docpub: {line}", file=sys.stderr, flush=True)
        state.failed(message)
        return None
    except Exception as exc:  # a bug must not stop the server: show it and keep the last good site
        message = printable("".join(traceback.format_exception_only(exc)).strip())
        print(f"docpub: internal error: {message}", file=sys.stderr, flush=True)
        state.failed(f"internal error: {message}")
        return None
    print(f"built {report.documents} document(s) in {time.perf_counter() - started:.1f} s "
          f"({report.rendered} rendered, {report.reused} reused)", flush=True)
    state.built()
    return config


def _watch_and_rebuild(root: Path, out: Path, state: Broadcaster, options: ServeOptions,
                       ready: Callable[[], None]) -> None:
    """Start watching, build, call ``ready``, then build again after every change."""
    stop = threading.Event()
    restarted = True  # the first build comes once the watchers run
    first: Callable[[], None] | None = ready
    while True:
        paths = _paths_to_watch(root)
        for changes in _changes(*paths, _relevant(root), stop, settle=restarted):
            if changes:
                print(f"changed: {printable(_names(root, changes))}", flush=True)
            if changes and _paths_to_watch(root) != paths:
                restarted = True  # a folder to watch appeared or moved: watch it first, then build
                break
            _rebuild(root, out, state, options)
            restarted = False
            if first is not None:
                first()
                first = None


def _paths_to_watch(root: Path) -> tuple[list[Path], list[Path]]:
    return watched_paths(_config_or_defaults(root))


def _config_or_defaults(root: Path) -> SiteConfig:
    try:
        return load_config(root)
    except DocpubError:
        return SiteConfig(root=root)  # watch the defaults until docpub.toml reads again


def _changes(deep: list[Path], shallow: list[Path], watch_filter: watchfiles.BaseFilter,
             stop: threading.Event, *, settle: bool) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Changes under ``deep`` (recursively) and in ``shallow`` (their own files), merged.

    With ``settle``, an empty set comes first, once the watchers have had time to start:
    what changed while they were not watching is then built.
    """
    found: queue.Queue[set[tuple[watchfiles.Change, str]]] = queue.Queue()
    done = threading.Event()

    def pump(paths: list[Path], recursive: bool) -> None:
        if not paths:
            return
        for changes in watchfiles.watch(*paths, watch_filter=watch_filter, recursive=recursive,
                                        stop_event=done, raise_interrupt=False):
            found.put(changes)

    threads = [threading.Thread(target=pump, args=(deep, True), daemon=True),
               threading.Thread(target=pump, args=(shallow, False), daemon=True)]
    for t in threads:
        t.start()
    try:
        if settle:
            time.sleep(SETTLE_SECONDS)
            yield set()
        while not stop.is_set():
            with contextlib.suppress(queue.Empty):
                first = found.get(timeout=0.5)
                while not found.empty():
                    first |= found.get_nowait()
                yield first
    finally:
        done.set()


def _names(root: Path, changes: set[tuple[watchfiles.Change, str]]) -> str:
    """The files that changed, without an editor's temporary files (added and gone again)."""
    gone = {p for c, p in changes if c == watchfiles.Change.added and not Path(p).exists()}
    return ", ".join(sorted({_short(root, p) for _, p in changes if p not in gone})) or "temporary files"


def _short(root: Path, path: str) -> str:
    with contextlib.suppress(ValueError):
        return Path(path).resolve().relative_to(root).as_posix()
    return path
