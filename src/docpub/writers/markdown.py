"""Document -> content Markdown, the format readers/markdown.py reads.

Used by ``docpub import``: reading the output gives back the same model, and
a content file written in the house style comes back byte for byte.
"""

from __future__ import annotations

import json
import re
from datetime import date

import yaml

from docpub.model import (
    Annex,
    Block,
    BlockQuote,
    BulletList,
    Citation,
    Code,
    CodeBlock,
    Document,
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
    Section,
    Signature,
    Strong,
    SubParagraph,
    Table,
    TableRow,
    Text,
)
from docpub.readers.frontmatter import FRONT_MATTER_KEYS

# Characters Markdown would read as markup anywhere in a line; `&` only when it
# would start an entity.
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<|]|&(?=#?[0-9A-Za-z]+;)")
# What would open a block (heading, quote, list, container, fence) at a line start.
_LINE_START = re.compile(r"^(?:([#>+=-])|(\d{1,9})([.)])|(:::|~~~))")
_BARE_FENCE = re.compile(r"^ *:::\s*$", re.MULTILINE)
_CLOSING_HASHES = re.compile(r"(#+)$")
_ANCHOR_LIKE = re.compile(r"\{(#[^{}\s]*\}[ \t]*)$")


def write_markdown(doc: Document) -> str:
    parts = [_front_matter(doc.meta), *_blocks(doc.body), *map(_section, doc.sections)]
    if doc.annex is not None:
        parts.append(_annex(doc.annex))
    parts.extend(map(_footnote, doc.footnotes))
    return "\n\n".join(p for p in parts if p) + "\n"


# --- front matter ------------------------------------------------------------


def _front_matter(meta: Meta) -> str:
    lines = ["---"]
    for key in FRONT_MATTER_KEYS:
        value = getattr(meta, key)
        if value not in ("", None, ()) and not (key == "kind" and value == "letter"):
            lines.append(f"{key}: {_yaml_value(value)}")
    return "\n".join([*lines, "---"])


def _yaml_value(value: str | int | date | tuple[tuple[str, str], ...]) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        pairs = (f"{_quoted(k)}: {_quoted(v)}" for k, v in value)
        return "{" + ", ".join(pairs) + "}"
    return value if _plain_is_safe(value) else _quoted(value)


def _plain_is_safe(text: str) -> bool:
    """Whether YAML reads ``key: text`` back as exactly this string."""
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text} and "\n" not in text
    except yaml.YAMLError:
        return False


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


# --- blocks ------------------------------------------------------------------


def _annex(annex: Annex) -> str:
    body = [*_blocks(annex.blocks), *map(_section, annex.sections)]
    if annex.title:
        body.insert(0, "# " + _heading_text(annex.title))
    # A container ends at the first bare fence of its length or longer, so an
    # annex holding a signature needs a longer fence than the signature's.
    fence = "::::" if any(_BARE_FENCE.search(b) for b in body) else ":::"
    caption = _inlines(annex.caption, at_line_start=False)
    opening = f"{fence} annex {caption}".rstrip()
    return opening + "\n\n" + "\n\n".join(body) + "\n" + fence


def _section(section: Section) -> str:
    heading = "#" * section.level + " " + _heading_text(section.title)
    if section.explicit_id:
        heading += " {#" + section.id + "}"
    return "\n\n".join([heading, *_blocks(section.blocks), *map(_section, section.subsections)])


def _heading_text(title: tuple[Inline, ...]) -> str:
    text = _inlines(title, at_line_start=False)
    # A trailing "#" run would be taken for closing hashes, "{#x}" for an anchor.
    text = _CLOSING_HASHES.sub(r"\\\1", text)
    return _ANCHOR_LIKE.sub(r"\\{\1", text)


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    # Two lists of a kind in a row would be read as one unless the marker changes
    # (numbered paragraphs may: each keeps the number written).
    return [_block(b, alt=i > 0 and type(blocks[i - 1]) is type(b)) for i, b in enumerate(blocks)]


def _footnote(note: Footnote) -> str:
    return _indented(f"[^{note.number}]: ", "\n\n".join(_blocks(note.blocks)), pad=4)


def _indented(marker: str, inner: str, *, pad: int) -> str:
    """``marker`` then ``inner``, its further lines indented to belong to the marker's block."""
    lines = inner.split("\n")
    rest = [" " * pad + line if line else "" for line in lines[1:]]
    return "\n".join([f"{marker}{lines[0]}".rstrip(" "), *rest])


def _numbered(block: NumberedParagraph | SubParagraph) -> str:
    head = _inlines(block.inlines, at_line_start=False)
    parts = [head, *(_numbered(b) if isinstance(b, SubParagraph) else _block(b) for b in block.blocks)]
    inner = "\n\n".join(p for p in parts if p or p is head)
    if isinstance(block, SubParagraph):
        return f"({block.label}) {inner}".rstrip(" ")
    marker = f"{block.number}. "
    return _indented(marker, inner, pad=len(marker))


def _table(table: Table) -> str:
    def row(r: TableRow) -> str:
        return "| " + " | ".join(_inlines(c.inlines, at_line_start=False) for c in r.cells) + " |"

    rule = {"": "---", "left": ":--", "center": ":-:", "right": "--:"}
    head = [row(r) for r in table.head]
    return "\n".join([*head, "| " + " | ".join(rule[a] for a in table.align) + " |",
                      *(row(r) for r in table.rows)])


