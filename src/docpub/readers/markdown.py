"""Content Markdown (YAML front matter + CommonMark + two containers) -> Document.

This is the only module that sees markdown-it tokens; everything downstream
works on the model. The format is described in docs/content-format.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from docpub.anchors import AnchorSet, slugify
from docpub.errors import DocpubError, did_you_mean
from docpub.model import (
    Annex, Block, BlockQuote, BulletList, Code, Document, Emphasis, Image, Inline, LineBreak,
    Link, ListItem, Meta, OrderedList, Paragraph, Section, Signature, Strong, Text, plain_text,
)

# The order the Markdown writer uses; also the set of allowed keys.
FRONT_MATTER_KEYS: tuple[str, ...] = (
    "title", "title_en", "symbol", "date", "letter_date", "distribution", "original_language",
    "author", "author_en", "presidency", "period", "annex_title_en", "links",
)
REQUIRED_KEYS = ("title", "date")
CONTAINERS = ("signature", "annex")
_DATE_KEYS = ("date", "letter_date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERIOD = re.compile(r"\d{4}-\d{2}|\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}")
_EXPLICIT_ID = re.compile(r"(?<!\\)\{#([^{}\s]*)\}[ \t]*$")
_VALID_ID = re.compile(r"\w[\w-]*")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LINK_SCHEMES = ("http", "https", "mailto")
_UNSUPPORTED = {
    "fence": "code blocks", "code_block": "code blocks (4-space indentation)",
    "hr": "horizontal rules", "html_block": "raw HTML",
}


def read_file(path: Path) -> Document:
    """Read ``content/<doc_id>/<lang>.md``."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocpubError(source, None, f"cannot read file: {e.strerror or e}") from None
    return read_markdown(_decode(data, source), doc_id=path.parent.name, source=source,
                         lang=path.stem)


def read_markdown(
    text: str, *, doc_id: str, source: str = "<string>", lang: str = "zh-Hans"
) -> Document:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocpubError(source, None, "empty file: expected front matter and text")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DocpubError(source, line, "NUL character: this looks like a binary file")
    tree = SyntaxTreeNode(_MD.parse(text))
    meta = _read_front_matter(tree, text, source)
    return _Reader(source).document(tree.children[1:], doc_id=doc_id, lang=lang, meta=meta)


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise DocpubError(source, line, "NUL byte: this looks like a binary file, not Markdown")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        reason = f"not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}; save the file as UTF-8"
        raise DocpubError(source, line, reason) from None


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.use(front_matter_plugin)
    for name in CONTAINERS:
        md.use(container_plugin, name)
    # markdown-it silently turns links it deems unsafe into plain text; we want to
    # report them to the author instead, so every URL reaches our own check.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _make_parser()


# --- front matter ------------------------------------------------------------


def _read_front_matter(tree: SyntaxTreeNode, text: str, source: str) -> Meta:
    first = tree.children[0] if tree.children else None
    if first is None or first.type != "front_matter":
        reason = ("front matter is not closed: add a '---' line after it"
                  if text.startswith("---\n") else
                  "no front matter: the file must start with a '---' line, then title: and date:")
        raise DocpubError(source, 1, reason)
    return _meta_from(_yaml_mapping(first.content, source), source)


