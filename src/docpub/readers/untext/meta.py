"""What the text says about itself -> Meta: the masthead, the title's date, the
signer, and the presidency and period named in the annex title."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources

from msgspec import Struct
from msgspec.structs import replace

from docpub.errors import DocpubError
from docpub.model import Document, Meta, Signature, Text
from docpub.readers.untext.flow import Item, Piece
from docpub.readers.untext.letter import AnnexParts
from docpub.readers.untext.lines import TextBlock
from docpub.readers.untext.report import Log

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_EN_DATE = re.compile(rf"(\d{{1,2}}) ({'|'.join(_MONTHS)}) (\d{{4}})")
_DISTR = re.compile(r"Distr\.?\s*:\s*(\w+)", re.IGNORECASE)
_ORIGINAL = re.compile(r"Original\s*:\s*(\w+)", re.IGNORECASE)
_LANGUAGE = re.compile(r"Arabic|Chinese|English|French|Russian|Spanish")
# Organ names are a closed set; extraction sometimes letter-spaces them ("联 合 国").
_ORGANS = ("联合国", "安全理事会", "大会", "经济及社会理事会")
_SYMBOL = re.compile(r"S/\d{4}/\d+(?:/[\w.]+)*")
# A column layout prints masthead items side by side ("安全理事会      Distr.: General").
_COLUMNS = re.compile(r"\s{2,}")
_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_PERIOD_MONTH = re.compile(r"[(（](\d{4})年(\d{1,2})月[)）]$")
_PERIOD_RANGE = re.compile(r"[(（](\d{4})年(\d{1,2})月(\d{1,2})日至(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日[)）]$")
_PRESIDENCY = re.compile(r"^(.+?)担任安全理事会(?:轮值)?主席")

# English metadata the Chinese text never carries; reported when its Chinese
# counterpart was found, so an editor knows to add it.
_ENGLISH_FIELDS = (("title_en", "title"), ("author_en", "author"), ("annex_title_en", "annex"))


class Masthead(Struct, frozen=True):
    distribution: str = ""
    date: date | None = None
    original_language: str = ""
    symbol: str = ""  # printed beside the organ name rather than on a line of its own


def read_masthead(blocks: list[TextBlock], log: Log) -> tuple[Masthead, list[TextBlock]]:
    """Leading blocks made only of masthead lines; the rest starts with the title."""
    head, i = Masthead(), 0
    while i < len(blocks) and (read := _masthead_block(blocks[i], head)) is not None:
        head, i = read, i + 1
    if head.date is None:
        log.doubt(blocks[0].line, "no masthead date (e.g. '30 November 2020') found")
    return head, blocks[i:]


def build_meta(head: Masthead, title: Piece | None, symbol: str, letter: list[Item],
               annex: AnnexParts | None, log: Log, source: str) -> Meta:
    if title is None:
        raise DocpubError(source, None, "no title: the text has nothing after the masthead")
    letter_date = _zh_date(title.text)
    when = head.date or letter_date
    if when is None:
        raise DocpubError(source, title.line, "no date: neither a masthead date "
                          "('30 November 2020') nor a dated title ('2020年11月9日…的信')")
    annex_title = annex.title.text if annex and annex.title else ""
    return Meta(
        title=title.text, date=when, symbol=symbol or head.symbol,
        distribution=head.distribution or "General",
        original_language=head.original_language, letter_date=letter_date,
        author=_author(letter), presidency=_presidency(annex_title, log, annex),
        period=_period(annex_title),
    )


def missing_fields(meta: Meta, doc: Document) -> tuple[str, ...]:
    """The Meta fields an editor must add by hand."""
    have = {"title": bool(meta.title), "author": bool(meta.author), "annex": doc.annex is not None}
    out = [en for en, zh in _ENGLISH_FIELDS if have[zh]]
    for name in ("symbol", "letter_date", "author", "presidency", "period"):
        if not getattr(meta, name):
            out.append(name)
    return tuple(out)


def _masthead_block(block: TextBlock, head: Masthead) -> Masthead | None:
    for _, text in block.lines:
        read = _masthead_line(text, head)
        if read is None:
            return None
        head = read
    return head


def _masthead_line(text: str, head: Masthead) -> Masthead | None:
    """``head`` with what the line says; None if it is not a masthead line.

    Every item of the line, wherever it sits (items are set apart by runs of
    spaces), must be a masthead item.
    """
    for part in _COLUMNS.split(text):
        read = _masthead_item(part, head)
        if read is None:
            return None
        head = read
    return head


def _masthead_item(text: str, head: Masthead) -> Masthead | None:
    if m := _DISTR.fullmatch(text):
        return replace(head, distribution=m.group(1))
    if m := _ORIGINAL.fullmatch(text):
        return replace(head, original_language=m.group(1))
    if m := _EN_DATE.fullmatch(text):
        try:
            when = date(int(m.group(3)), _MONTHS.index(m.group(2)) + 1, int(m.group(1)))
        except ValueError:  # "31 February": not a date, so not the masthead's
            return None
        return replace(head, date=when)
    if _SYMBOL.fullmatch(text):
        return replace(head, symbol=head.symbol or text)
    if _LANGUAGE.fullmatch(text) or text.replace(" ", "") in _ORGANS:
        return head
    return None


def _zh_date(text: str) -> date | None:
    m = _ZH_DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _author(letter: list[Item]) -> str:
    for item in letter:
        if isinstance(item, Signature) and len(item.lines) > 1:
            first = item.lines[0][0]
            return first.text if isinstance(first, Text) else ""
    return ""


def _presidency(annex_title: str, log: Log, annex: AnnexParts | None) -> str:
    m = _PRESIDENCY.match(annex_title)
    if not m:
        return ""
    name = _council_members().get(m.group(1), "")
    if not name and annex and annex.title:
        log.doubt(annex.title.line, f"presidency '{m.group(1)}': no English name known; "
                  "add 'presidency' to the front matter")
    return name


@cache
def _council_members() -> dict[str, str]:
    """Chinese short names of Council members -> the English names the front matter uses."""
    table = resources.files("docpub").joinpath("data/council_members.tsv")
    rows = table.read_text(encoding="utf-8").splitlines()[1:]  # after the header
    return dict(_pair(row) for row in rows if row.strip())


def _pair(row: str) -> tuple[str, str]:
    zh, en = row.split("\t")
    return zh, en


def _period(annex_title: str) -> str:
    if m := _PERIOD_MONTH.search(annex_title):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    if m := _PERIOD_RANGE.search(annex_title):
        y1, m1, d1, y2, m2, d2 = m.groups()
        y2, m2 = y2 or y1, m2 or m1
        return f"{y1}-{int(m1):02d}-{int(d1):02d}/{y2}-{int(m2):02d}-{int(d2):02d}"
    return ""
