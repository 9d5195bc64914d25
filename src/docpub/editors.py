"""The editors' area (``review/``): conversion reviews, apart from what readers see.

Each Traditional edition of each document gets a review page at
``review/<edition>/<doc-id>.html`` naming its document and linking back to it,
and ``review/index.html`` lists them. The pages say ``noindex``, carry no
``data-pagefind-body`` (so the search leaves them out), are absent from the
sitemap and are linked from no reader's page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Set

from msgspec import Struct

from docpub.config import SiteConfig
from docpub.facts import Facts
from docpub.model import Document, Footnote, NumberedParagraph, Paragraph, Section, SubParagraph, walk
from docpub.review import Review
from docpub.site_pages import EditionContext
from docpub.writers.html import Alternate, Crumb, Nav

AREA = "review"


class ReviewRow(Struct, frozen=True):
    """One document in the editors' index: its page, and each edition's review with its size."""

    title: str
    doc_href: str
    editions: tuple[tuple[str, str, str, int], ...]  # (tag, label, href, items)


class ReviewItem(Struct, frozen=True):
    """One line of a review page (``review.html.j2``)."""

    location: str  # paragraph or section id, or "meta.title"
    href: str  # the passage in the document's page ("" for none)
    source: str
    converted: str
    edition: str
    note: str


def review_path(tag: str, doc_id: str) -> str:
    return f"{AREA}/{tag}/{doc_id}.html"


def review_index_page(config: SiteConfig, contexts: Mapping[str, EditionContext], facts: Sequence[Facts],
                      counts: Mapping[tuple[str, str], int]) -> Iterator[bytes]:
    """The area's index: every document (``facts``: the source edition's), with each converted
    edition's review and its size (``counts``: (edition tag, document id) -> count), in pieces."""
    converted = [e for e in config.editions if e.opencc]
    home = contexts[config.source_lang]
    rows = [ReviewRow(d.title, f"../{config.source_lang}/{d.doc_id}/index.html", tuple(
        (e.tag, e.label, f"{e.tag}/{d.doc_id}.html", counts[e.tag, d.doc_id]) for e in converted))
        for d in facts]
    nav = Nav(edition=home.edition, root="../", alternates=(), labels=home.labels, path=f"{AREA}/index.html",
              noindex=True, crumbs=(Crumb(home.labels["home"], f"../{config.source_lang}/index.html"),
                                    Crumb(home.labels["editors_area"])))
    return home.writer.stream_template("review_index.html.j2", nav=nav, rows=rows)


def review_page(config: SiteConfig, ctx: EditionContext, doc: Document, result: Review, *,
                anchors: Set[str]) -> bytes:
    """``anchors``: the ids of the document's page (``document_anchors``), which items link to."""
    tag = ctx.edition.tag
    doc_href = f"../../{tag}/{doc.id}/index.html"

    def href(where: str) -> str:
        return f"{doc_href}#{where}" if where in anchors else ""

    items = [
        ReviewItem(u.where, href(u.where), u.source_context, u.converted_context, tag,
                   f"{u.char} → {u.chosen}" + (f" ({u.entry})" if u.entry else ""))
        for u in result.ambiguous
    ] + [
        ReviewItem(h.where, href(h.where), h.source or h.term, h.target, tag,
                   f"{h.reason} ({h.entry})" if h.reason else h.entry)
        for h in result.hits
    ] + [
        ReviewItem("", "", f.opencc, f.printed, tag,
                   f"×{f.count}: {f.reason} ({f.entry})" if f.reason else f"×{f.count} ({f.entry})")
        for f in result.forms
    ]
    L = ctx.labels
    alternates = tuple(Alternate(tag=e.tag, label=e.label, current=e.tag == tag,
                                 href=f"../../{review_path(e.tag, doc.id)}", path=review_path(e.tag, doc.id))
                       for e in config.editions if e.opencc)
    nav = Nav(edition=ctx.edition, root="../../", alternates=alternates, labels=L, path=review_path(tag, doc.id),
              noindex=True, crumbs=(Crumb(L["editors_area"], "../index.html"), Crumb(doc.meta.title, doc_href),
                                    Crumb(L["review"])))
    return ctx.writer.render_template(
        "review.html.j2", nav=nav, items=items, doc=doc, doc_href=doc_href,
        title=f"{L['review']} · {ctx.edition.label}",
    ).encode("utf-8")


def document_anchors(doc: Document) -> set[str]:
    """The ids the document page has for its parts: letter, annex, sections, paragraphs (numbered
    or not), footnotes."""
    ids = {"letter"} | ({doc.annex.id} if doc.annex else set())
    for v in walk(doc, inlines=False):
        if isinstance(v.node, (Section, Paragraph, NumberedParagraph, SubParagraph, Footnote)) and v.node.id:
            ids.add(v.node.id)
    return ids


__all__ = ["AREA", "ReviewItem", "ReviewRow", "document_anchors", "review_index_page", "review_page", "review_path"]
