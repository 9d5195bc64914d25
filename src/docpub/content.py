"""Finding and loading a site's documents: the checks that come before anything renders."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docpub.config import SiteConfig
from docpub.errors import DocpubError, Problem
from docpub.files import check_name, check_within, read_regular

if TYPE_CHECKING:  # the model's side is loaded when a file is read, not to find the files
    from docpub.model import Document

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# A document's folder sits beside what the build writes for each edition: its
# home page, the corpus-wide pages and the shared folders. An id may be none of
# those, nor end like a file name (``index.html``, ``feed.xml``).
RESERVED_IDS = frozenset({"citations", "search", "archive", "editors", "static", "media", "pagefind", "feeds"})
_FILE_NAME_END = re.compile(r"\.[a-z]+$")


def discover(config: SiteConfig) -> list[Path]:
    """Every content file of the source edition, in a stable order.

    A document is ``content/<doc-id>/<source_lang>.md`` or, for a single file,
    ``content/<doc-id>.md``.
    """
    name = f"{config.source_lang}.md"
    root = config.content_path
    if not root.is_dir():
        raise DocpubError(str(root), None, "content folder not found")
    check_name(root)
    found: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.is_dir():
            candidate = entry / name
            if candidate.exists() or candidate.is_symlink():  # a broken link or a FIFO is reported, not skipped
                check_name(candidate)
                found.append(candidate)
        elif entry.suffix == ".md" and entry.name.lower() != "readme.md":
            check_name(entry)
            found.append(entry)
    return found


def stray_files(config: SiteConfig) -> Iterator[Problem]:
    """Folders under content/ that look like documents but hold no source-language file."""
    name = f"{config.source_lang}.md"
    for entry in sorted(config.content_path.iterdir()):
        if entry.is_dir() and not (entry / name).exists() and any(entry.glob("*.md")):
            yield Problem(str(entry), None, f"holds Markdown but no {name}: it is not built", "warning")
        elif entry.is_dir() and entry.suffix == ".md":
            yield Problem(str(entry), None, "a folder named like a content file: it is not built", "warning")


def read_document(path: Path, config: SiteConfig, *, warnings: list[Problem] | None = None) -> Document:
    """Read one content file with the id and language its place in ``content/`` gives it
    (``warnings``: see ``read_markdown``)."""
    from docpub.readers.markdown import read_file  # the parser is loaded only when a file is read

    if _single_file(path, config):
        return read_file(path, doc_id=path.stem, lang=config.source_lang, warnings=warnings)
    return read_file(path, warnings=warnings)


def _single_file(path: Path, config: SiteConfig) -> bool:
    """Whether ``path`` is a document of a single file in ``content/`` (``content/<doc-id>.md``)."""
    return path.parent.resolve() == config.content_path.resolve()


def document_id(path: Path, config: SiteConfig) -> str:
    """The id of the document whose source is ``path`` (as ``discover`` found it): its folder's
    name, or for a single file in ``content/``, the file's."""
    return path.stem if _single_file(path, config) else path.parent.name


def select_documents(config: SiteConfig, ids: Sequence[str]) -> list[Document]:
    """The documents ``ids`` names, read and checked as ``load_documents`` reads them (without
    linking their citations to the site's other documents: nothing else is read), in the
    site's order. An id the site has no document of is an error."""
    paths = {document_id(path, config): path for path in discover(config)}
    for wanted in ids:
        if wanted not in paths:
            raise DocpubError(str(config.content_path), None,
                              f"there is no document {wanted!r} (its source would be "
                              f"{wanted}/{config.source_lang}.md or {wanted}.md)")
    seen: dict[str, str] = {}
    chosen = set(ids)
    return [load_document(path, config, seen) for doc_id, path in paths.items() if doc_id in chosen]


def load_documents(config: SiteConfig) -> list[Document]:
    """Read and link every source document; ids are checked before anything renders.

    A citation of a document the site also publishes links to its page there.
    """
    seen: dict[str, str] = {}
    docs = [load_document(path, config, seen) for path in discover(config)]
    from docpub.transforms.corpus import link_in_site, site_documents

    published = site_documents(docs)
    return [link_in_site(d, published) for d in docs]


def load_document(path: Path, config: SiteConfig, seen: dict[str, str], *,
                  warnings: list[Problem] | None = None) -> Document:
    """One content file, checked (size, id, uniqueness against ``seen``) and with citations linked
    (``warnings``: see ``read_markdown``)."""
    from docpub.inputs import digest
    from docpub.media import check_decoded, document_images, read_image
    from docpub.transforms.citations import link_citations

    check_inside(path, config)
    check_size(path, config)
    doc = read_document(path, config, warnings=warnings)
    check_doc_id(doc.id, path)
    check_unique(doc.id, path, seen)
    limit = config.max_image_kib * 1024
    pictures = [(f, read_image(f, max_bytes=limit)) for f in document_images(doc, max_bytes=limit)]
    check_decoded(path, [(f, data, digest(data)) for f, data in pictures])
    linked = link_citations(doc, urls=config.urls)
    check_cited(linked, path, config)
    return linked


def check_cited(doc: Document, path: Path, config: SiteConfig) -> set[str]:
    """The symbols of the documents ``doc`` cites, at most ``site.max_cited`` of them (each has a
    page in every edition). Over the limit, an error at the line of the first one too many."""
    from docpub.model import Citation, iter_inlines, plain_text

    seen: set[str] = set()
    for x in iter_inlines(doc):
        if isinstance(x, Citation) and x.symbol not in seen:
            seen.add(x.symbol)
            if len(seen) > config.max_cited:
                written = plain_text(x.children)
                try:
                    lines = read_regular(path, what="content file").decode("utf-8", "replace").splitlines()
                except DocpubError:  # (the line is a courtesy; the reason is what matters)
                    lines = []
                line = next((n for n, text in enumerate(lines, 1) if written and written in text), None)
                raise DocpubError(str(path), line, f"cites more than {config.max_cited} different documents "
                                  f"({x.symbol} is one too many): each has a page in every edition "
                                  "(raise site.max_cited in docpub.toml to build it)")
    return seen


def check_inside(path: Path, config: SiteConfig, *, site: Path | None = None) -> None:
    """A content file, or the document folder holding it, may be a link, but only to a place in the
    site (``site``: its folder with links followed, when the caller has it already)."""
    check_within(path, site or config.root.resolve(), what="content")


class InsideCheck:
    """``check_inside`` for the files ``discover`` found, made cheap for an archive's thousands:
    the content folder is followed to its real place once; a file below it through no link
    (the file and its document's folder each looked at without following them) is where that
    place says, and only a file or folder that is a link is followed in full."""

    def __init__(self, config: SiteConfig, site: Path) -> None:
        self.config, self.site = config, site
        self._content = config.content_path
        self._content_inside = config.content_path.resolve().is_relative_to(site)

    def __call__(self, path: Path) -> None:
        folder = path.parent
        if self._content_inside and not os.path.islink(path) and (
                folder == self._content or (folder.parent == self._content and not os.path.islink(folder))):
            return
        check_inside(path, self.config, site=self.site)


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
    if doc_id in RESERVED_IDS or _FILE_NAME_END.search(doc_id):
        raise DocpubError(str(path), None,
                          f"document id '{doc_id}' (from the file or folder name) is a name the build writes "
                          "itself or looks like a file name; rename the document")
    if not SAFE_ID.fullmatch(doc_id):
        raise DocpubError(
            str(path), None,
            f"document id '{doc_id}' (from the file or folder name) must start with a lower-case letter or "
            "digit and hold only lower-case letters, digits, '.', '_' and '-'",
        )
