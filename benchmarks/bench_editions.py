"""Time the Traditional editions of the seed document.

    .venv/bin/python benchmarks/bench_editions.py [--runs N]

Converters (OpenCC dictionaries, glossaries) are built once before timing, as
in a build; each figure is the best of N runs of ``convert_document``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from docpub.config import Edition, load_config
from docpub.model import Document
from docpub.readers.markdown import read_file
from docpub.review import iter_texts
from docpub.transforms.editions import convert_document, converter_for

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
EDITIONS = tuple(e for e in load_config(ROOT).editions if e.opencc)  # as docpub.toml defines them


def best_of(runs: int, doc: Document, edition: Edition) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        convert_document(doc, edition=edition, root=ROOT)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    doc = read_file(SEED)
    chars = sum(len(text) for _, text in iter_texts(doc))
    start = time.perf_counter()
    for edition in EDITIONS:
        converter_for(edition, ROOT)
    setup = time.perf_counter() - start
    print(f"seed: {chars} characters of prose; converters built in {setup * 1000:.1f} ms")
    total = 0.0
    for edition in EDITIONS:
        best = best_of(args.runs, doc, edition)
        total += best
        print(f"{edition.tag:<11} {best * 1000:7.2f} ms  {chars / best / 1e6:5.2f} M chars/s")
    print(f"{'total':<11} {total * 1000:7.2f} ms  (best of {args.runs} runs per edition; target < 100 ms)")


if __name__ == "__main__":
    main()
