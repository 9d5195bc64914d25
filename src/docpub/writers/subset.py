"""Font subsetting in one HarfBuzz pass; a CID-keyed face embedded as its glyphs alone.

WeasyPrint subsets each embedded font twice: once keeping the glyph ids (the page streams
name glyphs by id), then again keeping glyphs 0 to the highest used, to drop the empty ones
after it. HarfBuzz's first pass already ends at the highest glyph kept, so for the CJK
faces the second pass drops nothing and costs as much as the first: a Noto CJK face has
65,535 glyphs and both passes write tables of ~63,000 entries. The second pass also
renumbers what it keeps; one pass leaves every glyph at the id the page names it by.

While ``one_pass_subsetting`` is active, WeasyPrint's HarfBuzz subsetting is the first pass
alone, with the flags of the second (hinting dropped unless asked for). Should that pass fail,
or HarfBuzz's subsetter be missing, WeasyPrint's own path runs (and gives its warning).

CID-keyed faces. Keeping every glyph at its id still writes a slot for each of the 65,535
glyphs (offsets, widths, vertical metrics: about 1 MB a face before compression, most of a
PDF's bytes). The Noto CJK faces are CID-keyed CFF fonts whose CIDs are their glyph ids, and
a PDF can embed such a font's CFF program by itself (``FontFile3``, subtype
``CIDFontType0C``): a viewer then finds a glyph by its CID through the program's charset, not
by its position. So when a face's CFF table is CID-keyed and every glyph's CID is its id, the
subset keeps only the glyphs used, each under its own CID, and the PDF embeds that CFF table:
the page streams, widths (``/W``) and ToUnicode map name the same CIDs as before. A PDF of the
repository's site is about half the size (538 KB to 246 KB), and its fonts are subset and
compressed in half the time. Any other font (TrueType outlines, name-keyed or variable CFF, colour glyphs, a face
missing a character) is subset keeping its glyph ids, as above.

A font's whole file. WeasyPrint copies each embedded face's whole file into memory when the
page first uses it (``Font.file_content``: a Noto CJK collection is 20 to 26 MB, two a PDF),
then replaces it by the subset; HarfBuzz subsets from the face itself. While the block is
active, a font made in it reads its whole file only if something asks for it before the subset
replaces it (WeasyPrint's other paths: a font not subset, an emoji or variable font).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docpub.writers import libraries  # noqa: F401  WeasyPrint's libraries opened by soname (see there)

# isort: split
import pydyf
import weasyprint.pdf
from weasyprint.pdf import fonts
from weasyprint.text.ffi import ffi, harfbuzz

# The tables WeasyPrint drops from every embedded font (weasyprint/pdf/fonts.py).
_DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
# Set on a Font whose file is a bare CID-keyed CFF program (see the module).
_BARE_CFF = "_docpub_bare_cff"
# Where a Font keeps its file (``file_content``): None until read, for a font made in the block.
_FILE = "_docpub_file"


def _file_content(font: Any) -> bytes:
    data: bytes | None = font.__dict__.get(_FILE)
    if data is None:  # made in the block and not read yet: the face's whole file, now
        data = font.__dict__[_FILE] = fonts.get_hb_object_data(font.hb_face)
    return data


def _set_file_content(font: Any, data: bytes | None) -> None:
    font.__dict__[_FILE] = data


def _whole_file_deferred(original_init: Any) -> Any:
    """``Font.__init__`` leaving the face's whole file unread (``file_content`` None)."""
    def init(font: Any, *args: Any, **kwargs: Any) -> None:
        read = fonts.get_hb_object_data
        # The one call for a whole face (no colour glyph asked for) is the file's copy.
        fonts.get_hb_object_data = lambda hb_object, ot_color=None, glyph=None: (
            None if ot_color is None else read(hb_object, ot_color, glyph))
        try:
            original_init(font, *args, **kwargs)
        finally:
            fonts.get_hb_object_data = read
    return init


@contextmanager
def one_pass_subsetting() -> Iterator[None]:
    """Within the block, WeasyPrint subsets each font in one pass, and embeds a CID-keyed CFF
    face as the CFF program of its glyphs alone (see the module)."""
    original = fonts.Font._harfbuzz_subset
    if fonts.harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        yield  # WeasyPrint subsets with fontTools: nothing of this applies
        return
    original_type = fonts.Font.type
    original_build = weasyprint.pdf.build_fonts_dictionary
    original_init = fonts.Font.__init__
    if not isinstance(fonts.Font.__dict__.get("file_content"), property):
        # Kept once set: for a font not made in the block it is the plain attribute it was.
        fonts.Font.file_content = property(_file_content, _set_file_content)

    def subset(font: Any, to_unicode: Any, hinting: bool) -> None:
        data = _subset(font, sorted(to_unicode), hinting)
        if data:
            font.file_content = data
        else:
            original(font, to_unicode, hinting)

    def build_fonts_dictionary(pdf: Any, used: dict[Any, Any], *args: Any) -> Any:
        built = original_build(pdf, used, *args)
        bare = {id(font.file_content) for font in used.values() if font.__dict__.get(_BARE_CFF)}
        for item in pdf.objects:  # the font file streams, written as OpenType ones
            if bare and isinstance(item, pydyf.Stream) and item.stream and id(item.stream[0]) in bare:
                item.extra["Subtype"] = "/CIDFontType0C"
        return built

    fonts.Font._harfbuzz_subset = subset
    # WeasyPrint tells a CFF font (FontFile3, CIDFontType0) by its file's first bytes ("OTTO").
    fonts.Font.type = property(lambda font: "otf" if font.__dict__.get(_BARE_CFF) else original_type.fget(font))
    weasyprint.pdf.build_fonts_dictionary = build_fonts_dictionary
    fonts.Font.__init__ = _whole_file_deferred(original_init)
    try:
        yield
    finally:
        fonts.Font._harfbuzz_subset = original
        fonts.Font.type = original_type
        weasyprint.pdf.build_fonts_dictionary = original_build
        fonts.Font.__init__ = original_init


