"""A content file's YAML front matter -> Meta, each mistake reported at its line."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import yaml
from msgspec.structs import replace

from docpub.errors import DocpubError, Problem, did_you_mean, raise_problems
from docpub.files import control_character
from docpub.model import DOCUMENT_KINDS, Meta
from docpub.readers.urls import scheme

# The order the Markdown writer uses; also the set of allowed keys.
FRONT_MATTER_KEYS: tuple[str, ...] = (
    "title", "title_en", "kind", "symbol", "date", "letter_date", "meeting", "meeting_date",
    "agenda_item", "job", "distribution", "original_language", "author", "author_en", "presidency",
    "period", "annex_title_en", "links",
)
# The title may instead be the text's first level-1 heading (readers/markdown.py).
REQUIRED_KEYS = ("date",)
_DATE_KEYS = ("date", "letter_date", "meeting_date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
DISTRIBUTIONS = ("General", "Limited")
_SHOWN = 40  # characters of a bad value an error message repeats

_Entries = dict[str, tuple[int, Any]]  # key -> (line in the file, value)

# What the body is read with when the front matter has mistakes: it is never published.
PLACEHOLDER_META = Meta(title="?", date=date(1970, 1, 1))
NO_TITLE = ""  # Meta.title until the text's first '# ' heading gives one
_REPORTED = object()  # an entry's value that could not be read; already reported


class _Loader(yaml.SafeLoader):
    """YAML without aliases: ``*name`` would let a few lines expand to gigabytes ("billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases ('*name') are not allowed in front matter; write the value out", mark)
        return super().compose_node(parent, index)


def check_front_matter_end(text: str, source: str) -> None:
    """A '...' line ending the front matter: YAML allows it, but the format ends it with '---'.

    Accepting both would make the text after '...' (up to a later '---') silently part
    of the page, so it is an error at that line.
    """
    if not text.startswith("---\n"):
        return
    for number, line in enumerate(text.split("\n")[1:], 2):
        stripped = line.rstrip()
        if stripped.startswith("---") and not stripped.strip("-"):
            return
        if stripped == "...":
            raise DocpubError(source, number, "front matter must end with a '---' line, not '...'")


class _Invalid(Exception):
    """A value that was reported and is left out of the Meta."""


