"""A build killed halfway leaves the previous site exactly as it was, and no temporary folders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docpub.outdir import MARKER, MARKER_TEXT

REPO = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for_temporary(parent: Path, proc: subprocess.Popen[bytes], limit: float = 60.0) -> None:
    """Block until the build has started writing (its temporary folder exists)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if any(p.name.startswith(".site.tmp-") for p in parent.iterdir()):
            time.sleep(0.3)  # let it get some files written
            return
        if proc.poll() is not None:
            pytest.fail("the build ended before it could be interrupted")
        time.sleep(0.01)
    pytest.fail("the build never started writing")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_mid_build_keeps_previous_site(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the last good site\n", encoding="utf-8")
    (out / MARKER).write_bytes(MARKER_TEXT)  # as every docpub output has
    before = snapshot(out)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "docpub", "build", str(REPO), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        wait_for_temporary(tmp_path, proc)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0
    assert b"previous output is unchanged" in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".docpub-cache") == ["site"]
    assert not [p for p in tmp_path.rglob(".tmp-*")]  # no half-written cache entries either
