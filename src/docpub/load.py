"""Loading for a build: every content file read, checked and linked, its model put in the store.

A document's model is a function of its file's bytes, its id and language,
the URL templates and docpub itself; that is its ``model_key``. An unchanged
file is not parsed again: its summary and model come from the store. Models
stay in the store, not in memory, so memory does not grow with the archive.
Images are checked on every build (they may have changed beside an unchanged
text), and the digest of each one's bytes goes into the keys of what shows it.

A file's bytes go into its key by their digest, which the cache keeps beside the
file's signature (its size, times, inode and type: ``ContentDigests``); a file whose
signature is unchanged is not read again for its key, as ``make`` or git trust a
file's times. A file written within ``RACY_NS`` of the build that took its digest
(the same clock tick) is read again by the next build.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path

from docpub.cache import RACY_NS, Store, json_parts, read_kept_json, write_kept
from docpub.config import SiteConfig
from docpub.content import InsideCheck, check_cited, check_doc_id, check_size, check_unique, discover
from docpub.errors import DocpubError
from docpub.files import read_regular
from docpub.inputs import digest
from docpub.media import check_decoded, check_image_sources, read_image
from docpub.plan import DocSource
from docpub.work import collector_paused


def model_entry(model_key: str) -> str:
    return f"model-{model_key}"


def load_sources(config: SiteConfig, store: Store, *, code: str, executor: Executor | None = None,
                 changed: Callable[[], object] | None = None,
                 meanwhile: Callable[[], object] | None = None) -> tuple[DocSource, ...]:
    """Every document of the site, checked, in a stable order; ids are checked before anything renders.

    Files not parsed before (or changed) are parsed on ``executor`` when there is one (when
    there are several, or ``meanwhile`` is given). ``changed`` is called first when there is a
    file to parse; ``meanwhile`` while the executor parses them.
    """
    paths = discover(config)
    site = config.root.resolve()
    # What every file's key holds besides its own path (in the site) and bytes, made once. Where
    # the site is, is not part of it: a site moved or checked out elsewhere reuses its models.
    common = (config.source_lang, repr(config.urls))
    inside = InsideCheck(config, site)
    digests = ContentDigests(store.folder)
    prefix = os.path.join(site, "")  # (each file's path in the site follows it)
    keys = [_key(path, config, code, inside, digests, common, prefix) for path in paths]
    digests.save()
    summaries = [_cached(store, key) for key in keys]
    todo = [(path, key) for path, key, summary in zip(paths, keys, summaries, strict=True) if summary is None]
    if todo and changed is not None:
        changed()
    if executor is not None and (len(todo) > 1 or (todo and meanwhile is not None)):
        parsed: Iterable[tuple[bytes, Summary]] = executor.map(parse, [config] * len(todo), [p for p, _ in todo])
        if meanwhile is not None:
            meanwhile()
    else:
        parsed = (parse(config, p) for p, _ in todo)
    fresh = {key: _store(store, key, model, summary) for (_, key), (model, summary) in zip(todo, parsed, strict=True)}
    seen: dict[str, str] = {}
    return tuple(_source(path, key, summary or fresh[key], config, seen, store)
                 for path, key, summary in zip(paths, keys, summaries, strict=True))


# What the store keeps of a parsed file besides its model: its id, the images it shows,
# the symbols it cites, its own symbol and its date (ISO 8601).
Summary = tuple[str, tuple[str, ...], tuple[str, ...], str, str]


def _key(path: Path, config: SiteConfig, code: str, inside: InsideCheck, digests: ContentDigests,
         common: tuple[str, str], prefix: str) -> str:
    inside(path)
    check_size(path, config)
    name = str(path)
    within = name[len(prefix):] if name.startswith(prefix) else os.path.relpath(name, prefix)
    return digest(code, digests.of(path), within, *common)


class ContentDigests:
    """The digests of the content files' bytes by their signature, kept in ``folder`` (the
    build cache) from one build to the next (see the module's docstring)."""

    NAME = "content-digests.json"

    def __init__(self, folder: Path) -> None:
        self._file = folder / self.NAME
        self._known: dict[str, list[str]] = {}  # path -> [signature, digest]
        known = read_kept_json(self._file)  # (None: none yet, or damaged: every file is read)
        if isinstance(known, dict) and all(isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
                                           for v in known.values()):
            self._known = known
        self._seen: dict[str, list[str]] = {}
        self._changed = False

    def of(self, path: Path) -> str:
        """The digest of ``path``'s bytes (read, unless its signature is the one recorded)."""
        name = str(path)
        try:
            info = os.stat(path)
        except OSError:
            info = None
        signature = _signature(info) if info is not None else ""
        known = self._known.get(name)
        if signature and known is not None and known[0] == signature:
            self._seen[name] = known
            return known[1]
        data = read_regular(path, what="content file")  # a FIFO or a folder is an error, never a wait
        value = digest(data)
        # Trusted next time only if it was not written in the same clock tick as this build.
        trusted = info is not None and time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_NS
        self._seen[name] = [signature if trusted else "", value]
        self._changed = True
        return value

    def save(self) -> None:
        """Keep the signatures of this build's files (when any changed, or a file is gone)."""
        if not self._changed and self._seen.keys() == self._known.keys():
            return
        with contextlib.suppress(OSError):  # (else the next build reads the files again)
            write_kept(self._file, json_parts(self._seen))


def _signature(info: os.stat_result) -> str:
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}:{info.st_mode}"


