"""writers/typography.py: print typesetting adds layout hooks, never a visible character."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from docpub.model import Paragraph, Text
from docpub.writers.nodes import NodeRenderer
from docpub.writers.typography import gap_positions, typeset, typeset_centred, typesetter


def visible_text(html: str) -> str:
    """What a reader copies out of the PDF: the markup's text, entities decoded; the word
    joiner has no glyph, so it is not in the PDF's text."""
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html)).replace(WJ, "")


WJ = "\u2060"


@pytest.mark.parametrize("text, expected", [
    ("第2512(2020)号决议", f"第{WJ}2512(2020){WJ}号决议"),
    ("2月14日", f"2{WJ}月14{WJ}日"),
    ("举行了4次会议", f"举行了4{WJ}次会议"),
    ("2020年", f"2020{WJ}年"),
    ("PRST/2020/3号", f"PRST/2020/3{WJ}号"),
    ("约15个", f"约{WJ}15{WJ}个"),
])
def test_a_number_is_joined_to_its_unit_and_to_the_ordinal_mark(text: str, expected: str) -> None:
    assert typeset(text) == expected


@pytest.mark.parametrize("text", ["组织Je Klere基金会", "执行主任Marie表示", "在2020.", "(S/2020/139)。",
                                  "以下事项：(a) 在实地", "Distr.: General", "只有汉字。"])
def test_words_and_runs_without_a_unit_after_them_are_left_alone(text: str) -> None:
    assert WJ not in typeset(text)
    assert visible_text(typeset(text)) == text


def test_a_space_between_han_and_digits_is_dropped() -> None:
    # The source's "2 月 14 日" artefact.
    assert visible_text(typeset("2 月 14 日，第 2512(2020)号")) == "2月14日，第2512(2020)号"
    assert visible_text(typeset("主任 Marie Yolène Gilles 也")) == "主任Marie Yolène Gilles也"


def test_a_trailing_full_stop_or_outer_parenthesis_is_not_part_of_the_run() -> None:
    assert typeset("在2020.") == "在2020."
    assert typeset("号a)") == "号a)"
    assert typeset("(第3段)") == f"(第{WJ}3{WJ}段)"


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


@pytest.mark.parametrize("text, halted", [
    ("強調，《政", "《"),  # a centred comma has no blank half: the opener gives its left half
    ("說：「好", "「"),
    ("（「好", "「"),
])
def test_in_faces_with_centred_marks_the_opener_is_halved(text: str, halted: str) -> None:
    out = typeset_centred(text)
    assert out.count('class="halt"') == 1
    assert f'<span class="halt">{halted}</span>' in out
    assert visible_text(out) == text


@pytest.mark.parametrize("text", ["好。」然後", "好。）"])
def test_in_faces_with_centred_marks_a_centred_mark_before_a_closer_keeps_its_width(text: str) -> None:
    assert "halt" not in typeset_centred(text)
    assert "halt" in typeset(text)  # Simplified faces: the full stop's blank right half goes


def test_each_edition_has_its_typesetter() -> None:
    assert typesetter("zh-Hans") is typeset
    assert {typesetter(t) for t in ("zh-Hant", "zh-Hant-TW", "zh-Hant-HK")} == {typeset_centred}


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
    assert html == f'<p id="p1">举行了26{WJ}次公开会议。</p>'


def gaps_marked(text: str) -> str:
    """``text`` typeset, with ``|`` where a Han-Latin gap goes and ``~`` for each word joiner."""
    from html import unescape

    plain = unescape(re.sub(r"<[^>]+>", "", typeset(text)))
    at = set(gap_positions(plain))
    return "".join(c + ("|" if i in at else "") for i, c in enumerate(plain)).replace(WJ, "~")


@pytest.mark.parametrize("text, marked", [
    ("执行主任Marie表示", "执行主任|Marie|表示"),
    ("组织Je Klere基金会", "组织|Je Klere|基金会"),  # the run's own space is no boundary
    ("第2512(2020)号决议", "第|~2512(2020)|~号决议"),  # a word joiner between them or not
    ("2月14日", "2|~月|14|~日"),
    ("增长了3.5%的比例", "增长了|3.5%|的比例"),
    ("PRST/2020/3号", "PRST/2020/3|~号"),
    ("a汉b", "a|汉|b"),
])
def test_a_gap_goes_between_han_and_a_latin_or_digit_run(text: str, marked: str) -> None:
    assert gaps_marked(text) == marked


@pytest.mark.parametrize("text, marked", [
    ("在2020.", "在|2020."),  # a sentence's full stop is not part of the run
    ("号a)的", "号|a)的"),  # nor an unmatched parenthesis: nothing Han follows the run
    ("谈话(SC/14128)，", "谈话(SC/14128)，"),  # a parenthesis is punctuation, not a run
    ("（SC/14133）", "（SC/14133）"),  # full-width marks carry their own space
    ("只有汉字。", "只有汉字。"),
    ("Distr.: General", "Distr.: General"),
])
def test_no_gap_beside_punctuation(text: str, marked: str) -> None:
    assert gaps_marked(text) == marked


def test_a_space_in_text_that_was_not_typeset_keeps_its_place_without_a_gap() -> None:
    assert gap_positions("2020 年") == []
    assert gap_positions("") == []
