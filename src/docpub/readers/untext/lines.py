"""Input lines -> blocks of text, with the page furniture of the PDF taken out."""

from __future__ import annotations

import re

from msgspec import Struct

from docpub.readers.linebreaks import unwrap
from docpub.readers.untext.report import Log

_SYMBOL = re.compile(r"S/\d{4}/\d+(?:/[\w.]+)*")

# Page furniture: never text, whatever page it sits on.
_FURNITURE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\d{1,3}|-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3}"), "page number"),
    (re.compile(r"\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})*"), "job number"),
    (re.compile(r"\d{7}[A-Z]"), "job number"),
    (re.compile(r"\*\d{7}\*"), "barcode"),
)

# Several furniture items on one line, as a footer or header prints them side by side
# ("21-03001      3", "3      21-03001 (C)    050321    050321", "S/2021/230    2/5").
_ITEM = re.compile(
    r"(?:(?P<symbol>S/\d{4}/\d+(?:/[\w.]+)*)"
    r"|(?P<job>\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})*|\d{7}[A-Z])"
    r"|(?P<barcode>\*\d{7}\*)"
    r"|(?P<page>\d{1,3}|-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3}))(?=\s|$)")
_ITEM_NAMES = {"symbol": "symbol", "job": "job number", "barcode": "barcode",
               "page": "page number"}

_TERMINAL = "。！？；：”）」』…!?;"
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
_LATIN = r"[0-9A-Za-z\u00c0-\u024f]"
_GAP = re.compile(rf"(?<={_HAN})[ \t\u00a0]+(?={_LATIN})|(?<={_LATIN})[ \t\u00a0]+(?={_HAN})")

_Line = tuple[int, str]  # (line number, stripped text)


class TextBlock(Struct, frozen=True):
    """Consecutive non-blank input lines."""

    line: int
    lines: tuple[_Line, ...]
    after_break: bool = False  # page furniture or a form feed came before it

    @property
    def text(self) -> str:
        return unwrap([t for _, t in self.lines])


def read_blocks(text: str, log: Log) -> tuple[list[TextBlock], str]:
    """Blocks of text with page furniture removed, and the document symbol if printed."""
    lines = _physical_lines(text)
    symbol, furniture = _furniture(lines, log)
    blocks: list[TextBlock] = []
    run: list[_Line] = []
    broken = False
    for i, (n, t) in enumerate([*lines, (0, "")]):
        if t and i not in furniture:
            run.append((n, t))
            continue
        if run:
            blocks.append(TextBlock(run[0][0], tuple(run), broken))
            run, broken = [], False
        broken = broken or i in furniture
    return blocks, symbol


def ends_sentence(text: str) -> bool:
    return text[-1:] in _TERMINAL or text.endswith("……")


def repaired(line: int, text: str, log: Log) -> str:
    """Text without the extraction's spaces between Han and digits/Latin letters."""
    fixed, n = _GAP.subn("", text)
    if n:
        log.repair(line, f"removed {n} space(s) between Han characters and digits/Latin letters")
    return fixed


def _physical_lines(text: str) -> list[_Line]:
    """A form feed becomes a line of its own."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[_Line] = []
    for n, raw in enumerate(text.split("\n"), 1):
        for k, part in enumerate(raw.split("\f")):
            if k:
                out.append((n, "\f"))
            out.append((n, part.strip()))
    return out


def _furniture(lines: list[_Line], log: Log) -> tuple[str, set[int]]:
    """Indexes of page-furniture lines; the first symbol line gives the symbol."""
    symbol, found = "", set()
    for i, (n, t) in enumerate(lines):
        if t == "\f":
            found.add(i)
            log.repair(n, "removed a form feed (page break)")
        elif _SYMBOL.fullmatch(t):
            found.add(i)
            if symbol:
                log.repair(n, f"removed running header '{t}'")
            symbol = symbol or t
        elif kind := _furniture_kind(t):
            found.add(i)
            log.repair(n, f"removed {kind} '{t}'")
        elif parts := _furniture_items(t):
            found.add(i)
            kinds = " and ".join(dict.fromkeys(_ITEM_NAMES[k] for k, _ in parts))
            log.repair(n, f"removed page furniture ({kinds}) '{t}'")
            symbol = symbol or next((v for k, v in parts if k == "symbol"), "")
    found |= _running_titles(lines, found, log)
    return symbol, found


def _furniture_kind(text: str) -> str:
    for pattern, kind in _FURNITURE:
        if pattern.fullmatch(text):
            return kind
    return ""


def _furniture_items(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` of each item of a line printing several furniture items, else [].

    At least one item must be a job number, barcode or symbol, and at most one a
    page number: two bare numbers side by side may be a table row.
    """
    parts: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _ITEM.match(text, pos)
        if m is None or m.lastgroup is None:
            return []
        parts.append((m.lastgroup, m.group(m.lastgroup)))
        pos = len(text) - len(text[m.end():].lstrip())
    kinds = [k for k, _ in parts]
    if len(parts) < 2 or kinds.count("page") > 1 or kinds.count("page") == len(kinds):
        return []
    return parts


def _running_titles(lines: list[_Line], furniture: set[int], log: Log) -> set[int]:
    """A short line printed again next to page furniture is a running header."""
    seen: dict[str, int] = {}
    for _, t in lines:
        seen[t] = seen.get(t, 0) + 1
    found = set()
    for i, (n, t) in enumerate(lines):
        if (t and i not in furniture and seen[t] > 1 and len(t) <= 60
                and not ends_sentence(t) and _touches(lines, i, furniture)):
            found.add(i)
            log.repair(n, f"removed running header '{t}'")
    return found


def _touches(lines: list[_Line], i: int, furniture: set[int]) -> bool:
    """Whether the nearest non-blank line above or below is page furniture."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j][1]:
            j += step
        if j in furniture:
            return True
    return False
