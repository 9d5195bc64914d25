"""UN plain text (extracted from the published PDF) -> Document.

The extraction has no markup, so structure is recovered from the shape of the
text (line length, final punctuation, what follows a line) and from the fixed
layout of a UN letter: masthead, title, body, signature, annex caption, annex
title, headings. Every change is reported with the input's line number;
whatever cannot be placed is kept as a paragraph and reported as unsure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import count
from typing import Iterator

from docpub.anchors import AnchorSet, slugify
from docpub.errors import DocpubError
from docpub.model import Annex, Block, Document, Meta, Paragraph, Section, Signature, Text


@dataclass(frozen=True, slots=True)
class Note:
    line: int  # 1-based line of the input
    message: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    repairs: tuple[Note, ...] = ()
    unsure: tuple[Note, ...] = ()
    missing: tuple[str, ...] = ()  # Meta fields the text cannot give, e.g. "title_en"


# --- patterns ----------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_EN_DATE = re.compile(rf"(\d{{1,2}}) ({'|'.join(_MONTHS)}) (\d{{4}})")
_DISTR = re.compile(r"Distr\.?\s*:\s*(\w+)", re.IGNORECASE)
_ORIGINAL = re.compile(r"Original\s*:\s*(\w+)", re.IGNORECASE)
_LANGUAGE = re.compile(r"Arabic|Chinese|English|French|Russian|Spanish")
# Organ names are a closed set; extraction sometimes letter-spaces them ("联 合 国").
_ORGANS = ("联合国", "安全理事会", "大会", "经济及社会理事会")
_SYMBOL = re.compile(r"S/\d{4}/\d+(?:/[\w.]+)*")
_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_PERIOD_MONTH = re.compile(r"[(（](\d{4})年(\d{1,2})月[)）]$")
_PERIOD_RANGE = re.compile(r"[(（](\d{4})年(\d{1,2})月(\d{1,2})日至(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日[)）]$")
_PRESIDENCY = re.compile(r"^(.+?)担任安全理事会(?:轮值)?主席")
_CAPTION = re.compile(r".*的附件|附件[一二三四五六七八九十\d]*")
_SIGNED = re.compile(r"[(（]签[名署][)）]$")
_LETTERED = re.compile(r"[(（](?:[a-z]{1,2}|[ivx]{1,5})[)）]\s")
_PARA_START = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}日[，,]")  # "2月28日，…" opens a paragraph

# Page furniture: never text, whatever page it sits on.
_FURNITURE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\d{1,3}|-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3}"), "page number"),
    (re.compile(r"\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})*"), "job number"),
    (re.compile(r"\d{7}[A-Z]"), "job number"),
    (re.compile(r"\*\d{7}\*"), "barcode"),
)

_TERMINAL = "。！？；：”）」』…!?;"
_CONTINUATION = "，、。；：）」』”》,;:)"  # a block starting with these cannot open a paragraph
_HEADING_MAX = 40
_SIGNER_MAX = 30
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
_LATIN = r"[0-9A-Za-z\u00c0-\u024f]"
_GAP = re.compile(rf"(?<={_HAN})[ \t\u00a0]+(?={_LATIN})|(?<={_LATIN})[ \t\u00a0]+(?={_HAN})")

# Hints only: a heading followed by prose is a level-2 heading when its name is a
# region or a closing part, even after a region with sub-headings.
_REGION_HINTS = frozenset({
    "导言", "引言", "概述", "结论", "结束语", "其他事项", "非洲", "美洲", "亚洲", "欧洲", "中东",
    "亚洲和太平洋", "专题问题", "专题问题和其他问题", "其他问题",
})

# Chinese short names of Council members -> the English names the front matter uses.
_COUNCIL_MEMBERS = {
    "阿尔巴尼亚": "Albania", "阿尔及利亚": "Algeria", "安哥拉": "Angola", "阿根廷": "Argentina",
    "澳大利亚": "Australia", "阿塞拜疆": "Azerbaijan", "比利时": "Belgium",
    "多民族玻利维亚国": "Bolivia (Plurinational State of)", "巴西": "Brazil", "乍得": "Chad",
    "智利": "Chile", "中国": "China", "哥伦比亚": "Colombia", "科特迪瓦": "Côte d'Ivoire",
    "丹麦": "Denmark", "多米尼加共和国": "Dominican Republic", "厄瓜多尔": "Ecuador", "埃及": "Egypt",
    "赤道几内亚": "Equatorial Guinea", "爱沙尼亚": "Estonia", "埃塞俄比亚": "Ethiopia",
    "法国": "France", "加蓬": "Gabon", "德国": "Germany", "加纳": "Ghana", "希腊": "Greece",
    "危地马拉": "Guatemala", "圭亚那": "Guyana", "印度": "India", "印度尼西亚": "Indonesia",
    "爱尔兰": "Ireland", "意大利": "Italy", "日本": "Japan", "约旦": "Jordan",
    "哈萨克斯坦": "Kazakhstan", "肯尼亚": "Kenya", "科威特": "Kuwait", "拉脱维亚": "Latvia",
    "黎巴嫩": "Lebanon", "立陶宛": "Lithuania", "卢森堡": "Luxembourg", "马来西亚": "Malaysia",
    "马耳他": "Malta", "墨西哥": "Mexico", "摩洛哥": "Morocco", "莫桑比克": "Mozambique",
    "荷兰": "Netherlands", "新西兰": "New Zealand", "尼日尔": "Niger", "尼日利亚": "Nigeria",
    "挪威": "Norway", "巴基斯坦": "Pakistan", "巴拿马": "Panama", "秘鲁": "Peru", "波兰": "Poland",
    "葡萄牙": "Portugal", "大韩民国": "Republic of Korea", "俄罗斯联邦": "Russian Federation",
    "卢旺达": "Rwanda", "圣文森特和格林纳丁斯": "Saint Vincent and the Grenadines",
    "塞内加尔": "Senegal", "塞拉利昂": "Sierra Leone", "斯洛文尼亚": "Slovenia",
    "索马里": "Somalia", "南非": "South Africa", "西班牙": "Spain", "瑞典": "Sweden",
    "瑞士": "Switzerland", "多哥": "Togo", "突尼斯": "Tunisia", "乌克兰": "Ukraine",
    "阿拉伯联合酋长国": "United Arab Emirates", "联合王国": "United Kingdom",
    "美利坚合众国": "United States", "美国": "United States", "乌拉圭": "Uruguay",
    "委内瑞拉玻利瓦尔共和国": "Venezuela (Bolivarian Republic of)", "越南": "Viet Nam",
}

# English metadata the Chinese text never carries; reported when its Chinese
# counterpart was found, so an editor knows to add it.
_ENGLISH_FIELDS = (("title_en", "title"), ("author_en", "author"), ("annex_title_en", "annex"))


# --- intermediate values ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Block:
    """Consecutive non-blank input lines."""

    line: int
    lines: tuple[tuple[int, str], ...]
    after_break: bool = False  # page furniture or a form feed came before it

    @property
    def text(self) -> str:
        return _unwrap([t for _, t in self.lines])


@dataclass(frozen=True, slots=True)
class _Piece:
    """A paragraph or heading candidate, its text already repaired."""

    line: int
    text: str
    after_break: bool = False


@dataclass(frozen=True, slots=True)
class _Heading:
    line: int
    text: str
    level: int


_Item = _Piece | _Heading | Signature


@dataclass
class _Log:
    """The notes of one read; lives only for the duration of ``read_untext``."""

    repairs: list[Note] = field(default_factory=list)
    unsure: list[Note] = field(default_factory=list)

    def repair(self, line: int, message: str) -> None:
        self.repairs.append(Note(line, message))

    def doubt(self, line: int, message: str) -> None:
        self.unsure.append(Note(line, message))


@dataclass(frozen=True, slots=True)
class _Masthead:
    distribution: str = ""
    date: date | None = None
    original_language: str = ""


# --- entry point -------------------------------------------------------------


def read_untext(text: str, *, doc_id: str, source: str = "<string>"
                ) -> tuple[Document, ImportReport]:
    """Build the Document the Markdown reader would build from the clean text."""
    log = _Log()
    blocks, symbol = _blocks(text, log)
    if not blocks:
        raise DocpubError(source, None, "no text: the input is empty or only page furniture")
    head, rest = _masthead(blocks, log)
    title, rest = _title(rest, log)
    letter, annex_blocks = _split_annex(rest, log)
    letter_items = _letter_items(letter, log)
    annex_parts = _annex_parts(annex_blocks, log) if annex_blocks else None
    meta = _meta(head, title, symbol, letter_items, annex_parts, log, source)
    doc = _assemble(doc_id, meta, letter_items, annex_parts, source)
    return doc, ImportReport(tuple(sorted(log.repairs, key=_by_line)),
                             tuple(sorted(log.unsure, key=_by_line)), _missing(meta, doc))


def _by_line(note: Note) -> int:
    return note.line


# --- lines and blocks ----------------------------------------------------------


def _blocks(text: str, log: _Log) -> tuple[list[_Block], str]:
    """Blocks of text with page furniture removed, and the document symbol if printed."""
    lines = _physical_lines(text)
    symbol, furniture = _furniture(lines, log)
    blocks: list[_Block] = []
    run: list[tuple[int, str]] = []
    broken = False
    for i, (n, t) in enumerate([*lines, (0, "")]):
        if t and i not in furniture:
            run.append((n, t))
            continue
        if run:
            blocks.append(_Block(run[0][0], tuple(run), broken))
            run, broken = [], False
        broken = broken or i in furniture
    return blocks, symbol


def _physical_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, stripped text)``; a form feed becomes a line of its own."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[tuple[int, str]] = []
    for n, raw in enumerate(text.split("\n"), 1):
        for k, part in enumerate(raw.split("\f")):
            if k:
                out.append((n, "\f"))
            out.append((n, part.strip()))
    return out


def _furniture(lines: list[tuple[int, str]], log: _Log) -> tuple[str, set[int]]:
    """Indexes of page-furniture lines; the first symbol line gives the symbol."""
    symbol, found = "", set()
    for i, (n, t) in enumerate(lines):
        if t == "\f":
            found.add(i)
            log.repair(n, "removed a form feed (page break)")
        elif _SYMBOL.fullmatch(t):
            found.add(i)
            if symbol:
                log.repair(n, f"removed running header '{t}'")
            symbol = symbol or t
        elif kind := _furniture_kind(t):
            found.add(i)
            log.repair(n, f"removed {kind} '{t}'")
    found |= _running_titles(lines, found, log)
    return symbol, found


def _furniture_kind(text: str) -> str:
    for pattern, kind in _FURNITURE:
        if pattern.fullmatch(text):
            return kind
    return ""


def _running_titles(lines: list[tuple[int, str]], furniture: set[int], log: _Log) -> set[int]:
    """A short line printed again next to page furniture is a running header."""
    seen: dict[str, int] = {}
    for _, t in lines:
        seen[t] = seen.get(t, 0) + 1
    found = set()
    for i, (n, t) in enumerate(lines):
        if (t and i not in furniture and seen[t] > 1 and len(t) <= 60
                and not _ends_sentence(t) and _touches(lines, i, furniture)):
            found.add(i)
            log.repair(n, f"removed running header '{t}'")
    return found


def _touches(lines: list[tuple[int, str]], i: int, furniture: set[int]) -> bool:
    """Whether the nearest non-blank line above or below is page furniture."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j][1]:
            j += step
        if j in furniture:
            return True
    return False


