"""Forked worker processes for rendering, run from a process with no other thread, and never waited on for ever.

Rendering is a pure function of the loaded site and a job index, so workers are forked: they inherit the
site instead of being sent it. `multiprocessing.Pool` did this before, and failed three ways:

* its parent runs three threads, and when a worker died it forked a replacement from that threaded
  process; the replacement could inherit a lock another thread held, and `icsgen serve` froze;
* the jobs a dead worker had were lost, and the pool waited for them for ever;
* its workers took Ctrl-C as `KeyboardInterrupt` and printed tracebacks, and inherited `icsgen serve`'s
  SIGTERM handler, so they could not be stopped.

Here the parent has no threads: it writes each worker a chunk of job indices down a pipe and waits on
the answers with `poll` and a timeout. A worker that dies (its pipe ends) or stays on one job for `stall`
seconds stops the run with `WorkerFailed`, naming the job it was on (each worker writes the index of
its current job in a page of memory shared with the parent). Workers ignore SIGINT (the parent gets
Ctrl-C too, and stops them) and take SIGTERM's default action. However the run ends (done, an error,
Ctrl-C, the caller dropping the results), every worker is stopped and reaped before it returns.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import select
import signal
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

STALL = 30.0  # seconds a worker may work on one job of a chunk without answering
_HEADER = struct.Struct("<Q")  # length of a message
_TASK = struct.Struct("<qq")  # first and end index of a chunk
_SLOT = struct.Struct("<qd")  # the job a worker is on and when it began it (time.monotonic: one clock for all)


class WorkerFailed(Exception):
    """A worker died or stopped answering; `index` is the job it was on (-1 if unknown)."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, set as that exception's cause."""


def can_fork() -> bool:
    """Forking is safe only when no other thread runs: a thread could hold a lock the child then needs."""
    return hasattr(os, "fork") and threading.active_count() == 1


def give_back_freed_memory() -> None:
    """Hand the memory this process freed back to the system (glibc's `malloc_trim`): before forking workers,
    and in a worker now and then.

    Memory freed with `free` stays mapped in this process, and a forked worker's resident size counts
    every page it shares with its parent: freed pages still in the parent are counted in each worker too;
    a worker keeps what its renders freed. Elsewhere than glibc (or if it fails), nothing happens."""
    try:
        import ctypes  # here only: ~3 ms to load

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def forked_map(work: Callable[[int], Any], count: int, workers: int, chunk: int,
               start: Callable[[], None] | None = None, stall: float = STALL) -> Iterator[Any]:
    """`work(i)` for i in range(count), in `workers` forked processes, yielded in index order.

    The caller checks `can_fork()` first. `start` runs once in each worker before its first job.
    Raises `WorkerFailed` when a worker dies or makes no progress for `stall` seconds, and re-raises
    any exception `work` raised in a worker (with the worker's traceback as its cause).
    """
    chunks = [(first, min(first + chunk, count)) for first in range(0, count, chunk)]
    pool = _Pool(work, min(workers, len(chunks)) or 1, start)
    failed = True
    try:
        yield from pool.run(chunks, stall)
        failed = False
    finally:
        pool.stop(kill=failed)


class _Worker:
    def __init__(self, number: int, pid: int, tasks: int, results: int) -> None:
        self.number = number
        self.pid = pid
        self.tasks = tasks  # the parent's end of the task pipe
        self.results = results  # the parent's end of the result pipe
        self.pending: deque[int] = deque()  # chunk numbers sent, not yet answered
        self.since = time.monotonic()  # last answer, or first work sent after being idle
        self.status: int | None = None  # wait status once reaped


