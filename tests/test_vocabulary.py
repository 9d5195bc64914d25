"""Regional vocabulary of the Taiwan and Hong Kong editions: context entries,
words, names, Hong Kong's character forms, labels, and the editors' reasons."""

from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest

from docpub.check import check_site
from docpub.cli import main
from docpub.config import Edition, load_config
from docpub.errors import DocpubError
from docpub.readers.markdown import read_file
from docpub.review import AMBIGUOUS_FILE, format_table, load_ambiguous, review
from docpub.transforms.editions import convert_label, converter_for
from docpub.transforms.glossary import load_forms, load_glossary
from docpub.writers.html import load_labels
from sitekit import MINIMAL, make_site

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
GLOSSARY = ROOT / "content" / "glossary"
CONFIG = load_config(ROOT)
HANT, TW, HK = (CONFIG.edition(tag) for tag in ("zh-Hant", "zh-Hant-TW", "zh-Hant-HK"))


CONVERTERS = {e.tag: converter_for(e, ROOT) for e in (HANT, TW, HK)}  # built once, as a build does


def tw(s: str) -> str:
    return CONVERTERS[TW.tag].convert_text(s)


def hk(s: str) -> str:
    return CONVERTERS[HK.tag].convert_text(s)


def hant(s: str) -> str:
    return CONVERTERS[HANT.tag].convert_text(s)


def seed_text(edition: Edition) -> str:
    from docpub.review import iter_texts

    converter = CONVERTERS[edition.tag]
    return "\n".join(converter.convert_text(text) for _, text in iter_texts(read_file(SEED)))


# --- 通过: "via" becomes 透過, "adopted" stays 通過 ------------------------------------

ADOPTED = [
    "安全理事会一致通过了第2532(2020)号决议",
    "安理会以13票赞成、2票弃权通过了该决议",
    "会上通过了一份支持《不扩散条约》的新闻谈话",
    "决议草案未获通过",
    "4次“通过”会议",
    "安理会通过了议程",
    "包括通过了两项决议",
    "安理会一致通过第2532(2020)号决议",
    "大会通过决议草案",
    "该决议获得通过后",
]
VIA = [
    ("她通过视频会议介绍了工作", "透過視"),
    ("各方应通过对话和谈判解决争端", "透過對話"),
    ("该研究所如何通过收集的信息帮助查明漏洞", "透過收集"),
    ("通过和平手段解决冲突", "透過和平"),
    ("通过加强区域合作打击恐怖主义", "透過加強"),
    ("特别是通过技术援助", "透過技術"),
    ("通过外交渠道转交", "透過外交"),
    ("通过这种方式减少伤亡", "透過這種方式"),
    ("通过部署更多维和人员", "透過部署"),
    ("通过采取切实措施", "透過採取"),
]


@pytest.mark.parametrize("edition", [TW, HK], ids=lambda e: e.tag)
@pytest.mark.parametrize("text", ADOPTED)
def test_adopted_tongguo_stays(edition: Edition, text: str) -> None:
    out = CONVERTERS[edition.tag].convert_text(text)
    assert "通過" in out and "透過" not in out


@pytest.mark.parametrize("edition", [TW, HK], ids=lambda e: e.tag)
@pytest.mark.parametrize(("text", "expected"), VIA)
def test_via_tongguo_becomes_touguo(edition: Edition, text: str, expected: str) -> None:
    out = CONVERTERS[edition.tag].convert_text(text)
    assert expected in out and "通過" not in out


def test_both_senses_in_one_sentence() -> None:
    text = "安理会通过了第2511(2020)号决议，并通过视频会议听取了通报"
    assert tw(text) == "安理會通過了第2511(2020)號決議，並透過視訊會議聽取了通報"
    assert hk(text) == "安理會通過了第2511(2020)號決議，並透過視像會議聽取了通報"


def test_generic_edition_keeps_opencc_vocabulary() -> None:
    assert hant("通过视频会议收集的信息") == "通過視頻會議收集的信息"