class _Report:
    """Collects the front matter's independent mistakes, each with its line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems

    def add(self, line: int | None, reason: str) -> _Invalid:
        self.problems.append(Problem(self.source, line, reason))
        return _Invalid(reason)


def read_front_matter(block: str | None, *, file_text: str, source: str) -> Meta:
    """``block`` is the text between the '---' lines; None if the file has none.

    Raises a DocpubError for one mistake, a ManyErrors for several.
    """
    problems: list[Problem] = []
    meta = collect_front_matter(block, file_text=file_text, source=source, problems=problems)
    raise_problems(problems)
    return meta


def collect_front_matter(block: str | None, *, file_text: str, source: str,
                         problems: list[Problem]) -> Meta:
    """Like :func:`read_front_matter`, but appends every mistake to ``problems``.

    Returns ``PLACEHOLDER_META`` if there was any; raises at once only when there is
    no front matter to read (none, not closed, malformed YAML).
    """
    if block is None:
        reason = ("front matter is not closed: add a '---' line after it"
                  if file_text.startswith("---\n") else
                  "no front matter: the file must start with a '---' line, then title: and date:")
        raise DocpubError(source, 1, reason)
    report = _Report(source, problems)
    before = len(problems)
    entries = _yaml_mapping(block, report)
    meta = _meta_from(entries, report) if entries is not None else None
    if meta is not None and len(problems) == before:
        return meta
    # Still read the text's title, so that a missing one is reported with the rest.
    untitled = entries is not None and "title" not in entries
    return replace(PLACEHOLDER_META, title=NO_TITLE) if untitled else PLACEHOLDER_META


# Front matter is a few 'key: value' lines. PyYAML builds a value by recursion, so a few hundred
# '[' (a list in a list in a list ...) would exhaust Python's stack: deeper than this is an error.
MAX_DEPTH = 20


def _fast_loader(text: str, source: str) -> yaml.SafeLoader:
    """The front matter's loader: libyaml's parser when it is there and the text is plain YAML.

    Text with an alias, or that libyaml cannot read, gets the Python loader, whose messages
    (with their lines) are the ones reported. A value nested deeper than ``MAX_DEPTH`` is an
    error, found in the parser's events (a flat stream) before anything is built.
    """
    if yaml.__with_libyaml__:
        try:
            if not _has_alias(yaml.parse(text, Loader=yaml.CSafeLoader), source):
                return yaml.CSafeLoader(text)  # type: ignore[return-value]
        except yaml.YAMLError:
            pass
    with contextlib.suppress(yaml.YAMLError):  # (the loader reports it, with its line)
        _has_alias(yaml.parse(text, Loader=yaml.SafeLoader), source)
    return _Loader(text)


def _has_alias(events: Iterable[yaml.Event], source: str) -> bool:
    """Whether ``events`` hold an alias; an error if they nest deeper than ``MAX_DEPTH``."""
    alias, depth = False, 0
    for event in events:
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise DocpubError(source, mark.line + 2 if mark is not None else None,
                                  f"front matter nested deeper than {MAX_DEPTH} levels (lists or mappings "
                                  "inside each other); write the value out flat")
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1
        alias = alias or isinstance(event, yaml.AliasEvent)
    return alias


def _yaml_mapping(text: str, report: _Report) -> _Entries | None:
    """YAML starts on line 2 of the file; None (reported) if it holds no mapping."""
    try:
        loader = _fast_loader(text, report.source)
    except yaml.reader.ReaderError as e:  # a character YAML refuses, found before any parse
        line = text.count("\n", 0, e.position) + 2
        raise DocpubError(report.source, line, f"malformed YAML front matter: character "
                          f"U+{e.character if isinstance(e.character, int) else 0:04X} is not allowed") from None
    try:
        root = loader.get_single_node()
        if root is None:
            report.add(1, "front matter is empty: title and date are required")
            return None
        if not isinstance(root, yaml.MappingNode):
            report.add(root.start_mark.line + 2, "front matter must be a mapping of 'key: value' lines")
            return None
        return _yaml_entries(loader, root, report)
    except yaml.MarkedYAMLError as e:
        raise DocpubError(report.source, _yaml_error_line(e), _yaml_reason(e)) from None
    finally:
        loader.dispose()


def _yaml_reason(e: yaml.MarkedYAMLError) -> str:
    return f"malformed YAML front matter: {e.problem}" + (f" ({e.context})" if e.context else "")


def _yaml_error_line(e: yaml.MarkedYAMLError) -> int:
    # An unclosed bracket or quote is noticed lines later; the author's mistake
    # is where it was opened.
    opened = e.context and ("flow" in e.context or "quoted" in e.context)
    mark = (e.context_mark if opened else None) or e.problem_mark or e.context_mark
    return mark.line + 2 if mark else 1


_NODE_KINDS = {yaml.SequenceNode: "list", yaml.MappingNode: "mapping"}


def _yaml_entries(loader: yaml.SafeLoader, root: yaml.MappingNode, report: _Report) -> _Entries:
    out: _Entries = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode):  # (``? [a, b]`` or ``{a: 1}: x``)
            report.add(line, f"a front matter key is a name (title:), not a {_NODE_KINDS.get(type(key_node), 'value')}")
            continue
        key = key_node.value
        if key not in FRONT_MATTER_KEYS:
            hint = did_you_mean(str(key), FRONT_MATTER_KEYS)
            report.add(line, f"unknown front matter key {_shown(key)}{hint}")
        elif key in out:
            report.add(line, f"front matter key '{key}' is given twice")
        else:
            try:
                out[key] = (line, _no_surrogates(loader.construct_object(value_node, deep=True)))
            except ValueError as e:  # YAML accepts 2020-13-45 as a timestamp, Python does not
                out[key] = (line, _REPORTED)
                report.add(line, f"'{key}': {e}")
            except yaml.MarkedYAMLError as e:  # e.g. an unknown tag: this value only
                out[key] = (line, _REPORTED)
                report.add(_yaml_error_line(e), _yaml_reason(e))
    return out


def _no_surrogates(value: Any) -> Any:
    """YAML escapes can write half a UTF-16 pair ("\\ud800"), which is no character at all."""
    if isinstance(value, str) and (m := _SURROGATE.search(value)):
        raise ValueError(f"'\\u{ord(m.group()):04x}' is half of a UTF-16 pair, not a character")
    if isinstance(value, dict):
        for k, v in value.items():
            _no_surrogates(k)
            _no_surrogates(v)
    elif isinstance(value, list):
        for x in value:
            _no_surrogates(x)
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(value: Any) -> str:
    """A bad value as an error message repeats it: short, whatever its size."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _meta_from(entries: _Entries, report: _Report) -> Meta | None:
    """The Meta, or None if a mistake was reported."""
    before = len(report.problems)
    for key in REQUIRED_KEYS:
        if key not in entries:
            report.add(1, f"front matter has no '{key}' (required)")
    values: dict[str, Any] = {"title": NO_TITLE}
    unread = False
    for key, (line, value) in entries.items():
        if value is _REPORTED:
            unread = True
            continue
        if code := next(filter(None, map(control_character, _strings(value))), ""):  # ("\x1b", "\u000b")
            report.add(line, f"'{key}' holds control character {code} (it prints as nothing): delete it")
            continue
        try:
            values[key] = _meta_value(key, value, report, line)
        except _Invalid:
            continue
    return None if unread or len(report.problems) > before else Meta(**values)


