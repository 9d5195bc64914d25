"""Which URLs a content file may use: in links, images and the front matter's ``links``."""

from __future__ import annotations

import re
from urllib.parse import unquote

LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def scheme(url: str) -> str | None:
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    m = _SCHEME.match(re.sub(r"[\x00-\x20]", "", url))
    return m.group(1).lower() if m else None


def image_problem(src: str) -> str:
    """Why ``src`` cannot be an image's path ("" if it can)."""
    path = unquote(src).replace("\\", "/")
    if not src:
        return "empty path"
    if scheme(path) is not None:
        return "images must be files in the document's folder, not URLs"
    if path.startswith("/"):
        return "use a path relative to the document's folder, not an absolute path"
    if ".." in path.split("/"):
        return "'..' would leave the document's folder"
    return ""
