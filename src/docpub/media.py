"""A document's images: which files are published, under which names, and why others are not.

An image is published only if it is a regular file whose real path (links
followed) lies inside the document's own folder, at most the configured size,
and a PNG, JPEG, GIF or WebP picture by its content as well as its name. SVG is
refused: it is a document that can carry scripts and fetch other files, and a
sanitiser would be one more thing to trust. Every image is published under
``media/`` beside the document's page, so no image name can ever replace a
page, a PDF or anything else the build writes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Collection, Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote

from msgspec import Struct

from docpub.errors import DocpubError, Problem, raise_problems
from docpub.files import not_regular, read_regular

if TYPE_CHECKING:
    from docpub.model import Document

# The folder, beside each document page, that holds the document's images.
MEDIA_DIR = "media"
MEDIA_PREFIX = MEDIA_DIR + "/"

# File name ending -> the picture format its content must be.
IMAGE_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP"}
# A picture's pixels take some 4 bytes each once decoded, by a reader's browser or the PDF
# renderer: a small file can claim 30,000 x 30,000 of them (gigabytes). A document's figure
# has a few million; past this many, it is refused.
MAX_IMAGE_PIXELS = 50_000_000
DAMAGED = "cannot be read as a picture (it is damaged or cut short)"


class MediaFile(Struct, frozen=True):
    """One image to publish: ``name`` under the document's page folder, ``path`` the real file."""

    name: str
    path: Path
    src: str = ""  # as the content file names it


def image_sources(doc: Document) -> list[str]:
    """Every distinct image path the document uses, in order (relative to its folder)."""
    from docpub.model import Image, iter_inlines  # a document's side: not needed to check its images

    return list(dict.fromkeys(x.src for x in iter_inlines(doc) if isinstance(x, Image)))


def sniff(head: bytes) -> str:
    """The picture format the first bytes of a file announce ("" for anything else)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return ""


def published_name(src: str) -> str:
    """``img/a%20b.png`` -> ``media/img/a b.png``: where the page's ``media/`` + src leads."""
    parts = [p for p in PurePosixPath(unquote(src)).parts if p not in (".", "/")]
    return MEDIA_PREFIX + "/".join(parts)


def document_images(doc: Document, *, max_bytes: int) -> list[MediaFile]:
    """The images ``doc`` publishes; every image that may not be published is an error of its file.

    ``doc.source`` is the content file: images are looked for beside it.
    """
    return check_image_sources(Path(doc.source), image_sources(doc), max_bytes=max_bytes)


def check_image_sources(source: Path, sources: Collection[str], *, max_bytes: int) -> list[MediaFile]:
    """The images named ``sources`` in the content file ``source``, checked (see ``document_images``)."""
    if not sources:
        return []  # most documents show none: their folder is not resolved
    folder = source.parent.resolve()
    found: dict[str, MediaFile] = {}
    by_case: dict[str, str] = {}
    bad: list[tuple[str, str]] = []
    for src in sources:
        path, reason = _check(folder, src, max_bytes)
        name = published_name(src)
        if not reason and by_case.setdefault(name.casefold(), name) != name:
            reason = f"differs from '{by_case[name.casefold()]}' only in upper/lower case"
        if reason:
            bad.append((src, reason))
        elif path is not None:
            found.setdefault(name, MediaFile(name, path, src))
    if bad:
        raise_problems(_problems(source, bad))
    return list(found.values())


def read_image(image: MediaFile, *, max_bytes: int) -> bytes:
    """The image's bytes, checked again as they are read (the file may have changed since)."""
    data = read_regular(image.path, what="image", limit=max_bytes, resolved=True)
    if not sniff(data[:16]):
        raise_problems([Problem(str(image.path), None, "image is no longer a PNG, JPEG, GIF or WebP picture")])
    if reason := _pixels_problem(io.BytesIO(data)):
        raise_problems([Problem(str(image.path), None, f"image {reason}")])
    return data


# The pictures this process decoded (the digests of their bytes): ``docpub check`` decodes
# each one as it reads the content, then renders the site, which would decode it again.
_DECODED: set[str] = set()


