"""readers/markdown.py: golden models, one test per construct, one per error."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from msgspec import Struct

from docpub.errors import DocpubError, ManyErrors, Problem
from docpub.model import (
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Image,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Rule,
    Signature,
    Strong,
    Table,
    Text,
    iter_blocks,
    iter_inlines,
    iter_paragraphs,
    iter_sections,
    plain_text,
)
from docpub.readers.markdown import read_file, read_markdown
from sitekit import SEED_SOURCE

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
SEED = SEED_SOURCE
FIXTURES = ROOT / "tests" / "fixtures" / "markdown"
GOLDEN = ROOT / "tests" / "golden" / "reader"
FM = "---\ntitle: 标题\ndate: 2020-11-30\n---\n"  # body starts on line 5

# --- golden --------------------------------------------------------------------


def dump(node: Any) -> Any:
    """A stable JSON-able form of a model value: records tagged by type."""
    if isinstance(node, Struct):
        return {"type": type(node).__name__, **{name: dump(getattr(node, name))
                                                for name in node.__struct_fields__ if name != "source"}}
    if isinstance(node, tuple):
        return [dump(x) for x in node]
    if isinstance(node, date):
        return node.isoformat()
    return node


GOLDEN_INPUTS = [CONTENT, *sorted(FIXTURES.glob("*.md"))]


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.parent.name + "/" + p.name)
def test_golden_model(path: Path, regen_golden: bool) -> None:
    name = path.parent.name if path == CONTENT else path.stem
    golden = GOLDEN / f"{name}.json"
    actual = json.dumps(dump(read_file(path)), ensure_ascii=False, indent=1) + "\n"
    if regen_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run pytest --regen-golden"
    assert actual == golden.read_text(encoding="utf-8")


# --- the content file against the published seed ---------------------------------

HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
SPLITS = ("他们还敦促", "以改善", "作为民间", "不仅")
MASTHEAD = {"安全理事会", "Distr.: General", "30 November 2020", "Chinese", "Original: English"}


def repaired_seed_paragraphs() -> list[str]:
    """The seed's non-empty lines with the documented repairs applied."""
    text = re.sub(rf"(?<=[{HAN}]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) (?=[{HAN}])", "",
                  SEED.read_text(encoding="utf-8"))
    out: list[str] = []
    for line in (x.strip() for x in text.split("\n")):
        if not line or line in MASTHEAD:
            continue
        if out and out[-1].endswith(SPLITS):
            out[-1] += line
        else:
            out.append(line)
    return out


def content_texts(doc: Document) -> list[str]:
    assert doc.annex is not None
    texts = [doc.meta.title]
    texts += [plain_text(p.inlines) for p in iter_paragraphs(doc.body)]
    texts += [plain_text(line) for b in doc.body if isinstance(b, Signature) for line in b.lines]
    texts += [plain_text(doc.annex.caption), plain_text(doc.annex.title)]
    for s in iter_sections(doc.annex.sections):
        texts.append(plain_text(s.title))
        texts += [plain_text(p.inlines) for p in iter_paragraphs(s.blocks)]
    return texts


def test_content_is_the_seed_modulo_documented_repairs() -> None:
    seed = repaired_seed_paragraphs()
    assert len(seed) == len(set(seed))
    assert sorted(content_texts(read_file(CONTENT))) == sorted(seed)


def test_content_file_has_no_han_digit_or_latin_spaces() -> None:
    text = CONTENT.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert not re.search(rf"[{HAN}] [0-9A-Za-z]|[0-9A-Za-z] [{HAN}]", text)
    assert "民间社会组织Je Klere基金会执行主任Marie Yolène Gilles也" in text
    assert "(a) 在实地" in text


def test_content_structure() -> None:
    doc = read_file(CONTENT)
    assert doc.id == "assessment-belgium-2020-02" and doc.lang == "zh-Hans"
    assert doc.meta.symbol == "" and doc.meta.letter_date == date(2020, 11, 9)
    assert doc.annex is not None
    regions = [s.title for s in doc.annex.sections]
    assert [plain_text(t) for t in regions] == [
        "导言", "非洲", "美洲", "亚洲", "欧洲", "中东", "专题问题和其他问题"]
    assert all(s.level == 2 for s in doc.annex.sections)
    assert all(c.level == 3 for s in doc.annex.sections for c in s.subsections)
    ids = [p.id for p in iter_paragraphs(doc)]
    assert ids == [f"p{i}" for i in range(1, len(ids) + 1)]


# --- constructs -------------------------------------------------------------------


def read(body: str) -> Document:
    return read_markdown(FM + body, doc_id="d")


def first_inlines(body: str) -> tuple[Any, ...]:
    block = read(body).body[0]
    assert isinstance(block, Paragraph)
    return block.inlines


def test_emphasis_strong_code() -> None:
    assert first_inlines("a *b* **c** `d`") == (
        Text("a "), Emphasis((Text("b"),)), Text(" "), Strong((Text("c"),)), Text(" "), Code("d"))