def _yaml_mapping(text: str, source: str) -> dict[str, tuple[int, Any]]:
    """``key -> (line, value)``; YAML starts on line 2 of the file."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise DocpubError(source, 1, "front matter is empty: title and date are required")
        if not isinstance(root, yaml.MappingNode):
            raise DocpubError(source, root.start_mark.line + 2,
                              "front matter must be a mapping of 'key: value' lines")
        return _yaml_entries(loader, root, source)
    except yaml.MarkedYAMLError as e:
        raise DocpubError(source, _yaml_error_line(e), f"malformed YAML front matter: "
                          f"{e.problem}" + (f" ({e.context})" if e.context else "")) from None
    finally:
        loader.dispose()


def _yaml_error_line(e: yaml.MarkedYAMLError) -> int:
    # An unclosed bracket or quote is noticed lines later; the author's mistake
    # is where it was opened.
    opened = e.context and ("flow" in e.context or "quoted" in e.context)
    mark = (e.context_mark if opened else None) or e.problem_mark or e.context_mark
    return mark.line + 2 if mark else 1


def _yaml_entries(
    loader: yaml.SafeLoader, root: yaml.MappingNode, source: str
) -> dict[str, tuple[int, Any]]:
    out: dict[str, tuple[int, Any]] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 2
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in FRONT_MATTER_KEYS:
            hint = did_you_mean(str(key), FRONT_MATTER_KEYS)
            raise DocpubError(source, line, f"unknown front matter key '{key}'{hint}")
        if key in out:
            raise DocpubError(source, line, f"front matter key '{key}' is given twice")
        try:
            out[key] = (line, loader.construct_object(value_node, deep=True))
        except ValueError as e:  # YAML accepts 2020-13-45 as a timestamp, Python does not
            raise DocpubError(source, line, f"'{key}': {e}") from None
    return out


def _meta_from(entries: dict[str, tuple[int, Any]], source: str) -> Meta:
    for key in REQUIRED_KEYS:
        if key not in entries:
            raise DocpubError(source, 1, f"front matter has no '{key}' (required)")
    values: dict[str, Any] = {}
    for key, (line, value) in entries.items():
        values[key] = _meta_value(key, value, source, line)
    if not values["title"]:
        raise DocpubError(source, entries["title"][0], "'title' is empty")
    return Meta(**values)


def _meta_value(key: str, value: Any, source: str, line: int) -> Any:
    if key in _DATE_KEYS:
        return _date(key, value, source, line)
    if key == "links":
        return _links(value, source, line)
    if not isinstance(value, str):
        raise DocpubError(source, line, f"'{key}' must be text; put the value in quotes")
    if key == "period" and not _PERIOD.fullmatch(value):
        raise DocpubError(source, line, "'period' must be YYYY-MM or YYYY-MM-DD/YYYY-MM-DD")
    return value


def _date(key: str, value: Any, source: str, line: int) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as e:
            raise DocpubError(source, line, f"'{key}': {e}") from None
    if isinstance(value, date) and type(value) is date:  # datetime is a date subclass
        return value
    raise DocpubError(source, line, f"'{key}' must be a date written YYYY-MM-DD, not {value!r}")


def _links(value: Any, source: str, line: int) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DocpubError(source, line, "'links' must map document symbols to URLs (text)")
    for symbol, url in value.items():
        if _scheme(url) not in ("http", "https"):
            raise DocpubError(source, line, f"'links': {symbol}: URL must start with https://")
    return tuple(value.items())


# --- body --------------------------------------------------------------------


@dataclass
class _OpenSection:
    """A section whose end has not been seen yet."""

    level: int
    title: tuple[Inline, ...]
    id: str
    explicit_id: bool
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def close(self) -> Section:
        return Section(self.level, self.title, self.id, tuple(self.blocks),
                       tuple(self.subsections), self.explicit_id)


@dataclass
class _Heading:
    level: int
    title: tuple[Inline, ...]
    id: str
    explicit_id: bool
    line: int


_Item = Block | _Heading


class _SoftBreak:
    """Placeholder until both neighbours of a soft line break are known."""


_SOFT = _SoftBreak()


class _Reader:
    """Walks the syntax tree once; holds what must be unique or counted across it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.anchors = AnchorSet()
        self.paragraphs = 0
        self.line = 0  # current line inside an inline run, for messages

    def fail(self, line: int | None, reason: str) -> DocpubError:
        return DocpubError(self.source, line, reason)

    def document(self, nodes: list[SyntaxTreeNode], *, doc_id: str, lang: str, meta: Meta
                 ) -> Document:
        self._claim_explicit_ids(nodes)
        letter, annex = _split_annex(nodes, self)
        body, sections = _nest([self.item(n) for n in letter])
        return Document(id=doc_id, lang=lang, meta=meta, body=body, sections=sections,
                        annex=self.annex(annex) if annex else None, source=self.source)

    def _claim_explicit_ids(self, nodes: list[SyntaxTreeNode]) -> None:
        """Explicit ids win over generated ones wherever they appear."""
        for node in nodes:
            for sub in node.walk():
                if sub.type == "heading" and (m := _EXPLICIT_ID.search(sub.children[0].content)):
                    self._claim_explicit(m.group(1), _line(sub))

    def _claim_explicit(self, wanted: str, line: int) -> None:
        if not _VALID_ID.fullmatch(wanted):
            raise self.fail(line, f"anchor '{{#{wanted}}}': use letters, digits, '-' and '_'")
        if self.anchors.claim(wanted) != wanted:
            raise self.fail(line, f"anchor '#{wanted}' is reserved or used twice")

    def annex(self, node: SyntaxTreeNode) -> Annex:
        caption = self.inline_text(node.info.strip()[len("annex"):].strip(), _line(node))
        children = list(node.children)
        title: tuple[Inline, ...] = ()
        if children and children[0].type == "heading" and children[0].tag == "h1":
            title = self.heading(children.pop(0)).title
        blocks, sections = _nest([self.item(n) for n in children])
        return Annex(caption=caption, title=title, blocks=blocks, sections=sections)

    def item(self, node: SyntaxTreeNode) -> _Item:
        if node.type != "heading":
            return self.block(node)
        if node.tag == "h1":
            raise self.fail(_line(node), "a level-1 heading ('# ') is only allowed as the first "
                            "line of the annex; the letter's title is the front matter 'title'")
        return self.heading(node)

    def heading(self, node: SyntaxTreeNode) -> _Heading:
        line, inline = _line(node), node.children[0]
        if m := _EXPLICIT_ID.search(inline.content):
            title = self.inline_text(inline.content[: m.start()].rstrip(), line)
            return _Heading(int(node.tag[1]), title, m.group(1), True, line)
        title = self.inlines(inline, line)
        return _Heading(int(node.tag[1]), title, self.anchors.claim(slugify(plain_text(title))),
                        False, line)

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
        if kind == "heading":
            raise self.fail(line, "headings cannot be inside lists, quotes or signatures")
        if kind == "container_annex":
            raise self.fail(line, "the annex must be at the top level, after the letter")
        what = _UNSUPPORTED.get(kind, f"'{kind}'")
        raise self.fail(line, f"{what} are not supported in content files")

    def blocks(self, nodes: list[SyntaxTreeNode]) -> tuple[Block, ...]:
        return tuple(self.block(n) for n in nodes)

    def paragraph(self, node: SyntaxTreeNode) -> Paragraph:
        inline = node.children[0]
        _check_stray_container(inline.content, _line(node), self)
        inlines = _resolve_soft_breaks(self.raw_inlines(inline.children, _line(node)))
        self.paragraphs += 1
        return Paragraph(inlines, id=f"p{self.paragraphs}")

    def signature(self, node: SyntaxTreeNode) -> Signature:
        lines: list[tuple[Inline, ...]] = []
        for para in node.children:
            if para.type != "paragraph":
                raise self.fail(_line(para), "a signature holds only lines of text")
            lines.extend(_split_lines(self.raw_inlines(para.children[0].children, _line(para))))
        return Signature(tuple(lines))

    def inline_text(self, text: str, line: int) -> tuple[Inline, ...]:
        parsed = SyntaxTreeNode(_MD.parseInline(text))
        return self.inlines(parsed.children[0], line) if parsed.children else ()

    def inlines(self, inline: SyntaxTreeNode, line: int) -> tuple[Inline, ...]:
        return _resolve_soft_breaks(self.raw_inlines(inline.children, line))

    def raw_inlines(self, nodes: list[SyntaxTreeNode], line: int) -> list[Inline | _SoftBreak]:
        self.line = line
        return self._inline_seq(nodes)

    def _inline_seq(self, nodes: list[SyntaxTreeNode]) -> list[Inline | _SoftBreak]:
        return [self._inline(n) for n in nodes]

    def _inline(self, node: SyntaxTreeNode) -> Inline | _SoftBreak:
        kind = node.type
        if kind in ("text", "text_special"):
            return Text(node.content)
        if kind in ("softbreak", "hardbreak"):
            self.line += 1
            return _SOFT if kind == "softbreak" else LineBreak()
        if kind == "code_inline":
            return Code(node.content)
        if kind in ("em", "strong"):
            children = _resolve_soft_breaks(self._inline_seq(node.children))
            return Emphasis(children) if kind == "em" else Strong(children)
        if kind == "link":
            return self._link(node)
        if kind == "image":
            return self._image(node)
        raise self.fail(self.line, f"unsupported inline markup '{kind}'")

    def _link(self, node: SyntaxTreeNode) -> Link:
        url = str(node.attrs["href"])
        scheme = _scheme(url)
        if scheme is not None and scheme not in _LINK_SCHEMES:
            raise self.fail(self.line, f"link to '{url}': only http, https, mailto and "
                            "relative links are allowed")
        children = _resolve_soft_breaks(self._inline_seq(node.children))
        return Link(children, url, str(node.attrs.get("title", "")))

    def _image(self, node: SyntaxTreeNode) -> Image:
        src = str(node.attrs["src"])
        if problem := _image_problem(src):
            raise self.fail(self.line, f"image '{src}': {problem}")
        alt = plain_text(_resolve_soft_breaks(self._inline_seq(node.children)))
        return Image(src, alt, str(node.attrs.get("title", "")))


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 1


