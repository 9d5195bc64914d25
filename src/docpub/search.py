"""Full-text search: a Pagefind index of the reader pages, in shards that hold every edition.

Pagefind's extended build segments Chinese text into words. Only what a page
marks ``data-pagefind-body`` (the text of a document) is indexed: navigation,
citation lists, parallel and review pages are left out, which also keeps
indexing fast. Pagefind is given the pages without the ids of the paragraphs in
that text (``_ANCHOR_ID``): it would keep each one's text again as an anchor,
for results within a page, which the search page does not show.

Editions. Pagefind indexes the pages of each language (their ``<html lang>``,
the edition's tag) apart, and the search page loads the index of its own
``lang``: one bundle holds every edition's index, and a reader searches their
own edition.

Shards. Pagefind has no incremental mode: a bundle is made whole from the pages
it is given. So the index is cut into shards, each a bundle of its own in
``pagefind/<shard>/``, cached by the hash of only its own pages: editing one
document re-indexes its shard, not the archive. ``pagefind/<edition>/shards.json``
lists the shards that hold text in that edition (as paths from itself,
``../07``); the search page loads the first and merges the others into it in the
browser (Pagefind's ``mergeIndex``), so a search covers the whole edition.

A document's shard is a hash of its id into ``SHARDS`` (32) buckets, ``00`` to
``31``. It depends on nothing but the id: adding or removing a document changes
only its own shard, and the shards never move as the archive grows (groups of a
fixed size in id order would shift at every insertion; a count of buckets that
grew with the archive would re-deal every document when it changed). With four
editions:

=========  ===================================  ==============================
documents  shards a search loads                pages an edit re-indexes
=========  ===================================  ==============================
20         about 15, of 1 or 2 pages an edition  4 to 8 (1 or 2 an edition)
200        32, about 6 pages an edition           about 24 (of 800)
1,000      32, about 31 pages an edition          about 125 (of 4,000)
=========  ===================================  ==============================

A shard costs a browser two small files (its entry and its edition's metadata)
when the first search starts and, for each search, the index chunks of the
words searched; the search program (WebAssembly) is loaded once, from the first
shard. A bundle keeps only what the search page loads (Pagefind's own search
interfaces, copied into every shard, would be most of the index's size). Pages
that belong to no document (the listings) make a shard of their own, ``site``;
the default theme marks no text in them, so it is empty and left out.

Pagefind is started once per worker thread, in its service mode, and given
shard after shard: most of a Pagefind start is loading its Chinese dictionary
(about 0.3 s of CPU), which a program per shard would pay 32 times on a cold
build; the service pays it once per program. The programs are started while
the documents render (``SearchCache.warm_up``), one a shard to index up to the
build's jobs; the first as soon as a content file is found changed, before the
workers are forked, given its warm-up page without a thread waiting for it
(``SearchCache.begin``), so an edit's shard starts at once. Its bundle files are received
in the answer and written here (the service answers a request to write them
before its writes end). A program handles one request after another: the next
shard's pages are sent before a bundle is read (``Indexer.index_each``), so it
goes on with them while this process reads and writes the bundle.

Each page is sent as the contents of a request, in the order of the pages' paths;
nothing is written for Pagefind to read. Pagefind numbers a bundle's pages in the
order it is given them, and reads a folder in the file system's order, which
differs from one file system to another: the index's bytes now depend on the
pages alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import IO, Any, TypeVar

from docpub import __version__
from docpub.cache import KEPT_BY_PROFILE, kept_by_other_profiles, read_kept, real_folder
from docpub.errors import DocpubError

BUNDLE = "pagefind"  # the folder of the bundles, under the site root: pagefind/<shard>/
# A page Pagefind should index carries this on the element holding its text.
BODY_MARKER = b"data-pagefind-body"
ENTRY = "pagefind-entry.json"  # names the bundle's index, in each bundle
MANIFEST = "shards.json"  # pagefind/<edition>/shards.json: the shards that hold text in the edition
SHARDS = 32  # buckets of documents (see the module's docstring)
SITE_SHARD = "site"  # the pages of an edition that belong to no document
# Pagefind's ready-made search interfaces and its highlighter, which every bundle holds: the search
# page (search.js) uses none of them, and kept in every shard they would be most of the index's size.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
# What a Pagefind program started ahead of the shards indexes first (``Indexer.warm``).
_WARM_PAGE = ('<!DOCTYPE html><html lang="zh-Hans"><head><title>-</title></head>'
              "<body><main data-pagefind-body><p>安全理事会文件</p></main></body></html>")


def pagefind_version() -> str:
    """Pagefind's version, as the folder of its installed metadata beside its package names it
    (``pagefind-1.5.2.dist-info``), else as ``importlib.metadata`` finds it (slow to import:
    some 10 ms of a search edit's planning); "" if it is not installed."""
    try:
        import pagefind

        found = list(Path(pagefind.__file__).parent.parent.glob("pagefind-*.dist-info"))
    except (ImportError, TypeError, OSError):
        found = []
    if len(found) == 1:
        return found[0].name.removeprefix("pagefind-").removesuffix(".dist-info")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def _program() -> Path | None:
    """The Pagefind program to run: where ``PAGEFIND_BINARY_PATH`` says, else the one
    ``pagefind[extended]`` installs, else as Pagefind's Python package looks for one. (Its
    package is imported only in the last case: it brings asyncio, slow to import.)"""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named is not None:
        return Path(named)
    try:
        from pagefind_bin_extended import get_executable as installed  # type: ignore[import-untyped]
    except ImportError:
        from pagefind.service import get_executable

        return get_executable()
    try:
        return Path(installed())
    except OSError:
        return None


def shard_of(doc: str) -> str:
    """The shard of document ``doc`` (its id), ``00`` to ``31``; ``site`` for pages of no document."""
    if not doc:
        return SITE_SHARD
    bucket = int.from_bytes(hashlib.blake2b(doc.encode("utf-8"), digest_size=8).digest(), "big") % SHARDS
    return f"{bucket:02d}"


# Pagefind keeps, for each element with an id in the text it indexes, that element's own text as
# an anchor of the page (for results within a page, which the search page does not show): with
# an id on every paragraph, that doubles each page's fragment, what a reader loads for each
# result, and Pagefind's work. The pages it is given have the ids of elements other than
# sections, articles and headings taken out (the text is the same): results within a page
# can still name the section they are in.
_ANCHOR_ID = re.compile(rb'(<(?!(?:section|article|h[1-6])[\s>])[a-zA-Z][a-zA-Z0-9]*[^>]*?) id="[^"]*"')


def build_index(pages: Mapping[str, Path], out: Path, indexer: Indexer | None = None) -> None:
    """Index ``pages`` (of one edition: path from the site root -> the page's file) with Pagefind into ``out``.

    Only pages that mark text to index are given to Pagefind, without the ids of the
    paragraphs in their text (``_ANCHOR_ID``), as the contents of a request (no copy
    of them is written anywhere); with none, ``out`` is an empty folder and Pagefind
    is not run. ``indexer`` is the running Pagefind to use (else one is started for
    these pages alone).
    """
    given = given_pages(pages)
    if not given:
        out.mkdir(parents=True)
        return
    if indexer is not None:
        files = indexer.index(given)
    else:
        with Indexer() as own:
            files = own.index(given)
    _write_bundle(files, out)


def given_pages(pages: Mapping[str, Path]) -> dict[str, str]:
    """The pages of ``pages`` (path from the site root -> the page's file) that mark text to
    index, as Pagefind is given them: without the ids of the paragraphs in that text."""
    given: dict[str, str] = {}
    for path, file in pages.items():
        data = file.read_bytes()
        if (at := data.find(BODY_MARKER)) < 0:
            continue
        given[path] = (data[:at] + _ANCHOR_ID.sub(rb"\1", data[at:])).decode("utf-8", "replace")
    return given


def _write_bundle(files: Mapping[str, bytes], out: Path) -> None:
    if ENTRY not in files:
        raise DocpubError(BUNDLE, None, "Pagefind could not build the search index: it made no index")
    out.mkdir(parents=True)
    for name, data in files.items():
        if name.startswith(UNUSED):
            continue
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise DocpubError(BUNDLE, None, f"Pagefind named a file of its index {name!r}")
        path = out.joinpath(*rel.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_sorted_entry(data) if name == ENTRY else data)
        os.chmod(path, 0o644)  # the published file is this very inode


def _sorted_entry(data: bytes) -> bytes:
    """Pagefind lists languages in no fixed order; sorted, two builds give equal bytes."""
    entry = json.loads(data)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _scratch_file() -> IO[bytes]:
    """A file for what a Pagefind program says on its standard error: in memory where the
    system has such files (Linux), so nothing of a build's is ever in the temporary folder."""
    if hasattr(os, "memfd_create"):
        try:
            return os.fdopen(os.memfd_create("docpub-pagefind-errors", os.MFD_CLOEXEC), "w+b")
        except OSError:  # (a kernel without it)
            pass
    return tempfile.TemporaryFile()


# The Pagefind programs this process runs. A process forked from it (a pool worker) inherits
# the pipes to them, and a program whose input another process holds open never sees its end:
# in the child, each pipe is replaced by the null device (``_not_ours``).
_RUNNING: weakref.WeakSet[Indexer] = weakref.WeakSet()


def _not_ours() -> None:
    for indexer in list(_RUNNING):
        indexer.detach()


os.register_at_fork(after_in_child=_not_ours)


# keep_index_url: the site links to index.html everywhere, so it works from file:// too.
_INDEX_CONFIG = {"keep_index_url": True}
_Key = TypeVar("_Key")


class Indexer:
    """One Pagefind program in its service mode, indexing one folder after another.

    It is started on the first folder and stopped by ``close`` (or leaving a
    ``with`` block). A request is a base64-encoded JSON message ended by a comma
    on its standard input; the answer comes the same way on its standard output.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._errors: IO[bytes] | None = None
        self._buffer = bytearray()
        self._sent = 0  # requests sent
        self._answered = 0  # answers read
        self._warming: list[str | None] = []  # the answers ``begin_warm`` left to read (their types)

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def index(self, pages: Mapping[str, str]) -> dict[str, bytes]:
        """The files of the bundle of ``pages`` (path from the site root -> the page's HTML) (path
        in the bundle -> bytes). Each page is sent as a request of its own, in the order of
        their paths, and its URL is its path (``index.html`` kept, as the site links)."""
        for _, files in self.index_each([(None, pages)]):
            return files
        raise AssertionError("index_each gives a bundle for each set of pages")

    def index_each(self, shards: Iterable[tuple[_Key, Mapping[str, str]]]) -> Iterator[tuple[_Key, dict[str, bytes]]]:
        """Each of ``shards`` (a key, its pages as ``index`` takes them) with the files of its
        bundle, in turn. The program handles one request after another, and would wait while
        this process reads a bundle and writes it, then takes the next shard's pages: the
        next shard is taken from ``shards``, and its pages sent, before a bundle is read, so
        the program goes on with them meanwhile. (Without a next shard, it is done.)"""
        pending = iter(shards)
        first = next(pending, None)
        if first is None:
            return
        self._start()
        self.end_warm()
        try:
            yield from self._pipelined(first, pending)
        finally:
            if self._answered < self._sent:  # left midway (an error, or not read on): no one reads the rest
                self.close()

    def _pipelined(self, first: tuple[_Key, Mapping[str, str]],
                   pending: Iterator[tuple[_Key, Mapping[str, str]]]) -> Iterator[tuple[_Key, dict[str, bytes]]]:
        """``index_each`` from its first shard on."""
        index_id = self._new_index()
        self._send_pages(index_id, first[1])
        current: tuple[_Key, Mapping[str, str]] | None = first
        while current is not None:
            key, pages = current
            following = next(pending, None)
            if following is not None:
                self._send({"type": "NewIndex", "config": _INDEX_CONFIG})
            self._send({"type": "GetFiles", "index_id": index_id})
            self._send({"type": "DeleteIndex", "index_id": index_id})  # frees its memory
            for _ in pages:
                self._receive("IndexedFile")
            if following is not None:
                next_id = self._index_id(self._receive("NewIndex"))
                self._send_pages(next_id, following[1])  # (handled while this reads the bundle)
            files = self._receive("GetFiles").get("files")
            self._receive(None)
            try:
                decoded = {f["path"]: base64.b64decode(f["content"], validate=True) for f in files or ()}
            except (KeyError, TypeError, binascii.Error):
                raise self._failure("its answer was not understood") from None
            yield key, decoded
            if following is not None:
                current, index_id = following, next_id
            else:
                current = None

    def _send_pages(self, index_id: int, pages: Mapping[str, str]) -> None:
        for path in sorted(pages):  # (sent first, read after: the program reads on while its answers wait)
            self._send(self._page(index_id, path, pages[path]))

    @staticmethod
    def _page(index_id: int, path: str, html: str) -> dict[str, Any]:
        return {"type": "AddFile", "index_id": index_id, "url": f"/{path}", "file_contents": html}

    def _new_index(self) -> int:
        return self._index_id(self._ask({"type": "NewIndex", "config": _INDEX_CONFIG}, "NewIndex"))

    def _index_id(self, made: dict[str, Any]) -> int:
        index_id = made.get("index_id")
        if not isinstance(index_id, int):
            raise self._failure("its answer was not understood")
        return index_id

    def warm(self) -> None:
        """Start the program and have it index a line of Chinese text: it loads its word lists
        then (most of its start), so the first shard it is given starts at once."""
        self.begin_warm()
        self.end_warm()

    def begin_warm(self) -> None:
        """``warm``, without waiting for the program to be done: it goes on by itself, and its
        answers are read by ``end_warm`` (or the first ``index``), on any thread. (Called
        before a process forks its workers, it leaves no thread running.)"""
        if self._warming:
            return
        self._start()
        index_id = self._new_index()  # (its answer comes at once: the program has just started)
        self._send(self._page(index_id, "index.html", _WARM_PAGE))
        self._send({"type": "DeleteIndex", "index_id": index_id})
        self._warming = ["IndexedFile", None]

    def end_warm(self) -> None:
        """Read the answers ``begin_warm`` left (none: nothing to do)."""
        while self._warming:
            self._receive(self._warming[0])
            del self._warming[0]

    def end_input(self) -> None:
        """End the program's input: Pagefind's service then ends by itself (``close`` waits)."""
        proc = self._proc
        if proc is not None and proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass

    def close(self) -> None:
        self.end_input()
        proc, self._proc = self._proc, None
        self._warming = []
        self._sent = self._answered = 0  # (a program started after this numbers its answers anew)
        self._buffer.clear()
        if proc is None:
            return
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    def detach(self) -> None:
        """Leave the program to the process that started it: this one (a forked child) no
        longer holds its pipes, and never uses or stops it."""
        proc, self._proc = self._proc, None
        self._warming = []
        if proc is None:
            return
        null = os.open(os.devnull, os.O_RDWR)
        try:
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    os.dup2(null, pipe.fileno())  # the fd stays valid: closing it later is harmless
        finally:
            os.close(null)

    def _start(self) -> None:
        if self._proc is not None:
            return
        program = _program()
        if program is None:
            raise DocpubError(BUNDLE, None, "the Pagefind program is missing: install docpub's dependencies "
                              "again (pip install -e .), which bring pagefind[extended]")
        self._errors = _scratch_file()
        try:
            self._proc = subprocess.Popen([str(program), "--service"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=self._errors)
            _RUNNING.add(self)
        except OSError as exc:
            self._errors.close()
            self._errors = None
            raise DocpubError(str(program), None, f"cannot run Pagefind: {exc.strerror}") from None

    def _ask(self, payload: dict[str, Any], answer: str | None) -> dict[str, Any]:
        """Send one request and read its answer, which must be of type ``answer`` (any, if None)."""
        self._send(payload)
        return self._receive(answer)

    def _send(self, payload: dict[str, Any]) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        self._sent += 1
        request = json.dumps({"message_id": self._sent, "payload": payload}, ensure_ascii=False).encode("utf-8")
        try:
            proc.stdin.write(base64.b64encode(request) + b",")
            proc.stdin.flush()
        except OSError:
            raise self._failure("it stopped", stopped=True) from None

    def _receive(self, answer: str | None) -> dict[str, Any]:
        """The answer to the oldest request not answered yet, which must be of type ``answer``
        (any, if None)."""
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise self._failure("it stopped", stopped=True)
        try:
            seen = 0
            while (end := self._buffer.find(b",", seen)) < 0:
                seen = len(self._buffer)
                chunk = os.read(proc.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise self._failure("it stopped", stopped=True)
                self._buffer += chunk
        except OSError:
            raise self._failure("it stopped", stopped=True) from None
        raw = bytes(self._buffer[:end])
        del self._buffer[:end + 1]
        self._answered += 1
        try:
            reply = json.loads(base64.b64decode(raw, validate=True))
            got: dict[str, Any] = reply["payload"]
            kind = got["type"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise self._failure("its answer was not understood") from None
        if reply.get("message_id") != self._answered or (answer is not None and kind != answer):
            message = got.get("message") if kind == "Error" else f"it answered {kind!r}"
            raise self._failure(str(message))
        return got

    def _failure(self, why: str, *, stopped: bool = False) -> DocpubError:
        """The error to raise when Pagefind failed; the program is stopped. When it had stopped by
        itself, its last words (on its standard error) say why."""
        errors, self._errors = self._errors, None
        if self._proc is not None:
            self._proc.kill()
        self.close()
        last = ""
        if errors is not None and stopped:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            last = lines[-1] if lines else ""
        if errors is not None:
            errors.close()
        return DocpubError(BUNDLE, None, f"Pagefind could not build the search index: {last or why}")


class SearchCache:
    """Each shard's bundle by key, in a folder beside the output (a scratch one when caching is off).

    A bundle is a folder named by its key, renamed into place whole; a shard list
    (``shards.json``) is a file named by its digest.
    """

    def __init__(self, folder: Path, *, scratch: bool = False, profile: str = "") -> None:
        """``scratch``: ``folder`` is this build's alone, removed by ``prune`` whatever it holds.
        ``profile``: the kind of build (``cache.kept_by_other_profiles``): pages with PDFs or
        without differ, and so do their shards' bundles."""
        if not scratch:
            real_folder(folder)
        self.folder = folder
        self.scratch = scratch
        self.profile = profile
        self.used: set[str] = set()
        self._versions = ""
        self._warming: list[threading.Thread] = []
        self._started = 0  # programs ``begin`` and ``warm_up`` started
        self._begun: list[Indexer] = []  # those ``begin`` started, which no thread waits for yet
        self._ending: list[Indexer] = []  # those whose shards are done, their input ended
        self._present: set[str] = set()  # the bundles ``has`` found, or ``_make`` made, this build
        self._warm: queue.SimpleQueue[Indexer] = queue.SimpleQueue()  # started, word lists loaded

    def versions(self) -> str:
        """docpub's and Pagefind's versions, which every bundle's key holds (looked up once a build)."""
        if not self._versions:
            self._versions = f"{__version__} {pagefind_version()}"
        return self._versions

    @staticmethod
    def prefix(tag: str) -> str:
        """Where an edition's list of shards is published, from the site root."""
        return f"{BUNDLE}/{tag}"

    def begin(self, count: int) -> None:
        """Have ``count`` Pagefind programs started in all, those not started yet now, on no
        thread: each loads its word lists (``Indexer.begin_warm``) while this process goes on,
        and may fork its workers. A program that fails here is stopped (as in ``warm_up``)."""
        while self._started < count:
            self._started += 1
            indexer = Indexer()
            try:
                indexer.begin_warm()
            except Exception:  # the shards meet it again and report it
                indexer.close()
                continue
            self._begun.append(indexer)

    def warm_up(self, count: int) -> None:
        """Have ``count`` Pagefind programs started in all (those not started yet start now, each
        on a thread) and load their word lists (``Indexer.warm``) while the build renders: the
        shards indexed later begin at once. A program that fails here is stopped; the shards
        then start their own, which say why."""

        def start() -> None:
            indexer = Indexer()
            try:
                indexer.warm()
            except Exception:  # whatever it was, the shards meet it again and report it (on no thread)
                indexer.close()
                return
            self._warm.put(indexer)

        for _ in range(count - self._started):
            thread = threading.Thread(target=start, name="docpub-pagefind", daemon=True)
            thread.start()
            self._warming.append(thread)
        self._started = max(self._started, count)

    def _indexer(self) -> Indexer:
        """A Pagefind program started by ``begin`` or ``warm_up``, or else a new one (started on
        its first shard)."""
        try:
            return self._begun.pop(0)  # (its first shard reads what is left of its warming)
        except IndexError:
            pass
        try:
            return self._warm.get_nowait()
        except queue.Empty:
            return Indexer()

    def wait_warm(self) -> None:
        """Wait for the programs ``warm_up`` is starting (they have been at it since the build
        began): a process forked after this has no thread of them."""
        for thread in self._warming:
            thread.join()
        self._warming = []

    def close(self) -> None:
        """Stop the programs ``begin`` and ``warm_up`` started that no shard used, and wait for
        those the shards used to end."""
        begun, self._begun = self._begun, []
        ending, self._ending = self._ending, []
        for indexer in [*begun, *ending]:
            indexer.close()
        self.wait_warm()
        while True:
            try:
                self._warm.get_nowait().close()
            except queue.Empty:
                return

    def has(self, key: str) -> bool:
        """Whether the bundle of ``key`` is here: a folder, empty or with an entry that reads as
        one (a damaged one is made again). Looked at once a build (a build asks for each
        bundle several times); one this build made is here."""
        if key in self._present:
            return True
        folder = self.folder / key
        if not real_folder(folder):  # (a link there is removed, never followed: made again)
            return False
        try:
            languages(folder)
        except DocpubError:
            return False
        self._present.add(key)
        return True

    def bundles(self, wanted: Sequence[tuple[str, Mapping[str, Path] | None]], jobs: int = 1,
                stop: threading.Event | None = None) -> list[Path]:
        """The folders of the bundles of ``wanted`` (key, pages), in order; pages None: a bundle
        the cache has (``has``).

        The bundles no entry has are made, on up to ``jobs`` Pagefind programs at
        once (one per thread, each given shard after shard, the biggest first).
        ``stop``, once set (by a build that failed meanwhile), ends the work after
        the shards being made.
        """
        self.used.update(key for key, _ in wanted)
        missing: dict[str, Mapping[str, Path]] = {}
        for key, pages in wanted:
            if not self.has(key):
                if pages is None:  # removed while this build ran
                    raise DocpubError(str(self.folder), None,
                                      "a search bundle went missing during the build; build again")
                missing[key] = pages
        if missing:
            self.folder.mkdir(parents=True, exist_ok=True)
            todo: queue.SimpleQueue[tuple[str, Mapping[str, Path]]] = queue.SimpleQueue()
            for key in sorted(missing, key=lambda k: (-len(missing[k]), k)):
                todo.put((key, missing[key]))
            failed = stop or threading.Event()

            self.wait_warm()

            def shards() -> Iterator[tuple[str, dict[str, str]]]:
                """The shards this thread's program is to index; those without text are made here."""
                while not failed.is_set():
                    try:
                        key, pages = todo.get_nowait()
                    except queue.Empty:
                        return
                    given = given_pages(pages)
                    if given:
                        yield key, given
                    else:
                        self._store(key, {})

            def work() -> None:
                indexer = self._indexer()  # (a new one starts on the first shard that has text)
                try:
                    for key, files in indexer.index_each(shards()):
                        self._store(key, files)
                except BaseException:
                    failed.set()
                    indexer.close()
                    raise
                finally:
                    # Its input ends now and it stops by itself while the build publishes;
                    # ``close`` waits for it.
                    indexer.end_input()
                    self._ending.append(indexer)

            threads = programs(jobs, len(missing))
            with ThreadPoolExecutor(max_workers=threads) as pool:
                try:
                    for done in [pool.submit(work) for _ in range(threads)]:
                        done.result()
                except BaseException:
                    failed.set()  # interrupted: the threads end after their current shard
                    raise
        return [self.folder / key for key, _ in wanted]

    def _store(self, key: str, files: Mapping[str, bytes]) -> None:
        """The bundle of ``key``: ``files`` (none: a shard without text, an empty folder)."""
        entry = self.folder / key
        tmp = Path(tempfile.mkdtemp(dir=self.folder, prefix=".tmp-"))
        try:
            if files:
                _write_bundle(files, tmp / "bundle")
            else:
                (tmp / "bundle").mkdir()
            shutil.rmtree(entry, ignore_errors=True)
            os.replace(tmp / "bundle", entry)  # a reader never sees half a bundle
            self._present.add(key)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def manifest(self, shards: Iterable[str]) -> Path:
        """The file listing ``shards`` (the folders of an edition's bundles that hold text) for the search page."""
        data = json.dumps({"shards": sorted(shards)}, separators=(",", ":")).encode("utf-8") + b"\n"
        name = f"{hashlib.blake2b(data, digest_size=20).hexdigest()}.json"
        self.used.add(name)
        path = self.folder / name
        if path.is_symlink() or not path.is_file():  # kept as it is, so an unchanged site is the same files
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        return path

    def prune(self) -> None:
        """Remove the bundles and shard lists this build did not use, unless the last build of
        another profile did (all of them when caching is off)."""
        self.close()
        if not self.folder.is_dir():
            return
        keep = set(self.used)
        if not self.scratch:
            keep |= kept_by_other_profiles(self.folder / KEPT_BY_PROFILE, self.profile, self.used)
            keep.add(KEPT_BY_PROFILE)
        for other in self.folder.iterdir():
            if self.scratch or other.name not in keep:
                if other.is_dir() and not other.is_symlink():
                    shutil.rmtree(other, ignore_errors=True)
                else:
                    other.unlink(missing_ok=True)
        if self.scratch:
            shutil.rmtree(self.folder, ignore_errors=True)


def programs(jobs: int, shards: int) -> int:
    """How many Pagefind programs index ``shards`` shards: one a shard, at most ``jobs``."""
    return max(1, min(jobs, shards))


def languages(bundle: Path) -> frozenset[str]:
    """The languages (``<html lang>``, lower case, as Pagefind names them) whose pages hold text in
    ``bundle`` (a folder ``SearchCache.bundles`` gave); none for an empty one."""
    try:
        data = read_kept(bundle / ENTRY)
        if data is None:
            return frozenset()
        entry = json.loads(data)
    except (OSError, ValueError, RecursionError):  # (damaged: nested without end)
        raise DocpubError(str(bundle / ENTRY), None, "this search bundle of the build cache is damaged") from None
    found = entry.get("languages") if isinstance(entry, dict) else None
    if not isinstance(found, dict):
        raise DocpubError(str(bundle / ENTRY), None, "this search bundle of the build cache is damaged")
    return frozenset(found)


__all__ = ["BODY_MARKER", "BUNDLE", "MANIFEST", "SHARDS", "Indexer", "SearchCache", "build_index", "languages",
           "pagefind_version", "programs", "shard_of"]
