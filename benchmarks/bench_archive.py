"""Archive-scale builds: cold, no-op and one-document-edit times, peak memory, -j1 against -j2,
a Dask cluster, and the shell pipeline a user would write instead, side by side in one run.

The archive is synthetic but every document is different: the seed's paragraphs are shuffled
and recombined, and dates, ids, titles and symbols vary, so no cache can share work between
documents. Each build runs in its own process; peak memory is that process's maximum RSS
(with -j1 the whole build runs in it).

    python benchmarks/bench_archive.py                  # the full run (several minutes)
    python benchmarks/bench_archive.py --quick          # small archives, a short run
    python benchmarks/bench_archive.py --docs 50 --pdf-docs 5
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "content" / "assessment-belgium-2020-02" / "zh-Hans.md"
# The shell pipeline a user would write instead (OpenCC CLI + pandoc + WeasyPrint CLI per edition):
# beside the checkout, or where DOCPUB_PEER says.
PEER = Path(os.environ.get("DOCPUB_PEER", REPO.parent / "shared" / "bench" / "peer_pipeline.sh"))


# --- the synthetic archive ------------------------------------------------------------------

def split_seed() -> tuple[str, list[str]]:
    text = SEED.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return front, body.split("\n\n")


def _is_prose(block: str) -> bool:
    text = block.strip()
    return bool(text) and not text.startswith(("#", ":::", "-", "|", ">")) and "\n" not in text


def make_document(n: int, front: str, blocks: list[str], rng: random.Random) -> str:
    """The seed's structure with its prose paragraphs shuffled, recombined and re-dated."""
    prose = [b for b in blocks if _is_prose(b)]
    out = []
    for block in blocks:
        if not _is_prose(block):
            out.append(block)
            continue
        a, b = rng.sample(prose, 2)
        cut_a, cut_b = a.find("，"), b.find("，")
        mixed = (a[:cut_a] + b[cut_b:]) if cut_a > 0 and cut_b > 0 else a
        mixed = re.sub(r"(\d{1,2})月(\d{1,2})日", lambda m: f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日", mixed)
        out.append(mixed)
    year, month, day = 2000 + n % 25, 1 + n % 12, 1 + n % 28
    meta = re.sub(r"(?m)^date: .*$", f"date: {year}-{month:02d}-{day:02d}", front)
    meta = re.sub(r"(?m)^symbol: .*$", f"symbol: S/{year}/{100 + n}", meta)
    meta = re.sub(r"(?m)^title: (.*)$", lambda m: f"title: {m.group(1)}（第{n}号）", meta)
    return "---\n" + meta + "---\n" + "\n\n".join(out)


def make_archive(folder: Path, docs: int, *, seed: int = 1) -> Path:
    rng = random.Random(seed)
    front, blocks = split_seed()
    folder.mkdir(parents=True)
    shutil.copy(REPO / "docpub.toml", folder / "docpub.toml")
    shutil.copytree(REPO / "content" / "glossary", folder / "content" / "glossary")
    for n in range(docs):
        doc = folder / "content" / f"doc-{n:04d}"
        doc.mkdir(parents=True)
        (doc / "zh-Hans.md").write_text(make_document(n, front, blocks, rng), encoding="utf-8")
    return folder


def edit_one(site: Path, path: Path | None = None) -> None:
    """Edit a document's title (every listing that shows it changes too): ``path``'s, else the
    first document's. Done again, the edit is undone, which is one more one-document edit."""
    path = path or next(iter(sorted((site / "content").glob("doc-*/zh-Hans.md"))))
    text = path.read_text(encoding="utf-8")
    before, after = ("安理会（编辑）", "安全理事会") if "安理会（编辑）" in text else ("安全理事会", "安理会（编辑）")
    path.write_text(text.replace(before, after, 1), encoding="utf-8")


class Edits:
    """Which document each one-document edit changes. What an edit costs depends on the document:
    its search shard (Pagefind indexes the shard's pages again: from 1 to 12 documents' worth in
    the 200-document archive) and the listings it is on. By default each edit changes another
    document, drawn at random (seeded, so runs edit the same ones), and the figures are a typical
    edit's; with ``same``, every edit changes the first document (the method of runs before
    2026-12-04: its shard is one of the largest, 10 documents)."""

    def __init__(self, *, same: bool = False, seed: int = 7) -> None:
        self.same = same
        self._rng = random.Random(seed)

    def pick(self, site: Path) -> Path:
        docs = sorted((site / "content").glob("doc-*/zh-Hans.md"))
        return docs[0] if self.same else self._rng.choice(docs)


EDITS = Edits()


# --- measuring ---------------------------------------------------------------------------------

class Ran(NamedTuple):
    seconds: float
    peak: float  # MiB: the maximum RSS of the process itself
    system: float  # seconds of system time, its workers' included (creating files is most of it)


def run(cmd: list[str]) -> Ran:
    """How one command ran."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return Ran(seconds, usage.ru_maxrss / 1024, usage.ru_stime)


def docpub(site: Path, out: Path, *args: str) -> Ran:
    return run([sys.executable, "-m", "docpub", "build", str(site), "--out", str(out), *args])


def fresh(out: Path, n: int, count: int) -> Path:
    """Where cold build ``n`` of ``count`` goes: the last into ``out`` (the builds that follow
    start from it), the others into folders of their own beside it. Each cold build gets a new
    folder and nothing is deleted until the run ends: this machine's disk bills the deletion of
    a build's few thousand files to the files created next (2 to 5 s of system time on the
    200-document archive), which would charge one build's clean-up to the next build."""
    folder = out if n == count - 1 else out.parent.with_name(f"{out.parent.name}-{n}") / out.name
    if folder.parent.exists():
        raise SystemExit(f"{folder.parent} exists: a cold build needs a new folder")
    return folder


