"""Content Markdown (YAML front matter + CommonMark + two containers) -> Document.

This is the only module that sees markdown-it tokens; everything downstream
works on the model. The format is described in docs/content-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from msgspec.structs import replace

from docpub.anchors import AnchorSet, reserved_reason, slugify
from docpub.errors import DocpubError, Problem, did_you_mean, raise_problems
from docpub.files import check_text, read_regular
from docpub.model import (
    Alignment,
    Annex,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    DocumentKind,
    Emphasis,
    Footnote,
    FootnoteRef,
    Image,
    Inline,
    LineBreak,
    Link,
    ListItem,
    Meta,
    NumberedParagraph,
    OrderedList,
    Paragraph,
    Rule,
    Signature,
    Strong,
    Table,
    TableCell,
    TableRow,
    Text,
    plain_text,
)
from docpub.readers.frontmatter import FRONT_MATTER_KEYS, NO_TITLE, check_front_matter_end, collect_front_matter
from docpub.readers.kinds import caption, default_title
from docpub.readers.linebreaks import SOFT, SoftBreak, resolve_soft_breaks, split_lines
from docpub.readers.numbered import numbered_paragraph, split_label
from docpub.readers.sections import Heading, nest
from docpub.readers.urls import LINK_SCHEMES, image_problem, scheme

__all__ = ["FRONT_MATTER_KEYS", "read_file", "read_markdown"]

CONTAINERS = ("signature", "annex")
_Item = Block | Heading
_EXPLICIT_ID = re.compile(r"(?<!\\)\{#([^{}\s]*)\}[ \t]*$")
_VALID_ID = re.compile(r"\w[\w-]*")
_ALIGN: dict[str, Alignment] = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}
# A footnote call whose label no definition gives stays text; it is reported.
_CODE_SPAN = re.compile(r"(`+).*?\1", re.DOTALL)
_FOOTNOTE_CALL = re.compile(r"(?<!\\)\[\^([^\]\s]+)\](?!:)")
_LEAF_OPENERS = ("paragraph_open", "heading_open")  # hold only inline text, never dropped
# Han characters (what the Traditional editions convert).
_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{_HAN_CHARS}]")
# Emphasis marks left as text: '**' anywhere, '__' against a Han character (between Latin
# letters, as in a file name, it is read as text on purpose).
_LITERAL_MARKS = re.compile(f"\\*\\*|__(?=[{_HAN_CHARS}])|(?<=[{_HAN_CHARS}])__")
# A line begun with the full-width form of a Markdown mark (as a Chinese input method types
# it): '＃ 标题', '＞ 引文', '－ 项', '１． 段'. (Not '＊': a reissued document's note starts so.)
_FULL_WIDTH_MARK = re.compile("(＃{1,6})[ \u3000]*\\S|([＞])|([－＋])[ \u3000]|([０-９]{1,3}[．.])")
_TO_ASCII = str.maketrans("＃＞－＋０１２３４５６７８９．", "#>-+0123456789.")
_MARK_MAKES = {"#": "a heading", ">": "a quote", "-": "a list item", "+": "a list item"}  # else a number
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")  # as markdown-it splits a table row (a '\|' is text)


def read_file(path: Path, *, doc_id: str | None = None, lang: str | None = None,
              warnings: list[Problem] | None = None) -> Document:
    """Read ``content/<doc_id>/<lang>.md`` (or any file, given its id and language; ``warnings``:
    see ``read_markdown``)."""
    source = str(path)
    data = read_regular(path, what="content file")  # a FIFO or a folder is an error, never a wait
    return read_markdown(_decode(data, source), doc_id=doc_id or path.parent.name, source=source,
                         lang=lang or path.stem, warnings=warnings)


def read_markdown(
    text: str, *, doc_id: str, source: str = "<string>", lang: str = "zh-Hans",
    warnings: list[Problem] | None = None,
) -> Document:
    """The file's Document, or every problem found in it at once.

    ``warnings``, when given, receives what is valid Markdown but most likely not what the
    author meant (``docpub check`` lists them; a build accepts them, as Markdown does).

    One problem raises a DocpubError, several a ManyErrors in line order. A file
    that cannot be read at all (empty, binary, no front matter, malformed YAML)
    stops at that first problem.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocpubError(source, None, "empty file: expected front matter and text")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DocpubError(source, line, "NUL character: this looks like a binary file")
    check_front_matter_end(text, source)
    env: dict[str, Any] = {"references": _References()}
    tokens = _MD.parse(text, env)
    _check_nesting(tokens, source)
    tree = SyntaxTreeNode(tokens)
    first = tree.children[0] if tree.children else None
    block = first.content if first is not None and first.type == "front_matter" else None
    problems: list[Problem] = []
    # With mistakes in the front matter, the body is still read (with a placeholder meta).
    meta = collect_front_matter(block, file_text=text, source=source, problems=problems)
    reader = _Reader(source, problems, kind=meta.kind, footnote_labels=_footnote_labels(env),
                     lines=text.split("\n"), warnings=warnings)
    doc = reader.document(tree.children[1:], doc_id=doc_id, lang=lang, meta=meta)
    if warnings is not None:
        _warn_lazy_lines(tree, reader)
    _report_unused_footnotes(env, text, reader)
    _report_unused_references(env, reader)
    for line, marks in env.get("literal_marks", ()):
        if marks == "**":
            reader.warn(line, "'**' would be printed as text: Markdown does not read it as emphasis next "
                        "to punctuation such as “ or （ on its inner side; put the marks inside the "
                        "punctuation ('“**…**”'), or write '\\*\\*' to print asterisks")
        else:
            reader.warn(line, "'__' would be printed as text: Markdown does not read it as emphasis "
                        "inside a word, and a run of Chinese text is one; write '**…**', or '\\_\\_' "
                        "to print underscores")
    raise_problems(problems)
    return doc


