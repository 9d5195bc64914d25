"""Every shell example of the README (and of templates/README.md) runs as written.

The examples run in order in a copy of the repository inside a temporary folder, so
``../my-site`` and ``../preview`` land beside the copy, never beside the checkout. The copy uses
this checkout's virtualenv: its ``.venv/bin`` links to it and its set-up stamps are fresh, so
``make build`` finds everything installed and only builds (the test checks, with ``make -n``,
that make would install nothing before it runs anything).

Some examples are not run to completion:
- ``make test``: it is the suite that runs this test; ``make bench``: minutes of benchmarks;
- ``docpub serve``: it runs until stopped, so the test waits for it to serve the site, fetches
  the home page, then stops it with Ctrl-C (SIGINT) and expects exit status 0. It is started as
  written unless port 8000 is taken (other programs on a shared machine), then with --port 0.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
READMES = ("README.md", "templates/README.md")
NOT_RUN = {
    "make test": "the suite itself",
    "make bench": "minutes of benchmarks, run by themselves",
}
COPY_IGNORE = shutil.ignore_patterns(".venv", ".tools", "build", ".git", "__pycache__", "*.egg-info",
                                     ".mypy_cache", ".pytest_cache", ".hypothesis")


def shell_examples(readme: Path) -> list[str]:
    """The commands of the ```sh blocks (also those indented in a list), in order; continuation
    lines joined. An illustration that cannot run as written (a remote host, a cluster) is
    fenced as ```text instead."""
    commands: list[str] = []
    text = readme.read_text(encoding="utf-8")
    for _indent, block in re.findall(r"^( *)```sh\n(.*?)^\1```", text, re.M | re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line.strip())
    return commands


def _bare(command: str) -> str:
    return command.split(" #", 1)[0].strip()


def _port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def run_serve(command: str, cwd: Path) -> None:
    if _port_taken(8000) and "--port" not in command:
        command = _bare(command) + " --port 0"
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    assert proc.stdout is not None
    threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True).start()
    try:
        end = time.monotonic() + 120
        while not any(line.startswith("serving ") for line in lines):
            assert proc.poll() is None, f"{command}: exited with {proc.returncode}"
            assert time.monotonic() < end, f"{command}: not serving within 120 s"
            time.sleep(0.2)
        url = next(line for line in lines if line.startswith("serving ")).split(" at ")[1].split()[0]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200 and b"<html" in response.read()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0, f"{command}: Ctrl-C did not stop it cleanly"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    repo = tmp_path / "docpub"
    shutil.copytree(REPO, repo, ignore=COPY_IGNORE, symlinks=True)
    venv = repo / ".venv"
    venv.mkdir()
    (venv / "bin").symlink_to(REPO / ".venv" / "bin", target_is_directory=True)
    for stamp in (".system-packages", ".installed", ".gate-packages"):
        (venv / stamp).touch()
    dry = subprocess.run(["make", "-n", "setup"], cwd=repo, capture_output=True, text=True, check=True)
    assert "install" not in dry.stdout, f"make would install into the shared virtualenv:\n{dry.stdout}"
    return repo


def test_the_readmes_have_examples() -> None:
    examples = shell_examples(REPO / "README.md")
    assert "make build" in map(_bare, examples) and any("docpub new" in e for e in examples)
    assert any("docpub serve" in e for e in examples)
    assert "make test" in map(_bare, examples)


@pytest.mark.parametrize("readme", READMES)
def test_every_shell_example_runs_as_written(readme: str, copy: Path) -> None:
    for command in shell_examples(REPO / readme):
        if _bare(command) in NOT_RUN:
            continue
        if "docpub serve" in command:
            run_serve(command, copy)
            continue
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=copy, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, (f"{readme}: `{command}` exited with {proc.returncode} (fence an illustration "
                                      f"that cannot run as written as ```text):\n{proc.stderr[-2000:]}")
