"""Typography transforms an edition may ask for: ``Document -> Document`` on the text only."""

from __future__ import annotations

import re

from msgspec.structs import replace

from docpub.model import Document, Inline, Text, map_inline_seqs, plain_text

# Han (CJK ideographs, Ext. A, compatibility, 〇) and the full-width marks around Chinese text.
_CHINESE = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’]")
_FULL = {"(": "（", ")": "）"}
_MASK = "\0"  # a parenthesis that is not ours to change (in code, or in a nested run)


def fullwidth_parentheses(doc: Document) -> Document:
    """ASCII parentheses in Chinese text become full-width （）.

    A matched pair changes when Chinese text is inside it or touches it on either side:
    ``会议(包括1次公开辩论)`` → ``会议（包括1次公开辩论）``, ``发表了谈话(SC/14133)。`` →
    ``发表了谈话（SC/14133）。``. A pair in Latin text (``Assessment (2020)``), an unmatched
    parenthesis, code and symbols, links and URLs are left as they are.
    """
    return map_inline_seqs(doc, _in_sequence)


def _in_sequence(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    flat: list[str] = []
    places: list[tuple[int, int] | None] = []  # (inline index, offset) of each Text character
    for k, x in enumerate(inlines):
        text = x.text if isinstance(x, Text) else plain_text((x,)).replace("(", _MASK).replace(")", _MASK)
        flat.extend(text)
        places.extend((k, i) if isinstance(x, Text) else None for i in range(len(text)))
    changed: dict[int, dict[int, str]] = {}
    for start, end in _pairs(flat):
        if _in_chinese(flat, start, end):
            for at in (start, end):
                k, i = places[at]  # type: ignore[misc]  # only Text characters are paired
                changed.setdefault(k, {})[i] = _FULL[flat[at]]
    if not changed:
        return inlines
    return tuple(_with(x, changed[k]) if k in changed else x for k, x in enumerate(inlines))


def _pairs(flat: list[str]) -> list[tuple[int, int]]:
    """Matched ( ) pairs, innermost first; an unmatched one is left out."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for at, c in enumerate(flat):
        if c == "(":
            stack.append(at)
        elif c == ")" and stack:
            pairs.append((stack.pop(), at))
    return pairs


def _in_chinese(flat: list[str], start: int, end: int) -> bool:
    near = "".join(flat[max(start - 1, 0):start]) + "".join(flat[start + 1:end]) + "".join(flat[end + 1:end + 2])
    return bool(_CHINESE.search(near))


def _with(x: Inline, changes: dict[int, str]) -> Inline:
    assert isinstance(x, Text)
    return replace(x, text="".join(changes.get(i, c) for i, c in enumerate(x.text)))
