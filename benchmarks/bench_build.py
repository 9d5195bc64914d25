"""Whole builds, as a user runs them: wall time and peak memory.

Prints figures for (1) this repository's site, every edition, HTML and PDF, cold
and warm in separate processes; (2) a synthetic 2 MiB document (the default size
limit) built with PDFs; (3) a 10 MiB document: refused by default, then built as
HTML with the limit raised. Each build runs in its own process so the peak RSS
is that build's alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"


def run_build(site: Path, out: Path, *extra: str) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of one `docpub build` in a fresh process."""
    code = (
        "import resource, sys, time\n"
        "from docpub.cli import main\n"
        "t = time.perf_counter(); rc = main(sys.argv[1:]); dt = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'{dt:.3f} {peak:.1f} {rc}', file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, "build", str(site), "--out", str(out), *extra],
                          capture_output=True, text=True)
    seconds, peak, rc = proc.stderr.strip().splitlines()[-1].split()
    return float(seconds), float(peak), int(rc)


def synthetic_site(folder: Path, size: int, limit_kib: int | None = None) -> Path:
    """A site whose one document repeats the seed's paragraphs until it reaches ``size`` bytes."""
    shutil.copytree(REPO / "content" / "glossary", folder / "content" / "glossary")
    config = (REPO / "docpub.toml").read_text(encoding="utf-8")
    if limit_kib:
        config = config.replace("[site]\n", f"[site]\nmax_content_kib = {limit_kib}\n", 1)
    (folder / "docpub.toml").write_text(config, encoding="utf-8")
    body = SEED.read_text(encoding="utf-8").split("# ", 1)[1].split("\n\n")
    paragraphs = [p for p in body if p and not p.startswith((":", "#"))]
    parts, total, i = ["---\ntitle: 合成测试文件\ndate: 2021-01-01\n---\n"], 0, 0
    while total < size:
        if i % 20 == 0:
            parts.append(f"## 第{i // 20 + 1}部分\n")
        text = paragraphs[i % len(paragraphs)]
        parts.append(text + "\n")
        total += len(text.encode("utf-8")) + 2
        i += 1
    doc = folder / "content" / "synthetic"
    doc.mkdir(parents=True)
    (doc / "zh-Hans.md").write_text("\n".join(parts), encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-large", action="store_true", help="only the repository's site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for label in ("cold", "warm"):
            s, peak, rc = run_build(REPO, tmp / "site")
            print(f"repository site, 4 editions, HTML+PDF ({label}): {s:.2f} s, peak {peak:.0f} MiB, exit {rc}")
        s, peak, rc = run_build(REPO, tmp / "site-html", "--no-pdf")
        print(f"repository site, 4 editions, HTML only: {s:.2f} s, peak {peak:.0f} MiB, exit {rc}")
        if args.skip_large:
            return 0
        site = synthetic_site(tmp / "two", 2 * 1024 * 1024 - 8192)
        s, peak, rc = run_build(site, tmp / "two-out")
        pdf = tmp / "two-out" / "zh-Hans" / "synthetic" / "synthetic.pdf"
        pdf_kb = pdf.stat().st_size / 1024 if pdf.exists() else 0
        print(f"2 MiB document, 4 editions, HTML+PDF: {s:.2f} s, peak {peak:.0f} MiB, exit {rc}, "
              f"zh-Hans PDF {pdf_kb:.0f} KB")
        site = synthetic_site(tmp / "ten", 10 * 1024 * 1024)
        s, peak, rc = run_build(site, tmp / "ten-out")
        print(f"10 MiB document, default limit: refused in {s:.2f} s, peak {peak:.0f} MiB, exit {rc}")
        site = synthetic_site(tmp / "ten-raised", 10 * 1024 * 1024, limit_kib=16384)
        s, peak, rc = run_build(site, tmp / "ten-raised-out", "--no-pdf")
        print(f"10 MiB document, limit raised, HTML only: {s:.2f} s, peak {peak:.0f} MiB, exit {rc}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
