"""The forked render workers: every answer in order, and never a wait for ever on a worker that died or hangs.

Workers are forked only from a process with no other thread, and this test process may have one (the
browser tests' Playwright keeps a thread), so each scenario runs in a clean process of its own.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from icsgen.build import BuildOptions, build
from icsgen.build.workers import WorkerFailed, can_fork, forked_map
from icsgen.problems import BuildFailed
from tests.support.sitemaker import basic_site


@pytest.fixture(scope="module")
def clean() -> Iterator[Callable[..., Any]]:
    """Run a scenario (a function of this module) in a started, single-threaded Python process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        yield lambda scenario, *args: pool.apply(scenario, args)


def no_children_left() -> bool:
    """True once this process has no child process at all (every worker was reaped)."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def pages(count: int) -> dict[str, str]:
    return {f"content/alpha/many/page-{n}.md": f"---\ntitle: Page {n}\n---\nText {n}.\n" for n in range(count)}


# -- the scenarios, each run in a clean process ---------------------------------------------------------


def in_order() -> None:
    assert can_fork()
    results = list(forked_map(lambda i: (os.getpid(), i, i * i), 500, 3, 7))
    assert [(i, sq) for _, i, sq in results] == [(i, i * i) for i in range(500)]
    pids = {pid for pid, _, _ in results}
    assert len(pids) == 3 and os.getpid() not in pids
    assert no_children_left()


def dies() -> None:
    def work(index: int) -> int:
        if index == 37:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return index

    try:
        list(forked_map(work, 200, 2, 4, stall=60))
    except WorkerFailed as failed:
        assert failed.index == 37, failed.index
        assert "SIGKILL" in failed.reason, failed.reason
    else:
        raise AssertionError("no WorkerFailed")
    assert no_children_left()


def hangs() -> None:
    def work(index: int) -> int:
        if index == 11:
            time.sleep(3600)
        return index

    try:
        list(forked_map(work, 100, 2, 2, stall=1.0))
    except WorkerFailed as failed:
        assert failed.index == 11, failed.index
        assert "no answer for 1 s" in failed.reason, failed.reason
    else:
        raise AssertionError("no WorkerFailed")
    assert no_children_left()


def slow_chunk() -> None:
    def work(index: int) -> int:
        time.sleep(0.4)  # as each page of a chunk that runs out of its render time (render.Renderer.render)
        return index

    assert list(forked_map(work, 8, 2, 4, stall=1.0)) == list(range(8))  # 1.6 s a chunk, 0.4 s a job
    assert no_children_left()


def raises() -> None:
    def work(index: int) -> int:
        if index == 5:
            raise KeyError("no such thing")
        return index

    try:
        list(forked_map(work, 50, 2, 3))
    except KeyError as raised:
        assert "no such thing" in str(raised)
        assert "KeyError" in str(raised.__cause__) and "in work" in str(raised.__cause__)
    else:
        raise AssertionError("no KeyError")
    assert no_children_left()


def signals(folder: str) -> None:
    marks = Path(folder)

    def work(index: int) -> int:
        handlers = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
        (marks / str(os.getpid())).write_text(repr(handlers))
        return index

    signal.signal(signal.SIGTERM, lambda *_: None)  # as `icsgen serve` once had, for its workers to inherit
    try:
        list(forked_map(work, 20, 2, 1))
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    seen = {path.read_text() for path in marks.iterdir()}
    assert seen == {repr((signal.SIG_IGN, signal.SIG_DFL))}, seen


def dropped() -> None:
    results = forked_map(lambda i: time.sleep(0.001) or i, 1000, 2, 5)
    assert next(results) == 0
    results.close()  # as a build does when an error ends it early (or on Ctrl-C)
    assert no_children_left()


def threaded_build(folder: str) -> None:
    root = basic_site(Path(folder) / "site", pages(80))
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        forks.append(1)
        return real_fork()

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    os.fork = counting_fork  # counts, and still forks
    try:
        report = build(root, BuildOptions(jobs=2, cache=False))
    finally:
        os.fork = real_fork
        stop.set()
        other.join()
    assert report.rendered > 60 and forks == [], forks
    assert (root / "build/alpha/many/page-79/index.html").is_file()


def killed_build(folder: str) -> None:
    root = basic_site(Path(folder) / "site", pages(80))
    build(root, BuildOptions(jobs=2, cache=False))
    before = (root / "build/alpha/many/page-3/index.html").read_bytes()
    for rel, text in pages(80).items():
        (root / rel).write_text(text.replace("Text", "New text"))
    real_fork = os.fork
    killed: list[int] = []

    def fork_and_kill_a_render_worker() -> int:
        pid = real_fork()
        if pid and not killed and sys._getframe(1).f_code.co_name == "_fork":  # a render worker's start
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)
        return pid

    os.fork = fork_and_kill_a_render_worker
    try:
        build(root, BuildOptions(jobs=2, cache=False))
    except BuildFailed as failed:
        message = str(failed.problems[0])
        # the first job of the chunk the worker had: the hub page, whose file is regions.yaml
        assert message.startswith("regions.yaml: rendering / did not finish: ") and "SIGKILL" in message, message
    else:
        raise AssertionError("the build succeeded")
    finally:
        os.fork = real_fork
    assert killed
    assert (root / "build/alpha/many/page-3/index.html").read_bytes() == before
    assert no_children_left()


# -- the tests -------------------------------------------------------------------------------------------


def test_answers_come_in_order_from_every_worker(clean: Callable[..., Any]) -> None:
    clean(in_order)


def test_a_worker_that_dies_is_named_with_its_job_and_nothing_waits(clean: Callable[..., Any]) -> None:
    clean(dies)


def test_a_worker_that_hangs_is_stopped_after_the_stall_time(clean: Callable[..., Any]) -> None:
    clean(hangs)


def test_the_stall_time_bounds_one_job_not_a_chunk_of_them(clean: Callable[..., Any]) -> None:
    clean(slow_chunk)


def test_an_exception_in_a_worker_is_raised_here_with_its_traceback(clean: Callable[..., Any]) -> None:
    clean(raises)


def test_workers_ignore_ctrl_c_and_take_sigterm(clean: Callable[..., Any], tmp_path: Path) -> None:
    clean(signals, str(tmp_path))


def test_dropping_the_results_part_way_stops_the_workers(clean: Callable[..., Any]) -> None:
    clean(dropped)


def test_render_workers_start_only_in_a_process_with_no_other_thread(clean: Callable[..., Any],
                                                                      tmp_path: Path) -> None:
    """A fork while another thread runs could inherit a lock it holds: the build renders in-process then."""
    clean(threaded_build, str(tmp_path))


def test_a_render_worker_killed_mid_build_fails_the_build_and_keeps_the_old_site(clean: Callable[..., Any],
                                                                                   tmp_path: Path) -> None:
    clean(killed_build, str(tmp_path))


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_stopping_a_build_while_workers_render_leaves_no_process(tmp_path: Path, how: str) -> None:
    """As an editor stops `icsgen build` in a terminal (Ctrl-C reaches the whole group) or a CI job is cancelled."""
    import subprocess

    from tests.support.serve import descendants, running, wait_until

    root = basic_site(tmp_path / "site", pages(400))
    command = [sys.executable, "-m", "icsgen", "build", "--root", str(root), "--no-cache", "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    hub = root / f".build.staging-{process.pid}" / "index.html"  # the first page rendered
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not (hub.is_file() and hub.stat().st_size):
        seen |= descendants(process.pid)
        time.sleep(0.002)
    seen |= descendants(process.pid)  # the render workers, at work
    assert process.poll() is None, "the build ended before its workers were seen"
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # never leave it running
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors
    assert process.returncode != 0
    assert len(seen) >= 2
    wait_until(lambda: not any(running(pid) for pid in seen), what="every worker to end")
    assert not (root / "build").exists()  # nothing half-made was published
