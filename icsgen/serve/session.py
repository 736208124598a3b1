"""A running preview: the builder in a process of its own, the HTTP server and the file watcher.

The preview lives in a folder of its own in the system's temporary folder, `icsgen-preview-<pid>-*`
(the serving process's id). It is removed however the preview ends: Ctrl-C, a plain `kill`, a closed
terminal, an error while starting. A process killed outright (`kill -9`, a power cut) cannot remove
it, so each preview, as it starts, removes the folders of previews whose process has gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from icsgen.build import STALL, BuildOptions, process_running
from icsgen.config import load_config
from icsgen.problems import Problems

from .builder import BUILDER_STALL, PreviewProcess
from .http import LiveServer
from .incremental import Rebuilt
from .searching import stop_writers
from .watch import Watcher

PREFIX = "icsgen-preview-"
_OWNED = re.compile(rf"^{PREFIX}(\d+)-")
LEGACY_AGE = 3600.0  # seconds: an empty folder named by an older icsgen (no process id) is left this long


def site_folder(root: Path) -> str:
    """The folder part of the site's `base_url` ('/ics/' for https://example.org/ics/), or '/'.

    The "page not found" pages link from the root of the host, through that folder (they are shown at
    any address); the preview serves the site there too, so their links work in it."""
    try:
        config = load_config(root, Problems(root))
    except Exception:  # the builder reports what is wrong with regions.yaml
        return "/"
    path = urlsplit(config.base_url).path if config is not None else "/"
    return path if path.startswith("/") and path.endswith("/") else "/"


class Session:
    """A running preview: the builder (in a process of its own, serve/builder.py), the server and the watcher.

    Used by `icsgen serve`, the tests and the latency bench. `close()` stops all three and removes the
    preview folder. `stall` is how long the builder may make no progress before it is stopped, and
    `worker_stall` how long one of its render workers may.
    """

    def __init__(self, root: Path, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000,
                 poll: bool = False, next_free: bool = True,
                 on_rebuild: Callable[[Rebuilt, set[Path]], None] | None = None,
                 stall: float | None = None, worker_stall: float = STALL) -> None:
        self.on_rebuild = on_rebuild
        self.server: LiveServer | None = None
        self.watcher: Watcher | None = None
        remove_stale_spaces()
        # a private folder: the preview, and the staging folders of its full rebuilds, all go with it
        self.space = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        try:
            self.preview = PreviewProcess(root.resolve(), options, self.space / "site",
                                          BUILDER_STALL if stall is None else stall, worker_stall)
            self.first = self.preview.build()
            self.server = LiveServer(self.preview.folder, self._rebuild, host, port, next_free)
            self.server.prefix = site_folder(self.preview.root)
            self.server.set_problems(self.first.problems)
            self.watcher = Watcher(self.preview.root, self.server.rebuild, poll=poll)
        except BaseException:
            self.close()
            raise

    def _rebuild(self, paths: set[Path]) -> Rebuilt:
        assert self.server is not None
        result = self.preview.rebuild(paths, self.server.writing)
        self.server.prefix = site_folder(self.preview.root)
        if self.on_rebuild is not None and not self.preview.closed:
            self.on_rebuild(result, paths)
        return result

    def start(self) -> Session:
        assert self.server is not None and self.watcher is not None
        self.server.start()
        self.watcher.start()
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def close(self) -> None:
        """Stop the builder first (at once, with its workers), so that nothing waits on a rebuild; then
        remove the preview's folder."""
        if hasattr(self, "preview"):  # not when stopped at once
            self.preview.close()
        if self.watcher is not None:
            self.watcher.stop()
        if self.server is not None:
            self.server.close()
        remove_space(self.space, self.space / "site")

    def __enter__(self) -> Session:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def remove_space(space: Path, folder: Path, tries: int = 20) -> None:
    """Remove the preview's private folder `space` (the preview `folder` in it). A search index writer
    of the stopped builder may still be ending (see searching.py), and a write of its last moment would
    make the folder again: such writers are ended first, and the removal is tried again while the
    folder comes back."""
    for _ in range(tries):
        stop_writers(folder)
        shutil.rmtree(space, ignore_errors=True)
        if not os.path.lexists(space):
            return
        time.sleep(0.05)


def remove_stale_spaces(temporary: Path | None = None) -> list[Path]:
    """Remove the folders of previews whose process has ended without removing them (killed outright);
    returns them. A folder of a process still running is left alone, as is anything not this user's.
    An empty folder named by an icsgen before process ids were in the name is removed once it is
    `LEGACY_AGE` old."""
    removed = []
    folder = temporary or Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in folder.glob(f"{PREFIX}*"):
            with contextlib.suppress(OSError):
                info = entry.lstat()
                if not entry.is_dir() or entry.is_symlink() or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                    continue
                owner = _OWNED.match(entry.name)
                if owner is not None:
                    if int(owner.group(1)) == os.getpid() or process_running(int(owner.group(1))):
                        continue
                elif any(entry.iterdir()) or time.time() - info.st_mtime < LEGACY_AGE:
                    continue
                remove_space(entry, entry / "site", tries=3)
                removed.append(entry)
    return removed
