"""A content file's YAML front matter -> Meta, each mistake reported at its line."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from docpub.errors import DocpubError, did_you_mean
from docpub.model import Meta
from docpub.readers.urls import scheme

# The order the Markdown writer uses; also the set of allowed keys.
FRONT_MATTER_KEYS: tuple[str, ...] = (
    "title", "title_en", "symbol", "date", "letter_date", "distribution", "original_language",
    "author", "author_en", "presidency", "period", "annex_title_en", "links",
)
REQUIRED_KEYS = ("title", "date")
_DATE_KEYS = ("date", "letter_date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERIOD = re.compile(r"\d{4}-\d{2}|\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}")

_Entries = dict[str, tuple[int, Any]]  # key -> (line in the file, value)


def read_front_matter(block: str | None, *, file_text: str, source: str) -> Meta:
    """``block`` is the text between the '---' lines; None if the file has none."""
    if block is None:
        reason = ("front matter is not closed: add a '---' line after it"
                  if file_text.startswith("---\n") else
                  "no front matter: the file must start with a '---' line, then title: and date:")
        raise DocpubError(source, 1, reason)
    return _meta_from(_yaml_mapping(block, source), source)


def _yaml_mapping(text: str, source: str) -> _Entries:
    """YAML starts on line 2 of the file."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise DocpubError(source, 1, "front matter is empty: title and date are required")
        if not isinstance(root, yaml.MappingNode):
            raise DocpubError(source, root.start_mark.line + 2,
                              "front matter must be a mapping of 'key: value' lines")
        return _yaml_entries(loader, root, source)
    except yaml.MarkedYAMLError as e:
        raise DocpubError(source, _yaml_error_line(e), f"malformed YAML front matter: "
                          f"{e.problem}" + (f" ({e.context})" if e.context else "")) from None
    finally:
        loader.dispose()


def _yaml_error_line(e: yaml.MarkedYAMLError) -> int:
    # An unclosed bracket or quote is noticed lines later; the author's mistake
    # is where it was opened.
    opened = e.context and ("flow" in e.context or "quoted" in e.context)
    mark = (e.context_mark if opened else None) or e.problem_mark or e.context_mark
    return mark.line + 2 if mark else 1


def _yaml_entries(loader: yaml.SafeLoader, root: yaml.MappingNode, source: str) -> _Entries:
    out: _Entries = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 2
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in FRONT_MATTER_KEYS:
            hint = did_you_mean(str(key), FRONT_MATTER_KEYS)
            raise DocpubError(source, line, f"unknown front matter key '{key}'{hint}")
        if key in out:
            raise DocpubError(source, line, f"front matter key '{key}' is given twice")
        try:
            out[key] = (line, loader.construct_object(value_node, deep=True))
        except ValueError as e:  # YAML accepts 2020-13-45 as a timestamp, Python does not
            raise DocpubError(source, line, f"'{key}': {e}") from None
    return out


def _meta_from(entries: _Entries, source: str) -> Meta:
    for key in REQUIRED_KEYS:
        if key not in entries:
            raise DocpubError(source, 1, f"front matter has no '{key}' (required)")
    values: dict[str, Any] = {}
    for key, (line, value) in entries.items():
        values[key] = _meta_value(key, value, source, line)
    if not values["title"]:
        raise DocpubError(source, entries["title"][0], "'title' is empty")
    return Meta(**values)


def _meta_value(key: str, value: Any, source: str, line: int) -> Any:
    if key in _DATE_KEYS:
        return _date(key, value, source, line)
    if key == "links":
        return _links(value, source, line)
    if not isinstance(value, str):
        raise DocpubError(source, line, f"'{key}' must be text; put the value in quotes")
    if key == "period" and not _PERIOD.fullmatch(value):
        raise DocpubError(source, line, "'period' must be YYYY-MM or YYYY-MM-DD/YYYY-MM-DD")
    return value


def _date(key: str, value: Any, source: str, line: int) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as e:
            raise DocpubError(source, line, f"'{key}': {e}") from None
    if isinstance(value, date) and type(value) is date:  # datetime is a date subclass
        return value
    raise DocpubError(source, line, f"'{key}' must be a date written YYYY-MM-DD, not {value!r}")


def _links(value: Any, source: str, line: int) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DocpubError(source, line, "'links' must map document symbols to URLs (text)")
    for symbol, url in value.items():
        if scheme(url) not in ("http", "https"):
            raise DocpubError(source, line, f"'links': {symbol}: URL must start with https://")
    return tuple(value.items())
