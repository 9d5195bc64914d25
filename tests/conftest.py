"""Shared pytest set-up: the ``--regen-golden`` switch for golden-file tests."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output; review the diff before committing",
    )


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden tests should write their expected files instead of comparing."""
    return bool(request.config.getoption("--regen-golden"))
