"""What a published site tells crawlers and feed readers: sitemap, robots.txt, Atom feeds.

Each needs absolute addresses, so the site writes them only when ``[site]
base_url`` is set. Every value is a plain argument and every output is bytes:
no clock is read (a feed is as new as its newest document), so two builds of
the same site are byte-identical.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from urllib.parse import urlsplit

from msgspec import Struct

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ATOM_NS = "http://www.w3.org/2005/Atom"


class PageSet(Struct, frozen=True):
    """One page in every edition: (edition tag, path from the site root) pairs."""

    paths: tuple[tuple[str, str], ...]
    default: str  # the path that stands for unknown languages (x-default)
    lastmod: str = ""  # ISO date of the content, when it has one


class FeedEntry(Struct, frozen=True):
    title: str
    path: str  # from the site root
    date: str  # ISO date
    summary: str = ""
    symbol: str = ""


def sitemap_xml(base_url: str, pages: Sequence[PageSet]) -> bytes:
    """A sitemap listing every page of every edition, each with its alternates (hreflang)."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    for page in pages:
        for _tag, path in page.paths:
            url = ET.SubElement(root, "url")
            ET.SubElement(url, "loc").text = base_url + path
            if page.lastmod:
                ET.SubElement(url, "lastmod").text = page.lastmod
            for alt_tag, alt_path in (*page.paths, ("x-default", page.default)):
                ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=alt_tag,
                              href=base_url + alt_path)
    return _xml(root)


def robots_txt(base_url: str) -> bytes:
    """Everything may be crawled except the editors' area; the sitemap is named."""
    area = urlsplit(base_url).path + "review/"
    return f"User-agent: *\nDisallow: {area}\nSitemap: {base_url}sitemap.xml\n".encode()


def atom_feed(*, base_url: str, lang: str, title: str, path: str, home: str,
              entries: Sequence[FeedEntry]) -> bytes:
    """An Atom feed of one edition, newest documents first."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": lang})
    _add(feed, "id", base_url + path)
    _add(feed, "title", title)
    _add(feed, "updated", _timestamp(max((e.date for e in entries), default="1970-01-01")))
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=base_url + path)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", hreflang=lang,
                  href=base_url + home)
    author = ET.SubElement(feed, "author")
    _add(author, "name", title)
    for e in sorted(entries, key=lambda e: e.date, reverse=True):
        entry = ET.SubElement(feed, "entry")
        _add(entry, "id", base_url + e.path)
        _add(entry, "title", e.title)
        _add(entry, "updated", _timestamp(e.date))
        _add(entry, "published", _timestamp(e.date))
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=base_url + e.path)
        if e.summary:
            _add(entry, "summary", e.summary)
        if e.symbol:
            ET.SubElement(entry, "category", term=e.symbol)
    return _xml(feed)


def _add(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, name).text = text


def _timestamp(iso_date: str) -> str:
    return f"{iso_date}T00:00:00Z"


def _xml(root: ET.Element) -> bytes:
    # Names are written as given ("xhtml:link"), the namespaces declared on the root.
    ET.indent(root, space=" ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


__all__ = ["FeedEntry", "PageSet", "atom_feed", "robots_txt", "sitemap_xml"]
