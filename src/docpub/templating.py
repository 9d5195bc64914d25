"""The theme: templates and static files looked up site first, then docpub's default theme.

A site's ``templates/`` folder overrides the default theme file by file (a template, the
labels, a style sheet), as a site's own theme folder does in other static site generators.
Jinja errors become a DocpubError naming the template file actually used and its line.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import tomllib
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from docpub.errors import DocpubError
from docpub.files import control_character, read_regular_text

if TYPE_CHECKING:  # imported where templates are rendered: a build with nothing to render needs none
    import jinja2

DEFAULT_THEME = Path(__file__).resolve().parent / "theme"
STATIC = "static"
LABELS_NAME = "labels.toml"  # the UI strings, a theme file like the templates


class Theme(Struct, frozen=True):
    """A search path of theme folders: the site's own first (it may not exist), the default last."""

    folders: tuple[Path, ...]

    @property
    def site_folder(self) -> Path:
        """Where the site's overrides live: names that exist nowhere are reported there."""
        return self.folders[0]

    def existing(self) -> tuple[Path, ...]:
        return tuple(f for f in self.folders if f.is_dir())

    def loader(self) -> jinja2.FileSystemLoader:
        loader: jinja2.FileSystemLoader = _theme_loader()(self)
        return loader

    def find(self, name: str) -> Path | None:
        """The file used for ``name`` (a path relative to a theme folder), or None."""
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts:
            return None
        for folder in self.folders:
            path = folder / name
            if path.is_file():
                return path
        return None

    def path_for(self, name: str) -> Path:
        """The file used for ``name``, or where the site would put it (for an error message)."""
        return self.find(name) or self.site_folder / name

    def template_names(self) -> list[str]:
        """Every page template (``*.j2``) of the merged theme; other files are not templates."""
        return sorted({p.name for f in self.existing() for p in f.glob("*.j2") if p.is_file()})

    def static_files(self) -> dict[str, Path]:
        """``static/<name>`` -> the file used, merged by name, the site's first."""
        files: dict[str, Path] = {}
        for folder in reversed(self.existing()):
            static = folder / STATIC
            if static.is_dir():
                files.update({f"{STATIC}/{p.relative_to(static).as_posix()}": p
                              for p in static.rglob("*") if p.is_file()})
        return dict(sorted(files.items()))


@functools.cache
def _theme_loader() -> type:
    import jinja2

    class _ThemeLoader(jinja2.FileSystemLoader):
        """Jinja's search-path loader, whose cached templates go stale also when a site adds an
        override (a long-running ``docpub serve`` must pick it up, not only edits to the file)."""

        def __init__(self, theme: Theme) -> None:
            super().__init__([str(f) for f in theme.folders])
            self._theme = theme

        def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
            source, filename, uptodate = super().get_source(environment, template)
            used = Path(filename)

            def still_used() -> bool:
                return uptodate() and self._theme.find(template) == used

            return source, filename, still_used

    return _ThemeLoader


@contextlib.contextmanager
def template_errors(theme: Theme) -> Iterator[None]:
    """Jinja's errors raised within the block become one error line (``template_error``).
    Jinja is not imported for it: an error can only be Jinja's when Jinja was used."""
    try:
        yield
    except Exception as exc:
        jinja2 = sys.modules.get("jinja2")
        if jinja2 is not None and isinstance(exc, jinja2.TemplateError):
            raise template_error(exc, theme) from None
        raise


def site_theme(site_templates: Path) -> Theme:
    """The theme of a site whose override folder is ``site_templates``."""
    return Theme((site_templates.resolve(), DEFAULT_THEME))


def default_theme() -> Theme:
    return Theme((DEFAULT_THEME,))


def template_error(exc: BaseException, theme: Theme) -> DocpubError:
    """A one-line error for a missing template, a syntax error or a failure while rendering."""
    import jinja2

    if isinstance(exc, jinja2.TemplateNotFound):
        return DocpubError(str(theme.site_folder / str(exc.name)), None, "template not found")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.filename or str(theme.path_for(exc.name or "?"))
        return DocpubError(name, exc.lineno, f"template syntax error: {exc.message}")
    file, line = _template_frame(exc, theme)
    return DocpubError(file, line, f"template error: {exc}")


def render_template(env: jinja2.Environment, name: str | Sequence[str], theme: Theme, **context: Any) -> str:
    """``name`` (or the first of the names that exists) rendered; whatever the template's own
    code raises becomes one error line.

    A template is code the site owner writes: ``{{ 1 // 0 }}``, a macro calling
    itself for ever or a file that is not UTF-8 must not end in a traceback.
    """
    names = [name] if isinstance(name, str) else list(name)
    try:
        template = env.get_template(name) if isinstance(name, str) else env.select_template(names)
        return template.render(**context)
    except Exception as exc:
        raise _template_problem(exc, names, theme) from None


# A streamed page is written in pieces of about this many characters.
CHUNK = 1 << 17


def stream_template(env: jinja2.Environment, name: str, theme: Theme, **context: Any) -> Iterator[bytes]:
    """``render_template``, as UTF-8 in pieces: a page listing a whole archive is never held whole."""
    try:
        template = env.get_template(name)
        parts: list[str] = []
        size = 0
        for part in template.generate(**context):
            parts.append(part)
            size += len(part)
            if size >= CHUNK:
                yield "".join(parts).encode("utf-8")
                parts, size = [], 0
        yield "".join(parts).encode("utf-8")
    except Exception as exc:
        raise _template_problem(exc, [name], theme) from None


