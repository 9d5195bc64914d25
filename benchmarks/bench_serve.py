"""How long ``docpub serve`` takes from saving a content file to telling open pages to reload.

Starts ``docpub serve`` on a copy of this repository's site (a free port), listens to its
events as a page does, appends a sentence to the seed document several times and prints the
time from each save to the reload event, and the time to the first served page.

    .venv/bin/python benchmarks/bench_serve.py [--edits N] [--pdf]
"""

from __future__ import annotations

import argparse
import http.client
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = "content/assessment-belgium-2020-02/zh-Hans.md"


def copy_site(folder: Path) -> Path:
    site = folder / "site"
    site.mkdir()
    shutil.copy(REPO / "docpub.toml", site / "docpub.toml")
    shutil.copytree(REPO / "content", site / "content")
    return site


def listen(base: str) -> queue.Queue[str]:
    """The names of the events the server sends, as they arrive."""
    names: queue.Queue[str] = queue.Queue()
    host, port = base.split("//")[1].rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    conn.request("GET", "/__docpub__/events")
    response = conn.getresponse()

    def read() -> None:
        for raw in response:
            line = raw.decode("utf-8")
            if line.startswith("event: "):
                names.put(line[7:].strip())

    threading.Thread(target=read, daemon=True).start()
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="serve with PDFs (docpub serve --pdf)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        site = copy_site(Path(tmp))
        command = [sys.executable, "-m", "docpub", "serve", str(site), "--port", "0", *(["--pdf"] if args.pdf else [])]
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        line = ""
        while not line.startswith("serving "):
            line = proc.stdout.readline()
            if not line:
                print("docpub serve stopped before serving", file=sys.stderr)
                return 1
        first = time.perf_counter() - started
        base = line.split(" at ")[1].split()[0]
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        events = listen(base)
        assert events.get(timeout=60) == "build"  # the state at connection
        doc = site / DOC
        text = doc.read_text(encoding="utf-8")
        times = []
        for n in range(args.edits):
            time.sleep(1.0)  # let the watcher settle between edits
            saved = time.perf_counter()
            doc.write_text(text.replace("请将本信", f"请将本信(第{n + 1}次修改)", 1), encoding="utf-8")
            while (name := events.get(timeout=600)) != "build":
                print(f"unexpected event {name}", file=sys.stderr)
            times.append(time.perf_counter() - saved)
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=60)
    print(f"site:                  this repository's content ({'with' if args.pdf else 'without'} PDFs)")
    print(f"start to serving:      {first:.2f} s (includes the first build)")
    print(f"save to reload event:  median {statistics.median(times):.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s over {len(times)} edits")
    print(f"exit status on Ctrl-C: {status}")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
