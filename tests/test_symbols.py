from __future__ import annotations

import pytest

from docpub.config import UrlTemplates
from docpub.symbols import Symbol, iter_symbols, parse_symbol, url_for

URLS = UrlTemplates()


@pytest.mark.parametrize(
    ("written", "canonical", "kind"),
    [
        ("S/RES/2512 (2020)", "S/RES/2512 (2020)", "resolution"),
        ("S/RES/2512(2020)", "S/RES/2512 (2020)", "resolution"),
        ("S/RES/2512  ( 2020 )", "S/RES/2512 (2020)", "resolution"),
        ("S/RES/2512（2020）", "S/RES/2512 (2020)", "resolution"),
        ("S／RES／2512（２０２０）", "S/RES/2512 (2020)", "resolution"),
        ("S/RES/242", "S/RES/242", "resolution"),
        ("A/RES/68/268", "A/RES/68/268", "resolution"),
        ("S/PRST/2020/3", "S/PRST/2020/3", "presidential_statement"),
        ("PRST/2020/3", "S/PRST/2020/3", "presidential_statement"),
        ("SC/14128", "SC/14128", "press_release"),
        ("S/2020/139", "S/2020/139", "document"),
        ("S/2019/1011", "S/2019/1011", "document"),
        ("S/2020/139/Add.1", "S/2020/139/Add.1", "document"),
        ("A/74/123", "A/74/123", "document"),
        ("S/PV.8733", "S/PV.8733", "meeting"),
        ("  S/PV.8733 ", "S/PV.8733", "meeting"),
    ],
)
def test_parse_symbol(written: str, canonical: str, kind: str) -> None:
    symbol = parse_symbol(written)
    assert symbol is not None
    assert (symbol.canonical, symbol.kind) == (canonical, kind)


@pytest.mark.parametrize(
    "written",
    ["", "S/RES/abc", "S/RES/2512 (20)", "RES/2512", "S/2020", "SC/", "S/PV8733",
     "PRST/20/3", "2512(2020)", "第2512(2020)号决议", "S/2020/139 extra"],
)
def test_parse_symbol_rejects(written: str) -> None:
    assert parse_symbol(written) is None


def test_fields() -> None:
    assert parse_symbol("S/RES/2512(2020)") == Symbol("S/RES/2512 (2020)", "resolution", "2512", 2020)
    assert parse_symbol("SC/14128") == Symbol("SC/14128", "press_release", "14128", None)
    assert parse_symbol("A/RES/68/268") == Symbol("A/RES/68/268", "resolution", "68/268", None)


@pytest.mark.parametrize(
    ("written", "url"),
    [
        ("S/RES/2512 (2020)", "https://undocs.org/zh/S/RES/2512(2020)"),
        ("PRST/2020/3", "https://undocs.org/zh/S/PRST/2020/3"),
        ("S/2020/139", "https://undocs.org/zh/S/2020/139"),
        ("S/PV.8733", "https://undocs.org/zh/S/PV.8733"),
        ("A/RES/68/268", "https://undocs.org/zh/A/RES/68/268"),
        ("SC/14128", "https://press.un.org/en/2020/sc14128.doc.htm"),
    ],
)
def test_url_for(written: str, url: str) -> None:
    symbol = parse_symbol(written)
    assert symbol is not None
    assert url_for(symbol, URLS, year=2020) == url


def test_url_for_other_templates() -> None:
    urls = UrlTemplates(document="https://example.org/{lang}/{symbol}", document_lang="en",
                        press_release="https://example.org/press/{year}/{number}")
    res, press = parse_symbol("S/RES/2512 (2020)"), parse_symbol("SC/14128")
    assert res is not None and press is not None
    assert url_for(res, urls, year=None) == "https://example.org/en/S/RES/2512(2020)"
    assert url_for(press, urls, year=2019) == "https://example.org/press/2019/14128"


def test_press_release_needs_a_year() -> None:
    symbol = parse_symbol("SC/14128")
    assert symbol is not None
    with pytest.raises(ValueError, match="SC/14128"):
        url_for(symbol, URLS, year=None)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("见报告(S/2020/139)。", ["S/2020/139"]),
        ("S/RES/2512 (2020) and S/PV.8733.", ["S/RES/2512 (2020)", "S/PV.8733"]),
        ("(SC/14128)和S/PRST/2020/3", ["SC/14128", "S/PRST/2020/3"]),
        ("XS/2020/139", []),
        ("S/2020/1390", ["S/2020/1390"]),
        ("A/HRC/RES/31/1", []),
    ],
)
def test_iter_symbols(text: str, found: list[str]) -> None:
    spans = list(iter_symbols(text))
    assert [s.canonical for _, _, s in spans] == found
    for (start, end, symbol) in spans:
        assert parse_symbol(text[start:end]) == symbol
