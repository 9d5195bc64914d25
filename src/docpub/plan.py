"""Planning: every output of a build as a value, with the key of what it is made of.

The planner never renders. ``plan_documents`` lists, from the loaded documents'
summaries and the edge's inputs, each document output's kind, edition, path and
key; ``plan_listings`` does the same for the pages listing documents, once the
documents' facts are known. A key is a digest of exactly the inputs its kind
reads (``pages.KINDS``), so one edit changes the keys of exactly the outputs it
touches.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from hashlib import blake2b
from pathlib import Path

from msgspec import Struct, field, structs

from docpub.facts import StoredFacts
from docpub.inputs import EditionSpec, digest, feed, hasher, versions
from docpub.pages import KINDS, Items, KindDef, PageKind, Shared


class DocSource(Struct, frozen=True):
    """What planning knows of one loaded document (its model stays in the store)."""

    id: str
    path: str  # the content file, for messages
    model_key: str  # digest of everything the model is made of (file bytes, id, URL templates, docpub)
    images: tuple[tuple[str, str, str], ...] = ()  # (published name, the real file, digest of its bytes)
    cites: tuple[str, ...] = ()  # canonical symbols of the documents it cites
    symbol: str = ""  # its own canonical symbol ("" for none)
    date: str = ""  # its date, ISO 8601 (the archive's pages by year read it)


class Shown(Struct, frozen=True):
    """Which documents the listings of a build show, by id (``KindDef.shows``): the newest (a
    home's), each year's ("2021" -> ids), and those citing each cited symbol (symbol -> ids).
    A listing job reads the facts of only those its pages show."""

    recent: tuple[str, ...] = ()  # (each a sorted tuple: what the archive holds per document, it holds small)
    years: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    citing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def counts(self) -> dict[int, int]:
        """Year -> how many documents it has."""
        return {int(year): len(ids) for year, ids in self.years.items()}


def site_links(docs: Sequence[DocSource]) -> dict[str, str]:
    """Canonical symbol -> id of every document of the site with a symbol (a later one wins)."""
    return {d.symbol: d.id for d in docs if d.symbol}


def published_ids(docs: Sequence[DocSource]) -> dict[str, str]:
    """As the lists of cited documents name the site's documents: one symbol, the first id."""
    return {d.symbol: d.id for d in sorted(docs, key=lambda d: d.id, reverse=True) if d.symbol}


def links_of(doc: DocSource, published: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The documents ``doc`` cites that the site publishes: what its in-site links are made of."""
    return tuple((s, published[s]) for s in doc.cites if s in published)


class Output(Struct, frozen=True):
    """One file of the site: what it is, where it goes, and the key of its inputs."""

    kind: PageKind
    edition: str  # "" for site-wide outputs
    doc: str  # "" unless the output belongs to one document
    key: str
    item: str = ""  # the static file or image it copies

    @property
    def path(self) -> str:
        """Where it goes, relative to the site folder, with "/" (made when asked: an archive
        plans tens of thousands of outputs)."""
        return KINDS[self.kind].path.format(tag=self.edition, doc=self.doc, item=self.item)


def applies(kind: KindDef, shared: Shared, tag: str) -> bool:
    """Whether ``kind`` has an output in edition ``tag`` ("" for the site) of this build."""
    config = shared.config
    converted = tag not in ("", config.source_lang)
    return {
        "all": True,
        "converted": converted,
        "source": tag in ("", config.source_lang),
        "pdf": shared.pdf,
        "base_url": bool(config.base_url),
        "review": any(e.opencc for e in config.editions),
    }[kind.when]


def plan_documents(shared: Shared, docs: Sequence[DocSource], keys: KeyParts) -> list[Output]:
    """Every output made from one document (or copied), in a stable order; ``keys``: the
    build's ``KeyParts`` of ``shared`` and ``docs``.
    """
    out: list[Output] = []
    for name, kind in KINDS.items():
        if kind.listing:
            continue
        if kind.items == "static":
            out += [Output(name, "", "", keys.static_key(name, item), item)
                    for item, _ in shared.inputs.theme.static]
            continue
        for spec in shared.inputs.editions:
            tag = spec.edition.tag
            if not applies(kind, shared, tag):
                continue
            for doc in docs:
                for item in _items(kind, doc):
                    path = kind.path.format(tag=tag, doc=doc.id, item=item)
                    out.append(Output(name, tag, doc.id, keys.key(name, kind, spec, doc, item, path), item))
    return out


_NOT_IN_NAME = re.compile(r"[^a-z0-9.]+")


def cited_pages(symbols: Iterable[str]) -> dict[str, str]:
    """Each cited symbol's page name in an edition's citations folder (without ".html"): the
    symbol in lower case, each run of other characters one hyphen (S/RES/2512 (2020) ->
    s-res-2512-2020). Symbols that would share a name (or take the folder's index) each get
    a digest of the symbol after it. (Only the listings link to these pages, and their keys
    cover the archive's cited symbols, so a name that changes is never left behind.)"""
    names = {s: _NOT_IN_NAME.sub("-", s.lower()).strip("-.") for s in set(symbols)}
    taken = Counter(names.values())
    return {s: n if n and n != "index" and taken[n] == 1 else f"{n or 'cited'}-{digest(s)[:10]}"
            for s, n in sorted(names.items())}


def pages_of(doc: DocSource, pages: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Each symbol ``doc`` cites, with the name of its page in the archive (``pages``: the
    build's ``cited_pages``): what a document's list of citations leads to."""
    return tuple((s, pages[s]) for s in doc.cites if s in pages)


def listing_slots(shared: Shared, items: Mapping[Items, Sequence[str]] | None = None
                  ) -> list[tuple[PageKind, KindDef, str, str]]:
    """(kind, its definition, edition tag or "", item) of every listing output of this build;
    ``items``: those of the listing kinds with a page per item (``KeyParts.items``)."""
    slots: list[tuple[PageKind, KindDef, str, str]] = []
    for name, kind in KINDS.items():
        if not kind.listing:
            continue
        tags = [e.edition.tag for e in shared.inputs.editions] if kind.scope == "edition" else [""]
        items_ = (items or {}).get(kind.items, ()) if kind.items != "one" else [""]
        slots += [(name, kind, tag, item) for tag in tags if applies(kind, shared, tag) for item in items_]
    return slots


def plan_listings(shared: Shared, facts: Mapping[str, Sequence[StoredFacts]], keys: KeyParts, *,
                  scope: str) -> list[Output]:
    """The pages made from every document's facts; each key covers the facets it shows of the
    documents it shows (``KindDef.shows``), and which documents those are.

    ``scope``: an edition's tag for its listings, "" for the site's (which read ``facts``
    of every edition). ``keys`` as for ``plan_documents``.
    """
    published = keys.published
    symbols = {page: symbol for symbol, page in keys.cited_pages.items()}
    rows = _Rows(facts)
    out = []
    for name, kind, tag, item in listing_slots(shared, keys.items):
        if tag != scope:
            continue
        path = kind.path.format(tag=tag, item=item)
        groups = [tag] if tag else sorted(facts)
        parts = [keys.base, name, path, keys.templates(kind.templates)]
        if "citations" in kind.facets or "cited" in kind.facets:  # a symbol the site publishes leads to its page
            parts.append(published)
        parts.append(keys.editions[tag or shared.config.source_lang])  # its labels and titles
        shown: tuple[str, ...] | None = None  # the ids of the documents it shows, sorted (None: every one)
        if kind.shows == "citing":
            shown = keys.citing[symbols[item]]
            parts.append(symbols[item])
        elif kind.shows in ("recent", "year"):  # the years and their counts, which these pages list
            shown = keys.recent if kind.shows == "recent" else keys.years[item]
            parts.append(keys.year_counts)
        h = feed(hasher(), parts)
        for group in groups if kind.facets else ():
            feed(h, [rows.every(group, kind.facets) if shown is None else rows.some(group, kind.facets, shown)])
        out.append(Output(name, tag, "", h.hexdigest(), item))
    return out


def _items(kind: KindDef, doc: DocSource) -> Iterator[str]:
    if kind.items == "images":
        yield from (name for name, _, _ in doc.images)
    else:
        yield ""


class _Rows:
    """What the keys of listings read of each document's facts: for a group of facts (an
    edition's) and a set of facets, a line "<id> <digest> ..." per document. A listing of
    every document reads the digest of all their lines, made once per group and set of
    facets as the facts go by (nothing per document is held: memory stays flat as the
    archive grows); the lines of documents a listing shows among others (a year's, a cited
    document's citers) are kept for the plan's other pages."""

    def __init__(self, facts: Mapping[str, Sequence[StoredFacts]]) -> None:
        self.facts = facts
        self._every: dict[tuple[str, tuple[str, ...]], str] = {}
        self._kept: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}
        self._by_id: dict[str, dict[str, StoredFacts]] = {}

    @staticmethod
    def _line(f: StoredFacts, names: tuple[str, ...]) -> str:
        head = dict(part.split("=", 1) for part in f.head.split(" "))
        return " ".join([f.doc_id, *(head[name] for name in names)])

    def every(self, group: str, facets: frozenset[str]) -> str:
        """The digest of the lines of every document of ``group`` (by id)."""
        names = tuple(sorted(facets))
        found = self._every.get((group, names))
        if found is None:
            found = self._every[(group, names)] = feed(hasher(), (self._line(f, names) for f in self.facts[group])
                                                       ).hexdigest()
        return found

    def some(self, group: str, facets: frozenset[str], ids: Sequence[str]) -> str:
        """The lines of documents ``ids`` (sorted) of ``group``, those it has, as one text (ids and
        digests hold no line end)."""
        names = tuple(sorted(facets))
        kept = self._kept.setdefault((group, names), {})
        by_id = self._by_id.get(group)
        if by_id is None:
            by_id = self._by_id[group] = {f.doc_id: f for f in self.facts[group]}
        lines = []
        for i in ids:
            line = kept.get(i)
            if line is None and (f := by_id.get(i)) is not None:
                line = kept[i] = self._line(f, names)
            if line is not None:
                lines.append(line)
        return "\n".join(lines)


class KeyParts:
    """The digests keys are made of, each computed once per build (and only when needed).

    ``code`` identifies docpub itself (version and sources): a new docpub renders everything anew.
    """

    def __init__(self, shared: Shared, docs: Sequence[DocSource], code: str) -> None:
        inputs = shared.inputs
        self.code = code
        # Where the site is (its root) is no part of any output: a site moved or checked out
        # elsewhere (a CI runner's workspace) reuses its cache.
        self.base = digest(code, repr(structs.replace(shared.config, root=Path())), "pdf" if shared.pdf else "no-pdf")
        self.links = site_links(docs)
        self.listed = published_ids(docs)
        self._sources = docs
        self._recent = shared.config.recent
        self.editions = {e.edition.tag: e.identity for e in inputs.editions}
        self._templates: dict[tuple[str, ...], str] = {}
        self._inputs = inputs
        self._theme = inputs.theme
        self._engine = ""
        self._kinds: dict[tuple[str, str], blake2b] = {}
        self._docs: dict[str, str] = {}

    @functools.cached_property
    def static(self) -> str:
        return self._theme.static_digest()

    @functools.cached_property
    def review_table(self) -> str:
        return digest(self._inputs.ambiguous_source)

    @functools.cached_property
    def static_items(self) -> dict[str, str]:
        return {name: digest(data) for name, data in self._theme.static}

    @functools.cached_property
    def cited_pages(self) -> dict[str, str]:
        """Every symbol the archive cites -> the name of its page (``cited_pages``)."""
        return cited_pages(self.citing)

    @functools.cached_property
    def shown(self) -> Shown:
        return Shown(self.recent, self.years, self.citing)

    @functools.cached_property
    def items(self) -> dict[Items, list[str]]:
        """The items of the listing kinds with a page per item: the names of the cited
        documents' pages, the years (newest first)."""
        return {"cited": sorted(self.cited_pages.values()), "years": sorted(self.years, reverse=True)}

    @functools.cached_property
    def years(self) -> dict[str, tuple[str, ...]]:
        """Each year of the archive ("2021") -> the ids of its documents."""
        found: dict[str, set[str]] = {}
        for doc in self._sources:
            found.setdefault(doc.date[:4], set()).add(doc.id)
        return {year: tuple(sorted(ids)) for year, ids in found.items()}

    @functools.cached_property
    def year_counts(self) -> str:
        return repr(sorted((year, len(ids)) for year, ids in self.years.items()))

    @functools.cached_property
    def recent(self) -> tuple[str, ...]:
        """The ids of the newest documents a home lists (``SiteConfig.recent``, as
        ``archive.newest_first`` orders them)."""
        newest = sorted(sorted(self._sources, key=lambda d: d.id), key=lambda d: d.date, reverse=True)
        return tuple(sorted(d.id for d in newest[:self._recent]))

    @functools.cached_property
    def citing(self) -> dict[str, tuple[str, ...]]:
        """Every symbol the archive cites -> the ids of the documents citing it."""
        found: dict[str, set[str]] = {}
        for doc in self._sources:
            for symbol in doc.cites:
                found.setdefault(symbol, set()).add(doc.id)
        return {symbol: tuple(sorted(ids)) for symbol, ids in found.items()}

    @functools.cached_property
    def published(self) -> str:
        """The site's documents as the lists of cited documents name them (a listing's part)."""
        return repr(sorted(self.listed.items()))

    def templates(self, names: tuple[str, ...]) -> str:
        if names not in self._templates:
            self._templates[names] = self._theme.templates_digest(names)
        return self._templates[names]

    def engine(self) -> str:
        if not self._engine:
            self._engine = versions(pdf=True)
        return self._engine

    def static_key(self, name: PageKind, item: str) -> str:
        return digest(self.code, name, item, self.static_items[item])

    def key(self, name: PageKind, kind: KindDef, spec: EditionSpec, doc: DocSource, item: str, path: str) -> str:
        if kind.items == "images":  # a copy is made of its file alone
            return digest(self.code, name, path, next(d for n, _, d in doc.images if n == item))
        parts = [path]
        if "model" in kind.reads:
            parts.append(self._doc(doc))
        if "images" in kind.reads:
            parts += [p for name, _, d in doc.images for p in (name, d)]
        if "cited_pages" in kind.reads:
            parts.append(repr(pages_of(doc, self.cited_pages)))
        return feed(self._kind(name, kind, spec.edition.tag).copy(), parts).hexdigest()

    def _kind(self, name: PageKind, kind: KindDef, tag: str) -> blake2b:
        """What every output of kind ``name`` in edition ``tag`` is made of, hashed once: each
        output's key goes on from a copy of it with its own parts (``key``)."""
        h = self._kinds.get((name, tag))
        if h is None:
            parts = [self.base, name, self.templates(kind.templates)]
            reads = kind.reads
            if "converter" in reads:
                parts.append(self.editions[tag])
            if "review_table" in reads:
                parts.append(self.review_table)
            if "static" in reads:
                parts.append(self.static)
            if "pdf_engine" in reads:
                parts.append(self.engine())
            h = self._kinds[(name, tag)] = feed(hasher(), parts)
        return h

    def _doc(self, doc: DocSource) -> str:
        """What a document's outputs read of it: its model, and the site's documents it links to."""
        part = self._docs.get(doc.id)
        if part is None:
            part = self._docs[doc.id] = digest(doc.model_key, repr(links_of(doc, self.links)),
                                               repr(links_of(doc, self.listed)))
        return part


__all__ = ["DocSource", "KeyParts", "Output", "Shown", "applies", "cited_pages", "links_of", "listing_slots",
           "pages_of", "plan_documents", "plan_listings", "published_ids", "site_links"]
