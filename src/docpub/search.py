"""Full-text search: a Pagefind index of the reader pages, one index per edition.

Pagefind's extended build segments Chinese text into words; it reads each
page's ``<html lang>`` and writes one index per language, and its browser
script loads the index of the page it runs on, so a reader searches their own
edition. Only what a page marks ``data-pagefind-body`` (the text of a
document) is indexed: navigation, citation lists, parallel and review pages
are left out, which also keeps indexing fast.

The index is a pure function of the pages it reads, so it is cached by their
hash: a build whose document pages did not change reuses it instead of
running Pagefind again.
"""

from __future__ import annotations

import hashlib
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

BUNDLE = "pagefind"  # the folder of the index and its scripts, under the site root
# A page Pagefind should index carries this on the element holding its text.
BODY_MARKER = b"data-pagefind-body"
ENTRY = f"{BUNDLE}/pagefind-entry.json"  # names each language's index


def pagefind_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def search_key(pages: Mapping[str, bytes]) -> str:
    """Hash of everything the index is made from: the indexed pages and the versions."""
    digest = hashlib.sha256()
    for part in (__version__.encode(), pagefind_version().encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    for path in sorted(pages):
        for part in (path.encode("utf-8"), pages[path]):
            digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def indexed_pages(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The HTML pages of ``files`` that mark text to be indexed."""
    return {path: data for path, data in files.items() if path.endswith(".html") and BODY_MARKER in data}


def build_index(pages: Mapping[str, bytes]) -> dict[str, bytes]:
    """Index ``pages`` (path from the site root -> HTML) with Pagefind: the bundle's files by path.

    The pages are written to a scratch folder and indexed by Pagefind's program, which has
    written every file when it exits (its Python service answers before its writes end).
    """
    if not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="docpub-search-") as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / BUNDLE
        for path, data in pages.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(data)
        _run_pagefind(site, out)
        files = {f"{BUNDLE}/{p.relative_to(out).as_posix()}": p.read_bytes()
                 for p in sorted(out.rglob("*")) if p.is_file()}
    if ENTRY in files:
        files[ENTRY] = _sorted_entry(files[ENTRY])
    return files


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
    if done.returncode != 0 or not (out / "pagefind-entry.json").is_file():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise DocpubError(BUNDLE, None, f"Pagefind could not build the search index: {last[0]}")


def _sorted_entry(data: bytes) -> bytes:
    """Pagefind lists the languages in no fixed order; sorted, two builds give equal bytes."""
    entry = json.loads(data)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class SearchCache:
    """Search bundles by key, beside the output; only the one the last build used is kept."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: caching off

    def get(self, pages: Mapping[str, bytes]) -> dict[str, bytes]:
        if self.folder is None:
            return build_index(pages)
        key = search_key(pages)
        entry = self.folder / key
        if entry.is_dir():
            return {f"{BUNDLE}/{p.relative_to(entry).as_posix()}": p.read_bytes()
                    for p in sorted(entry.rglob("*")) if p.is_file()}
        files = build_index(pages)
        self._store(entry, files)
        return files

    def _store(self, entry: Path, files: Mapping[str, bytes]) -> None:
        self.folder_or_fail().mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.folder_or_fail(), prefix=".tmp-"))
        try:
            for path, data in files.items():
                target = tmp / path.removeprefix(f"{BUNDLE}/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            os.replace(tmp, entry)  # a reader never sees half a bundle
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not entry.is_dir():
                raise
        for other in self.folder_or_fail().iterdir():
            if other.name != entry.name:
                shutil.rmtree(other, ignore_errors=True)

    def folder_or_fail(self) -> Path:
        assert self.folder is not None
        return self.folder


__all__ = ["BODY_MARKER", "BUNDLE", "SearchCache", "build_index", "indexed_pages", "search_key"]
