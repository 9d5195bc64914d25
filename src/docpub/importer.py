"""``docpub import``: UN plain text -> ``content/<doc-id>/zh-Hans.md``.

File-system and terminal work only; the reading is ``readers.untext`` and the
writing ``writers.markdown``, so both stay testable without files.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from msgspec.structs import replace

from docpub.errors import DocpubError, printable
from docpub.files import CONTROL_CHARACTERS
from docpub.model import Document
from docpub.readers.untext import ImportReport, read_untext
from docpub.readers.untext.report import Note
from docpub.symbols import parse_symbol
from docpub.writers.markdown import write_markdown

_DOC_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_SUFFIXES = (".zh-Hans.txt", ".txt")
_STDIN = "-"


def run_import(args: argparse.Namespace) -> int:
    source = "<stdin>" if args.input == _STDIN else str(args.input)
    text = _read_input(args.input, source)
    doc_id = _doc_id(args.doc_id, args.input)
    text, removed = _without_control_characters(text)
    doc, report = read_untext(text, doc_id=doc_id, source=source)
    if removed:
        report = replace(report, repairs=tuple(sorted((*report.repairs, *removed), key=lambda n: n.line)))
    doc, report = _with_english(doc, report, args)
    markdown = write_markdown(doc)
    if args.stdout:
        sys.stdout.write(markdown)
    else:
        target = Path(args.site) / "content" / doc_id / "zh-Hans.md"
        _write_new(target, markdown, force=args.force)
        print(f"wrote {target}")
    print_report(report, source, sys.stderr)
    return 0


# English metadata is not in the Chinese text; the editor gives it on the command line.
_ENGLISH = ("title_en", "author_en", "annex_title_en", "symbol")


def _with_english(doc: Document, report: ImportReport, args: argparse.Namespace) -> tuple[Document, ImportReport]:
    given = {name: value for name in _ENGLISH if (value := getattr(args, name, None))}
    if "symbol" in given:
        symbol = parse_symbol(given["symbol"])
        if symbol is None:
            raise DocpubError("--symbol", None, f"'{given['symbol']}' is not a UN document symbol")
        given["symbol"] = symbol.canonical
    if not given:
        return doc, report
    still_missing = tuple(m for m in report.missing if m not in given)
    return replace(doc, meta=replace(doc.meta, **given)), replace(report, missing=still_missing)


def _read_input(name: str, source: str) -> str:
    data = sys.stdin.buffer.read() if name == _STDIN else _read_bytes(Path(name))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DocpubError(source, line, f"not UTF-8: byte 0x{data[e.start]:02x} at offset "
                          f"{e.start}; convert the text to UTF-8 first") from None
    if not text.strip("\ufeff \t\r\n\f"):
        raise DocpubError(source, None, "empty input: nothing to import")
    return text


# Control characters a text may carry unseen (copied from a PDF or a word processor), but for
# its line ends, tabs and the form feeds between its pages: a content file may not hold them
# (the build refuses one), so they are taken out, and each line they were on is noted.
_UNSEEN = re.compile(f"[{CONTROL_CHARACTERS.replace(chr(12), '')}]")


def _without_control_characters(text: str) -> tuple[str, list[Note]]:
    notes = []
    for number, line in enumerate(text.split("\n"), 1):
        if found := sorted(set(_UNSEEN.findall(line))):
            codes = ", ".join(f"U+{ord(c):04X}" for c in found)
            notes.append(Note(number, f"control character(s) {codes} taken out (they print as nothing)"))
    return (_UNSEEN.sub("", text), notes) if notes else (text, notes)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DocpubError(str(path), None, "no such file") from None
    except OSError as e:
        raise DocpubError(str(path), None, f"cannot read: {e.strerror or e}") from None


def _doc_id(given: str | None, input_name: str) -> str:
    """``--id``, else the input's file name without ``.zh-Hans.txt`` / ``.txt``."""
    if given is None and input_name == _STDIN:
        raise DocpubError("<stdin>", None, "give the document id with --id when reading stdin")
    doc_id = given if given is not None else _stem(Path(input_name).name)
    if not _DOC_ID.fullmatch(doc_id):
        where = "--id" if given is not None else input_name
        raise DocpubError(where, None, f"document id '{doc_id}' must be lower-case letters, "
                          "digits, '.', '_' or '-', starting with a letter or digit; "
                          "choose one with --id")
    return doc_id


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _write_new(target: Path, text: str, *, force: bool) -> None:
    """Write atomically: a reader of ``target`` sees the old file or the new one, never half."""
    if target.exists() and not force:
        raise DocpubError(str(target), None, "already exists; use --force to overwrite it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise DocpubError(str(target), None, f"cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def print_report(report: ImportReport, source: str, out: TextIO) -> None:
    """``file:line: repaired|unsure: message`` lines, then the fields to fill in by hand."""
    for note in report.repairs:
        print(printable(f"{source}:{note.line}: repaired: {note.message}"), file=out)
    for note in report.unsure:
        print(printable(f"{source}:{note.line}: unsure: {note.message}"), file=out)
    if report.missing:
        print(printable(f"{source}: not in the text, fill in by hand: {', '.join(report.missing)}"),
              file=out)
