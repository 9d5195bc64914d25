"""Where UN documents are cited in Chinese running text.

Two grammars meet here: Latin symbols written as such (``S/2020/139``,
``(SC/14128)``, ``PRST/2020/3号主席声明``), parsed by ``docpub.symbols``, and the
Chinese citation forms of resolutions and meetings (``第2512(2020)号决议``,
``大会第68/268号决议``, ``安理会第8733次会议``), which are prose and parsed here.
Both accept the stray spaces (ASCII space, tab, NBSP, full-width space) that
typists and PDF extraction leave between the parts (``第 8733 次会议``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from msgspec import Struct

from docpub.symbols import Symbol, iter_symbols, parse_symbol

_SP = r"[ \t\u00a0\u3000]*"
_SC_NO = rf"(?P<n>\d{{1,4}}){_SP}[(（]{_SP}(?P<y>\d{{4}}){_SP}[)）]"
_GA_NO = r"(?P<s>\d{1,3})/(?P<n>\d{1,4})"
_SEP = rf"{_SP}(?:、|，|,|以及|和|及|与|或){_SP}"


def _run_pattern(number: str) -> re.Pattern[str]:
    # "第825(1993)号、第1540(2004)号和第1928(2010)号决议": the last number carries 决议.
    # The run of numbers is matched whole (atomically), and what follows it checked
    # apart: a run that turns out not to end in 号决议 is never tried again from each
    # of its numbers, so a long run costs its length, not its length squared.
    bare = re.sub(r"\?P<\w+>", "", number)
    return re.compile(rf"第{_SP}{bare}(?>(?:{_SP}号?{_SEP}第?{_SP}{bare})*)")


_SC_RUN = _run_pattern(_SC_NO)
_GA_RUN = _run_pattern(_GA_NO)
_RESOLUTION_END = re.compile(rf"{_SP}号{_SP}(?:等{_SP})?决议")
# Only the General Assembly numbers resolutions "session/serial"; other organs
# that do (人权理事会第31/1号决议) have symbols we cannot build, so 大会 is required.
_GA_BEFORE = re.compile(rf"大会{_SP}\Z")
_LOOK_BACK = 40  # characters before a run searched for 大会 (and for another body, below)
_SC_ITEM = re.compile(rf"第?{_SP}{_SC_NO}(?:{_SP}号)?")
_GA_ITEM = re.compile(rf"第?{_SP}{_GA_NO}(?:{_SP}号)?")

# Security Council meetings passed no. 1000 in 1962, and a four-digit number is
# what modern texts cite; the sentence must name the Council and the number must
# not belong to another body (委员会第1234次会议).
_MEETING = re.compile(rf"第{_SP}(?P<n>\d{{4,5}}){_SP}次{_SP}会议")
_COUNCIL = re.compile(r"安全理事会|安理会")
_OTHER_BODY = re.compile(rf"(?:委员会|工作组|小组|大会|(?<!安全)理事会){_SP}$")
_SENTENCE_END = "。！？；!?;\n"
_SENTENCE_ENDS = re.compile(f"[{re.escape(_SENTENCE_END)}]")


class Found(Struct, frozen=True):
    """A citation found in a string: ``text[start:end]`` is the span to link.

    ``pinpoint`` is the paragraph cited (``第3(a)段`` -> ``3(a)``), "" for the whole document.
    """

    start: int
    end: int
    symbol: Symbol
    pinpoint: str = ""


# "第2512(2020)号决议第3段", "S/PRST/2020/3号主席声明第2(b)段", "S/2020/139号文件第12段".
_SUB = r"(?:[(（][a-z]{1,4}[)）])"
_PARAGRAPH = rf"第{_SP}(?P<n>\d{{1,4}})(?P<sub>(?:{_SP}{_SUB})*){_SP}段"
_PINPOINT = re.compile(rf"{_SP}(?:号{_SP})?(?:决议|主席声明|文件|报告)?{_SP}{_PARAGRAPH}")
_BARE_PINPOINT = re.compile(_PARAGRAPH)
_MORE_PARAGRAPHS = re.compile(rf"{_SEP}(?P<p>{_PARAGRAPH})")
_PARAGRAPHED = ("resolution", "presidential_statement", "document")  # meetings have no paragraphs
# A paragraph number right after a document we could not read cites that document, not this one.
_AFTER_OTHER = re.compile(r"(?:号(?:决议|主席声明|文件|报告)?|会议|[0-9A-Za-z/)）])[ \t\u00a0\u3000]*$")


def _pinpoint(m: re.Match[str]) -> str:
    subs = re.findall(r"[a-z]+", m["sub"])
    return m["n"] + "".join(f"({x})" for x in subs)


def with_pinpoints(text: str, found: list[Found]) -> list[Found]:
    """Each citation followed by a paragraph (``……号决议第3段``) takes it as its pinpoint;
    more paragraphs listed after it (``第3段和第5段``) are citations of the same document."""
    out: list[Found] = []
    for i, f in enumerate(found):
        limit = found[i + 1].start if i + 1 < len(found) else len(text)
        m = _PINPOINT.match(text, f.end) if f.symbol.kind in _PARAGRAPHED else None
        if m is None or m.end() > limit:
            out.append(f)
            continue
        out.append(Found(f.start, m.end(), f.symbol, _pinpoint(m)))
        more = _MORE_PARAGRAPHS.match(text, m.end())
        while more is not None and more.end() <= limit:
            out.append(Found(more.start("p"), more.end(), f.symbol, _pinpoint(more)))
            more = _MORE_PARAGRAPHS.match(text, more.end())
    return out


def bare_pinpoints(text: str, found: list[Found]) -> list[tuple[int, int, str]]:
    """``第3(a)段`` standing alone (``本决议第3(a)段``, ``上文第12段``): a paragraph of this document."""
    starts = [f.start for f in found]  # in order, none overlapping another
    out = []
    for m in _BARE_PINPOINT.finditer(text):
        n = bisect.bisect_left(starts, m.end()) - 1  # the one citation that could overlap it
        if (n >= 0 and found[n].end > m.start()) or _AFTER_OTHER.search(
                text, max(0, m.start() - _LOOK_BACK), m.start()):
            continue
        out.append((m.start(), m.end(), _pinpoint(m)))
    return out


def _resolution_runs(text: str, run: re.Pattern[str], *, after_ga: bool) -> Iterator[tuple[int, str]]:
    """``(start, span)`` of each list of resolution numbers that ends in 号决议."""
    for m in run.finditer(text):
        end = _RESOLUTION_END.match(text, m.end())
        if end is None:
            continue
        if after_ga and not _GA_BEFORE.search(text, max(0, m.start() - _LOOK_BACK), m.start()):
            continue
        yield m.start(), text[m.start():end.end()]


def _resolution_lists(text: str) -> Iterator[Found]:
    for run, item, after_ga in ((_SC_RUN, _SC_ITEM, False), (_GA_RUN, _GA_ITEM, True)):
        for base, span in _resolution_runs(text, run, after_ga=after_ga):
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


class _Sentences:
    """Whether the sentence around a place names the Council: each sentence looked at once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends: list[int] | None = None  # where sentences end, found when first asked
        self.council: dict[int, bool] = {}

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = [m.start() for m in _SENTENCE_ENDS.finditer(self.text)]
        return self._ends

    def name_the_council(self, at: int) -> bool:
        """Does the sentence holding ``text[at]`` name the Council?"""
        n = bisect.bisect_left(self.ends, at)  # sentence n ends at ends[n] (or at the end of the text)
        if n not in self.council:
            left = self.ends[n - 1] + 1 if n else 0
            right = self.ends[n] if n < len(self.ends) else len(self.text)
            self.council[n] = _COUNCIL.search(self.text, left, right) is not None
        return self.council[n]


def _meetings(text: str) -> Iterator[Found]:
    sentences = _Sentences(text)
    for m in _MEETING.finditer(text):
        # (a look-behind still sees the characters before ``pos``)
        if _OTHER_BODY.search(text, max(0, m.start() - _LOOK_BACK), m.start()):
            continue
        if sentences.name_the_council(m.start()):  # a meeting holds no sentence end
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
    return with_pinpoints(text, kept)


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
    found = find_symbols(text)  # in order, none overlapping another
    starts = [f.start for f in found]
    out: list[str] = []
    for m in _SUSPECT.finditer(text):
        start, end = m.start(), m.start() + len(m.group().rstrip("."))
        n = bisect.bisect_right(starts, start) - 1  # the one citation that could hold it
        if n < 0 or end > found[n].end:
            out.append(text[start:end])
    return out


__all__ = ["Found", "bare_pinpoints", "find_suspects", "find_symbols", "with_pinpoints"]