def _warn_lazy_lines(tree: SyntaxTreeNode, reader: _Reader) -> None:
    """A line of a quote's or list item's paragraph without the quote's '>' or the item's
    indentation: Markdown takes it into that paragraph (a lazy continuation line), where a
    paragraph of its own after the quote or list was most likely meant (a blank line left out).
    One warning a paragraph, at its first such line. (Lists inside quotes are not looked at.)"""
    lines = reader.lines
    for node in tree.walk():
        if node.type != "paragraph" or not node.map:
            continue
        quotes, in_item, ancestor = 0, False, node.parent
        while ancestor is not None:
            if ancestor.type == "blockquote":
                quotes += 1
            elif ancestor.type == "list_item":
                in_item = True
            elif ancestor.type.startswith("footnote"):
                break  # (a footnote's text continues as its own rules say)
            ancestor = ancestor.parent
        else:
            start, end = node.map
            for n in range(start + 1, min(end, len(lines))):
                if quotes and (marks := _quote_marks(lines[n])) < quotes:
                    which = "no '>'" if not marks else "fewer '>' than the quote above it"
                    reader.warn(n + 1, f"this line has {which}, so Markdown takes it into the quote (a "
                                "lazy continuation line): to start a paragraph after the quote, leave a "
                                "blank line before it; to keep it in the quote, begin it with '>'")
                    break
                if not quotes and in_item and lines[n][:1] not in (" ", "\t"):
                    reader.warn(n + 1, "this line is not indented, so Markdown takes it into the list "
                                "item above it (a lazy continuation line): to start a paragraph after "
                                "the list, leave a blank line before it; to keep it in the item, indent "
                                "it as the item's text is")
                    break


def _quote_marks(line: str) -> int:
    """How many quote marks ('>') begin ``line`` (spaces between them allowed)."""
    count, rest = 0, line.lstrip(" \t")
    while rest.startswith(">"):
        count, rest = count + 1, rest[1:].lstrip(" \t")
    return count


