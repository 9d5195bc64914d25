"""docpub.toml: defaults, validation, and errors that name the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from docpub.config import find_site_root, load_config
from docpub.errors import DocpubError, Problem

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docpub.toml").write_text(text, encoding="utf-8")
    return tmp_path


def refused(tmp_path: Path, text: str) -> Problem:
    """The problem loading a docpub.toml of ``text`` raises."""
    write(tmp_path, text)
    with pytest.raises(DocpubError) as info:
        load_config(tmp_path)
    return info.value.problem


def test_repository_config_loads_with_source_edition_first() -> None:
    config = load_config(REPO)
    assert config.source_lang == "zh-Hans"
    assert config.editions[0].tag == "zh-Hans"
    assert config.urls.document == "https://undocs.org/{lang}/{symbol}"


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert [e.tag for e in config.editions] == ["zh-Hans"]


def test_unknown_key_is_named_with_suggestion_and_line(tmp_path: Path) -> None:
    problem = refused(tmp_path, '[site]\ntitle = "x"\ntitel_en = "y"\n')
    assert problem.file.endswith("docpub.toml")
    assert problem.line == 3
    assert "titel_en" in problem.reason and "did you mean 'title_en'" in problem.reason


def test_unknown_table_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "[sites]\n")
    with pytest.raises(DocpubError, match="unknown key 'sites'.*did you mean 'site'"):
        load_config(tmp_path)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    assert refused(tmp_path, '[site]\ntitle = "x\n').line == 2


@pytest.mark.parametrize("tag", ["../evil", "zh Hans", "", "zh/Hant"])
def test_unsafe_edition_tags_are_refused(tmp_path: Path, tag: str) -> None:
    write(tmp_path, f'[site]\nsource_lang = "zh-Hans"\n[[editions]]\ntag = "{tag}"\nlabel = "x"\n')
    with pytest.raises(DocpubError, match="tag"):
        load_config(tmp_path)


def test_unknown_edition_lookup_suggests(tmp_path: Path) -> None:
    config = load_config(REPO)
    with pytest.raises(DocpubError, match="unknown edition 'zh-Hnas'.*did you mean 'zh-Hans'"):
        config.edition("zh-Hnas")


def test_url_template_must_keep_its_placeholder(tmp_path: Path) -> None:
    write(tmp_path, '[urls]\ndocument = "https://example.org/"\n')
    with pytest.raises(DocpubError, match=r"\{symbol\}"):
        load_config(tmp_path)


def test_site_root_is_found_from_a_content_file() -> None:
    path = REPO / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
    assert find_site_root(path) == REPO


def test_font_names_cannot_smuggle_css(tmp_path: Path) -> None:
    write(tmp_path, '[[editions]]\ntag = "zh-Hans"\nlabel = "x"\nfont_serif = "X\\"; } body { display: none"\n')
    with pytest.raises(DocpubError, match="font family name"):
        load_config(tmp_path)


@pytest.mark.parametrize(("entry", "reason"), [
    ('[site]\nbase_url = "https://example.org/docs/\\n"\n', "base_url"),
    ('[site]\nbase_url = "https://example.org/\\n\\nSitemap: https://evil.example/"\n', "base_url"),
    ('[[editions]]\ntag = "zh-Hans\\n"\nlabel = "x"\n', "BCP 47"),
    ('[[editions]]\ntag = "zh-Hans"\nlabel = "x"\nfont_serif = "Noto Serif CJK SC\\n"\n', "font family name"),
    ('[[editions]]\ntag = "zh-Hans"\nlabel = "x"\nfont_sans = "Noto Sans CJK SC\\u2028"\n', "font family name"),
])
def test_a_checked_value_may_not_end_in_a_line_break(tmp_path: Path, entry: str, reason: str) -> None:
    """A value checked by its pattern (an address, a tag, a font's name) is the whole value: a line
    end after it would reach robots.txt, paths and CSS; the error stays on one line."""
    write(tmp_path, entry)
    with pytest.raises(DocpubError, match=reason) as info:
        load_config(tmp_path)
    assert "\n" not in str(info.value) and "\u2028" not in str(info.value)


@pytest.mark.parametrize("template", ["javascript:alert(1)//{symbol}", "JavaScript:alert('{symbol}')",
                                      "file:///etc/{symbol}", "data:text/html,{symbol}", "ftp://x.org/{symbol}",
                                      "https://x.org/{symbol} ", "https://x.org/\\n{symbol}"])
def test_url_templates_make_only_links_the_pages_keep(tmp_path: Path, template: str) -> None:
    """A citation's address comes from the template: one the pages would not link to (another
    scheme than http(s)) is an error at its line, not every citation silently made '#'."""
    write(tmp_path, f'[urls]\npress_release = "https://example.org/{{year}}/{{number}}"\ndocument = "{template}"\n')
    with pytest.raises(DocpubError, match="urls.document: must be an http") as info:
        load_config(tmp_path)
    assert info.value.problem.line == 3


@pytest.mark.parametrize("template", ["https://undocs.org/{lang}/{symbol}", "HTTP://example.org/{symbol}",
                                      "../documents/{symbol}.pdf", "/un/{lang}/{symbol}"])
def test_url_templates_may_be_http_or_relative(tmp_path: Path, template: str) -> None:
    write(tmp_path, f'[urls]\ndocument = "{template}"\n')
    assert load_config(tmp_path).urls.document == template


def test_quote_style_is_checked(tmp_path: Path) -> None:
    write(tmp_path, '[[editions]]\ntag = "zh-Hans"\nlabel = "x"\nquotes = "angled"\n')
    with pytest.raises(DocpubError, match="'quotes' must be one of curly, corner") as info:
        load_config(tmp_path)
    assert info.value.problem.line == 4


def test_unknown_opencc_config_names_the_line(tmp_path: Path) -> None:
    from docpub.transforms.editions import converter_for

    write(tmp_path, '[site]\nsource_lang = "zh-Hans"\n\n[[editions]]\ntag = "zh-Hans"\nlabel = "x"\n\n'
                    '[[editions]]\ntag = "zh-Hant"\nlabel = "y"\nopencc = "s2tx"\n')
    config = load_config(tmp_path)
    with pytest.raises(DocpubError, match="unknown OpenCC config 's2tx'") as info:
        converter_for(config.edition("zh-Hant"), tmp_path)
    assert info.value.problem.line == 11


@pytest.mark.parametrize("key, template, reason", [
    ("document", "https://x.org/{lang}/{page}/{symbol}", "unknown field '{page}'"),
    ("document", "https://x.org/{0}/{symbol}", "unknown field '{0}'"),
    ("document", "https://x.org/{}/{symbol}", "unknown field '{}'"),
    ("document", "https://x.org/{lang.upper}/{symbol}", "unknown field '{lang.upper}'"),
    ("document", "https://x.org/{symbol.__class__}", "unknown field"),
    ("document", "https://x.org/{symbol[0]}", "unknown field"),
    ("document", "https://x.org/{symbol!r}", "no format or conversion"),
    ("document", "https://x.org/{symbol:>999999}", "no format or conversion"),
    ("document", "https://x.org/{symbol", "brace"),
    ("document", "https://x.org/}{symbol}", "brace"),
    ("document", "https://x.org/{lang}", "must contain {symbol}"),
    ("press_release", "https://x.org/{year}/{symbol}", "unknown field '{symbol}'"),
    ("press_release", "https://x.org/{year}", "must contain {number}"),
])
def test_url_templates_are_checked_when_the_config_loads(tmp_path: Path, key: str, template: str,
                                                         reason: str) -> None:
    problem = refused(tmp_path, f'[site]\ntitle = "x"\n\n[urls]\n{key} = "{template}"\n')
    assert problem.line == 5
    assert f"urls.{key}: " in problem.reason and reason in problem.reason


def test_braces_written_twice_are_text(tmp_path: Path) -> None:
    write(tmp_path, '[urls]\ndocument = "https://x.org/{{x}}/{symbol}"\n')
    assert load_config(tmp_path).urls.document == "https://x.org/{{x}}/{symbol}"


@pytest.mark.parametrize("key", ["recent", "max_cited", "max_content_kib", "max_image_kib"])
@pytest.mark.parametrize("value", ["0", "-3", '"20"', "true", "2.5"])
def test_counts_and_limits_must_be_positive_whole_numbers(tmp_path: Path, key: str, value: str) -> None:
    problem = refused(tmp_path, f'[site]\ntitle = "x"\n{key} = {value}\n')
    assert problem.file.endswith("docpub.toml") and problem.line == 3
    assert f"'site.{key}' must be a positive whole number" in problem.reason


def test_the_count_of_newest_documents_defaults_to_twenty(tmp_path: Path) -> None:
    assert load_config(tmp_path).recent == 20
    assert load_config(write(tmp_path, "[site]\nrecent = 5\n")).recent == 5


def test_the_documents_a_file_may_cite_default_to_two_thousand(tmp_path: Path) -> None:
    assert load_config(tmp_path).max_cited == 2000
    assert load_config(write(tmp_path, "[site]\nmax_cited = 300\n")).max_cited == 300


@pytest.mark.parametrize("key", ["content_dir", "templates_dir"])
@pytest.mark.parametrize("value", ["/etc", "../other-site/content", "content/../../x", "a/..", ".", "./", ""])
def test_the_sites_own_folders_must_be_in_it(tmp_path: Path, key: str, value: str) -> None:
    problem = refused(tmp_path, f'[site]\ntitle = "x"\n{key} = "{value}"\n')
    assert problem.file.endswith("docpub.toml") and problem.line == 3
    assert problem.reason == (f"'site.{key}' must be a folder in the site, named from it "
                              f"(such as '{key.removesuffix('_dir')}'), not '{value}'")


@pytest.mark.parametrize("value", ["docs/content", "./docs/content", "docs/./content"])
def test_a_content_folder_deeper_in_the_site_is_fine(tmp_path: Path, value: str) -> None:
    config = load_config(write(tmp_path, f'[site]\ncontent_dir = "{value}"\n'))
    assert config.content_path.resolve() == (tmp_path / "docs" / "content").resolve()


def test_content_and_templates_outside_the_site_are_never_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A docpub.toml naming a folder outside the site as its content or its theme (another
    site's drafts, a shared folder) is one error at its line; nothing is listed, read or
    published from there."""
    from docpub.cli import main
    from sitekit import MINIMAL, make_site

    site = make_site(tmp_path / "site", {"mine": MINIMAL})
    outside = tmp_path / "elsewhere"
    (outside / "secret").mkdir(parents=True)
    (outside / "secret" / "zh-Hans.md").write_text(MINIMAL.replace("测试", "机密草稿"), encoding="utf-8")
    (outside / "static").mkdir()
    (outside / "static" / "site.css").write_text("body { color: red }\n", encoding="utf-8")
    config = (site / "docpub.toml").read_text(encoding="utf-8")
    for key in ("content_dir", "templates_dir"):
        (site / "docpub.toml").write_text(config.replace("[site]\n", f'[site]\n{key} = "../elsewhere"\n', 1),
                                          encoding="utf-8")
        assert main(["build", str(site), "--no-pdf", "--no-search"]) == 1
        err = capsys.readouterr().err
        assert err == (f"docpub: {site / 'docpub.toml'}:{_line(site, key)}: error: 'site.{key}' must be a folder "
                       f"in the site, named from it (such as '{key.removesuffix('_dir')}'), not '../elsewhere'\n")
        assert not (site / "build").exists()
        assert main(["check", str(site)]) == 1
        capsys.readouterr()


def _line(site: Path, key: str) -> int:
    lines = (site / "docpub.toml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(key))
