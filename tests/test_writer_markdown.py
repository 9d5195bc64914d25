"""writers/markdown.py: Markdown -> model -> Markdown is the identity, and text survives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docpub.model import (
    Annex,
    Block,
    BlockQuote,
    BulletList,
    Citation,
    Code,
    Document,
    Emphasis,
    Image,
    Inline,
    LineBreak,
    Link,
    ListItem,
    Meta,
    OrderedList,
    Paragraph,
    Section,
    Signature,
    Strong,
    Text,
)
from docpub.readers.markdown import read_file, read_markdown
from docpub.writers.markdown import write_markdown

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "markdown").glob("*.md"))
META = Meta(title="标题", date=date(2020, 11, 30))


def doc_of(*body: Block, meta: Meta = META, **kw: object) -> Document:
    return Document(id="d", lang="zh-Hans", meta=meta, body=body, **kw)  # type: ignore[arg-type]


def reread(doc: Document) -> Document:
    return read_markdown(write_markdown(doc), doc_id=doc.id, lang=doc.lang, source=doc.source)


@pytest.mark.parametrize("path", [CONTENT, *FIXTURES], ids=lambda p: p.name)
def test_round_trip_is_identity(path: Path) -> None:
    assert write_markdown(read_file(path)) == path.read_text(encoding="utf-8")


TRICKY = [
    "*星* _下_ **粗** __粗__", "[不是链接](x)", "![不是图](x.png)", "反斜杠\\和\\\\",
    "`代码`", "<http://a.org> <b>", "&amp; &#32; &copy; A&B", "# 井号", "## 井号", "> 引",
    "- 列", "+ 列", "* 列", "1. 有序", "12) 有序", "2020.", "=== ", "---", "::: annex x",
    ":::", "~~~", "```", "1\\. 已转义", "句末 #", "(a) 在实地", "中文 English 混排",
    "a  b", "![", "]", "\\", "*", "_a_b_", "\t制表",
]


@pytest.mark.parametrize("text", TRICKY)
def test_text_survives_in_paragraph(text: str) -> None:
    doc = doc_of(Paragraph((Text(text),), "p1"))
    back = reread(doc).body[0]
    assert isinstance(back, Paragraph)
    assert back.inlines == (Text(text.strip()),)


@pytest.mark.parametrize("text", TRICKY)
def test_text_survives_in_heading_after_line_break_and_in_signature(text: str) -> None:
    text = text.strip()
    section = Section(2, (Text(text),), "s", explicit_id=True)
    para = Paragraph((Text("甲"), LineBreak(), Text(text)), "p1")
    sig = Signature(((Text(text),), (Text("乙"),)))
    back = reread(doc_of(para, sig, sections=(section,)))
    assert back.body == (para, sig)
    assert back.sections == (section,)


_SAFE_CHARS = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u3000\xa0"
)


_MARKUP_HEAVY = st.text(st.sampled_from("\\`*_[]()<>!&#;:-+=~.)|{}1a中 "), max_size=30)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(_SAFE_CHARS, min_size=1, max_size=30), _MARKUP_HEAVY))
def test_any_text_survives(text: str) -> None:
    text = " ".join(text.split())  # the reader trims and CommonMark keeps no line-edge spaces
    if not text:
        return
    doc = doc_of(Paragraph((Text(text),), "p1"))
    assert reread(doc).body == doc.body


def test_inline_markup_round_trips() -> None:
    inlines: tuple[Inline, ...] = (
        Text("甲"), Emphasis((Text("强"),)), Strong((Text("粗"),)), Code("a`b"), Text("和"), Code(" x "),
        Link((Text("链"),), "https://undocs.org/zh/S/RES/2512(2020)", 'say "hi"'),
        Link((Text("空"),), "a%20b)c"), Image("img/a%20b.png", "图*说*", "t"), Text("尾"),
    )
    doc = doc_of(Paragraph(inlines, "p1"))
    assert reread(doc) == doc


def test_blocks_round_trip() -> None:
    nested = BulletList((ListItem((Paragraph((Text("乙一"),), "p3"),)),))
    loose_item = ListItem((Paragraph((Text("丙"),), "p4"), Paragraph((Text("丙二"),), "p5")))
    doc = doc_of(
        BulletList((ListItem((Paragraph((Text("甲"),), "p1"),)),
                    ListItem((Paragraph((Text("乙"),), "p2"), nested)))),
        BulletList((loose_item, ListItem(()))),
        OrderedList((ListItem((Paragraph((Text("十"),), "p6"),)),), start=10),
        OrderedList((ListItem((Paragraph((Text("一"),), "p7"),)),)),
        BlockQuote((Paragraph((Text("引一"),), "p8"), Paragraph((Text("引二"),), "p9"))),
    )
    assert reread(doc) == doc


def test_citation_is_written_as_its_text() -> None:
    cited = Citation((Text("第2512(2020)号决议"),), "S/RES/2512(2020)", "resolution",
                     "https://undocs.org/zh/S/RES/2512(2020)")
    out = write_markdown(doc_of(Paragraph((Text("通过了"), cited, Text("。")), "p1")))
    assert out.endswith("\n\n通过了第2512(2020)号决议。\n")


def test_annex_with_signature_uses_a_longer_fence() -> None:
    annex = Annex(caption=(Text("附件"),), title=(Text("标题"),),
                  blocks=(Signature(((Text("签名"),),)), Paragraph((Text("后"),), "p1")))
    doc = doc_of(annex=annex)
    text = write_markdown(doc)
    assert ":::: annex 附件\n" in text and text.endswith("\n::::\n")
    assert reread(doc) == doc


def test_front_matter_order_quoting_and_defaults() -> None:
    meta = Meta(title="标题: 副标题", date=date(2020, 1, 2), title_en="#1 'quoted' - yes",
                symbol="S/2020/1", period="2020-02", letter_date=date(2019, 12, 31),
                links=(("S/2020/139", "https://undocs.org/en/S/2020/139"),))
    text = write_markdown(doc_of(meta=meta))
    keys = [line.split(":")[0] for line in text.split("---")[1].strip().split("\n")]
    assert keys == ["title", "title_en", "symbol", "date", "letter_date", "distribution",
                    "period", "links"]
    assert 'links: {"S/2020/139": "https://undocs.org/en/S/2020/139"}' in text
    assert reread(doc_of(meta=meta)).meta == meta


@pytest.mark.parametrize("title", ["true", "2020", "null", "[x]", "{a}", "x #y", "'q'", "@x", "~"])
def test_front_matter_values_that_yaml_would_misread(title: str) -> None:
    meta = Meta(title=title, date=date(2020, 1, 2))
    assert reread(doc_of(meta=meta)).meta == meta


def test_section_ids_only_when_explicit() -> None:
    sections = (Section(2, (Text("甲"),), "甲"), Section(2, (Text("乙"),), "custom", explicit_id=True))
    text = write_markdown(doc_of(sections=sections))
    assert "\n## 甲\n" in text and "\n## 乙 {#custom}\n" in text
    assert reread(doc_of(sections=sections)).sections == sections


@settings(max_examples=300, deadline=None)
@given(_MARKUP_HEAVY)
def test_any_text_survives_in_heading_and_signature(text: str) -> None:
    text = " ".join(text.split())
    if not text:
        return
    section = Section(3, (Text(text),), "s", explicit_id=True)
    sig = Signature(((Text(text),), (Text(text),)))
    back = reread(doc_of(sig, sections=(section,)))
    assert back.body == (sig,) and back.sections == (section,)
