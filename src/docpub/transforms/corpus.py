"""Citations of documents the site itself publishes link to their pages, at the paragraph cited.

A citation's ``url`` is the UN's page (or the author's override); when the site holds
the cited document too, ``site_href`` points at its page in the same edition
(``../<doc-id>/index.html#p3-a``), which the site's pages prefer and the PDF ignores.
Paragraph anchors are the reader's: ``p3`` for paragraph 3, ``p3-a`` for its (a).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from docpub.model import Citation, Document, Inline, map_inline_seqs
from docpub.symbols import parse_symbol

_PINPOINT = re.compile(r"(\d+)((?:\([a-z]+\))*)")


def paragraph_anchor(pinpoint: str) -> str:
    """``3`` -> ``p3``, ``3(a)(ii)`` -> ``p3-a-ii``; "" for no or an unreadable pinpoint."""
    m = _PINPOINT.fullmatch(pinpoint)
    if m is None:
        return ""
    return "p" + m.group(1) + "".join("-" + x for x in re.findall(r"[a-z]+", m.group(2)))


def site_documents(docs: Iterable[Document]) -> dict[str, str]:
    """Canonical symbol -> document id, for every document of the site that has a symbol."""
    out: dict[str, str] = {}
    for doc in docs:
        symbol = parse_symbol(doc.meta.symbol) if doc.meta.symbol else None
        if symbol is not None:
            out[symbol.canonical] = doc.id
    return out


def site_href(citation: Citation, documents: Mapping[str, str], *, here: str) -> str:
    """The cited document's page in this edition of the site ("" when the site does not hold it)."""
    target = documents.get(citation.symbol)
    if target is None:
        return ""
    anchor = paragraph_anchor(citation.pinpoint)
    page = "index.html" + (f"#{anchor}" if anchor else "")
    return page if target == here else f"../{target}/{page}"


def link_in_site(doc: Document, documents: Mapping[str, str]) -> Document:
    """``doc`` with every citation of a document in ``documents`` given its ``site_href``."""

    def seq(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return tuple(_with_href(x, documents, doc.id) if isinstance(x, Citation) else x for x in inlines)

    return map_inline_seqs(doc, seq)


def _with_href(c: Citation, documents: Mapping[str, str], here: str) -> Citation:
    href = site_href(c, documents, here=here)
    return Citation(c.children, c.symbol, c.kind, c.url, c.pinpoint, href) if href != c.site_href else c


__all__ = ["link_in_site", "paragraph_anchor", "site_documents", "site_href"]