def test_link_and_image() -> None:
    assert first_inlines('[文](https://x.org/a "t") ![图](img/a.png)') == (
        Link((Text("文"),), "https://x.org/a", "t"), Text(" "), Image("img/a.png", "图"))


@pytest.mark.parametrize("url", ["mailto:a@b.org", "other/page.html", "#p3", "HTTPS://X.ORG"])
def test_allowed_link_targets(url: str) -> None:
    link = first_inlines(f"[x]({url})")[0]
    assert isinstance(link, Link)


def test_control_characters_in_url_are_encoded_not_a_scheme() -> None:
    # A browser ignores a raw tab inside "java\tscript:"; the encoded %09 is no scheme.
    link = first_inlines("[x](<java\tscript:x>)")[0]
    assert isinstance(link, Link) and link.url == "java%09script:x"


def test_hard_break() -> None:
    assert first_inlines("一\\\n二") == (Text("一"), LineBreak(), Text("二"))


@pytest.mark.parametrize("body, text", [
    ("中文\n文字", "中文文字"),
    ("English\nwords", "English words"),
    ("第\n2512号", "第2512号"),
    ("句子。\nNext", "句子。Next"),
])
def test_soft_breaks(body: str, text: str) -> None:
    assert first_inlines(body) == (Text(text),)


def test_soft_break_inside_emphasis() -> None:
    assert first_inlines("*强\n调* and\n*more\nwords*") == (
        Emphasis((Text("强调"),)), Text(" and "), Emphasis((Text("more words"),)))


def test_raw_html_is_text() -> None:
    assert first_inlines("<b>粗</b>") == (Text("<b>粗</b>"),)


def test_lists_and_quote() -> None:
    doc = read("- 甲\n- 乙\n\n3. 丙\n\n> 引\n")
    bullet, ordered, quote = doc.body
    assert isinstance(bullet, BulletList) and len(bullet.items) == 2
    assert isinstance(ordered, OrderedList) and ordered.start == 3
    assert isinstance(quote, BlockQuote)
    assert [p.id for p in iter_paragraphs(doc)] == ["p1", "p2", "p3", "p4"]


def test_signature_one_line_per_source_line() -> None:
    block = read("::: signature\n甲\n*乙*\n丙\n:::\n").body[0]
    assert block == Signature(((Text("甲"),), (Emphasis((Text("乙"),)),), (Text("丙"),)))


def test_annex_caption_title_blocks_sections() -> None:
    doc = read("信。\n\n::: annex 信的*附件*\n\n# 标题\n\n前言。\n\n## 甲\n\n### 乙\n\n正文。\n:::\n")
    annex = doc.annex
    assert annex is not None
    assert annex.caption == (Text("信的"), Emphasis((Text("附件"),)))
    assert annex.title == (Text("标题"),)
    assert [p.id for p in iter_paragraphs(annex.blocks)] == ["p2"]
    (region,) = annex.sections
    assert (region.level, region.id, region.subsections[0].id) == (2, "甲", "乙")
    assert region.subsections[0].blocks == (Paragraph((Text("正文。"),), "p3"),)


def test_document_without_annex_has_letter_sections() -> None:
    doc = read("前。\n\n## 甲\n\n一。\n\n#### 深\n\n## 乙\n")
    assert doc.annex is None and len(doc.body) == 1
    assert [s.id for s in iter_sections(doc.sections)] == ["甲", "深", "乙"]
    assert doc.sections[0].subsections[0].level == 4


def test_section_ids_unique_and_explicit_ids_win() -> None:
    doc = read("## 甲\n\n## 甲\n\n## Letter\n\n## Other {#甲}\n")
    sections = doc.sections
    assert [s.id for s in sections] == ["甲-2", "甲-3", "letter-2", "甲"]
    assert [s.explicit_id for s in sections] == [False, False, False, True]
    assert sections[3].title == (Text("Other"),)


def test_escaped_anchor_is_text() -> None:
    section = read("## 甲 \\{#x}\n").sections[0]
    assert section.title == (Text("甲 {#x}"),) and not section.explicit_id


def test_read_file_takes_id_and_lang_from_path(tmp_path: Path) -> None:
    path = tmp_path / "my-doc" / "zh-Hant.md"
    path.parent.mkdir()
    path.write_bytes(("\ufeff" + FM + "正文\r\n").encode())
    doc = read_file(path)
    assert (doc.id, doc.lang, doc.source) == ("my-doc", "zh-Hant", str(path))


def test_front_matter_values() -> None:
    doc = read_markdown(FM.replace("---\n", "---\nlinks: {\"S/1\": \"https://a.org/1\"}\n"
                                   "period: 2020-02-01/2020-02-29\n", 1), doc_id="d")
    assert doc.meta.links == (("S/1", "https://a.org/1"),)
    assert doc.meta.period == "2020-02-01/2020-02-29"


# --- errors -----------------------------------------------------------------------


def error_of(text: str) -> tuple[str, int | None, str]:
    with pytest.raises(DocpubError) as info:
        read_markdown(text, doc_id="d", source="doc.md")
    p = info.value.problem
    return p.file, p.line, p.reason


