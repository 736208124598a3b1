"""The preview's search index, brought up to date after each reload, in the background.

Indexing a region takes Pagefind from a fraction of a second to seconds, and an editor who saves a
page wants to see it now: so the builder answers the server first (the browser reloads), then starts
a child process that writes the changed regions' indexes beside the preview folder and swaps each
into place (`<region>/pagefind/`, one rename each). A save that comes meanwhile stops that child and
starts another with the newest records. Search in the preview therefore catches up a moment after
the page does; a failure to index is said on the terminal and leaves the preview's pages alone.

The records are kept in memory: the full build's come from the render workers, a rebuild's from the
pages it rendered again (see render/searchtext.py); PDFs are read again only if they changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from icsgen.build import INDEX_DIR, IndexerFailed, document_records, worker_record, write_indexes
from icsgen.content import Site
from icsgen.render import Job


class PreviewSearch:
    """Search records by region, and the child process writing the regions whose records changed."""

    def __init__(self, folder: Path, enabled: bool) -> None:
        self.folder = folder
        self.enabled = enabled
        self.pages: dict[str, dict[str, list]] = {}  # region -> output path -> record
        self.documents: dict[str, dict[str, list]] = {}  # region -> site path -> [size, mtime, record]
        self.changed: set[str] = set()
        self.language = "en"
        self._child: int | None = None
        self._writing: set[str] = set()  # the regions the child is indexing: changed again if it is stopped

    def reset(self, site: Site, jobs: Iterable[Job], records: Mapping[str, tuple | None]) -> None:
        """After a full build: every record anew (`records` by output URL, from the render workers)."""
        if not self.enabled:
            return
        self.language = site.config.language
        self.pages = {region: {} for region in site.chosen}
        for job in jobs:
            record = records.get(job.url)
            if job.region and record is not None:
                self.pages.setdefault(job.region, {})[job.output_path] = list(record)
        self.documents = {region: document_records(site, region, self.documents.get(region, {}))
                          for region in site.chosen}
        self.changed = set(site.chosen)

    def update(self, site: Site, jobs: Mapping[str, Job], rendered: Mapping[str, str], removed: Iterable[Job],
               statics_changed: bool) -> None:
        """After a rebuild: the records of the pages rendered again (their HTML by URL), without those removed."""
        if not self.enabled:
            return
        for url, html in rendered.items():
            job = jobs[url]
            if not job.region:
                continue
            record = worker_record(job, site, html)
            pages = self.pages.setdefault(job.region, {})
            new = list(record) if record is not None else None
            if pages.get(job.output_path) != new:
                self.changed.add(job.region)
                if new is None:
                    pages.pop(job.output_path, None)
                else:
                    pages[job.output_path] = new
        for job in removed:
            if job.region and self.pages.get(job.region, {}).pop(job.output_path, None) is not None:
                self.changed.add(job.region)
        if statics_changed:
            for region in site.chosen:
                found = document_records(site, region, self.documents.get(region, {}))
                if found != self.documents.get(region):
                    self.documents[region] = found
                    self.changed.add(region)

    def start(self) -> None:
        """Write the changed regions' indexes in a child process (the one before, if still at it, is stopped)."""
        if not self.enabled or not self.changed:
            return
        self.stop()
        self._writing = set(self.changed)
        records = {region: [*self.pages.get(region, {}).values(),
                            *(entry[2] for entry in self.documents.get(region, {}).values())]
                   for region in sorted(self.changed)}
        self.changed = set()
        try:
            pid = os.fork()
        except (OSError, AttributeError):  # no fork here: indexed now, after the reply all the same
            self._write(records)
            return
        if pid == 0:
            status = 1
            try:
                with contextlib.suppress(OSError):
                    os.setpgid(0, 0)  # a group of its own, with Pagefind: stopped as one
                _name_process(b"icsgen-search")
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                self._write(records)
                status = 0
            finally:
                os._exit(status)
        self._child = pid

    def wait(self) -> None:
        """Wait for the child writing the index, if any (for tests and for the end of the preview)."""
        if self._child is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._child, 0)
            self._child = None
            self._writing = set()

    def stop(self) -> None:
        """Stop the child writing the index, if it is still at it: a save came (its render workers need the
        cores) or the preview ends. The regions it was indexing are indexed by the next `start`."""
        if self._child is None:
            return
        try:
            done = os.waitpid(self._child, os.WNOHANG)[0]
        except ChildProcessError:
            done = self._child
        if done == 0:  # still running
            self.changed |= self._writing
            for kill in (getattr(os, "killpg", None), os.kill):
                if kill is not None:
                    with contextlib.suppress(OSError):
                        kill(self._child, getattr(signal, "SIGKILL", signal.SIGTERM))
            self.wait()
        else:
            self._child = None
            self._writing = set()
        for leftover in self.folder.parent.glob(f".{self.folder.name}.search-*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def _write(self, records: dict[str, list]) -> None:
        aside = self.folder.parent / f".{self.folder.name}.search-{os.getpid()}"
        try:
            written = write_indexes(records, aside, self.language)
            for region in written:
                target = self.folder / region / INDEX_DIR
                if not target.parent.is_dir():
                    continue  # the region went meanwhile
                old = aside / f"{region}-old"
                if target.exists():
                    os.rename(target, old)
                os.rename(aside / region / INDEX_DIR, target)
        except IndexerFailed as exc:
            print(f"icsgen: search index: {exc} (the preview works without search)", file=sys.stderr)
        except OSError as exc:
            print(f"icsgen: search index: could not be written: {exc} (the preview works without search)",
                  file=sys.stderr)
        finally:
            shutil.rmtree(aside, ignore_errors=True)


def _name_process(name: bytes) -> None:
    """Name this process (Linux: its `comm`, as `ps` and /proc show it), so that it is told apart from
    the builder's render workers, which are forks of the same program too. Elsewhere, nothing."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(15, ctypes.c_char_p(name), 0, 0, 0)  # PR_SET_NAME
