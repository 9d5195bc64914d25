"""The kinds of output a site has, and the function that renders each.

``KINDS`` is the one table of output kinds: where a kind's outputs go, which
templates and inputs it reads (what its cache key covers), and the name of its
render function (in ``docpub.render``). Adding a kind is one entry here and one
render function there.

Two families:

- *document* kinds, one output per document (and edition): rendered by a
  ``Job`` from that document's model alone, in any process;
- *listing* kinds, one per edition or one for the site: rendered from the
  ``Facts`` every document job leaves behind (title, date, description,
  citations, review size), never from the models, so a listing page costs the
  same whether the archive holds ten documents or ten thousand models.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

from msgspec import Struct

from docpub.config import SiteConfig
from docpub.inputs import SiteInputs

PageKind = Literal[
    "document", "citations", "parallel", "review", "facts", "pdf", "image", "static",
    "edition_index", "year_index", "corpus_citations", "cited_page", "search_page", "feed",
    "root_index", "not_found", "sitemap", "robots", "review_index",
]
# document: one output per document and edition; edition: one per edition; site: one for the site.
Scope = Literal["document", "edition", "site"]
# What a document kind's key covers besides the site config, its templates and docpub itself:
# model: its document's model (and the site's documents it links to); converter: its
# edition's conversion; review_table: the review's ambiguous characters; static: the
# static files; images: its document's images; pdf_engine: WeasyPrint's version; cited_pages:
# the names of the archive's pages of the documents it cites (``plan.cited_pages``).
Reads = Literal["model", "converter", "review_table", "static", "images", "pdf_engine", "cited_pages"]
# What a listing kind reads of every document's facts (``Facts.facet``).
Facet = Literal["listing", "description", "citations", "cited", "review"]
# one: one output; images: one per image of the document; static: one per static file;
# cited: one per document cited anywhere in the archive (a listing of those citing it);
# years: one per year of the archive's documents.
Items = Literal["one", "images", "static", "cited", "years"]
# Which documents a listing shows (its key covers their facets, and nothing of the others):
# all; recent: the newest (``SiteConfig.recent``; and how many each year has); year: those of
# its year; citing: those citing its cited document.
Shows = Literal["all", "recent", "year", "citing"]
# all: always; converted: editions derived from the source; source: the source edition only;
# pdf: only when PDFs are built; base_url: only when the site's address is known;
# review: only when some edition is converted.
When = Literal["all", "converted", "source", "pdf", "base_url", "review"]


class Shared(Struct, frozen=True):
    """What every job of a build receives: the config, the edge's inputs, the options.

    Every job carries it, so it is pickled once per build (with the digest of its bytes) and a
    worker unpickles it once: the jobs after the first find it by that digest.
    """

    config: SiteConfig
    inputs: SiteInputs
    pdf: bool

    def __reduce__(self) -> tuple[Callable[[str, bytes], Shared], tuple[str, bytes]]:
        return _shared_from, _shared_blob(self)


# Per process: Shared values by digest (a worker's), and each one's pickle (the client's).
_SHARED: dict[str, Shared] = {}
_BLOBS: dict[int, tuple[Shared, str, bytes]] = {}


def _shared_blob(shared: Shared) -> tuple[str, bytes]:
    known = _BLOBS.get(id(shared))
    if known is None or known[0] is not shared:
        blob = pickle.dumps((shared.config, shared.inputs, shared.pdf), protocol=pickle.HIGHEST_PROTOCOL)
        if len(_BLOBS) > 4:
            _BLOBS.clear()
        known = _BLOBS[id(shared)] = (shared, hashlib.blake2b(blob, digest_size=20).hexdigest(), blob)
    return known[1], known[2]


def _shared_from(key: str, blob: bytes) -> Shared:
    shared = _SHARED.get(key)
    if shared is None:
        if len(_SHARED) > 4:
            _SHARED.clear()
        shared = _SHARED[key] = Shared(*pickle.loads(blob))
    return shared


# --- the table ----------------------------------------------------------------------------

class KindDef(Struct, frozen=True):
    scope: Scope
    path: str  # "{tag}", "{doc}" and "{item}" are filled in
    render: str  # its render function's name in ``docpub.render`` (see ``renderer``)
    templates: tuple[str, ...] = ()
    reads: frozenset[Reads] = frozenset()
    facets: frozenset[Facet] = frozenset()  # listing kinds: what they read of every document
    items: Items = "one"
    when: When = "all"
    local: bool = False  # made by the client (a copy), never sent to a worker
    shows: Shows = "all"  # listing kinds: the documents whose facts they show
    published: bool = True  # False: kept in the store for the listings, not a file of the site

    @property
    def listing(self) -> bool:
        return self.scope != "document" and not self.local


def renderer(kind: PageKind) -> Callable[[Any], bytes | Iterator[bytes]]:
    """The function rendering ``kind`` (from a ``Page``, or a ``Listing`` for a listing kind).

    The render functions, and the writers, transforms and model they use, are
    imported only by a process that renders: planning and checking a build that
    reuses everything needs none of them.
    """
    from docpub import render

    fn: Callable[[Any], bytes | Iterator[bytes]] = getattr(render, KINDS[kind].render)
    return fn


def _reads(*names: Reads) -> frozenset[Reads]:
    return frozenset(names)


def _facets(*names: Facet) -> frozenset[Facet]:
    return frozenset(names)


_DOC = _reads("model", "converter")

KINDS: Mapping[PageKind, KindDef] = {
    # A document of a kind with its own template (document.<kind>.html.j2) is laid out by that one.
    "document": KindDef("document", "{tag}/{doc}/index.html", "render_document",
                        ("document.html.j2", "document.*.html.j2"), _DOC),
    # A document's citations, each leading to the archive's page of those citing it too.
    "citations": KindDef("document", "{tag}/{doc}/citations.html", "render_citations", ("citations.html.j2",),
                         _reads("model", "converter", "cited_pages")),
    "parallel": KindDef("document", "{tag}/{doc}/parallel.html", "render_parallel", ("parallel.html.j2",), _DOC,
                        when="converted"),
    "review": KindDef("document", "review/{tag}/{doc}.html", "render_review", ("review.html.j2",),
                      _reads("model", "converter", "review_table"), when="converted"),
    "facts": KindDef("document", "{tag}/{doc}/facts", "render_facts", (),
                     _reads("model", "converter", "review_table"), published=False),
    "pdf": KindDef("document", "{tag}/{doc}/{doc}.pdf", "render_pdf", ("print.html.j2", "print.*.html.j2"),
                   _reads("model", "converter", "static", "images", "pdf_engine"), when="pdf"),
    "image": KindDef("document", "{tag}/{doc}/{item}", "render_copy", items="images", local=True),
    "static": KindDef("site", "{item}", "render_copy", items="static", local=True),
    # An edition's home lists the newest documents and the years; each year has its page.
    "edition_index": KindDef("edition", "{tag}/index.html", "render_edition_index", ("index.html.j2",),
                             facets=_facets("listing"), shows="recent"),
    "year_index": KindDef("edition", "{tag}/archive/{item}.html", "render_year_index", ("archive_year.html.j2",),
                          facets=_facets("listing"), items="years", shows="year"),
    # The documents cited anywhere in the archive, by kind, each leading to its own page, which
    # lists the documents citing it and each citing paragraph (an edit re-renders the pages of
    # what the edited document cites, not one page of every citation in the archive).
    "corpus_citations": KindDef("edition", "{tag}/citations/index.html", "render_corpus_citations",
                                ("archive_citations.html.j2",), facets=_facets("cited")),
    "cited_page": KindDef("edition", "{tag}/citations/{item}.html", "render_cited_page",
                          ("cited.html.j2",), facets=_facets("listing", "citations"), items="cited",
                          shows="citing"),
    "search_page": KindDef("edition", "{tag}/search/index.html", "render_search_page", ("search.html.j2",)),
    "feed": KindDef("edition", "{tag}/feed.xml", "render_feed", facets=_facets("listing", "description"),
                    when="base_url"),
    "root_index": KindDef("site", "index.html", "render_root_index", ("index.html.j2",),
                          facets=_facets("listing"), when="source", shows="recent"),
    "not_found": KindDef("site", "404.html", "render_not_found", ("404.html.j2",)),
    "sitemap": KindDef("site", "sitemap.xml", "render_sitemap", facets=_facets("listing", "cited"), when="base_url"),
    "robots": KindDef("site", "robots.txt", "render_robots", when="base_url"),
    "review_index": KindDef("site", "review/index.html", "render_review_index", ("review_index.html.j2",),
                            facets=_facets("listing", "review"), when="review"),
}
