"""Editors' conversion glossaries and character-form tables, read from TSV files.

A glossary line is ``source<TAB>target<TAB>reason``. The source is Simplified
text; ASCII square brackets around its start or end give context that must be
there for the entry to apply but is not replaced: ``通过[视频]`` turns 通过 into
the target only before 视频 ("via"), leaving 通过了第…号决议 ("adopted") alone.

A form table line is ``form<TAB>form<TAB>reason``: one Traditional character
OpenCC prints and the one the edition prints instead (Hong Kong's 說 for
s2hk's 説), applied after conversion.

The reason is for editors: the review shows it beside every hit, and
``docpub check`` warns about an entry without one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from msgspec import Struct

from docpub.config import CONFIG_NAME, line_containing
from docpub.errors import DocpubError, Problem
from docpub.files import check_within, read_regular_text

# The characters a source term may hold: Han and CJK punctuation (the same set
# the editions convert); anything else could never match and is an error.
HAN_CHARS = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\u3000-\u303f\ufe30-\ufe4f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u00b7\u2014\u2015\u2018\u2019\u201c\u201d\u2026\u2e3a\u2e3b\u30fb"
)
_NOT_HAN = re.compile(f"[^{HAN_CHARS}]")
_SOURCE = re.compile(r"(?:\[(?P<before>[^\[\]]*)\])?(?P<term>[^\[\]]*)(?:\[(?P<after>[^\[\]]*)\])?")


class GlossaryEntry(Struct, frozen=True):
    term: str  # the Simplified text replaced
    target: str  # as written in the file
    reason: str  # why the entry exists, for editors
    file: str  # path relative to the site root, for messages and the review
    line: int
    before: str = ""  # Simplified text that must come right before the term
    after: str = ""  # ... and right after it

    @property
    def source(self) -> str:
        """The source column as written: the term with its context in brackets."""
        before = f"[{self.before}]" if self.before else ""
        after = f"[{self.after}]" if self.after else ""
        return f"{before}{self.term}{after}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class FormEntry(Struct, frozen=True):
    source: str  # one character, as OpenCC prints it
    target: str  # one character, as the edition prints it
    reason: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


Entry = TypeVar("Entry", GlossaryEntry, FormEntry)


# --- reading files -----------------------------------------------------------------


def site_file(root: Path, name: str) -> Path:
    """``name`` (as docpub.toml lists it) under the site folder ``root``; a path leading out of
    it is an error on its line of docpub.toml, where it is to be mended."""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        config = root / CONFIG_NAME
        raise DocpubError(str(config), line_containing(config, f'"{name}"') or line_containing(config, name),
                          f"'{name}' is outside the site: glossaries and form tables must live in the site folder")
    return path


def load_glossary(path: Path, *, name: str) -> tuple[GlossaryEntry, ...]:
    """Parse one TSV glossary; ``name`` is how its entries (and the reviews) cite the file."""
    return _load(path, name, _glossary_entry, "glossary")


def load_forms(path: Path, *, name: str) -> tuple[FormEntry, ...]:
    """Parse one table of character forms (``form<TAB>form<TAB>reason``)."""
    return _load(path, name, _form_entry, "table of character forms")


def _load(path: Path, name: str, parse: Callable[[list[str], str, int], Entry], what: str) -> tuple[Entry, ...]:
    """The entries of the file at ``path``; they cite it as ``name``, an error line by its path
    (as it does for a content file: it opens from wherever the build ran)."""
    text = read_regular_text(path, what=f"{what} file")  # a folder or a FIFO is an error line
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    try:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            entry = parse(_fields(line, name, number), name, number)
            if entry.source in first_line:
                raise DocpubError(name, number, f"duplicate source term '{entry.source}' "
                                                f"(first on line {first_line[entry.source]})")
            first_line[entry.source] = number
            entries.append(entry)
    except DocpubError as exc:
        raise DocpubError(str(path), exc.problem.line, exc.problem.reason) from None
    return tuple(entries)


def _fields(line: str, name: str, number: int) -> list[str]:
    fields = [f.strip() for f in line.split("\t")]
    if len(fields) not in (2, 3):
        raise DocpubError(name, number, "expected 'source<TAB>target<TAB>reason', "
                                        f"found {len(fields)} field(s)")
    if not fields[0] or not fields[1]:
        raise DocpubError(name, number, "empty source or target term")
    return fields if len(fields) == 3 else [*fields, ""]


def _glossary_entry(fields: list[str], name: str, number: int) -> GlossaryEntry:
    source, target, reason = fields
    parts = _SOURCE.fullmatch(source)
    if parts is None or not parts["term"] or "[]" in source:
        raise DocpubError(name, number, f"source '{source}' must be a term with optional context "
                                        "in brackets before or after it: 通过[视频], [收集的]信息")
    stray = _NOT_HAN.search(source.replace("[", "").replace("]", ""))
    if stray:
        # Such a term could never match: only Han runs are looked up.
        raise DocpubError(name, number, f"source term '{source}' contains '{stray.group()}'; "
                                        "terms may hold only Han characters and CJK punctuation")
    return GlossaryEntry(parts["term"], target, reason, name, number,
                         parts["before"] or "", parts["after"] or "")


def _form_entry(fields: list[str], name: str, number: int) -> FormEntry:
    source, target, reason = fields
    if len(source) != 1 or len(target) != 1:
        raise DocpubError(name, number, f"'{source}' -> '{target}': a form table maps one character "
                                        "to one character")
    return FormEntry(source, target, reason, name, number)


def merge(files: tuple[tuple[Entry, ...], ...]) -> dict[str, Entry]:
    """One table from several files; a later file's entry wins over an earlier one."""
    merged: dict[str, Entry] = {}
    for entries in files:
        for entry in entries:
            merged[entry.source] = entry
    return merged


