"""writers/typography.py: print typesetting adds layout hooks, never characters."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from docpub.model import Paragraph, Text
from docpub.writers.nodes import NodeRenderer
from docpub.writers.typography import typeset


def visible_text(html: str) -> str:
    """What a reader copies: the markup's text with entities decoded."""
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("text, expected", [
    ("第2512(2020)号决议",
     '第<span class="latin han-before han-after">2512(2020)</span>号决议'),
    ("2月14日", '<span class="latin han-after">2</span>月<span class="latin han-before han-after">14</span>日'),
    ("组织Je Klere基金会", '组织<span class="latin han-before han-after">Je Klere</span>基金会'),
    ("PRST/2020/3号", '<span class="latin han-after">PRST/2020/3</span>号'),
])
def test_latin_runs_beside_han_are_wrapped(text: str, expected: str) -> None:
    assert typeset(text) == expected


@pytest.mark.parametrize("text", ["(S/2020/139)。", "以下事项：(a) 在实地", "Distr.: General", "只有汉字。"])
def test_runs_without_a_han_neighbour_are_left_alone(text: str) -> None:
    assert "latin" not in typeset(text)
    assert visible_text(typeset(text)) == text


def test_a_space_between_han_and_digits_is_replaced_by_the_margin() -> None:
    # The source's "2 月 14 日" artefact: the gap becomes layout, the copy is clean.
    out = typeset("2 月 14 日，第 2512(2020)号")
    assert visible_text(out) == "2月14日，第2512(2020)号"
    assert "han-before" in out and "han-after" in out


def test_spaces_between_latin_words_stay() -> None:
    assert visible_text(typeset("主任 Marie Yolène Gilles 也")) == "主任Marie Yolène Gilles也"


def test_a_trailing_full_stop_or_outer_parenthesis_is_not_part_of_the_run() -> None:
    assert '<span class="latin han-before">2020</span>.' in typeset("在2020.")
    assert '<span class="latin han-before">a</span>)' in typeset("号a)")


@pytest.mark.parametrize("text, halted", [
    ("悬崖”。因此", "”"),  # closing quote then full stop: the quote's right half goes
    ("条约）。", "）"),
    ("他说，“好", "，"),
    ("（“好", "“"),  # two openers: the gap is the second one's left half
    ("》，以及", "》"),
])
def test_the_right_mark_of_a_pair_is_halved(text: str, halted: str) -> None:
    out = typeset(text)
    assert out.count('class="halt"') == 1
    assert f'<span class="halt">{halted}</span>' in out
    assert visible_text(out) == text


def test_single_marks_are_not_touched() -> None:
    assert typeset("安理会通过了决议，并发表声明。") == "安理会通过了决议，并发表声明。"


def test_everything_is_escaped() -> None:
    out = typeset('<script>alert("x")</script>与2020年&')
    assert isinstance(out, Markup)
    assert "<script>" not in out
    assert visible_text(out) == '<script>alert("x")</script>与2020年&'


def test_no_character_is_ever_added() -> None:
    samples = ["2020年11月9日比利时常驻联合国代表给安全理事会主席的信", "“通过”会议(包括1次公开辩论)",
               "第751(1992)号决议", "A“B”C（D）E", "", " ", "。。。", "a b c"]
    for s in samples:
        assert visible_text(typeset(s)).replace(" ", "") == s.replace(" ", "")


def test_works_as_the_node_renderer_text_function() -> None:
    html = NodeRenderer(text=typeset).block(Paragraph((Text("举行了26次公开会议。"),), id="p1"))
    assert html == '<p id="p1">举行了<span class="latin han-before han-after">26</span>次公开会议。</p>'