def _code_block(block: CodeBlock) -> str:
    longest = max((len(run) for run in re.findall(r"^[ ]{0,3}(`{3,}|~{3,})", block.text, re.M)), default=0)
    # A backtick fence's info string may not hold a backtick ("~~~`" has the info "`"): then tildes.
    fence = ("~" if "`" in block.info else "`") * max(3, longest + 1)
    return f"{fence}{block.info}\n{block.text}\n{fence}" if block.text else f"{fence}{block.info}\n{fence}"


def _block(block: Block, *, alt: bool = False) -> str:
    if isinstance(block, Paragraph):
        return _inlines(block.inlines, at_line_start=True)
    if isinstance(block, BulletList):
        return _list(block.items, ["*" if alt else "-"] * len(block.items))
    if isinstance(block, OrderedList):
        dot = ")" if alt else "."
        return _list(block.items, [f"{block.start + i}{dot}" for i in range(len(block.items))])
    if isinstance(block, BlockQuote):
        inner = "\n\n".join(_blocks(block.blocks))
        # Only the spaces we add go: str.rstrip() would also eat control characters that are text.
        return "\n".join(f"> {line}".rstrip(" ") for line in inner.split("\n"))
    if isinstance(block, Signature):
        lines = (_inlines(line, at_line_start=True) for line in block.lines)
        return "\n".join(["::: signature", *lines, ":::"])
    if isinstance(block, (NumberedParagraph, SubParagraph)):
        return _numbered(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, CodeBlock):
        return _code_block(block)
    if isinstance(block, Rule):
        return "***"
    raise TypeError(f"not a block: {block!r}")


def _list(items: tuple[ListItem, ...], markers: list[str]) -> str:
    tight = all(_fits_tight(item.blocks) for item in items)
    rendered = [_list_item(item, marker, tight) for item, marker in zip(items, markers, strict=True)]
    return ("\n" if tight else "\n\n").join(rendered)


def _fits_tight(blocks: tuple[Block, ...]) -> bool:
    """Whether each block can follow the previous one without a blank line
    and still start a new block (the reader has no notion of tightness)."""
    for prev, block in zip(blocks, blocks[1:], strict=False):
        if isinstance(prev, Paragraph) and (
            isinstance(block, Paragraph) or (isinstance(block, OrderedList) and block.start != 1)
        ):
            return False
    return True


def _list_item(item: ListItem, marker: str, tight: bool) -> str:
    inner = ("\n" if tight else "\n\n").join(_blocks(item.blocks))
    if not inner:
        return marker
    pad = " " * (len(marker) + 1)
    lines = inner.split("\n")
    rest = [pad + line if line else "" for line in lines[1:]]
    return "\n".join([f"{marker} {lines[0]}", *rest])


# --- inlines -----------------------------------------------------------------


def _inlines(inlines: tuple[Inline, ...], *, at_line_start: bool) -> str:
    out: list[str] = []
    for x in inlines:
        start = at_line_start if not out else out[-1].endswith("\n")
        out.append(_inline(x, at_line_start=start))
    return "".join(out)


def _inline(x: Inline, *, at_line_start: bool) -> str:
    if isinstance(x, Text):
        return _escape(x.text, at_line_start=at_line_start)
    if isinstance(x, Emphasis):
        return "*" + _inlines(x.children, at_line_start=False) + "*"
    if isinstance(x, Strong):
        return "**" + _inlines(x.children, at_line_start=False) + "**"
    if isinstance(x, Code):
        return _code(x.text)
    if isinstance(x, LineBreak):
        return "\\\n"
    if isinstance(x, Link):
        text = _inlines(x.children, at_line_start=False)
        return f"[{text}]({_destination(x.url)}{_title(x.title)})"
    if isinstance(x, Image):
        alt = _escape(x.alt, at_line_start=False)
        return f"![{alt}]({_destination(x.src)}{_title(x.title)})"
    if isinstance(x, Citation):
        return _inlines(x.children, at_line_start=at_line_start)
    if isinstance(x, FootnoteRef):
        return f"[^{x.number}]"
    raise TypeError(f"not an inline: {x!r}")


def _escape(text: str, *, at_line_start: bool) -> str:
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    if not at_line_start:
        return text
    # Indentation would make a code block; it carries no meaning in prose.
    text = text.lstrip(" \t")
    m = _LINE_START.match(text)
    if m is None:
        return text
    if m.group(2):  # "1." stays a number once its dot is escaped
        return m.group(2) + "\\" + text[m.end(2):]
    return "\\" + text


def _code(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end when both ends have one.
    padded = text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and text.strip() != ""
    )
    pad = " " if padded else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _destination(url: str) -> str:
    if url and not re.search(r"[\s<>\\]", url) and _balanced(url):
        return url
    return "<" + re.sub(r"([<>\\])", r"\\\1", url) + ">"


def _balanced(url: str) -> bool:
    depth = 0
    for ch in url:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _title(title: str) -> str:
    if not title:
        return ""
    return ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