@pytest.mark.parametrize("text, line, reason", [
    ("", None, "empty file"),
    ("  \n\n", None, "empty file"),
    ("正文\n", 1, "no front matter"),
    ("---\ntitle: t\n\n正文\n", 1, "front matter is not closed"),
    ("---\n---\n", 1, "front matter is empty"),
    ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
    ("---\ntitle: t\ndate: [2020\n---\n", 3, "malformed YAML"),
    ("---\ntitle: [t\ndate: 2020-01-01\n---\n", 2, "malformed YAML"),
    ("---\ntitle: 't\ndate: 2020-01-01\n---\n", 2, "malformed YAML"),
    ("---\ntitle: t\n\tdate: x\n---\n", 3, "malformed YAML"),
    ("---\ntitle: t\n---\n", 1, "no 'date'"),
    ("---\ndate: 2020-01-01\n---\n", 1, "no title"),
    ("---\ntitle: t\ndate: 30 November 2020\n---\n", 3, "YYYY-MM-DD"),
    ("---\ntitle: t\ndate: 2020-13-45\n---\n", 3, "'date'"),
    ("---\ntitle: t\ndate: 2020-01-01 10:00:00\n---\n", 3, "YYYY-MM-DD"),
    ("---\ntitle: t\ndate: 2020-01-01\ntitel_en: x\n---\n", 4, "did you mean 'title_en'"),
    ("---\ntitle: t\ntitle: u\ndate: 2020-01-01\n---\n", 3, "given twice"),
    ("---\ntitle: t\ndate: 2020-01-01\nlinks: [a]\n---\n", 4, "'links' must map"),
    ("---\ntitle: t\ndate: 2020-01-01\nlinks: {a: 1}\n---\n", 4, "'links' must map"),
    ("---\ntitle: t\ndate: 2020-01-01\nlinks: {a: 'javascript:x'}\n---\n", 4, "https"),
    ("---\ntitle: 2020\ndate: 2020-01-01\n---\n", 2, "'title' must be text"),
    ("---\ntitle: t\ndate: 2020-01-01\nperiod: February\n---\n", 4, "'period'"),
    ("---\ntitle: t\ndate: 2020-01-01\nperiod: 2020-13\n---\n", 4, "'period'"),
    ("---\ntitle: t\ndate: 2020-01-01\nperiod: 2020-00\n---\n", 4, "'period'"),
    ("---\ntitle: t\ndate: 2020-01-01\nperiod: 2020-02-30/2020-03-01\n---\n", 4, "'period'"),
    ("---\ntitle: t\ndate: 2020-01-01\nperiod: 2020-03-01/2020-02-01\n---\n", 4, "in order"),
    ("---\ntitle: t\ndate: 2020-01-01\ndistribution: Secret\n---\n", 4, "General or Limited, not 'Secret'"),
    ("---\ntitle: t\ndate: 2020-01-01\ndistribution: general\n---\n", 4, "General or Limited"),
    # '...' may end YAML, but then the lines up to a later '---' would become text
    ("---\ntitle: t\ndate: 2020-01-01\n...\nnotes\n---\n\n正文\n", 4, "not '...'"),
    ("---\ntitle: t\ndate: 2020-01-01\n...\n\n正文\n", 4, "not '...'"),
    # aliases could expand a few lines into gigabytes: refused, the value never repeated
    ("---\ntitle: &a t\nsymbol: *a\ndate: 2020-01-01\n---\n", 3, "aliases ('*name') are not allowed"),
    ("---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "date: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: t\n---\n", 3, "aliases"),
    # escapes can write half a UTF-16 pair, which no file can hold
    ("---\ntitle: \"\\ud800\"\ndate: 2020-01-01\n---\n", 2, "half of a UTF-16 pair"),
    ("---\ntitle: t\ndate: 2020-01-01\nlinks: {\"S/1\": \"https://x.org/\\udfff\"}\n---\n", 4, "UTF-16"),
    (FM + "a\0b", 5, "NUL"),
])
def test_front_matter_and_file_errors(text: str, line: int | None, reason: str) -> None:
    file, got_line, got_reason = error_of(text)
    assert (file, got_line) == ("doc.md", line)
    assert reason in got_reason
    assert len(got_reason) < 200  # a bad value is never repeated at length


def test_a_bad_value_is_shown_short() -> None:
    _, line, reason = error_of("---\ntitle: t\ndate: " + "x" * 100_000 + "\n---\n")
    assert line == 3 and reason.endswith("…") and len(reason) < 120


@pytest.mark.parametrize("body, line, reason", [
    ("一\n\n[x](javascript:alert(1))", 7, "only http, https, mailto"),
    ("一\n二 [x](JavaScript:alert(1))", 6, "only http, https, mailto"),
    ("[x](vbscript:x) [y](file:///etc/passwd)", 5, "only http"),
    ("[x](data:text/html,hi)", 5, "only http"),
    ("<javascript:alert(1)>", 5, "only http"),
    ("- 项\n- ![x](https://evil.org/a.png)", 6, "not URLs"),
    ("![x](data:image/png;base64,AAAA)", 5, "not URLs"),
    ("![x](file:///etc/passwd)", 5, "not URLs"),
    ("![x](/etc/passwd)", 5, "absolute path"),
    ("![x](img/../../secret.png)", 5, "'..'"),
    ("![x](img/%2e%2e/%2e%2e/x.png)", 5, "'..'"),
    ("![x](..\\x.png)", 5, "'..'"),
    ("一[^1]\n\n[^2]: 注", 5, "footnote '[^1]' is not defined"),
    ("一[^1]\n\n[^1]: 注\n\n[^2]: 未用", 9, "footnote '[^2]' is never called"),
    ("> 引文\n>\n> # 标题", 7, "headings cannot be inside"),
    ("- ## 列表里的标题", 5, "headings cannot be inside"),
    ("::: signatur\n甲\n:::", 5, "did you mean 'signature'"),
    ("一\n\n:::", 7, "stray ':::'"),
    ("::: annex\n:::\n\n后", 8, "nothing may follow the annex"),
    ("> ::: annex\n> x\n> :::", 5, "top level"),
    ("::: signature\n- 甲\n:::", 6, "only lines of text"),
    ("## 甲 {#a b}", 5, None),
    ("## 甲 {#letter}", 5, "id of the page itself"),
    ("## 甲 {#main}", 5, "id of the page itself"),
    ("## 甲 {#contents-title}", 5, "id of the page itself"),
    ("## 甲 {#p1}", 5, "are numbered"),
    ("一\n\n## 甲 {#p12}", 7, "are numbered"),
    ("## 甲 {#fn1}", 5, "are numbered"),
    ("## 甲 {#p3-a}", 5, "are numbered"),
    ("## 甲 {#annex-contents}", 5, "id of the page itself"),
    ("## 甲 {#x}\n\n## 乙 {#x}", 7, "used twice"),
    ("## 甲 {#x!}", 5, "letters, digits"),
])
def test_body_errors(body: str, line: int, reason: str | None) -> None:
    if reason is None:  # "{#a b}" is not an anchor: it is part of the title
        assert read(body).sections[0].title == (Text("甲 {#a b}"),)
        return
    file, got_line, got_reason = error_of(FM + body)
    assert (file, got_line) == ("doc.md", line)
    assert reason in got_reason


# --- every problem of a file at once -----------------------------------------------


def problems_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ManyErrors) as info:
        read_markdown(text, doc_id="d", source="doc.md")
    assert all(p.file == "doc.md" for p in info.value.problems)
    assert info.value.problem == info.value.problems[0]
    return [(p.line, p.reason) for p in info.value.problems]


