"""Page numbers of a contents page, filled in once the pages are made.

CSS gives a contents entry its page number with ``target-counter(attr(href url), page)``.
WeasyPrint cannot know that number when it first lays out the contents page, so it makes the
page again once the sections are placed, and on this project's documents a third time (the
contents page holds the first sections' anchors, whose counters change between the passes):
the contents page, the dearest page of an annex, was made three times, 12 pages for 10.

A link of class ``page-ref`` (``<a class="page-ref" href="#id">``) is done in one pass instead.
The print style sheet ends the link's ``::after`` content with a placeholder string of digits
(``content: leader("…") "000"``), which holds the place of the number while WeasyPrint lays out
the pages. Within ``filled_page_refs``, once the pages are made, the placeholder's text box
gets the number of the page its target starts on (the page's ``page`` counter, as
``target-counter`` gives it), set flush right where the placeholder ended, and the leader
before it is laid out again to the number's new left edge, its repetitions where WeasyPrint
places them (on a grid from the line's right end). A target that is on no page leaves no
number, as ``target-counter`` does. A style sheet that keeps ``target-counter`` for such a link
is left to WeasyPrint.

The placeholder's width is what the line reserves for the number while its text is broken into
lines: three digits, so an entry's title wraps as it would beside any number below 1000.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from docpub.writers import libraries  # noqa: F401  WeasyPrint's libraries opened by soname (see there)

# isort: split
import weasyprint.document
from weasyprint.formatting_structure import boxes

from docpub.writers.justify import text_box_of

# The class of a link whose ``::after`` ends with its target's page number.
PAGE_REF = "page-ref"


@contextmanager
def filled_page_refs() -> Iterator[None]:
    """Within the block, documents rendered have their ``page-ref`` links' page numbers filled
    in after the pages are made (see the module)."""
    original = weasyprint.document.layout_document

    def layout_document(html: Any, root_box: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        pages = list(original(html, root_box, context, *args, **kwargs))  # (a generator)
        fill_page_refs(pages, context)
        return pages

    weasyprint.document.layout_document = layout_document
    try:
        yield
    finally:
        weasyprint.document.layout_document = original


def fill_page_refs(pages: list[Any], context: Any) -> None:
    """Put each ``page-ref`` link's page number in place of its placeholder."""
    refs: list[Any] = []
    numbers: dict[str, str] = {}  # anchor name -> the page counter of the first page it is on
    for index, page in enumerate(pages):
        number = _page_number(context, index)
        for box in page.descendants():
            anchor = box.style["anchor"]
            if anchor and anchor not in numbers:
                numbers[anchor] = number
            if _is_page_ref(box):
                refs.append(box)
    for box in refs:
        _fill(box, numbers.get(_target(box.element)), context)


def _is_page_ref(box: Any) -> bool:
    # (The leader inside it is an inline box of the same element and tag.)
    return (isinstance(box, boxes.InlineBox) and not box.is_leader and (box.element_tag or "").endswith("::after")
            and box.element is not None and PAGE_REF in (box.element.get("class") or "").split())


def _target(element: Any) -> str:
    """The anchor name a link points to (its URL's fragment), or "" for another document."""
    href = (element.get("href") or "").strip()
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or parts.path or not parts.fragment:
        return ""
    return unquote(parts.fragment)


def _page_number(context: Any, index: int) -> str:
    """The ``page`` counter of page ``index`` (what ``counter(page)`` prints there)."""
    try:
        _, _, _, state, _ = context.page_maker[index + 1]
        return str(state[1]["page"][-1])
    except (AttributeError, IndexError, KeyError, TypeError):
        return str(index + 1)


def _fill(after: Any, number: str | None, context: Any) -> None:
    """``after`` (a link's ``::after`` box) with ``number`` in place of its last text box."""
    children = list(after.children)
    content = after.style["content"]
    if not children or not isinstance(children[-1], boxes.TextBox) or not isinstance(content, (list, tuple)) \
            or not content or content[-1][0] != "string":
        return  # no placeholder (target-counter(), say): left as WeasyPrint laid it out
    old = children[-1]
    right = old.position_x + old.width  # the number stays flush with where the placeholder ended
    if number:
        new = text_box_of(old, number, context)
        new.position_x = right - new.width
        children[-1] = new
        left = new.position_x
    else:
        children.pop()
        left = right
    after.children = tuple(children)
    leader = next((c for c in children if isinstance(c, boxes.InlineBox) and c.is_leader), None)
    if leader is not None:
        _fit_leader(leader, after, left, right, context)


def _fit_leader(leader: Any, after: Any, left: float, right: float, context: Any) -> None:
    """Lay the leader out again from its start to ``left``, its repetitions where WeasyPrint
    puts them: at ``right`` less whole repetitions, each fully between the two edges."""
    unit = _leader_string(after.style)
    pieces = [c for c in leader.children if isinstance(c, boxes.TextBox)]
    leader.width = left - leader.position_x
    if not unit or not pieces:
        return
    sample = pieces[0]
    width = text_box_of(sample, unit, context).width
    if width <= 0:
        return
    start = leader.position_x
    positions = []
    x = right
    while True:
        x -= width
        if x < start:
            break
        if x + width <= left:
            positions.append(x)
    if not positions:
        leader.children = ()
        return
    merged = text_box_of(sample, unit * len(positions), context)
    merged.position_x = min(positions)
    leader.children = (merged,)


def _leader_string(style: Any) -> str:
    """The string of the ``leader()`` in a ``content`` value ("" if there is none)."""
    for kind, value in style["content"] if isinstance(style["content"], (list, tuple)) else ():
        if kind == "leader()" and value and value[0] == "string":
            return str(value[1])
    return ""