def _check_nesting(tokens: list[Token], source: str) -> None:
    """Quotes and lists nested so deep that markdown-it would silently drop what is inside,
    and emphasis or links nested deeper than any text needs (each level is a step of recursion)."""
    limit = _MD.options["maxNesting"] - 1  # a container opened at this level has its content dropped
    for token in tokens:
        line = token.map[0] + 1 if token.map else None
        if token.nesting == 1 and token.level >= limit and token.type not in _LEAF_OPENERS:
            raise DocpubError(source, line, "quotes and lists nested too deeply here: their text would be lost; "
                              "flatten the nesting")
        if token.type == "inline" and _inline_depth(token.children or []) > limit:
            raise DocpubError(source, line, f"emphasis or links nested more than {limit} deep here; "
                              "flatten the nesting")


def _inline_depth(children: list[Token]) -> int:
    depth = deepest = 0
    for child in children:
        depth += child.nesting
        deepest = max(deepest, depth)
    return deepest


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise DocpubError(source, line, "NUL byte: this looks like a binary file, not Markdown")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        reason = f"not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}; save the file as UTF-8"
        raise DocpubError(source, line, reason) from None
    check_text(text, source)
    return text


def _note_literal_strong_marks(state: StateCore) -> None:
    """Note where a '**', or a '__' against Chinese text, stays text (a mark Markdown's rules did
    not take for emphasis), before escaped characters ('\\*') are joined into the text around them."""
    for token in state.tokens:
        for child in token.children or () if token.type == "inline" else ():
            if child.type == "text" and (m := _LITERAL_MARKS.search(child.content)):
                state.env.setdefault("literal_marks", []).append((token.map[0] + 1 if token.map else None, m[0]))
                break


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    for name in CONTAINERS:
        md.use(container_plugin, name)
    md.core.ruler.before("text_join", "literal_strong_marks", _note_literal_strong_marks)
    # markdown-it silently turns links it deems unsafe into plain text; we want to
    # report them to the author instead, so every URL reaches our own check.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _make_parser()


