"""The default theme ships in the package; a site's templates/ overrides it file by file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docpub.cli import main
from docpub.config import load_config
from docpub.newsite import PACKAGE, starter_files
from docpub.templating import DEFAULT_THEME, Theme, template_error
from docpub.writers.pdf import base_url, site_url_fetcher
from sitekit import REPO, make_site, override


def build(site: Path, out: Path, *extra: str) -> None:
    assert main(["build", str(site), "--out", str(out), *extra]) == 0


def test_a_site_needs_only_its_config_and_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    assert not (site / "templates").exists()
    assert main(["check", str(site), "--strict"]) == 0
    assert "no problems found" in capsys.readouterr().out
    out = tmp_path / "out"
    build(site, out)
    page = (out / "zh-Hant-TW" / "test-doc" / "index.html").read_text(encoding="utf-8")
    assert "第2512(2020)號決議" in page
    assert (out / "static" / "site.css").read_bytes() == (DEFAULT_THEME / "static" / "site.css").read_bytes()
    assert (out / "zh-Hans" / "test-doc" / "test-doc.pdf").read_bytes().startswith(b"%PDF")


def test_theme_files_reached_through_links_in_the_site_are_used(tmp_path: Path) -> None:
    """Links in the site's theme folder are followed where they stay in the site (the folder
    itself, a template, a static file); one leading elsewhere is an error (see the fault table)."""
    site = make_site(tmp_path / "s")
    shared = site / "shared-theme"
    (shared / "static").mkdir(parents=True)
    (shared / "static" / "extra.css").write_text("p { color: teal }\n", encoding="utf-8")
    page = shared / "404.html.j2"
    page.write_text("<!DOCTYPE html>\n<p>not here</p>\n<!-- shared 404 -->\n", encoding="utf-8")
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "extra.css").symlink_to(shared / "static" / "extra.css")
    (site / "templates" / "404.html.j2").symlink_to(page)
    out = tmp_path / "out"
    build(site, out, "--no-pdf")
    assert (out / "static" / "extra.css").read_text(encoding="utf-8") == "p { color: teal }\n"
    assert "<!-- shared 404 -->" in (out / "404.html").read_text(encoding="utf-8")
    shutil.rmtree(site / "templates")
    (site / "templates").symlink_to(shared, target_is_directory=True)  # the whole folder, in the site
    build(site, out, "--no-pdf")
    assert "<!-- shared 404 -->" in (out / "404.html").read_text(encoding="utf-8")


def test_one_template_overrides_the_default_of_its_name(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    index = override(site, "index.html.j2")
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("{% block main %}", "{% block main %}<p>本站自有首页</p>"), encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, "--no-pdf")
    assert "本站自有首页" in (out / "index.html").read_text(encoding="utf-8")
    assert "本站自有首页" in (out / "zh-Hant" / "index.html").read_text(encoding="utf-8")
    document = (out / "zh-Hans" / "test-doc" / "index.html").read_text(encoding="utf-8")
    assert "本站自有首页" not in document and "第2512(2020)号决议" in document


def test_a_site_template_can_extend_the_default_base(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "templates").mkdir()
    (site / "templates" / "citations.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block main %}<p>引用另见</p>{% endblock %}\n', encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, "--no-pdf")
    page = (out / "zh-Hans" / "test-doc" / "citations.html").read_text(encoding="utf-8")
    assert "<p>引用另见</p>" in page and 'href="../../static/site.css"' in page


def test_static_files_merge_by_name_the_sites_first(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "site.css").write_text("body { color: black }\n", encoding="utf-8")
    (site / "templates" / "static" / "logo.svg").write_text("<svg/>\n", encoding="utf-8")
    (site / "templates" / "README.md").write_text("notes, not a template\n", encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, "--no-pdf")
    assert (out / "static" / "site.css").read_text(encoding="utf-8") == "body { color: black }\n"
    assert (out / "static" / "logo.svg").is_file()
    assert (out / "static" / "print.css").read_bytes() == (DEFAULT_THEME / "static" / "print.css").read_bytes()
    assert not list(out.rglob("README.md"))
    assert main(["check", str(site), "--strict"]) == 0


def test_labels_come_from_the_site_when_it_has_them(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    labels = override(site, "labels.toml")
    text = labels.read_text(encoding="utf-8")
    key, _, value = next(line for line in text.splitlines() if line.startswith("parallel")).partition("=")
    labels.write_text(text.replace(f"{key}={value}", f'{key}= "两种字体对照"'), encoding="utf-8")
    out = tmp_path / "out"
    build(site, out, "--no-pdf")
    assert "兩種字體對照" in (out / "zh-Hant" / "test-doc" / "index.html").read_text(encoding="utf-8")


def test_the_pdf_style_sheet_is_looked_up_like_the_templates(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    theme = load_config(site).theme
    fetch = site_url_fetcher(site, theme)
    css = base_url(theme) + "static/print.css"
    assert fetch(css).read() == (DEFAULT_THEME / "static" / "print.css").read_bytes()
    override(site, "static/print.css").write_text("@page { size: A5 }\n", encoding="utf-8")
    assert fetch(css).read() == b"@page { size: A5 }\n"
    out = tmp_path / "out"
    build(site, out)
    from pypdf import PdfReader

    page = PdfReader(out / "zh-Hans" / "test-doc" / "test-doc.pdf").pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 148  # A5, not the default A4


def test_a_theme_file_missing_everywhere_is_named_in_the_site(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    fetch = site_url_fetcher(site, load_config(site).theme)
    from docpub.errors import DocpubError

    with pytest.raises(DocpubError, match="not found"):
        fetch(base_url(load_config(site).theme) + "static/nothing.css")
    with pytest.raises(DocpubError, match="outside the site"):
        fetch(base_url(load_config(site).theme) + "../../etc/passwd")


def test_an_error_names_the_file_actually_used(tmp_path: Path) -> None:
    site_folder, default = tmp_path / "site-templates", tmp_path / "theme"
    default.mkdir()
    (default / "page.html.j2").write_text("<p>\n{{ missing.attr }}\n</p>\n", encoding="utf-8")
    theme = Theme((site_folder, default))
    import jinja2

    env = jinja2.Environment(loader=theme.loader(), undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.TemplateError) as info:
        env.get_template("page.html.j2").render()
    error = template_error(info.value, theme)
    assert (error.problem.file, error.problem.line) == (str(default / "page.html.j2"), 2)
    site_folder.mkdir()
    (site_folder / "page.html.j2").write_text("{% if %}\n", encoding="utf-8")
    env = jinja2.Environment(loader=theme.loader())
    with pytest.raises(jinja2.TemplateError) as info:
        env.get_template("page.html.j2")
    error = template_error(info.value, theme)
    assert (error.problem.file, error.problem.line) == (str(site_folder / "page.html.j2"), 1)


def test_the_repository_site_keeps_only_notes_in_its_templates_folder() -> None:
    assert sorted(p.name for p in (REPO / "templates").iterdir()) == ["README.md"]
    assert not list(REPO.glob("templates/**/*.j2"))


def test_a_built_wheel_ships_the_theme_and_the_new_sites_files(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the repository
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", symlinks=True,
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    shutil.copytree(REPO / "content" / "glossary", source / "content" / "glossary")  # the package links to it
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                    str(source)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("docpub-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {f"docpub/theme/{p.relative_to(DEFAULT_THEME).as_posix()}"
             for p in DEFAULT_THEME.rglob("*") if p.is_file()}
    assert theme and theme <= names
    starter = {f"docpub/{p.relative_to(PACKAGE).as_posix()}" for p in starter_files().values()}
    assert len(starter) >= 6 and starter <= names


def test_an_override_added_later_replaces_a_cached_default(tmp_path: Path) -> None:
    site_folder, default = tmp_path / "site-templates", tmp_path / "theme"
    default.mkdir()
    (default / "page.html.j2").write_text("default\n", encoding="utf-8")
    import jinja2

    env = jinja2.Environment(loader=Theme((site_folder, default)).loader())
    assert env.get_template("page.html.j2").render() == "default"
    site_folder.mkdir()
    (site_folder / "page.html.j2").write_text("own\n", encoding="utf-8")
    assert env.get_template("page.html.j2").render() == "own"