def _cached(store: Store, key: str) -> Summary | None:
    summary = _cached_summary(store, key)
    return summary if summary is not None and store.get(model_entry(key)) is not None else None


def _source(path: Path, key: str, summary: Summary, config: SiteConfig, seen: dict[str, str],
            store: Store) -> DocSource:
    doc_id, images, cites, symbol, date = summary
    check_doc_id(doc_id, path)
    check_unique(doc_id, path, seen)
    if not images:
        return DocSource(doc_id, str(path), key, (), cites, symbol, date)
    limit = config.max_image_kib * 1024
    files = check_image_sources(path, images, max_bytes=limit)
    read = [(f, read_image(f, max_bytes=limit)) for f in files]
    sums = [digest(data) for _, data in read]
    # A picture is decoded once: the store keeps a mark of each one that decoded.
    new = {entry: (f, data, s) for (f, data), s in zip(read, sums, strict=True)
           if store.get(entry := f"decoded-{s}") is None}
    check_decoded(path, new.values())
    for entry in new:
        store.put(entry, b"")
    found = tuple((f.name, str(f.path), s) for (f, _), s in zip(read, sums, strict=True))
    return DocSource(doc_id, str(path), key, found, cites, symbol, date)


@collector_paused
def parse(config: SiteConfig, path: Path) -> tuple[bytes, Summary]:
    """Parse a content file and link its citations: its pickled model and its summary.

    Runs in any process: it reads the file and nothing else. The parser and the model are
    imported here, by the first file that changed: a build that parses nothing needs neither.
    """
    from docpub.content import read_document
    from docpub.media import image_sources
    from docpub.symbols import parse_symbol
    from docpub.transforms.citations import link_citations

    doc = read_document(path, config)
    check_doc_id(doc.id, path)
    doc = link_citations(doc, urls=config.urls)
    cites = tuple(sorted(check_cited(doc, path, config)))
    parsed = parse_symbol(doc.meta.symbol) if doc.meta.symbol else None
    summary = (doc.id, tuple(image_sources(doc)), cites, parsed.canonical if parsed is not None else "",
               doc.meta.date.isoformat())
    return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL), summary


def _store(store: Store, key: str, model: bytes, summary: Summary) -> Summary:
    store.put(model_entry(key), model)
    store.put(f"summary-{key}", json.dumps(summary, ensure_ascii=False).encode("utf-8"))
    return summary


def _cached_summary(store: Store, key: str) -> Summary | None:
    raw = store.read(f"summary-{key}")
    try:
        doc_id, images, cites, symbol, date = json.loads(raw) if raw is not None else None  # type: ignore[misc]
        return str(doc_id), tuple(map(str, images)), tuple(map(str, cites)), str(symbol), str(date)
    except (ValueError, TypeError, RecursionError):
        return None


def load_model(store: Store, doc: DocSource) -> bytes:
    """The pickled model of ``doc`` (a worker unpickles it), verified by the store."""
    data = store.read(model_entry(doc.model_key))
    if data is None:
        raise DocpubError(doc.path, None, "the document's model went missing from the build cache; build again")
    return data


__all__ = ["load_model", "load_sources", "model_entry"]