def _split_annex(
    nodes: list[SyntaxTreeNode], reader: _Reader
) -> tuple[list[SyntaxTreeNode], SyntaxTreeNode | None]:
    for i, node in enumerate(nodes):
        if node.type == "container_annex":
            if len(nodes) > i + 1:
                raise reader.fail(_line(nodes[i + 1]), "nothing may follow the annex; "
                                  "is a closing ':::' missing or misplaced?")
            return nodes[:i], node
    return nodes, None


def _nest(items: list[_Item]) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    """Blocks before the first heading, and the sections the headings open."""
    leading: list[Block] = []
    top: list[Section] = []
    stack: list[_OpenSection] = []

    def close_down_to(level: int) -> None:
        while stack and stack[-1].level >= level:
            done = stack.pop().close()
            (stack[-1].subsections if stack else top).append(done)

    for item in items:
        if isinstance(item, _Heading):
            close_down_to(item.level)
            stack.append(_OpenSection(item.level, item.title, item.id, item.explicit_id))
        else:
            (stack[-1].blocks if stack else leading).append(item)
    close_down_to(0)
    return tuple(leading), tuple(top)


def _check_stray_container(raw: str, line: int, reader: _Reader) -> None:
    if not raw.startswith(":::"):
        return
    name = raw.lstrip(":").split(maxsplit=1)[0] if raw.strip(":").strip() else ""
    if not name:
        raise reader.fail(line, "stray ':::' closes nothing")
    hint = did_you_mean(name, CONTAINERS)
    raise reader.fail(line, f"unknown container '{name}'{hint}; known: {', '.join(CONTAINERS)}")


