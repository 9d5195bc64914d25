"""Make throwaway sites for tests: this repository's config and glossaries, chosen content."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from pathlib import Path
from typing import NamedTuple

from docpub.templating import DEFAULT_THEME

REPO = Path(__file__).resolve().parents[1]
# The plain text the seed document was imported from (as extracted from the UN's PDF).
SEED_SOURCE = REPO / "tests" / "fixtures" / "sources" / "assessment-belgium-2020-02.zh-Hans.txt"

MINIMAL = """---
title: 测试文件
date: 2021-03-01
---

安全理事会通过了第2512(2020)号决议。
"""


# The 18 documents the seed cites, with where each must lead.
SEED_CITATIONS = {  # canonical symbol -> where it must lead
    "S/RES/2512 (2020)": "https://undocs.org/zh/S/RES/2512(2020)",
    "S/RES/2509 (2020)": "https://undocs.org/zh/S/RES/2509(2020)",
    "S/RES/2510 (2020)": "https://undocs.org/zh/S/RES/2510(2020)",
    "S/RES/751 (1992)": "https://undocs.org/zh/S/RES/751(1992)",
    "S/RES/2508 (2020)": "https://undocs.org/zh/S/RES/2508(2020)",
    "S/RES/1591 (2005)": "https://undocs.org/zh/S/RES/1591(2005)",
    "S/RES/2118 (2013)": "https://undocs.org/zh/S/RES/2118(2013)",
    "S/RES/2504 (2020)": "https://undocs.org/zh/S/RES/2504(2020)",
    "S/RES/2140 (2014)": "https://undocs.org/zh/S/RES/2140(2014)",
    "S/RES/2511 (2020)": "https://undocs.org/zh/S/RES/2511(2020)",
    "S/RES/1718 (2006)": "https://undocs.org/zh/S/RES/1718(2006)",
    "S/PRST/2020/3": "https://undocs.org/zh/S/PRST/2020/3",
    "SC/14128": "https://press.un.org/en/2020/sc14128.doc.htm",
    "SC/14133": "https://press.un.org/en/2020/sc14133.doc.htm",
    "SC/14125": "https://press.un.org/en/2020/sc14125.doc.htm",
    "S/2020/139": "https://undocs.org/zh/S/2020/139",
    "S/2019/1011": "https://undocs.org/zh/S/2019/1011",
    "S/2020/95": "https://undocs.org/zh/S/2020/95",
}


def make_site(root: Path, documents: dict[str, str] | None = None, *, config: str | None = None,
              glossaries: dict[str, str] | None = None) -> Path:
    """A site folder with the given content files; its pages use docpub's default theme."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "content" / "glossary", root / "content" / "glossary")
    (root / "docpub.toml").write_text(config or (REPO / "docpub.toml").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    for name, text in (glossaries or {}).items():
        (root / "content" / "glossary" / name).write_text(text, encoding="utf-8")
    for doc_id, text in (documents if documents is not None else {"test-doc": MINIMAL}).items():
        folder = root / "content" / doc_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "zh-Hans.md").write_text(text, encoding="utf-8")
    return root


def override(site: Path, name: str) -> Path:
    """Copy the default theme's ``name`` into the site's templates/ (to be edited there)."""
    path = site / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEFAULT_THEME / name, path)
    return path


def picture(kind: str, size: tuple[int, int] = (1, 1)) -> bytes:
    """A real picture of ``kind`` ("PNG", "JPEG", "GIF"): every published one is read as a
    browser would read it, its header and its data."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` x ``height``: a few bytes can claim billions of pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


class ProcessInfo(NamedTuple):
    """A process as ``/proc/<pid>/stat`` gives it (Linux)."""

    name: str
    state: str  # R, S, Z (ended, not yet waited for), …
    parent: int


def process(pid: int) -> ProcessInfo | None:
    """``pid``'s name, state and parent (None: no such process)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = stat[stat.rindex(")") + 2:].split()
    return ProcessInfo(stat[stat.index("(") + 1:stat.rindex(")")], rest[0], int(rest[1]))


def processes() -> dict[int, ProcessInfo]:
    """Every process of the machine (Linux): pid -> its name, state and parent."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (info := process(int(entry))) is not None:
            found[int(entry)] = info
    return found


def ended(pid: int) -> bool:
    """Whether ``pid`` has ended (one no process has waited for yet counts as ended)."""
    info = process(pid)
    return info is None or info.state in "ZX"
