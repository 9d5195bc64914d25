"""Chinese typesetting for print: prose string -> escaped HTML with layout hooks.

The text a reader copies out of the PDF must be the text of the document, so nothing
here adds a visible character. What it does:

- an ASCII space between Han and a Latin or digit run is a source artefact (``2 月``):
  it is dropped;
- a number and the Han unit or counter after it (``2月``, ``4次``, ``2020年``,
  ``2512(2020)号``), and ``第`` before a number, are joined by U+2060 WORD JOINER so a
  line never breaks between them; the joiner has no glyph, so the PDF's text does not
  carry it;
- when two full-width punctuation marks meet (``。”``, ``）。``, ``，“``) the one whose
  blank half faces the other is wrapped in ``<span class="halt">`` so the font's
  ``halt`` feature sets it half-width. Which half is blank depends on the face: in
  Traditional faces the comma, full stop and their kin sit in the centre of the em
  (``centred=True``), so the mark after them gives up its blank half instead.

The space between Han and Latin letters and digits (clreq: about a quarter em) is not a
character either: ``gap_positions`` says after which characters of a laid-out text it goes,
and ``writers/justify.py`` makes it part of that glyph's advance in the PDF, so text
extractors, which read a gap between two glyphs as a word space, see none (docs/pdf.md).

``typeset`` is a ``NodeRenderer`` text function: it must escape everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

# CJK Unified Ideographs (+ Ext. A and compatibility) and the iteration mark 〇.
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = "0-9A-Za-z\u00c0-\u024f"
WORD_JOINER = "\u2060"

# A run starts and ends with a letter or digit; inside it may hold the marks symbols and
# numbers are written with (S/2020/139, 2512(2020), 3.5%) and single spaces between words.
_RUN = re.compile(
    rf"(?P<before>[{_HAN}])?(?P<space1>\x20)?"
    rf"(?P<run>[{_LATIN}](?:[{_LATIN}./:%&'’()\-]|\x20(?=[{_LATIN}]))*)"
)
_HAN_CHAR = re.compile(rf"[{_HAN}]")
# A Latin or digit run on its own (the text it is found in has been typeset already).
_RUN_ONLY = re.compile(rf"[{_LATIN}](?:[{_LATIN}./:%&'’()\-]|\x20(?=[{_LATIN}]))*")
# A quick test for a text with no Han-Latin boundary at all (most of them).
_BOUNDARY = re.compile(rf"[{_HAN}]{WORD_JOINER}?[{_LATIN}]|[{_LATIN})%]{WORD_JOINER}?[{_HAN}]")
# Han characters that belong with the number after them.
_BEFORE_NUMBER = set("第约近逾共每")

# Full-width marks by where their blank half lies (in Simplified faces the period and comma
# sit in the lower left, so they open to the right).
_CLOSING = set("、。，．：；！？）］｝〉》」』】〕〗〙〛”’")
_OPENING = set("（［｛〈《「『【〔〖〘〚“‘")
_PUNCT = _CLOSING | _OPENING
# Marks set in the centre of the em in Traditional (Taiwan, Hong Kong) faces.
_CENTRED = set("、。，．：；！？")


def typeset(text: str, *, centred: bool = False) -> Markup:
    """Escape ``text``, drop artefact spaces, join numbers to their units, halve mark pairs."""
    out: list[Markup] = []
    pos = 0
    for m in _RUN.finditer(text):
        run = _trim(m.group("run"))
        end = m.start("run") + len(run)
        han_before = m.group("before") is not None
        han_after = end < len(text) and _HAN_CHAR.match(text, end) is not None
        space_after = not han_after and text[end:end + 1] == "\x20" and bool(_HAN_CHAR.match(text, end + 1))
        if not (han_before or han_after or space_after):
            continue
        head_end = m.start("run") if not han_before else m.start("before") + 1
        out.append(_punct(text[pos:head_end], centred))
        numeric = run[-1].isdigit() or run[-1] == ")"
        if han_before and m.group("before") in _BEFORE_NUMBER and run[0].isdigit():
            out.append(Markup(WORD_JOINER))
        out.append(escape(run))
        if numeric and (han_after or space_after):
            out.append(Markup(WORD_JOINER))
        pos = end + 1 if space_after else end
    out.append(_punct(text[pos:], centred))
    return Markup("").join(out)


def typeset_centred(text: str) -> Markup:
    """``typeset`` for faces that centre the comma and the full stop."""
    return typeset(text, centred=True)


TextFn = Callable[[str], Markup]


def typesetter(tag: str) -> TextFn:
    """The typesetter for an edition: Traditional editions print in faces that centre the marks."""
    return typeset_centred if tag.startswith("zh-Hant") else typeset


def gap_positions(text: str) -> list[int]:
    """Indices of the characters of ``text`` that a Han-Latin gap follows, in order.

    The gap goes after a Han character that a Latin or digit run follows (``任|Marie``,
    ``第|2512``) and after the last character of a run that a Han character follows
    (``2512(2020)|号``, ``3.5%|的``), a word joiner between them or not. The run is the one
    ``typeset`` finds: a run's trailing full stop or unmatched parenthesis is not part of it.
    Nothing is found at the ends of ``text``: no gap opens or closes a line.
    """
    if _BOUNDARY.search(text) is None:
        return []
    found: list[int] = []
    for m in _RUN_ONLY.finditer(text):
        start = m.start()
        end = start + len(_trim(m.group()))
        before = start - 2 if text[start - 1:start] == WORD_JOINER else start - 1
        if before >= 0 and _HAN_CHAR.match(text, before):
            found.append(before)
        after = end + 1 if text[end:end + 1] == WORD_JOINER else end
        if end > start and _HAN_CHAR.match(text, after):
            found.append(end - 1)
    return found


def is_han(char: str) -> bool:
    """Whether ``char`` is a Han character (the side of a gap that is not Latin)."""
    return _HAN_CHAR.match(char) is not None


def _trim(run: str) -> str:
    """Drop trailing sentence marks and a closing parenthesis that opens outside the run."""
    while run and (run[-1] in ".,:;'’-/&" or (run[-1] == ")" and run.count(")") > run.count("("))):
        run = run[:-1]
    return run


def _punct(text: str, centred: bool) -> Markup:
    """Escape ``text``, wrapping each mark that should shed its blank half.

    No line-breaking hints are added: WeasyPrint applies the line-breaking rules across
    inline boxes too, so ``<span class="halt">”</span>。`` never leaves the period at the
    start of a line (tests/test_writer_pdf.py checks).
    """
    if not any(c in _PUNCT for c in text):
        return escape(text)
    halt = [False] * len(text)
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a in _PUNCT and b in _PUNCT:
            at = _halved(a, b, centred)
            if at is not None:
                halt[i + at] = True
    return Markup("").join(
        Markup('<span class="halt">{}</span>').format(c) if h else escape(c)
        for c, h in zip(text, halt, strict=True))


def _halved(a: str, b: str, centred: bool) -> int | None:
    """Which of two adjacent marks gives up its blank half: 0 (the first), 1, or None."""
    if a in _OPENING and b in _OPENING:
        return 1  # the gap is the second one's blank left half
    if centred and a in _CENTRED:
        # A centred mark has no blank half to give: the opener after it gives its left half;
        # before a closing mark both keep their width.
        return 1 if b in _OPENING else None
    return 0
