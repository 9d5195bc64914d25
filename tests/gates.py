"""The quality gates: the Nu Html Checker over built pages, axe-core in Chromium over page types.

Each finding is one line naming the page, where, and the rule or message, so a failing gate
says what to fix.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selenium import webdriver

from browser import AXE_JS, VNU_JAR, set_viewport

WIDTHS = (360, 1280)


def vnu_errors(pages: Sequence[Path]) -> dict[Path, list[str]]:
    """Every error the Nu Html Checker finds, by page; one Java start for all of them."""
    proc = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always", "--stdout",
         *map(str, pages)],
        capture_output=True, text=True, check=False, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"vnu failed: {proc.stderr.strip()}")
    found: dict[Path, list[str]] = {p.resolve(): [] for p in pages}
    for message in json.loads(proc.stdout)["messages"]:
        page = Path(unquote(urlsplit(message.get("url", "")).path)).resolve()
        where = f"{page}:{message.get('lastLine', '?')}"
        found.setdefault(page, []).append(f"{where}: {message.get('type')}: {message.get('message')}")
    return found


def page_type(rel: Path, editions: Iterable[str]) -> tuple[str, ...]:
    """A page's kind: its path with the edition and the document id replaced by placeholders
    (``zh-Hant/<doc>/index.html``, and ``review/zh-Hant/<doc>.html`` in the editors' area)."""
    parts = list(rel.parts)
    tags = set(editions)
    at = next((i for i, part in enumerate(parts) if part in tags), None)
    if at is not None:
        parts[at] = "<edition>"
        rest = parts[at + 1:]
        if len(rest) > 1 and rest[0] not in EDITION_FOLDERS:
            parts[at + 1] = "<doc>"
        elif len(rest) > 1 and rest[-1] != "index.html":  # one of an edition's pages per item
            parts[-1] = "<item>" + Path(rest[-1]).suffix
        elif len(rest) == 1 and at > 0 and rest[0] != "index.html":
            parts[at + 1] = "<doc>" + Path(rest[0]).suffix
    return tuple(parts)


# An edition's own pages in folders of their own (not documents): each folder's index a page
# type, and its other pages (a year's, a cited document's) another.
EDITION_FOLDERS = ("citations", "search", "archive")


def one_page_per_type(site: Path, editions: Sequence[str]) -> dict[tuple[str, ...], Path]:
    """The first page (sorted) of every page type, for the source edition and the others alike."""
    chosen: dict[tuple[str, ...], Path] = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        kind = page_type(rel, editions)
        source = rel.parts[0] == editions[0] if len(rel.parts) > 1 else True
        chosen.setdefault((*kind, "source" if source else "derived"), page)
    return chosen


def axe_violations(driver: webdriver.Chrome, url: str, *, widths: Sequence[int] = WIDTHS) -> list[str]:
    """axe-core's violations on ``url`` with the viewport ``width`` CSS pixels wide, for each width.

    The page is loaded once; changing the emulated viewport lays it out again before each run.
    """
    set_viewport(driver, widths[0])
    driver.get(url)
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    lines = []
    for width in widths:
        set_viewport(driver, width)
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations),"
            " e => done([{id: 'axe-error', impact: 'error', help: String(e), nodes: []}]));")
        for v in result:
            targets = "; ".join(" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:5])
            lines.append(f"{url} at {width}px: {v['id']} ({v.get('impact')}): {v.get('help')} [{targets}]")
    return lines
