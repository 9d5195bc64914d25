"""Chinese spacing that WeasyPrint does not do itself: inter-character justification, and
the gap between Han and Latin letters or digits.

Justification. WeasyPrint justifies a line only at its spaces, and a line of Chinese text has
none: a line that ends short of the measure (beside a Latin run, a half-width mark, or a
character that may not start the next line) stays ragged. While docpub lays out a PDF,
WeasyPrint's justification step is extended for Chinese lines: the missing width is shared out
among the line's characters as letter spacing, as CSS ``text-justify: inter-character`` asks.
Word joiners (``typography.WORD_JOINER``) take none: Pango would give their empty glyph the
share too, and a number and its unit would stand twice the share apart. No character is added,
so the copied text is unchanged.

The Han-Latin gap. clreq asks for about a quarter em between Han and a Latin or digit run
(``执行主任 Marie``, ``第 2512(2020) 号``). Text extractors (pdftotext, pypdf, pdfminer, viewers'
copy) put a U+0020 into the copied text wherever two glyphs stand apart by a tenth of an em or
so, so the gap cannot be a space between glyphs. It is made part of the advance of the glyph
before it instead: that glyph is drawn in a twin of its font whose width table (``/W``) has
it a quarter em wider. The twin shares the embedded font file, the ToUnicode map and the
descriptor of its font; only the widths differ. Extractors measure a glyph by its width, so
they see the glyphs touch and copy the text as written. The hooks, all scoped:

- layout (within ``inter_character_justification``): every Pango layout of Chinese text gets
  the gap as letter spacing on the Han character beside it (``typography.gap_positions`` says
  where gaps go), so line breaking, widths and justification count it;
- drawing and writing (within ``write_pdf`` of a document laid out here, which is made a
  ``_SpacedDocument``): the glyph that a gap follows is shown in the twin font
  (``_GapStream``), and the twins' font dictionaries are written beside their fonts
  (``build_fonts_dictionary``).

Drawing applies the same rule to the same text as layout did, so a drawn line is as wide as
the laid-out one. A gap only ever falls inside one text box: none opens or closes a line, and
none is made where an inline element's edge (a link) falls between the Han and the Latin
character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docpub.writers import libraries  # noqa: F401  WeasyPrint's libraries opened by soname (see there)

# isort: split
import pydyf
import weasyprint.pdf
from weasyprint.document import Document
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.layout.leader import leader_index
from weasyprint.pdf.fonts import Font
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango
from weasyprint.text.line_break import create_layout, line_size

from docpub.writers.typography import WORD_JOINER, gap_positions, is_han

# Spacing per character above this share of the font size is left undone (the line stays
# ragged): text extractors read a gap of a tenth of an em between two glyphs as a word space.
MAX_SHARE = 0.09

# The Han-Latin gap, in ems of the text's font size (clreq: about a quarter em; CSS
# text-autospace: at least an eighth).
GAP_EM = 0.25
# The same in the PDF's glyph space (thousandths of an em), added to the twin glyph's width.
_GAP_WIDTH = round(GAP_EM * 1000)


@contextmanager
def inter_character_justification() -> Iterator[None]:
    """Within the block, justified Chinese lines are justified between characters, and the
    text of Chinese lines has its Han-Latin gaps; a document rendered here draws them in the
    PDF it writes."""
    original = inline.justify_line
    original_leader = inline.handle_leader
    original_set_text = line_break.Layout.set_text
    original_render = Document.__dict__["_render"]

    def justify_line(context: Any, line: Any, extra_width: float) -> None:
        if _chinese(line.style):
            spread(context, line, extra_width)
        else:
            original(context, line, extra_width)

    def set_text(layout: Any, text: str, justify: bool = False) -> None:
        original_set_text(layout, text, justify)
        _space(layout, gaps=True)

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        original_leader(context, line, containing_block)
        _one_leader_box(context, line)

    def render(cls: Any, *args: Any, **kwargs: Any) -> Any:
        document = original_render.__func__(cls, *args, **kwargs)
        document.__class__ = _SpacedDocument
        return document

    inline.justify_line = justify_line
    inline.handle_leader = handle_leader
    line_break.Layout.set_text = set_text
    Document._render = classmethod(render)
    try:
        yield
    finally:
        inline.justify_line = original
        inline.handle_leader = original_leader
        line_break.Layout.set_text = original_set_text
        Document._render = original_render


def _chinese(style: Any) -> bool:
    return str(style["lang"] or "").startswith("zh")


def _one_leader_box(context: Any, line: Any) -> None:
    """A leader drawn as one text box: WeasyPrint repeats its string in a box of its own per
    repetition, side by side from the line's end (a contents page's leaders were 850 boxes,
    three quarters of a document's text boxes). One box of the repeated string lays out the
    same glyphs at the same places."""
    _, leader = leader_index(line)
    pieces: tuple[Any, ...] = leader.children if leader is not None else ()
    if len(pieces) < 2 or not all(isinstance(p, boxes.TextBox) for p in pieces):
        return
    first = min(pieces, key=lambda p: p.position_x)
    leader.children = (text_box_of(first, pieces[0].text * len(pieces), context),)


def text_box_of(box: Any, text: str, context: Any) -> Any:
    """A copy of the text box ``box`` (in its place) holding ``text``, laid out in its style
    and as wide as that text."""
    new = box.copy_with_text(text)
    new.pango_layout = create_layout(text, box.style, context, max_width=None,
                                     justification_spacing=box.justification_spacing)
    new.width = line_size(new.pango_layout.get_first_line()[0], box.style)[0]
    return new


# --- the Han-Latin gap: layout ---------------------------------------------------------------


def _space(layout: Any, *, gaps: bool) -> None:
    """Letter spacing by character in the Pango layout of a Chinese text: none on word joiners,
    and (``gaps``) a gap's width more on a Han character beside each Han-Latin gap.

    A word joiner has no glyph, but Pango gives it the letter spacing of the text: a justified
    line would have twice its share between a number and its unit, enough for extractors to
    read a space there.

    The gap's width is counted on the Han side of the gap: the character before it, or the one
    after it when a Latin run ends there (a letter spacing attribute on a Latin letter would
    part it from the letter before it, and they would lose their kerning). Drawing puts the gap
    itself after the glyph before it either way.

    A Pango layout keeps its attributes when its text is set again (WeasyPrint sets the text
    of a line again once it knows where the line ends): the characters spaced for the text
    before are put back to the text's own letter spacing first.
    """
    text = layout.text
    stale = getattr(layout, "_docpub_spaced", ())
    if not stale and (not text or not _chinese(layout.style)):
        return
    style = layout.style
    base = 0 if style["letter_spacing"] == "normal" else style["letter_spacing"]
    extra: dict[int, float] = {}
    if base:
        extra = {i: -base for i, c in enumerate(text) if c == WORD_JOINER}
    if gaps:
        gap = GAP_EM * style["font_size"]
        # Pango takes half of the first and of the last character's spacing off the ends of
        # the line (the letter spacing of the line's other characters is counted back by
        # WeasyPrint): there the gap is given twice, so that half of it, a whole gap, stays.
        last = len(text) - 1
        for i in gap_positions(text):
            if not is_han(text[i]):
                i += 2 if text[i + 1] == WORD_JOINER else 1
            extra[i] = extra.get(i, 0) + gap * (2 if i in (0, last) else 1)
    if not extra and not stale:
        return
    indices = sorted(extra)
    ranges = list(_byte_ranges(text, indices))
    encoded = text.encode()
    spaced = [(start, end, 0.0) for start, end in stale if encoded[start:end] not in (b" ", b"\xc2\xa0")]
    spaced += [(start, end, extra[i]) for i, (start, end) in zip(indices, ranges, strict=True)]
    attr_list = pango.pango_layout_get_attributes(layout.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    for start, end, more in spaced:
        attr = pango.pango_attr_letter_spacing_new(int((base + more) * TO_UNITS))
        attr.start_index, attr.end_index = start, end
        pango.pango_attr_list_change(attr_list, attr)
    pango.pango_layout_set_attributes(layout.layout, attr_list)
    layout._docpub_spaced = ranges


def _byte_ranges(text: str, positions: list[int]) -> Iterator[tuple[int, int]]:
    """The UTF-8 byte range of each character at ``positions`` (ascending) in ``text``."""
    offset, last = 0, 0
    for i in positions:
        offset += len(text[last:i].encode())
        last = i
        yield offset, offset + len(text[i].encode())


def spread(context: Any, line: Any, extra_width: float) -> None:
    """Share ``extra_width`` out as letter spacing among the characters of ``line``."""
    # Word joiners take no spacing (see ``_space``).
    count = sum(len(box.text) - box.text.count(WORD_JOINER) for box in _text_boxes(line))
    if count < 2 or extra_width <= 0 or extra_width / count > MAX_SHARE * line.style["font_size"]:
        return
    # Every character gets the spacing after it, the last one too: sharing among count - 1
    # gaps puts the last glyph flush with the measure (its spacing hangs, unseen).
    _letter_space(context, line, extra_width / (count - 1), 0.0)


def _text_boxes(box: Any) -> Iterator[Any]:
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _letter_space(context: Any, box: Any, share: float, shift: float) -> float:
    """Move ``box`` right by ``shift`` and space its letters; returns the shift for what follows."""
    if isinstance(box, boxes.TextBox):
        box.position_x += shift
        style = box.style.copy()
        base = style["letter_spacing"]
        style["letter_spacing"] = (0 if base == "normal" else base) + share
        layout = create_layout(box.text, style, context, max_width=None,
                               justification_spacing=box.justification_spacing)
        width = line_size(layout.get_first_line()[0], style)[0]
        layout.deactivate()
        shift += width - box.width
        box.width, box.style, box.pango_layout = width, style, layout
        return shift
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += shift
        before = shift
        for child in box.children:
            if child.is_in_normal_flow():
                shift = _letter_space(context, child, share, shift)
        box.width += shift - before
        return shift
    box.translate(shift, 0)
    return shift


# --- the Han-Latin gap: drawing and writing ----------------------------------------------------


class _SpacedDocument(Document):  # type: ignore[misc]
    """A document laid out with Han-Latin gaps, which its PDF draws."""

    def write_pdf(self, *args: Any, **kwargs: Any) -> Any:
        original_draw = draw_text.draw_first_line
        original_fonts = weasyprint.pdf.build_fonts_dictionary

        def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str,
                            matrix: Any) -> Any:
            flags = None
            if text_overflow == "clip" and block_ellipsis == "none" and _chinese(textbox.style):
                flags = _gap_flags(textbox.pango_layout)
            if not flags:
                return original_draw(stream, textbox, text_overflow, block_ellipsis, matrix)
            return original_draw(_GapStream(stream, flags), textbox, text_overflow, block_ellipsis, matrix)

        def build_fonts_dictionary(pdf: Any, fonts: dict[Any, Any], *args: Any) -> Any:
            twins = [f for f in fonts.values() if isinstance(f, _GapFont)]
            plain = {k: f for k, f in fonts.items() if not isinstance(f, _GapFont)}
            pdf_fonts = original_fonts(pdf, plain, *args)
            for twin in twins:
                _add_twin_dictionary(pdf, pdf_fonts, twin)
            return pdf_fonts

        def set_text(layout: Any, text: str, justify: bool = False) -> None:
            original_set_text(layout, text, justify)
            _space(layout, gaps=False)

        original_set_text = line_break.Layout.set_text
        draw_text.draw_first_line = draw_first_line
        weasyprint.pdf.build_fonts_dictionary = build_fonts_dictionary
        line_break.Layout.set_text = set_text
        try:
            return super().write_pdf(*args, **kwargs)
        finally:
            draw_text.draw_first_line = original_draw
            weasyprint.pdf.build_fonts_dictionary = original_fonts
            line_break.Layout.set_text = original_set_text


def _gap_flags(layout: Any) -> list[bool]:
    """For each glyph that WeasyPrint draws of ``layout``'s first line, in order: does a gap
    follow it? Empty when none does. (WeasyPrint draws every glyph but the empty ones of
    default-ignorable characters, such as the word joiner.)"""
    text = layout.text
    positions = gap_positions(text) if text else []
    if not positions:
        return []
    targets = {start for start, _ in _byte_ranges(text, positions)}
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    line, _ = layout.get_first_line()
    empty = pango.PANGO_GLYPH_EMPTY
    stride = ffi.sizeof("PangoGlyphInfo") // 4  # the glyph id is its first 4-byte field
    flags: list[bool] = []
    run = line.runs
    while run != ffi.NULL:
        item = run.data.item
        glyphs = run.data.glyphs
        count = glyphs.num_glyphs
        run = run.next
        if count == 0:
            continue
        offset = item.offset
        # Read in bulk: a field access through cffi costs as much as the rest of the loop.
        clusters = [offset + c for c in ffi.unpack(glyphs.log_clusters, count)]
        ids = memoryview(ffi.buffer(glyphs.glyphs, count * stride * 4)).cast("I")[::stride]
        ends = [*clusters[1:], offset + item.length]
        rtl = item.analysis.level % 2
        for i in range(count):
            if ids[i] == empty:
                continue
            # The last glyph of a left-to-right cluster that holds the character.
            flags.append(not rtl and ends[i] != clusters[i] and any(clusters[i] <= t < ends[i] for t in targets))
    return flags if any(flags) else []


class _GapFont(Font):  # type: ignore[misc]
    """A font's twin: the same glyphs, each a gap wider. Only its widths are its own."""

    base: Font


