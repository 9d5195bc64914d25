"""``docpub new DIR``: a working site to start from.

The new site holds a commented ``docpub.toml`` with the four editions, a sample letter with an
annex and citations, the glossaries (the same files this project's own site uses; the package
ships them), and a ``.gitignore`` that leaves ``build/`` out. The site is written into a
temporary folder beside DIR and moved into place only when complete, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from msgspec import Struct

from docpub.errors import DocpubError

PACKAGE = Path(__file__).resolve().parent
STARTER = PACKAGE / "starter"
GLOSSARIES = PACKAGE / "glossary"
GLOSSARY_SUFFIXES = (".tsv", ".txt")
# A new site's .gitignore: what docpub writes into build/ (the site, the caches, the folders of
# serve and check: hundreds of megabytes for an archive) is made again by every build.
GITIGNORE = """\
# What docpub writes: the built site and its cache (build/site, build/.docpub-cache), and the
# folders of docpub serve and docpub check. Every build makes them again: never commit them.
/build/
"""


class NewSite(Struct, frozen=True):
    root: Path
    files: tuple[str, ...]  # relative paths, sorted


def starter_files() -> dict[str, Path]:
    """Every file of a new site (relative path -> the package file it is copied from)."""
    files = {p.relative_to(STARTER).as_posix(): p for p in STARTER.rglob("*") if p.is_file()}
    for path in GLOSSARIES.iterdir():
        if path.is_file() and path.suffix in GLOSSARY_SUFFIXES:
            files[f"content/glossary/{path.name}"] = path
    return dict(sorted(files.items()))


def create_site(target: Path) -> NewSite:
    """Write a new site into ``target``, which must not exist or be an empty folder."""
    target = target.absolute()
    files = starter_files()
    try:
        _check_target(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name[:200]}.new-", dir=target.parent))
    except FileExistsError as exc:  # (a file where a folder on its way must be)
        raise DocpubError(str(target), None, f"cannot create the site: {exc.filename} is a file, "
                          "not a folder") from None
    except OSError as exc:
        where = "" if exc.filename == str(target) else f" in {target.parent}"  # (a name too long)
        raise DocpubError(str(target), None, f"cannot create the site{where}: {exc.strerror or exc}") from None
    try:
        for rel, source in files.items():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
        (tmp / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        tmp.chmod(0o777 & ~_umask())
        if target.is_dir():
            target.rmdir()  # empty, checked above; fails (and stops) if something appeared since
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return NewSite(target, tuple(sorted([*files, ".gitignore"])))


def _check_target(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise DocpubError(str(target), None, "exists and is not a folder; docpub new needs a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        raise DocpubError(str(target), None, "folder is not empty; docpub new needs a new or empty folder")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
