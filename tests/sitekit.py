"""Make throwaway sites for tests: this repository's templates and config, chosen content."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

MINIMAL = """---
title: 测试文件
date: 2021-03-01
---

安全理事会通过了第2512(2020)号决议。
"""


def make_site(root: Path, documents: dict[str, str] | None = None, *, config: str | None = None,
              glossaries: dict[str, str] | None = None) -> Path:
    """A site folder with the repository's templates and the given content files."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content" / "glossary", root / "content" / "glossary")
    (root / "docpub.toml").write_text(config or (REPO / "docpub.toml").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    for name, text in (glossaries or {}).items():
        (root / "content" / "glossary" / name).write_text(text, encoding="utf-8")
    for doc_id, text in (documents if documents is not None else {"test-doc": MINIMAL}).items():
        folder = root / "content" / doc_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "zh-Hans.md").write_text(text, encoding="utf-8")
    return root
