"""Contents page numbers filled in after layout (writers/pageref.py) are what WeasyPrint's own
target-counter() gives, in one layout of each page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from docpub.templating import default_theme
from docpub.writers import pageref
from docpub.writers.pdf import lay_out, write_pdf

REPO = Path(__file__).resolve().parents[1]
THEME = default_theme()

# What the default style sheet gave before: WeasyPrint fills the number in itself.
TARGET_COUNTER = '.toc a.page-ref::after { content: leader("…") target-counter(attr(href url), page); }'


def _html(sections: int, *, extra_css: str = "", missing: bool = True) -> str:
    entries = "".join(f'<li class="toc-level2"><a class="page-ref" href="#s{i}">第{i}节 标题</a></li>'
                      for i in range(sections))
    if missing:  # a link whose target is nowhere: no number
        entries += '<li class="toc-level2"><a class="page-ref" href="#nowhere">不存在的一节</a></li>'
    # A long title that wraps: its number stays on its last line.
    entries += ('<li class="toc-level3"><a class="page-ref" href="#s1">' + "很长的标题" * 12 + "</a></li>")
    text = "安全理事会审议了这个问题。"
    body = "".join(f'<h2 id="s{i}">第{i}节 标题</h2><p>{text * (20 + 9 * (i % 4))}</p>' for i in range(sections))
    return ('<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
            '<link rel="stylesheet" href="static/print.css">'
            "<style>html { font-family: 'Noto Serif CJK SC'; } " + extra_css + "</style></head>"
            f'<body><nav class="toc"><ul>{entries}</ul></nav>{body}</body></html>')


def _pdf(html: str) -> bytes:
    return write_pdf(lay_out(html, theme=THEME, site_root=REPO))


def _pages_text(data: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    count = len(PdfReader(io.BytesIO(data)).pages)
    # Each word with its box, to a hundredth of a point: where the numbers and leaders are drawn.
    return [subprocess.run(["pdftotext", "-bbox", "-f", str(n), "-l", str(n), str(path), "-"],
                           check=True, capture_output=True, text=True).stdout for n in range(1, count + 1)]


@pytest.mark.weasyprint_warnings  # the link to "#nowhere": no anchor, said by both
@pytest.mark.parametrize("sections", [4, 30])
def test_filled_numbers_are_laid_out_as_target_counter_lays_them_out(tmp_path: Path, sections: int) -> None:
    ours = _pages_text(_pdf(_html(sections)), tmp_path, "ours.pdf")
    theirs = _pages_text(_pdf(_html(sections, extra_css=TARGET_COUNTER)), tmp_path, "theirs.pdf")
    assert ours == theirs
    if sections == 30:
        assert len(ours) >= 12  # two-digit page numbers among the entries
        assert any(line.endswith((">10</word>", ">11</word>", ">12</word>")) for line in ours[0].splitlines())
    assert "000" not in "".join(ours)


def test_a_contents_page_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.layout.page as page_layout

    made: list[int] = []
    original = page_layout.remake_page

    def remake_page(index, *args):  # type: ignore[no-untyped-def]
        made.append(index)
        return original(index, *args)

    monkeypatch.setattr(page_layout, "remake_page", remake_page)
    document = lay_out(_html(30, missing=False), theme=THEME, site_root=REPO)
    assert sorted(made) == list(range(len(document.pages)))
    made.clear()
    lay_out(_html(30, extra_css=TARGET_COUNTER, missing=False), theme=THEME, site_root=REPO)
    assert made.count(0) > 1  # what filling the numbers in saves


def _numbers(html: str) -> list[str]:
    """The text after each contents entry's leader, in order."""
    document = lay_out(html, theme=THEME, site_root=REPO)
    return [box.children[-1].text if box.children and hasattr(box.children[-1], "text") else ""
            for page in document.pages for box in page._page_box.descendants()
            if pageref._is_page_ref(box)]


def test_a_link_to_another_document_gets_no_number() -> None:
    html = _html(3, missing=False).replace('href="#s2"', 'href="other.html#s2"', 1)
    numbers = _numbers(html)
    assert numbers[2] == "" and "000" not in numbers
    assert numbers[:2] == ["1", "1"]


def test_a_style_sheet_that_keeps_target_counter_is_left_to_weasyprint() -> None:
    assert _numbers(_html(30, extra_css=TARGET_COUNTER, missing=False)) == _numbers(_html(30, missing=False))


def test_a_site_template_with_plain_contents_links_still_gets_numbers() -> None:
    plain = _html(30, missing=False).replace(' class="page-ref"', "")
    document = lay_out(plain, theme=THEME, site_root=REPO)
    numbers = [box.children[-1].text for page in document.pages for box in page._page_box.descendants()
               if (getattr(box, "element_tag", None) or "") == "a::after" and not box.is_leader
               and box.children and hasattr(box.children[-1], "text")]
    assert numbers == _numbers(_html(30, missing=False))
