"""What the pages listing documents need to know of one document in one edition.

A document job leaves its ``Facts`` in the build's store beside its pages; the
archive's indexes, feeds, sitemap, corpus-wide citations and the editors'
index are rendered from the facts of every document, never from the models.
Each listing kind reads some *facets* of the facts, and its key covers exactly
those, so editing a paragraph does not re-render an index that shows titles.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, cast

from msgspec import Struct

from docpub.cache import entry_path, read_kept_json
from docpub.inputs import digest

if TYPE_CHECKING:  # the model's side is imported where facts are made or read whole, not to plan
    from docpub.model import CitationKind, Document
    from docpub.transforms.citations import CitedDocument
    from docpub.writers.html import Place

DESCRIPTION_CHARS = 120
FACET_HEX = 20  # hex digits of a facet's digest


class Facts(Struct, frozen=True):
    doc_id: str
    title: str
    title_en: str
    date: str  # ISO 8601
    symbol: str
    kind: str
    description: str
    cited: tuple[CitedDocument, ...]
    places: tuple[tuple[str, Place], ...]  # the anchors its citations are cited at
    review_count: int  # -1: the edition is not converted

    def facet(self, name: str) -> str:
        """A digest of what a listing reading ``name`` shows of this document (80 bits: the plan
        holds one per document, facet and edition while it plans the listings)."""
        if name == "listing":
            return digest(self.doc_id, self.title, self.title_en, self.date, self.symbol, self.kind)[:FACET_HEX]
        if name == "description":
            return digest(self.description)[:FACET_HEX]
        if name == "citations":
            return digest(repr(self.cited), repr(self.places))[:FACET_HEX]
        if name == "cited":  # what the archive's index of cited documents shows: no title, no place
            return digest(self.date, repr([(c.symbol, c.kind, c.url, c.count) for c in self.cited]))[:FACET_HEX]
        if name == "review":
            return str(self.review_count)  # the count itself: the review index reads it from here
        raise ValueError(name)

    def to_bytes(self) -> bytes:
        """A line of the facets' digests, then the facts as plain tuples in two pickles: what every
        listing shows, then the citations and first words. A build that renders no listing reads
        the line only; a listing of titles reads the first pickle only."""
        head = " ".join(f"{name}={self.facet(name)}" for name in FACETS)
        light = (self.doc_id, self.title, self.title_en, self.date, self.symbol, self.kind, self.review_count)
        cited = tuple((c.symbol, c.kind, c.url, c.count, c.paragraph_ids) for c in self.cited)
        places = tuple((k, p.id, p.number, p.section) for k, p in self.places)
        return b"".join((head.encode("ascii"), b"\n", pickle.dumps(light, protocol=pickle.HIGHEST_PROTOCOL),
                         pickle.dumps((self.description, cited, places), protocol=pickle.HIGHEST_PROTOCOL)))

    @staticmethod
    def read(f: BinaryIO, *, light: bool = False) -> Facts:
        """The facts stored in ``f`` (see ``to_bytes``). Strings that recur from document to
        document (kinds, symbols, addresses, paragraph ids, section titles) are held once in
        memory, however many documents cite them."""
        f.readline()
        try:
            doc_id, title, title_en, date, symbol, kind, review_count = pickle.load(f)
            if light:
                return Facts(doc_id, title, title_en, date, symbol, intern(kind), "", (), (), review_count)
            description, cited, places = pickle.load(f)
            from docpub.transforms.citations import CitedDocument
            from docpub.writers.html import Place

            cited_ = tuple(CitedDocument(intern(s), cast("CitationKind", intern(k)), intern(u), n,
                                         tuple(map(intern, ids)))
                           for s, k, u, n, ids in cited)
            places_ = tuple((intern(k), Place(intern(i), intern(n), intern(sec))) for k, i, n, sec in places)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise ValueError(f"not the facts of a document: {exc}") from None
        return Facts(doc_id, title, title_en, date, symbol, intern(kind), description, cited_, places_, review_count)

    @staticmethod
    def read_citing(f: BinaryIO) -> CitingFacts:
        """What the archive's citations page reads of the facts stored in ``f``: the rows as they
        are, without the objects ``read`` makes of them."""
        f.readline()
        try:
            doc_id, title, *_ = pickle.load(f)
            _, cited, places = pickle.load(f)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise ValueError(f"not the facts of a document: {exc}") from None
        return CitingFacts(doc_id, title, cited, places)

    def citing(self) -> CitingFacts:
        """What the archive's citations page reads of these facts (see ``CitingFacts``)."""
        return CitingFacts(self.doc_id, self.title,
                           tuple((c.symbol, c.kind, c.url, c.count, c.paragraph_ids) for c in self.cited),
                           tuple((k, p.id, p.number, p.section) for k, p in self.places))


class CitingFacts(NamedTuple):
    """A document as the archive's citations page reads it: its id and title, and its citations
    and places as the rows stored (``archive.CitedRow``, ``archive.PlaceRow``). The page makes
    an object only of what it keeps, which a whole document's facts would not."""

    doc_id: str
    title: str
    cited: tuple[tuple[str, CitationKind, str, int, tuple[str, ...]], ...]
    places: tuple[tuple[str, str, str, str], ...]


FACETS = ("listing", "description", "citations", "cited", "review")