class _Reader:
    """Walks the syntax tree once; holds what must be unique or counted across it.

    Each mistake is added to ``problems`` and reading goes on with a stand-in, so
    that one pass finds them all; the Document is only used if there are none.
    """

    def __init__(self, source: str, problems: list[Problem], *, kind: DocumentKind = "letter",
                 footnote_labels: frozenset[str] = frozenset(), lines: Sequence[str] = (),
                 warnings: list[Problem] | None = None) -> None:
        self.source = source
        self.warnings = warnings
        self.lines = lines  # the file's, to tell a container's own closing fence from another's
        self.problems = problems
        self.kind = kind
        self.footnote_labels = footnote_labels
        self.anchors = AnchorSet()
        self.line = 0  # current line inside an inline run, for messages
        self.title = ""  # the first '# ' heading, when the front matter gives no title
        self.wants_title = False
        # In a kind with numbered paragraphs the main text's numbered lists are its
        # paragraphs (p1, p2 ... as numbered); other paragraphs are anchored pp1 ...
        # (a resolution's preamble) or u1 ... (unnumbered), letters keep p1, p2 ...
        self.numbering = False
        self.last_number = 0
        self.prefix = "p"
        self.paragraphs = 0
        self.anonymous = 0  # > 0 inside numbered paragraphs and footnotes: no paragraph ids

    def report(self, line: int | None, reason: str) -> None:
        self.problems.append(Problem(self.source, line, reason))

    def warn(self, line: int | None, reason: str) -> None:
        """Valid Markdown that is most likely a slip (kept only when warnings are asked for)."""
        if self.warnings is not None:
            self.warnings.append(Problem(self.source, line, reason, "warning"))

    def document(self, nodes: list[SyntaxTreeNode], *, doc_id: str, lang: str, meta: Meta
                 ) -> Document:
        self._claim_explicit_ids(nodes)
        nodes, notes = _split_footnotes(nodes)
        letter, annex, after = _split_annex(nodes)
        self.wants_title = meta.title == NO_TITLE
        self.numbering = self.kind != "letter" and any(n.type == "ordered_list" for n in letter)
        if self.numbering:
            self.prefix = "pp" if self.kind == "resolution" else "u"
        body, sections = nest(self.items(letter, main=True))
        if self.wants_title and default_title(meta):
            self.title, self.wants_title = default_title(meta), False
        if self.wants_title:
            self.report(1, "no title: give the front matter a 'title:' or start the text with a '# ' heading")
        self.prefix = "u" if self.numbering else self.prefix
        if after:
            self.report(_line(after[0]), "nothing may follow the annex; "
                        "is a closing ':::' missing or misplaced?")
            for node in after:  # still looked through for their own mistakes
                if node.type == "container_annex":
                    self.annex(node)
                else:
                    self.item(node)
        if self.title:
            meta = replace(meta, title=self.title)
        return Document(id=doc_id, lang=lang, meta=meta, body=body, sections=sections,
                        annex=self.annex(annex) if annex else None,
                        footnotes=self.footnotes(notes), source=self.source,
                        caption=caption(meta, self.report))

    def _claim_explicit_ids(self, nodes: list[SyntaxTreeNode]) -> None:
        """Explicit ids win over generated ones wherever they appear."""
        for node in nodes:
            for sub in node.walk():
                if sub.type == "heading" and (m := _EXPLICIT_ID.search(sub.children[0].content)):
                    self._claim_explicit(m.group(1), _line(sub))

    def _claim_explicit(self, wanted: str, line: int) -> None:
        if not _VALID_ID.fullmatch(wanted):
            self.report(line, f"anchor '{{#{wanted}}}': use letters, digits, '-' and '_'")
        elif reason := reserved_reason(wanted):
            self.report(line, f"anchor {reason}; choose another")
        elif self.anchors.claim(wanted) != wanted:
            self.report(line, f"anchor '#{wanted}' is used twice")

    def annex(self, node: SyntaxTreeNode) -> Annex:
        caption = self.inline_text(node.info.strip()[len("annex"):].strip(), _line(node))
        children = list(node.children)
        title: tuple[Inline, ...] = ()
        if children and children[0].type == "heading" and children[0].tag == "h1":
            title = self.heading(children.pop(0)).title
        blocks, sections = nest(self.items(children))
        return Annex(caption=caption, title=title, blocks=blocks, sections=sections)

    def footnotes(self, block: SyntaxTreeNode | None) -> tuple[Footnote, ...]:
        if block is None:
            return ()
        self.anonymous += 1
        notes = tuple(Footnote(int(n.meta["id"]) + 1, self.blocks(n.children), f"fn{int(n.meta['id']) + 1}")
                      for n in block.children)
        self.anonymous -= 1
        return notes

    def items(self, nodes: list[SyntaxTreeNode], *, main: bool = False) -> list[_Item]:
        out: list[_Item] = []
        for node in nodes:
            if main and self.numbering and node.type == "ordered_list":
                out.extend(self.numbered(node))
                continue
            x = self.item(node, main=main)
            if x is None or _empty(x):
                continue
            if main and self.numbering and isinstance(x, Paragraph):
                self._check_unnumbered(x, _line(node))
            out.append(x)
        return out

    def item(self, node: SyntaxTreeNode, *, main: bool = False) -> _Item | None:
        if node.type != "heading":
            return self.block(node)
        heading = self.heading(node)
        if node.tag == "h1" and main and self.wants_title:
            self.title, self.wants_title = plain_text(heading.title), False
            return None
        return heading

    def numbered(self, node: SyntaxTreeNode) -> list[NumberedParagraph]:
        """A numbered list of the main text: paragraphs numbered as written, without gaps."""
        out: list[NumberedParagraph] = []
        for item in node.children:
            line = _line(item)
            number = int(item.info) if item.info.isdigit() else self.last_number + 1
            if number != self.last_number + 1:
                after = f"follows paragraph {self.last_number}" if self.last_number else "comes first"
                self.report(line, f"paragraph {number} {after}: number the paragraphs 1, 2, 3 ... "
                            "without gaps, continuing through headings")
            self.last_number = number
            self.anonymous += 1
            parts = [(_line(c), b) for c in item.children if not _empty(b := self.block(c))]
            self.anonymous -= 1
            out.append(numbered_paragraph(number, parts, self.report))
        return out

    def _check_unnumbered(self, p: Paragraph, line: int) -> None:
        labelled = split_label(p.inlines)
        if labelled is not None:
            self.report(line, f"sub-paragraph ({labelled[0]}) must be indented under its numbered "
                        "paragraph, by as many spaces as the number takes ('   (a) ...')")
        elif self.kind == "resolution" and self.last_number:
            self.report(line, "in a resolution the text after the first operative paragraph is "
                        "numbered ('4. ...') or indented under a numbered paragraph")

    def heading(self, node: SyntaxTreeNode) -> Heading:
        line, inline, level = _line(node), node.children[0], int(node.tag[1])
        if node.markup in ("=", "-") and node.map:  # a paragraph over a line of '---' or '==='
            self.warn(line, f"the line of '{node.markup * 3}' under this text (line {node.map[1]}) makes "
                      "it a heading: if a '---' rule was meant, leave a blank line before it")
        m = _EXPLICIT_ID.search(inline.content)
        title = self.inline_text(inline.content[: m.start()].rstrip(), line) if m else self.inlines(inline, line)
        if not plain_text(title).strip():  # (an entry of the contents with nothing to click)
            self.warn(line, "empty heading: write its title after the '#' marks, or delete the line")
        if m:
            return Heading(level, title, m.group(1), explicit_id=True)
        return Heading(level, title, self.anchors.claim(slugify(plain_text(title))))

    def block(self, node: SyntaxTreeNode) -> Block:
        line, kind = _line(node), node.type
        if kind == "paragraph":
            return self.paragraph(node)
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(ListItem(self.blocks(item.children)) for item in node.children)
            if kind == "bullet_list":
                return BulletList(items)
            return OrderedList(items, int(node.attrs.get("start", 1)))
        if kind == "blockquote":
            return BlockQuote(self.blocks(node.children))
        if kind == "container_signature":
            return self.signature(node)
        if kind == "table":
            return self.table(node)
        if kind in ("fence", "code_block"):
            if kind == "fence" and (unclosed := self._unclosed_code(node)):
                self.warn(*unclosed)
            if kind == "code_block" and _HAN.search(node.content):
                # Text indented by mistake (as paragraphs pasted from elsewhere often are) would
                # stay Simplified in every edition, in a monospace box, its citations unlinked.
                self.warn(line, "this text is indented by four spaces or more, which makes it a code "
                          "block (printed as written: never converted to Traditional script, its "
                          "citations not linked); remove the indentation, or put it between '```' "
                          "lines to keep it as code")
            return CodeBlock(node.content.removesuffix("\n"), node.info.strip())
        if kind == "hr":
            return Rule()
        if kind == "heading":
            self.report(line, "headings cannot be inside lists, quotes, tables, footnotes or signatures")
            return Paragraph(self.heading(node).title)
        if kind == "container_annex":
            self.report(line, "the annex must be at the top level, after the letter")
            self.annex(node)
            return Paragraph(())
        self.report(line, f"'{kind}' is not supported in content files")
        return Paragraph(())

    def blocks(self, nodes: list[SyntaxTreeNode]) -> tuple[Block, ...]:
        return tuple(b for b in (self.block(n) for n in nodes) if not _empty(b))

    def table(self, node: SyntaxTreeNode) -> Table:
        head: list[TableRow] = []
        rows: list[TableRow] = []
        align: list[Alignment] = []
        for part in node.children:  # thead, tbody
            for tr in part.children:
                cells = []
                for cell in tr.children:
                    if part.type == "thead":
                        align.append(_ALIGN.get(str(cell.attrs.get("style", "")), ""))
                    inline = cell.children[0] if cell.children else None
                    cells.append(TableCell(self.inlines(inline, _line(tr)) if inline else ()))
                (head if part.type == "thead" else rows).append(TableRow(tuple(cells)))
                if part.type == "tbody" and self._on_own_lines(node):
                    self._check_row_width(tr, len(align))
        return Table(tuple(head), tuple(rows), tuple(align))

    def _check_row_width(self, tr: SyntaxTreeNode, columns: int) -> None:
        """A row with more cells than the table has columns: markdown-it drops the cells after
        the last column, which would vanish unseen."""
        if tr.map is None or tr.map[0] >= len(self.lines):
            return
        cells = _CELL_SEPARATOR.split(self.lines[tr.map[0]].strip())
        cells = cells[cells[0] == "":len(cells) - (len(cells) > 1 and cells[-1] == "")]
        if extra := [c.strip() for c in cells[columns:] if c.strip()]:
            self.report(_line(tr), f"this row has {len(cells)} cells and the table {columns} columns: "
                        f"'{extra[0]}' would not be printed; add a column to the header row (and a "
                        "'---' under it), or write a '|' of the text as '\\|'")

    def paragraph(self, node: SyntaxTreeNode) -> Paragraph:
        inline = node.children[0]
        _check_stray_container(inline.content, _line(node), self)
        self._check_footnote_calls(inline.content, _line(node))
        for i, text_line in enumerate(inline.content.split("\n") if self.warnings is not None else ()):
            if m := _FULL_WIDTH_MARK.match(text_line):
                mark = next(g for g in m.groups() if g)
                ascii_mark = mark.translate(_TO_ASCII)
                what = _MARK_MAKES.get(ascii_mark[0], "a numbered paragraph")
                self.warn(_line(node) + i, f"this line starts with the full-width '{mark}', which is text: "
                          f"to make it {what}, write '{ascii_mark}'")
        inlines = resolve_soft_breaks(self.raw_inlines(inline.children, _line(node)))
        if not inlines:  # e.g. a line of no-break spaces, which markdown-it trims away
            return Paragraph(())
        if self.anonymous:
            return Paragraph(inlines)
        self.paragraphs += 1
        return Paragraph(inlines, id=f"{self.prefix}{self.paragraphs}")

    def _check_footnote_calls(self, raw: str, line: int) -> None:
        for m in _FOOTNOTE_CALL.finditer(_CODE_SPAN.sub("", raw)):
            if m.group(1) not in self.footnote_labels:
                self.report(line, f"footnote '[^{m.group(1)}]' is not defined: add a line "
                            f"'[^{m.group(1)}]: text' (or write '\\[^' for the characters)")

    def signature(self, node: SyntaxTreeNode) -> Signature:
        # A signature whose ':::' is missing runs on over what follows it: that is reported
        # once, where it opens, rather than as a mistake in each block it swallowed.
        unclosed = self._unclosed(node)
        if unclosed is None:
            inner = next((c for c in node.children if c.type.startswith("container_")), None)
            if inner is not None:
                unclosed = (_line(inner), f"'{inner.markup} {inner.type.removeprefix('container_')}' inside the "
                            f"signature opened at line {_line(node)}: is the signature's closing ':::' missing?")
        if unclosed is not None:
            self.report(*unclosed)
        lines: list[tuple[Inline, ...]] = []
        for para in node.children:
            if para.type != "paragraph":
                if unclosed is None:
                    self.report(_line(para), "a signature holds only lines of text")
                if para.type == "heading":
                    self.heading(para)
                elif para.type == "container_annex":
                    self.annex(para)
                else:
                    self.block(para)
                continue
            lines.extend(split_lines(self.raw_inlines(para.children[0].children, _line(para))))
        return Signature(tuple(lines))

    def _unclosed(self, node: SyntaxTreeNode) -> tuple[int, str] | None:
        """Why container ``node`` (at the top level or in another container) is not closed by
        a ':::' line of its own: (its line, the reason), or None when it is."""
        parent = node.parent
        if not self._on_own_lines(node) or node.map is None:
            return None
        own, end = node.markup, node.map[1]
        fence = _fence(self.lines[end]) if end < len(self.lines) else ""
        name = f"'{own} {node.type.removeprefix('container_')}'"
        add = f"add a line '{own}' after its last line"
        if parent is not None and not parent.is_root and parent.map is not None and end == parent.map[1]:
            # It ran on to the fence of the container around it (which it cannot see).
            around = parent.type.removeprefix("container_")
            if len(fence) > len(own):
                return _line(node), f"{name} is not closed before the {around} around it ends: {add}"
            return (_line(node), f"{name} is not closed: the '{fence}' of line {end + 1} closes the {around} "
                    f"around it; {add}, and open and close the {around} with '{own}:'")
        if not fence:
            return _line(node), f"{name} is not closed: {add}"
        if len(fence) > len(own):
            return _line(node), f"{name} is closed only by the '{fence}' of line {end + 1}: {add}"
        return None

    def _on_own_lines(self, node: SyntaxTreeNode) -> bool:
        """Whether ``node``'s lines are the file's as written: it is at the top level or in
        containers only (in a quote or a list, each line carries their markers)."""
        above = node.parent
        while above is not None and (above.is_root or above.type.startswith("container_")):
            above = above.parent
        return bool(self.lines) and above is None

    def _unclosed_code(self, node: SyntaxTreeNode) -> tuple[int, str] | None:
        """Why a fenced code block is not closed (it would hold the rest of the text), or None."""
        if node.map is None or not self._on_own_lines(node):
            return None
        start, end = node.map
        own = node.markup
        if start < end - 1 < len(self.lines) and len(_fence(self.lines[end - 1], own[0])) >= len(own):
            return None
        return (_line(node), f"the code block opened with '{own}' is not closed, so it holds the rest of "
                f"the text: add a line '{own}' after its last line")

    def inline_text(self, text: str, line: int) -> tuple[Inline, ...]:
        tokens = _MD.parseInline(text)
        if any(_inline_depth(t.children or []) > _MD.options["maxNesting"] - 1 for t in tokens):
            self.report(line, "emphasis or links nested too deeply here; flatten the nesting")
            return ()
        parsed = SyntaxTreeNode(tokens)
        return self.inlines(parsed.children[0], line) if parsed.children else ()

    def inlines(self, inline: SyntaxTreeNode, line: int) -> tuple[Inline, ...]:
        return resolve_soft_breaks(self.raw_inlines(inline.children, line))

    def raw_inlines(self, nodes: list[SyntaxTreeNode], line: int) -> list[Inline | SoftBreak]:
        self.line = line
        return self._inline_seq(nodes)

    def _inline_seq(self, nodes: list[SyntaxTreeNode]) -> list[Inline | SoftBreak]:
        # A footnote's back-link is the writers' business, not the text's.
        return [self._inline(n) for n in nodes if n.type != "footnote_anchor"]

    def _inline(self, node: SyntaxTreeNode) -> Inline | SoftBreak:
        kind = node.type
        if kind in ("text", "text_special"):
            return Text(node.content)
        if kind in ("softbreak", "hardbreak"):
            self.line += 1
            return SOFT if kind == "softbreak" else LineBreak()
        if kind == "code_inline":
            return Code(node.content)
        if kind in ("em", "strong"):
            children = resolve_soft_breaks(self._inline_seq(node.children))
            return Emphasis(children) if kind == "em" else Strong(children)
        if kind == "link":
            return self._link(node)
        if kind == "image":
            return self._image(node)
        if kind == "footnote_ref":
            return FootnoteRef(int(node.meta["id"]) + 1)
        self.report(self.line, f"unsupported inline markup '{kind}'")
        return Text("")

    def _link(self, node: SyntaxTreeNode) -> Link:
        url = str(node.attrs["href"])
        kind = scheme(url)
        if kind is not None and kind not in LINK_SCHEMES:
            self.report(self.line, f"link to '{url}': only http, https, mailto and "
                        "relative links are allowed")
        children = resolve_soft_breaks(self._inline_seq(node.children))
        return Link(children, url, str(node.attrs.get("title", "")))

    def _image(self, node: SyntaxTreeNode) -> Image:
        src = str(node.attrs["src"])
        if problem := image_problem(src):
            self.report(self.line, f"image '{src}': {problem}")
        alt = plain_text(resolve_soft_breaks(self._inline_seq(node.children)))
        return Image(src, alt, str(node.attrs.get("title", "")))


