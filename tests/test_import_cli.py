"""``docpub import`` through the CLI: where it writes, what it refuses, what it reports."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from docpub.cli import main
from docpub.readers.markdown import read_file
from sitekit import SEED_SOURCE

FIXTURE = Path(__file__).parent / "fixtures" / "untext" / "second.zh-Hans.txt"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "vn-2021-04.zh-Hans.txt"
    path.parent.mkdir()
    path.write_bytes(FIXTURE.read_bytes())
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["import", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_the_content_file_named_after_the_input(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(source), "--site", str(tmp_path))
    target = tmp_path / "content" / "vn-2021-04" / "zh-Hans.md"
    assert code == 0 and str(target) in out
    assert read_file(target).meta.symbol == "S/2021/456"
    assert f"{source}:57: repaired: joined" in err
    assert "fill in by hand: title_en, author_en, annex_title_en" in err
    assert [p.name for p in target.parent.iterdir()] == ["zh-Hans.md"]  # no temp file left


def test_refuses_to_overwrite_without_force(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "content" / "vn-2021-04" / "zh-Hans.md"
    target.parent.mkdir(parents=True)
    target.write_text("edited by hand\n", encoding="utf-8")
    code, _, err = run(capsys, str(source), "--site", str(tmp_path))
    assert code == 1 and str(target) in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "edited by hand\n"
    code, _, _ = run(capsys, str(source), "--site", str(tmp_path), "--force")
    assert code == 0 and target.read_text(encoding="utf-8").startswith("---\ntitle: ")


def test_stdout_prints_markdown_and_writes_nothing(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(source), "--site", str(tmp_path), "--stdout")
    assert code == 0 and out.startswith("---\ntitle: 2021年5月3日")
    assert not (tmp_path / "content").exists()
    assert "repaired:" in err and "repaired:" not in out


def test_stdin_with_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FIXTURE.read_bytes())))
    code, out, _ = run(capsys, "-", "--id", "from-stdin", "--site", str(tmp_path))
    assert code == 0
    assert (tmp_path / "content" / "from-stdin" / "zh-Hans.md").exists()


def test_stdin_needs_an_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FIXTURE.read_bytes())))
    code, _, err = run(capsys, "-", "--site", str(tmp_path))
    assert code == 1 and "--id" in err


def test_id_option_overrides_the_file_name(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, str(source), "--id", "other.id_1", "--site", str(tmp_path))
    assert code == 0 and (tmp_path / "content" / "other.id_1" / "zh-Hans.md").exists()


@pytest.mark.parametrize("bad", ["Upper", "-dash", "a b", "../x", "中文"])
def test_bad_ids_are_refused(
    bad: str, source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, str(source), f"--id={bad}", "--site", str(tmp_path))
    assert code == 1 and f"'{bad}'" in err
    assert not (tmp_path / "content").exists()


def test_file_name_that_is_not_a_valid_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Belgium Feb.txt"
    path.write_bytes(FIXTURE.read_bytes())
    code, _, err = run(capsys, str(path), "--site", str(tmp_path))
    assert code == 1 and "'Belgium Feb'" in err and "--id" in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tmp_path / "nope.txt"), "--site", str(tmp_path))
    assert code == 1 and "nope.txt: error: no such file" in err


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("安全理事会\n\n第二行".encode("gbk"))
    code, _, err = run(capsys, str(path), "--site", str(tmp_path))
    assert code == 1 and "gbk.txt:1: error: not UTF-8" in err


def test_empty_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(" \n\n", encoding="utf-8")
    code, _, err = run(capsys, str(path), "--site", str(tmp_path))
    assert code == 1 and "empty.txt: error: empty input" in err


def test_import_with_english_metadata_gives_the_content_file_exactly(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    seed = SEED_SOURCE
    expected = repo / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
    code = main(["import", str(seed), "--site", str(tmp_path),
                 "--title-en", "Letter dated 9 November 2020 from the Permanent Representative of Belgium "
                               "to the United Nations addressed to the President of the Security Council",
                 "--author-en", "Permanent Representative of Belgium to the United Nations",
                 "--annex-title-en", "Assessment of the work of the Security Council during the presidency "
                                     "of Belgium (February 2020)"])
    assert code == 0
    written = tmp_path / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
    assert written.read_bytes() == expected.read_bytes()


def test_import_symbol_is_checked_and_made_canonical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = SEED_SOURCE
    assert main(["import", str(seed), "--stdout", "--symbol", "S/RES/2512(2020)"]) == 0
    assert "symbol: S/RES/2512 (2020)" in capsys.readouterr().out
    assert main(["import", str(seed), "--stdout", "--symbol", "not-a-symbol"]) == 1
    assert "is not a UN document symbol" in capsys.readouterr().err


def test_control_characters_are_taken_out_and_noted(source: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Control characters a text carries unseen (an escape, a vertical tab, a C1 code) are taken
    out of the Markdown written, each line they were on noted; its pages' form feeds stay the
    page breaks the reader knows. The file written then builds."""
    lines = source.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if "。" in line)
    lines[at] = lines[at].replace("。", "。\x1b[31m\x0b", 1) + "\x85"
    source.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = run(capsys, str(source), "--site", str(tmp_path))
    written = (tmp_path / "content" / "vn-2021-04" / "zh-Hans.md").read_text(encoding="utf-8")
    assert code == 0 and not any(c in written for c in "\x1b\x0b\x85") and "[31m" in written
    assert f"{source}:{at + 1}: repaired: control character(s) U+000B, U+001B, U+0085 taken out" in err
    assert read_file(tmp_path / "content" / "vn-2021-04" / "zh-Hans.md").meta.symbol == "S/2021/456"