def _twin(fonts: dict[Any, Any], base: Any) -> _GapFont:
    key = ("docpub-gap", base.hash)
    twin = fonts.get(key)
    if twin is None:
        twin = fonts[key] = object.__new__(_GapFont)
        twin.__dict__.update(base.__dict__)
        twin.base = base
        twin.hash = base.hash + "G"  # WeasyPrint's own names have six letters
        twin.widths, twin.to_unicode = {}, {}
    assert isinstance(twin, _GapFont)
    return twin


_TJ_TOKEN = re.compile(r"<([0-9a-fA-F]*)>|([^<>]+)")


class _GapStream:
    """Stands in for WeasyPrint's stream while one text box is drawn: the glyphs that a gap
    follows are shown in the twin of their font; everything else goes through unchanged."""

    def __init__(self, stream: Any, flags: list[bool]) -> None:
        self._stream = stream
        self._flags = iter(flags)
        self._fonts: dict[str, Any] = {}
        self._font: Any = None
        self._size: float = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def add_font(self, pango_font: Any) -> Any:
        font, size = self._stream.add_font(pango_font)
        self._fonts[font.hash] = font
        return font, size

    def set_font_size(self, font: str, size: float) -> None:
        self._font, self._size = self._fonts.get(font), size
        self._stream.set_font_size(font, size)

    def show_text(self, string: str) -> None:
        font = self._font
        if font is None or font.bitmap:  # (a bitmap font's glyph ids have two hex digits)
            for glyphs, _ in _TJ_TOKEN.findall(string):
                for _ in range(len(glyphs) // (2 if font is not None and font.bitmap else 4)):
                    next(self._flags, False)
            self._stream.show_text(string)
            return
        parts: list[str] = []  # glyph strings and numbers as WeasyPrint wrote them: no two numbers meet
        for glyphs, other in _TJ_TOKEN.findall(string):
            if other:
                parts.append(other)
                continue
            held: list[str] = []
            for k in range(0, len(glyphs), 4):
                gid = glyphs[k:k + 4]
                if not next(self._flags, False):
                    held.append(gid)
                    continue
                if held:
                    parts.append(f"<{''.join(held)}>")
                    held = []
                self._show(font, parts)
                parts = []
                self._show_twin(font, gid)
            if held or not glyphs:
                parts.append(f"<{''.join(held)}>")
        self._show(font, parts)

    def _show(self, font: Any, parts: list[str]) -> None:
        if parts:
            # The stream writes no Tf when the font is already the current one.
            self._stream.set_font_size(font.hash, self._size)
            self._stream.show_text("".join(parts))

    def _show_twin(self, font: Any, gid: str) -> None:
        glyph = int(gid, 16)
        twin = _twin(self._stream._fonts, font)
        twin.widths[glyph] = font.widths[glyph] + _GAP_WIDTH
        twin.to_unicode[glyph] = font.to_unicode.get(glyph, "")
        self._stream.set_font_size(twin.hash, self._size)
        self._stream.show_text(f"<{gid}>")


def _add_twin_dictionary(pdf: Any, pdf_fonts: Any, twin: _GapFont) -> None:
    """The twin's font dictionaries: its font's, with its own widths (``/W``)."""
    reference = pdf_fonts.get(twin.base.hash)
    if reference is None:
        return
    font = _object(pdf, reference)
    descendant = _object(pdf, font["DescendantFonts"][0])
    widths = pydyf.Array()
    for glyph in sorted(twin.widths):
        if glyph - 1 not in twin.widths:
            widths.append(glyph)
            widths.append(pydyf.Array())
        widths[-1].append(twin.widths[glyph])
    twin_descendant = pydyf.Dictionary({**descendant, "W": widths})
    pdf.add_object(twin_descendant)
    twin_font = pydyf.Dictionary({**font, "DescendantFonts": pydyf.Array([twin_descendant.reference])})
    pdf.add_object(twin_font)
    pdf_fonts[twin.hash] = twin_font.reference


def _object(pdf: Any, reference: bytes) -> Any:
    """The object of ``pdf`` that ``reference`` (b"12 0 R") refers to."""
    return pdf.objects[int(reference.split()[0])]