def assert_problems(got: list[tuple[int | None, str]], want: list[tuple[int | None, str]]) -> None:
    assert [line for line, _ in got] == [line for line, _ in want]
    for (_, reason), (_, part) in zip(got, want, strict=True):
        assert part in reason


def test_all_problems_of_a_file_in_line_order() -> None:
    text = ("---\n"
            "title: t\n"
            "titel_en: x\n"  # 3
            "date: 2020-01-01\n"
            "auther: y\n"  # 5
            "---\n"
            "![图](/etc/passwd)\n"  # 7
            "\n"
            "[a](javascript:alert(1)) and\n"  # 9
            "[b](vbscript:x)\n")  # 10
    assert_problems(problems_of(text), [
        (3, "unknown front matter key 'titel_en' (did you mean 'title_en'?)"),
        (5, "unknown front matter key 'auther' (did you mean 'author'?)"),
        (7, "image '/etc/passwd': use a path relative"),
        (9, "link to 'javascript:alert(1)': only http"),
        (10, "link to 'vbscript:x': only http"),
    ])


def test_a_front_matter_key_that_is_a_list_or_mapping_is_named_so() -> None:
    text = "---\ntitle: t\n? [a, b]\n: c\n{x: 1}: d\ndate: 2020-01-01\n---\n正文。\n"
    assert_problems(problems_of(text), [
        (3, "a front matter key is a name (title:), not a list"),
        (5, "a front matter key is a name (title:), not a mapping"),
    ])


def test_every_front_matter_mistake_is_reported() -> None:
    text = ("---\n"
            "title: 2020\n"  # 2
            "date: 30 November 2020\n"  # 3
            "letter_date: 2020-13-45\n"  # 4
            "title: again\n"  # 5
            "links: {a: 'javascript:x', b: 'https://ok.org', c: 'ftp://x'}\n"  # 6
            "period: February\n"  # 7
            "symbol: !!python/object:os.system x\n"  # 8
            "---\n"
            "正文。\n")
    assert_problems(problems_of(text), [
        (2, "'title' must be text"),
        (3, "'date' must be a date written YYYY-MM-DD"),
        (4, "'letter_date': month must be in 1..12"),
        (5, "front matter key 'title' is given twice"),
        (6, "'links': a: URL must start with https://"),
        (6, "'links': c: URL must start with https://"),
        (7, "'period' must be YYYY-MM"),
        (8, "malformed YAML front matter"),
    ])


