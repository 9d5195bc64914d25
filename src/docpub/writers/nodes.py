"""Model nodes -> HTML fragments (``Markup``), shared by the site and the print writer.

Python renders nodes; Jinja templates render pages around them. Every string
from the model goes through ``escape`` (or the caller's ``text`` function,
which must escape too), so content can never inject markup.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from markupsafe import Markup, escape
from msgspec import Struct, field
from msgspec.structs import replace

from docpub.model import (
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

TextFn = Callable[[str], Markup]


def _escape_text(s: str) -> Markup:
    return escape(s)


# Escaping keeps a URL inside its attribute, but "javascript:" would still run
# on click; only schemes a document can legitimately link to pass through.
_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _align(t: Table, i: int) -> Markup:
    a = t.align[i] if i < len(t.align) else ""
    return Markup(' class="align-{}"').format(a) if a else Markup("")


def safe_url(url: str) -> str:
    head = url.strip().split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" not in head:
        return url  # relative
    return url if head.lower().startswith(_SAFE_SCHEMES) else "#"


class NodeRenderer(Struct, frozen=True):
    """Renders inlines and blocks; ``text`` turns a prose string into safe HTML."""

    text: TextFn = _escape_text
    heading_offset: int = 0  # added to a section's level to get h2/h3/...
    image_prefix: str = ""  # prepended to relative image paths
    # Print: the text of each footnote not yet placed, by number. Its first call
    # puts it in place (the print style floats it to the page foot); later
    # calls print the number only. Empty on the site, where calls link to the list.
    footnote_text: MutableMapping[int, Markup] = field(default_factory=dict)
    site_links: bool = True  # citations of the site's own documents link to their pages
    # Shown inside a link to a press release, which the UN publishes in English only
    # (the site's pages set it; the PDF does not).
    english_marker: str = ""

    def inlines(self, inlines: tuple[Inline, ...]) -> Markup:
        # Every part is Markup already (escaped where it came from the model): joined as text.
        return Markup("".join([self.inline(x) for x in inlines]))

    def inline(self, x: Inline) -> Markup:
        if isinstance(x, Text):
            return self.text(x.text)
        if isinstance(x, Citation):
            return self._citation(x)
        if isinstance(x, Emphasis):
            return Markup(f"<em>{self.inlines(x.children)}</em>")
        if isinstance(x, Strong):
            return Markup(f"<strong>{self.inlines(x.children)}</strong>")
        if isinstance(x, Code):
            return Markup(f"<code>{escape(x.text)}</code>")
        if isinstance(x, LineBreak):
            return Markup("<br>")
        if isinstance(x, Link):
            title = Markup(' title="{}"').format(x.title) if x.title else Markup("")
            return Markup('<a href="{}"{}>{}</a>').format(safe_url(x.url), title, self.inlines(x.children))
        if isinstance(x, Image):
            return Markup('<img src="{}" alt="{}">').format(self.image_prefix + x.src, x.alt)
        if isinstance(x, FootnoteRef):
            return self._footnote_call(x.number)
        raise TypeError(f"not an inline: {x!r}")

    def _footnote_call(self, n: int) -> Markup:
        text = self.footnote_text.pop(n, None)
        if text is not None:
            return Markup('<span class="footnote" id="fn{}" data-n="{}">{}</span>').format(n, n, text)
        return Markup('<sup class="fnref"><a href="#fn{}" role="doc-noteref">{}</a></sup>').format(n, n)

    def _citation(self, x: Citation) -> Markup:
        # A document the site publishes is read here, at the paragraph cited; print keeps the UN's.
        href = x.site_href if x.site_href and self.site_links else x.url
        english = self.english_marker and x.kind == "press_release" and "://" in href
        lang = ' hreflang="en"' if english else ""
        marker = ""
        if english:
            marker = f'<span class="tag tag-en" data-pagefind-ignore>{escape(self.english_marker)}</span>'
        symbol = escape(x.symbol)
        return Markup(f'<a class="citation cite-{escape(x.kind.replace("_", "-"))}" href="{escape(safe_url(href))}" '
                      f'title="{symbol}" data-symbol="{symbol}"{lang}>{self.inlines(x.children)}{marker}</a>')

    def unlinked(self, inlines: tuple[Inline, ...]) -> Markup:
        """Like ``inlines`` but without links, for text that is itself a link (a contents entry)."""
        out = []
        for x in inlines:
            if isinstance(x, (Citation, Link)):
                out.append(self.unlinked(x.children))
            elif isinstance(x, FootnoteRef):
                continue
            elif isinstance(x, Emphasis):
                out.append(Markup("<em>{}</em>").format(self.unlinked(x.children)))
            elif isinstance(x, Strong):
                out.append(Markup("<strong>{}</strong>").format(self.unlinked(x.children)))
            else:
                out.append(self.inline(x))
        return Markup("").join(out)

    def blocks(self, blocks: tuple[Block, ...]) -> Markup:
        return Markup("\n".join([self.block(b) for b in blocks]))

    def block(self, b: Block) -> Markup:
        if isinstance(b, Paragraph):
            anchor = f' id="{escape(b.id)}"' if b.id else ""
            return Markup(f"<p{anchor}>{self.inlines(b.inlines)}</p>")
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
        if isinstance(b, NumberedParagraph):
            return self._numbered("numbered", b.id, f"{b.number}.", b.inlines, b.blocks, b.number)
        if isinstance(b, SubParagraph):
            return self._numbered("sub", b.id, f"({b.label})", b.inlines, b.blocks)
        if isinstance(b, Table):
            return self._table(b)
        if isinstance(b, CodeBlock):
            lang = Markup(' class="language-{}"').format(b.info.split()[0]) if b.info.strip() else Markup("")
            return Markup("<pre><code{}>{}</code></pre>").format(lang, b.text)
        if isinstance(b, Rule):
            return Markup("<hr>")
        raise TypeError(f"not a block: {b!r}")

    def _numbered(self, kind: str, pid: str, number: str, inlines: tuple[Inline, ...],
                  blocks: tuple[Block, ...], n: int | None = None) -> Markup:
        # The number is text, not a list marker: it is copied, printed and searched as written.
        first = f'<p><span class="num">{escape(number)}</span>{self.inlines(inlines)}</p>'
        rest = f"\n{self.blocks(blocks)}" if blocks else ""
        data = f' data-n="{n}"' if n is not None else ""  # the print outline's label
        return Markup(f'<div class="para {escape(kind)}" id="{escape(pid)}"{data}>\n{first}{rest}\n</div>')

    def _table(self, t: Table) -> Markup:
        def row(r: TableRow, tag: str) -> Markup:
            cells = Markup("").join(
                Markup("<{}{}>{}</{}>").format(tag, _align(t, i), self.inlines(c.inlines), tag)
                for i, c in enumerate(r.cells))
            return Markup("<tr>{}</tr>").format(cells)

        head = Markup("\n").join(row(r, "th") for r in t.head)
        body = Markup("\n").join(row(r, "td") for r in t.rows)
        parts = [Markup("<thead>\n{}\n</thead>").format(head) if t.head else Markup(""),
                 Markup("<tbody>\n{}\n</tbody>").format(body) if t.rows else Markup("")]
        return Markup('<div class="table-wrap"><table>\n{}\n</table></div>').format(
            Markup("\n").join(p for p in parts if p))

    def footnote_list(self, notes: tuple[Footnote, ...]) -> Markup:
        """The site's list of footnotes, after the text (print places each one at its page foot)."""
        items = Markup("\n").join(
            Markup('<li id="fn{}" value="{}">{}</li>').format(n.number, n.number, self.blocks(n.blocks))
            for n in notes)
        return Markup('<ol class="footnotes">\n{}\n</ol>').format(items)

    def footnote_body(self, note: Footnote) -> Markup:
        """A footnote's text as inline HTML, to sit inside a line (print footnotes float from there)."""
        parts = []
        for b in note.blocks:
            if isinstance(b, Paragraph):
                parts.append(self.inlines(b.inlines))
            else:
                parts.append(Markup('<span class="fn-block">{}</span>').format(self.block(b)))
        return Markup("<br>").join(parts)

    def _items(self, items: tuple[ListItem, ...]) -> Markup:
        return Markup("\n").join(Markup("<li>{}</li>").format(self.blocks(i.blocks)) for i in items)

    def section(self, s: Section) -> Markup:
        level = min(6, s.level + self.heading_offset)
        body = "\n".join(x for x in [self.blocks(s.blocks), *(self.section(sub) for sub in s.subsections)] if x)
        return Markup(f'<section id="{escape(s.id)}" class="level{s.level}">\n'
                      f'<h{level} class="heading">{self.inlines(s.title)}</h{level}>\n{body}\n</section>')

    def sections(self, sections: tuple[Section, ...]) -> Markup:
        return Markup("\n".join([self.section(s) for s in sections]))


def renderer_for(doc: Document, base: NodeRenderer) -> NodeRenderer:
    """Level-1 sections ('# ' headings under a title) become h2, so the page keeps one h1 per title."""
    sections = (*doc.sections, *(doc.annex.sections if doc.annex else ()))
    if any(s.level == 1 for s in sections):
        return replace(base, heading_offset=base.heading_offset + 1)
    return base
