"""Where a line break in the source becomes a space, and where it vanishes.

Chinese is written without spaces between words, so a line that was wrapped
next to a wide (CJK) character joins its neighbour directly; anywhere else
the break is a space, as in any Markdown. Both readers follow this rule.
"""

from __future__ import annotations

import unicodedata

from docpub.model import Inline, LineBreak, Text, plain_text


class SoftBreak:
    """Placeholder until both neighbours of a soft line break are known."""


SOFT = SoftBreak()


def is_wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def joins_tight(before: str, after: str) -> bool:
    """Whether a line break between ``before`` and ``after`` vanishes."""
    return is_wide(before[-1:]) or is_wide(after[:1])


def unwrap(lines: list[str]) -> str:
    """Join wrapped lines of plain text."""
    out = lines[0] if lines else ""
    for nxt in lines[1:]:
        out += nxt if joins_tight(out, nxt) else " " + nxt
    return out


def resolve_soft_breaks(seq: list[Inline | SoftBreak]) -> tuple[Inline, ...]:
    """Inlines with each soft break turned into a space or nothing."""
    out: list[Inline] = []
    for i, x in enumerate(seq):
        if not isinstance(x, SoftBreak):
            _append(out, x)
        elif not joins_tight(_edge(seq, i - 1, last=True), _edge(seq, i + 1, last=False)):
            _append(out, Text(" "))
    return tuple(out)


def split_lines(seq: list[Inline | SoftBreak]) -> list[tuple[Inline, ...]]:
    """One run of inlines per source line (soft or hard break)."""
    lines: list[tuple[Inline, ...]] = []
    current: list[Inline | SoftBreak] = []
    for x in seq + [SOFT]:
        if isinstance(x, (SoftBreak, LineBreak)):
            lines.append(resolve_soft_breaks(current))
            current = []
        else:
            current.append(x)
    return lines


def _edge(seq: list[Inline | SoftBreak], i: int, *, last: bool) -> str:
    """The character of ``seq[i]`` touching the line break ("" if none)."""
    if not 0 <= i < len(seq):
        return ""
    x = seq[i]
    if isinstance(x, SoftBreak):
        return ""
    text = plain_text((x,))
    return text[-1:] if last else text[:1]


def _append(out: list[Inline], x: Inline) -> None:
    if out and isinstance(x, Text) and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text + x.text)
    elif not (isinstance(x, Text) and not x.text):
        out.append(x)