def missing_reasons(entries: tuple[GlossaryEntry, ...] | tuple[FormEntry, ...]) -> Iterator[Problem]:
    """A warning for every entry that does not say why it exists."""
    for entry in entries:
        if not entry.reason:
            yield Problem(entry.file, entry.line, f"entry '{entry.source}' gives no reason "
                                                  "(third column): editors cannot audit it", "warning")


# --- matching ----------------------------------------------------------------------


class Hit(Struct, frozen=True):
    start: int
    end: int
    target: str  # as printed
    entry: GlossaryEntry


class Matcher:
    """Finds glossary entries in a run of Han text: leftmost first, then the longest.

    Length counts the context too, so ``通过[视频]`` beats a bare ``通过`` at the
    same place. ``targets`` maps each entry's source to the text it prints.
    """

    __slots__ = ("_by_first", "_first", "_lengths", "_starts", "_terms")

    # Up to this many terms, one regex of them all finds where one occurs (in C, the quickest for
    # a curated glossary of hundreds); it tries them one after another at each place, though,
    # so for a larger one (a terminology database's thousands) each place is looked up instead.
    ONE_REGEX = 1000

    def __init__(self, entries: Mapping[str, GlossaryEntry], targets: Mapping[str, str]) -> None:
        ordered = sorted(entries.values(), key=lambda e: (len(e.before) + len(e.term) + len(e.after),
                                                           len(e.term)), reverse=True)
        by_first: dict[str, list[tuple[GlossaryEntry, str]]] = {}
        for entry in ordered:
            by_first.setdefault(entry.term[0], []).append((entry, targets[entry.source]))
        self._by_first = {char: tuple(candidates) for char, candidates in by_first.items()}
        # Where a term occurs, context aside (``ONE_REGEX``): one regex of every term, or one of
        # the characters terms start with, the text there then looked up among each length's terms.
        self._terms = frozenset(e.term for e in ordered)
        self._lengths = tuple(sorted({len(t) for t in self._terms}))
        terms = sorted(self._terms, key=len, reverse=True)
        self._starts = re.compile("|".join(map(re.escape, terms))) if 0 < len(terms) <= self.ONE_REGEX else None
        self._first = re.compile("[" + "".join(map(re.escape, sorted(by_first))) + "]") \
            if len(terms) > self.ONE_REGEX else None

    def _term_at_or_after(self, text: str, at: int) -> int:
        """Where the first term of the glossary in ``text`` from ``at`` starts, or -1."""
        if self._starts is not None:
            found = self._starts.search(text, at)
            return -1 if found is None else found.start()
        first, terms, lengths = self._first, self._terms, self._lengths
        if first is None:
            return -1
        while (found := first.search(text, at)) is not None:
            start = found.start()
            if any(text[start:start + n] in terms for n in lengths):
                return start
            at = start + 1
        return -1

    def may_hit(self, text: str) -> bool:
        """False when no entry's term occurs in ``text``, so none can hit."""
        return self._term_at_or_after(text, 0) >= 0

    def hits(self, run: str) -> Iterator[Hit]:
        at = 0
        while (start := self._term_at_or_after(run, at)) >= 0:
            hit = self._hit_at(run, start)
            if hit is None:
                at = start + 1
            else:
                yield hit
                at = hit.end

    def _hit_at(self, run: str, at: int) -> Hit | None:
        for entry, target in self._by_first.get(run[at], ()):
            end = at + len(entry.term)
            if (run.startswith(entry.term, at) and run.startswith(entry.after, end)
                    and at >= len(entry.before) and run.startswith(entry.before, at - len(entry.before))):
                return Hit(at, end, target, entry)
        return None


# The review's table of characters with several Traditional forms (one per line: the
# character, a TAB, its forms), which every converted edition's review reads.
AMBIGUOUS_FILE = "content/glossary/ambiguous.txt"


def load_ambiguous(path: Path, *, site: Path) -> dict[str, tuple[str, ...]]:
    """``char -> forms`` from ``char<TAB>form form ...`` lines; ``path`` may be a link, but only
    to a place in the ``site`` folder."""
    check_within(path, site.resolve(), what="the list of ambiguous characters")
    text = read_regular_text(path, what="list of ambiguous characters")
    table: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        char, _, forms = line.partition("\t")
        if len(char) != 1 or not forms.split():
            raise DocpubError(str(path), number, "expected one character, a TAB and its forms")
        if char in table:
            raise DocpubError(str(path), number, f"duplicate character '{char}'")
        table[char] = tuple(forms.split())
    return table


__all__ = ["AMBIGUOUS_FILE", "FormEntry", "GlossaryEntry", "HAN_CHARS", "Hit", "Matcher", "load_ambiguous",
           "load_forms", "load_glossary", "merge", "missing_reasons", "site_file"]
