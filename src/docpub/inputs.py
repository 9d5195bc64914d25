"""The edge of a build: everything read from disk besides the content, read once.

Templates, UI labels, static files, glossaries and the review's table of
ambiguous characters become plain, picklable values here. Nothing after this
stage opens a site file: render functions get these values, so a worker (a
process of the pool or a Dask worker on another machine) needs only docpub.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from msgspec import Struct

from docpub import __version__
from docpub.config import CONFIG_NAME, Edition, SiteConfig, line_containing
from docpub.errors import DocpubError
from docpub.files import check_name, check_within, read_regular, read_regular_text
from docpub.templating import LABELS_NAME, Theme, parse_labels
from docpub.transforms.glossary import (
    AMBIGUOUS_FILE,
    FormEntry,
    GlossaryEntry,
    load_ambiguous,
    load_forms,
    load_glossary,
    merge,
    site_file,
)


def digest(*parts: str | bytes) -> str:
    """A hex digest of ``parts``, each length-prefixed so that no two sequences collide."""
    return feed(hasher(), parts).hexdigest()


def hasher() -> hashlib.blake2b:
    """What ``digest`` hashes with: ``feed`` it parts (a copy of it, parts that follow)."""
    return hashlib.blake2b(digest_size=20)


def feed(h: hashlib.blake2b, parts: Iterable[str | bytes]) -> hashlib.blake2b:
    """``h`` (a ``hasher``) given ``parts`` as ``digest`` gives them: each length-prefixed."""
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h


# A tag that names other templates, up to its end; every string written in it is taken for a name.
_REFERENCE_TAG = re.compile(r"\{%[-+]?\s*(?:extends|include|import|from)\b(.*?)[-+]?%\}", re.S)
_STRING = re.compile(r"""(["'])(.*?)\1""", re.S)


@functools.lru_cache(maxsize=256)
def _references(source: str) -> tuple[str, ...]:
    """The templates a template's source extends, includes or imports (by name).

    Read from the tags' text rather than a parse (which a no-op build would pay for every
    template): any string in such a tag counts, so the list may name more than the
    template uses (a key then covers more than it must), never less. Names made at
    render time cannot be known, as with Jinja's own ``find_referenced_templates``.
    """
    return tuple(m.group(2) for tag in _REFERENCE_TAG.finditer(source) for m in _STRING.finditer(tag.group(1)))


class ThemeSources(Struct, frozen=True):
    """The theme's templates, UI labels and static files (the site's overrides merged), as values."""

    templates: tuple[tuple[str, str, str], ...]  # (name, source, the file it was read from)
    labels: tuple[tuple[str, str], ...]
    labels_source: str
    static: tuple[tuple[str, bytes], ...]  # ("static/<name>", bytes)
    folders: tuple[str, ...]  # the theme's search path, for error messages and the PDF's files

    @property
    def theme(self) -> Theme:
        return Theme(tuple(Path(f) for f in self.folders))

    @property
    def sources(self) -> Mapping[str, str]:
        return {name: source for name, source, _ in self.templates}

    @property
    def files(self) -> Mapping[str, tuple[str, str]]:
        return {name: (source, file) for name, source, file in self.templates}

    def closure(self, names: Iterable[str]) -> tuple[str, ...]:
        """``names`` (which may be patterns: ``document.*.html.j2``) and every template they
        extend, include or import, sorted."""
        sources = self.sources
        todo, seen = [n for pattern in names for n in fnmatch.filter(sources, pattern)], set[str]()
        while todo:
            name = todo.pop()
            if name in seen or name not in sources:
                continue  # a missing template is reported when a page renders
            seen.add(name)
            todo.extend(_references(sources[name]))
        return tuple(sorted(seen))

    def templates_digest(self, names: Iterable[str]) -> str:
        """What the pages rendered from ``names`` read of the theme: their templates and the labels."""
        sources = self.sources
        parts: list[str] = [self.labels_source]
        for name in self.closure(names):
            parts += [name, sources[name]]
        return digest(*parts)

    def static_digest(self) -> str:
        return digest(*(part for name, data in self.static for part in (name, data)))


class EditionSpec(Struct, frozen=True):
    """One edition with its glossaries read: all a converter is built from."""

    edition: Edition
    glossary: tuple[tuple[str, GlossaryEntry], ...]  # source term -> entry, merged
    forms: tuple[tuple[str, FormEntry], ...] = ()  # character -> the form the edition prints

    @property
    def identity(self) -> str:
        """Changes exactly when the edition's conversion can: config, quotes, glossaries, forms, OpenCC."""
        e = self.edition
        return digest(e.tag, e.opencc, e.quotes, _opencc_version(), repr(self.glossary), repr(self.forms))


class SiteInputs(Struct, frozen=True):
    theme: ThemeSources
    editions: tuple[EditionSpec, ...]
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...]  # the review's characters -> forms
    ambiguous_source: str

    def edition(self, tag: str) -> EditionSpec:
        return next(e for e in self.editions if e.edition.tag == tag)