def _unwrap(lines: list[str]) -> str:
    """Join lines the PDF wrapped: no space between CJK, one between Latin words."""
    out = lines[0] if lines else ""
    for nxt in lines[1:]:
        out += nxt if _is_wide(out[-1:]) or _is_wide(nxt[:1]) else " " + nxt
    return out


def _is_wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def _ends_sentence(text: str) -> bool:
    return text[-1:] in _TERMINAL or text.endswith("……")


def _repaired(line: int, text: str, log: _Log) -> str:
    """Text without the extraction's spaces between Han and digits/Latin letters."""
    fixed, n = _GAP.subn("", text)
    if n:
        log.repair(line, f"removed {n} space(s) between Han characters and digits/Latin letters")
    return fixed


# --- masthead, title, annex ------------------------------------------------


def _masthead(blocks: list[_Block], log: _Log) -> tuple[_Masthead, list[_Block]]:
    """Leading blocks made only of masthead lines; the rest starts with the title."""
    head, i = _Masthead(), 0
    while i < len(blocks) and (read := _masthead_block(blocks[i], head)) is not None:
        head, i = read, i + 1
    if head.date is None:
        log.doubt(blocks[0].line, "no masthead date (e.g. '30 November 2020') found")
    return head, blocks[i:]


def _masthead_block(block: _Block, head: _Masthead) -> _Masthead | None:
    for _, text in block.lines:
        read = _masthead_line(text, head)
        if read is None:
            return None
        head = read
    return head


