"""Traditional editions: goldens for the seed document, UN vocabulary, names,
protected spans, glossary files and the editors' review."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import Struct
from msgspec.structs import replace

from docpub.config import Edition, load_config
from docpub.errors import DocpubError
from docpub.model import (
    Annex,
    Citation,
    Code,
    Document,
    Emphasis,
    Link,
    Meta,
    Paragraph,
    Section,
    Signature,
    Text,
    plain_text,
)
from docpub.readers.markdown import read_file
from docpub.review import AMBIGUOUS_FILE, display_width, format_table, load_ambiguous, review
from docpub.transforms.editions import (
    HAN_CHARS,
    Converter,
    convert_document,
    convert_label,
    convert_traced,
    converter_for,
    load_glossary,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
GOLDEN = Path(__file__).parent / "golden" / "editions"

# The repository's own editions, as docpub.toml defines them.
SOURCE, HANT, TW, HK = (load_config(ROOT).edition(tag) for tag in ("zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK"))
TRADITIONAL = (HANT, TW, HK)
TABLE = load_ambiguous(ROOT / AMBIGUOUS_FILE, site=ROOT)


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    try:
        flag = bool(request.getfixturevalue("regen_golden"))
    except pytest.FixtureLookupError:
        flag = False
    return flag or os.environ.get("DOCPUB_REGEN_GOLDEN") == "1"


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_file(SEED)


def render(doc: Document) -> str:
    """The converted strings, one block a line, each after its anchor."""
    meta = [f"meta.{name}\t{getattr(doc.meta, name)}" for name in ("title", "author", "presidency")]
    return "\n".join([*meta, *_render(doc.body), *_render(doc.sections), *_render(doc.annex)]) + "\n"


def _render(node: object) -> Iterator[str]:
    if isinstance(node, Paragraph):
        yield f"{node.id}\t{plain_text(node.inlines)}"
    elif isinstance(node, Section):
        yield f"{node.id}\t{'#' * node.level} {plain_text(node.title)}"
        yield from _render(node.blocks)
        yield from _render(node.subsections)
    elif isinstance(node, Annex):
        yield f"{node.id}\t{plain_text(node.caption)}"
        yield f"{node.id}\t# {plain_text(node.title)}"
        yield from _render(node.blocks)
        yield from _render(node.sections)
    elif isinstance(node, Signature):
        yield from (f"signature\t{plain_text(line)}" for line in node.lines)
    elif isinstance(node, tuple):
        for child in node:
            yield from _render(child)
    elif isinstance(node, Struct):
        for name in node.__struct_fields__:
            yield from _render(getattr(node, name))


def converted_text(seed: Document, edition: Edition) -> str:
    """The rendered text without anchors, which stay Simplified in every edition."""
    rendered = render(convert_document(seed, converter=converter_for(edition, ROOT)))
    return "\n".join(line.partition("\t")[2] for line in rendered.splitlines())


# --- goldens ------------------------------------------------------------------------


@pytest.mark.parametrize("edition", TRADITIONAL, ids=lambda e: e.tag)
def test_golden(seed: Document, edition: Edition, regen: bool) -> None:
    text = render(convert_document(seed, converter=converter_for(edition, ROOT)))
    path = GOLDEN / f"{edition.tag}.txt"
    if regen or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs; rerun with --regen-golden and read the diff"


def test_source_edition_is_the_document(seed: Document) -> None:
    assert convert_document(seed, converter=converter_for(SOURCE, ROOT)) == replace(seed, lang="zh-Hans")


def test_lang_is_the_edition_tag(seed: Document) -> None:
    assert convert_document(seed, converter=converter_for(TW, ROOT)).lang == "zh-Hant-TW"


# --- vocabulary: what s2twp would break and what OpenCC gets wrong -------------------


@pytest.mark.parametrize("edition", TRADITIONAL, ids=lambda e: e.tag)
@pytest.mark.parametrize("kept, not_wanted", [
    ("支持", "支援"), ("進程", "程序"), ("文件", "檔案"), ("主席聲明", "主席宣告"),
    ("高級", "高階"), ("通過了", "透過了"), ("安全局勢", "區域性"), ("荷台達", "荷臺達"),
    ("核心", "覈"), ("核武器", "覈"),
])
def test_un_vocabulary(seed: Document, edition: Edition, kept: str, not_wanted: str) -> None:
    text = converted_text(seed, edition)
    assert kept in text
    assert not_wanted not in text


@pytest.mark.parametrize("edition", TRADITIONAL, ids=lambda e: e.tag)
def test_conjunction_bing(seed: Document, edition: Edition) -> None:
    text = converted_text(seed, edition)
    assert re.search("並[為爲]了提高", text)
    assert "並成功舉行" in text
    assert not re.search("併[為爲成]", text)
    assert "吞併" in text  # a real merge keeps 併


@pytest.mark.parametrize("edition", TRADITIONAL, ids=lambda e: e.tag)
@pytest.mark.parametrize("simplified, expected", [
    ("放在核心位置", "放在核心位置"), ("看待核武器挑战", "看待核武器挑戰"), ("核实报告", "核實報告"),
    ("合并为一份报告", "合併"), ("一并审议", "一併"), ("荷台达", "荷台達"),
    ("马里局势", "馬"), ("罗西纳·索里-库利巴利", "·索里-"), ("马里奥", "馬里奧"),
])
def test_overrides(edition: Edition, simplified: str, expected: str) -> None:
    assert expected in converter_for(edition, ROOT).convert_text(simplified)


def test_mali_keeps_li_not_inside() -> None:
    assert converter_for(HANT, ROOT).convert_text("马里") == "馬里"
    assert converter_for(TW, ROOT).convert_text("马里和索马里") == "馬利和索馬利亞"


# --- names ----------------------------------------------------------------------------

TW_NAMES = {
    "布隆迪": "蒲隆地", "索馬里": "索馬利亞", "也門": "葉門", "幾內亞比紹": "幾內亞比索",
    "突尼斯": "突尼西亞", "聖文森特和格林納丁斯": "聖文森及格瑞那丁", "摩加迪沙": "摩加迪休",
    "東南亞國家聯盟": "東南亞國家協會", "孟加拉國": "孟加拉",
}


@pytest.mark.parametrize("mainland, taiwan", TW_NAMES.items())
def test_taiwan_names(seed: Document, mainland: str, taiwan: str) -> None:
    text = converted_text(seed, TW)
    assert taiwan in text
    assert mainland not in text


@pytest.mark.parametrize("name", ["緬甸", "烏克蘭", "阿拉伯敘利亞共和國", "哥倫比亞", "以色列",
                                  "巴勒斯坦", "柏林", "明斯克", "利比亞", "海地"])
def test_taiwan_names_shared_with_s2tw(seed: Document, name: str) -> None:
    assert name in converted_text(seed, TW)


@pytest.mark.parametrize("edition", (HANT, HK), ids=lambda e: e.tag)
def test_other_editions_keep_un_names(seed: Document, edition: Edition) -> None:
    text = converted_text(seed, edition)
    for name in ("布隆迪", "索馬里", "也門", "幾內亞比紹", "突尼斯", "摩加迪沙"):
        assert name in text
    for name in ("蒲隆地", "索馬利亞", "葉門"):
        assert name not in text


def test_variant_standards_follow_the_edition() -> None:
    # One common.tsv target (並爲) fits each edition's glyph standard.
    assert converter_for(HANT, ROOT).convert_text("并为此") == "並爲此"
    assert converter_for(TW, ROOT).convert_text("并为此") == "並為此"
    assert converter_for(HK, ROOT).convert_text("并为此，他说") == "並為此，他說"


# --- protected spans ------------------------------------------------------------------

PROTECTED_DOC = Document(
    id="并为-台",
    lang="zh-Hans",
    meta=Meta(title="比利时常驻联合国代表给安全理事会主席的信", date=date(2020, 11, 30),
              title_en="Letter dated 9 November 2020", symbol="S/2020/1", author="比利时常驻联合国代表",
              author_en="Permanent Representative", presidency="比利时",
              links=(("S/RES/2512(2020)", "https://undocs.org/zh/S/RES/2512(2020)"),)),
    body=(
        Paragraph((
            Text("民间社会组织 Je Klere 基金会执行主任 Marie Yolène Gilles 也发了言，"),
            Citation((Text("第2512(2020)号决议"),), "S/RES/2512(2020)", "resolution",
                     "https://undocs.org/zh/S/RES/2512(2020)"),
            Code("并为 台 后 发 核"),
            Link((Emphasis((Text("联合国"),)),), "https://example.org/并为/台", "联合国"),
            Text("2月14日、PRST/2020/3、SC/14128、１２月、ＡＢＣ"),
        ), id="并为"),
    ),
    sections=(Section(2, (Text("布隆迪"),), "布隆迪", (Paragraph((Text("台"),), "p9"),)),),
)


@pytest.mark.parametrize("edition", TRADITIONAL, ids=lambda e: e.tag)
def test_protected_spans_are_byte_identical(edition: Edition) -> None:
    out = convert_document(PROTECTED_DOC, converter=converter_for(edition, ROOT))
    para = out.body[0]
    assert isinstance(para, Paragraph)
    first, citation, code, link, digits = para.inlines
    assert isinstance(first, Text) and "Je Klere" in first.text and "Marie Yolène Gilles" in first.text
    assert isinstance(citation, Citation)
    assert (citation.symbol, citation.kind, citation.url) == (
        "S/RES/2512(2020)", "resolution", "https://undocs.org/zh/S/RES/2512(2020)")
    assert citation.children == (Text("第2512(2020)號決議"),)
    assert code == Code("并为 台 后 发 核")
    assert isinstance(link, Link) and link.url == "https://example.org/并为/台" and link.title == "联合国"
    assert digits == Text("2月14日、PRST/2020/3、SC/14128、１２月、ＡＢＣ")
    assert para.id == "并为" and out.id == "并为-台" and out.sections[0].id == "布隆迪"


@pytest.mark.parametrize("edition", TRADITIONAL, ids=lambda e: e.tag)
def test_meta_prose_only(edition: Edition) -> None:
    meta = convert_document(PROTECTED_DOC, converter=converter_for(edition, ROOT)).meta
    src = PROTECTED_DOC.meta
    assert meta.title == "比利時常駐聯合國代表給安全理事會主席的信"
    assert meta.author == "比利時常駐聯合國代表" and meta.presidency == "比利時"
    assert replace(meta, title=src.title, author=src.author, presidency=src.presidency) == src


_NON_HAN = re.compile(f"[^{HAN_CHARS}]+")
_MIXED = st.text(alphabet="并为台后发里核马索达在待 aZé0９/-()·。，“”\t", max_size=40)


@settings(max_examples=200, deadline=None)
@given(_MIXED)
def test_non_han_runs_survive_any_text(s: str) -> None:
    for edition in TRADITIONAL:
        out = converter_for(edition, ROOT).convert_text(s)
        assert _NON_HAN.findall(out) == _NON_HAN.findall(s)


# --- glossary files -------------------------------------------------------------------


def _edition_with(tmp_path: Path, *files: str) -> Edition:
    names = []
    for i, text in enumerate(files):
        (tmp_path / f"g{i}.tsv").write_text(text, encoding="utf-8")
        names.append(f"g{i}.tsv")
    return Edition("zh-Hant", "繁體中文", "s2t", tuple(names))


@pytest.mark.parametrize("text, line, reason", [
    ("# ok\n布隆迪\t蒲隆地\n索马里 索馬利亞\n", 3, "expected 'source<TAB>target<TAB>reason'"),
    ("a\tb\tc\td\n", 1, "found 4 field(s)"),
    ("\n布隆迪\t\n", 2, "empty source or target"),
    ("也门\t葉門\n\n也门\t也門\n", 3, "duplicate source term '也门' (first on line 1)"),
    ("SC\t安理會\n", 1, "contains 'S'"),
    ("第2512号\t第2512號\n", 1, "contains '2'"),
])
def test_glossary_errors_name_file_and_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    edition = _edition_with(tmp_path, text)
    with pytest.raises(DocpubError) as err:
        converter_for(edition, tmp_path)
    assert err.value.problem.file == str((tmp_path / "g0.tsv").resolve())  # opens from anywhere
    assert err.value.problem.line == line
    assert reason in err.value.problem.reason


def test_missing_glossary_and_unknown_config(tmp_path: Path) -> None:
    with pytest.raises(DocpubError, match="nowhere.tsv: error: glossary file not found"):
        converter_for(Edition("zh-Hant", "x", "s2t", ("nowhere.tsv",)), tmp_path)
    with pytest.raises(DocpubError, match="unknown OpenCC config 's2x'"):
        converter_for(Edition("zh-Hant", "x", "s2x"), tmp_path)


def test_later_file_wins_and_longest_match(tmp_path: Path) -> None:
    edition = _edition_with(tmp_path, "马里\t馬里\n", "马里\t馬利\n索马里\t索馬利亞\t# note\n")
    converter = converter_for(edition, tmp_path)
    assert converter.convert_text("马里、索马里") == "馬利、索馬利亞"


def test_repository_glossaries_load() -> None:
    for name in ("common.tsv", "zh-Hant-TW.tsv", "zh-Hant-HK.tsv"):
        assert load_glossary(ROOT / "content" / "glossary" / name, name=name)


def test_an_edited_glossary_is_read_by_the_next_converter(tmp_path: Path) -> None:
    # No converter is kept behind the caller's back: a new one reads the files as they are now.
    edition = _edition_with(tmp_path, "也门\t葉門\n")
    assert converter_for(edition, tmp_path).convert_text("也门") == "葉門"
    (tmp_path / "g0.tsv").write_text("也门\t也門\n", encoding="utf-8")
    assert converter_for(edition, tmp_path).convert_text("也门") == "也門"


def test_convert_label() -> None:
    assert convert_label("下载 PDF 文件", converter=converter_for(HANT, ROOT)) == "下載 PDF 文件"
    assert convert_label("目录", converter=converter_for(TW, None)) == "目錄"
    assert convert_label("目录", converter=converter_for(SOURCE, ROOT)) == "目录"


# --- review ---------------------------------------------------------------------------


def test_review_lists_choices_and_hits() -> None:
    doc = replace(PROTECTED_DOC, body=(Paragraph((Text("按照联合国惯例，并为了提高布隆迪的工作透明度"),), "p5"),),
                  meta=replace(PROTECTED_DOC.meta, title="比利时代表团分发的信"))
    r = review(doc, converter=converter_for(TW, ROOT), table=TABLE)
    bing = [u for u in r.ambiguous if u.char == "并"]
    assert len(bing) == 1
    assert bing[0].where == "p5" and bing[0].chosen == "並"
    assert bing[0].entry.startswith("content/glossary/common.tsv:")
    assert bing[0].source_context == "按照联合国惯例，并为了提高布隆迪的"
    assert bing[0].converted_context == "按照聯合國慣例，並為了提高蒲隆地的"
    assert ("布隆迪", "蒲隆地", "p5") in {(h.term, h.target, h.where) for h in r.hits}
    hit = next(h for h in r.hits if h.term == "布隆迪")
    file, line = hit.entry.rsplit(":", 1)
    entry_line = (ROOT / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert entry_line.startswith("布隆迪\t蒲隆地")
    assert {u.where for u in r.ambiguous} >= {"meta.title", "p5", "布隆迪", "p9"}


def test_review_table_columns_line_up(seed: Document) -> None:
    lines = format_table(review(seed, converter=converter_for(HK, ROOT), table=TABLE)).splitlines()
    table = lines[2:lines.index("", 2)]
    assert len(table) > 20
    starts = {tuple(_column_starts(row, 3)) for row in table if not row.startswith("-")}
    assert len(starts) == 1, starts


@pytest.mark.parametrize("edition", TRADITIONAL, ids=lambda e: e.tag)
def test_review_from_the_conversion_trace_converts_nothing_again(seed: Document, edition: Edition) -> None:
    converter = converter_for(edition, ROOT)
    traced = convert_traced(seed, converter=converter)
    assert traced.document == convert_document(seed, converter=converter)
    fresh = review(seed, converter=converter, table=TABLE)

    class Refusing:
        tag = converter.tag
        forms = converter.forms
        join = converter.join

        def pieces(self, s: str) -> object:
            raise AssertionError(f"converted a second time: {s[:20]}")

    reused = review(seed, converter=Refusing(), table=TABLE, pieces=traced.pieces)  # type: ignore[arg-type]
    assert reused == fresh
    assert fresh.ambiguous and fresh.hits


def _column_starts(row: str, n: int) -> list[int]:
    # The first columns (where, char, chosen) never hold two spaces in a row.
    starts, pos = [], 0
    for cell in re.split(r" {2,}", row)[:n]:
        at = row.index(cell, pos)
        starts.append(display_width(row[:at]))
        pos = at + len(cell)
    return starts


@pytest.mark.parametrize(("text", "expected"), [
    ("4次“通过”会议", "4次「通过」会议"),
    ("他说：‘好’。", "他说：『好』。"),
    ("Côte d’Ivoire与“Je Klere”", "Côte d’Ivoire与「Je Klere」"),
    ("rock’n’roll", "rock’n’roll"),
])
def test_corner_quotes_keep_apostrophes(text: str, expected: str) -> None:
    from docpub.transforms.editions import corner_quotes

    assert corner_quotes(text) == expected


# --- the s2t step shared by the Traditional editions ------------------------------------------

_HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12)


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_an_edition_sharing_the_s2t_step_prints_what_opencc_prints(config: str) -> None:
    import opencc

    text = SEED.read_text(encoding="utf-8")
    converter = Converter("x", config, {})  # no glossary: OpenCC's own choices
    expected = opencc.OpenCC(config)
    assert converter.convert_text(text) == expected.convert(text)
    # The same strings again (now known to the shared step), and in another edition's order.
    for line in reversed(text.splitlines()):
        assert converter.convert_text(line) == expected.convert(line)


@functools.cache
def _pair(config: str) -> tuple[Converter, Any]:
    import opencc

    return Converter("x", config, {}), opencc.OpenCC(config)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HAN, min_size=1, max_size=20))
def test_the_shared_s2t_step_gives_each_edition_opencc_s_text(words: list[str]) -> None:
    for config in ("s2hk", "s2t", "s2tw"):
        converter, expected = _pair(config)
        for word in words:
            assert converter.convert_text(word) == expected.convert(word), (config, word)


_CHARS = "安全理事会决议通过视频主席"


@given(st.lists(st.tuples(st.text(_CHARS, max_size=1), st.text(_CHARS, min_size=1, max_size=3),
                          st.text(_CHARS, max_size=1)), min_size=1, max_size=30),
       st.text(_CHARS, max_size=80))
@settings(max_examples=200, deadline=None)
def test_a_large_glossarys_terms_are_found_as_a_small_ones(entries: list[tuple[str, str, str]],
                                                          text: str) -> None:
    """A glossary past ``Matcher.ONE_REGEX`` terms is searched another way (each place looked
    up): the hits are the very ones, contexts and priorities included."""
    from docpub.transforms.glossary import GlossaryEntry, Matcher

    glossary = {f"[{b}]{t}[{a}]": GlossaryEntry(term=t, target=f"<{t}>", reason="", file="g.tsv", line=1,
                                               before=b, after=a) for b, t, a in entries}
    targets = {e.source: e.target for e in glossary.values()}
    class Large(Matcher):
        ONE_REGEX = 0  # (every glossary is "large")

    assert list(Large(glossary, targets).hits(text)) == list(Matcher(glossary, targets).hits(text))
