"""Chinese typesetting for print: prose string -> escaped HTML with layout hooks.

The text a reader copies out of the PDF must be the text of the document, so
nothing here adds characters. Spacing is asked of the layout engine instead:

- a Latin or digit run touching a Han character is wrapped in
  ``<span class="latin">`` and the stylesheet gives it a thin side margin
  (the classes ``han-before`` / ``han-after`` say on which side the Han is);
- when two full-width punctuation marks meet (``。”``, ``）。``, ``，“``) the
  one whose blank half faces the other is wrapped in ``<span class="halt">``
  so the font's ``halt`` feature sets it half-width.

``typeset`` is a ``NodeRenderer`` text function: it must escape everything.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# CJK Unified Ideographs (+ Ext. A and compatibility) and the iteration mark 〇.
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = "0-9A-Za-z\u00c0-\u024f"

# A run starts and ends with a letter or digit; inside it may hold the marks
# symbols and numbers are written with (S/2020/139, 2512(2020), 3.5%) and
# single spaces between words ("Je Klere"). An ASCII space between Han and
# the run is a source artefact: the margin replaces it, so it is swallowed.
_RUN = re.compile(
    rf"(?P<before>[{_HAN}])?\x20?"
    rf"(?P<run>[{_LATIN}](?:[{_LATIN}./:%&'’()\-]|\x20(?=[{_LATIN}]))*)"
)
_HAN_CHAR = re.compile(rf"[{_HAN}]")

# Full-width marks by where their blank half lies (in the Simplified layout
# the period and comma sit in the lower left, so they open to the right).
_CLOSING = set("、。，．：；！？）］｝〉》」』】〕〗〙〛”’")
_OPENING = set("（［｛〈《「『【〔〖〘〚“‘")
_PUNCT = _CLOSING | _OPENING


def typeset(text: str) -> Markup:
    """Escape ``text`` and wrap Latin runs and adjacent punctuation for print."""
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
        # Text up to the run; with a Han neighbour the separating space goes.
        head_end = m.start("run") if not han_before else m.start("before") + 1
        out.append(_punct(text[pos:head_end]))
        classes = "latin" + (" han-before" if han_before else "") + (
            " han-after" if han_after or space_after else "")
        out.append(Markup('<span class="{}">{}</span>').format(classes, run))
        pos = end + 1 if space_after else end
    out.append(_punct(text[pos:]))
    return Markup("").join(out)


def _trim(run: str) -> str:
    """Drop trailing sentence marks and a closing parenthesis that opens outside the run."""
    while run and (run[-1] in ".,:;'’-/&" or (run[-1] == ")" and run.count(")") > run.count("("))):
        run = run[:-1]
    return run


def _punct(text: str) -> Markup:
    """Escape ``text``, wrapping each mark that should shed its blank half.

    No line-breaking hints are added: WeasyPrint applies the line-breaking
    rules across inline boxes too, so ``<span class="halt">”</span>。`` never
    leaves the period at the start of a line (tests/test_writer_pdf.py checks).
    """
    if not any(c in _PUNCT for c in text):
        return escape(text)
    halt = [False] * len(text)
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a in _PUNCT and b in _PUNCT:
            # Two openers: the gap between them is the second one's blank
            # left half; every other pair gaps on the first one's right.
            halt[i + 1 if a in _OPENING and b in _OPENING else i] = True
    return Markup("").join(
        Markup('<span class="halt">{}</span>').format(c) if h else escape(c)
        for c, h in zip(text, halt, strict=True))