def test_missing_keys_and_body_problems_together() -> None:
    # Line 1 is the file's start: the missing keys come first.
    text = "---\nsymbol: S/1\n---\n::: signatur\n甲\n\n:::\n\n## 乙 {#x!}\n\n```\ncode\n```\n"
    assert_problems(problems_of(text), [
        (1, "front matter has no 'date'"),
        (1, "no title: give the front matter a 'title:' or start the text with a '# ' heading"),
        (4, "unknown container 'signatur' (did you mean 'signature'?)"),
        (7, "stray ':::' closes nothing"),
        (9, "anchor '{#x!}'"),
    ])


def test_body_problems_everywhere_in_the_tree() -> None:
    body = ("# 标题\n"  # 5
            "\n"
            "- ## 项 [x](data:x)\n"  # 7
            "\n"
            "::: signature\n"  # 9
            "- ![x](https://evil.org/a.png)\n"  # 10
            ":::\n"
            "\n"
            "::: annex ![c](../c.png)\n"  # 13
            "## 甲 {#letter}\n"  # 14
            ":::\n"
            "\n"
            "后 [y](file:///etc/passwd)\n")  # 17
    assert_problems(problems_of(FM + body), [
        (7, "headings cannot be inside"),
        (7, "link to 'data:x'"),
        (10, "a signature holds only lines of text"),
        (10, "not URLs"),
        (13, "'..' would leave"),
        (14, "id of the page itself"),
        (17, "nothing may follow the annex"),
        (17, "link to 'file:///etc/passwd'"),
    ])


def all_problems(text: str) -> list[tuple[int | None, str]]:
    """Every problem of ``text``, one or several."""
    with pytest.raises(DocpubError) as info:
        read_markdown(text, doc_id="d", source="doc.md")
    found = info.value.problems if isinstance(info.value, ManyErrors) else [info.value.problem]
    return [(p.line, p.reason) for p in found]


# A container whose own ':::' is missing runs on over whatever follows it (paragraphs become
# signature lines, sections of the annex its contents): reported once, where it opens,
# never as a mistake in each block it swallowed, nor silently.
_SWALLOWED = "\n\n".join(["## 节", "正文。", "- 项", "## 节二", "> 引文", "又一段。"])


@pytest.mark.parametrize("body, want", [
    # at the end of the letter: the paragraphs after it would be printed as its lines
    ("信。\n\n::: signature\n大使\n（签名）\n\n附言：另见附件。\n\n又及。\n",
     [(7, "'::: signature' is not closed: add a line ':::' after its last line")]),
    ("信。\n\n::: signature\n大使\n\n" + _SWALLOWED + "\n",
     [(7, "'::: signature' is not closed: add a line ':::' after its last line")]),
    # before the annex: the annex's own ':::' closes the signature, the annex is inside it
    ("信。\n\n::: signature\n大使\n\n::: annex 附件\n\n# 标题\n\n" + _SWALLOWED + "\n:::\n",
     [(10, "'::: annex' inside the signature opened at line 7: is the signature's closing ':::' missing?")]),
    # in the annex, whose ':::' it runs on to
    ("信。\n\n::: annex 附件\n\n正文。\n\n::: signature\n甲\n\n" + _SWALLOWED + "\n:::\n",
     [(11, "'::: signature' is not closed: the ':::' of line 25 closes the annex around it; add a line "
           "':::' after its last line, and open and close the annex with '::::'")]),
    (":::: annex 附件\n\n正文。\n\n::: signature\n甲\n\n" + _SWALLOWED + "\n::::\n",
     [(9, "'::: signature' is not closed before the annex around it ends: add a line ':::' after its last line")]),
    # closed only by a longer fence (one meant for something around it)
    ("::: signature\n甲\n::::\n\n后。\n",
     [(5, "'::: signature' is closed only by the '::::' of line 7: add a line ':::' after its last line")]),
    # the annex's ':::' taken by the signature in it: the text after the annex is reported too
    ("::: annex 附件\n\n正文。\n\n::: signature\n甲\n:::\n\n后文。\n:::\n",
     [(9, "the ':::' of line 11 closes the annex around it"), (13, "nothing may follow the annex")]),
    # a signature closed as it should, holding what it may not: each block is a mistake of its own
    ("::: signature\n甲\n\n- 乙\n\n## 丙\n:::\n",
     [(8, "a signature holds only lines of text"), (10, "a signature holds only lines of text")]),
])
def test_a_container_left_open_is_reported_once_where_it_opens(body: str, want: list[tuple[int, str]]) -> None:
    assert_problems(all_problems(FM + body), want)


