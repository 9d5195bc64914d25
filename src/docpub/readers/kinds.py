"""What each document kind derives from its front matter: a default title and the caption line.

A resolution prints ``2020年2月28日安全理事会第8733次会议通过`` under its title; a
presidential statement opens with the meeting, its date and the agenda item. Both are
made from ``meeting``, ``meeting_date`` and ``agenda_item`` rather than typed, so that
they read the same in every document and the importer can write them as data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from docpub.model import Inline, Meta, Text
from docpub.symbols import parse_symbol

Report = Callable[[int | None, str], None]

STATEMENT_TITLE = "安全理事会主席的声明"
# The keys each kind needs for its caption.
NEEDS: dict[str, tuple[str, ...]] = {
    "resolution": ("meeting", "meeting_date"),
    "presidential-statement": ("meeting", "meeting_date", "agenda_item"),
}


def chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def default_title(meta: Meta) -> str:
    """The title a kind takes when neither the front matter nor a '# ' heading gives one."""
    symbol = parse_symbol(meta.symbol) if meta.symbol else None
    if meta.kind == "resolution" and symbol is not None and symbol.kind == "resolution":
        return f"第{symbol.number}({symbol.year})号决议" if symbol.year else f"第{symbol.number}号决议"
    if meta.kind == "presidential-statement":
        return STATEMENT_TITLE
    return ""


def caption(meta: Meta, report: Report) -> tuple[Inline, ...]:
    """The kind's line under the title; a missing key it needs is reported."""
    missing = [key for key in NEEDS.get(meta.kind, ()) if getattr(meta, key) in (None, "")]
    if missing:
        keys = ", ".join(f"'{k}'" for k in missing)
        report(1, f"a {meta.kind} needs {keys} in the front matter (the meeting that "
               f"{'adopted' if meta.kind == 'resolution' else 'heard'} it)")
        return ()
    if meta.meeting is None or meta.meeting_date is None:
        return ()
    when = chinese_date(meta.meeting_date)
    if meta.kind == "resolution":
        return (Text(f"{when}安全理事会第{meta.meeting}次会议通过"),)
    if meta.kind == "presidential-statement":
        return (Text(f"在{when}举行的安全理事会第{meta.meeting}次会议上，安全理事会主席在安理会审议"
                     f"题为“{meta.agenda_item}”的项目时代表安理会发表以下声明："),)
    return ()
