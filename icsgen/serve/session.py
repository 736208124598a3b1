"""A running preview: the builder in a process of its own, the HTTP server and the file watcher."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from icsgen.build import STALL, BuildOptions
from icsgen.config import load_config
from icsgen.problems import Problems

from .builder import BUILDER_STALL, PreviewProcess
from .http import LiveServer
from .incremental import Rebuilt
from .watch import Watcher


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
        # a private folder: the preview, and the staging folders of its full rebuilds, all go with it
        self.space = Path(tempfile.mkdtemp(prefix="icsgen-preview-"))
        self.preview = PreviewProcess(root.resolve(), options, self.space / "site",
                                      BUILDER_STALL if stall is None else stall, worker_stall)
        self.on_rebuild = on_rebuild
        self.server: LiveServer | None = None
        self.watcher: Watcher | None = None
        try:
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
        """Stop the builder first (at once, with its workers), so that nothing waits on a rebuild."""
        self.preview.close()
        if self.watcher is not None:
            self.watcher.stop()
        if self.server is not None:
            self.server.close()
        shutil.rmtree(self.space, ignore_errors=True)

    def __enter__(self) -> Session:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
