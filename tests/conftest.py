"""Shared pytest set-up: the ``--regen-golden`` switch for golden-file tests, the ``browser`` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selenium import webdriver


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


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the whole run (tests/browser.py); each test loads its own pages."""
    from browser import CHROMEDRIVER, CHROMIUM, chromium, missing_tools

    missing = missing_tools(CHROMIUM, CHROMEDRIVER)
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run 'make test-setup' (as root it installs them)")
    with chromium() as driver:
        yield driver
