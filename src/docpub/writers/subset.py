"""Font subsetting in one HarfBuzz pass, with every glyph at its own id.

WeasyPrint subsets each embedded font twice: once keeping the glyph ids (the page streams
name glyphs by id), then again keeping glyphs 0 to the highest used, to drop the empty ones
after it. HarfBuzz's first pass already ends at the highest glyph kept, so for the CJK
faces the second pass drops nothing and costs as much as the first: a Noto CJK face has
65,535 glyphs and both passes write tables of ~63,000 entries. The second pass also
renumbers what it keeps; one pass leaves every glyph at the id the page names it by.

While ``one_pass_subsetting`` is active, WeasyPrint's HarfBuzz subsetting is the first pass
alone, with the flags of the second (hinting dropped unless asked for). Should that pass fail,
or HarfBuzz's subsetter be missing, WeasyPrint's own path runs (and gives its warning).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docpub.writers import libraries  # noqa: F401  WeasyPrint's libraries opened by soname (see there)

# isort: split
from weasyprint.pdf import fonts
from weasyprint.text.ffi import ffi, harfbuzz

# The tables WeasyPrint drops from every embedded font (weasyprint/pdf/fonts.py).
_DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


@contextmanager
def one_pass_subsetting() -> Iterator[None]:
    """Within the block, WeasyPrint subsets each font in one pass (see the module)."""
    original = fonts.Font._harfbuzz_subset
    if fonts.harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        yield  # WeasyPrint subsets with fontTools: nothing of this applies
        return

    def subset(font: Any, to_unicode: Any, hinting: bool) -> None:
        data = _subset(font, sorted(to_unicode), hinting)
        if data:
            font.file_content = data
        else:
            original(font, to_unicode, hinting)

    fonts.Font._harfbuzz_subset = subset
    try:
        yield
    finally:
        fonts.Font._harfbuzz_subset = original


def _subset(font: Any, glyphs: list[int], hinting: bool) -> bytes | None:
    """``font``'s file with only ``glyphs``, each at its own id (None if HarfBuzz fails)."""
    hb = fonts.harfbuzz_subset
    request = ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
    if request == ffi.NULL:
        return None
    harfbuzz.hb_set_add_sorted_array(
        hb.hb_subset_input_glyph_set(request), ffi.new("hb_codepoint_t[]", glyphs), len(glyphs))
    flags = (hb.HB_SUBSET_FLAGS_RETAIN_GIDS | hb.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
             | hb.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:
        flags |= hb.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= hb.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hb.hb_subset_input_set_flags(request, flags)
    tags = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED)
    harfbuzz.hb_set_add_sorted_array(
        hb.hb_subset_input_set(request, hb.HB_SUBSET_SETS_DROP_TABLE_TAG), ffi.new("hb_codepoint_t[]", tags),
        len(tags))
    face = hb.hb_subset_or_fail(font.hb_face, request)
    if face == ffi.NULL:
        return None
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    data: bytes | None = fonts.get_hb_object_data(face)
    return data or None