def _subset(font: Any, glyphs: list[int], hinting: bool) -> bytes | None:
    """``font``'s file with only ``glyphs`` (None if HarfBuzz fails): the bare CFF program of a
    CID-keyed face whose CIDs are its glyph ids, else an OpenType file with each glyph at its id."""
    hb = fonts.harfbuzz_subset
    request = ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
    if request == ffi.NULL:
        return None
    harfbuzz.hb_set_add_sorted_array(
        hb.hb_subset_input_glyph_set(request), ffi.new("hb_codepoint_t[]", glyphs), len(glyphs))
    bare = _bare_cff_possible(font)
    flags = hb.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | hb.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not bare:
        flags |= hb.HB_SUBSET_FLAGS_RETAIN_GIDS
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
    if bare:
        program: bytes | None = _table(face, b"CFF ", bytes)
        if program and _cid_keyed_identity(program, identity=False):
            font.__dict__[_BARE_CFF] = True
            return program
        return None  # WeasyPrint's own subsetting, keeping the glyph ids
    data: bytes | None = fonts.get_hb_object_data(face)
    return data or None


def _bare_cff_possible(font: Any) -> bool:
    """Whether ``font`` can be embedded as its CFF program alone: a static CID-keyed CFF face,
    without colour glyphs or characters it lacks, whose every glyph's CID is its id."""
    if font.missing or font.bitmap or font.png or font.svg or getattr(font, "colr", False):
        return False
    if "CFF " not in font.tables or "fvar" in font.tables or font.used_in_forms:
        return False
    return bool(_table(font.hb_face, b"CFF ", lambda data: _cid_keyed_identity(data, identity=True)))


def _table(face: Any, tag: bytes, read: Any) -> Any:
    """``read`` applied to the bytes (a view, not a copy) of the table ``tag`` of ``face``."""
    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(tag, -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        return read(memoryview(ffi.buffer(data, length[0]))) if length[0] else None
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _cid_keyed_identity(cff: Any, *, identity: bool) -> bool:
    """Whether the CFF program ``cff`` is CID-keyed (and, with ``identity``, each glyph's CID is its
    id). Anything not read as expected answers False."""
    try:
        top = _top_dict(cff)
        if (12, 30) not in top:  # ROS: a CID-keyed font
            return False
        if not identity:
            return True
        glyphs = _index_count(cff, int(top[17][0]))  # CharStrings
        return _charset_is_identity(cff, int(top[15][0]), glyphs)
    except (KeyError, IndexError, ValueError, struct.error):
        return False


def _index_count(cff: Any, offset: int) -> int:
    return int(struct.unpack_from(">H", cff, offset)[0])


def _index_items(cff: Any, offset: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) of each item of the CFF INDEX at ``offset``, and the offset after it."""
    count = _index_count(cff, offset)
    if count == 0:
        return [], offset + 2
    size = cff[offset + 2]
    base = offset + 3 + (count + 1) * size - 1
    ends = [int.from_bytes(cff[offset + 3 + i * size:offset + 3 + (i + 1) * size], "big") for i in range(count + 1)]
    return [(base + ends[i], base + ends[i + 1]) for i in range(count)], base + ends[-1]


def _top_dict(cff: Any) -> dict[tuple[int, int] | int, list[float]]:
    """The operators and operands of the first font's Top DICT (names, strings: not read)."""
    _, after_names = _index_items(cff, cff[2])  # header, then the Name INDEX
    items, _ = _index_items(cff, after_names)
    start, end = items[0]
    found: dict[tuple[int, int] | int, list[float]] = {}
    operands: list[float] = []
    i = start
    while i < end:
        b0 = cff[i]
        if b0 <= 21:  # an operator
            key: tuple[int, int] | int = (12, cff[i + 1]) if b0 == 12 else b0
            i += 2 if b0 == 12 else 1
            found[key], operands = operands, []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", cff, i + 1)[0])
            i += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", cff, i + 1)[0])
            i += 5
        elif b0 == 30:  # a real number: nibbles up to an 0xf
            i += 1
            while cff[i] & 0x0F != 0x0F and cff[i] >> 4 != 0x0F:
                i += 1
            i += 1
            operands.append(0.0)  # (no real is read here)
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + cff[i + 1] + 108)
            i += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - cff[i + 1] - 108)
            i += 2
        else:
            raise ValueError(f"CFF DICT byte {b0}")
    return found


def _charset_is_identity(cff: Any, offset: int, glyphs: int) -> bool:
    """Whether the charset at ``offset`` gives glyphs 1 to ``glyphs`` - 1 the CIDs 1 to ``glyphs`` - 1."""
    if offset <= 2:  # a predefined charset: not a CID-keyed font's
        return False
    fmt = cff[offset]
    if fmt == 0:
        cids = struct.unpack_from(f">{glyphs - 1}H", cff, offset + 1)
        return cids == tuple(range(1, glyphs))
    if fmt not in (1, 2):
        return False
    count_size = 1 if fmt == 1 else 2
    expected, i = 1, offset + 1
    while expected < glyphs:
        first = int.from_bytes(cff[i:i + 2], "big")
        left = int.from_bytes(cff[i + 2:i + 2 + count_size], "big")
        if first != expected:
            return False
        expected += left + 1
        i += 2 + count_size
    return expected == glyphs
