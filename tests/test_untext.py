"""The plain-text reader: the seed imports to the hand-authored content file, and
each repair fires on the artefact it targets and leaves its look-alikes alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from msgspec.structs import replace

from docpub.errors import DocpubError
from docpub.model import Document, Paragraph, Section, Signature, Text, iter_sections, plain_text
from docpub.readers.markdown import read_file, read_markdown
from docpub.readers.untext import ImportReport, Note, read_untext
from docpub.writers.markdown import write_markdown
from sitekit import SEED_SOURCE

ROOT = Path(__file__).resolve().parents[1]
SEED = SEED_SOURCE
CONTENT = ROOT / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
FIXTURES = Path(__file__).parent / "fixtures" / "untext"

MASTHEAD = "安全理事会\n\nDistr.: General\n2 March 2021\nChinese\nOriginal: English\n\n"
TITLE = "2021年2月20日某国常驻联合国代表给安全理事会主席的信"


ANNEX_TITLE = "突尼斯担任安全理事会轮值主席期间安全理事会工作评估(2021年1月)"


def letter(annex_body: str, *, annex_title: str = ANNEX_TITLE) -> str:
    """A minimal letter whose annex holds ``annex_body``, from input line 20 on."""
    return (MASTHEAD + TITLE + "\n\n谨随函转递工作评估(见附件)。\n\n某国常驻联合国代表\n\n"
            "某某(签名)\n\n" + TITLE + "的附件\n\n" + annex_title + "\n\n" + annex_body)


def read(text: str) -> tuple[Document, ImportReport]:
    return read_untext(text, doc_id="t", source="t.txt")


def annex_paragraphs(doc: Document) -> list[str]:
    assert doc.annex is not None
    out = [plain_text(b.inlines) for b in doc.annex.blocks if isinstance(b, Paragraph)]
    for s in iter_sections(doc.annex.sections):
        out += [plain_text(b.inlines) for b in s.blocks if isinstance(b, Paragraph)]
    return out


def outline(doc: Document) -> list[tuple[int, str]]:
    assert doc.annex is not None
    return [(s.level, plain_text(s.title)) for s in iter_sections(doc.annex.sections)]


def messages(notes: tuple[Note, ...]) -> str:
    return "\n".join(f"{n.line}: {n.message}" for n in notes)


# --- the seed --------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[Document, ImportReport]:
    return read_untext(SEED.read_text(encoding="utf-8"), doc_id="assessment-belgium-2020-02",
                       source=str(SEED))


def with_english(doc: Document, authored: Document) -> Document:
    """Adds the metadata only the English edition carries; the body is untouched."""
    m = authored.meta
    meta = replace(doc.meta, title_en=m.title_en, author_en=m.author_en,
                   annex_title_en=m.annex_title_en)
    return replace(doc, meta=meta)


def test_seed_imports_to_the_authored_content_file_byte_for_byte(seed: tuple[Document, ImportReport]) -> None:
    doc, _ = seed
    expected = CONTENT.read_text(encoding="utf-8")
    assert write_markdown(with_english(doc, read_file(CONTENT))) == expected


def test_seed_model_equals_the_markdown_readers_model(seed: tuple[Document, ImportReport]) -> None:
    doc, _ = seed
    authored = read_file(CONTENT)
    assert replace(with_english(doc, authored), source=authored.source) == authored


def test_seed_metadata_derived_from_the_text(seed: tuple[Document, ImportReport]) -> None:
    meta = seed[0].meta
    assert meta.title == "2020年11月9日比利时常驻联合国代表给安全理事会主席的信"
    assert meta.date == date(2020, 11, 30) and meta.letter_date == date(2020, 11, 9)
    assert (meta.distribution, meta.original_language) == ("General", "English")
    assert (meta.author, meta.presidency, meta.period) == ("比利时常驻联合国代表", "Belgium", "2020-02")
    assert meta.symbol == ""


def test_seed_report_names_the_four_page_break_joins(seed: tuple[Document, ImportReport]) -> None:
    _, report = seed
    joins = [n for n in report.repairs if n.message.startswith("joined")]
    assert [n.line for n in joins] == [54, 146, 164, 178]
    assert "他们还敦促" in joins[0].message and "中非共和国当" in joins[0].message
    assert report.unsure == ()
    assert report.missing == ("title_en", "author_en", "annex_title_en", "symbol")


def test_seed_spacing_repairs_are_reported_per_line(seed: tuple[Document, ImportReport]) -> None:
    spaced = {n.line for n in seed[1].repairs if "space" in n.message}
    assert {58, 60, 64, 88, 164}.issubset(spaced)
    assert 34 not in spaced  # already unspaced


# --- the second document: furniture, lists, other structure --------------------


@pytest.fixture(scope="module")
def second() -> tuple[Document, ImportReport]:
    text = (FIXTURES / "second.zh-Hans.txt").read_text(encoding="utf-8")
    return read_untext(text, doc_id="second", source="second.zh-Hans.txt")


def test_second_document_golden(second: tuple[Document, ImportReport], regen_golden: bool) -> None:
    golden = FIXTURES / "second.zh-Hans.md"
    out = write_markdown(second[0])
    if regen_golden:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_second_document_reads_back_identically(second: tuple[Document, ImportReport]) -> None:
    doc = second[0]
    back = read_markdown(write_markdown(doc), doc_id="second", source=doc.source)
    assert back == doc


def test_second_document_metadata(second: tuple[Document, ImportReport]) -> None:
    meta = second[0].meta
    assert (meta.symbol, meta.presidency, meta.period) == ("S/2021/456", "Viet Nam", "2021-04")
    assert meta.date == date(2021, 5, 12)
    assert second[1].missing == ("title_en", "author_en", "annex_title_en")


def test_second_document_outline(second: tuple[Document, ImportReport]) -> None:
    assert outline(second[0]) == [
        (2, "概述"), (2, "非洲"), (3, "马里"), (3, "南苏丹"), (2, "亚洲和太平洋"), (3, "阿富汗"),
        (2, "专题问题"), (3, "维持和平行动"), (2, "结论"),
    ]


def test_second_document_furniture_is_gone_and_reported(second: tuple[Document, ImportReport]) -> None:
    doc, report = second
    text = write_markdown(doc)
    for furniture in ("21-05678", "2105678", "2/3", "3/3", "\f"):
        assert furniture not in text
    assert text.count("S/2021/456") == 1  # the front matter's symbol
    assert text.count("安全理事会工作评估\n") == 0  # the running title
    kinds = messages(report.repairs)
    for kind in ("job number", "barcode", "page number", "running header", "form feed"):
        assert kind in kinds


def test_second_document_page_break_join(second: tuple[Document, ImportReport]) -> None:
    paras = annex_paragraphs(second[0])
    assert "4月15日，安全理事会就南苏丹问题举行了通报会。安理会成员呼吁各方立即停止敌对行动，" \
           "并全面执行《重振的解决南苏丹冲突协议》。" in paras
    assert any(n.line == 57 and "page break" in n.message for n in second[1].repairs)


def test_lettered_items_on_separate_lines_stay_paragraphs(second: tuple[Document, ImportReport]) -> None:
    paras = annex_paragraphs(second[0])
    i = paras.index("4月19日，安全理事会举行了公开辩论，审议以下事项：")
    assert paras[i + 1:i + 4] == ["(a) 维持和平人员的安全；", "(b) 维和行动的过渡；", "(c) 妇女的参与。"]


# --- focused repairs and their look-alikes -------------------------------------


def test_spaces_between_han_and_digits_or_latin_are_removed() -> None:
    doc, _ = read(letter("非洲\n\n马里\n\n2 月 14 日，安理会通过了 PRST/2020/3 号主席声明和第 2512(2020)号决议。\n"))
    assert annex_paragraphs(doc) == ["2月14日，安理会通过了PRST/2020/3号主席声明和第2512(2020)号决议。"]


def test_latin_names_keep_their_inner_spaces() -> None:
    doc, _ = read(letter("海地\n\n民间社会组织 Je Klere 基金会执行主任 Marie Yolène Gilles 也作了通报。\n"))
    assert annex_paragraphs(doc) == ["民间社会组织Je Klere基金会执行主任Marie Yolène Gilles也作了通报。"]


def test_lettered_item_inside_a_paragraph_keeps_its_space() -> None:
    text = "主席介绍了以下事项：(a) 在实地发挥作用；(b) 履行承诺。"
    doc, report = read(letter("欧洲\n\n" + text + "\n"))
    assert annex_paragraphs(doc) == [text]
    assert not any(n.line == 22 for n in report.repairs)


def test_date_range_is_left_alone() -> None:
    text = "报告述及委员会在2019年11月13日至2020年2月27日期间开展的活动。"
    doc, report = read(letter("不扩散\n\n" + text + "\n"))
    assert annex_paragraphs(doc) == [text]
    assert not any(n.line == 22 for n in report.repairs)


def test_paragraph_ending_without_punctuation_before_a_heading_is_not_joined() -> None:
    body = ("非洲\n\n马里\n\n2月3日，安理会审议了秘书长关于马里局势的报告(S/2021/100)\n\n"
            "南苏丹\n\n2月5日，安理会举行了通报会。\n")
    doc, report = read(letter(body))
    assert outline(doc) == [(2, "非洲"), (3, "马里"), (3, "南苏丹")]
    assert annex_paragraphs(doc)[0].endswith("(S/2021/100)")
    assert [n.line for n in report.unsure] == [24]
    assert not any(n.message.startswith("joined") for n in report.repairs)


def test_unfinished_paragraph_before_a_dated_paragraph_is_not_joined() -> None:
    body = "马里\n\n2月3日，安理会审议了秘书长的报告(S/2021/100)\n\n2月5日，安理会举行了通报会。\n"
    doc, report = read(letter(body))
    assert len(annex_paragraphs(doc)) == 2
    assert [n.line for n in report.unsure] == [22]


def test_page_break_split_is_joined_across_furniture() -> None:
    body = ("马里\n\n2月3日，安理会成员呼吁各方\n\n3\n\n21-01234 (C)\n\f\nS/2021/99\n\n"
            "立即停火，并恢复对话。\n")
    doc, report = read(letter(body))
    assert annex_paragraphs(doc) == ["2月3日，安理会成员呼吁各方立即停火，并恢复对话。"]
    assert any(n.message.startswith("joined") and "page break" in n.message and n.line == 30
               for n in report.repairs)


def test_short_continuation_starting_with_punctuation_is_joined() -> None:
    body = ("马里\n\n2月3日，安全理事会听取了秘书长特别代表关于马里过渡进程的详细通报以及有关各方\n\n"
            "、区域组织的发言。\n")
    doc, _ = read(letter(body))
    assert annex_paragraphs(doc) == [
        "2月3日，安全理事会听取了秘书长特别代表关于马里过渡进程的详细通报以及有关各方、区域组织的发言。"]


def test_heading_after_unfinished_prose_is_not_swallowed() -> None:
    body = ("非洲\n\n马里\n\n2月3日，安全理事会听取了关于马里过渡进程的通报，成员们表示继续支持\n\n"
            "中东\n\n也门\n\n2月9日，安理会举行了磋商。\n")
    doc, _ = read(letter(body))
    assert outline(doc) == [(2, "非洲"), (3, "马里"), (2, "中东"), (3, "也门")]


def test_flat_headings_are_all_level_two() -> None:
    doc, _ = read(letter("导言\n\n本月举行了十次会议。\n\n马里\n\n安理会举行了通报会。\n"))
    assert outline(doc) == [(2, "导言"), (2, "马里")]


def test_region_hint_closes_the_last_region() -> None:
    body = "非洲\n\n马里\n\n安理会举行了通报会。\n\n结论\n\n本月工作顺利。\n"
    assert outline(read(letter(body))[0]) == [(2, "非洲"), (3, "马里"), (2, "结论")]


def test_wrapped_lines_are_unwrapped() -> None:
    body = "马里\n\n安理会听取了\n特别代表 Jane\nDoe 的通报。\n"
    assert annex_paragraphs(read(letter(body))[0]) == ["安理会听取了特别代表Jane Doe的通报。"]


def test_unclassifiable_short_line_at_the_end_is_kept_and_reported() -> None:
    doc, report = read(letter("马里\n\n安理会举行了通报会。\n\n附注\n"))
    assert annex_paragraphs(doc)[-1] == "附注"
    assert [n.line for n in report.unsure] == [24]


def test_signature_lines_and_author() -> None:
    doc, _ = read(letter("马里\n\n安理会举行了通报会。\n"))
    sig = [b for b in doc.body if isinstance(b, Signature)]
    assert sig == [Signature(((Text("某国常驻联合国代表"),), (Text("某某(签名)"),)))]
    assert doc.meta.author == "某国常驻联合国代表"


def test_unknown_presidency_is_reported_not_guessed() -> None:
    title = "某国担任安全理事会轮值主席期间安全理事会工作评估(2021年1月)"
    doc, report = read(letter("马里\n\n安理会举行了通报会。\n", annex_title=title))
    assert doc.meta.presidency == ""
    assert "某国" in messages(report.unsure) and "presidency" in report.missing


def test_period_range_in_the_annex_title() -> None:
    title = "安全理事会工作评估(2021年1月4日至2月3日)"
    doc, _ = read(letter("马里\n\n安理会举行了通报会。\n", annex_title=title))
    assert doc.meta.period == "2021-01-04/2021-02-03"


def test_letter_without_annex() -> None:
    doc, report = read(MASTHEAD + TITLE + "\n\n谨提请注意此事。\n\n某某(签名)\n")
    assert doc.annex is None and [plain_text(b.inlines) for b in doc.body[:1]] == ["谨提请注意此事。"]  # type: ignore[union-attr]
    assert "annex_title_en" not in report.missing


def test_without_masthead_date_the_letter_date_is_used_and_reported() -> None:
    doc, report = read(TITLE + "\n\n谨提请注意此事。\n")
    assert doc.meta.date == date(2021, 2, 20)
    assert "masthead date" in messages(report.unsure)


def test_no_date_at_all_is_an_error() -> None:
    with pytest.raises(DocpubError, match="no date"):
        read("某国代表的说明\n\n谨提请注意此事。\n")


def test_only_furniture_is_an_error() -> None:
    with pytest.raises(DocpubError, match="no text"):
        read("\f\n12\n\n21-01234 (C)\n")


def test_sections_and_paragraph_ids_continue_through_the_annex() -> None:
    doc, _ = read(letter("非洲\n\n马里\n\n甲。\n\n乙。\n"))
    ids = [b.id for b in doc.body if isinstance(b, Paragraph)]
    assert ids == ["p1"]
    assert doc.annex is not None
    africa: Section = doc.annex.sections[0]
    assert [b.id for b in africa.subsections[0].blocks if isinstance(b, Paragraph)] == ["p2", "p3"]


# --- a differently laid-out document: footers, headings, column masthead --------


def fixture_doc(name: str) -> tuple[Document, ImportReport]:
    text = (FIXTURES / f"{name}.zh-Hans.txt").read_text(encoding="utf-8")
    return read_untext(text, doc_id=name, source=f"{name}.zh-Hans.txt")


@pytest.mark.parametrize("name", ["footer-job-page", "unpunctuated-before-heading",
                                  "column-masthead"])
def test_layout_fixture_golden(name: str, regen_golden: bool) -> None:
    golden = FIXTURES / f"{name}.zh-Hans.md"
    doc, _ = fixture_doc(name)
    out = write_markdown(doc)
    if regen_golden:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    assert read_markdown(out, doc_id=name, source=doc.source) == doc


def test_footer_with_job_and_page_number_is_removed_and_reported() -> None:
    doc, report = fixture_doc("footer-job-page")
    text = write_markdown(doc)
    assert "21-03001" not in text and "050321" not in text
    removed = {n.line: n.message for n in report.repairs if n.message.startswith("removed")}
    assert removed[41] == "removed page furniture (page number and job number) '2      21-03001'"
    assert removed[50] == "removed page furniture (job number and page number) '21-03001      3'"
    assert "page number and job number" in removed[60] and "050321" in removed[60]
    paras = annex_paragraphs(doc)
    assert "2月23日，安全理事会听取了关于索马里局势的通报。安理会成员强调，需要在各特派团之间加强协调，" \
           "并支持索马里按照商定的时间表举行选举。" in paras
    assert paras[-1] == "2月23日，安全理事会举行了关于气候与安全问题的高级别公开辩论。"
    joins = [n for n in report.repairs if n.message.startswith("joined")]
    assert [(n.line, "page break" in n.message) for n in joins] == [(43, True), (52, True)]
    assert not any("21-03001" in n.message for n in joins)
    assert report.unsure == ()


@pytest.mark.parametrize("footer", ["21-03001      3", "3      21-03001", "- 3 -   21-03001",
                                    "21-03001 (C)    050321    050321      3", "S/2021/230    3/8",
                                    "2103001C    *2103001*"])
def test_footer_variants_inside_a_paragraph_are_removed(footer: str) -> None:
    body = f"马里\n\n2月3日，安理会成员呼吁各方\n{footer}\n立即停火，并恢复对话。\n"
    doc, report = read(letter(body))
    assert annex_paragraphs(doc) == ["2月3日，安理会成员呼吁各方立即停火，并恢复对话。"]
    assert any(n.line == 23 and n.message.startswith("removed page furniture")
               and footer in n.message for n in report.repairs)


@pytest.mark.parametrize("line", ["3      4", "见文件21-03001      3", "21-03001      第3页",
                                  "12    21-03001    3"])
def test_footer_look_alikes_are_kept(line: str) -> None:
    doc, report = read(letter(f"马里\n\n安理会举行了通报会。\n\n{line}\n\n本月工作顺利。\n"))
    text = write_markdown(doc)
    assert all(part in text for part in line.split())
    assert not any(n.message.startswith("removed") and line in n.message for n in report.repairs)


def test_paragraph_without_punctuation_before_a_heading_is_not_promoted() -> None:
    doc, report = fixture_doc("unpunctuated-before-heading")
    assert outline(doc) == [(2, "导言"), (2, "气候与安全"), (2, "冲突与粮食安全"),
                            (2, "妇女与和平与安全")]
    paras = annex_paragraphs(doc)
    assert "安理会成员还讨论了数字技术的作用以及相关工作方法的改进" in paras
    assert [n.line for n in report.unsure] == [34]
    assert not any(n.message.startswith("joined") for n in report.repairs)


def test_long_line_before_a_heading_without_le_is_kept_as_a_paragraph() -> None:
    body = ("导言\n\n本月举行了十次会议。\n\n安理会成员还讨论数字技术的作用以及相关工作方法的改进问题\n\n"
            "气候与安全\n\n安理会举行了公开辩论。\n\n妇女与和平与安全\n\n安理会举行了公开辩论。\n")
    doc, report = read(letter(body))
    assert outline(doc) == [(2, "导言"), (2, "气候与安全"), (2, "妇女与和平与安全")]
    assert "安理会成员还讨论数字技术的作用以及相关工作方法的改进问题" in annex_paragraphs(doc)
    assert [n.line for n in report.unsure] == [24]
    assert "heading" in report.unsure[0].message


def test_long_heading_before_prose_and_short_parent_headings_stay_headings() -> None:
    body = ("非洲\n\n马里\n\n安理会举行了通报会。\n\n专题问题\n\n"
            "建设和平和保持和平：冲突和冲突后局势中的过渡期正义\n\n安理会举行了公开辩论。\n\n"
            "为了和平的伙伴关系\n\n安理会举行了公开辩论。\n")
    doc, report = read(letter(body))
    assert outline(doc) == [(2, "非洲"), (3, "马里"), (2, "专题问题"),
                            (3, "建设和平和保持和平：冲突和冲突后局势中的过渡期正义"),
                            (3, "为了和平的伙伴关系")]
    assert report.unsure == ()


def test_column_masthead_is_read() -> None:
    doc, report = fixture_doc("column-masthead")
    meta = doc.meta
    assert meta.date == date(2021, 3, 5) and meta.letter_date == date(2021, 3, 1)
    assert (meta.distribution, meta.original_language, meta.symbol) == \
        ("General", "English", "S/2021/230")
    assert meta.title == "2021年3月1日联合王国常驻联合国代表给安全理事会主席的信"
    assert report.unsure == ()
    assert [plain_text(b.inlines) for b in doc.body[:1]] == [  # type: ignore[union-attr]
        "谨随函转递联合王国担任安全理事会2021年2月轮值主席期间安全理事会工作评估(见附件)。"]


def test_unrecognised_masthead_falls_back_to_the_dated_title() -> None:
    text = ("Security Council      Distr.: General\n      5 March 2021\n\n"
            + TITLE + "\n\n谨提请注意此事。\n")
    doc, report = read(text)
    assert doc.meta.title == TITLE and doc.meta.date == date(2021, 2, 20)
    first = doc.body[0]
    assert isinstance(first, Paragraph)
    assert plain_text(first.inlines).startswith("Security Council")
    unsure = messages(report.unsure)
    assert "1: neither masthead nor title" in unsure and "masthead date" in unsure
