"""Reading the site's own files: regular files only, never blocking, never past a limit.

A FIFO, socket or device named like a content file, image or glossary would
hang a build or feed it without end; a folder would raise deep inside Python.
Each is one error line naming the file instead.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from docpub.errors import DocpubError

_KINDS = (
    (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
)


def not_regular(mode: int) -> str:
    """What a file of ``mode`` is when it is not a regular file ("" when it is)."""
    if stat.S_ISREG(mode):
        return ""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: Path, *, name: str | None = None, what: str = "file", limit: int | None = None,
                 resolved: bool = False) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    ``name`` is how errors cite the file (default: the path); ``what`` names it in
    the reason ("glossary", "image"). ``resolved``: ``path`` is a real path, checked
    earlier to be where it may be read; the file opened must still be that very path
    (no link put in its place, or in a folder's, since), where the system can tell.
    """
    shown = name or str(path)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO opens without waiting
    try:
        fd = os.open(path, flags | (os.O_NOFOLLOW if resolved else 0))
    except FileNotFoundError:
        raise DocpubError(shown, None, f"{what} not found") from None
    except OSError as exc:
        if resolved and exc.errno == errno.ELOOP:
            raise DocpubError(shown, None, f"{what} is now a link; it was a file when it was checked") from None
        raise DocpubError(shown, None, f"cannot read {what}: {exc.strerror or exc}") from None
    try:
        if resolved and _opened_path(fd) not in (None, str(path)):
            raise DocpubError(shown, None, f"{what} now leads elsewhere (a folder on its way became a link) "
                              "since it was checked")
        info = os.fstat(fd)
        if kind := not_regular(info.st_mode):  # before anything reads (or refuses to open) it
            raise DocpubError(shown, None, f"{what} is {kind}, not a regular file")
        if limit is not None and info.st_size > limit:
            raise DocpubError(shown, None, f"{what} is {info.st_size} bytes, over the limit of {limit}")
        data = _read_all(fd, limit)
    except OSError as exc:
        raise DocpubError(shown, None, f"cannot read {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if limit is not None and len(data) > limit:  # it grew while being read
        raise DocpubError(shown, None, f"{what} is over the limit of {limit} bytes")
    return data


def _read_all(fd: int, limit: int | None) -> bytes:
    """Everything up to ``limit`` + 1 bytes (enough to tell it is over the limit)."""
    chunks: list[bytes] = []
    size = 0
    while limit is None or size <= limit:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _opened_path(fd: int) -> str | None:
    """Where the open file ``fd`` really is (Linux's /proc), or None where that cannot be told."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def check_within(path: Path, site: Path, *, what: str) -> None:
    """``path`` may be a link, but only to a place in ``site`` (a real path): else an error line
    saying where it leads (``what`` names what must live in the site). Missing, a broken link or
    a loop: nothing to say here (what reads it reports it)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return
    if not target.is_relative_to(site):
        raise DocpubError(str(path), None, f"leads to {target}, outside the site (by a link): "
                          f"{what} must live in the site")


def check_name(path: Path) -> None:
    """An error line unless ``path`` is text: a name whose bytes are not UTF-8 could be neither
    hashed into a key nor written into a page, a list or a message as it is."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise DocpubError(str(path), None, "the name is not UTF-8 text (its bytes are shown as \\udcXX): "
                          "rename it") from None


def read_regular_text(path: Path, *, name: str | None = None, what: str = "file") -> str:
    """``read_regular`` decoded as UTF-8 (an error line if it is not, or holds a control
    character: ``check_text``)."""
    data = read_regular(path, name=name, what=what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocpubError(name or str(path), line, f"{what} is not UTF-8 text") from None
    check_text(text, name or str(path))
    return text


# Characters no text of a site holds on purpose: control characters (but tab and the line ends),
# as text copied from a PDF or a word processor may carry unseen (a vertical tab, an escape, a
# C1 code from text decoded in the wrong encoding), and the two noncharacters U+FFFE and
# U+FFFF. A page, a feed (XML allows none of the C0 ones) or YAML front matter cannot hold them.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"  # (as a regular expression's class)
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def check_text(text: str, source: str) -> None:
    """An error line at the first control character of ``text`` (read from ``source``), if any,
    or at the first merge conflict Git left in it (``merge_conflict``)."""
    found = _CONTROL.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise DocpubError(source, line, f"control character U+{ord(found[0]):04X} (it prints as nothing): "
                          "delete it")
    if (marker := merge_conflict(text)) is not None:
        raise DocpubError(source, marker, "a merge conflict is not resolved (Git's '<<<<<<<', '=======' and "
                          "'>>>>>>>' lines): keep the text wanted and delete the markers")


# A merge or rebase that stopped at a conflict writes both sides into the file between Git's
# markers, each alone on its line: "<<<<<<< ours", "=======", ">>>>>>> theirs" (and, in the
# diff3 style, "||||||| base" before the separator). Committed as it is, both versions would be
# published, markers and all. Only the three in that order count.


def merge_conflict(text: str) -> int | None:
    """The line of the first ``<<<<<<<`` of ``text`` that a ``=======`` and then a ``>>>>>>>``
    follow, if there is one (one pass over the lines, whatever they hold)."""
    if "<<<<<<<" not in text:
        return None
    first, seen = 0, 0  # seen: 1 after a start, 2 after a start and a separator
    for n, line in enumerate(text.splitlines(), 1):
        if seen == 0 and (line == "<<<<<<<" or line.startswith("<<<<<<< ")):
            first, seen = n, 1
        elif seen == 1 and line == "=======":
            seen = 2
        elif seen == 2 and (line == ">>>>>>>" or line.startswith(">>>>>>> ")):
            return first
    return None


def control_character(value: str) -> str:
    """The first control character of ``value`` as "U+000B", or "" (a value written with an
    escape, as TOML's "\u000b", holds one though its file does not)."""
    found = _CONTROL.search(value)
    return f"U+{ord(found[0]):04X}" if found is not None else ""