class StoredFacts(Struct, frozen=True):
    """A document's facts as the store holds them: their facets' digests read, the rest when asked."""

    doc_id: str
    head: str  # "listing=<digest> description=<digest> ... review=<count>"
    folder: str  # the store's folder of entries (one string for all)
    key: str  # the entry's key (the plan's string)

    @classmethod
    def open(cls, doc_id: str, folder: str, key: str) -> StoredFacts:
        with open(entry_path(folder, key, ""), "rb") as f:
            head = f.readline().decode("ascii").rstrip("\n")
        return cls(doc_id, head, folder, key)

    def slim(self) -> StoredFacts:
        """These facts with only the part of their first line that listings read as they render
        (the review size): the rest is what their keys are made of."""
        return StoredFacts(self.doc_id, f"review={self.facet('review')}", self.folder, self.key)

    @property
    def path(self) -> str:
        return entry_path(self.folder, self.key, "")

    @property
    def review_count(self) -> int:
        """How many things the editors' review lists (-1: the edition is not converted)."""
        return int(self.facet("review"))

    def facet(self, name: str) -> str:
        for part in self.head.split(" "):
            if part.startswith(name) and part[len(name)] == "=":
                return part[len(name) + 1:]
        raise ValueError(name)

    def load(self, *, light: bool = False) -> Facts:
        with open(self.path, "rb") as f:
            return Facts.read(f, light=light)

    def citing(self) -> CitingFacts:
        """The document's id, title, citations and places, read as stored (see ``Facts.read``)."""
        with open(self.path, "rb") as f:
            return Facts.read_citing(f)


class FactsHeads:
    """The first line of each facts entry (its facets' digests), kept in the build's cache beside
    its index (``folder``), each with the checksum of the entry it was read from: a build that
    renders no listing then opens no facts entry to plan them. A line is taken only for the very
    bytes it was read from (the store checks those: ``Store.get``); any other is read again."""

    NAME = "facts-heads.json"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.NAME
        found = read_kept_json(self.path)
        self._known: dict[str, list[str]] = found if isinstance(found, dict) else {}

    def open(self, doc_id: str, folder: str, key: str, sum_: str) -> StoredFacts:
        """The stored facts of entry ``key`` (of checksum ``sum_``) in the store's ``folder``."""
        known = self._known.get(key)
        if isinstance(known, list) and len(known) == 2 and known[0] == sum_ and isinstance(known[1], str):
            return StoredFacts(doc_id, known[1], folder, key)
        return StoredFacts.open(doc_id, folder, key)

    def save(self, groups: Iterable[Sequence[StoredFacts]], checksum: Callable[[str], str]) -> None:
        """Keep the lines of the facts of ``groups``, the entries this build used (``checksum``:
        an entry's), unless they are kept already; then forget what was kept. Compared and
        written a line at a time: a build holds no second copy of the archive's lines."""
        known, self._known = self._known, {}
        groups = list(groups)
        count = sum(len(g) for g in groups)
        if (count == len(known) and all(known.get(f.key) == [checksum(f.key), f.head] for g in groups for f in g)) \
                or not self.path.parent.is_dir():
            return
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write("{")
            for n, f in enumerate(f for g in groups for f in g):
                out.write(f'{", " if n else ""}{json.dumps(f.key)}: {json.dumps([checksum(f.key), f.head])}')
            out.write("}")
        os.replace(tmp, self.path)


class LightFacts(Mapping[str, Sequence[Facts]]):
    """Edition tag -> every document's light facts (``Facts.read(light=True)``), read from the
    store when first asked for; ``some`` reads only those of given documents. Each is read once."""

    def __init__(self, stored: Mapping[str, Sequence[StoredFacts]]) -> None:
        self.stored = stored
        self._all: dict[str, list[Facts]] = {}
        self._read: dict[tuple[str, str], Facts] = {}

    def __getitem__(self, tag: str) -> list[Facts]:
        if tag not in self._all:
            self._all[tag] = [self._one(tag, f) for f in self.stored[tag]]
        return self._all[tag]

    def some(self, tag: str, ids: Collection[str]) -> list[Facts]:
        """The light facts of the documents ``ids`` in edition ``tag`` (by id)."""
        wanted = set(ids)
        return [self._one(tag, f) for f in self.stored[tag] if f.doc_id in wanted]

    def _one(self, tag: str, stored: StoredFacts) -> Facts:
        found = self._read.get((tag, stored.doc_id))
        if found is None:
            found = self._read[(tag, stored.doc_id)] = stored.load(light=True)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.stored)

    def __len__(self) -> int:
        return len(self.stored)


def description(doc: Document) -> str:
    """The document's first words (its first paragraph), for search engines and link previews."""
    from docpub.model import iter_paragraphs, plain_text

    for p in iter_paragraphs((doc.body, doc.sections, doc.annex)):
        text = " ".join(plain_text(p.inlines).split())
        if text:
            return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS - 1] + "…"
    return doc.meta.title


def document_facts(doc: Document, *, review_count: int = -1, cited: Sequence[CitedDocument] | None = None,
                   places: Mapping[str, Place] | None = None) -> Facts:
    """The facts of ``doc`` (in the script of its edition); ``cited`` and ``places`` are its
    citations and paragraph places when the caller has them already."""
    from docpub.transforms.citations import collect_citations
    from docpub.writers.html import paragraph_places

    cited = tuple(collect_citations(doc) if cited is None else cited)
    anchors = {a for c in cited for a in c.paragraph_ids}
    known = paragraph_places(doc) if places is None else places
    places_ = tuple((k, v) for k, v in known.items() if k in anchors)
    m = doc.meta
    return Facts(doc.id, m.title, m.title_en, m.date.isoformat(), m.symbol, m.kind, description(doc),
                 cited, places_, review_count)


__all__ = ["DESCRIPTION_CHARS", "FACETS", "Facts", "FactsHeads", "LightFacts", "StoredFacts", "description",
           "document_facts"]