def check_decoded(source: Path, pictures: Iterable[tuple[MediaFile, bytes, str]]) -> None:
    """Every picture of ``pictures`` (each image, its bytes and their digest) decodes whole; one
    that does not is an error of the content file ``source`` at the line naming it. A picture
    this process decoded already is not decoded again."""
    bad = []
    for image, data, sum_ in pictures:
        if sum_ in _DECODED:
            continue
        if reason := decode_problem(data):
            bad.append((image.src or image.name, reason))
        else:
            _DECODED.add(sum_)
    if bad:
        raise_problems(_problems(source, bad))


def decode_problem(data: bytes) -> str:
    """Why the picture ``data`` cannot be decoded ("" when it can). A file cut short or whose
    picture data is damaged has a sound header: it is found only by decoding it, which the
    build does once per picture (``load``): browsers would show part of it, and the PDF would
    embed it as it is. The first frame is decoded (the one a PDF shows); a JPEG at an eighth of
    its size (every byte of its data is still read), any other whole, for a moment (at most
    ``MAX_IMAGE_PIXELS`` pixels, checked before)."""
    from PIL import Image, ImageFile

    # The PDF renderer, once imported, lets Pillow pass a picture cut short: not here.
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format == "JPEG":
                opened.draft(opened.mode, (max(1, opened.width // 8), max(1, opened.height // 8)))
            opened.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return DAMAGED
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return ""


def _pixels_problem(picture: Path | io.BytesIO) -> str:
    """Why the picture's size in pixels cannot be published ("" when it can), read from its
    header by Pillow (as the PDF renderer reads it), never decoded."""
    import warnings

    from PIL import Image, UnidentifiedImageError  # (only for a document with pictures)

    def too_many(size: str) -> str:
        return (f"is {size}: over the limit of {MAX_IMAGE_PIXELS // 1_000_000} million (decoded, it would "
                "take gigabytes); make it smaller")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(picture) as opened:
                width, height = opened.size
                if width * height <= MAX_IMAGE_PIXELS:
                    opened.verify()  # (a PNG's chunks are checked: one cut short is found)
    except Image.DecompressionBombError:  # (past twice Pillow's own limit: it gives no size)
        return too_many(f"over {2 * (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000} million pixels")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return DAMAGED
    return too_many(f"{width} x {height} pixels") if width * height > MAX_IMAGE_PIXELS else ""


def _check(folder: Path, src: str, max_bytes: int) -> tuple[Path | None, str]:
    """The real file behind ``src`` and "" if it may be published, else why not."""
    wanted = folder / unquote(src)
    try:
        real = wanted.resolve(strict=True)
    except FileNotFoundError:
        return None, f"not found (looked for {wanted})"
    except (OSError, RuntimeError) as exc:  # a loop of links, a name too long
        return None, f"cannot be read: {exc}"
    if not real.is_relative_to(folder):
        return None, "leads outside the document's folder (by a link); images must be files in it"
    expected = IMAGE_TYPES.get(wanted.suffix.lower())
    if expected is None:
        return None, ("only PNG, JPEG, GIF and WebP pictures are published "
                      "(.png, .jpg, .jpeg, .gif, .webp); SVG and other documents are refused")
    info = real.stat()
    if what := not_regular(info.st_mode):
        return None, f"is {what}, not a regular file"
    if info.st_size > max_bytes:
        return None, (f"is {info.st_size / 1024:.0f} KiB, over the limit of {max_bytes // 1024} KiB "
                      "(site.max_image_kib in docpub.toml)")
    head = _head(real)
    found = sniff(head)
    if not found:
        return None, f"is not a {expected} picture (its content is something else)"
    if found != expected:
        return None, f"is a {found} picture named like a {expected} one; give it the right extension"
    if reason := _pixels_problem(real):
        return None, reason
    return real, ""


def _head(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        return os.read(fd, 16)
    finally:
        os.close(fd)


def _problems(source: Path, bad: list[tuple[str, str]]) -> list[Problem]:
    """Each refused image at the first line of its content file that names it."""
    try:
        lines = read_regular(source).decode("utf-8", "replace").splitlines()
    except DocpubError:  # the line is a courtesy; the reason is what matters
        lines = []
    return [Problem(str(source), next((n for n, t in enumerate(lines, 1) if src in t), None),
                    f"image '{src}' {reason}") for src, reason in bad]
