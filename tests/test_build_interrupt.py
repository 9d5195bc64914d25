"""A build killed halfway leaves the previous site exactly as it was, and no temporary folders."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from docpub.outdir import MARKER, MARKER_TEXT

REPO = Path(__file__).resolve().parents[1]
PAUSED = Path(__file__).resolve().parent / "paused_build.py"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_mid_build_keeps_previous_site(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the last good site\n", encoding="utf-8")
    (out / MARKER).write_bytes(MARKER_TEXT)  # as every docpub output has
    before = snapshot(out)
    proc = subprocess.Popen([sys.executable, str(PAUSED), "build", str(REPO), "--out", str(out), "--no-pdf"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"paused\n"  # the new site is written, not yet published
        assert any(p.name.startswith(".site.tmp-") for p in tmp_path.iterdir())
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0
    assert b"previous output is unchanged" in err
    assert snapshot(out) == before
    # The cache and the lock file stay beside the output; no temporary folder does.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in (".docpub-cache", ".site.lock")) == ["site"]
    assert not [p for p in tmp_path.rglob(".tmp-*")]  # no half-written cache entries either