def _masthead_line(text: str, head: _Masthead) -> _Masthead | None:
    """``head`` with what the line says; None if it is not a masthead line."""
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
    if _LANGUAGE.fullmatch(text) or text.replace(" ", "") in _ORGANS:
        return head
    return None


def _title(blocks: list[_Block], log: _Log) -> tuple[_Piece | None, list[_Block]]:
    if not blocks:
        return None, []
    first = blocks[0]
    title = _Piece(first.line, _repaired(first.line, first.text, log))
    if not title.text.endswith("的信"):
        log.doubt(first.line, "the title does not end with '的信'; taken as the title anyway")
    return title, blocks[1:]


def _split_annex(blocks: list[_Block], log: _Log) -> tuple[list[_Block], list[_Block]]:
    """The letter's blocks and the annex's blocks (from its caption on)."""
    for i, b in enumerate(blocks):
        if _CAPTION.fullmatch(b.text.replace(" ", "")):
            later = [c for c in blocks[i + 1:] if _CAPTION.fullmatch(c.text.replace(" ", ""))]
            for c in later:
                log.doubt(c.line, "a second annex caption: only one annex is supported; "
                          "kept as a paragraph")
            return blocks[:i], blocks[i:]
    return blocks, []


@dataclass(frozen=True, slots=True)
class _AnnexParts:
    caption: _Piece
    title: _Piece | None
    items: list[_Item]


