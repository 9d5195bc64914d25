"""``docpub check``: validate config, content, glossaries and templates, reporting every problem."""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterator
from pathlib import Path

import jinja2

from docpub.config import SiteConfig, load_config
from docpub.errors import DocpubError, ManyErrors, Problem
from docpub.model import Document, Text, iter_inlines
from docpub.templating import template_error


def check_site(site_dir: Path) -> list[Problem]:
    """Every problem found, errors and warnings, in a stable order."""
    try:
        config = load_config(site_dir)
    except DocpubError as exc:
        return [exc.problem]
    problems, docs = _check_content(config)
    problems += _check_glossaries(config)
    problems += _check_templates(config)
    if not any(p.severity == "error" for p in problems):
        problems += _check_render(config, docs)
    return problems


def format_problems(problems: list[Problem]) -> str:
    if not problems:
        return "no problems found"
    errors = sum(p.severity == "error" for p in problems)
    lines = [str(p) for p in problems]
    lines.append(f"{errors} error(s), {len(problems) - errors} warning(s)")
    return "\n".join(lines)


def _problems_of(exc: DocpubError) -> list[Problem]:
    return list(exc.problems) if isinstance(exc, ManyErrors) else [exc.problem]


def _check_content(config: SiteConfig) -> tuple[list[Problem], list[Document]]:
    from docpub.content import discover, load_document, stray_files

    try:
        paths = discover(config)
    except DocpubError as exc:
        return [exc.problem], []
    problems: list[Problem] = list(stray_files(config))
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for path in paths:
        warnings: list[Problem] = []
        try:
            doc = load_document(path, config, seen, warnings=warnings)
        except DocpubError as exc:
            problems += _problems_of(exc)
            continue
        docs.append(doc)
        problems += sorted(warnings, key=lambda p: p.line or 0)
        problems += list(_suspects(doc, path))
    return problems, docs


def _check_render(config: SiteConfig, docs: list[Document]) -> list[Problem]:
    """Render every page (not the PDFs) into a folder of the check's own: what the build would
    hit, found now. That folder, ``build/.docpub-check`` in the site, is kept with its cache: the
    next check renders only what changed meanwhile (a page whose inputs did not change renders
    as it did)."""
    from docpub.outdir import kept_folder
    from docpub.site import build, default_jobs

    read_from = [config.content_path, config.templates_path]
    with kept_folder(config.root, ".docpub-check", "docpub-check-", read_from=read_from) as scratch:
        try:
            # (its lock is on build/ in it, which the check's own lock leaves free)
            build(config, scratch / "build" / "site", pdf=False, search=False, jobs=default_jobs())
        except jinja2.TemplateError as exc:
            return [template_error(exc, config.theme).problem]
        except DocpubError as exc:
            return _problems_of(exc)
    return []


def _suspects(doc: Document, path: Path) -> Iterator[Problem]:
    """Citation-like strings that did not parse: worth a look, not an error."""
    from docpub.transforms.citations import find_suspects

    text = path.read_text(encoding="utf-8")
    line_starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    cursor = 0  # suspects come in the order of the text: each is looked for from the last one on
    for node in iter_inlines((doc.body, doc.sections, doc.annex)):
        if not isinstance(node, Text):
            continue
        for suspect in find_suspects(node.text):
            at = text.find(suspect, cursor)
            at = text.find(suspect) if at < 0 else at
            cursor = max(at, cursor)
            line = bisect.bisect_right(line_starts, at) if at >= 0 else None
            yield Problem(str(path), line, f"'{suspect}' looks like a UN document symbol but is not one",
                          "warning")


def _check_glossaries(config: SiteConfig) -> list[Problem]:
    from docpub.transforms.editions import converter_for

    problems: list[Problem] = []
    for edition in config.editions:
        try:
            converter_for(edition, config.root)
        except DocpubError as exc:
            if exc.problem not in problems:
                problems.append(exc.problem)
    return problems + _unexplained_entries(config)


def _unexplained_entries(config: SiteConfig) -> list[Problem]:
    """A warning for each glossary or form entry without a reason, once per file."""
    from docpub.transforms.glossary import load_forms, load_glossary, missing_reasons, site_file

    problems: list[Problem] = []
    glossaries = {g for e in config.editions for g in e.glossaries}
    forms = {f for e in config.editions for f in e.forms}
    for name in sorted(glossaries):
        with contextlib.suppress(DocpubError):  # already reported above
            problems += missing_reasons(load_glossary(site_file(config.root, name), name=name))
    for name in sorted(forms):
        with contextlib.suppress(DocpubError):
            problems += missing_reasons(load_forms(site_file(config.root, name), name=name))
    return problems


def _check_templates(config: SiteConfig) -> list[Problem]:
    """Every page template of the theme compiles (the site's overrides and the defaults they leave),
    once the theme folder is found to be the site's own (no link out of it, every name text)."""
    from docpub.inputs import check_theme_inside
    from docpub.writers.html import HtmlWriter

    try:
        check_theme_inside(config)
    except DocpubError as exc:
        return [exc.problem]
    theme = config.theme
    env = HtmlWriter(theme, site_title="", site_title_en="").env  # the same filters the build has
    problems: list[Problem] = []
    for name in theme.template_names():
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            problems.append(template_error(exc, theme).problem)
    return problems
