"""`docpub model FILE [--edition TAG]`: the seed's model in every edition, as golden JSON."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from docpub.cli import main

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
GOLDEN = Path(__file__).parent / "golden" / "model"
SCHEMA = json.loads((REPO / "src" / "docpub" / "schema" / "document.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("tag", ["zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK"])
def test_seed_model_per_edition_matches_golden(tag: str, regen_golden: bool,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", str(SEED), "--edition", tag]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["lang"] == tag
    assert len(data["citations"]) == 18
    golden = GOLDEN / f"{tag}.json"
    if regen_golden:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8"), f"regenerate with --regen-golden and review {golden}"


def test_model_is_found_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # the site is found from the file, not from where the command runs
    assert main(["model", str(SEED), "--edition", "zh-Hant-TW"]) == 0
    assert "蒲隆地" in capsys.readouterr().out