def _annex_parts(blocks: list[_Block], log: _Log) -> _AnnexParts:
    caption = _Piece(blocks[0].line, _repaired(blocks[0].line, blocks[0].text, log))
    title = None
    rest = blocks[1:]
    if rest and _heading_like(rest[0].text):
        title = _Piece(rest[0].line, _repaired(rest[0].line, rest[0].text, log))
        rest = rest[1:]
    else:
        log.doubt(caption.line, "no annex title after the annex caption")
    return _AnnexParts(caption, title, _flow(rest, log))


# --- letter: body and signature ------------------------------------------------


def _letter_items(blocks: list[_Block], log: _Log) -> list[_Item]:
    """The letter's paragraphs and headings, with each signature block in its place."""
    items: list[_Item] = []
    start = 0
    for end, signer_from in _signatures(blocks):
        items += _flow(blocks[start:signer_from], log)
        items.append(Signature(tuple((Text(_repaired(n, t, log)),)
                                     for b in blocks[signer_from:end + 1] for n, t in b.lines)))
        start = end + 1
    return items + _flow(blocks[start:], log)


def _signatures(blocks: list[_Block]) -> Iterator[tuple[int, int]]:
    """``(name block, first signer-title block)`` for each '(签名)' line."""
    floor = 0
    for i, b in enumerate(blocks):
        if _SIGNED.search(b.lines[-1][1]):
            j = i
            while j > floor and i - j < 4 and _signer_title(blocks[j - 1]):
                j -= 1
            yield i, j
            floor = i + 1


def _signer_title(block: _Block) -> bool:
    return all(len(t) <= _SIGNER_MAX and not _ends_sentence(t) for _, t in block.lines)


# --- paragraphs and headings -------------------------------------------------