@pytest.mark.parametrize("body", [
    "::: signature\n甲\n:::\n\n::: annex 附件\n\n正文。\n",  # the annex ends with the file
    "信。\n\n:::: annex 附件\n\n正文。\n\n::: signature\n乙\n:::\n\n再。\n::::\n",
    "::::: signature\n甲\n:::::\n",
    "- ::: signature\n  甲\n\n后。\n",  # in a list item it ends with the item
    "```\n甲\n```\n\n::: signature\n甲\n:::\n",
    "````\n甲\n`````\n\n::: signature\n甲\n:::\n",
    ":::: annex 附件\n\n   ~~~\n甲\n   ~~~\n\n::: signature\n甲\n:::\n::::\n",
])
def test_containers_and_code_closed_as_they_should_read_without_a_problem(body: str) -> None:
    doc = read(body)
    (signature,) = [b for b in iter_blocks(doc) if isinstance(b, Signature)]
    assert len(signature.lines) == 1


# A line read as a link definition ('[label]: destination') is printed nowhere: unless a link
# uses it, its text would vanish from the document without a word.
@pytest.mark.parametrize("body, want", [
    ("谨转递。\n\n[附件]: 见第2页\n\n后文。\n",
     [(7, "'[附件]: 见第2页' is a link definition (not printed) and no link uses it")]),
    ("[注一]: 另见第2512(2020)号决议\n[注二]: 见附件\n",
     [(5, "'[注一]: 另见第2512(2020)号决议' is a link definition"), (6, "'[注二]: 见附件' is a link definition")]),
    ("见[联合国][UN]。\n\n[un]: https://un.org\n[UN]: https://x.org\n",
     [(8, "'[UN]: https://x.org' is a link definition (not printed) and its label is the one of line 7")]),
    ("::: annex 附件\n\n正文。\n\n[附件二]: 见下\n:::\n", [(9, "no link uses it")]),
])
def test_a_link_definition_no_link_uses_is_reported(body: str, want: list[tuple[int, str]]) -> None:
    assert_problems(all_problems(FM + body), want)


@pytest.mark.parametrize("body, url", [
    ("见[联合国][un]。\n\n[un]: https://un.org\n", "https://un.org"),
    ("见[联合国][]。\n\n[联合国]: https://un.org\n", "https://un.org"),
    ("见[联合国]。\n\n[联合国]: https://un.org \"标题\"\n", "https://un.org"),
    ("见[联合国][UN]。\n\n[un]: https://un.org\n", "https://un.org"),
])
def test_link_definitions_links_use_make_their_links(body: str, url: str) -> None:
    (link,) = [x for x in iter_inlines(read(body)) if isinstance(x, Link)]
    assert link.url == url


def test_a_line_like_a_link_definition_can_be_printed() -> None:
    (escaped,) = read("\\[附件]: 见第2页\n").body
    assert isinstance(escaped, Paragraph) and plain_text(escaped.inlines) == "[附件]: 见第2页"
    (code,) = read("```\n[附件]: 见第2页\n```\n").body
    assert isinstance(code, CodeBlock) and code.text == "[附件]: 见第2页"


# markdown-it drops the cells of a row after the table's last column: they would vanish unseen.
@pytest.mark.parametrize("body, want", [
    ("| 甲 | 乙 |\n|---|---|\n| 1 | 2 | 三 |\n| 4 |\n",
     [(7, "this row has 3 cells and the table 2 columns: '三' would not be printed")]),
    ("甲 | 乙\n--|--\n1 | 2 | 3\n一 | 二 | 三 | 四\n",
     [(7, "'3' would not be printed"), (8, "this row has 4 cells and the table 2 columns: '三'")]),
    ("| 甲 | 乙 |\n|---|---|\n| `a|b` | 2 |\n", [(7, "write a '|' of the text as '\\|'")]),
    ("::: annex 附件\n\n| 甲 |\n|:-:|\n| 1 | 2 |\n:::\n", [(9, "'2' would not be printed")]),
])
def test_a_row_wider_than_its_table_is_reported(body: str, want: list[tuple[int, str]]) -> None:
    assert_problems(all_problems(FM + body), want)


def test_rows_as_wide_as_their_table_or_narrower_read_whole() -> None:
    (table,) = read("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |  |\n| 1 \\| 2 | 3 |\n| 4 |\n").body
    assert isinstance(table, Table)
    assert [[plain_text(c.inlines) for c in row.cells] for row in table.rows] == [["1", "2"], ["1 | 2", "3"], ["4", ""]]


def warnings_of(text: str) -> list[tuple[int | None, str]]:
    """What reading ``text`` warns of; it reads without an error (Markdown it is)."""
    found: list[Problem] = []
    read_markdown(text, doc_id="d", source="doc.md", warnings=found)
    assert all(p.severity == "warning" and p.file == "doc.md" for p in found)
    return [(p.line, p.reason) for p in found]


