"""``docpub.toml`` -> one frozen, validated ``SiteConfig``.

Every key is known here; an unknown or mistyped key is an error naming the
key and the file, with a suggestion when one is close.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from msgspec import Struct

from docpub.errors import DocpubError, did_you_mean
from docpub.files import control_character, read_regular_text
from docpub.readers.urls import scheme
from docpub.templating import Theme, site_theme

CONFIG_NAME = "docpub.toml"
# A font name goes into CSS (site pages and the PDF); only what real family names use.
SAFE_FONT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$")
QuoteStyle = Literal["curly", "corner"]
SAFE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class Edition(Struct, frozen=True):
    tag: str  # BCP 47, also the folder name under build/site/
    label: str  # shown in the language switcher, in the edition's own script
    opencc: str = ""  # OpenCC config ("s2t", "s2tw", "s2hk"); empty = the source text
    glossaries: tuple[str, ...] = ()  # files under the site folder, applied before OpenCC
    forms: tuple[str, ...] = ()  # character-form tables under the site folder, applied after it
    font_serif: str = "Noto Serif CJK SC"
    font_sans: str = "Noto Sans CJK SC"
    # "corner": “ ” ‘ ’ become 「 」 『 』, as Taiwan and Hong Kong print them.
    quotes: QuoteStyle = "curly"
    # ASCII parentheses in Chinese text become full-width （） (transforms/typography.py).
    fullwidth_parentheses: bool = False


class UrlTemplates(Struct, frozen=True):
    # {lang} and {symbol}: https://undocs.org/zh/S/RES/2512(2020)
    document: str = "https://undocs.org/{lang}/{symbol}"
    # {year} and {number}: https://press.un.org/en/2020/sc14128.doc.htm
    press_release: str = "https://press.un.org/en/{year}/sc{number}.doc.htm"
    document_lang: str = "zh"


class SiteConfig(Struct, frozen=True):
    root: Path  # the site folder (holds docpub.toml, content/ and, optionally, templates/)
    title: str = "安全理事会文件"
    title_en: str = "Security Council documents"
    source_lang: str = "zh-Hans"
    editions: tuple[Edition, ...] = (Edition(tag="zh-Hans", label="简体中文"),)
    urls: UrlTemplates = UrlTemplates()
    content_dir: str = "content"
    templates_dir: str = "templates"
    # A larger content file is refused before it is read: a UN document is far smaller,
    # and laying out thousands of PDF pages would take minutes and gigabytes.
    max_content_kib: int = 2048
    # Where the site is published ("https://example.org/docs/"), always ending in "/".
    # Empty: every link stays relative and the site works from file://; set, the pages
    # get absolute canonical and hreflang links, and the build adds a sitemap, robots.txt
    # and feeds, which need absolute addresses.
    base_url: str = ""
    # A larger image is refused: the site is for documents, not for hosting files.
    max_image_kib: int = 5120
    # The newest documents a home lists; every document is on the page of its year.
    recent: int = 20
    # A content file citing more different documents is refused: each one cited has a page in
    # every edition, so a few bytes of symbols would make pages by the thousand. A year's
    # report of the Security Council cites some hundreds.
    max_cited: int = 2000

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def templates_path(self) -> Path:
        """The site's own templates: they override the default theme file by file (may not exist)."""
        return self.root / self.templates_dir

    @property
    def theme(self) -> Theme:
        return site_theme(self.templates_path)

    def edition(self, tag: str) -> Edition:
        for e in self.editions:
            if e.tag == tag:
                return e
        known = [e.tag for e in self.editions]
        raise DocpubError(
            str(self.root / CONFIG_NAME), None,
            f"unknown edition '{tag}'{did_you_mean(tag, known)}; known: {', '.join(known)}",
        )


_SITE_KEYS = {"title", "title_en", "source_lang", "content_dir", "templates_dir", "max_content_kib", "max_image_kib",
              "base_url", "recent", "max_cited"}
_LIMIT_KEYS = ("max_content_kib", "max_image_kib", "recent", "max_cited")
# An absolute http(s) address of a folder: no query, no fragment, no spaces or quotes.
_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$")
_EDITION_KEYS = {"tag", "label", "opencc", "glossaries", "forms", "font_serif", "font_sans", "quotes",
                 "fullwidth_parentheses"}
