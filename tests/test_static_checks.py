"""The package stays clean under ``mypy --strict`` (configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_is_clean(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    # pytest's own cache keeps reruns quick without sharing .mypy_cache with `make lint`;
    # a fresh one under tmp_path when the cache plugin is off (-p no:cacheprovider).
    pytest_cache = getattr(request.config, "cache", None)
    cache_dir = pytest_cache.mkdir("mypy") if pytest_cache is not None else tmp_path / "mypy_cache"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(cache_dir)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
