"""``model.walk``: every node in document order, with its enclosing anchor and its parents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from msgspec import Struct

from docpub import model
from docpub.model import (
    Annex,
    BlockQuote,
    BulletList,
    Citation,
    Document,
    Emphasis,
    Footnote,
    FootnoteRef,
    ListItem,
    Meta,
    Node,
    NumberedParagraph,
    Paragraph,
    Section,
    Signature,
    SubParagraph,
    Table,
    TableCell,
    TableRow,
    Text,
    walk,
)
from docpub.readers.markdown import read_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted([*ROOT.glob("content/*/zh-Hans.md"), *ROOT.glob("tests/fixtures/kinds/*.md"),
                   *ROOT.glob("tests/fixtures/markdown/*.md")])


def cite(symbol: str) -> Citation:
    return Citation((Text(symbol),), symbol, "document", "https://example.org/" + symbol)


def sample() -> Document:
    """A citation in every kind of place that has (or lacks) an anchor."""
    section = Section(2, (Text("一、"), cite("S/1")), "s1", (
        Paragraph((cite("S/2"),), "p1"),
        NumberedParagraph(3, (cite("S/3"),), "p3", (
            SubParagraph("a", (Emphasis((cite("S/4"),)),), "p3-a", (Paragraph((cite("S/5"),)),)),
        )),
        BulletList((ListItem((Paragraph((cite("S/6"),)),)),)),
        Table((), (TableRow((TableCell((cite("S/7"),)),)),), ("",)),
    ), (Section(3, (Text("小节"),), "s1-1", (BlockQuote((Paragraph((cite("S/8"),)),)),)),))
    annex = Annex((cite("S/9"),), (Text("附件"),), "annex", (Signature(((cite("S/10"),),)),), (section,))
    return Document(
        id="doc", lang="zh-Hans", meta=Meta("t", date(2020, 1, 1)),
        body=(Paragraph((cite("S/0"), FootnoteRef(1)), ""),), annex=annex,
        footnotes=(Footnote(1, (Paragraph((cite("S/11"),)),), "fn1"),), caption=(cite("S/12"),),
    )


def test_every_citation_knows_its_enclosing_anchor() -> None:
    where = {v.node.symbol: v.anchor for v in walk(sample()) if isinstance(v.node, Citation)}
    assert where == {
        "S/0": "", "S/9": "annex", "S/10": "annex", "S/1": "s1", "S/2": "p1", "S/3": "p3", "S/4": "p3-a",
        "S/5": "p3-a", "S/6": "s1", "S/7": "s1", "S/8": "s1-1", "S/11": "fn1", "S/12": "",
    }


def test_order_is_document_order_with_the_caption_last() -> None:
    symbols = [v.node.symbol for v in walk(sample()) if isinstance(v.node, Citation)]
    assert symbols == [f"S/{n}" for n in (0, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12)]


def test_parents_and_enclosing() -> None:
    v = next(v for v in walk(sample()) if isinstance(v.node, Citation) and v.node.symbol == "S/4")
    assert [type(p).__name__ for p in v.parents] == [
        "Document", "Annex", "Section", "NumberedParagraph", "SubParagraph", "Emphasis"]
    section = v.enclosing(Section)
    assert section is not None and section.id == "s1"
    assert v.enclosing(Footnote) is None
    assert next(walk(sample())).parents == ()


def test_a_node_is_its_own_anchor_and_an_empty_id_is_none() -> None:
    anchors = {v.node.id: v.anchor for v in walk(sample()) if isinstance(v.node, (Section, NumberedParagraph))}
    assert anchors == {"s1": "s1", "p3": "p3", "s1-1": "s1-1"}
    assert [v.anchor for v in walk(sample().body)] == ["", "", "", ""]  # the paragraph, its citation, text, ref


def test_without_inlines_and_into() -> None:
    kinds = {type(v.node) for v in walk(sample(), inlines=False)}
    assert not kinds & set(model._INLINE_TYPES)
    opened = [type(v.node).__name__ for v in walk(sample().annex, inlines=False, into=lambda n: isinstance(n, Annex))]
    assert opened == ["Annex", "Signature", "Section"]


def reference(node: object) -> Iterator[Node]:
    """The plain recursive walk over every field, which ``walk`` must equal."""
    if isinstance(node, tuple):
        for x in node:
            yield from reference(x)
    elif model.is_node(node):
        yield node
        for name in node.__struct_fields__:
            yield from reference(getattr(node, name))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_walk_meets_every_node_a_recursive_walk_meets(path: Path) -> None:
    doc = read_file(path, doc_id="d", lang="zh-Hans")
    assert [v.node for v in walk(doc)] == list(reference(doc))
    assert [v.node for v in walk(sample())] == list(reference(sample()))


def test_every_node_class_is_walked() -> None:
    classes = {c for c in vars(model).values()
               if isinstance(c, type) and issubclass(c, Struct) and c.__module__ == model.__name__}
    assert classes == set(model._NODE_TYPES)
