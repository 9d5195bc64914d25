"""Readable, stable anchors for sections."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def slugify(text: str) -> str:
    """``中东局势，包括巴勒斯坦问题`` -> ``中东局势-包括巴勒斯坦问题``; ``Small Arms`` -> ``small-arms``."""
    text = unicodedata.normalize("NFKC", text).lower()
    slug = _NOT_WORD.sub("-", text).strip("-_")
    return slug or "section"


class AnchorSet:
    """Hands out unique anchors within one document (``x``, ``x-2``, ``x-3`` ...)."""

    def __init__(self, reserved: tuple[str, ...] = ("letter", "annex", "contents")) -> None:
        self._used: set[str] = set(reserved)

    def claim(self, wanted: str) -> str:
        anchor, n = wanted, 1
        while anchor in self._used:
            n += 1
            anchor = f"{wanted}-{n}"
        self._used.add(anchor)
        return anchor
