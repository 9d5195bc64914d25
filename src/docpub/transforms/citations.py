"""Find cited UN documents in Chinese running text and turn them into ``Citation`` nodes.

Two grammars meet here: Latin symbols written as such (``S/2020/139``,
``(SC/14128)``, ``PRST/2020/3号主席声明``), parsed by ``docpub.symbols``, and the
Chinese citation forms of resolutions and meetings (``第2512(2020)号决议``,
``大会第68/268号决议``, ``安理会第8733次会议``), which are prose and parsed here.
Both accept the stray spaces (ASCII space, tab, NBSP, full-width space) that
typists and PDF extraction leave between the parts (``第 8733 次会议``).

A press release's URL holds the year it was issued, which its symbol does not
carry, so the year comes from the nearest date written before the citation in
the same text run, else from the paragraph's first date, else from the
document (``meta.period``'s first year, else ``meta.date``'s year).

A date with its year (``2019年12月30日``) names that year; one without
(``1月2日``) is dated against, in order:

1. a full date written earlier in the same text: the year (that date's year,
   or the one before or after) that puts it nearest to that date;
2. ``meta.period`` (a month ``2020-12`` is the range of its days): the year
   that puts it inside the period, else nearest to it (``1月2日`` in a
   ``2020-12`` assessment is 2021-01-02, not eleven months before the period);
3. ``meta.date``, the distribution date: the latest year that does not put it
   after that date, since a document reports what happened before it was
   distributed (``12月30日`` in a document distributed 2021-02-15 is 2020).

A month and day no year can hold (``2月30日``, ``2月29日`` with no leap year
among the candidates) is not a date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar, overload

from docpub.config import UrlTemplates
from docpub.model import (
    CITATION_KINDS,
    Annex,
    Citation,
    CitationKind,
    Document,
    Emphasis,
    Inline,
    Meta,
    Node,
    Paragraph,
    Section,
    Signature,
    Strong,
    Text,
    Tree,
    is_node,
    iter_inlines,
    plain_text,
)
from docpub.symbols import Symbol, iter_symbols, parse_symbol, url_for

_SP = r"[ \t\u00a0\u3000]*"
_SC_NO = rf"(?P<n>\d{{1,4}}){_SP}[(（]{_SP}(?P<y>\d{{4}}){_SP}[)）]"
_GA_NO = r"(?P<s>\d{1,3})/(?P<n>\d{1,4})"
_SEP = rf"{_SP}(?:、|，|,|以及|和|及|与|或){_SP}"


def _list_pattern(number: str) -> re.Pattern[str]:
    # "第825(1993)号、第1540(2004)号和第1928(2010)号决议": the last number carries 决议.
    bare = re.sub(r"\?P<\w+>", "", number)
    return re.compile(
        rf"第{_SP}{bare}(?:{_SP}号?{_SEP}第?{_SP}{bare})*{_SP}号{_SP}(?:等{_SP})?决议"
    )


_SC_LIST = _list_pattern(_SC_NO)
# Only the General Assembly numbers resolutions "session/serial"; other organs
# that do (人权理事会第31/1号决议) have symbols we cannot build, so 大会 is required.
_GA_LIST = re.compile(rf"大会{_SP}(?P<list>{_list_pattern(_GA_NO).pattern})")
_SC_ITEM = re.compile(rf"第?{_SP}{_SC_NO}(?:{_SP}号)?")
_GA_ITEM = re.compile(rf"第?{_SP}{_GA_NO}(?:{_SP}号)?")

# Security Council meetings passed no. 1000 in 1962, and a four-digit number is
# what modern texts cite; the sentence must name the Council and the number must
# not belong to another body (委员会第1234次会议).
_MEETING = re.compile(rf"第{_SP}(?P<n>\d{{4,5}}){_SP}次{_SP}会议")
_COUNCIL = re.compile(r"安全理事会|安理会")
_OTHER_BODY = re.compile(rf"(?:委员会|工作组|小组|大会|(?<!安全)理事会){_SP}$")
_SENTENCE_END = "。！？；!?;\n"

# "2019年12月30日" or, its year left to the reader, "12月30日"; "2020年2月" is no date.
_DATE = re.compile(
    rf"(?<!\d)(?:(?P<y>\d{{4}}){_SP}年{_SP})?(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"
)


@dataclass(frozen=True, slots=True)
class Found:
    """A citation found in a string: ``text[start:end]`` is the span to link."""

    start: int
    end: int
    symbol: Symbol


def _resolution_lists(text: str) -> Iterator[Found]:
    for pattern, item, group in ((_SC_LIST, _SC_ITEM, 0), (_GA_LIST, _GA_ITEM, "list")):
        for m in pattern.finditer(text):
            base, span = m.start(group), m.group(group)
            items = list(item.finditer(span))
            for i, it in enumerate(items):
                end = len(span) if i == len(items) - 1 else it.end()
                symbol = _resolution_symbol(it)
                if symbol is not None:
                    yield Found(base + it.start(), base + end, symbol)


def _resolution_symbol(m: re.Match[str]) -> Symbol | None:
    if "y" in m.re.groupindex:
        return parse_symbol(f"S/RES/{m['n']} ({m['y']})")
    return parse_symbol(f"A/RES/{m['s']}/{m['n']}")


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in _SENTENCE_END) + 1
    rights = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    return text[left:min(rights, default=len(text))]


def _meetings(text: str) -> Iterator[Found]:
    for m in _MEETING.finditer(text):
        if _OTHER_BODY.search(text, 0, m.start()):
            continue
        if _COUNCIL.search(_sentence(text, m.start(), m.end())):
            symbol = parse_symbol(f"S/PV.{m['n']}")
            if symbol is not None:
                yield Found(m.start(), m.end(), symbol)


def find_symbols(text: str) -> list[Found]:
    """Every citation in ``text``, in order, none overlapping another."""
    found = [Found(s, e, sym) for s, e, sym in iter_symbols(text)]
    found += [*_resolution_lists(text), *_meetings(text)]
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Found] = []
    for f in found:
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


# --- suspects -----------------------------------------------------------------

_SUSPECT = re.compile(
    r"(?<![0-9A-Za-z/._-])(?:S|A|SC|PRST)/[0-9A-Z][0-9A-Za-z/._-]*"
    r"|第[^第号。，；、\n]{1,20}?号(?:决议|主席声明)"
)


def find_suspects(text: str) -> list[str]:
    """Citation-like strings in ``text`` that are not citations we can link.

    For ``docpub check``: ``S/RES/abc``, ``第xx号决议``, ``第2512号决议`` (no
    year), and symbols of series this grammar does not know (``A/HRC/RES/31/1``).
    """
    spans = [(f.start, f.end) for f in find_symbols(text)]
    out: list[str] = []
    for m in _SUSPECT.finditer(text):
        start, end = m.start(), m.start() + len(m.group().rstrip("."))
        if not any(s <= start and end <= e for s, e in spans):
            out.append(text[start:end])
    return out


# --- the transform ------------------------------------------------------------


def _on(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _period_span(period: str) -> tuple[dt.date, dt.date] | None:
    """``meta.period`` as its first and last day; None when it is empty or malformed."""
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
            year, month = int(m[1]), int(m[2])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", period):
            start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
            return (start, end) if start <= end else (end, start)
    except ValueError:
        pass
    return None


def _nearest_year(month: int, day: int, start: dt.date, end: dt.date) -> int | None:
    """The year that puts month-day inside ``start..end``, else nearest to it.

    Candidates run from the year before ``start`` to the year after ``end``;
    a tie goes to the year nearer ``start``'s, then to the earlier.
    """
    def distance(d: dt.date) -> int:
        return max((start - d).days, (d - end).days, 0)

    candidates = [d for y in range(start.year - 1, end.year + 2) if (d := _on(y, month, day))]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (distance(d), abs(d.year - start.year), d.year)).year


@dataclass(frozen=True, slots=True)
class _Dating:
    """What a date written without its year is dated against: see the module docstring."""

    period: tuple[dt.date, dt.date] | None
    issued: dt.date  # meta.date, the distribution date

    @classmethod
    def of(cls, meta: Meta) -> _Dating:
        return cls(_period_span(meta.period), meta.date)

    def year(self, month: int, day: int, after: dt.date | None = None) -> int | None:
        if after is not None:
            return _nearest_year(month, day, after, after)
        if self.period is not None:
            return _nearest_year(month, day, *self.period)
        for year in (self.issued.year, self.issued.year - 1):
            d = _on(year, month, day)
            if d is not None and d <= self.issued:
                return year
        return None


def _date_years(text: str, dating: _Dating) -> list[int]:
    """The year of each date written in ``text``, in order; see the module docstring."""
    years: list[int] = []
    full: dt.date | None = None  # the last full date so far
    for m in _DATE.finditer(text):
        month, day = int(m["m"]), int(m["d"])
        if m["y"] is not None:
            years.append(int(m["y"]))  # a year written is a year meant, even on "2月30日"
            full = _on(int(m["y"]), month, day) or full
        elif (year := dating.year(month, day, full)) is not None:
            years.append(year)
    return years


@dataclass(frozen=True, slots=True)
class _Context:
    urls: UrlTemplates
    overrides: dict[str, str]
    dating: _Dating
    year: int  # the press-release year when the text gives none of its own

    def within(self, text: str) -> _Context:
        years = _date_years(text, self.dating)
        return replace(self, year=years[0]) if years else self


def _doc_year(meta: Meta) -> int:
    m = re.match(r"(\d{4})", meta.period)
    return int(m.group(1)) if m else meta.date.year


def _overrides(meta: Meta) -> dict[str, str]:
    out: dict[str, str] = {}
    for written, url in meta.links:
        symbol = parse_symbol(written)
        out[symbol.canonical if symbol else written] = url
    return out


def _url(symbol: Symbol, before: str, ctx: _Context) -> str:
    if symbol.canonical in ctx.overrides:
        return ctx.overrides[symbol.canonical]
    years = _date_years(before, ctx.dating)
    year = years[-1] if years else ctx.year
    return url_for(symbol, ctx.urls, year=year)


def _link_text(text: str, ctx: _Context) -> list[Inline]:
    out: list[Inline] = []
    at = 0
    for f in find_symbols(text):
        if f.start > at:
            out.append(Text(text[at:f.start]))
        url = _url(f.symbol, text[:f.start], ctx)
        children = (Text(text[f.start:f.end]),)
        out.append(Citation(children, f.symbol.canonical, f.symbol.kind, url))
        at = f.end
    if at < len(text):
        out.append(Text(text[at:]))
    return out


def _link_seq(seq: tuple[Inline, ...], ctx: _Context) -> tuple[Inline, ...]:
    # Link, Code and Citation are left whole: a citation inside a link would be a
    # link inside a link, and code is verbatim by definition.
    out: list[Inline] = []
    for x in seq:
        if isinstance(x, Text):
            out.extend(_link_text(x.text, ctx))
        elif isinstance(x, (Emphasis, Strong)):
            out.append(replace(x, children=_link_seq(x.children, ctx)))
        else:
            out.append(x)
    return tuple(out)


_NodeT = TypeVar("_NodeT", bound=Node)


# Rebuilding keeps every node's class, so the result has the type of the input.
@overload
def _rebuild(node: _NodeT, ctx: _Context) -> _NodeT: ...
@overload
def _rebuild(node: Tree, ctx: _Context) -> Tree: ...


def _rebuild(node: Tree, ctx: _Context) -> Tree:
    if isinstance(node, tuple):
        return tuple(_rebuild(x, ctx) for x in node)
    if isinstance(node, Paragraph):
        return replace(node, inlines=_link_seq(node.inlines, ctx.within(plain_text(node.inlines))))
    if isinstance(node, Signature):
        return replace(node, lines=tuple(_link_seq(line, ctx) for line in node.lines))
    if not is_node(node) or isinstance(node, Meta):
        return node
    changes: dict[str, Any] = {}  # field name -> new value, of that field's type
    for f in fields(node):
        value = getattr(node, f.name)
        if f.name in ("title", "caption"):
            changes[f.name] = _link_seq(value, ctx)
        elif isinstance(value, tuple) or is_node(value):
            changes[f.name] = _rebuild(value, ctx)
    return replace(node, **changes)


def link_citations(doc: Document, *, urls: UrlTemplates) -> Document:
    """``doc`` with every cited UN document in its text made a ``Citation``.

    A press release's year (part of its URL) is taken from the nearest date
    before it in the same text run, else the paragraph's first date, else
    ``meta.period``'s first year, else ``meta.date``'s year; a date written
    without its year is dated as the module docstring says. ``meta.links``
    overrides any computed URL.
    """
    ctx = _Context(urls, _overrides(doc.meta), _Dating.of(doc.meta), _doc_year(doc.meta))
    linked: Document = _rebuild(doc, ctx)
    return linked


# --- the list of cited documents ---------------------------------------------


@dataclass(frozen=True, slots=True)
class CitedDocument:
    """One cited document with where it is cited.

    ``paragraph_ids`` are the anchors of the citing paragraphs; a citation in a
    heading, caption or signature counts under its section's (or the annex's)
    anchor, and under none when it has no enclosing anchor.
    """

    symbol: str
    kind: CitationKind
    url: str
    count: int
    paragraph_ids: tuple[str, ...]


def _iter_cited(node: Tree, anchor: str) -> Iterator[tuple[Citation, str]]:
    if isinstance(node, tuple):
        for x in node:
            yield from _iter_cited(x, anchor)
    elif isinstance(node, Paragraph):
        here = node.id or anchor
        yield from ((x, here) for x in iter_inlines(node.inlines) if isinstance(x, Citation))
    elif isinstance(node, Citation):
        yield node, anchor
    elif is_node(node) and not isinstance(node, Meta):
        here = node.id if isinstance(node, (Section, Annex)) else anchor
        for f in fields(node):
            yield from _iter_cited(getattr(node, f.name), here)


def collect_citations(doc: Document) -> list[CitedDocument]:
    """The documents ``doc`` cites, by kind (``CITATION_KINDS`` order), then by first citation."""
    seen: dict[str, tuple[Citation, int, list[str]]] = {}
    for citation, anchor in _iter_cited(doc, ""):
        first, count, anchors = seen.get(citation.symbol, (citation, 0, []))
        if anchor and anchor not in anchors:
            anchors.append(anchor)
        seen[citation.symbol] = (first, count + 1, anchors)
    cited = [CitedDocument(c.symbol, c.kind, c.url, n, tuple(a)) for c, n, a in seen.values()]
    order = {kind: i for i, kind in enumerate(CITATION_KINDS)}
    return sorted(cited, key=lambda c: order[c.kind])  # stable: first appearance within a kind


__all__ = [
    "CitedDocument", "Found", "collect_citations", "find_suspects", "find_symbols",
    "link_citations",
]
