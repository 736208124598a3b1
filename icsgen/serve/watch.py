"""Watching the project for edits and turning each burst of file events into one call.

An editor's save is several events (write a temp file, rename it over the old one, touch the
folder); `git checkout` or copying a folder in is hundreds. `Watcher` collects events until none
has come for `settle` seconds (or `longest` seconds have passed since the first), then calls
`on_change` once with every path seen, from a single thread, so calls never overlap.

Watched: `content/` and `themes/` recursively, and the project folder itself (not recursively) for
`regions.yaml`, so a save that replaces it by a rename is still seen. Editors' temporary and
swap files are ignored (`content.is_ignored`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch
from watchdog.observers.polling import PollingObserver

from icsgen.config import CONFIG_FILE
from icsgen.files import CONTENT_DIR, THEMES_DIR, is_ignored

SETTLE = 0.04  # seconds of quiet that end a burst
LONGEST = 1.0  # a burst that never settles is still handled after this long
POLL_INTERVAL = 0.25


def ignored(path: Path, root: Path) -> bool:
    """True for files the preview does not care about: editors' temporary files, and anything
    in the project folder other than content/, themes/ and regions.yaml."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return True
    if not parts:
        return True
    if parts[0] not in (CONTENT_DIR, THEMES_DIR, CONFIG_FILE):
        return True
    return any(is_ignored(part) for part in parts[1:])


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file in it changed: that file has its own event
        paths = [Path(p if isinstance(p, str) else p.decode())
                 for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if event.is_directory and event.event_type in ("created", "moved"):
            self.watcher.arrived(paths[-1])
        self.watcher.add(paths)


class Watcher:
    """Watch `root`; call `on_change(paths)` once per settled burst of relevant changes."""

    def __init__(self, root: Path, on_change: Callable[[set[Path]], None], poll: bool = False,
                 settle: float = SETTLE, longest: float = LONGEST) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self.settle = settle
        self.longest = longest
        self.observer = PollingObserver(timeout=POLL_INTERVAL) if poll else Observer()
        self._pending: set[Path] = set()
        self._first = 0.0
        self._last = 0.0
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="icsgen-rebuild", daemon=True)
        self.bursts = 0
        self._handler = _Handler(self)
        self._watches: dict[str, ObservedWatch] = {}  # content/ and themes/, by name
        self._watching = threading.Lock()

    def start(self) -> None:
        self.observer.schedule(self._handler, str(self.root), recursive=False)  # regions.yaml, even renamed
        for name in (CONTENT_DIR, THEMES_DIR):
            self._watch(self.root / name)
        self.observer.start()
        self._thread.start()

    def _watch(self, folder: Path) -> None:
        """Watch `folder` (content/ or themes/) and everything in it, afresh: a watch on a folder that was
        deleted (or moved away) sees nothing of the folder made in its place."""
        with self._watching:
            old = self._watches.pop(folder.name, None)
            if old is not None:
                with contextlib.suppress(KeyError, OSError):
                    self.observer.unschedule(old)
            if folder.is_dir():
                self._watches[folder.name] = self.observer.schedule(self._handler, str(folder), recursive=True)

    def arrived(self, path: Path) -> None:
        """A folder was made or moved in: if it is content/ or themes/ (a themes/ folder added while the preview
        runs, content/ put back by a copy or a checkout), watch it from now on, or its edits went unseen."""
        if path.parent == self.root and path.name in (CONTENT_DIR, THEMES_DIR):
            self._watch(path)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def add(self, paths) -> None:  # type: ignore[no-untyped-def]
        relevant = [p for p in paths if not ignored(p, self.root)]
        if not relevant:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.update(relevant)
            self._last = now
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                # Wait for quiet, but not for ever.
                while not self._stopping:
                    now = time.monotonic()
                    quiet_at = self._last + self.settle
                    give_up_at = self._first + self.longest
                    if now >= quiet_at or now >= give_up_at:
                        break
                    self._cond.wait(min(quiet_at, give_up_at) - now)
                if self._stopping:
                    return
                batch, self._pending = self._pending, set()
            self.bursts += 1
            try:
                self.on_change(batch)
            except Exception:  # the watcher must outlive any mistake in a rebuild
                import traceback

                traceback.print_exc()
