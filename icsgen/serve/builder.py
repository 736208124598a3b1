"""The preview's builder, in a process of its own beside the server.

`icsgen serve` answers HTTP requests from threads, and a full rebuild (after an edit of `regions.yaml`
or a template most pages use) renders in forked workers. A fork from a process running threads can
inherit a lock another thread holds, and the preview froze so. The builder (`Preview`, with the loaded
site and everything it keeps between saves) therefore lives in a child process with no threads, which
may fork its render workers safely; the serving process keeps only the server and the file watcher.

The child is forked when the serving process has no thread yet (as `icsgen serve` starts), otherwise
started by multiprocessing's fork server (a clean single-threaded process). It has a process group of
its own, so Ctrl-C in the terminal reaches the server alone, which then ends the whole group: the
builder and any render worker, at once. It ignores SIGINT and takes SIGTERM's default action.

The two talk over a pipe. For each burst of saves the server sends `("rebuild", paths)`; the builder
answers with progress (`("progress", what)`: a page about to be rendered, pages done, pages read),
asks `("writing",)` before it changes the preview folder and waits for `("go",)` (the server holds page
requests meanwhile, so a half-written site is never served), says `("written",)`, and ends with
`("done", Rebuilt)`. If the builder says nothing for `stall` seconds it is stopped (with its workers),
the problem is shown like any other, and the next save starts a fresh builder, which builds everything.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from icsgen.build import STALL, BuildOptions, can_fork
from icsgen.content import PageCache

from .incremental import Preview, Rebuilt
from .searching import end_with_parent

BUILDER_STALL = 60.0  # seconds the builder may say nothing before it is taken to be stuck
PROGRESS_EVERY = 0.25  # seconds between progress messages while pages are read or rendered in bulk

Writing = Callable[[], contextlib.AbstractContextManager[Any]]


class PreviewProcess:
    """The serving side of the builder process: `build()` and `rebuild(paths)` as `Preview` has them."""

    def __init__(self, root: Path, options: BuildOptions, folder: Path, stall: float = BUILDER_STALL,
                 worker_stall: float = STALL) -> None:
        self.root = root.resolve()
        self.options = options
        self.folder = folder
        self.stall = stall
        self.worker_stall = worker_stall
        self.rebuilds = 0
        self.problems: list[str] = []
        self.last: Rebuilt | None = None
        self.pid: int | None = None  # the builder's process id, while it runs
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Any = None
        self._lock = threading.Lock()  # one rebuild at a time
        self._stopping = threading.Lock()  # `close()` may stop the builder while a rebuild does
        self._closed = False

    # -- what the session calls ------------------------------------------------------------------

    def build(self, writing: Writing = contextlib.nullcontext) -> Rebuilt:
        """Start the builder, which builds everything; return what it did."""
        with self._lock:
            return self._finish(self._start_and_build(writing), time.perf_counter())

    def rebuild(self, changed: set[Path], writing: Writing = contextlib.nullcontext) -> Rebuilt:
        """Bring the preview up to date after `changed` files changed; never waits for ever."""
        with self._lock:
            self.rebuilds += 1
            start = time.perf_counter()
            if self._closed:
                return self._finish(Rebuilt(), start)
            if self._process is None:  # the last one failed: a fresh one builds everything
                return self._finish(self._start_and_build(writing), start)
            self._send(("rebuild", set(changed)))
            return self._finish(self._answer(writing, "rebuilding after " + _names(changed)), start)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stop the builder and its workers at once (whatever they are doing)."""
        self._closed = True
        self._stop()

    # -- the conversation ---------------------------------------------------------------------------

    def _start_and_build(self, writing: Writing) -> Rebuilt:
        forked = can_fork()  # only then from the main thread, and this process its parent
        context = multiprocessing.get_context("fork" if forked else _clean_start())
        mine, theirs = context.Pipe()
        process = context.Process(target=_builder_main, name="icsgen-builder", daemon=True,
                                  args=(theirs, self.root, self.options, self.folder, self.worker_stall,
                                        os.getpid() if forked else 0))
        process.start()
        theirs.close()
        self._process, self._conn, self.pid = process, mine, process.pid
        return self._answer(writing, "building the whole site")

    def _send(self, message: tuple) -> None:
        with contextlib.suppress(OSError):  # it has gone: `_answer` finds out and says so
            self._conn.send(message)

    def _answer(self, writing: Writing, doing: str) -> Rebuilt:
        """Follow the builder until it says it is done; a builder silent for `stall` s is stopped."""
        held: contextlib.ExitStack | None = None
        last = doing
        conn = self._conn  # `close()`, from another thread, may take it away meanwhile
        try:
            while True:
                try:
                    if not conn.poll(self.stall):
                        self._stop()
                        return _stuck(self.stall, last)
                    message = conn.recv()
                except (EOFError, OSError):
                    return Rebuilt() if self._closed else self._lost()
                kind = message[0]
                if kind == "progress":
                    last = message[1]
                elif kind == "writing":
                    held = contextlib.ExitStack()
                    held.enter_context(writing())
                    self._send(("go",))
                elif kind == "written" and held is not None:
                    held.close()
                    held = None
                elif kind == "done":
                    return message[1]
        finally:
            if held is not None:
                held.close()

    def _lost(self) -> Rebuilt:
        code = self._stop()
        how = f"ended (status {code})"
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                how = f"was stopped by {signal.Signals(-code).name}"
        return Rebuilt(problems=[f"icsgen: the preview's builder {how} while rebuilding (out of memory, or "
                                 "stopped by another program?) (the preview shows the last good pages; "
                                 "save a file to build it again)"])

    def _stop(self) -> int | None:
        """End the builder and its workers, if any; return its exit code (negative: the signal that ended it)."""
        with self._stopping:
            process, conn = self._process, self._conn
            self._process, self._conn, self.pid = None, None, None
        if process is None:
            return None
        process.join(0.05)  # it may have ended by itself: its own exit code is the one to report
        code = process.exitcode
        if process.pid is not None:
            ending = getattr(signal, "SIGKILL", signal.SIGTERM)
            for kill in (getattr(os, "killpg", None), os.kill):  # its group: the builder and its render workers
                if kill is not None:
                    with contextlib.suppress(OSError):
                        kill(process.pid, ending)
        process.join(5)
        if code is None:
            code = process.exitcode
        with contextlib.suppress(OSError):
            conn.close()
        with contextlib.suppress(ValueError):
            process.close()
        for leftover in self.folder.parent.glob(f".{self.folder.name}.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # what a stopped builder was making
        return code

    def _finish(self, result: Rebuilt, start: float) -> Rebuilt:
        if not result.seconds:
            result.seconds = time.perf_counter() - start
        self.problems = result.problems
        self.last = result
        return result


def _stuck(stall: float, doing: str) -> Rebuilt:
    where = doing if doing.startswith(("content", "themes", "regions.yaml", "/")) else "icsgen"
    what = "" if where != "icsgen" else f" ({doing})"
    return Rebuilt(problems=[f"{where}: the preview's rebuild made no progress for {stall:g} s{what}, so it was "
                             "stopped (a loop in a page or template that never ends?) (the preview shows the last "
                             "good pages; save a file to build it again)"])


def _names(paths: set[Path]) -> str:
    names = sorted(p.name for p in paths)
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")


def _clean_start() -> str:
    """How to start the builder from a process that runs threads: without forking that process."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        multiprocessing.set_forkserver_preload(["icsgen.serve.builder"])
        return "forkserver"
    return "spawn"


# -- the builder process ----------------------------------------------------------------------------


class _Told(PageCache):
    """The builder's page cache, which also reports progress while a load reads thousands of pages."""

    def __init__(self, tell: Callable[[str], None]) -> None:
        super().__init__()
        self._tell = tell

    def read(self, rc, rel, path, problems, memo):  # type: ignore[no-untyped-def]
        self._tell(path)
        return super().read(rc, rel, path, problems, memo)


def _builder_main(conn: Any, root: Path, options: BuildOptions, folder: Path, worker_stall: float,
                  server: int) -> None:
    """The builder process: build, then rebuild on request until the pipe closes."""
    if server:  # a server killed outright (kill -9, out of memory) leaves no builder behind
        end_with_parent(server)
    with contextlib.suppress(OSError, AttributeError):
        os.setpgid(0, 0)  # a group of its own, ended as one by the server
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    said = [0.0]

    def tell(what: str, now_or_never: bool = False) -> None:
        moment = time.monotonic()
        if now_or_never or moment - said[0] >= PROGRESS_EVERY:
            said[0] = moment
            conn.send(("progress", _shown(root, what)))

    @contextlib.contextmanager
    def writing() -> Iterator[None]:
        conn.send(("writing",))
        conn.recv()  # ("go",): the server holds page requests now
        try:
            yield
        finally:
            conn.send(("written",))

    preview = Preview(root, options, folder)
    preview._pages = _Told(lambda path: tell(f"reading {path}"))
    preview.progress = lambda what: tell(what, now_or_never=not what[0].isdigit())
    preview.writing = writing
    preview.stall = worker_stall
    try:
        conn.send(("done", _guarded(preview.build)))
        preview.index_search()  # after the answer: the browser reloads while the index catches up
        while True:
            message = conn.recv()
            if message[0] == "rebuild":
                preview.search.stop()  # an index still being written is written again after this rebuild
                conn.send(("done", _guarded(functools.partial(preview.rebuild, message[1]))))
                preview.index_search()
    except (EOFError, OSError):
        preview.search.stop()
        return  # the server has gone


def _guarded(step: Callable[[], Rebuilt]) -> Rebuilt:
    """`step()`, or a fault in icsgen reported as the command line reports it (the last good build stays)."""
    try:
        return _plain(step())
    except (EOFError, ConnectionError):
        raise  # the server has gone
    except Exception:
        return _fault()


def _fault() -> Rebuilt:
    import sys

    from icsgen.problems import where

    _, value, tb = sys.exc_info()
    return Rebuilt(problems=[f"icsgen: unexpected error at {where(value, tb)}: {type(value).__name__}: {value} "
                             "(a fault in icsgen; the preview shows the last good pages)"])


def _shown(root: Path, what: str) -> str:
    """`what` with any path in it relative to the project, as problems show paths."""
    head, space, path = what.rpartition(" ")
    with contextlib.suppress(ValueError):
        path = Path(path).relative_to(root).as_posix()
    return head + space + path


def _plain(result: Rebuilt) -> Rebuilt:
    return Rebuilt(problems=list(result.problems), rendered=list(result.rendered), removed=list(result.removed),
                   full=result.full, stylesheets=dict(result.stylesheets), reload=result.reload,
                   seconds=result.seconds)
