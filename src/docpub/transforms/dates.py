"""Chinese dates in running text, and the year of a date written without one.

A date with its year (``2019年12月30日``) names that year; one without
(``1月2日``) is dated against, in order:

1. a full date written earlier in the same text: the year (that date's year,
   or the one before or after) that puts it nearest to that date;
2. ``meta.period`` (a month ``2020-12`` is the range of its days): the year
   that puts it inside the period, else nearest to it (``1月2日`` in a
   ``2020-12`` assessment is 2021-01-02, not eleven months before the period);
3. ``meta.date``, the distribution date: the latest year that does not put it
   after that date, since a document reports what happened before it was
   distributed (``12月30日`` in a document distributed 2021-02-15 is 2020).

A month and day no year can hold (``2月30日``, ``2月29日`` with no leap year
among the candidates) is not a date. ``2020年2月`` (no day) is no date either.
Like citations, dates accept the stray spaces (ASCII space, tab, NBSP,
full-width space) that typists and PDF extraction leave between the parts
(``2020 年 2 月 27 日``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from msgspec import Struct

from docpub.model import Meta

_SP = r"[ \t\u00a0\u3000]*"

# "2019年12月30日" or, its year left to the reader, "12月30日".
_DATE = re.compile(
    rf"(?<!\d)(?:(?P<y>\d{{4}}){_SP}年{_SP})?(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"
)


def _on(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def period_span(period: str) -> tuple[dt.date, dt.date] | None:
    """``meta.period`` as its first and last day; None when it is empty or malformed.

    A month (``2020-12``) spans its days; a range (``2020-12-01/2020-12-31``)
    spans its ends, in whichever order they are written.
    """
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
            year, month = int(m[1]), int(m[2])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", period):
            start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
            return (start, end) if start <= end else (end, start)
    except ValueError:
        pass
    return None


def nearest_year(month: int, day: int, start: dt.date, end: dt.date) -> int | None:
    """The year that puts month-day inside ``start..end``, else nearest to it.

    Candidates run from the year before ``start`` to the year after ``end``;
    a tie goes to the year nearer ``start``'s, then to the earlier.
    """
    def distance(d: dt.date) -> int:
        return max((start - d).days, (d - end).days, 0)

    candidates = [d for y in range(start.year - 1, end.year + 2) if (d := _on(y, month, day))]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (distance(d), abs(d.year - start.year), d.year)).year


class Dating(Struct, frozen=True):
    """What a date written without its year is dated against: see the module docstring."""

    period: tuple[dt.date, dt.date] | None
    issued: dt.date  # meta.date, the distribution date

    @classmethod
    def of(cls, meta: Meta) -> Dating:
        return cls(period_span(meta.period), meta.date)

    def year(self, month: int, day: int, after: dt.date | None = None) -> int | None:
        """The year of month-day, ``after`` being the last full date written before it."""
        if after is not None:
            return nearest_year(month, day, after, after)
        if self.period is not None:
            return nearest_year(month, day, *self.period)
        for year in (self.issued.year, self.issued.year - 1):
            d = _on(year, month, day)
            if d is not None and d <= self.issued:
                return year
        return None


def date_years(text: str, dating: Dating) -> list[int]:
    """The year of each date written in ``text``, in order; see the module docstring."""
    return [year for _, year in dated_ends(text, dating)]


def dated_ends(text: str, dating: Dating) -> list[tuple[int, int]]:
    """``(end, year)`` of each date written in ``text``, in order: one pass for the whole text."""
    out: list[tuple[int, int]] = []
    full: dt.date | None = None  # the last full date so far
    for m in _DATE.finditer(text):
        month, day = int(m["m"]), int(m["d"])
        if m["y"] is not None:
            out.append((m.end(), int(m["y"])))  # a year written is a year meant, even on "2月30日"
            full = _on(int(m["y"]), month, day) or full
        elif (year := dating.year(month, day, full)) is not None:
            out.append((m.end(), year))
    return out


def document_year(meta: Meta) -> int:
    """The year a document speaks of: ``meta.period``'s first year, else ``meta.date``'s."""
    m = re.match(r"(\d{4})", meta.period)
    return int(m.group(1)) if m else meta.date.year


__all__ = ["Dating", "date_years", "dated_ends", "document_year", "nearest_year", "period_span"]
