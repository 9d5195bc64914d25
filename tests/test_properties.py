"""Property tests: the recogniser, the reader, the round trip and editions hold for any input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from docpub.config import load_config
from docpub.errors import DocpubError
from docpub.model import Citation, Code, Link, iter_inlines
from docpub.readers.markdown import read_markdown
from docpub.symbols import parse_symbol
from docpub.transforms.citations import find_symbols, link_citations
from docpub.transforms.editions import convert_document, converter_for
from docpub.writers.markdown import write_markdown

REPO = Path(__file__).resolve().parents[1]
CONFIG = load_config(REPO)
CONVERTERS = [converter_for(edition, REPO) for edition in CONFIG.editions]  # built once, as a build does
FRONT = "---\ntitle: 标题\ndate: 2021-03-01\n---\n\n"

# Text made of the pieces symbols and Chinese prose are made of, so that near-misses are common.
PIECES = st.sampled_from([
    "第", "号", "决议", "主席声明", "次会议", "安全理事会", "安理会", "大会", "(", ")", "（", "）", "/", "S/",
    "RES/", "PRST/", "SC/", "PV.", "A/RES/", "2020", "12", "1718", "68/268", "g", "段", "、", "和", " ",
    "年", "月", "日", "。", "，", "Je Klere", "*", "_", "[", "]", "#", "\n", "\n\n", "`", "<", ">", "&",
    # the block constructs whose closing or shape a mistake can leave wrong
    ":::", "::: signature\n", "::: annex ", "```", "~~~", "|", "---", "===", "]: ", "\n    ", "**", "__", "“", "- ",
])
PROSE = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=40).map("".join)


@given(PROSE)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_recogniser_never_crashes_and_emits_only_canonical_symbols(text: str) -> None:
    for found in find_symbols(text):
        symbol = found.symbol
        assert 0 <= found.start < found.end <= len(text)
        reparsed = parse_symbol(symbol.canonical)
        assert reparsed is not None and reparsed.canonical == symbol.canonical


@given(PROSE)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_reader_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        read_markdown(FRONT + text, doc_id="x", source="x.md")
    except DocpubError:
        pass  # a clear error is a fine answer; anything else is a bug


@given(PROSE)
@example(">\x1f")  # a control character that str.strip() treats as white space
@example("\xa0")  # a paragraph that markdown-it trims to nothing
@example("~~~`")  # a code block whose info string holds a backtick (a backtick fence cannot)
@example("~~~ a`b\ncode\n~~~")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_markdown_round_trip_is_stable(text: str) -> None:
    try:
        doc = read_markdown(FRONT + text, doc_id="x", source="x.md")
    except DocpubError:
        return
    written = write_markdown(doc)
    again = read_markdown(written, doc_id="x", source="x.md")
    assert again == doc
    assert write_markdown(again) == written


@given(PROSE)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_editions_never_alter_protected_spans(text: str) -> None:
    try:
        doc = read_markdown(FRONT + text + "\n\n第2512(2020)号决议 `代码` [链接](https://example.org/进程)\n",
                            doc_id="x", source="x.md")
    except DocpubError:
        return
    doc = link_citations(doc, urls=CONFIG.urls)

    def protected(d):  # type: ignore[no-untyped-def]
        return [(x.symbol, x.kind, x.url) if isinstance(x, Citation) else
                x.text if isinstance(x, Code) else x.url
                for x in iter_inlines((d.body, d.sections, d.annex)) if isinstance(x, (Citation, Code, Link))]

    for converter in CONVERTERS:
        converted = convert_document(doc, converter=converter)
        assert protected(converted) == protected(doc)
