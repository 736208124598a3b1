"""Running `icsgen serve` in-process for tests: a real site, real watcher, real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icsgen.build import BuildOptions
from icsgen.serve.http import KEEPALIVE
from icsgen.serve.incremental import Rebuilt
from icsgen.serve.session import Session

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
def serving(root: Path, port: int = 0, poll: bool = False, jobs: int = 1, **options: Any) -> Iterator[Running]:
    """Serve `root` as `icsgen serve` does (drafts and future posts included); stop afterwards.

    `jobs` is the builder's render workers (one: render in the builder); `options` go to `Session`.
    """
    build_options = BuildOptions(drafts=True, future=True, jobs=jobs)
    running: Running
    session = Session(root, build_options, port=port, poll=poll, next_free=False,
                      on_rebuild=lambda result, paths: running.record(result, paths), **options)
    running = Running(session, root)
    session.start()
    try:
        yield running
    finally:
        session.close()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class EventClient:
    """A raw connection to the live-reload event stream, as an open tab holds one; events are collected."""

    def __init__(self, url: str) -> None:
        import socket
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        self.sock.settimeout(KEEPALIVE + TIMEOUT)  # an idle stream hears a keep-alive every KEEPALIVE s
        self.sock.sendall(f"GET /__icsgen/events HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        self.events: list[tuple[str, str]] = []
        self.closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    fields = dict(line.split(": ", 1) for line in block.decode().splitlines()
                                  if ": " in line and not line.startswith(":"))
                    if "event" in fields:
                        with self._cond:
                            self.events.append((fields["event"], fields.get("data", "")))
                            self._cond.notify_all()
        except OSError:
            pass
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait_for(self, after: int, condition: Callable[[str, str], bool], timeout: float = TIMEOUT,
                 what: str = "an event") -> tuple[str, str]:
        """The first event from number `after` on that meets `condition`; fail after `timeout` s."""
        with self._cond:
            deadline = time.monotonic() + timeout
            while True:
                for event in self.events[after:]:
                    if condition(*event):
                        return event
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise AssertionError(f"no {what} within {timeout} s; events: {self.events[after:]}")
                self._cond.wait(left)

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(OSError):
            self.sock.close()


def process_state(pid: int) -> str | None:
    """The state letter of a process (R, S, T, Z...), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie (a finished process not yet reaped runs nothing)."""
    return process_state(pid) not in (None, "Z", "X")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == str(pid):
                found.add(int(entry.name))
    return found


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def address(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    for line in process.stdout:  # ends if the process dies, so this cannot hang for ever
        if line.startswith("Serving the preview at "):
            return line.split(" at ", 1)[1].split(" ", 1)[0]
    raise AssertionError(f"no address printed; stderr: {process.stderr.read() if process.stderr else ''}")


def start(root: Path, tmp: Path, *args: str, open_files: int | None = None) -> subprocess.Popen[str]:
    """`icsgen serve` in a process group of its own, as a terminal runs it (so Ctrl-C can reach the group);
    `open_files` limits how many files it may have open, as many systems do."""
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}

    def limit() -> None:
        if open_files is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    return subprocess.Popen([sys.executable, "-m", "icsgen.cli", "serve", "--root", str(root), "--port", "0",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True, preexec_fn=limit)