# Valid Markdown, read as Markdown reads it (nothing in CommonMark is refused), but most likely
# not what the author meant: 'docpub check' warns of each at its line.
@pytest.mark.parametrize("body, want", [
    # a fence left open holds the rest of the text (or of the annex) as code
    ("信。\n\n```\n代码\n\n" + _SWALLOWED + "\n\n::: signature\n甲\n:::\n",
     [(7, "the code block opened with '```' is not closed, so it holds the rest of the text: add a "
          "line '```' after its last line")]),
    ("::: annex 附件\n\n~~~~\n代码\n~~~\n\n" + _SWALLOWED + "\n:::\n",
     [(7, "the code block opened with '~~~~' is not closed")]),
    ("正文。\n\n```\n", [(7, "the code block opened with '```' is not closed")]),
    # Chinese text indented into a code block: Simplified in every edition, its citations unlinked
    ("    谨随函转递比利时担任安全理事会主席期间的工作评估。\n\n后文。\n",
     [(5, "indented by four spaces or more, which makes it a code block")]),
    ("信。\n\n    见第2512(2020)号决议。\n", [(7, "indented by four spaces or more")]),
    ("1. 甲\n\n        乙\n", [(7, "indented by four spaces or more")]),  # deeper than the item's text
    ("::: annex 附件\n\n    正文。\n:::\n", [(7, "indented by four spaces or more")]),
    # a '---' meant as a rule, typed under the paragraph, makes the paragraph a heading
    ("正文。\n---\n\n后。\n", [(5, "the line of '---' under this text (line 6) makes it a heading")]),
    ("第一行\n第二行\n===\n", [(5, "the line of '===' under this text (line 7) makes it a heading")]),
    ("::: annex 附件\n\n正文。\n---\n:::\n", [(7, "the line of '---' under this text (line 8)")]),
    # '**' next to Chinese punctuation on its inner side is not emphasis: the page shows it
    ("安理会通过了**“第2512(2020)号决议”**，并且。\n", [(5, "'**' would be printed as text")]),
    ("一\n\n## 节**（一）**\n", [(7, "'**' would be printed as text")]),
    ("| 甲 |\n|---|\n| 安理会**《宪章》** |\n", [(7, "'**' would be printed as text")]),
    ("- 第一项\n- 通过了**（草案）**\n", [(6, "'**' would be printed as text")]),
    ("这是__强调__的文字。\n", [(5, "'__' would be printed as text")]),
    # a Markdown mark typed full-width (as a Chinese input method gives it) is text
    ("＃ 标题\n\n正文。\n", [(5, "this line starts with the full-width '＃', which is text: to make it a "
                                "heading, write '#'")]),
    ("正文。\n＃＃节\n", [(6, "the full-width '＃＃'")]),  # (a line of the paragraph above)
    ("＞ 引文\n\n－ 项\n\n１．段落\n", [(5, "'＞', which is text: to make it a quote, write '>'"),
                                  (7, "'－', which is text: to make it a list item, write '-'"),
                                  (9, "'１．', which is text: to make it a numbered paragraph, write '1.'")]),
    # an empty heading: an entry of the contents with nothing to click
    ("正文。\n\n## \n\n后。\n", [(7, "empty heading")]),
    ("正文。\n\n### {#x}\n", [(7, "empty heading")]),  # an anchor and no title
    ("::: annex 附件\n\n# 标题\n\n## \n\n正文。\n:::\n", [(9, "empty heading")]),
    # a line without the quote's '>' or the item's indentation, a blank line left out before it,
    # is taken into the quote's or the item's paragraph (once a paragraph, at its first such line)
    ("> 引文。\n安理会通过了决议。\n另一行。\n", [(6, "this line has no '>', so Markdown takes it into "
                                         "the quote (a lazy continuation line): to start a paragraph "
                                         "after the quote, leave a blank line before it")]),
    ("> > 深处。\n> 浅处。\n", [(6, "this line has fewer '>' than the quote above it")]),
    ("- 第一项\n- 第二项\n正文。\n", [(7, "this line is not indented, so Markdown takes it into the list "
                                      "item above it (a lazy continuation line)")]),
    ("1. 第一段。\n2. 第二段。\n第三段没有编号。\n", [(7, "this line is not indented")]),
    ("- 甲\n\n  乙\n丙\n", [(8, "this line is not indented")]),  # an item's second paragraph
    ("::: annex 附件\n\n> 引文\n正文。\n:::\n", [(8, "this line has no '>'")]),
])
def test_markdown_that_is_most_likely_a_slip_is_read_with_a_warning(body: str, want: list[tuple[int, str]]) -> None:
    assert_problems(warnings_of(FM + body), want)


def test_the_build_reads_those_as_markdown_does() -> None:
    assert read("```\n代码\n\n## 节\n").body == (CodeBlock("代码\n\n## 节"),)
    assert read("    谨随函转递。\n").body == (CodeBlock("谨随函转递。"),)
    assert plain_text(read("正文。\n---\n").sections[0].title) == "正文。"
    (para,) = read("通过了**“决议”**。\n").body
    assert isinstance(para, Paragraph) and plain_text(para.inlines) == "通过了**“决议”**。"


def test_quotes_and_items_continued_as_meant_give_no_warning() -> None:
    body = ("> 引文，\n> 续行。\n\n正文。\n\n> > 深处，\n> > 续行。\n\n- 项目，\n  续行。\n\n"
            "1. 段落，\n   续行。\n\n> - 引文中的项，\n> 续行。\n\n正文[^1]。\n\n[^1]: 注，\n续行。\n")
    assert warnings_of(FM + body) == []


