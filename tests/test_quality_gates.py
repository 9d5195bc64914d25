"""Quality gates over the built site: 0 Nu Html Checker errors on every page, 0 axe-core
violations on every page type at 360 and 1280 px. ``make test`` installs the tools."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium import webdriver

from browser import AXE_JS, VNU_JAR, missing_tools, serve_folder
from docpub.cli import main
from docpub.config import load_config
from gates import axe_violations, one_page_per_type, vnu_errors

REPO = Path(__file__).resolve().parents[1]

# A page with mistakes each gate must report: a stray end tag (Nu) and an image without text (axe).
FLAWED = """<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>有错的页面</title></head>
<body><main><h1>有错的页面</h1><p>段落</span></p><img src="x.png"></main></body></html>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = missing_tools(VNU_JAR, AXE_JS)
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run 'make test-setup'")
    out = tmp_path_factory.mktemp("gates") / "site"
    assert main(["build", str(REPO), "--out", str(out), "--no-pdf"]) == 0
    (out.parent / "flawed").mkdir()
    (out.parent / "flawed" / "flawed.html").write_text(FLAWED, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def new_site(site: Path) -> Path:
    """The site ``docpub new`` creates, built: the pages a new user sees first."""
    root = site.parent / "new"
    assert main(["new", str(root)]) == 0
    assert main(["build", str(root), "--no-pdf"]) == 0
    return root / "build" / "site"


@pytest.fixture(scope="module")
def nu_report(site: Path, new_site: Path) -> dict[Path, list[str]]:
    """One run of the checker over every built page of both sites and the flawed sample."""
    pages = [*sorted(site.rglob("*.html")), *sorted(new_site.rglob("*.html"))]
    return vnu_errors([*pages, site.parent / "flawed" / "flawed.html"])


def test_every_page_has_no_nu_html_checker_error(site: Path, nu_report: dict[Path, list[str]]) -> None:
    pages = sorted(p.resolve() for p in site.rglob("*.html"))
    assert len(pages) >= 15
    errors = [line for page in pages for line in nu_report.get(page, [])]
    assert not errors, "\n".join(errors)


def test_the_new_sites_pages_have_no_nu_html_checker_error(new_site: Path, nu_report: dict[Path, list[str]]) -> None:
    pages = sorted(p.resolve() for p in new_site.rglob("*.html"))
    assert len(pages) >= 15
    errors = [line for page in pages for line in nu_report.get(page, [])]
    assert not errors, "\n".join(errors)


def test_the_nu_gate_names_the_page_line_and_message(site: Path, nu_report: dict[Path, list[str]]) -> None:
    flawed = (site.parent / "flawed" / "flawed.html").resolve()
    assert any(line.startswith(f"{flawed}:3: error:") and "span" in line for line in nu_report[flawed])


def test_every_page_type_has_no_axe_violation(site: Path, browser: webdriver.Chrome) -> None:
    editions = [e.tag for e in load_config(REPO).editions]
    pages = one_page_per_type(site, editions)
    # home, edition home, document, citations, and the Traditional editions' parallel and review;
    # a year's page and a cited document's page, in the source edition and a derived one
    assert len(pages) >= 7, sorted(pages)
    for folder in ("archive", "citations"):
        for edition in ("source", "derived"):
            assert ("<edition>", folder, "<item>.html", edition) in pages, sorted(pages)
    with serve_folder(site) as base:
        violations = [line for page in pages.values()
                      for line in axe_violations(browser, base + page.relative_to(site).as_posix())]
    assert not violations, "\n".join(violations)


def test_the_axe_gate_names_the_page_and_the_rule(site: Path, browser: webdriver.Chrome) -> None:
    with serve_folder(site.parent / "flawed") as base:
        violations = axe_violations(browser, base + "flawed.html", widths=(360,))
    assert any(line.startswith(f"{base}flawed.html at 360px: image-alt ") for line in violations), violations
