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

BUNDLE = "pagefind"  # the folder of the bundles, under the site root: pagefind/<edition>/
# A page Pagefind should index carries this on the element holding its text.
BODY_MARKER = b"data-pagefind-body"
ENTRY = "pagefind-entry.json"  # names the bundle's index, in each bundle


def pagefind_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def search_key(pages: Mapping[str, bytes]) -> str:
    """Hash of everything a bundle is made from: its pages and the versions."""
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


def by_edition(pages: Mapping[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Pages grouped by their edition, the first folder of their path."""
    groups: dict[str, dict[str, bytes]] = {}
    for path, data in sorted(pages.items()):
        groups.setdefault(path.split("/", 1)[0], {})[path] = data
    return groups


def build_index(pages: Mapping[str, bytes]) -> dict[str, bytes]:
    """Index ``pages`` (of one edition: path from the site root -> HTML) with Pagefind.

    Returns the bundle's files by their path inside the bundle. The pages are written
    to a scratch folder and indexed by Pagefind's program, which has written every file
    when it exits (its Python service answers before its writes end).
    """
    if not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="docpub-search-") as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / BUNDLE
        for path, data in pages.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(data)
        _run_pagefind(site, out)
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
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
    if done.returncode != 0 or not (out / ENTRY).is_file():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise DocpubError(BUNDLE, None, f"Pagefind could not build the search index: {last[0]}")


def _sorted_entry(data: bytes) -> bytes:
    """Pagefind lists languages in no fixed order; sorted, two builds give equal bytes."""
    entry = json.loads(data)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class SearchCache:
    """Each edition's bundle by key, beside the output; only those the last build used are kept."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: caching off

    def get(self, pages: Mapping[str, bytes]) -> dict[str, bytes]:
        """The bundles of every edition of ``pages``, by path from the site root."""
        files: dict[str, bytes] = {}
        used: set[str] = set()
        for tag, group in by_edition(pages).items():
            key = search_key(group)
            used.add(key)
            bundle = self._bundle(key, group)
            files.update({f"{BUNDLE}/{tag}/{name}": data for name, data in bundle.items()})
        self._prune(used)
        return files

    def _bundle(self, key: str, pages: Mapping[str, bytes]) -> dict[str, bytes]:
        if self.folder is None:
            return build_index(pages)
        entry = self.folder / key
        if entry.is_dir():
            return {p.relative_to(entry).as_posix(): p.read_bytes() for p in sorted(entry.rglob("*")) if p.is_file()}
        bundle = build_index(pages)
        self._store(entry, bundle)
        return bundle

    def _store(self, entry: Path, files: Mapping[str, bytes]) -> None:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".tmp-"))
        try:
            for name, data in files.items():
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                (tmp / name).write_bytes(data)
            os.replace(tmp, entry)  # a reader never sees half a bundle
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not entry.is_dir():
                raise

    def _prune(self, used: set[str]) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for other in self.folder.iterdir():
            if other.name not in used:
                shutil.rmtree(other, ignore_errors=True)


__all__ = ["BODY_MARKER", "BUNDLE", "SearchCache", "build_index", "by_edition", "indexed_pages", "search_key"]
