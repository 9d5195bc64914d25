"""Jobs run with the cyclic garbage collector paused, and always give it back as they found it."""

from __future__ import annotations

import gc

import pytest

from docpub.work import collector_paused


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

    @collector_paused
    def leave_cycles() -> None:
        for _ in range(1000):
            a, b = Node(), Node()
            a.other, b.other = b, a  # type: ignore[attr-defined]

    gc.collect()
    leave_cycles()
    assert gc.collect() >= 2000  # left for the collector, which frees them once the job is over
    assert not [o for o in gc.get_objects() if isinstance(o, Node)]