class Round(NamedTuple):
    """A cold build and what followed it on its output: the first edit (the site it replaces is
    not kept yet, so it places every file anew), then no-op builds and one-document edits."""
    cold: Ran
    first: float
    noops: list[float]
    edits: list[float]


def after_cold(site: Path, out: Path, args: Sequence[str], cold: Ran, runs: int) -> Round:
    """The round of ``cold``, a cold build into ``out``: its first edit, then ``runs`` no-op builds
    and ``runs`` edits, alternated (each edit a build after a single edit of the archive, of the
    document ``EDITS`` picks). The archive is as it was when the round ends."""
    edited = [EDITS.pick(site)]
    edit_one(site, edited[-1])
    first = docpub(site, out, *args).seconds
    noops, edits = [], []
    for _ in range(runs):
        noops.append(docpub(site, out, *args).seconds)
        edited.append(EDITS.pick(site))
        edit_one(site, edited[-1])
        edits.append(docpub(site, out, *args).seconds)
    for path in edited:  # each edit again: undone
        edit_one(site, path)
    return Round(cold, first, noops, edits)


def median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def series(site: Path, out: Path, *args: str, runs: int, colds: int) -> dict[str, float]:
    """``colds`` rounds (``after_cold``), each from a cold build (empty cache) into a new folder."""
    return summary([after_cold(site, folder, args, docpub(site, folder, *args), runs)
                    for folder in (fresh(out, n, colds) for n in range(colds))])