QUOTE_STYLES: tuple[QuoteStyle, ...] = ("curly", "corner")
_URL_KEYS = {"document", "press_release", "document_lang"}
# The fields of each URL template: the required one first.
URL_FIELDS: dict[str, tuple[str, ...]] = {"document": ("symbol", "lang"), "press_release": ("number", "year")}
_TOP_KEYS = {"site", "urls", "editions"}


def find_site_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds a docpub.toml, else ``start``'s folder."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return Path.cwd().resolve()


def load_config(root: Path) -> SiteConfig:
    """Read ``root/docpub.toml`` (all defaults when absent)."""
    root = root.resolve()
    path = root / CONFIG_NAME
    if not path.exists():
        return SiteConfig(root=root)
    try:
        data = tomllib.loads(read_regular_text(path))
    except tomllib.TOMLDecodeError as exc:
        line = _toml_line(str(exc))
        raise DocpubError(str(path), line, f"invalid TOML: {exc}") from None
    except RecursionError:  # (tomllib reads arrays and tables inside each other by recursion)
        raise DocpubError(str(path), None, "invalid TOML: arrays or tables nested hundreds deep") from None
    return _parse(root, path, data)


def _toml_line(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def _check_keys(path: Path, table: str, data: dict[str, Any], allowed: set[str]) -> None:
    for key in data:
        if key not in allowed:
            where = f"[{table}] " if table else ""
            raise DocpubError(
                str(path), _line_of(path, key),
                f"unknown key {where}'{key}'{did_you_mean(key, allowed)}",
            )


def line_containing(path: Path, text: str) -> int | None:
    """The first line of ``path`` that contains ``text`` (for errors found after loading)."""
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text in line:
                return n
    except OSError:
        pass
    return None


def _line_of(path: Path, key: str) -> int | None:
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(rf"\s*\[*\s*{re.escape(key)}\s*[\]=]", line):
                return n
    except OSError:
        pass
    return None


def _str(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise DocpubError(str(path), _line_of(path, where.split(".")[-1]), f"'{where}' must be a string")
    if code := control_character(value):  # (pages and feeds would carry it)
        raise DocpubError(str(path), _line_of(path, where.split(".")[-1]),
                          f"'{where}' holds control character {code} (it prints as nothing): delete it")
    return value


def _parse(root: Path, path: Path, data: dict[str, Any]) -> SiteConfig:
    _check_keys(path, "", data, _TOP_KEYS)
    site = data.get("site", {})
    _check_keys(path, "site", site, _SITE_KEYS)
    urls_raw = data.get("urls", {})
    _check_keys(path, "urls", urls_raw, _URL_KEYS)
    urls = UrlTemplates(**{k: _str(path, f"urls.{k}", v) for k, v in urls_raw.items()})
    for key, (required, *optional) in URL_FIELDS.items():
        _check_url_template(path, key, getattr(urls, key), required=required, allowed=(required, *optional))
    editions = tuple(_edition(path, i, raw) for i, raw in enumerate(data.get("editions", [])))
    kwargs: dict[str, Any] = {k: _str(path, f"site.{k}", v) for k, v in site.items() if k not in _LIMIT_KEYS}
    for key in _LIMIT_KEYS:
        if key in site:
            limit = site[key]
            if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
                raise DocpubError(str(path), _line_of(path, key), f"'site.{key}' must be a positive whole number")
            kwargs[key] = limit
    if "base_url" in kwargs:
        kwargs["base_url"] = _base_url(path, kwargs["base_url"])
    for key in ("content_dir", "templates_dir"):
        if key in kwargs:
            _inside(path, key, kwargs[key])
    if editions:
        kwargs["editions"] = editions
    config = SiteConfig(root=root, urls=urls, **kwargs)
    tags = [e.tag for e in config.editions]
    if len(set(tags)) != len(tags):
        raise DocpubError(str(path), None, "two editions share a tag")
    if config.source_lang not in tags:
        raise DocpubError(str(path), None,
                          f"site.source_lang '{config.source_lang}' is not one of the editions")
    return config


def _inside(path: Path, key: str, value: str) -> None:
    """A folder of the site's own (``content_dir``, ``templates_dir``) is a path relative to it
    that stays in it: nothing outside the site is listed or read as its content or theme."""
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if PurePosixPath(value).is_absolute() or ".." in parts or not [p for p in parts if p != "."]:
        example = key.removesuffix("_dir")
        raise DocpubError(str(path), _line_of(path, key),
                          f"'site.{key}' must be a folder in the site, named from it (such as '{example}'), "
                          f"not '{value}'")


def _base_url(path: Path, value: str) -> str:
    """The site's address, ending in "/" so that page paths join it as they are."""
    if not value:
        return ""
    if not _BASE_URL.fullmatch(value):
        raise DocpubError(str(path), _line_of(path, "base_url"),
                          f"'site.base_url' must be an http(s) address such as https://example.org/docs/, "
                          f"not '{value}'")
    return value if value.endswith("/") else value + "/"


def _check_url_template(path: Path, key: str, template: str, *, required: str,
                        allowed: tuple[str, ...]) -> None:
    """Only ``{name}`` fields of ``allowed``, ``required`` among them: checked here, not when a link is made."""
    def fail(reason: str) -> DocpubError:
        return DocpubError(str(path), _line_of(path, key), f"urls.{key}: {reason}")

    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)
                  if name is not None]
    except ValueError as exc:  # a lone '{' or '}'
        raise fail(f"{exc} (write a brace as '{{{{' or '}}}}')") from None
    names = ", ".join("{" + f + "}" for f in allowed)
    for name, spec, conv in fields:
        if name not in allowed:
            raise fail(f"unknown field '{{{name}}}'; the fields are {names}")
        if spec or conv:
            raise fail(f"field '{{{name}}}' takes no format or conversion; write it as {{{name}}}")
    if required not in (name for name, _, _ in fields):
        raise fail(f"must contain {{{required}}}")
    # Every citation links to what the template makes: a link the pages would not keep (another
    # scheme than http or https: "javascript:", "file:") is refused here, rather than made "#"
    # in every page. (A relative address, as for a copy of the documents beside the site, is kept.)
    if scheme(template) not in (None, "http", "https") or any(c.isspace() for c in template):
        raise fail(f"must be an http(s) address such as https://undocs.org/{{lang}}/{{symbol}} (or one relative "
                   f"to the page), not '{template}'")


