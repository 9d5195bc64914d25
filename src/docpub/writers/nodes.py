"""Model nodes -> HTML fragments (``Markup``), shared by the site and the print writer.

Python renders nodes; Jinja templates render pages around them. Every string
from the model goes through ``escape`` (or the caller's ``text`` function,
which must escape too), so content can never inject markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from docpub.model import (
    Block,
    BlockQuote,
    BulletList,
    Citation,
    Code,
    Emphasis,
    Image,
    Inline,
    LineBreak,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Section,
    Signature,
    Strong,
    Text,
)

TextFn = Callable[[str], Markup]


def _escape_text(s: str) -> Markup:
    return escape(s)


# Escaping keeps a URL inside its attribute, but "javascript:" would still run
# on click; only schemes a document can legitimately link to pass through.
_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def safe_url(url: str) -> str:
    head = url.strip().split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" not in head:
        return url  # relative
    return url if head.lower().startswith(_SAFE_SCHEMES) else "#"


@dataclass(frozen=True, slots=True)
class NodeRenderer:
    """Renders inlines and blocks; ``text`` turns a prose string into safe HTML."""

    text: TextFn = _escape_text
    heading_offset: int = 0  # added to a section's level to get h2/h3/...
    image_prefix: str = ""  # prepended to relative image paths

    def inlines(self, inlines: tuple[Inline, ...]) -> Markup:
        return Markup("").join(self.inline(x) for x in inlines)

    def inline(self, x: Inline) -> Markup:
        if isinstance(x, Text):
            return self.text(x.text)
        if isinstance(x, Citation):
            return Markup('<a class="citation cite-{}" href="{}" title="{}" data-symbol="{}">{}</a>').format(
                x.kind.replace("_", "-"), safe_url(x.url), x.symbol, x.symbol, self.inlines(x.children))
        if isinstance(x, Emphasis):
            return Markup("<em>{}</em>").format(self.inlines(x.children))
        if isinstance(x, Strong):
            return Markup("<strong>{}</strong>").format(self.inlines(x.children))
        if isinstance(x, Code):
            return Markup("<code>{}</code>").format(x.text)
        if isinstance(x, LineBreak):
            return Markup("<br>")
        if isinstance(x, Link):
            title = Markup(' title="{}"').format(x.title) if x.title else Markup("")
            return Markup('<a href="{}"{}>{}</a>').format(safe_url(x.url), title, self.inlines(x.children))
        if isinstance(x, Image):
            return Markup('<img src="{}" alt="{}">').format(self.image_prefix + x.src, x.alt)
        raise TypeError(f"not an inline: {x!r}")

    def unlinked(self, inlines: tuple[Inline, ...]) -> Markup:
        """Like ``inlines`` but without links, for text that is itself a link (a contents entry)."""
        out = []
        for x in inlines:
            if isinstance(x, (Citation, Link)):
                out.append(self.unlinked(x.children))
            elif isinstance(x, Emphasis):
                out.append(Markup("<em>{}</em>").format(self.unlinked(x.children)))
            elif isinstance(x, Strong):
                out.append(Markup("<strong>{}</strong>").format(self.unlinked(x.children)))
            else:
                out.append(self.inline(x))
        return Markup("").join(out)

    def blocks(self, blocks: tuple[Block, ...]) -> Markup:
        return Markup("\n").join(self.block(b) for b in blocks)

    def block(self, b: Block) -> Markup:
        if isinstance(b, Paragraph):
            anchor = Markup(' id="{}"').format(b.id) if b.id else Markup("")
            return Markup("<p{}>{}</p>").format(anchor, self.inlines(b.inlines))
        if isinstance(b, BulletList):
            return Markup("<ul>\n{}\n</ul>").format(self._items(b.items))
        if isinstance(b, OrderedList):
            start = Markup(' start="{}"').format(b.start) if b.start != 1 else Markup("")
            return Markup("<ol{}>\n{}\n</ol>").format(start, self._items(b.items))
        if isinstance(b, BlockQuote):
            return Markup("<blockquote>\n{}\n</blockquote>").format(self.blocks(b.blocks))
        if isinstance(b, Signature):
            lines = Markup("\n").join(
                Markup('<p class="signature-line">{}</p>').format(self.inlines(line)) for line in b.lines)
            return Markup('<div class="signature">\n{}\n</div>').format(lines)
        raise TypeError(f"not a block: {b!r}")

    def _items(self, items: tuple[ListItem, ...]) -> Markup:
        return Markup("\n").join(Markup("<li>{}</li>").format(self.blocks(i.blocks)) for i in items)

    def section(self, s: Section) -> Markup:
        level = min(6, s.level + self.heading_offset)
        body = [self.blocks(s.blocks)] + [self.section(sub) for sub in s.subsections]
        return Markup('<section id="{}" class="level{}">\n<h{} class="heading">{}</h{}>\n{}\n</section>').format(
            s.id, s.level, level, self.inlines(s.title), level, Markup("\n").join(x for x in body if x))

    def sections(self, sections: tuple[Section, ...]) -> Markup:
        return Markup("\n").join(self.section(s) for s in sections)