def summary(rounds: list[Round]) -> dict[str, float]:
    """Medians of the rounds' times, and of each no-op's and edit's time over its own round's
    cold build: the shared machine's speed moves from minute to minute, and a ratio within a
    round sees it alike."""
    cold = sorted(r.cold for r in rounds)[len(rounds) // 2]
    return {"cold": cold.seconds, "peak": cold.peak, "system": cold.system,
            "noop": median(t for r in rounds for t in r.noops), "edit": median(t for r in rounds for t in r.edits),
            "noop/cold": median(t / r.cold.seconds for r in rounds for t in r.noops),
            "edit/cold": median(t / r.cold.seconds for r in rounds for t in r.edits),
            "first": median(r.first for r in rounds)}


def peer(site: Path, work: Path) -> float | None:
    if not PEER.exists() or not shutil.which("opencc") or not shutil.which("pandoc"):
        print("  peer pipeline skipped: needs ../shared/bench/peer_pipeline.sh, opencc and pandoc (make bench)")
        return None
    env_path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    start = time.perf_counter()
    for md in sorted((site / "content").glob("*/zh-Hans.md")):
        subprocess.run(["bash", str(PEER), str(md), str(work / md.parent.name)], check=True,
                       env={**os.environ, "PATH": env_path}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def row(name: str, s: dict[str, float]) -> None:
    print(f"  {name:<34} cold {s['cold']:7.2f} s (system {s['system']:4.2f} s)"
          f"   no-op {s['noop']:6.2f} s ({s['noop/cold']:.3f}×)"
          f"   edit {s['edit']:6.2f} s ({s['edit/cold']:.3f}×)   peak {s['peak']:6.1f} MiB")


def identical(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files == other and all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def dask_identical(site: Path, work: Path, *args: str) -> bool | None:
    try:
        from distributed import LocalCluster
    except ImportError:
        print("  Dask skipped: 'distributed' is not installed (pip install 'docpub[cluster]')")
        return None
    local, remote = work / "local" / "site", work / "dask" / "site"
    docpub(site, local, "--no-cache", "-j", "1", *args)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        docpub(site, remote, "--no-cache", "--scheduler", cluster.scheduler_address, *args)
    return identical(local, remote)


def html_archives(args: argparse.Namespace, work: Path) -> None:
    html_site = make_archive(work / "html-archive", args.docs, seed=2)
    print(f"{args.docs} documents, HTML only (the search index is Pagefind's work: see the last line):")
    n = {"runs": args.runs, "colds": args.colds}
    h2 = series(html_site, work / "h2" / "site", "--no-pdf", "-j", "2", **n)
    row("-j2, with search", h2)
    n2 = series(html_site, work / "n2" / "site", "--no-pdf", "--no-search", "-j", "2", **n)
    row("-j2, no search", n2)
    h1 = series(html_site, work / "h1" / "site", "--no-pdf", "--no-search", "-j", "1", **n)
    row("-j1, no search (peak: the whole build)", h1)
    which = "each of the first document" if EDITS.same else "each of a document drawn at random"
    print(f"  (medians of {args.colds} rounds: a cold build, then the first edit (it places every file anew: "
          f"{h2['first']:.2f} s, {n2['first']:.2f} s, {h1['first']:.2f} s), then {args.runs} no-op builds and "
          f"{args.runs} edits alternated ({which}); each ratio is to its own round's cold build)")
    print(f"  cold -j2: {n2['cold']:.2f} s without search, {h2['cold']:.2f} s with it (target ≤ 10 s); "
          f"no-op/cold {h2['noop/cold']:.3f} with search, {n2['noop/cold']:.3f} without (target ≤ 0.05); "
          f"edit/cold {h2['edit/cold']:.3f} with search, {n2['edit/cold']:.3f} without "
          f"(target ≤ 0.1)")
    print(f"  Pagefind, {args.docs} documents x 4 editions: {h2['cold'] - n2['cold']:.2f} s of the cold build")
    if args.big:
        big_site = make_archive(work / "big-archive", args.big, seed=3)
        big_peak = docpub(big_site, work / "big" / "site", "--no-pdf", "--no-search", "-j", "1").peak
        print(f"{args.big} documents, HTML only, -j1: peak {big_peak:.1f} MiB "
              f"({big_peak / h1['peak']:.2f}× the {args.docs}-document peak; targets ≤ 1.2× and ≤ 200 MiB)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=200, help="documents of the HTML-only archive (default 200)")
    p.add_argument("--pdf-docs", type=int, default=20, help="documents of the archive built with PDFs (default 20)")
    p.add_argument("--big", type=int, default=1000, help="documents of the memory-growth archive (0: skip)")
    p.add_argument("--repeat", type=int, default=3, help="runs of the repository's site against the peer (default 3)")
    p.add_argument("--repo-only", action="store_true", help="only the repository's site against the peer")
    p.add_argument("--quick", action="store_true", help="20/4 documents, no 1,000-document run")
    p.add_argument("--runs", type=int, default=2,
                   help="no-op builds and edits after each cold build (default 2)")
    p.add_argument("--colds", type=int, default=3,
                   help="cold builds of each HTML archive, each followed by its no-op builds and edits (default 3)")
    p.add_argument("--pdf-colds", type=int, default=3,
                   help="alternated cold -j1/-j2 builds of the archive with PDFs (median; default 3)")
    p.add_argument("--html-only", action="store_true",
                   help="only the HTML archives: no PDFs, no peer pipeline, no Dask cluster")
    p.add_argument("--same-document", action="store_true",
                   help="every edit changes the first document (default: another document each time, "
                        "drawn at random with a fixed seed)")
    args = p.parse_args()
    EDITS.same = args.same_document
    if args.quick:
        args.docs, args.pdf_docs, args.big, args.repeat, args.runs, args.colds, args.pdf_colds = 20, 4, 0, 1, 2, 1, 1
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared machines make times noisy)")
    with tempfile.TemporaryDirectory(prefix="docpub-bench-") as tmp:
        work = Path(tmp)
        if args.html_only:
            html_archives(args, work)
            return 0
        print("this repository's site, every edition, HTML and PDF:")
        repo_site = work / "repo"
        shutil.copytree(REPO / "content", repo_site / "content")
        shutil.copy(REPO / "docpub.toml", repo_site / "docpub.toml")
        pairs = []
        for n in range(args.repeat):  # alternated, so that both see the machine alike
            cold = docpub(repo_site, fresh(work / "repo-out" / "site", n, args.repeat)).seconds
            peer_time = peer(repo_site, work / f"peer-repo-{n}")
            ratio = f"  ({cold / peer_time:.2f}× the peer pipeline, {peer_time:.2f} s)" if peer_time else ""
            print(f"  run {n + 1}: docpub cold {cold:.2f} s{ratio}")
            pairs.append((cold, peer_time))
        if all(p for _, p in pairs):
            ratios = [c / p for c, p in pairs if p]
            print(f"  median ratio {median(ratios):.2f}× of {len(ratios)} runs (target ≤ 0.4×)")
        if args.repo_only:
            return 0

        pdf_site = make_archive(work / "pdf-archive", args.pdf_docs)
        print(f"{args.pdf_docs} documents with PDFs:")
        # Cold builds with -j1 and -j2 alternated, so that each pair sees the machine alike: the
        # speed-up is the median of the pairs' ratios. Each pair is followed by both rounds.
        rounds: dict[str, list[Round]] = {"1": [], "2": []}
        speedups = []
        for n in range(args.pdf_colds):
            folders = {j: fresh(work / f"p{j}" / "site", n, args.pdf_colds) for j in ("1", "2")}
            colds = {j: docpub(pdf_site, folders[j], "-j", j) for j in (("1", "2") if n % 2 == 0 else ("2", "1"))}
            speedups.append(colds["1"].seconds / colds["2"].seconds)
            print(f"  cold pair {n + 1}: -j1 {colds['1'].seconds:.2f} s, -j2 {colds['2'].seconds:.2f} s "
                  f"({speedups[-1]:.2f}×)")
            for j in ("1", "2"):
                rounds[j].append(after_cold(pdf_site, folders[j], ("-j", j), colds[j], args.runs))
        j1 = summary(rounds["1"])
        row("-j1", j1)
        j2 = summary(rounds["2"])
        row("-j2", j2)
        print(f"  -j2 speed-up, cold: {median(speedups):.2f}×, median of {len(speedups)} alternated pairs "
              f"(target ≥ 1.7×); edit/cold: {j2['edit/cold']:.3f} (target ≤ 0.1)")
        peer_pdf = peer(pdf_site, work / "peer-archive")
        if peer_pdf:
            print(f"  peer pipeline on the same documents: {peer_pdf:.2f} s (docpub -j2 cold: "
                  f"{j2['cold'] / peer_pdf:.2f}×)")

        html_archives(args, work)
        same = dask_identical(pdf_site, work / "dask", *(() if not args.quick else ("--no-pdf",)))
        if same is not None:
            print(f"2-worker Dask cluster on the {args.pdf_docs}-document archive: "
                  f"{'byte-identical' if same else 'DIFFERENT'} to a local build")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
