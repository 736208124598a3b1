"""Work done in a forked child: the same answer as doing it here, whatever goes wrong over there."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from icsgen.build.background import Background

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="runs in the background only where it can fork onto a second core")


def test_the_child_does_the_work_and_hands_back_its_answer(tmp_path: Path) -> None:
    parent = os.getpid()
    (tmp_path / "a.md").write_text("x")
    job = Background(lambda: {"pid": os.getpid(), "files": sorted(os.listdir(tmp_path)), "n": [1, 2.5, None]})
    assert job.running
    answer = job.result()
    assert answer["pid"] != parent  # it really ran in another process
    assert answer["files"] == ["a.md"] and answer["n"] == [1, 2.5, None]


def test_a_failing_child_means_the_work_is_done_here() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            raise RuntimeError("something went wrong in the child")
        return 42

    job = Background(work)
    assert job.running
    assert job.result() == 42


def test_an_answer_marshal_cannot_carry_is_worked_out_here() -> None:
    job = Background(lambda: Path("/a/path"))  # not a plain value: the child cannot send it
    assert job.result() == Path("/a/path")


def test_no_fork_while_another_thread_runs_or_when_not_allowed() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        job = Background(os.getpid)
        assert not job.running
        assert job.result() == os.getpid()
    finally:
        stop.set()
        other.join()
    job = Background(os.getpid, allowed=False)
    assert not job.running and job.result() == os.getpid()


def test_cancel_stops_and_reaps_the_child() -> None:
    job = Background(lambda: time.sleep(30))
    assert job.running
    pid = job._pid
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 10  # killed, not waited for
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)
    job.cancel()  # twice is harmless
