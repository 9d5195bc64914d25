"""The document model: a closed set of frozen records (``msgspec.Struct``).

Readers build it, transforms map it to a new one, writers render it. Nothing
here does I/O, reads configuration or knows an output format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any, Literal, NamedTuple, TypeAlias, TypeGuard, TypeVar, cast, overload

from msgspec import Struct
from msgspec.structs import replace

# What a document is; each kind has its own structure and layout (docs/content-format.md).
DocumentKind = Literal["letter", "resolution", "presidential-statement", "report"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = ("letter", "resolution", "presidential-statement", "report")

Alignment = Literal["", "left", "center", "right"]

CitationKind = Literal[
    "resolution",
    "presidential_statement",
    "press_release",
    "document",
    "meeting",
]

# The order in which kinds are listed to readers (citations page, JSON).
CITATION_KINDS: tuple[CitationKind, ...] = (
    "resolution",
    "presidential_statement",
    "press_release",
    "document",
    "meeting",
)


# --- inlines ---------------------------------------------------------------


class Text(Struct, frozen=True):
    text: str


class Emphasis(Struct, frozen=True):
    children: tuple[Inline, ...]


class Strong(Struct, frozen=True):
    children: tuple[Inline, ...]


class Code(Struct, frozen=True):
    """Verbatim text: never converted, never searched for citations."""

    text: str


class LineBreak(Struct, frozen=True):
    """A hard line break inside a block (signature lines, addresses)."""


class Link(Struct, frozen=True):
    children: tuple[Inline, ...]
    url: str
    title: str = ""


class Image(Struct, frozen=True):
    src: str
    alt: str = ""
    title: str = ""


class Citation(Struct, frozen=True):
    """A cited UN document.

    ``children`` is the text as written (``第2512(2020)号决议``); it is prose and
    follows the edition's script. ``symbol``, ``kind`` and ``url`` identify
    the cited document and are never converted.
    """

    children: tuple[Inline, ...]
    symbol: str
    kind: CitationKind
    url: str
    pinpoint: str = ""  # the paragraph cited, as numbered: "3", "3(a)", "2(b)(ii)"
    # The cited document's page in this site (relative, with the paragraph's anchor)
    # when the site publishes it; pages link there, the PDF keeps ``url``.
    site_href: str = ""


class FootnoteRef(Struct, frozen=True):
    """A call to footnote ``number`` (the document's footnotes are numbered 1, 2, ... in order of first call)."""

    number: int


Inline: TypeAlias = (
    Text | Emphasis | Strong | Code | LineBreak | Link | Image | Citation | FootnoteRef
)


# --- blocks ----------------------------------------------------------------


class Paragraph(Struct, frozen=True):
    inlines: tuple[Inline, ...]
    id: str = ""  # stable anchor (p1, p2, ...) given by the reader


class ListItem(Struct, frozen=True):
    blocks: tuple[Block, ...]


class BulletList(Struct, frozen=True):
    items: tuple[ListItem, ...]


class OrderedList(Struct, frozen=True):
    items: tuple[ListItem, ...]
    start: int = 1


class BlockQuote(Struct, frozen=True):
    blocks: tuple[Block, ...]


class Signature(Struct, frozen=True):
    """The signature block closing a letter: one entry per printed line."""

    lines: tuple[tuple[Inline, ...], ...]


class Section(Struct, frozen=True):
    """A heading and everything under it, down to the next heading of its level."""

    level: int  # 2 = region / chapter, 3 = country / topic, ...
    title: tuple[Inline, ...]
    id: str  # stable readable anchor
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    explicit_id: bool = False  # the author wrote {#id}


class CodeBlock(Struct, frozen=True):
    """Verbatim lines (a fenced or indented code block): never converted or searched."""

    text: str
    info: str = ""  # what follows the opening fence, e.g. a language name


class Rule(Struct, frozen=True):
    """A thematic break (``---``, ``***``) between blocks."""


class TableCell(Struct, frozen=True):
    inlines: tuple[Inline, ...]


class TableRow(Struct, frozen=True):
    cells: tuple[TableCell, ...]


class Table(Struct, frozen=True):
    """A table: header rows, body rows and each column's alignment ("" = the default)."""

    head: tuple[TableRow, ...]
    rows: tuple[TableRow, ...]
    align: tuple[Alignment, ...]


class SubParagraph(Struct, frozen=True):
    """A lettered (``(a)``) or roman (``(ii)``) sub-paragraph, kept as its author labels it.

    ``inlines`` is its text after the label; ``blocks`` what follows, including
    its own sub-paragraphs. ``id`` extends its parent's: ``p3-a``, ``p3-a-ii``.
    """

    label: str  # "a", "ii"
    inlines: tuple[Inline, ...]
    id: str
    blocks: tuple[Block, ...] = ()


class NumberedParagraph(Struct, frozen=True):
    """A paragraph the author numbers (operative paragraphs, a report's paragraphs): anchor ``p<number>``."""

    number: int
    inlines: tuple[Inline, ...]
    id: str
    blocks: tuple[Block, ...] = ()  # sub-paragraphs, further paragraphs, lists ...


Block: TypeAlias = (
    Paragraph | BulletList | OrderedList | BlockQuote | Signature | Table | NumberedParagraph
    | SubParagraph | CodeBlock | Rule
)


# --- the document ----------------------------------------------------------


class Meta(Struct, frozen=True):
    """Masthead and catalogue data from the front matter."""

    title: str
    date: dt.date  # date of distribution
    kind: DocumentKind = "letter"
    title_en: str = ""
    symbol: str = ""  # empty when unknown
    distribution: str = "General"
    original_language: str = ""  # e.g. "English"
    letter_date: dt.date | None = None
    author: str = ""
    author_en: str = ""
    presidency: str = ""
    period: str = ""  # "YYYY-MM" or "YYYY-MM-DD/YYYY-MM-DD"
    annex_title_en: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (canonical symbol, url) overrides
    meeting: int | None = None  # the Council meeting that adopted or heard it
    meeting_date: dt.date | None = None
    agenda_item: str = ""  # a statement's agenda item, as the Council names it
    job: str = ""  # the UN's job number ("20-15807 (C)"), printed in the first page's footer


class Annex(Struct, frozen=True):
    caption: tuple[Inline, ...]  # "... 的信的附件"
    title: tuple[Inline, ...]
    id: str = "annex"
    blocks: tuple[Block, ...] = ()  # text before the first section
    sections: tuple[Section, ...] = ()


class Footnote(Struct, frozen=True):
    """The text of footnote ``number``; ``id`` (``fn3``) is its anchor."""

    number: int
    blocks: tuple[Block, ...]
    id: str


class Document(Struct, frozen=True):
    id: str  # the folder name under content/, safe as a path segment
    lang: str  # BCP 47 tag of this edition's text, e.g. "zh-Hans"
    meta: Meta
    body: tuple[Block, ...] = ()  # the letter (or the whole text when no annex)
    sections: tuple[Section, ...] = ()  # sections of the letter itself, if any
    annex: Annex | None = None
    footnotes: tuple[Footnote, ...] = ()
    source: str = ""  # the file it was read from, for messages
    # The line a kind prints under its title, made from the front matter: a
    # resolution's adoption line, a statement's opening. Prose, so it follows the edition.
    caption: tuple[Inline, ...] = ()


# --- generic traversal -----------------------------------------------------

Node: TypeAlias = (
    Document | Meta | Annex | Section | ListItem | Block | Inline | TableRow | TableCell | Footnote
)
# The values a node's fields hold besides nodes and tuples.
Leaf: TypeAlias = str | int | dt.date | None
# Anything the traversals accept: a node, a leaf, or any nesting of tuples of
# them, e.g. ``(doc.body, doc.sections, doc.annex)``.
Tree: TypeAlias = Node | Leaf | tuple["Tree", ...]

_NodeT = TypeVar("_NodeT", bound=Node)

InlineFn = Callable[[tuple[Inline, ...]], tuple[Inline, ...]]

_INLINE_TYPES = (Text, Emphasis, Strong, Code, LineBreak, Link, Image, Citation, FootnoteRef)
_INLINE_FIELDS = ("inlines", "children", "title", "caption")


# Rebuilding keeps every node's class and every tuple a tuple, so the result
# has the type of the input.
@overload
def map_inline_seqs(node: _NodeT, fn: InlineFn) -> _NodeT: ...
@overload
def map_inline_seqs(node: tuple[_NodeT, ...], fn: InlineFn) -> tuple[_NodeT, ...]: ...
@overload
def map_inline_seqs(node: Tree, fn: InlineFn) -> Tree: ...


def map_inline_seqs(node: Tree, fn: InlineFn) -> Tree:
    """Rebuild ``node`` with ``fn`` applied to every sequence of inlines.

    ``fn`` sees each run of sibling inlines (a paragraph's, a heading's, a
    link's children, ...) bottom-up: children are mapped before their parent.
    Returns a new node; the input is unchanged.
    """
    if isinstance(node, tuple):
        return tuple([map_inline_seqs(x, fn) for x in node])
    if not is_node(node):
        return node
    changes: dict[str, Any] = {}  # field name -> new value, of that field's type
    for name in field_names(node.__class__):
        value = getattr(node, name)
        if name == "lines" and isinstance(node, Signature):
            changes[name] = tuple(fn(map_inline_seqs(line, fn)) for line in node.lines)
        elif name in _INLINE_FIELDS and isinstance(value, tuple):
            changes[name] = fn(map_inline_seqs(value, fn))
        elif isinstance(value, tuple) or is_node(value):
            changes[name] = map_inline_seqs(value, fn)
    return replace(node, **changes) if changes else node


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a model class, in order."""
    return cast("tuple[str, ...]", cls.__struct_fields__)  # type: ignore[attr-defined]


@overload
def map_text(node: _NodeT, fn: Callable[[str], str]) -> _NodeT: ...
@overload
def map_text(node: tuple[_NodeT, ...], fn: Callable[[str], str]) -> tuple[_NodeT, ...]: ...
@overload
def map_text(node: Tree, fn: Callable[[str], str]) -> Tree: ...


def map_text(node: Tree, fn: Callable[[str], str]) -> Tree:
    """Apply ``fn`` to the string of every ``Text`` node below ``node``.

    Only prose is Text: code, URLs, citation symbols and anchors are other
    fields and are never touched. Returns a new tree (the fields that hold
    nodes are rebuilt, as ``walk`` knows them); the input is unchanged.
    """
    children = _CHILDREN

    def rebuild(value: Any) -> Any:
        cls = type(value)
        if cls is tuple:
            return tuple([rebuild(x) for x in value])
        if cls is Text:
            return Text(fn(value.text))
        entry = children.get(cls)
        if entry is None or not entry[0]:
            return value
        fields_, _ = entry
        return cls(*[rebuild(getattr(value, name)) if name in fields_ else getattr(value, name)
                     for name in field_names(cls)])

    return cast(Tree, rebuild(node))


def is_node(value: object) -> TypeGuard[Node]:
    """Whether ``value`` is a model node (every record in a tree is: the model is closed)."""
    return isinstance(value, Struct)


def iter_inlines(node: Tree) -> Iterator[Inline]:
    """Yield every inline below ``node``, depth-first, in document order."""
    for v in walk(node):
        if isinstance(v.node, _INLINE_TYPES):
            yield v.node


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text a reader sees, without markup."""
    out: list[str] = []
    for x in inlines:
        if isinstance(x, (Text, Code)):
            out.append(x.text)
        elif isinstance(x, LineBreak):
            out.append("\n")
        elif isinstance(x, Image):
            out.append(x.alt)
        elif isinstance(x, FootnoteRef):
            continue
        else:
            out.append(plain_text(x.children))
    return "".join(out)


def iter_sections(sections: tuple[Section, ...]) -> Iterator[Section]:
    """Every section in document order, parents before children."""
    for s in sections:
        yield s
        yield from iter_sections(s.subsections)


def iter_blocks(node: Tree) -> Iterator[Node]:
    """Every node below ``node`` that is not an inline, in document order (parents first)."""
    return (v.node for v in walk(node, inlines=False))


def text_strings(node: Tree) -> Iterator[str]:
    """The string of every ``Text`` below ``node`` (what ``map_text`` gives its function), in order."""
    for v in walk(node):
        if type(v.node) is Text:
            yield v.node.text


def iter_paragraphs(node: Tree) -> Iterator[Paragraph]:
    """Every paragraph below ``node`` in document order."""
    for v in walk(node, inlines=False):
        if isinstance(v.node, Paragraph):
            yield v.node


# --- the walk ----------------------------------------------------------------

# What a reader's link can land on: the nodes whose ``id`` is an anchor of the document's page.
# (The document's own id is a folder name, not an anchor.)
_ANCHORED = (Paragraph, NumberedParagraph, SubParagraph, Section, Annex, Footnote)


class Visit(NamedTuple):
    """A node met by ``walk``, with where it stands."""

    node: Node
    # The id of the innermost anchored node holding it, itself included (a paragraph, numbered
    # paragraph, sub-paragraph, section, annex or footnote with an id); "" when none does.
    anchor: str
    parents: tuple[Node, ...]  # the nodes holding it, outermost first (tuples are not nodes)

    def enclosing(self, kind: type[_NodeT]) -> _NodeT | None:
        """The innermost of ``parents`` that is a ``kind``, or None."""
        for p in reversed(self.parents):
            if isinstance(p, kind):
                return p
        return None


def walk(node: Tree, *, inlines: bool = True, into: Callable[[Node], bool] | None = None) -> Iterator[Visit]:
    """Every node of ``node`` (itself included) in document order, parents first, each with its anchor.

    Document order is the order of the fields (a document's caption comes after its
    footnotes). ``inlines=False`` leaves inlines out (and never descends into them);
    ``into``, when given, says which nodes to descend into: the others are visited,
    their children not.
    """
    table = _CHILDREN if inlines else _BLOCK_CHILDREN
    # No recursion (so no generator per level): a stack of (the rest of a run of siblings,
    # their parents, their anchor). A node's children are the values of its child fields.
    stack: list[tuple[Iterator[Any], tuple[Node, ...], str]] = [(iter((node,)), (), "")]
    while stack:
        items, parents, anchor = stack[-1]
        for item in items:
            if isinstance(item, tuple):
                stack.append((iter(item), parents, anchor))
                break
            entry = table.get(type(item))
            if entry is None:  # a leaf (str, int, date, None), or an inline when they are left out
                continue
            names, anchored = entry
            own = (item.id or anchor) if anchored else anchor
            yield _new_visit(Visit, (item, own, parents))
            if names and (into is None or into(item)):
                stack.append((iter([getattr(item, name) for name in names]), (*parents, item), own))
                break
        else:
            stack.pop()


# One Visit per node: made by tuple.__new__ directly, which skips NamedTuple's
# Python-level constructor (a quarter of the walk's time).
_new_visit = tuple.__new__


_NODE_TYPES: tuple[type[Node], ...] = (
    *_INLINE_TYPES, Paragraph, ListItem, BulletList, OrderedList, BlockQuote, Signature, Section,
    CodeBlock, Rule, TableCell, TableRow, Table, SubParagraph, NumberedParagraph, Meta, Annex, Footnote,
    Document,
)


def _child_fields(cls: type[Node], *, inlines: bool) -> tuple[str, ...]:
    """The fields of ``cls`` that can hold nodes (read from their annotations), in order."""
    node_names = {"Node", "Block", "Inline", *(t.__name__ for t in _NODE_TYPES)}
    inline_names = {"Inline", *(t.__name__ for t in _INLINE_TYPES)}
    out = []
    for name in field_names(cls):
        names = set(re.findall(r"\w+", str(cls.__annotations__[name]))) & node_names
        if names and (inlines or not names <= inline_names):
            out.append(name)
    return tuple(out)


# Node class -> (its child fields, whether its id is an anchor); with inlines, and without.
_CHILDREN: dict[type, tuple[tuple[str, ...], bool]] = {
    t: (_child_fields(t, inlines=True), t in _ANCHORED) for t in _NODE_TYPES
}
_BLOCK_CHILDREN: dict[type, tuple[tuple[str, ...], bool]] = {
    t: (_child_fields(t, inlines=False), t in _ANCHORED) for t in _NODE_TYPES if t not in _INLINE_TYPES
}


__all__ = [
    "field_names",
    "text_strings",
    "Alignment", "Annex", "Block", "BlockQuote", "BulletList", "Citation", "CitationKind",
    "CITATION_KINDS", "Code", "CodeBlock", "Document", "DocumentKind", "DOCUMENT_KINDS", "Emphasis", "Footnote",
    "FootnoteRef", "Image", "Inline", "LineBreak", "Link", "ListItem", "Meta", "Node",
    "NumberedParagraph", "OrderedList", "Paragraph", "Rule", "Section", "Signature", "Strong",
    "SubParagraph", "Table", "TableCell", "TableRow", "Text", "Tree",
    "Visit", "is_node", "iter_blocks", "iter_inlines", "iter_paragraphs", "iter_sections", "map_inline_seqs",
    "map_text", "plain_text", "walk",
]