@pytest.mark.parametrize("edition", [TW, HK], ids=lambda e: e.tag)
def test_seed_tongguo(edition: Edition) -> None:
    text = seed_text(edition)
    assert text.count("透過") == 4  # three video conferences, one 通过收集的信息
    assert text.count("通過") == 9  # eight adoptions and the “adoption meetings”
    assert not re.search("透過了|通過視", text)


# --- Taiwan ---------------------------------------------------------------------------


def test_taiwan_certain_words_in_the_seed() -> None:
    text = seed_text(TW)
    assert text.count("視訊會議") == 3 and "視頻" not in text
    assert "網際網路" in text and "互聯網" not in text
    assert "彈道飛彈" in text and "導彈" not in text
    assert "社群媒體" in text and "社交媒體" not in text
    assert text.count("計畫") == 3 and "計劃" not in text
    assert "應印尼和突尼西亞的請求" in text and "印度尼西亞" not in text
    assert "蜜雪兒·巴舍萊" in text and "巴切萊特" not in text
    assert "屠圖和平中心" in text and "圖圖" not in text
    assert "收集的資訊" in text and "信息" not in text


@pytest.mark.parametrize(("simplified", "taiwan"), [
    ("巡航导弹和弹道导弹", "巡弋飛彈和彈道飛彈"),
    ("通过互联网散布仇恨言论", "透過網際網路散布仇恨言論"),
    ("网络攻击和网络犯罪", "網路攻擊和網路犯罪"),
    ("向安理会发出明确信息", "向安理會發出明確訊息"),
    ("收集和分享信息", "收集和分享資訊"),
    ("实施行动计划", "實施行動計畫"),
    ("秘书长古特雷斯", "秘書長古特瑞斯"),
    ("萨达姆·侯赛因政权和卡扎菲", "海珊政權和格達費"),
    ("昂山素季", "翁山蘇姬"),
    ("可持续发展目标和气候变化", "永續發展目標和氣候變遷"),
    ("残疾人、残疾人士和残疾儿童", "身心障礙者、身心障礙者和身心障礙兒童"),
    ("土著人民、土著居民和土著妇女", "原住民族、原住民和原住民婦女"),
    ("打击虚假信息和错误信息", "打擊假訊息和錯誤訊息"),
    ("艾滋病和埃博拉", "愛滋病和伊波拉"),
    ("地图图例", "地圖圖例"),  # 图图 only after the middle dot of a name
    ("公布和宣布", "公布和宣布"),
    ("文件链接", "文件連結"),
    ("所有国家利益攸关方", "所有國家利害關係人"),
    ("欧洲安全与合作组织(欧安组织)", "歐洲安全暨合作組織(歐安組織)"),
    ("加纳、冈比亚和哈萨克斯坦", "迦納、甘比亞和哈薩克"),
    ("信息和通信技术与信息技术", "資通訊科技與資訊科技"),
])
def test_taiwan_vocabulary_beyond_the_seed(simplified: str, taiwan: str) -> None:
    assert tw(simplified) == taiwan


# --- Hong Kong ------------------------------------------------------------------------


def test_hong_kong_words_in_the_seed() -> None:
    text = seed_text(HK)
    assert text.count("視像會議") == 3 and "視頻" not in text
    assert "孟加拉境內" in text and "孟加拉國" not in text
    assert text.count("周年") == 2 and "週年" not in text
    assert "盡可能" in text and "儘" not in text
    assert "收集的資訊" in text
    assert "互聯網" in text and "印尼" in text