def _split_footnotes(nodes: list[SyntaxTreeNode]) -> tuple[list[SyntaxTreeNode], SyntaxTreeNode | None]:
    """The text, and the footnotes markdown-it gathers after it (wherever they were defined)."""
    if nodes and nodes[-1].type == "footnote_block":
        return nodes[:-1], nodes[-1]
    return nodes, None


def _footnote_labels(env: dict[str, Any]) -> frozenset[str]:
    return frozenset(key[1:] for key in env.get("footnotes", {}).get("refs", {}))


def _report_unused_footnotes(env: dict[str, Any], text: str, reader: _Reader) -> None:
    """markdown-it drops a footnote nothing calls; the author hears of it instead."""
    lines = text.split("\n")
    for key, number in env.get("footnotes", {}).get("refs", {}).items():
        if number == -1:
            label = key[1:]
            line = next((i for i, t in enumerate(lines, 1) if t.lstrip().startswith(f"[^{label}]:")), None)
            reader.report(line, f"footnote '[^{label}]' is never called: add '[^{label}]' where it "
                          "belongs in the text, or delete it")


class _References(dict[str, Any]):
    """A file's link definitions (``[label]: url``) as markdown-it keeps them, noting the labels
    its links look up (a link or image finds its definition with ``get``)."""

    def __init__(self) -> None:
        super().__init__()
        self.looked_up: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.looked_up.add(key)
        return super().get(key, default)


