"""Every page of the built site is well-formed HTML5 with unique ids."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import html5lib
import pytest

from docpub.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("valid") / "site"
    assert main(["build", str(REPO), "--out", str(out), "--no-pdf"]) == 0
    return sorted(out.rglob("*.html"))


def test_pages_parse_without_a_single_html5_error(pages: list[Path]) -> None:
    parser = html5lib.HTMLParser(strict=True)
    assert len(pages) >= 15
    for page in pages:
        parser.parse(page.read_text(encoding="utf-8"))  # raises on any parse error


def test_ids_are_unique_on_every_page(pages: list[Path]) -> None:
    for page in pages:
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        duplicates = [i for i, n in collections.Counter(ids).items() if n > 1]
        assert not duplicates, f"{page}: {duplicates}"


def test_pages_declare_charset_viewport_and_language(pages: list[Path]) -> None:
    for page in pages:
        head = page.read_text(encoding="utf-8")[:600]
        assert head.startswith("<!DOCTYPE html>")
        assert '<meta charset="utf-8">' in head and 'name="viewport"' in head
        assert re.search(r'<html lang="zh-Han[st][-A-Z]*">', head)