class _Pool:
    def __init__(self, work: Callable[[int], Any], size: int, start: Callable[[], None] | None) -> None:
        self.slots = mmap.mmap(-1, _SLOT.size * size)
        self.workers: list[_Worker] = []
        try:
            for number in range(size):
                self.workers.append(self._fork(number, work, start))
        except BaseException:
            self.stop(kill=True)
            raise

    def _fork(self, number: int, work: Callable[[int], Any], start: Callable[[], None] | None) -> _Worker:
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        _SLOT.pack_into(self.slots, number * _SLOT.size, -1, 0.0)
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            status = 1
            try:
                os.close(task_write)
                os.close(result_read)
                for other in self.workers:  # the parent's ends of earlier workers' pipes
                    os.close(other.tasks)
                    os.close(other.results)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # never a handler inherited from the parent
                _serve(work, start, task_read, result_write, self.slots, number)
                status = 0
            finally:
                os._exit(status)
        os.close(task_read)
        os.close(result_write)
        return _Worker(number, pid, task_write, result_read)

    def run(self, chunks: list[tuple[int, int]], stall: float) -> Iterator[Any]:
        by_fd = {w.results: w for w in self.workers}
        poller = select.poll()
        for fd in by_fd:
            poller.register(fd, select.POLLIN)
        waiting = deque(range(len(chunks)))
        for _ in range(2):  # a second chunk queued behind the first: no worker idles between chunks
            for worker in self.workers:
                self._send(worker, chunks, waiting)
        done: dict[int, list[Any]] = {}
        next_chunk = 0
        while next_chunk < len(chunks):
            while next_chunk in done:
                yield from done.pop(next_chunk)
                next_chunk += 1
            if next_chunk >= len(chunks):
                break
            now = time.monotonic()
            busy = [w for w in self.workers if w.pending]
            if not busy:  # cannot happen: each answer sends the next chunk
                raise RuntimeError("render workers idle with work left")
            late = min(self._since(w) + stall for w in busy) - now
            if late <= 0:
                worker = min(busy, key=self._since)
                raise WorkerFailed(self._current(worker, chunks),
                                   f"no answer for {stall:g} s (still rendering; a loop that never ends?)")
            for fd, _ in poller.poll(max(1, int(late * 1000) + 1)):
                worker = by_fd[fd]
                message = _receive(fd)
                if message is None:
                    raise WorkerFailed(self._current(worker, chunks), self._death(worker))
                number = worker.pending.popleft()
                worker.since = time.monotonic()
                kind, payload = pickle.loads(message)
                if kind == "error":
                    exception, text = payload
                    exception.__cause__ = RemoteTraceback(text)
                    raise exception
                done[number] = payload
                self._send(worker, chunks, waiting)

    def _send(self, worker: _Worker, chunks: list[tuple[int, int]], waiting: deque[int]) -> None:
        if not waiting:
            return
        number = waiting.popleft()
        if not worker.pending:
            worker.since = time.monotonic()
        worker.pending.append(number)
        try:
            os.write(worker.tasks, _TASK.pack(*chunks[number]))
        except OSError:  # its end of the pipe has gone: so has the worker
            raise WorkerFailed(self._current(worker, chunks), self._death(worker)) from None

    def _since(self, worker: _Worker) -> float:
        """Since when `worker` is on its current job: its last answer, or the start of the job it is on if
        later. `stall` bounds one job, not a chunk of them (each page of a chunk may use seconds of its
        render time, see render.Renderer.render)."""
        return max(worker.since, _SLOT.unpack_from(self.slots, worker.number * _SLOT.size)[1])

    def _current(self, worker: _Worker, chunks: list[tuple[int, int]]) -> int:
        """The job `worker` is on: as it last said, else the first of the chunk it was to do next."""
        index = int(_SLOT.unpack_from(self.slots, worker.number * _SLOT.size)[0])
        if index < 0 and worker.pending:
            index = chunks[worker.pending[0]][0]
        return index

    def _death(self, worker: _Worker) -> str:
        self._reap(worker, block=True)
        status = worker.status or 0
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            return f"the process rendering it was stopped by {name}" + \
                (" (out of memory, or ended by another program?)" if number == signal.SIGKILL else "")
        return f"the process rendering it ended unexpectedly (exit status {os.waitstatus_to_exitcode(status)})"

    def _reap(self, worker: _Worker, block: bool) -> bool:
        if worker.status is not None:
            return True
        try:
            pid, status = os.waitpid(worker.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            worker.status = 0
            return True
        if pid == 0:
            return False
        worker.status = status
        return True

    def stop(self, kill: bool) -> None:
        """End every worker and reap it: at once (`kill`), or by closing its task pipe once it is idle."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                os.close(worker.tasks)
            if kill:
                with contextlib.suppress(OSError):
                    os.kill(worker.pid, signal.SIGKILL)
        deadline = time.monotonic() + 2.0
        for worker in self.workers:
            while not self._reap(worker, block=False):
                if time.monotonic() > deadline:  # an idle worker ends at once; this one does not
                    with contextlib.suppress(OSError):
                        os.kill(worker.pid, signal.SIGKILL)
                    self._reap(worker, block=True)
                    break
                time.sleep(0.001)
            with contextlib.suppress(OSError):
                os.close(worker.results)
        self.workers = []
        self.slots.close()


def _serve(work: Callable[[int], Any], start: Callable[[], None] | None, tasks: int, results: int,
           slots: mmap.mmap, number: int) -> None:
    """A worker's life: run `start`, then answer chunks until the parent closes the task pipe."""
    if start is not None:
        start()
    offset = number * _SLOT.size
    while True:
        task = _read_exactly(tasks, _TASK.size)
        if task is None:
            return
        first, end = _TASK.unpack(task)
        try:
            answers = []
            for index in range(first, end):
                _SLOT.pack_into(slots, offset, index, time.monotonic())
                answers.append(work(index))
            _SLOT.pack_into(slots, offset, -1, 0.0)  # between chunks: on no job
            message = pickle.dumps(("ok", answers), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # sent to the parent, which raises it as if it happened there
            import traceback  # only here: a worker that never fails need not import it

            text = traceback.format_exc()
            try:
                message = pickle.dumps(("error", (exc, text)), pickle.HIGHEST_PROTOCOL)
            except Exception:
                message = pickle.dumps(("error", (RuntimeError(f"{type(exc).__name__}: {exc}"), text)))
        _write_all(results, _HEADER.pack(len(message)) + message)


def _receive(fd: int) -> bytes | None:
    """One whole message from a worker, or None if its pipe ended first (the worker died)."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(fd, _HEADER.unpack(header)[0])


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
