"""The long repeated parts of the review, parallel and listing pages, as template filters.

A review page lists hundreds of items, a parallel page a row per paragraph, and
the archive's index and citations pages every document;
through the template language each cell is a call, a lookup and an escape, and
these rows were most of an archive build's rendering time. The filters write
the same markup straight from Python, escaping every value, and the page
templates call them (``{{ items | review_items(L) }}``), so a theme still
decides where the rows go and what surrounds them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from markupsafe import Markup, escape

from docpub import templating

_SPECIAL = re.compile(r"[&<>\"']")


def _esc(value: Any) -> str:
    """``value`` as HTML text: markup as it is, anything else escaped (most text needs nothing)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    s = value if isinstance(value, str) else str(value)
    return str(escape(s)) if _SPECIAL.search(s) else s


def _field(item: Any, name: str) -> Any:
    """A field of an item given as an object or as a dict ("" when it has none)."""
    if type(item) is dict:
        return item.get(name, "")
    return getattr(item, name, "")


def render_review_items(items: Iterable[Any], labels: Mapping[str, str]) -> Markup:
    """One ``<li class="review-item">`` per item: location (a link when it has an href), source,
    converted text and note, each under its label."""
    where_l, source_l, converted_l, note_l = (_esc(labels[k]) for k in (
        "review_location", "review_source", "review_converted", "review_note"))
    seen: dict[Any, str] = {}  # locations, links and notes recur from item to item

    def esc(value: Any) -> str:
        if type(value) is not str:
            return _esc(value)
        out = seen.get(value)
        if out is None:
            out = seen[value] = _esc(value)
        return out

    out: list[str] = []
    for it in items:
        where, href = _field(it, "location") or "", _field(it, "href") or ""
        place = f'<a href="{esc(href)}">{esc(where or href)}</a>' if href else esc(where)
        edition = _field(it, "edition")
        lang = f' lang="{esc(edition)}"' if edition else ""
        out.append(
            '<li class="review-item">\n<dl>\n'
            f'<div class="ri-where"><dt>{where_l}</dt><dd>{place}</dd></div>\n'
            f'<div class="ri-source"><dt>{source_l}</dt><dd lang="zh-Hans">{_esc(_field(it, "source"))}</dd></div>\n'
            f'<div class="ri-converted"><dt>{converted_l}</dt><dd{lang}>{_esc(_field(it, "converted"))}</dd></div>\n'
            f'<div class="ri-note"><dt>{note_l}</dt><dd>{esc(_field(it, "note") or "")}</dd></div>\n'
            '</dl>\n</li>\n')
    return Markup("".join(out))


def render_parallel_rows(rows: Iterable[Any], labels: Mapping[str, str], *, source_tag: str, source_label: str,
                  label: str) -> Markup:
    """One ``<tr>`` per unit: the source's cell, then the edition's with a link to the unit on the
    document page when it has an anchor. ``source`` and ``target`` are markup already."""
    src_lang, src_name, name = _esc(source_tag), _esc(source_label), _esc(label)
    out: list[str] = []
    for row in rows:
        anchor = row.anchor
        cls = f"row-{_esc(row.kind)}" + (f" level{row.level}" if row.level else "")
        ident = f' id="{_esc(anchor)}"' if anchor else ""
        link = ""
        if anchor:
            number = row.number
            where = labels["paragraph"].replace("{n}", number) if number else (row.name or anchor)
            hidden = _esc(labels["unit_link"].replace("{where}", where))
            link = (f' <a class="unit-link" href="index.html#{_esc(anchor)}"><span aria-hidden="true">¶</span>'
                    f'<span class="visually-hidden">{hidden}</span></a>')
        out.append(
            f'<tr class="{cls}"{ident}>\n'
            f'<td lang="{src_lang}"><span class="cell-edition" aria-hidden="true">{src_name}</span>'
            f'{_esc(row.source)}</td>\n'
            f'<td><span class="cell-edition" aria-hidden="true">{name}</span>{_esc(row.target)}{link}</td>\n'
            '</tr>\n')
    return Markup("".join(out))


