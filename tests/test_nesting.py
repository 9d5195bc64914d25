"""Nesting never loses text: too deep is an error with its line; headings never pass level 6."""

from __future__ import annotations

import pytest

from docpub.errors import DocpubError
from docpub.model import Text, iter_inlines, iter_sections
from docpub.readers.markdown import read_markdown
from docpub.readers.untext import read_untext
from docpub.writers.markdown import write_markdown
from sitekit import SEED_SOURCE

FM = "---\ntitle: 标题\ndate: 2020-11-30\n---\n"  # the body starts on line 5


def quotes(depth: int) -> str:
    return "一\n\n" + "> " * depth + "深处的话\n"  # the quote is on line 7


def bullets(depth: int) -> str:
    return "".join("  " * i + f"- 项{i}\n" for i in range(depth))


def ordered(depth: int) -> str:
    return "".join("   " * i + f"1. 项{i}\n" for i in range(depth))


def mixed(depth: int) -> str:
    return "".join("  " * i + "- 项\n" + "  " * (i + 1) + ">\n" for i in range(depth // 2)) + "深处的话\n"


@pytest.mark.parametrize("body", [quotes, bullets, ordered])
@pytest.mark.parametrize("depth", [1, 5, 9, 10, 15, 19, 20, 21, 40, 200])
def test_every_word_is_kept_or_the_file_is_refused(body, depth: int) -> None:  # type: ignore[no-untyped-def]
    text = body(depth)
    words = [w for w in ("一", "深处的话", *(f"项{i}" for i in range(depth))) if w in text]
    try:
        doc = read_markdown(FM + text, doc_id="x", source="doc.md")
    except DocpubError as exc:
        assert exc.problem.line is not None and exc.problem.line >= 5
        assert "nested too deeply" in exc.problem.reason
        return
    kept = [x.text for x in iter_inlines(doc) if isinstance(x, Text)]
    assert kept == words


@pytest.mark.parametrize("text, line", [
    (quotes(20), 7),
    (quotes(200), 7),
    (bullets(10), 14),
    (FM + "文\n\n" + bullets(12), 16),
])
def test_too_deep_names_the_line(text: str, line: int) -> None:
    with pytest.raises(DocpubError) as info:
        read_markdown(text if text.startswith("---") else FM + text, doc_id="x", source="doc.md")
    assert (info.value.problem.file, info.value.problem.line) == ("doc.md", line)


def test_the_limits_hold_what_a_document_needs() -> None:
    """Nineteen quotes, nine lists: far beyond any UN document, and nothing lost."""
    for text in (quotes(19), bullets(9), ordered(9)):
        read_markdown(FM + text, doc_id="x")


def _imported(lines: list[str]) -> str:
    head = SEED_SOURCE.read_text(encoding="utf-8").split("比利时担任安全理事会轮值主席期间")[0]
    title = "比利时担任安全理事会轮值主席期间安全理事会工作评估(2020年2月)"
    return head + title + "\n\n" + "\n\n".join(lines) + "\n\n正文。\n"


@pytest.mark.parametrize("n", [8, 1500])
def test_imported_headings_stop_at_level_six(n: int) -> None:
    """A run of short lines reads as headings each under the last; Markdown has six levels."""
    doc, report = read_untext(_imported([f"标题{i}" for i in range(n)]), doc_id="x")
    assert doc.annex is not None
    levels = [s.level for s in iter_sections(doc.annex.sections)]
    assert max(levels) == 6 and len(levels) == n
    assert any("deeper than level 6" in note.message for note in report.unsure)
    assert read_markdown(write_markdown(doc), doc_id="x").annex is not None  # it reads back


@pytest.mark.parametrize("body, line", [
    ("*" * 3000 + "深" + "*" * 3000, 5),  # each level was a step of recursion: a crash, not an error
    ("_" * 3000 + "深" + "_" * 3000, 5),
    ("*a " * 2000 + "深" + " a*" * 2000, 5),
    ("一\n\n## " + "*" * 3000 + "深" + "*" * 3000 + " {#x}", 7),
    ("一\n\n::: annex " + "*" * 3000 + "附件" + "*" * 3000 + "\n正文\n:::", 7),
])
def test_emphasis_nested_without_end_is_an_error(body: str, line: int) -> None:
    with pytest.raises(DocpubError) as info:
        read_markdown(FM + body + "\n", doc_id="x", source="doc.md")
    assert info.value.problem.line == line and "nested" in info.value.problem.reason


def test_emphasis_a_text_needs_is_kept() -> None:
    doc = read_markdown(FM + "*" * 30 + "深处" + "*" * 30 + "\n", doc_id="x")
    assert [x.text for x in iter_inlines(doc) if isinstance(x, Text)] == ["深处"]
