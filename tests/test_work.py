"""Jobs run with the cyclic garbage collector paused, and always give it back as they found it."""

from __future__ import annotations

import gc
import sys
import types

import pytest

from docpub.work import collector_paused, importing
from sitekit import ended


@collector_paused
def _job(fail: bool = False) -> bool:
    if fail:
        raise ValueError("the job failed")
    return gc.isenabled()


def test_a_job_runs_without_the_collector_and_gives_it_back() -> None:
    assert gc.isenabled()
    assert _job() is False
    assert gc.isenabled()


def test_a_failing_job_gives_the_collector_back() -> None:
    with pytest.raises(ValueError, match="the job failed"):
        _job(fail=True)
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    try:
        assert _job() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_a_job_leaves_are_collected_after_it() -> None:
    class Node:
        pass

    runs: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    @collector_paused
    def leave_cycles() -> int:
        before = len(runs)
        for _ in range(1000):
            a, b = Node(), Node()
            a.other, b.other = b, a  # type: ignore[attr-defined]
        return len(runs) - before

    gc.collect()
    gc.callbacks.append(count)
    try:
        assert leave_cycles() == 0  # 4,000 objects made, and no collection while the job ran
    finally:
        gc.callbacks.remove(count)
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, Node)]  # freed once it is over


def test_what_an_import_block_makes_is_set_aside_from_the_collectors_scans() -> None:
    """``importing``: no collection within the block, and what exists at its end is frozen (never
    scanned again); within a job it freezes nothing, as the job's objects will be garbage."""
    class Module:
        pass

    kept = [Module() for _ in range(100)]
    frozen = gc.get_freeze_count()
    try:
        with importing():
            assert not gc.isenabled()
            kept += [Module() for _ in range(100)]
        assert gc.isenabled() and gc.get_freeze_count() == frozen  # nothing was imported: nothing frozen
        with importing():
            sys.modules["_docpub_test_imported"] = types.ModuleType("_docpub_test_imported")  # (as an import)
            kept += [Module() for _ in range(100)]
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + 300

        @collector_paused
        def job() -> int:
            with importing():
                pass
            return gc.get_freeze_count()

        before = gc.get_freeze_count()
        assert job() == before
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        sys.modules.pop("_docpub_test_imported", None)


@pytest.mark.parametrize("pidfds", [True, False])
def test_a_watched_worker_ends_soon_after_the_build_it_serves(pidfds: bool) -> None:
    """A worker given the build's process (``end_with_build``) ends within a second or so of that
    process's end, even busy with a job, and even when its parent lives on (a fork server's
    worker: the server waits for its workers to end); without pidfds (another system), by
    watching the build's process in turns."""
    import os
    import time

    from docpub.work import end_with_build

    read, write = os.pipe()
    build = os.fork()
    if build == 0:  # the build's process: starts a server, which starts a worker; then ends
        main = os.getpid()
        server = os.fork()
        if server == 0:
            worker = os.fork()
            if worker == 0:
                if not pidfds:
                    def no_pidfds(pid: int) -> int:
                        raise AttributeError("pidfd_open")
                    os.pidfd_open = no_pidfds  # type: ignore[assignment]
                end_with_build(main)
                end = time.monotonic() + 30
                while time.monotonic() < end:  # busy, as with a job
                    sum(range(10_000))
                os._exit(0)
            os.write(write, f"{os.getpid()} {worker}".encode())
            time.sleep(15)  # (the server outlives the build)
            os._exit(0)
        time.sleep(0.3)
        os._exit(0)
    os.close(write)
    server, worker = map(int, os.read(read, 64).split())
    os.close(read)
    os.waitpid(build, 0)
    started = time.monotonic()
    while not ended(worker) and time.monotonic() - started < 10:
        time.sleep(0.05)
    try:
        assert ended(worker) and not ended(server)
        assert time.monotonic() - started < 3
    finally:
        for pid in (worker, server):
            if not ended(pid):
                os.kill(pid, 9)
