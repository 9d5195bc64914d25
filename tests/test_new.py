"""``docpub new DIR`` creates a site that checks and builds as it is."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from docpub.cli import main
from docpub.config import load_config
from docpub.content import load_documents
from docpub.newsite import GLOSSARIES
from sitekit import REPO


def test_a_new_site_checks_and_builds_with_pdfs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "my-site"
    assert main(["new", str(site)]) == 0
    out = capsys.readouterr().out
    assert "docpub build" in out and "docpub serve" in out
    glossaries = [f"content/glossary/{p.name}" for p in (REPO / "content" / "glossary").iterdir()]
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == sorted(
        [*glossaries, "content/sample-letter/zh-Hans.md", "docpub.toml", ".gitignore"])
    assert ".gitignore" in out
    assert main(["check", str(site), "--strict"]) == 0
    assert main(["build", str(site)]) == 0
    built = site / "build" / "site"
    for tag in ("zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK"):
        assert (built / tag / "sample-letter" / "sample-letter.pdf").read_bytes().startswith(b"%PDF")
    page = (built / "zh-Hant-TW" / "sample-letter" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://undocs.org/zh/S/RES/2532(2020)"' in page and "示例國" in page


def test_the_sample_shows_a_letter_with_signature_annex_and_citations(tmp_path: Path) -> None:
    site = tmp_path / "s"
    assert main(["new", str(site)]) == 0
    (doc,) = load_documents(load_config(site))
    assert doc.annex is not None and doc.annex.sections
    assert doc.meta.title_en and doc.meta.letter_date and not doc.meta.symbol  # no guessed symbol
    text = (site / "content" / "sample-letter" / "zh-Hans.md").read_text(encoding="utf-8")
    assert "::: signature" in text and "{#introduction}" in text
    assert main(["model", str(site / "content" / "sample-letter" / "zh-Hans.md")]) == 0


def test_new_site_has_the_projects_editions_and_glossaries(tmp_path: Path) -> None:
    site = tmp_path / "s"
    assert main(["new", str(site)]) == 0
    ours = tomllib.loads((REPO / "docpub.toml").read_text(encoding="utf-8"))
    new = tomllib.loads((site / "docpub.toml").read_text(encoding="utf-8"))
    assert new["editions"] == ours["editions"] and new["urls"] == ours["urls"]
    assert (site / "docpub.toml").read_text(encoding="utf-8").count("\n#") >= 5  # commented
    for path in (REPO / "content" / "glossary").iterdir():
        assert (site / "content" / "glossary" / path.name).read_bytes() == path.read_bytes()


def test_the_glossaries_have_one_home_in_the_repository() -> None:
    # The package reaches the project's glossaries through a link, not a second copy.
    assert GLOSSARIES.is_symlink() and GLOSSARIES.resolve() == (REPO / "content" / "glossary").resolve()


@pytest.mark.parametrize("kind", ["file", "non-empty folder"])
def test_new_refuses_what_is_there(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    target = tmp_path / "taken"
    if kind == "file":
        target.write_text("mine\n", encoding="utf-8")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["new", str(target)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"docpub: {target}: error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # nothing left beside it
    if kind == "file":
        assert target.read_text(encoding="utf-8") == "mine\n"
    else:
        assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_new_fills_an_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert main(["new", str(target)]) == 0
    assert (target / "docpub.toml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


@pytest.mark.parametrize(("where", "reason"), [
    ("afile/site", "cannot create the site: {tmp}/afile is a file, not a folder"),
    ("afile/more/site", "cannot create the site in {tmp}/afile/more: Not a directory"),
    ("locked/site", "cannot create the site in {tmp}/locked: Permission denied"),
    ("n" * 300, "cannot create the site: File name too long"),
])
def test_new_where_no_site_can_be_made_is_one_line_naming_the_folder_asked_for(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        where: str, reason: str) -> None:
    """The error names the folder given and why, never a temporary name docpub chose."""
    import os
    import tempfile

    (tmp_path / "afile").write_text("mine\n", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    if where.startswith("locked"):  # (a folder not writable: root writes anywhere, so it is made to fail)
        def refused(*args: object, **kwargs: object) -> str:
            raise PermissionError(13, os.strerror(13), str(tmp_path / "locked" / ".site.new-x"))
        monkeypatch.setattr(tempfile, "mkdtemp", refused)
    assert main(["new", str(tmp_path / where)]) == 1
    err = capsys.readouterr().err
    assert err == f"docpub: {tmp_path / where}: error: {reason.format(tmp=tmp_path)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "locked"]
    assert not any((tmp_path / "locked").iterdir())


def test_new_takes_a_name_as_long_as_the_system_allows(tmp_path: Path) -> None:
    """The site is written beside the folder under a temporary name, then renamed: a name near
    the system's limit of 255 bytes still makes a site."""
    target = tmp_path / ("s" * 250)
    assert main(["new", str(target)]) == 0
    assert (target / "docpub.toml").is_file() and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_new_sites_repository_leaves_out_what_docpub_writes(tmp_path: Path) -> None:
    """build/ holds the site, its cache and the folders of serve and check (hundreds of megabytes
    for an archive): a new site committed whole after its first build took all of it along."""
    import shutil
    import subprocess

    git = shutil.which("git")
    assert git, "git is needed (the repository is a git checkout)"
    site = tmp_path / "s"
    assert main(["new", str(site)]) == 0
    assert main(["build", str(site), "--no-pdf"]) == 0
    assert main(["check", str(site)]) == 0
    subprocess.run([git, "init", "-q", str(site)], check=True)
    listed = subprocess.run([git, "-C", str(site), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert listed and all("build/" not in line for line in listed), listed
    assert any(line.endswith("docpub.toml") for line in listed) and any(".gitignore" in line for line in listed)