def _flow(blocks: list[_Block], log: _Log) -> list[_Item]:
    """Paragraphs and headings: page-break splits rejoined, heading levels assigned."""
    pieces = _join_splits([p for b in blocks for p in _pieces(b, log)], log)
    heads = [_is_heading(pieces, i) for i in range(len(pieces))]
    levels = _levels(pieces, heads)
    items: list[_Item] = []
    for piece, level in zip(pieces, levels):
        items.append(_Heading(piece.line, piece.text, level) if level else piece)
        if not level and _heading_like(piece.text) and piece is pieces[-1]:
            log.doubt(piece.line, "a short line with nothing after it; kept as a paragraph")
    return items


def _pieces(block: _Block, log: _Log) -> Iterator[_Piece]:
    """A block's paragraphs: wrapped lines joined, each lettered item on its own."""
    run: list[tuple[int, str]] = []
    for n, t in [*block.lines, (0, "")]:
        if run and (not t or _LETTERED.match(t)):
            line = run[0][0]
            yield _Piece(line, _repaired(line, _unwrap([x for _, x in run]), log),
                         block.after_break and line == block.line)
            run = []
        if t:
            run.append((n, t))


def _heading_like(text: str) -> bool:
    """Short, unpunctuated, not a list item, not a dated opening: could be a heading."""
    return (len(text) <= _HEADING_MAX and not _ends_sentence(text) and "。" not in text
            and not _LETTERED.match(text) and not _PARA_START.match(text)
            and not _SIGNED.search(text))