def test_a_lazy_line_is_read_into_the_quote_as_markdown_does() -> None:
    (quote,) = read("> 引文。\n正文。\n").body
    assert isinstance(quote, BlockQuote) and plain_text(quote.blocks[0].inlines) == "引文。正文。"


def test_code_blocks_meant_as_code_are_kept() -> None:
    indented, fenced = read("    x = 1\n\n```\n中文\n```\n").body
    assert indented == CodeBlock("x = 1") and fenced == CodeBlock("中文")
    assert warnings_of(FM + "    x = 1\n\n```\n中文\n```\n") == []


def test_a_rule_after_a_blank_line_is_a_rule() -> None:
    assert read("正文。\n\n---\n\n后。\n").body[1] == Rule()
    assert warnings_of(FM + "正文。\n\n---\n\n后。\n") == []


@pytest.mark.parametrize("body, text", [
    ("安理会通过了“**第2512号决议**”。\n", "安理会通过了“第2512号决议”。"),  # inside the quotes: emphasis
    ("星号\\*\\*。\n", "星号**。"),  # asked for
    ("`a**b`\n", "a**b"),
    ("S/2020/139*\n", "S/2020/139*"),  # a reissued document's symbol: one asterisk is text
    ("见 file__name。\n", "见 file__name。"),  # between Latin letters '__' is text
    ("这是\\_\\_强调\\_\\_的。\n", "这是__强调__的。"),
    ("＊ 因技术原因重新印发。\n", "＊ 因技术原因重新印发。"),  # a reissued document's note
    ("正文＃ 第１．段\n", "正文＃ 第１．段"),  # full-width marks inside a line
])
def test_asterisks_meant_as_marks_or_text_read_without_a_warning(body: str, text: str) -> None:
    (para,) = read(body).body
    assert isinstance(para, Paragraph) and plain_text(para.inlines) == text
    assert warnings_of(FM + body) == []


def test_many_errors_prints_every_problem() -> None:
    with pytest.raises(DocpubError) as info:  # ManyErrors is a DocpubError
        read_markdown(FM + "[a](javascript:x)\n\n[b](vbscript:y)\n", doc_id="d", source="doc.md")
    assert isinstance(info.value, ManyErrors)
    assert str(info.value).splitlines() == [
        "doc.md:5: error: link to 'javascript:x': only http, https, mailto and relative links are allowed",
        "doc.md:7: error: link to 'vbscript:y': only http, https, mailto and relative links are allowed",
    ]


def test_one_problem_is_a_plain_docpub_error() -> None:
    with pytest.raises(DocpubError) as info:
        read_markdown(FM + "[a](javascript:x)\n", doc_id="d", source="doc.md")
    assert type(info.value) is DocpubError


@pytest.mark.parametrize("text, line, reason", [
    ("---\ntitle: [t\nfoo: 1\n---\n[a](javascript:x)\n", 2, "malformed YAML"),
    ("正文 [a](javascript:x)\n", 1, "no front matter"),
    ("---\ntitle: t\nfoo: 1\n\n[a](javascript:x)\n", 1, "front matter is not closed"),
    ("---\nfoo: 1\n---\n[a](java\0script:x)\n", 4, "NUL"),
])
def test_unreadable_files_stop_at_the_first_problem(text: str, line: int, reason: str) -> None:
    with pytest.raises(DocpubError) as info:
        read_markdown(text, doc_id="d", source="doc.md")
    assert type(info.value) is DocpubError
    assert info.value.problem.line == line and reason in info.value.problem.reason


def test_body_is_read_when_the_front_matter_is_not_a_mapping() -> None:
    assert_problems(problems_of("---\n- a\n---\n[a](javascript:x)\n"), [
        (2, "must be a mapping"), (4, "link to 'javascript:x'")])


def test_read_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "d" / "zh-Hans.md"
    path.parent.mkdir()
    path.write_bytes(FM.encode() + "正文\n".encode("gb18030"))
    with pytest.raises(DocpubError) as info:
        read_file(path)
    p = info.value.problem
    assert (p.file, p.line) == (str(path), 5)
    assert "not UTF-8" in p.reason and f"offset {len(FM.encode())}" in p.reason


def test_read_file_binary(tmp_path: Path) -> None:
    path = tmp_path / "d" / "zh-Hans.md"
    path.parent.mkdir()
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(DocpubError, match="binary") as info:
        read_file(path)
    assert info.value.problem.line == 3


def test_read_file_unreadable(tmp_path: Path) -> None:
    missing = tmp_path / "d" / "zh-Hans.md"
    with pytest.raises(DocpubError, match="content file not found") as info:
        read_file(missing)
    assert info.value.problem.file == str(missing) and info.value.problem.line is None
    with pytest.raises(DocpubError, match="content file is a folder, not a regular file"):
        read_file(tmp_path)  # a directory
