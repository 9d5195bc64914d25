"""UN plain text of a resolution or a presidential statement -> Document of that kind.

Recognised by what only those kinds print: a resolution's adoption line
(``2020年2月28日安全理事会第8733次会议通过``) or symbol (``S/RES/2512 (2020)``), a
statement's header (``在……举行的第8733次会议上，……题为“……”的项目……声明：``) or symbol
(``S/PRST/2020/3``). The meeting, its date and the agenda item go to the front matter;
numbered paragraphs (``1. …``) and their sub-paragraphs (``(a) …``) become the kind's
numbered paragraphs. Every guess is reported with its line, like the letter reader's.
"""

from __future__ import annotations

import re
from datetime import date

from msgspec import Struct
from msgspec.structs import replace

from docpub.errors import DocpubError
from docpub.model import Block, Document, DocumentKind, Meta, Paragraph, Text
from docpub.readers.kinds import STATEMENT_TITLE, caption, default_title
from docpub.readers.linebreaks import unwrap
from docpub.readers.numbered import numbered_paragraph
from docpub.readers.untext.lines import TextBlock, read_blocks, repaired
from docpub.readers.untext.meta import Masthead, read_masthead
from docpub.readers.untext.report import ImportReport, Log

_SP = r"[ \t\u00a0\u3000]*"
_RES_SYMBOL = re.compile(rf"S/RES/\d+{_SP}[(（]\d{{4}}[)）]")
_PRST_SYMBOL = re.compile(r"S/PRST/\d{4}/\d+")
_DATE = rf"(?P<y>\d{{4}}){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"
_ADOPTION = re.compile(rf"{_DATE}{_SP}安全理事会{_SP}第{_SP}(?P<n>\d+){_SP}次会议通过")
_HEADER = re.compile(rf"在{_DATE}举行的(?:安全理事会)?{_SP}第{_SP}(?P<n>\d+){_SP}次会议上.*?"
                     r"题为“(?P<item>[^”]+)”的项目.*声明[：:]")
_RES_TITLE = re.compile(rf"第{_SP}\d+{_SP}[(（]\d{{4}}[)）]{_SP}号决议")
_NUMBER = re.compile(r"(\d{1,3})[.．]\s*")
_LABEL = re.compile(r"[(（](?:[a-z]{1,2}|[ivx]{1,6})[)）]")


class _Para(Struct, frozen=True):
    line: int
    text: str


def detect_kind(text: str) -> DocumentKind:
    """The kind a plain-text UN document shows itself to be (``letter`` when nothing else fits)."""
    lines = [line.strip() for line in text.splitlines()]
    if any(_ADOPTION.fullmatch(t) or _RES_SYMBOL.fullmatch(t) for t in lines):
        return "resolution"
    paragraphs = ("".join(t.strip() for t in block.splitlines()) for block in re.split(r"\n\s*\n", text))
    if any(_PRST_SYMBOL.fullmatch(t) for t in lines) or any(_HEADER.fullmatch(p) for p in paragraphs):
        return "presidential-statement"
    return "letter"


def read_kind(text: str, *, kind: DocumentKind, doc_id: str, source: str) -> tuple[Document, ImportReport]:
    log = Log()
    blocks, _ = read_blocks(text, log)
    symbol, blocks = _take_symbol(blocks, log)
    head, rest = read_masthead(blocks, log) if blocks else (Masthead(), [])
    paras = _paragraphs(rest, log)
    if not paras:
        raise DocpubError(source, None, "no text: the input is empty or only page furniture")
    meta, paras = _meta(kind, head, symbol, paras, log, source)
    problems: list[str] = []
    doc = Document(id=doc_id, lang="zh-Hans", meta=meta, body=_body(kind, paras, log),
                   source=source, caption=caption(meta, lambda _line, reason: problems.append(reason)))
    missing = tuple(k for k in ("title_en", "symbol") if not getattr(meta, k))
    for reason in problems:
        log.doubt(1, reason)
    return doc, log.report(missing)


