"""The UN document-symbol grammar: parse a written symbol, name its kind, build its URL.

Only Latin-script symbols live here (``S/RES/2512 (2020)``, ``SC/14128`` ...);
the Chinese ways of citing them (``第2512(2020)号决议``) are prose and belong to
``docpub.transforms.citations``. Nothing here does I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from msgspec import Struct

from docpub.config import UrlTemplates
from docpub.model import CitationKind

# Spaces that PDF extraction and typists leave inside a symbol ("2512 (2020)").
_SP = r"[ \t\u00a0\u3000]*"
_SUFFIX = r"(?P<sfx>(?:/(?:Add|Corr|Rev)\.\d+)*)"


class Symbol(Struct, frozen=True):
    """A parsed UN document symbol.

    ``number`` is the serial part as written in the symbol (``2512``, ``68/268``,
    ``14128``); ``year`` is the year the symbol itself carries, if any. A press
    release's symbol carries no year, which is why ``url_for`` asks for one.
    """

    canonical: str
    kind: CitationKind
    number: str
    year: int | None = None


Builder = Callable[[re.Match[str]], Symbol]


def _sc_resolution(m: re.Match[str]) -> Symbol:
    n, y = str(int(m["n"])), m["y"]
    if y is None:
        return Symbol(f"S/RES/{n}", "resolution", n)
    return Symbol(f"S/RES/{n} ({y})", "resolution", n, int(y))


def _ga_resolution(m: re.Match[str]) -> Symbol:
    number = f"{int(m['s'])}/{int(m['n'])}"
    return Symbol(f"A/RES/{number}", "resolution", number)


def _prst(m: re.Match[str]) -> Symbol:
    y, n = m["y"], str(int(m["n"]))
    return Symbol(f"S/PRST/{y}/{n}", "presidential_statement", n, int(y))


def _press(m: re.Match[str]) -> Symbol:
    n = str(int(m["n"]))
    return Symbol(f"SC/{n}", "press_release", n)


def _meeting(m: re.Match[str]) -> Symbol:
    n = str(int(m["n"]))
    return Symbol(f"S/PV.{n}", "meeting", n)


def _sc_document(m: re.Match[str]) -> Symbol:
    y, n = m["y"], str(int(m["n"]))
    return Symbol(f"S/{y}/{n}{m['sfx']}", "document", n, int(y))


def _ga_document(m: re.Match[str]) -> Symbol:
    number = f"{int(m['s'])}/{int(m['n'])}"
    return Symbol(f"A/{number}{m['sfx']}", "document", number)


# Most specific first: the first form that matches decides the kind.
_FORMS: tuple[tuple[re.Pattern[str], Builder], ...] = (
    (re.compile(rf"S/RES/(?P<n>\d+)(?:{_SP}[(（]{_SP}(?P<y>\d{{4}}){_SP}[)）])?"), _sc_resolution),
    (re.compile(r"A/RES/(?P<s>\d{1,3})/(?P<n>\d+)"), _ga_resolution),
    (re.compile(r"(?:S/)?PRST/(?P<y>\d{4})/(?P<n>\d+)"), _prst),
    (re.compile(r"SC/(?P<n>\d+)"), _press),
    (re.compile(r"S/PV\.(?P<n>\d+)"), _meeting),
    (re.compile(rf"S/(?P<y>\d{{4}})/(?P<n>\d+){_SUFFIX}"), _sc_document),
    (re.compile(rf"A/(?P<s>\d{{2}})/(?P<n>\d+){_SUFFIX}"), _ga_document),
)

# A symbol in running text must not be glued to a longer Latin token
# ("XS/2020/1", "S/2020/1390"), yet may end a sentence ("S/PV.8733.").
_BEFORE = r"(?<![0-9A-Za-z/._-])"
_AFTER = r"(?![0-9A-Za-z/_-]|\.[0-9A-Za-z])"
_IN_TEXT = tuple((re.compile(_BEFORE + p.pattern + _AFTER), b) for p, b in _FORMS)


def parse_symbol(text: str) -> Symbol | None:
    """The symbol ``text`` spells, in any common written form, else None.

    ``PRST/2020/3`` gains its missing ``S/``; ``S/RES/2512(2020)`` gains the
    space UN style puts before a parenthesised year. Full-width characters
    are folded first, so ``S／RES／2512（2020）`` parses too.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    for pattern, build in _FORMS:
        m = pattern.fullmatch(text)
        if m:
            return build(m)
    return None


def iter_symbols(text: str) -> Iterator[tuple[int, int, Symbol]]:
    """Every Latin-script symbol written in ``text``: (start, end, symbol), in order."""
    found: list[tuple[int, int, Symbol]] = []
    if "/" not in text:  # every form has one: most text is looked at once, not once per form
        return
    for pattern, build in _IN_TEXT:
        found.extend((m.start(), m.end(), build(m)) for m in pattern.finditer(text))
    found.sort(key=lambda f: (f[0], -f[1]))
    end = 0
    for start, stop, symbol in found:
        if start >= end:
            yield start, stop, symbol
            end = stop


def url_for(symbol: Symbol, urls: UrlTemplates, *, year: int | None) -> str:
    """Where ``symbol`` is published.

    ``year`` is only used for press releases, whose address holds the year the
    release was issued; the symbol does not carry it. A press release without a
    year raises ValueError rather than guess: a wrong year is a broken link
    that looks right, and callers always know some year (the document's date).
    """
    if symbol.kind == "press_release":
        if year is None:
            raise ValueError(f"press release {symbol.canonical} needs the year it was issued")
        return urls.press_release.format(year=year, number=symbol.number)
    # undocs.org resolves "S/RES/2512(2020)", not the spaced display form.
    compact = symbol.canonical.replace(" ", "")
    return urls.document.format(lang=urls.document_lang, symbol=compact)


__all__ = ["Symbol", "iter_symbols", "parse_symbol", "url_for"]