def read_inputs(config: SiteConfig) -> SiteInputs:
    """Read the theme, the glossaries and the review table of ``config``'s site."""
    check_theme_inside(config)
    theme = read_theme(config.theme)
    editions = tuple(edition_spec(e, config.root) for e in config.editions)
    table_path = config.root / AMBIGUOUS_FILE
    needs_table = any(e.opencc for e in config.editions)
    table = load_ambiguous(table_path, site=config.root) if needs_table else {}
    source = read_regular_text(table_path) if needs_table else ""
    return SiteInputs(theme, editions, tuple(table.items()), source)


def edition_spec(edition: Edition, root: Path) -> EditionSpec:
    check_opencc_config(edition, root)
    if not edition.opencc:
        return EditionSpec(edition, ())
    files = tuple(load_glossary(site_file(root, g), name=g) for g in edition.glossaries)
    forms = tuple(load_forms(site_file(root, f), name=f) for f in edition.forms)
    return EditionSpec(edition, tuple(merge(files).items()), tuple(merge(forms).items()))


def check_theme_inside(config: SiteConfig) -> None:
    """The site's theme folder (``templates/``), and every file and folder in it, may be links,
    but only to places in the site: a template, the labels or a static file reached through a
    link to elsewhere would be read into, or published with, the site. (docpub's own theme is
    its package's.)"""
    folder = config.templates_path
    if not folder.exists() and not folder.is_symlink():
        return
    site = config.root.resolve()
    for path in (folder, *sorted(folder.rglob("*"))):
        check_name(path)
        check_within(path, site, what="the site's templates and static files")


def read_theme(theme: Theme) -> ThemeSources:
    templates = []
    for name in theme.template_names():
        path = theme.path_for(name)
        templates.append((name, read_regular_text(path, what="template"), str(path)))
    labels, labels_source = parse_labels(theme.path_for(LABELS_NAME))
    static = tuple((rel, read_regular(path, what="static file")) for rel, path in theme.static_files().items())
    return ThemeSources(tuple(templates), tuple(labels.items()), labels_source, static,
                        tuple(str(f) for f in theme.folders))


def check_opencc_config(edition: Edition, root: Path | None) -> None:
    """An OpenCC config OpenCC does not know is an error on its line of docpub.toml."""
    if edition.opencc and edition.opencc not in (configs := known_opencc_configs()):
        known = ", ".join(sorted(configs))
        path = (root or Path.cwd()) / CONFIG_NAME
        raise DocpubError(str(path), line_containing(path, f'"{edition.opencc}"'),
                          f"edition '{edition.tag}': unknown OpenCC config "
                          f"'{edition.opencc}'; known: {known}")


@functools.cache
def known_opencc_configs() -> frozenset[str]:
    """The conversions an edition may name. s2twp is among them, but its phrase table rewrites
    UN vocabulary (支持→支援, 文件→檔案), see docs/editions.md."""
    import opencc  # its C library: loaded when an edition is checked, not by every import

    return frozenset(name.removesuffix(".json") for name in opencc.CONFIGS)


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # only where asked: slow to import

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _opencc_version() -> str:
    import opencc

    return str(getattr(opencc, "__version__", "") or _version("opencc"))


def tool_versions() -> tuple[str, str]:
    """WeasyPrint's and OpenCC's versions, as the outputs' keys take them."""
    return _version("weasyprint"), _opencc_version()


def versions(*, pdf: bool) -> str:
    """docpub's version, and WeasyPrint's when the output is a PDF."""
    return digest(__version__, _version("weasyprint") if pdf else "")
