"""Rebuilds reuse unchanged PDFs, byte for byte, and lay out again whatever changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from docpub.cli import main
from docpub.writers import pdf
from sitekit import MINIMAL, make_site, override


def pdf_bytes(out: Path, doc: str = "test-doc", tag: str = "zh-Hans") -> bytes:
    return (out / tag / doc / f"{doc}.pdf").read_bytes()


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The print HTML of every PDF laid out from now on."""
    rendered: list[str] = []
    real = pdf.html_to_pdf

    def counting(html: str, **kwargs: object) -> bytes:
        rendered.append(html)
        return real(html, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return rendered


def test_rebuild_reuses_unchanged_pdfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path / "s")
    out = tmp_path / "build" / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    first = pdf_bytes(out)

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("an unchanged PDF was laid out again")

    monkeypatch.setattr(pdf, "html_to_pdf", refuse)
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0  # in this process, patched
    assert pdf_bytes(out) == first


def test_changed_text_or_style_is_laid_out_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path / "s")
    out = tmp_path / "build" / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    rendered = count_layouts(monkeypatch)
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0  # in this process, patched
    assert len(rendered) == 4  # the one document, in each of the four editions
    css = override(site, "static/print.css")
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    assert len(rendered) == 8


def test_cache_hit_equals_a_fresh_render(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    cached, fresh = tmp_path / "a" / "site", tmp_path / "b" / "site"
    assert main(["build", str(site), "--out", str(cached)]) == 0
    assert main(["build", str(site), "--out", str(cached)]) == 0
    assert main(["build", str(site), "--out", str(fresh), "--no-cache"]) == 0
    for tag in ("zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK"):
        assert pdf_bytes(cached, tag=tag) == pdf_bytes(fresh, tag=tag)
    assert not (tmp_path / "b" / ".docpub-cache").exists()


def test_cache_keeps_only_what_the_last_build_used(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    out = tmp_path / "build" / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    doc = site / "content" / "test-doc" / "zh-Hans.md"
    doc.write_text(MINIMAL.replace("通过了", "一致通过了"), encoding="utf-8")
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    # The site the last build replaced is kept in the cache, as links to entries still in use:
    # the disk holds the four PDFs of the last build, and no other.
    cache = tmp_path / "build" / ".docpub-cache"
    kept = {p.stat().st_ino for p in cache.rglob("*.pdf")}
    assert len(kept) == 4
    assert kept == {p.stat().st_ino for p in out.rglob("*.pdf")}


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty"])
def test_a_damaged_cache_entry_is_laid_out_again_never_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str,
) -> None:
    site = make_site(tmp_path / "s")
    out = tmp_path / "build" / "site"
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    good = pdf_bytes(out)
    entries = sorted((tmp_path / "build" / ".docpub-cache").rglob("*.pdf"))
    assert len(entries) == 4
    for entry in entries:
        data = entry.read_bytes()
        if damage == "truncate":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "flip":
            entry.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
        else:
            entry.write_bytes(b"")
    rendered = count_layouts(monkeypatch)
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    assert len(rendered) == 4  # every damaged entry was laid out again
    assert pdf_bytes(out) == good
    rendered.clear()
    assert main(["build", str(site), "--out", str(out), "-j", "1"]) == 0
    assert rendered == []  # the repaired entries are used again
    assert pdf_bytes(out) == good
