"""The search index of an archive: Pagefind's time and peak memory at 200 documents.

Builds a synthetic archive of N documents (the seed's letter, each with a different
date and symbol, in 4 editions) without PDFs, then indexes its pages in a fresh
process: the document text only (``data-pagefind-body``), as the build does.
The pages are indexed in their shards, each its own bundle, by one Pagefind program (as a build
with -j1 does). Memory is Pagefind's own peak RSS; time is wall time.

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
import resource, sys, tempfile, time
from pathlib import Path
from docpub.search import BODY_MARKER, Indexer, build_index, shard_of

site, mode = Path(sys.argv[1]), sys.argv[2]
work = Path(tempfile.mkdtemp())
pages = {}
for p in site.rglob("*.html"):
    rel = p.relative_to(site).as_posix()
    if "/" not in rel or rel.startswith(("review/", "pagefind/")):
        continue
    data = p.read_bytes()
    if mode == "body" and BODY_MARKER not in data:
        continue
    (work / "in" / rel).parent.mkdir(parents=True, exist_ok=True)
    (work / "in" / rel).write_bytes(data)
    tag, doc = rel.split("/")[:2]
    pages.setdefault((tag, shard_of(doc)), {})[rel] = work / "in" / rel
t = time.perf_counter()
with Indexer() as indexer:  # one Pagefind for every shard, as a build with -j1 does
    for (tag, shard), group in sorted(pages.items()):
        build_index(group, work / "out" / tag / shard, indexer)
dt = time.perf_counter() - t
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
size = sum(f.stat().st_size for f in (work / "out").rglob("*") if f.is_file()) / 1048576
print(f"{sum(len(g) for g in pages.values())} {len(pages)} {dt:.2f} {child:.0f} {size:.1f}")
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
        for mode, label in (("body", "document text only (data-pagefind-body)"),):
            done = subprocess.run([sys.executable, "-c", MEASURE, str(out), mode], check=True,
                                  capture_output=True, text=True)
            pages, shards, seconds, peak, size = done.stdout.split()
            print(f"search index, {args.docs} documents x 4 editions, {label}: {pages} pages in {shards} shards, "
                  f"{seconds} s, Pagefind peak {peak} MiB, bundle {size} MiB")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
