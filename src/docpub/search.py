"""Full-text search: a Pagefind index of the reader pages, one bundle per edition.

Pagefind's extended build segments Chinese text into words. Each edition's
pages are indexed on their own into ``pagefind/<edition>/``, whose search
script the edition's search page loads, so a reader searches their own
edition; one edition at a time also keeps Pagefind's memory to a quarter of
indexing the whole site at once. Only what a page marks ``data-pagefind-body``
(the text of a document) is indexed: navigation, citation lists, parallel and
review pages are left out, which also keeps indexing fast.

An edition's bundle is a pure function of the pages it reads, so it is cached
by their hash: a build whose document pages did not change in an edition
reuses that edition's bundle instead of running Pagefind again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from docpub import __version__
from docpub.errors import DocpubError

BUNDLE = "pagefind"  # the folder of the bundles, under the site root: pagefind/<edition>/
# A page Pagefind should index carries this on the element holding its text.
BODY_MARKER = b"data-pagefind-body"
ENTRY = "pagefind-entry.json"  # names the bundle's index, in each bundle


def pagefind_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def build_index(pages: Mapping[str, Path], out: Path) -> None:
    """Index ``pages`` (of one edition: path from the site root -> the page's file) with Pagefind into ``out``.

    Only pages that mark text to index are given to Pagefind, linked (or copied)
    into a scratch folder; Pagefind's program has written every file when it
    exits (its Python service answers before its writes end).
    """
    with tempfile.TemporaryDirectory(prefix="docpub-search-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        marked = 0
        for path, file in pages.items():
            with file.open("rb") as f:
                if BODY_MARKER not in f.read():
                    continue
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(file, site / path)
            except OSError:
                shutil.copyfile(file, site / path)
            marked += 1
        if not marked:
            out.mkdir(parents=True)
            return
        _run_pagefind(site, out)
    entry = out / ENTRY
    entry.write_bytes(_sorted_entry(entry.read_bytes()))


def _run_pagefind(site: Path, out: Path) -> None:
    from pagefind.service import get_executable

    program = get_executable()
    if program is None:
        raise DocpubError(BUNDLE, None, "the Pagefind program is missing: install docpub's dependencies "
                          "again (pip install -e .), which bring pagefind[extended]")
    # --keep-index-url: the site links to index.html everywhere, so it works from file:// too.
    command = [str(program), "--site", str(site), "--output-path", str(out), "--keep-index-url", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise DocpubError(str(program), None, f"cannot run Pagefind: {exc.strerror}") from None
    if done.returncode != 0 or not (out / ENTRY).is_file():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise DocpubError(BUNDLE, None, f"Pagefind could not build the search index: {last[0]}")


def _sorted_entry(data: bytes) -> bytes:
    """Pagefind lists languages in no fixed order; sorted, two builds give equal bytes."""
    entry = json.loads(data)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class SearchCache:
    """Each edition's bundle by key, in a folder beside the output (a scratch one when caching is off)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="docpub-search-cache-"))
        self.scratch = folder is None
        self.used: set[str] = set()

    @staticmethod
    def versions() -> str:
        return f"{__version__} {pagefind_version()}"

    @staticmethod
    def prefix(tag: str) -> str:
        """Where an edition's bundle is published, from the site root."""
        return f"{BUNDLE}/{tag}"

    def bundle(self, tag: str, key: str, pages: Mapping[str, Path]) -> Path:
        """The folder of the bundle of ``pages`` (an edition's), made when no bundle has ``key``."""
        self.used.add(key)
        entry = self.folder / key
        if entry.is_dir():  # renamed into place whole
            return entry
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.folder, prefix=".tmp-"))
        try:
            build_index(pages, tmp / "bundle")
            shutil.rmtree(entry, ignore_errors=True)
            os.replace(tmp / "bundle", entry)  # a reader never sees half a bundle
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return entry

    def prune(self) -> None:
        """Remove the bundles this build did not use (all of them when caching is off)."""
        if not self.folder.is_dir():
            return
        for other in self.folder.iterdir():
            if self.scratch or other.name not in self.used:
                shutil.rmtree(other, ignore_errors=True)
        if self.scratch:
            shutil.rmtree(self.folder, ignore_errors=True)


__all__ = ["BODY_MARKER", "BUNDLE", "SearchCache", "build_index", "pagefind_version"]
