"""Readable, stable anchors for sections."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)

# Ids the pages give their own parts; a section may never take one of them.
PAGE_IDS = ("main", "letter", "annex", "contents", "contents-title", "annex-contents", "annex-contents-title")
# Numbered parts of the page: paragraphs p1, p2 ... (pp1 and u1 in some kinds, p3-a for
# sub-paragraphs) and footnotes fn1, fn2 ...
_NUMBERED_ID = re.compile(r"(?:p|pp|u|fn)[0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """``中东局势，包括巴勒斯坦问题`` -> ``中东局势-包括巴勒斯坦问题``; ``Small Arms`` -> ``small-arms``."""
    text = unicodedata.normalize("NFKC", text).lower()
    slug = _NOT_WORD.sub("-", text).strip("-_")
    return slug or "section"


def reserved_reason(anchor: str) -> str:
    """Why ``anchor`` belongs to the page itself ("" if a section may have it)."""
    if anchor.casefold() in PAGE_IDS:
        return f"'#{anchor}' is an id of the page itself"
    if _NUMBERED_ID.fullmatch(anchor.casefold()):
        return f"'#{anchor}' is how paragraphs and footnotes are numbered (p1, p2, ..., fn1, ...)"
    return ""


class AnchorSet:
    """Hands out unique anchors within one document (``x``, ``x-2``, ``x-3`` ...).

    Each wanted anchor remembers the last number it handed out, so claiming the
    same text n times costs n steps, not n²/2.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._next: dict[str, int] = {}

    def taken(self, anchor: str) -> bool:
        return anchor in self._used or bool(reserved_reason(anchor))

    def claim(self, wanted: str) -> str:
        anchor, n = wanted, self._next.get(wanted, 1)
        if n > 1:
            anchor = f"{wanted}-{n}"
        while self.taken(anchor):
            n += 1
            anchor = f"{wanted}-{n}"
        self._next[wanted] = n
        self._used.add(anchor)
        return anchor