def _edition(path: Path, index: int, raw: Any) -> Edition:
    if not isinstance(raw, dict):
        raise DocpubError(str(path), None, f"[[editions]] entry {index + 1} must be a table")
    _check_keys(path, "editions", raw, _EDITION_KEYS)
    for required in ("tag", "label"):
        if required not in raw:
            raise DocpubError(str(path), None, f"[[editions]] entry {index + 1} has no '{required}'")
    tag = _str(path, "editions.tag", raw["tag"])
    if not SAFE_TAG.fullmatch(tag):
        raise DocpubError(str(path), _line_of(path, "tag"),
                          f"edition tag '{tag}' is not a BCP 47 tag of letters, digits and '-'")
    glossaries, forms = _paths(path, raw, "glossaries"), _paths(path, raw, "forms")
    values = {k: _str(path, f"editions.{k}", v) for k, v in raw.items()
              if k not in ("glossaries", "forms", "quotes", "fullwidth_parentheses")}
    # Traditional editions print corner quotes unless told otherwise.
    quotes = _quote_style(path, raw.get("quotes", "corner" if raw.get("opencc") else "curly"))
    for key in ("font_serif", "font_sans"):
        if key in values and not SAFE_FONT.fullmatch(values[key]):
            raise DocpubError(str(path), _line_of(path, key),
                              f"'{key}' must be a font family name (letters, digits, spaces, '-' and '_')")
    parentheses = raw.get("fullwidth_parentheses", False)
    if not isinstance(parentheses, bool):
        raise DocpubError(str(path), _line_of(path, "fullwidth_parentheses"),
                          "'fullwidth_parentheses' must be true or false")
    return Edition(**values, glossaries=glossaries, forms=forms, quotes=quotes,
                   fullwidth_parentheses=parentheses)


def _paths(path: Path, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DocpubError(str(path), _line_of(path, key), f"'{key}' must be a list of paths")
    return tuple(value)


def _quote_style(path: Path, value: Any) -> QuoteStyle:
    for style in QUOTE_STYLES:
        if value == style:
            return style
    raise DocpubError(str(path), _line_of(path, "quotes"), f"'quotes' must be one of {', '.join(QUOTE_STYLES)}")