def _template_problem(exc: Exception, names: list[str], theme: Theme) -> Exception:
    """What a failure while rendering ``names`` is reported as (itself when it is a DocpubError)."""
    if isinstance(exc, DocpubError):
        return exc
    if isinstance(exc, UnicodeDecodeError):
        used = next((path for n in names if (path := theme.find(n))), theme.path_for(names[0]))
        return DocpubError(str(used), None, "template (or one it includes) is not UTF-8 text")
    if isinstance(exc, RecursionError):
        file, line = _template_frame(exc, theme)
        return DocpubError(file, line, "template error: it calls itself without end "
                           "(a macro, include or extends loop)")
    return template_error(exc, theme)  # the template's own code failed: its file and line are the reason


def _template_frame(exc: BaseException, theme: Theme) -> tuple[str, int | None]:
    """The innermost traceback frame that is a template (Jinja rewrites frames to point there)."""
    roots = tuple(str(f) for f in theme.folders)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(roots) or frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno
    return str(theme.site_folder), None


def parse_labels(path: Path) -> tuple[dict[str, str], str]:
    """The labels file's strings and its text (what a page's key covers)."""
    text = read_regular_text(path, what="labels file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DocpubError(str(path), None, f"invalid TOML: {exc}") from None
    except RecursionError:  # (arrays nested hundreds deep: tomllib reads them by recursion)
        raise DocpubError(str(path), None, "invalid TOML: arrays or tables nested hundreds deep") from None
    for key, value in data.items():
        if not isinstance(value, str):
            raise DocpubError(str(path), None, f"label '{key}' must be a string")
        if code := control_character(value):
            raise DocpubError(str(path), None, f"label '{key}' holds control character {code} (it prints as "
                              "nothing): delete it")
    return dict(data), text


# --- compiled templates ------------------------------------------------------------------

class _CompiledTemplates:
    """Compiled templates kept for the process, by name and source: the writers of all editions
    (and every build of a long-running ``docpub serve``) compile each template once.

    On disk, docpub's own templates (the default theme's) are kept per user, like Python's
    compiled modules: a site's first build, or one without caching, compiles none of them again.
    A site's own templates are kept only while a build names a ``folder`` (in its cache), so the
    next build of that site (an edit, say) compiles none of those. Jinja reaches them through
    ``_bytecode_cache``, and uses what it reads only if it was compiled from the very source
    (and by the same Jinja and Python).
    """

    def __init__(self) -> None:
        self._code: dict[tuple[str, str], bytes] = {}
        self.folder = ""

    def load(self, key: str, checksum: str) -> bytes | None:
        code = self._code.get((key, checksum))
        if code is None and (folder := self._folder(key)):
            from docpub.cache import read_kept

            with contextlib.suppress(OSError):
                code = read_kept(os.path.join(folder, f"{key}.j2c"))
        return code

    def dump(self, key: str, checksum: str, code: bytes) -> None:
        self._code[(key, checksum)] = code
        folder = self._folder(key)
        if folder:
            with contextlib.suppress(OSError):
                os.makedirs(folder, mode=0o700, exist_ok=True)
                tmp = os.path.join(folder, f".tmp-{key}-{os.getpid()}")
                with open(tmp, "wb") as f:
                    f.write(code)
                os.replace(tmp, os.path.join(folder, f"{key}.j2c"))

    def _folder(self, key: str) -> str:
        return user_templates_folder() if key.startswith(_OWN_KEY) else self.folder


# Cache keys of the default theme's templates start with this (see ``_bytecode_cache``).
_OWN_KEY = "docpub-"


def user_templates_folder() -> str:
    """Where docpub's own compiled templates are kept for this user (``$XDG_CACHE_HOME``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "docpub", "templates")


@functools.cache
def _bytecode_cache() -> Any:
    """Jinja's side of ``_COMPILED`` (Jinja is imported only when a template is rendered)."""
    from jinja2.bccache import Bucket, BytecodeCache

    own = str(DEFAULT_THEME) + os.sep

    class Cache(BytecodeCache):
        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            key = super().get_cache_key(name, filename)
            return _OWN_KEY + key if filename is not None and filename.startswith(own) else key

        def load_bytecode(self, bucket: Bucket) -> None:
            code = _COMPILED.load(bucket.key, bucket.checksum)
            if code is None:
                return
            try:
                bucket.bytecode_from_string(code)  # of another source or version: ignored (Jinja checks)
            except Exception:  # damaged (cut short, say): compiled again
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            _COMPILED.dump(bucket.key, bucket.checksum, bucket.bytecode_to_string())

    return Cache()


@contextlib.contextmanager
def compiled_templates_in(folder: Path) -> Iterator[None]:
    """Keep compiled templates in ``folder`` (a build's cache) as well as in memory, meanwhile."""
    from docpub.cache import real_folder

    real_folder(folder)  # a link there is not followed
    _COMPILED.folder = str(folder)
    try:
        yield
    finally:
        _COMPILED.folder = ""


_COMPILED = _CompiledTemplates()
