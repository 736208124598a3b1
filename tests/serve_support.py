"""Running `icsgen serve` in-process for tests: a real site, real watcher, real HTTP on 127.0.0.1."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from icsgen.build.pipeline import BuildOptions
from icsgen.serve.incremental import Rebuilt, Session

TIMEOUT = 10.0


def wait_until(condition: Callable[[], object], timeout: float = TIMEOUT, what: str = "condition") -> None:
    """Poll `condition` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


@dataclass
class Running:
    session: Session
    root: Path
    rebuilds: list[tuple[Rebuilt, set[Path]]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return self.session.url

    @property
    def folder(self) -> Path:
        return self.session.preview.folder

    def record(self, result: Rebuilt, paths: set[Path]) -> None:
        with self.changed:
            self.rebuilds.append((result, paths))
            self.changed.notify_all()

    def wait_rebuild(self, after: int, timeout: float = TIMEOUT) -> Rebuilt:
        """Wait until rebuild number `after + 1` has finished (and been announced); return it."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.rebuilds) > after, timeout):
                raise AssertionError(f"no rebuild within {timeout} s")
            return self.rebuilds[after][0]

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        return fetch(self.url.rstrip("/") + path, method)


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def serving(root: Path, port: int = 0, poll: bool = False) -> Iterator[Running]:
    """Serve `root` as `icsgen serve` does (drafts and future posts included); stop afterwards."""
    build_options = BuildOptions(drafts=True, future=True, jobs=1)
    running: Running
    session = Session(root, build_options, port=port, poll=poll, next_free=False,
                      on_rebuild=lambda result, paths: running.record(result, paths))
    running = Running(session, root)
    session.start()
    try:
        yield running
    finally:
        session.close()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
