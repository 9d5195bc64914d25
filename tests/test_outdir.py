"""Atomic output: a failed build leaves the previous output exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from docpub.outdir import atomic_output


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_success_replaces_the_output_and_leaves_no_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.html").write_text("old")
    with atomic_output(out) as tmp:
        (tmp / "new.html").write_text("new")
    assert tree(out) == {"new.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_failure_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous")
    with pytest.raises(RuntimeError):
        with atomic_output(out) as tmp:
            (tmp / "index.html").write_text("half")
            raise RuntimeError("template exploded")
    assert tree(out) == {"index.html": b"previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_first_build_creates_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "site"
    with atomic_output(out) as tmp:
        (tmp / "a").write_text("a")
    assert tree(out) == {"a": b"a"}
    assert oct(out.stat().st_mode & 0o777) == "0o755"