def citing_items(citing: Iterable[Any], labels: Mapping[str, str]) -> Iterator[Markup]:
    """The ``<ul class="citing">`` of one cited symbol on the archive's citations page, in pieces
    of a few citing documents (a symbol every document cites is not held whole): each citing
    document, and a link to each of its paragraphs that cites it, named by number and section."""
    cited_by = _esc(labels["cited_by"])
    paragraph = labels["paragraph"]
    piece = templating.CHUNK // 16  # characters: a piece is a small part of a streamed page
    out = ['<ul class="citing">\n']
    size = 0
    for d in citing:
        doc_id, title = d.doc_id, d.title
        page, item = (_citing_doc if type(doc_id) is str and type(title) is str else _citing_doc.__wrapped__)(
            doc_id, title)
        start = len(out)
        out.append(item)
        if d.places:
            out.append(f'<span class="visually-hidden">{cited_by}</span>\n<ul class="backlinks">\n')
            for place in d.places:
                at, number, section = place.id, place.number, place.section
                plain = type(at) is str and type(number) is str and type(section) is str
                anchor, name = (_backlink if plain else _backlink.__wrapped__)(at, number, section, paragraph)
                out.append(f'<li><a href="{page}#{anchor}">{name}</a></li>\n')
            out.append("</ul>\n")
        out.append("</li>\n")
        size += sum(map(len, out[start:]))
        if size >= piece:
            yield Markup("".join(out))
            out, size = [], 0
    out.append("</ul>")
    yield Markup("".join(out))


# A document cites a dozen symbols and paragraphs alike recur from document to document: each
# is escaped once for the page (by value, so the same whatever page asks; only plain strings,
# since markup equal to a string is not escaped like it).
@functools.lru_cache(maxsize=4096)
def _citing_doc(doc_id: str, title: str) -> tuple[str, str]:
    """A citing document's page, and the start of its item."""
    page = f"../{_esc(doc_id)}/index.html"
    return page, f'<li><a class="citing-doc" href="{page}">{_esc(title)}</a>\n'


@functools.lru_cache(maxsize=4096)
def _backlink(anchor: str, number: str, section: str, paragraph: str) -> tuple[str, str]:
    """A citing paragraph's anchor and name ("paragraph 3" and its section, or the section or
    the anchor itself when it has no number), escaped."""
    if number:
        name = _esc(paragraph.replace("{n}", str(number)))
        if section:
            name += f'<span class="where">{_esc(section)}</span>'
    else:
        name = _esc(section or anchor)
    return _esc(anchor), name


def render_index_items(entries: Iterable[Any], labels: Mapping[str, str], own: Mapping[str, str]) -> Markup:
    """One ``<li class="doc-entry">`` per document of an index month: its title (a link to its
    page in the edition when ``own`` has one), English title, symbol, kind, date and a link to
    each of its editions, each under its label."""
    symbol_l, kind_l, date_l, editions_l = (_esc(labels[k]) for k in ("symbol", "kind", "date", "editions"))
    out: list[str] = []
    for e in entries:
        doc_id, title = _esc(e.doc_id), _esc(e.title)
        href = own[e.doc_id]
        out.append(f'<li class="doc-entry" id="{doc_id}">\n<h4 class="doc-entry-title">'
                   + (f'<a href="{_esc(href)}">{title}</a>' if href else title) + "</h4>\n")
        if e.title_en:
            out.append(f'<p class="title-en" lang="en">{_esc(e.title_en)}</p>\n')
        out.append('<dl class="doc-facts">\n')
        if e.symbol:
            out.append(f'<dt>{symbol_l}</dt><dd class="symbol" lang="en">{_esc(e.symbol)}</dd>\n')
        if e.kind:
            out.append(f'<dt>{kind_l}</dt><dd>{_esc(labels["doc_kind_" + e.kind])}</dd>\n')
        date = _esc(e.date)
        out.append(f'<dt>{date_l}</dt><dd><time datetime="{date}">{date}</time></dd>\n'
                   f'<dt>{editions_l}</dt>\n<dd><ul class="edition-links">\n')
        for tag, label, link in e.editions:
            tag = _esc(tag)
            out.append(f'<li><a href="{_esc(link)}" hreflang="{tag}" lang="{tag}">{_esc(label)}</a></li>\n')
        out.append("</ul></dd>\n</dl>\n</li>\n")
    return Markup("".join(out))


def render_citing_list(citing: Iterable[Any], *labels: Mapping[str, Any]) -> Markup:
    """``citing_items`` whole, for a theme's template that calls ``citing_list(places, L)``
    (each citing document now carries its places)."""
    return Markup("".join(citing_items(citing, labels[-1])))


__all__ = ["citing_items", "render_citing_list", "render_index_items", "render_parallel_rows", "render_review_items"]