def _take_symbol(blocks: list[TextBlock], log: Log) -> tuple[str, list[TextBlock]]:
    """The document's symbol, and the blocks without its lines (masthead and running headers)."""
    symbol, out = "", []
    for block in blocks:
        kept = []
        for n, t in block.lines:
            if _RES_SYMBOL.fullmatch(t) or _PRST_SYMBOL.fullmatch(t):
                if symbol:
                    log.repair(n, f"removed the running header '{t}'")
                symbol = symbol or re.sub(r"[ \t\u00a0\u3000]*[(（]", " (", t).replace("）", ")")
                continue
            kept.append((n, t))
        if kept:
            out.append(replace(block, line=kept[0][0], lines=tuple(kept)))
    return symbol, out


def _paragraphs(blocks: list[TextBlock], log: Log) -> list[_Para]:
    """Blank lines end a paragraph; so does a line that starts a numbered or labelled one."""
    out: list[_Para] = []
    for block in blocks:
        run: list[tuple[int, str]] = []
        for n, t in block.lines:
            if run and (_NUMBER.match(t) or _LABEL.match(t)):
                out.append(_para(run, log))
                run = []
            run.append((n, t))
        out.append(_para(run, log))
    return out


def _para(run: list[tuple[int, str]], log: Log) -> _Para:
    return _Para(run[0][0], repaired(run[0][0], unwrap([t for _, t in run]), log))


def _meta(kind: DocumentKind, head: Masthead, symbol: str, paras: list[_Para], log: Log,
          source: str) -> tuple[Meta, list[_Para]]:
    """The front matter the text gives, and the paragraphs that are left for the body."""
    title = ""
    if paras and (_RES_TITLE.fullmatch(paras[0].text) or paras[0].text == STATEMENT_TITLE):
        title, paras = paras[0].text, paras[1:]
    found = next(((i, m) for i, p in enumerate(paras[:3])
                  if (m := (_ADOPTION if kind == "resolution" else _HEADER).fullmatch(p.text))), None)
    meeting, when, item = None, None, ""
    if found is not None:
        i, m = found
        meeting, when = int(m["n"]), date(int(m["y"]), int(m["m"]), int(m["d"]))
        item = m.groupdict().get("item") or ""
        paras = paras[:i] + paras[i + 1:]
    else:
        log.doubt(paras[0].line if paras else 1, "no adoption line or statement header found: "
                  "add meeting, meeting_date (and agenda_item) to the front matter")
    distributed = head.date or when
    if distributed is None:
        raise DocpubError(source, None, "no date: neither a masthead date nor a meeting date")
    meta = Meta(title="", date=distributed, kind=kind, symbol=symbol, meeting=meeting, meeting_date=when,
                agenda_item=item, distribution=head.distribution or "General",
                original_language=head.original_language)
    return replace(meta, title=title or default_title(meta) or "?"), paras


def _body(kind: DocumentKind, paras: list[_Para], log: Log) -> tuple[Block, ...]:
    numbered = any(_NUMBER.match(p.text) for p in paras)
    prefix = "pp" if kind == "resolution" else ("u" if numbered else "p")
    body: list[Block] = []
    current: tuple[int, list[tuple[int, Block]]] | None = None
    plain = 0

    def close() -> None:
        if current is not None:
            body.append(numbered_paragraph(current[0], current[1], lambda n, r: log.doubt(n, r)))

    for p in paras:
        if m := _NUMBER.match(p.text):
            close()
            number = int(m.group(1))
            expected = (current[0] + 1) if current else 1
            if number != expected:
                log.doubt(p.line, f"paragraph {number} where {expected} was expected")
            current = (number, [(p.line, Paragraph((Text(p.text[m.end():]),)))])
        elif current is not None:
            if not _LABEL.match(p.text):
                log.doubt(p.line, f"unnumbered text after paragraph {current[0]}: kept inside it")
            current[1].append((p.line, Paragraph((Text(p.text),))))
        else:
            plain += 1
            body.append(Paragraph((Text(p.text),), f"{prefix}{plain}"))
    close()
    return tuple(body)


__all__ = ["detect_kind", "read_kind"]
