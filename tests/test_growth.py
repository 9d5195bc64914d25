"""Work in proportion to the input: each case compares the cost of 4n against n.

A quadratic step grows about 16x; linear work about 4x. The bound leaves room
for a busy machine without letting quadratic growth through.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from docpub.config import UrlTemplates
from docpub.readers.markdown import read_markdown
from docpub.readers.untext import read_untext
from docpub.transforms.citation_grammar import find_suspects
from docpub.transforms.citations import link_citations
from docpub.transforms.glossary import GlossaryEntry, Matcher
from growth import assert_linear, growth
from sitekit import SEED_SOURCE

FM = "---\ntitle: 标题\ndate: 2020-11-30\n---\n"


def reading(body: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
    def make(n: int) -> Callable[[], object]:
        text = FM + body(n)
        return lambda: read_markdown(text, doc_id="x")
    return make


def test_identical_headings() -> None:
    assert_linear(reading(lambda n: "## 同一个标题\n\n" * n), 2500)


def linking(body: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
    """Reading and linking the citations of a file whose body is ``body(n)``."""
    def make(n: int) -> Callable[[], object]:
        doc = read_markdown(FM + body(n), doc_id="x")
        return lambda: link_citations(doc, urls=UrlTemplates())
    return make


@pytest.mark.parametrize("unit", [
    "第1(2000)、",  # a list of resolutions that never ends in 号决议
    "第1(2000)号、",
    "大会第68/1号、",
    "安理会第1234次会议",  # meetings in one long sentence
    "委员会第1234次会议",
    "S/2020/1，",
    "SC/14128，2020年2月3日，",  # press releases dated by the dates before them
    "2月3日，SC/14128",
    "第2512(2020)号决议",
    "第2512(2020)号决议第3段和第5段、",  # paragraphs cited after a resolution
    "本决议第3(a)段，",  # paragraphs of the document itself
    "S/2020/1第3段",
])
def test_citation_grammar(unit: str) -> None:
    assert_linear(linking(lambda n: unit * n + "\n"), 2000)


@pytest.mark.parametrize("unit", ["S/RES/abc ", "第xx号决议", "S/2020/1 S/x "])
def test_suspects(unit: str) -> None:
    assert_linear(lambda n: (lambda text=unit * n: find_suspects(text)), 10_000)


def importing(lines: Callable[[int], list[str]]) -> Callable[[int], Callable[[], object]]:
    head = SEED_SOURCE.read_text(encoding="utf-8").split("比利时担任安全理事会轮值主席期间")[0]

    def make(n: int) -> Callable[[], object]:
        text = head + "比利时担任安全理事会轮值主席期间安全理事会工作评估(2020年2月)\n\n" + "\n\n".join(lines(n))
        return lambda: read_untext(text + "\n\n正文。\n", doc_id="x")
    return make


@pytest.mark.parametrize("lines, n", [
    (lambda n: [f"标题{i}" for i in range(n)], 400),  # headings, each under the last
    (lambda n: ["短" * (i % 7 + 1) for i in range(n)], 400),
    (lambda n: [f"第{i}段没有句号" for i in range(n)], 400),  # paragraphs split as if by page breaks
    (lambda n: ["\n".join(f"行{i}" for i in range(n))], 4000),  # one block of short lines
])
def test_importer(lines: Callable[[int], list[str]], n: int) -> None:
    assert_linear(importing(lines), n)


def test_the_check_lets_linear_work_through_and_stops_quadratic_work() -> None:
    def linear(n: int) -> Callable[[], object]:
        return lambda: sum(i * i for i in range(200 * n))

    def quadratic(n: int) -> Callable[[], object]:
        return lambda: sum(i ^ j for i in range(n) for j in range(n))

    assert_linear(linear, 1000)
    with pytest.raises(AssertionError, match="4x the input took"):
        assert_linear(quadratic, 300)


def test_finding_a_glossarys_terms_costs_by_the_text_not_by_the_terms() -> None:
    """A terminology database gives glossaries of thousands of terms: finding them in a text
    costs about as much with 4n terms as with n (one regex of them all would try each term at
    each place, four times the work)."""
    rng = random.Random(1)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 600)]  # (every one starts some term, from n on)
    text = "".join(rng.choice(han) for _ in range(20_000))

    def make(n: int) -> Callable[[], object]:
        terms = {"".join(rng.choice(han) for _ in range(rng.randint(2, 4))) for _ in range(n)}
        entries = {t: GlossaryEntry(term=t, target=t, reason="", file="g.tsv", line=1) for t in terms}
        matcher = Matcher(entries, {t: t for t in terms})
        return lambda: sum(1 for _ in matcher.hits(text))

    ratio = min(growth(make, 2000) for _ in range(3))  # (the best of three: a busy machine)
    assert ratio < 2.5, f"4x the terms took {ratio:.1f}x the time (by the text: about 1)"
