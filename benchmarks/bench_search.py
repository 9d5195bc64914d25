"""The search index of an archive: Pagefind's time and peak memory at 200 documents.

Builds a synthetic archive of N documents (the seed's letter, each with a different
date and symbol, in 4 editions) without PDFs, then indexes its pages in a fresh
process, twice: the document text only (``data-pagefind-body``, what the build
does) and, for comparison, whole pages (every page of the site, navigation and all).
Memory is Pagefind's own peak RSS (the largest of its runs, one per edition); time is wall time.

    .venv/bin/python benchmarks/bench_search.py [--docs 200]
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

MEASURE = """
import resource, sys, time
from pathlib import Path
from docpub.search import SearchCache, indexed_pages

site, mode = Path(sys.argv[1]), sys.argv[2]
files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
if mode == "body":
    pages = indexed_pages(files)
else:  # whole pages: the marker removed, so Pagefind indexes every <body>
    pages = {k: v.replace(b" data-pagefind-body", b"") for k, v in files.items() if "review/" not in k}
t = time.perf_counter()
bundle = SearchCache(None).get(pages)  # one Pagefind run per edition, as the build does
dt = time.perf_counter() - t
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
size = sum(len(v) for v in bundle.values()) / 1048576
print(f"{len(pages)} {dt:.2f} {child:.0f} {size:.1f}")
"""


def archive(folder: Path, n: int) -> Path:
    """A site of ``n`` copies of the seed, one per day from 2020-01-01, each with its own symbol."""
    folder.mkdir(parents=True)
    shutil.copy(REPO / "docpub.toml", folder / "docpub.toml")
    shutil.copytree(REPO / "content" / "glossary", folder / "content" / "glossary")
    seed = SEED.read_text(encoding="utf-8")
    for i in range(n):
        day = f"2020-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
        text = seed.replace("date: 2020-11-30", f"date: {day}\nsymbol: S/2020/{1000 + i}", 1)
        doc = folder / "content" / f"doc-{i:04d}"
        doc.mkdir(parents=True)
        (doc / "zh-Hans.md").write_text(text, encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        site = archive(tmp / "site", args.docs)
        out = tmp / "out"
        subprocess.run([sys.executable, "-m", "docpub", "build", str(site), "--out", str(out), "--no-pdf",
                        "--no-cache"], check=True, capture_output=True)
        for mode, label in (("body", "document text only (data-pagefind-body)"), ("whole", "whole pages")):
            done = subprocess.run([sys.executable, "-c", MEASURE, str(out), mode], check=True,
                                  capture_output=True, text=True)
            pages, seconds, peak, size = done.stdout.split()
            print(f"search index, {args.docs} documents x 4 editions, {label}: {pages} pages, "
                  f"{seconds} s, Pagefind peak {peak} MiB, bundle {size} MiB")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
