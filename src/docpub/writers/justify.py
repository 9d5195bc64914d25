"""Inter-character justification of Chinese lines, which WeasyPrint does not do itself.

WeasyPrint justifies a line only at its spaces, and a line of Chinese text has none: a line
that ends short of the measure (beside a Latin run, a half-width mark, or a character that
may not start the next line) stays ragged. While docpub lays out a PDF, WeasyPrint's
justification step is extended for Chinese lines: the missing width is shared out among the
line's characters as letter spacing, as CSS ``text-justify: inter-character`` asks. No
character is added, so the copied text is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text.line_break import create_layout, line_size

# Spacing per character above this share of the font size is left undone (the line stays
# ragged): text extractors read a gap of a tenth of an em between two glyphs as a word space.
MAX_SHARE = 0.09


@contextmanager
def inter_character_justification() -> Iterator[None]:
    """Within the block, justified Chinese lines are justified between characters."""
    original = inline.justify_line

    def justify_line(context: Any, line: Any, extra_width: float) -> None:
        if str(line.style["lang"] or "").startswith("zh"):
            spread(context, line, extra_width)
        else:
            original(context, line, extra_width)

    inline.justify_line = justify_line
    try:
        yield
    finally:
        inline.justify_line = original


def spread(context: Any, line: Any, extra_width: float) -> None:
    """Share ``extra_width`` out as letter spacing among the characters of ``line``."""
    count = sum(len(box.text) for box in _text_boxes(line))
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