@pytest.mark.parametrize(("simplified", "hong_kong"), [
    ("尽快、尽量、尽早，尽管如此", "盡快、盡量、盡早，儘管如此"),
    ("成立一周年", "成立一周年"),
    ("本周末和每周一", "本周末和每周一"),
    ("向安理会发出明确信息", "向安理會發出明確信息"),
    ("提供信息", "提供資訊"),
    ("通过视频链接", "透過視像連線"),
    ("孟加拉国政府", "孟加拉政府"),
    ("文件链接", "文件連結"),
    ("所有国家利益攸关方", "所有國家持份者"),
    ("卡扎菲和昂山素季", "卡達菲和昂山素姬"),
    ("残疾人和残疾人士", "殘疾人士和殘疾人士"),
    ("可持续发展和气候变化", "可持續發展和氣候變化"),
    ("艾滋病和埃博拉", "愛滋病和伊波拉"),
    ("信息和通信技术与信息技术", "資訊及通訊科技與資訊科技"),
])
def test_hong_kong_vocabulary_beyond_the_seed(simplified: str, hong_kong: str) -> None:
    assert hk(simplified) == hong_kong


def test_hong_kong_character_forms_are_a_class() -> None:
    """No character s2hk prints in a form Hong Kong does not type survives, anywhere."""
    forms = load_forms(GLOSSARY / "zh-Hant-HK.forms.tsv", name="forms")
    replaced = {f.source for f in forms}
    every_han = "".join(chr(c) for c in range(0x4E00, 0xA000))
    out = hk(every_han)
    assert len(out) == len(every_han)
    assert not replaced & set(out)
    # ... and the table holds every character of the two components it names.
    s2hk = opencc.OpenCC("s2hk").convert(every_han)
    assert {c for c in s2hk if c in "兑脱悦鋭閲説蜕税温愠醖藴氲媪緼煴揾榅"} <= replaced


@pytest.mark.parametrize(("simplified", "hong_kong"), [
    ("他说", "他說"), ("摆脱", "擺脫"), ("税收", "稅收"), ("群体", "群體"), ("启动", "啟動"),
    ("阅读", "閱讀"), ("尖锐", "尖銳"), ("喜悦", "喜悅"), ("兑现", "兌現"), ("温和", "溫和"),
    ("酝酿", "醞釀"), ("蕴藏", "蘊藏"), ("住户", "住戶"), ("峰会", "峰會"), ("病床", "病床"),
    ("卫生", "衞生"), ("着重", "着重"), ("这里", "這裏"),  # forms Hong Kong does keep
])
def test_hong_kong_character_forms(simplified: str, hong_kong: str) -> None:
    assert hk(simplified) == hong_kong


def test_forms_apply_to_glossary_targets(tmp_path: Path) -> None:
    (tmp_path / "g.tsv").write_text("说明书\t説明書\twritten in s2hk's form\n", encoding="utf-8")
    (tmp_path / "f.tsv").write_text("説\t說\tBig5 form\n", encoding="utf-8")
    edition = Edition("zh-Hant-HK", "HK", "s2hk", ("g.tsv",), forms=("f.tsv",))
    assert converter_for(edition, tmp_path).convert_text("说明书和说法") == "說明書和說法"


# --- labels, quotes -------------------------------------------------------------------


def test_labels_go_through_the_glossaries() -> None:
    labels = load_labels(CONFIG.theme)
    assert convert_label(labels["document_links"], converter=CONVERTERS[TW.tag]) == "文件連結"
    assert convert_label(labels["document_links"], converter=CONVERTERS[HK.tag]) == "文件連結"
    assert convert_label(labels["document_links"], converter=CONVERTERS[HANT.tag]) == "文件鏈接"


def test_traditional_editions_print_corner_quotes() -> None:
    assert all(e.quotes == "corner" for e in (HANT, TW, HK))
    for edition in (HANT, TW, HK):
        text = seed_text(edition)
        assert "「通過」會議" in text and "“" not in text and "”" not in text


def test_corner_quotes_are_the_default_with_opencc(tmp_path: Path) -> None:
    (tmp_path / "docpub.toml").write_text(
        '[[editions]]\ntag = "zh-Hans"\nlabel = "简体"\n\n'
        '[[editions]]\ntag = "zh-Hant"\nlabel = "繁體"\nopencc = "s2t"\n\n'
        '[[editions]]\ntag = "zh-Hant-MO"\nlabel = "繁體"\nopencc = "s2t"\nquotes = "curly"\n',
        encoding="utf-8")
    source, hant_edition, curly = load_config(tmp_path).editions
    assert (source.quotes, hant_edition.quotes, curly.quotes) == ("curly", "corner", "curly")


