"""Shared pytest set-up: the ``--regen-golden`` switch for golden-file tests, the ``browser`` fixture,
no PDF test passes while WeasyPrint warns, and docpub's per-user cache is the run's own."""

from __future__ import annotations

import logging
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


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """docpub keeps its compiled templates per user (``$XDG_CACHE_HOME``): the tests keep theirs
    apart, and so compile them at least once in every run."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the whole run (tests/browser.py); each test loads its own pages."""
    from browser import CHROMEDRIVER, CHROMIUM, chromium, missing_tools

    missing = missing_tools(CHROMIUM, CHROMEDRIVER)
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run 'make test-setup' (as root it installs them)")
    with chromium() as driver:
        yield driver


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_WEASYPRINT = _Collect()


@pytest.fixture(scope="session", autouse=True)
def _weasyprint_log() -> Iterator[None]:
    """Collects WeasyPrint's warnings from the start, so module fixtures that lay out PDFs count too."""
    logger = logging.getLogger("weasyprint")
    logger.addHandler(_WEASYPRINT)
    yield
    logger.removeHandler(_WEASYPRINT)


@pytest.fixture(autouse=True)
def _no_weasyprint_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test fails on any WeasyPrint warning or error (a missing glyph, an unsupported CSS
    property, an image that did not load), unless it is marked ``weasyprint_warnings``."""
    yield
    records, _WEASYPRINT.records[:] = list(_WEASYPRINT.records), []
    if records and request.node.get_closest_marker("weasyprint_warnings") is None:
        pytest.fail("WeasyPrint: " + "; ".join(r.getMessage() for r in records), pytrace=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "weasyprint_warnings: the test expects WeasyPrint to warn")
