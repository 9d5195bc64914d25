"""Jinja errors -> DocpubError naming the template file and line."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

from docpub.errors import DocpubError


def template_error(exc: BaseException, templates_dir: Path) -> DocpubError:
    """A one-line error for a missing template, a syntax error or a failure while rendering."""
    if isinstance(exc, jinja2.TemplateNotFound):
        return DocpubError(str(templates_dir / str(exc.name)), None, "template not found")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.filename or str(templates_dir / (exc.name or "?"))
        return DocpubError(name, exc.lineno, f"template syntax error: {exc.message}")
    file, line = _template_frame(exc, templates_dir)
    return DocpubError(file, line, f"template error: {exc}")


def _template_frame(exc: BaseException, templates_dir: Path) -> tuple[str, int | None]:
    """The innermost traceback frame that is a template (Jinja rewrites frames to point there)."""
    root = str(templates_dir.resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(root) or frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno
    return str(templates_dir), None