def _scheme(url: str) -> str | None:
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    m = _SCHEME.match(re.sub(r"[\x00-\x20]", "", url))
    return m.group(1).lower() if m else None


def _image_problem(src: str) -> str:
    path = unquote(src).replace("\\", "/")
    if not src:
        return "empty path"
    if _scheme(path) is not None:
        return "images must be files in the document's folder, not URLs"
    if path.startswith("/"):
        return "use a path relative to the document's folder, not an absolute path"
    if ".." in path.split("/"):
        return "'..' would leave the document's folder"
    return ""


def _is_wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def _resolve_soft_breaks(seq: list[Inline | _SoftBreak]) -> tuple[Inline, ...]:
    """CJK text has no spaces between lines: a soft break next to a wide
    character vanishes; elsewhere it is a space, as in any Markdown."""
    out: list[Inline] = []
    for i, x in enumerate(seq):
        if not isinstance(x, _SoftBreak):
            _append(out, x)
        elif not (_is_wide(_edge(seq, i - 1, last=True)) or _is_wide(_edge(seq, i + 1, last=False))):
            _append(out, Text(" "))
    return tuple(out)


def _edge(seq: list[Inline | _SoftBreak], i: int, *, last: bool) -> str:
    """The character of ``seq[i]`` touching the line break ("" if none)."""
    if not 0 <= i < len(seq) or isinstance(seq[i], _SoftBreak):
        return ""
    text = plain_text((seq[i],))  # type: ignore[arg-type]
    return text[-1:] if last else text[:1]


def _append(out: list[Inline], x: Inline) -> None:
    if out and isinstance(x, Text) and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text + x.text)
    elif not (isinstance(x, Text) and not x.text):
        out.append(x)


def _split_lines(seq: list[Inline | _SoftBreak]) -> list[tuple[Inline, ...]]:
    lines: list[tuple[Inline, ...]] = []
    current: list[Inline | _SoftBreak] = []
    for x in seq + [_SOFT]:
        if isinstance(x, (_SoftBreak, LineBreak)):
            lines.append(_resolve_soft_breaks(current))
            current = []
        else:
            current.append(x)
    return lines