def _report_unused_references(env: dict[str, Any], reader: _Reader) -> None:
    """A link definition is printed nowhere: one that no link uses (a line such as
    '[附件]: 见第2页' is read as one) or that repeats a label would lose its text unseen."""
    refs = env["references"]
    found = [(ref["map"][0], "no link uses it: use it in a link, delete it, or")
             for label, ref in refs.items() if label not in refs.looked_up]
    found += [(ref["map"][0], f"its label is the one of line {refs[ref['label']]['map'][0] + 1}, which links "
               "use: delete it, or") for ref in env.get("duplicate_refs", ())]
    for start, what in sorted(found):
        text = reader.lines[start].strip() if start < len(reader.lines) else ""
        shown = text if len(text) <= 40 else text[:39] + "…"
        reader.report(start + 1, f"'{shown}' is a link definition (not printed) and {what} write '\\[' "
                      "for its first '[' to print the line as text")


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 1


def _split_annex(
    nodes: list[SyntaxTreeNode],
) -> tuple[list[SyntaxTreeNode], SyntaxTreeNode | None, list[SyntaxTreeNode]]:
    """The letter, the annex and what follows the annex (which is a mistake)."""
    for i, node in enumerate(nodes):
        if node.type == "container_annex":
            return nodes[:i], node, nodes[i + 1:]
    return nodes, None, []


def _check_stray_container(raw: str, line: int, reader: _Reader) -> None:
    if not raw.startswith(":::"):
        return
    name = raw.lstrip(":").split(maxsplit=1)[0] if raw.strip(":").strip() else ""
    if not name:
        reader.report(line, "stray ':::' closes nothing")
        return
    hint = did_you_mean(name, CONTAINERS)
    reader.report(line, f"unknown container '{name}'{hint}; known: {', '.join(CONTAINERS)}")


def _fence(line: str, mark: str = ":") -> str:
    """The marks of a line that can close a container (':::') or a code block ('```', '~~~'):
    three or more and nothing but spaces around them; else ''."""
    bare = line.strip(" \t")
    return bare if len(bare) >= 3 and not bare.strip(mark) and len(line) - len(line.lstrip(" ")) < 4 else ""


def _empty(x: object) -> bool:
    """A paragraph with nothing in it: a placeholder after a reported problem, or blank text."""
    return isinstance(x, Paragraph) and not x.inlines