# --- the glossary format: context, reasons --------------------------------------------


def _site(tmp_path: Path, glossary: str, forms: str = "") -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "g.tsv").write_text(glossary, encoding="utf-8")
    lines = ['[[editions]]\ntag = "zh-Hans"\nlabel = "简体"\n\n[[editions]]\ntag = "zh-Hant"\n'
             'label = "繁體"\nopencc = "s2t"\nglossaries = ["g.tsv"]\n']
    if forms:
        (tmp_path / "f.tsv").write_text(forms, encoding="utf-8")
        lines.append('forms = ["f.tsv"]\n')
    (tmp_path / "docpub.toml").write_text("".join(lines), encoding="utf-8")
    return tmp_path


def test_context_in_brackets(tmp_path: Path) -> None:
    _site(tmp_path, "通过[视频]\t透過\tvia\n[收集的]信息\t資訊\tinformation\n"
                    "[如何]通过\t透過\tvia\n[如何]通过[了]\t通過\tadopted\n")
    converter = converter_for(load_config(tmp_path).edition("zh-Hant"), tmp_path)
    assert converter.convert_text("通过视频会议") == "透過視頻會議"
    assert converter.convert_text("通过了决议") == "通過了決議"
    assert converter.convert_text("收集的信息和信息") == "收集的資訊和信息"
    assert converter.convert_text("如何通过收集") == "如何透過收集"
    assert converter.convert_text("如何通过了") == "如何通過了"  # the longer context wins


@pytest.mark.parametrize(("line", "reason"), [
    ("[通过\t透過\tx\n", "must be a term with optional context"),
    ("[视频]\t透過\tx\n", "must be a term with optional context"),
    ("[]通过\t透過\tx\n", "must be a term with optional context"),
    ("通过[视频]会议\t透過\tx\n", "must be a term with optional context"),
    ("通过[PDF]\t透過\tx\n", "contains 'P'"),
    ("通过[视频]\t透過\tx\n通过[视频]\t通過\ty\n", "duplicate source term '通过[视频]'"),
])
def test_context_errors(tmp_path: Path, line: str, reason: str) -> None:
    (tmp_path / "g.tsv").write_text(line, encoding="utf-8")
    with pytest.raises(DocpubError, match=re.escape(reason)):
        load_glossary(tmp_path / "g.tsv", name="g.tsv")


def test_forms_must_be_single_characters(tmp_path: Path) -> None:
    (tmp_path / "f.tsv").write_text("# forms\n説\t說\tBig5\n説明\t說明\tno\n", encoding="utf-8")
    with pytest.raises(DocpubError, match=r"f.tsv:3: error: .*one character to one character"):
        load_forms(tmp_path / "f.tsv", name="f.tsv")


def test_glossary_outside_the_site_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "secret.tsv").write_text("布隆迪\t蒲隆地\tx\n", encoding="utf-8")
    edition = Edition("zh-Hant", "繁體", "s2t", ("../secret.tsv",))
    with pytest.raises(DocpubError, match="outside the site"):
        converter_for(edition, site)