def _join_splits(pieces: list[_Piece], log: _Log) -> list[_Piece]:
    """Rejoin paragraphs the page break cut in two."""
    out: list[_Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if prev is not None and _continues(prev, piece):
            where = "at a page break" if piece.after_break else "across a blank line"
            log.repair(piece.line, f"joined to the paragraph of line {prev.line}: it was "
                       f"split {where} ('{prev.text[-6:]}' | '{piece.text[:6]}')")
            out[-1] = _Piece(prev.line, prev.text + piece.text, prev.after_break)
        else:
            if prev is not None and _unfinished(prev):
                log.doubt(prev.line, "paragraph ends without terminal punctuation; kept as is")
            out.append(piece)
    if out and _unfinished(out[-1]):
        log.doubt(out[-1].line, "paragraph ends without terminal punctuation; kept as is")
    return out


def _unfinished(piece: _Piece) -> bool:
    """Prose (too long or too punctuated for a heading) that stops mid-sentence."""
    return not _heading_like(piece.text) and not _ends_sentence(piece.text)


def _continues(prev: _Piece, nxt: _Piece) -> bool:
    if not _unfinished(prev) or _LETTERED.match(nxt.text) or _PARA_START.match(nxt.text):
        return False
    return nxt.text[:1] in _CONTINUATION or not _heading_like(nxt.text)


def _is_heading(pieces: list[_Piece], i: int) -> bool:
    """Heading-like and followed by something (a heading closes nothing at the end)."""
    return _heading_like(pieces[i].text) and i + 1 < len(pieces)


def _levels(pieces: list[_Piece], heads: list[bool]) -> list[int]:
    """0 for paragraphs; 2 for regions, 3 for the countries and topics inside them.

    A heading directly followed by another heading is the parent of it. Where
    the text nests no headings, every heading is level 2.
    """
    nested = any(heads[i] and heads[i + 1] for i in range(len(heads) - 1))
    levels: list[int] = []
    inside = False  # a parent heading has been seen
    for i, piece in enumerate(pieces):
        if not heads[i]:
            levels.append(0)
        elif i and heads[i - 1]:
            levels.append(levels[-1] + 1)
        elif i + 1 < len(heads) and heads[i + 1]:
            levels.append(2)
            inside = True
        else:
            top = not nested or not inside or piece.text in _REGION_HINTS
            levels.append(2 if top else 3)
    return levels


# --- metadata --------------------------------------------------------------


def _meta(head: _Masthead, title: _Piece | None, symbol: str, letter: list[_Item],
          annex: _AnnexParts | None, log: _Log, source: str) -> Meta:
    if title is None:
        raise DocpubError(source, None, "no title: the text has nothing after the masthead")
    letter_date = _zh_date(title.text)
    when = head.date or letter_date
    if when is None:
        raise DocpubError(source, title.line, "no date: neither a masthead date "
                          "('30 November 2020') nor a dated title ('2020年11月9日…的信')")
    annex_title = annex.title.text if annex and annex.title else ""
    return Meta(
        title=title.text, date=when, symbol=symbol,
        distribution=head.distribution or "General",
        original_language=head.original_language, letter_date=letter_date,
        author=_author(letter), presidency=_presidency(annex_title, log, annex),
        period=_period(annex_title),
    )


def _zh_date(text: str) -> date | None:
    m = _ZH_DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _author(letter: list[_Item]) -> str:
    for item in letter:
        if isinstance(item, Signature) and len(item.lines) > 1:
            first = item.lines[0][0]
            return first.text if isinstance(first, Text) else ""
    return ""


def _presidency(annex_title: str, log: _Log, annex: _AnnexParts | None) -> str:
    m = _PRESIDENCY.match(annex_title)
    if not m:
        return ""
    name = _COUNCIL_MEMBERS.get(m.group(1), "")
    if not name and annex and annex.title:
        log.doubt(annex.title.line, f"presidency '{m.group(1)}': no English name known; "
                  "add 'presidency' to the front matter")
    return name


def _period(annex_title: str) -> str:
    if m := _PERIOD_MONTH.search(annex_title):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    if m := _PERIOD_RANGE.search(annex_title):
        y1, m1, d1, y2, m2, d2 = m.groups()
        y2, m2 = y2 or y1, m2 or m1
        return f"{y1}-{int(m1):02d}-{int(d1):02d}/{y2}-{int(m2):02d}-{int(d2):02d}"
    return ""


def _missing(meta: Meta, doc: Document) -> tuple[str, ...]:
    have = {"title": bool(meta.title), "author": bool(meta.author), "annex": doc.annex is not None}
    out = [en for en, zh in _ENGLISH_FIELDS if have[zh]]
    for name in ("symbol", "letter_date", "author", "presidency", "period"):
        if not getattr(meta, name):
            out.append(name)
    return tuple(out)


# --- the model ---------------------------------------------------------------


def _assemble(doc_id: str, meta: Meta, letter: list[_Item], annex: _AnnexParts | None,
              source: str) -> Document:
    """Anchors and paragraph numbers are handed out in document order, as in Markdown."""
    anchors, numbers = AnchorSet(), count(1)
    body, sections = _nest(letter, anchors, numbers)
    built = None
    if annex is not None:
        title = annex.title.text if annex.title else ""
        if title:
            anchors.claim(slugify(title))
        blocks, annex_sections = _nest(annex.items, anchors, numbers)
        built = Annex(caption=(Text(annex.caption.text),),
                      title=(Text(title),) if title else (), blocks=blocks,
                      sections=annex_sections)
    return Document(id=doc_id, lang="zh-Hans", meta=meta, body=body, sections=sections,
                    annex=built, source=source)


@dataclass
class _Open:
    heading: _Heading
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def close(self) -> Section:
        return Section(self.heading.level, (Text(self.heading.text),), self.anchor,
                       tuple(self.blocks), tuple(self.subsections))


def _nest(items: list[_Item], anchors: AnchorSet, numbers: Iterator[int]
          ) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    leading: list[Block] = []
    top: list[Section] = []
    stack: list[_Open] = []

    def close_down_to(level: int) -> None:
        while stack and stack[-1].heading.level >= level:
            done = stack.pop().close()
            (stack[-1].subsections if stack else top).append(done)

    for item in items:
        if isinstance(item, _Heading):
            close_down_to(item.level)
            stack.append(_Open(item, anchors.claim(slugify(item.text))))
            continue
        block = _block(item, numbers)
        (stack[-1].blocks if stack else leading).append(block)
    close_down_to(0)
    return tuple(leading), tuple(top)


def _block(item: _Piece | Signature, numbers: Iterator[int]) -> Block:
    if isinstance(item, Signature):
        return item
    return Paragraph((Text(item.text),), id=f"p{next(numbers)}")
