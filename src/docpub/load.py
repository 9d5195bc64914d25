"""Loading for a build: every content file read, checked and linked, its model put in the store.

A document's model is a function of its file's bytes, its id and language,
the URL templates and docpub itself; that is its ``model_key``. An unchanged
file is not parsed again: its summary and model come from the store. Models
stay in the store, not in memory, so memory does not grow with the archive.
Images are checked on every build (they may have changed beside an unchanged
text), and the digest of each one's bytes goes into the keys of what shows it.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from docpub.cache import Store
from docpub.config import SiteConfig
from docpub.content import check_doc_id, check_inside, check_size, check_unique, discover, read_document
from docpub.errors import DocpubError
from docpub.files import read_regular
from docpub.inputs import digest
from docpub.media import check_image_sources, image_sources, read_image
from docpub.model import Citation, Document, iter_inlines
from docpub.plan import DocSource
from docpub.symbols import parse_symbol
from docpub.transforms.citations import link_citations


def model_entry(model_key: str) -> str:
    return f"model-{model_key}"


def load_sources(config: SiteConfig, store: Store, *, code: str) -> tuple[DocSource, ...]:
    """Every document of the site, checked, in a stable order; ids are checked before anything renders."""
    seen: dict[str, str] = {}
    return tuple(_load(path, config, store, seen, code) for path in discover(config))


# What the store keeps of a parsed file besides its model: its id, the images it shows,
# the symbols it cites and its own symbol.
Summary = tuple[str, tuple[str, ...], tuple[str, ...], str]


def _load(path: Path, config: SiteConfig, store: Store, seen: dict[str, str], code: str) -> DocSource:
    check_inside(path, config)
    check_size(path, config)
    data = read_regular(path, what="content file")  # a FIFO or a folder is an error, never a wait
    key = digest(code, data, str(path), config.source_lang, str(config.content_path.resolve()),
                 repr(config.urls))
    summary = _cached_summary(store, key)
    if summary is None or store.get(model_entry(key)) is None:
        summary = _read(path, config, store, key)
    doc_id, images, cites, symbol = summary
    check_doc_id(doc_id, path)
    check_unique(doc_id, path, seen)
    limit = config.max_image_kib * 1024
    files = check_image_sources(path, images, max_bytes=limit)
    found = tuple((f.name, str(f.path), digest(read_image(f, max_bytes=limit))) for f in files)
    return DocSource(doc_id, str(path), key, found, cites, symbol)


def _canonical(symbol: str) -> str:
    parsed = parse_symbol(symbol) if symbol else None
    return parsed.canonical if parsed is not None else ""


def _read(path: Path, config: SiteConfig, store: Store, key: str) -> Summary:
    """Parse the file and link its citations; store its model and its summary."""
    doc: Document = read_document(path, config)
    check_doc_id(doc.id, path)
    doc = link_citations(doc, urls=config.urls)
    cites = tuple(sorted({x.symbol for x in iter_inlines(doc) if isinstance(x, Citation)}))
    summary = (doc.id, tuple(image_sources(doc)), cites, _canonical(doc.meta.symbol))
    store.put(model_entry(key), pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    store.put(f"summary-{key}", json.dumps(summary, ensure_ascii=False).encode("utf-8"))
    return summary


def _cached_summary(store: Store, key: str) -> Summary | None:
    raw = store.read(f"summary-{key}")
    try:
        doc_id, images, cites, symbol = json.loads(raw) if raw is not None else None  # type: ignore[misc]
        return str(doc_id), tuple(map(str, images)), tuple(map(str, cites)), str(symbol)
    except (ValueError, TypeError):
        return None


def load_model(store: Store, doc: DocSource) -> bytes:
    """The pickled model of ``doc`` (a worker unpickles it), verified by the store."""
    data = store.read(model_entry(doc.model_key))
    if data is None:
        raise DocpubError(doc.path, None, "the document's model went missing from the build cache; build again")
    return data


__all__ = ["load_model", "load_sources", "model_entry"]
