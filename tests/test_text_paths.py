"""Nothing is ever read from a path written in the text: not by the PDF cache, not by the renderer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sitekit import MINIMAL, make_site


def test_a_build_with_paths_in_its_text_reads_none_of_them(tmp_path: Path) -> None:
    """A FIFO named in a paragraph would hang a build that opened it; /dev/zero would fill memory."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text = MINIMAL + f"\n文件 {fifo.as_uri()} 与 file:///dev/zero 只是文字。\n"
    site = make_site(tmp_path / "s", {"x": text})
    proc = subprocess.run([sys.executable, "-m", "docpub", "build", str(site), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / "zh-Hans" / "x" / "index.html").read_text(encoding="utf-8")
    sentence = page[page.index("文件 file://"):page.index("只是文字")]
    assert "file:///dev/zero" in sentence and "<a " not in sentence  # text, shown as text
    assert (tmp_path / "out" / "zh-Hans" / "x" / "x.pdf").read_bytes().startswith(b"%PDF")
