"""Inputs built to make the reader, the citation grammar or the importer work out of proportion.

    .venv/bin/python benchmarks/bench_hostile.py [--n N]

For each input, prints the time for n and for 4n repetitions of a unit and
their ratio: about 4 for linear work, 16 for quadratic. The sizes are those of
the attacks found on the project (20,000 identical headings; 10,000 repeated
citation-like patterns, 110-250 KB; an import of 1,200+ short lines).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from docpub.config import UrlTemplates
from docpub.readers.markdown import read_markdown
from docpub.readers.untext import read_untext
from docpub.transforms.citation_grammar import find_suspects
from docpub.transforms.citations import link_citations

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "fixtures" / "sources" / "assessment-belgium-2020-02.zh-Hans.txt"
FM = "---\ntitle: 标题\ndate: 2020-11-30\n---\n"


def read_and_link(body: str) -> Callable[[], object]:
    text = FM + body
    return lambda: link_citations(read_markdown(text, doc_id="x"), urls=UrlTemplates())


def imported(lines: list[str]) -> Callable[[], object]:
    head = SOURCE.read_text(encoding="utf-8").split("比利时担任安全理事会轮值主席期间")[0]
    title = "比利时担任安全理事会轮值主席期间安全理事会工作评估(2020年2月)"
    text = head + title + "\n\n" + "\n\n".join(lines) + "\n\n正文。\n"
    return lambda: read_untext(text, doc_id="x")


CASES: dict[str, Callable[[int], Callable[[], object]]] = {
    "identical headings": lambda n: read_and_link("## 同一个标题\n\n" * n),
    "第1(2000)、 (no 号决议)": lambda n: read_and_link("第1(2000)、" * n + "\n"),
    "安理会第1234次会议": lambda n: read_and_link("安理会第1234次会议" * n + "\n"),
    "S/2020/1，": lambda n: read_and_link("S/2020/1，" * n + "\n"),
    "SC/14128，2020年2月3日，": lambda n: read_and_link("SC/14128，2020年2月3日，" * n + "\n"),
    "suspects 第xx号决议": lambda n: (lambda text="第xx号决议" * n: find_suspects(text)),
    "import: short lines": lambda n: imported([f"标题{i}" for i in range(n // 8)]),
}


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="units in the smaller input (default 5000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.n
    print(f"{'input':32} {'n':>7} {'t(n) s':>8} {'t(4n) s':>8} {'ratio':>6}")
    for name, make in CASES.items():
        small, large = make(n), make(4 * n)
        small()  # warm up
        t1, t4 = best(small, args.repeat), best(large, args.repeat)
        print(f"{name:32} {n:>7} {t1:8.3f} {t4:8.3f} {t4 / t1:6.1f}")


if __name__ == "__main__":
    main()
