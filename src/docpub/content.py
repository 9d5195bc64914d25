"""Finding and loading a site's documents: the checks that come before anything renders."""

from __future__ import annotations

import re
from pathlib import Path

from docpub.config import SiteConfig
from docpub.errors import DocpubError
from docpub.model import Document
from docpub.readers.markdown import read_file
from docpub.transforms.citations import link_citations

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


def discover(config: SiteConfig) -> list[Path]:
    """Every content file of the source edition, in a stable order.

    A document is ``content/<doc-id>/<source_lang>.md`` or, for a single file,
    ``content/<doc-id>.md``.
    """
    name = f"{config.source_lang}.md"
    root = config.content_path
    if not root.is_dir():
        raise DocpubError(str(root), None, "content folder not found")
    found: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.is_dir():
            candidate = entry / name
            if candidate.is_file() or candidate.is_symlink():  # a broken link is reported, not skipped
                found.append(candidate)
        elif entry.suffix == ".md" and entry.name.lower() != "readme.md":
            found.append(entry)
    return found


def read_document(path: Path, config: SiteConfig) -> Document:
    """Read one content file with the id and language its place in ``content/`` gives it."""
    if path.parent.resolve() == config.content_path.resolve():
        return read_file(path, doc_id=path.stem, lang=config.source_lang)
    return read_file(path)


def load_documents(config: SiteConfig) -> list[Document]:
    """Read and link every source document; ids are checked before anything renders."""
    seen: dict[str, str] = {}
    return [load_document(path, config, seen) for path in discover(config)]


def load_document(path: Path, config: SiteConfig, seen: dict[str, str]) -> Document:
    """One content file, checked (size, id, uniqueness against ``seen``) and with citations linked."""
    check_size(path, config)
    doc = read_document(path, config)
    check_doc_id(doc.id, path)
    check_unique(doc.id, path, seen)
    return link_citations(doc, urls=config.urls)


def check_unique(doc_id: str, path: Path, seen: dict[str, str]) -> None:
    """Two files may not claim one id (``content/x.md`` beside ``content/x/zh-Hans.md``)."""
    key = doc_id.casefold()
    if key in seen:
        raise DocpubError(str(path), None, f"document id '{doc_id}' is also used by {seen[key]}")
    seen[key] = str(path)


def check_size(path: Path, config: SiteConfig) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader reports what is wrong with the file
    if size > config.max_content_kib * 1024:
        raise DocpubError(
            str(path), None,
            f"content file is {size / 1048576:.1f} MiB, over the limit of {config.max_content_kib} KiB "
            "(raise site.max_content_kib in docpub.toml to build it)",
        )


def check_doc_id(doc_id: str, path: Path) -> None:
    if not SAFE_ID.match(doc_id):
        raise DocpubError(
            str(path), None,
            f"document id '{doc_id}' (the folder name) must be lower-case letters, digits, '.', '_' or '-'",
        )
