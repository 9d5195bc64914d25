"""``python tests/paused_build.py ARGS...``: ``docpub ARGS...`` that stops just before it publishes.

When the new output is complete but not yet swapped in, it prints ``paused`` on
stdout and waits, so a test can signal it at that exact point, however busy the
machine is.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from docpub import cli, outdir

_publish = outdir._swap


def _paused(tmp: Path, out: Path, spare: Path | None = None) -> None:
    print("paused", flush=True)
    time.sleep(600)
    _publish(tmp, out, spare)


if __name__ == "__main__":
    outdir._swap = _paused
    sys.exit(cli.main(sys.argv[1:]))