def test_a_glossary_outside_the_site_is_an_error_of_its_line_in_docpub_toml(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The file named is where to mend it: docpub.toml, at the line listing the glossary (or form
    table), not the file outside, which is never read."""
    site = make_site(tmp_path / "s", {"x": MINIMAL})
    config = site / "docpub.toml"
    text = config.read_text(encoding="utf-8")
    for listed, outside in (('"content/glossary/regional.tsv"', '"../secret.tsv"'),
                            ('"content/glossary/zh-Hant-HK.forms.tsv"', '"content/../../forms.tsv"')):
        assert listed in text
        config.write_text(text.replace(listed, outside, 1), encoding="utf-8")
        line = next(n for n, t in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if outside in t)
        assert main(["build", str(site), "--out", str(tmp_path / "o"), "--no-pdf"]) == 1
        err = capsys.readouterr().err.strip()
        assert err == (f"docpub: {config}:{line}: error: '{outside.strip(chr(34))}' is outside the site: "
                       "glossaries and form tables must live in the site folder"), err
    assert not (tmp_path / "o").exists()


def test_every_repository_entry_has_a_reason() -> None:
    names = {g for e in CONFIG.editions for g in (*e.glossaries, *e.forms)}
    assert "content/glossary/zh-Hant-HK.forms.tsv" in names
    for name in names:
        load = load_forms if name.endswith(".forms.tsv") else load_glossary
        assert all(entry.reason for entry in load(ROOT / name, name=name)), name  # type: ignore[operator]
    assert not [p for p in check_site(ROOT) if "gives no reason" in p.reason]


def test_check_warns_about_an_entry_without_a_reason(tmp_path: Path) -> None:
    _site(tmp_path, "# a glossary\n布隆迪\t蒲隆地\tBurundi in Taiwan\n也门\t葉門\n", forms="説\t說\n")
    warnings = [str(p) for p in check_site(tmp_path) if p.severity == "warning"]
    assert "g.tsv:3: warning: entry '也门' gives no reason (third column): editors cannot audit it" in warnings
    assert "f.tsv:1: warning: entry '説' gives no reason (third column): editors cannot audit it" in warnings


def test_review_shows_reasons_and_forms() -> None:
    table = load_ambiguous(ROOT / AMBIGUOUS_FILE, site=ROOT)
    r = review(read_file(SEED), converter=CONVERTERS[HK.tag], table=table)
    hit = next(h for h in r.hits if h.source == "通过[视频]")
    assert (hit.term, hit.target, hit.reason) == ("通过", "透過", "via video conference or link")
    assert hit.entry.startswith("content/glossary/regional.tsv:")
    said = next(f for f in r.forms if f.opencc == "説")
    assert said.printed == "說" and said.count >= 4 and "Big5" in said.reason
    table = format_table(r)
    assert "via video conference or link" in table and "通过[视频]" in table
    assert "兌 component: Big5 form" in table


@pytest.mark.parametrize("edition", [HANT, TW, HK], ids=lambda e: e.tag)
def test_no_entry_is_shadowed(edition: Edition) -> None:
    """Each entry fires on its own source: no longer or overlapping entry hides it."""
    from docpub.transforms.glossary import merge

    converter = CONVERTERS[edition.tag]
    entries = merge(tuple(load_glossary(ROOT / g, name=g) for g in edition.glossaries))
    hidden = [e.where for e in entries.values()
              if not any(p.entry is not None and p.entry.where == e.where
                         for p in converter.pieces(e.before + e.term + e.after))]
    assert not hidden


@pytest.mark.parametrize(("setting", "reason"), [
    ('forms = "f.tsv"', "'forms' must be a list of paths"),
    ('forms = ["missing.tsv"]', "missing.tsv: error: table of character forms file not found"),
])
def test_forms_setting_errors(tmp_path: Path, setting: str, reason: str) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "docpub.toml").write_text(
        '[[editions]]\ntag = "zh-Hans"\nlabel = "简体"\n\n'
        f'[[editions]]\ntag = "zh-Hant-HK"\nlabel = "香港"\nopencc = "s2hk"\n{setting}\n', encoding="utf-8")
    problems = [str(p) for p in check_site(tmp_path)]
    assert any(reason in p for p in problems), problems


# --- the audit: every entry an edition applies --------------------------------------


def test_review_entries_lists_every_entry_with_reason_and_uses(capsys: pytest.CaptureFixture[str]) -> None:
    from docpub.cli import main

    assert main(["review", str(ROOT), "--entries", "--edition", "zh-Hant-HK"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"zh-Hant-HK: \d+ entries, \d+ unused in these documents, 0 without a reason", lines[0])
    rows = {tuple(re.split(r" {2,}", line)[:4]) for line in lines[3:] if line}
    assert ("通过[视频]", "透過", "3", "content/glossary/regional.tsv:9") in rows
    assert ("视频会议", "視像會議", "3") in {r[:3] for r in rows}
    assert ("説", "說", "4") in {r[:3] for r in rows}  # a character form, as printed in the seed
    assert ("索马里", "索馬里") in {r[:2] for r in rows}  # the Hong Kong entry, not common.tsv's
    assert not any(r[0] == "周年" for r in rows)  # not an entry of this edition


def test_review_entries_show_missing_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from docpub.cli import main

    _site(tmp_path, "布隆迪\t蒲隆地\tBurundi in Taiwan\n也门\t葉門\n")
    assert main(["review", str(tmp_path), "--entries"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("zh-Hant: 2 entries, 2 unused in these documents, 1 without a reason")
    assert re.search(r"也门 +葉門 +0 +g\.tsv:2 +\(no reason given\)", out)


def _blocks(out: str) -> dict[str, str]:
    """``docpub review``'s output by its headings (``== doc · edition``), in order."""
    parts = re.split(r"^(== .*)$", out, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_review_of_chosen_documents_is_theirs_alone_and_reads_no_other(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor reviews the document they edited (``--doc``, again for more), not the archive's
    every document; a colleague's document that does not read yet is not in the way."""
    site = _site(tmp_path, "也门\t葉門\tYemen\n索马里\t索馬利亞\tSomalia\n")
    (site / AMBIGUOUS_FILE).parent.mkdir(parents=True)
    (site / AMBIGUOUS_FILE).write_bytes((ROOT / AMBIGUOUS_FILE).read_bytes())
    texts = {"a-letter": "也门局势。", "b-report": "索马里局势和也门局势。", "c-note": "安全理事会审议了局势。"}
    for doc_id, text in texts.items():
        (site / "content" / doc_id).mkdir()
        source = MINIMAL.replace("安全理事会通过了第2512(2020)号决议。", text)
        (site / "content" / doc_id / "zh-Hans.md").write_text(source, encoding="utf-8")
    (site / "content" / "d-single.md").write_text(MINIMAL.replace("测试文件", "单个文件"), encoding="utf-8")
    assert main(["review", str(site)]) == 0
    every = _blocks(capsys.readouterr().out)
    assert list(every) == [f"== {d} · zh-Hant" for d in ("a-letter", "b-report", "c-note", "d-single")]
    assert main(["review", str(site), "--doc", "d-single", "--doc", "b-report"]) == 0
    chosen = _blocks(capsys.readouterr().out)
    assert chosen == {k: every[k] for k in ("== b-report · zh-Hant", "== d-single · zh-Hant")}  # the site's order
    assert list(chosen) == ["== b-report · zh-Hant", "== d-single · zh-Hant"]
    # Uses counted in the chosen documents only.
    assert main(["review", str(site), "--entries", "--doc", "a-letter"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("zh-Hant: 2 entries, 1 unused in these documents")
    assert re.search(r"也门 +葉門 +1 ", out) and re.search(r"索马里 +索馬利亞 +0 ", out)
    # Another document that no longer reads: the chosen one is reviewed; the whole site is not.
    (site / "content" / "c-note" / "zh-Hans.md").write_bytes(b"---\ntitle: [\n---\n")
    assert main(["review", str(site), "--doc", "a-letter"]) == 0
    assert list(_blocks(capsys.readouterr().out)) == ["== a-letter · zh-Hant"]
    assert main(["review", str(site)]) == 1
    assert "c-note" in capsys.readouterr().err


def test_review_of_a_document_the_site_has_not_is_one_error_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s", {"first": MINIMAL})
    for wrong in ("frist", "content/first", "first/zh-Hans.md", "../first"):
        assert main(["review", str(site), "--doc", "first", "--doc", wrong]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.splitlines() == [f"docpub: {site / 'content'}: error: there is no document {wrong!r} "
                                    f"(its source would be {wrong}/zh-Hans.md or {wrong}.md)"]