def _strings(value: Any) -> Iterator[str]:
    """The strings in a front matter value (a mapping's keys and values, a list's items)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _meta_value(key: str, value: Any, report: _Report, line: int) -> Any:
    if key in _DATE_KEYS:
        return _date(key, value, report, line)
    if key == "links":
        return _links(value, report, line)
    if key == "meeting":
        if type(value) is not int or value < 1:
            raise report.add(line, f"'meeting' must be the meeting's number, e.g. 8733, not {_shown(value)}")
        return value
    if not isinstance(value, str):
        raise report.add(line, f"'{key}' must be text; put the value in quotes")
    if key == "period" and not _period_ok(value):
        raise report.add(line, "'period' must be YYYY-MM (a real month) or YYYY-MM-DD/YYYY-MM-DD "
                         f"(real dates, in order), not {_shown(value)}")
    if key == "distribution" and value not in DISTRIBUTIONS:
        raise report.add(line, f"'distribution' must be {' or '.join(DISTRIBUTIONS)}, not {_shown(value)}")
    if key == "title" and not value:
        raise report.add(line, "'title' is empty")
    if key == "kind" and value not in DOCUMENT_KINDS:
        hint = did_you_mean(value, DOCUMENT_KINDS)
        raise report.add(line, f"unknown kind {_shown(value)}{hint}; known: {', '.join(DOCUMENT_KINDS)}")
    return value


def _period_ok(value: str) -> bool:
    """``2020-02`` or ``2020-02-01/2020-02-29``: real months and dates, the start not after the end."""
    if m := _MONTH.fullmatch(value):
        return 1 <= int(m.group(2)) <= 12
    start, _, end = value.partition("/")
    if not (_ISO_DATE.fullmatch(start) and _ISO_DATE.fullmatch(end)):
        return False
    try:
        return date.fromisoformat(start) <= date.fromisoformat(end)
    except ValueError:
        return False


def _date(key: str, value: Any, report: _Report, line: int) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as e:
            raise report.add(line, f"'{key}': {e}") from None
    if isinstance(value, date) and type(value) is date:  # datetime is a date subclass
        return value
    raise report.add(line, f"'{key}' must be a date written YYYY-MM-DD, not {_shown(value)}")


def _links(value: Any, report: _Report, line: int) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise report.add(line, "'links' must map document symbols to URLs (text)")
    bad = [symbol for symbol, url in value.items() if scheme(url) not in ("http", "https")]
    for symbol in bad:
        report.add(line, f"'links': {symbol}: URL must start with https://")
    if bad:
        raise _Invalid("links")
    return tuple(value.items())
