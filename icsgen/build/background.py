"""One piece of work done in a forked child process while this one gets on with another.

A rebuild after a one-page edit at 10,000 pages spends a fifth of its time in system calls: one
`stat` per content file to see what changed and one per output file to see that nobody edited
`build/` by hand. Meanwhile it decodes its caches, which needs none of those answers. On a machine
with a second core the two can overlap. A thread would not do: the walk is Python code too, and
the two would take turns holding the interpreter's lock.

The child inherits everything it needs by `fork`, and sends its result back as `marshal` bytes
through a pipe (plain values only: dicts, lists, strings, numbers). Anything that goes wrong there
(no `fork`, other threads running, a failing child, damaged bytes) means the work is simply done
here instead, so the answer never depends on whether it ran in the background.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import threading
from collections.abc import Callable
from typing import Any


class Background:
    """`work()` started now in a child process; `result()` waits for it (or runs it here)."""

    def __init__(self, work: Callable[[], Any], allowed: bool = True, nice: int = 0) -> None:
        self._work = work
        self._pid: int | None = None
        self._pipe = -1
        self._nice = nice  # a child started long before its answer is wanted yields the core to this process
        if allowed and _can_fork():
            self._start()

    @property
    def running(self) -> bool:
        return self._pid is not None

    def _start(self) -> None:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: do the work, send it, and leave without running this process's exit code
            os.close(read_end)
            status = 1
            try:
                if self._nice:
                    with contextlib.suppress(OSError):
                        os.nice(self._nice)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(marshal.dumps(self._work()))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    def result(self) -> Any:
        """The child's answer, or the same work done here if the child could not give one."""
        if self._pid is None:
            return self._work()
        pid, self._pid = self._pid, None
        data = b""
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return self._work()
        try:
            return marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return self._work()

    def cancel(self) -> None:
        """Stop a child whose answer is no longer wanted (say, the build failed first); no-op after `result`."""
        if self._pid is not None:
            pid, self._pid = self._pid, None
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            os.close(self._pipe)
            os.waitpid(pid, 0)


def run_detached(work: Callable[[], Any], allowed: bool = True) -> None:
    """`work()` in a child nobody waits for (it outlives this process), or here when it cannot fork.

    For work whose result nobody needs and whose effects others wait for by other means (a lock). The
    child finishes its work whatever Ctrl-C the editor presses meanwhile, at their prompt.
    """
    if allowed and _can_fork():
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid == 0:
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C after the command returned is not for it
                _let_go_of_output()
                work()
            finally:
                os._exit(0)
        if pid > 0:
            return
    work()


def _let_go_of_output() -> None:
    """Point the child's standard streams at nothing, so that whoever reads this process's output
    (a pipe, `$(icsgen build)`) sees its end when this process ends, not when the child does."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
    os.close(devnull)


def _can_fork() -> bool:
    """A fork is safe only with no other thread running (one might hold a lock the child needs),
    and worth it only with a second core to run the child on."""
    return hasattr(os, "fork") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1
