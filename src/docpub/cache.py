"""A content-addressed cache of rendered PDFs, so an unchanged document is not laid out again.

The key covers everything the PDF is made from: the print HTML (which carries
the text, the fonts named and the labels), every file it can fetch (the
style sheets and the images it references), and the versions of docpub and
WeasyPrint. Equal key, equal bytes: a cache hit gives the very PDF a fresh
render would. Entries not used by a successful build are removed.

Each entry starts with the SHA-256 of the PDF that follows, and is checked on
every read: a truncated or altered entry is laid out again and replaced, never
published.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from docpub import __version__


class PdfCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: caching off
        self.used: set[str] = set()

    def get(self, key: str, render: Callable[[], bytes]) -> bytes:
        if self.folder is None:
            return render()
        self.used.add(key)
        path = self.folder / f"{key}.pdf"
        cached = _verified(path)
        if cached is not None:
            return cached
        data = render()
        self._store(path, hashlib.sha256(data).digest() + data)
        return data

    def _store(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)  # a reader never sees half a file
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Forget what the last build did not use, so the cache does not grow without end."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix == ".pdf" and path.stem not in self.used:
                path.unlink(missing_ok=True)


def _verified(path: Path) -> bytes | None:
    """The PDF stored at ``path`` if it is whole; None if missing, short or altered."""
    try:
        entry = path.read_bytes()
    except OSError:
        return None
    digest, data = entry[:_DIGEST], entry[_DIGEST:]
    if len(digest) < _DIGEST or hashlib.sha256(data).digest() != digest:
        return None
    return data


_DIGEST = hashlib.sha256().digest_size


def pdf_key(html: str, *, static_files: Iterable[Path], engine_version: str, options: str) -> str:
    digest = hashlib.sha256()
    for part in (__version__, engine_version, options, html):
        _add(digest, part.encode("utf-8"))
    for path in sorted(set(static_files)):  # named by the caller: nothing is read from a path in the text
        _add(digest, str(path).encode("utf-8"))
        try:
            _add(digest, path.read_bytes())
        except OSError:
            _add(digest, b"<missing>")  # the render will report it
    return digest.hexdigest()


def _add(digest: hashlib._Hash, data: bytes) -> None:
    digest.update(len(data).to_bytes(8, "big"))
    digest.update(data)
