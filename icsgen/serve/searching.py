"""The preview's search index, brought up to date after each reload, in the background.

Indexing a region takes Pagefind from a fraction of a second to seconds, and an editor who saves a
page wants to see it now: so the builder answers the server first (the browser reloads), then starts
a child process that writes the changed shards of the regions' indexes beside the preview folder and
swaps each into place (`<region>/pagefind/<n>/`, one rename each; the whole `<region>/pagefind/` when
the region's shard count changes, see build/search.py). A save that comes meanwhile stops that child and
starts another with the newest records. Search in the preview therefore catches up a moment after
the page does; a failure to index is said on the terminal and leaves the preview's pages alone.

The child must not outlive the preview: written into a folder the preview has removed, it would make
that folder again (and leave it, empty, in the temporary folder). So it ends with the builder (Linux:
the parent-death signal), it writes only into a folder it made itself beside a preview folder that
still exists, and the serving process ends any child still at it before it removes the preview
(`stop_writers`).

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

from icsgen.build import (
    INDEX_DIR,
    SHARDS_FILE,
    IndexerFailed,
    Shard,
    document_records,
    shard_of,
    shards_for,
    worker_record,
    write_count,
    write_shards,
)
from icsgen.content import Site
from icsgen.render import Job

WHOLE = ""  # in `PreviewSearch.changed`: the region's every shard (no page has this output path)


class PreviewSearch:
    """Search records by region, and the child process writing the shards whose records changed."""

    def __init__(self, folder: Path, enabled: bool) -> None:
        self.folder = folder
        self.enabled = enabled
        self.pages: dict[str, dict[str, list]] = {}  # region -> output path -> record
        self.documents: dict[str, dict[str, list]] = {}  # region -> site path -> [size, mtime, record]
        self.changed: dict[str, set[str]] = {}  # region -> keys (output or site paths) whose records changed
        self.counts: dict[str, int] = {}  # region -> its shard count, as last given to the child
        self.language = "en"
        self._child: int | None = None
        self._writing: dict[str, set[str]] = {}  # what the child is indexing: changed again if it is stopped

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
        self.changed = {region: {WHOLE} for region in site.chosen}

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
                self.changed.setdefault(job.region, set()).add(job.output_path)
                if new is None:
                    pages.pop(job.output_path, None)
                else:
                    pages[job.output_path] = new
        for job in removed:
            if job.region and self.pages.get(job.region, {}).pop(job.output_path, None) is not None:
                self.changed.setdefault(job.region, set()).add(job.output_path)
        if statics_changed:
            for region in site.chosen:
                before = self.documents.get(region, {})
                found = document_records(site, region, before)
                if found != before:
                    self.documents[region] = found
                    self.changed.setdefault(region, set()).update(
                        url for url in found.keys() | before.keys() if found.get(url) != before.get(url))

    def start(self) -> None:
        """Write the changed shards in a child process (the one before, if still at it, is stopped)."""
        if not self.enabled or not self.changed:
            return
        self.stop()
        shards: list[Shard] = []
        counts: dict[str, int] = {}  # regions written whole, with their new count
        for region, keys in sorted(self.changed.items()):
            records = {**self.pages.get(region, {}),
                       **{url: entry[2] for url, entry in self.documents.get(region, {}).items()}}
            count = shards_for(records.keys(), self.counts.get(region, 0))
            if WHOLE in keys or count != self.counts.get(region) or \
                    not (self.folder / region / INDEX_DIR / SHARDS_FILE).is_file():
                keys.add(WHOLE)
                counts[region] = self.counts[region] = count
                numbers = set(range(count))
            else:
                numbers = {shard_of(key, count) for key in keys}
            made = {number: Shard(region, number) for number in sorted(numbers)}
            for key, record in records.items():
                shard = made.get(shard_of(key, count))
                if shard is not None:
                    shard.records[key] = record
            shards += made.values()
        self._writing, self.changed = self.changed, {}
        parent = os.getpid()
        try:
            pid = os.fork()
        except (OSError, AttributeError):  # no fork here: indexed now, after the reply all the same
            self._write(shards, counts)
            self._writing = {}
            return
        if pid == 0:
            status = 1
            try:
                with contextlib.suppress(OSError):
                    os.setpgid(0, 0)  # a group of its own, with Pagefind: stopped as one
                _name_process(NAME)
                end_with_parent(parent)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                self._write(shards, counts)
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
            self._writing = {}

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
            for region, keys in self._writing.items():
                self.changed.setdefault(region, set()).update(keys)
            for kill in (getattr(os, "killpg", None), os.kill):
                if kill is not None:
                    with contextlib.suppress(OSError):
                        kill(self._child, getattr(signal, "SIGKILL", signal.SIGTERM))
            self.wait()
        else:
            self._child = None
            self._writing = {}
        for leftover in self.folder.parent.glob(f".{self.folder.name}.search-*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def _write(self, shards: list[Shard], counts: dict[str, int]) -> None:
        """Write `shards` beside the preview folder, then swap each into place: a region in `counts` whole
        (its `pagefind/` folder, with the new shard count), any other shard by shard."""
        aside = _aside(self.folder, os.getpid())
        try:
            aside.mkdir(exist_ok=True)  # never its parents: a preview removed meanwhile is not made again
        except OSError:
            return
        try:
            write_shards(shards, aside, self.language)
            for region in sorted({shard.region for shard in shards}):
                target = self.folder / region / INDEX_DIR
                if not target.parent.is_dir():
                    continue  # the region went meanwhile
                moves = [(aside / region / INDEX_DIR, target)]
                if region in counts:
                    write_count(aside, region, counts[region])
                else:
                    moves = [(aside / shard.folder, self.folder / shard.folder) for shard in shards
                             if shard.region == region]
                for number, (new, old) in enumerate(moves):
                    if old.exists():
                        os.rename(old, aside / f"{region}-old-{number}")
                    os.rename(new, old)
        except IndexerFailed as exc:
            print(f"icsgen: search index: {exc} (the preview works without search)", file=sys.stderr)
        except OSError as exc:
            print(f"icsgen: search index: could not be written: {exc} (the preview works without search)",
                  file=sys.stderr)
        finally:
            shutil.rmtree(aside, ignore_errors=True)


NAME = b"icsgen-search"  # the child's process name (Linux), by which `stop_writers` knows it


def _aside(folder: Path, pid: int) -> Path:
    """Where the child `pid` writes the indexes of the preview in `folder` before swapping them in."""
    return folder.parent / f".{folder.name}.search-{pid}"


def stop_writers(folder: Path) -> None:
    """End every index-writing child of the preview in `folder` that is still at it (after its builder was
    stopped, which it may outlive for a moment): each is named by the folder it writes in, and is ended
    with its group (Pagefind) only if it is still an index writer (Linux: its process name), never
    another process that took its number since."""
    for aside in folder.parent.glob(f".{folder.name}.search-*"):
        number = aside.name.rsplit("-", 1)[1]
        if not number.isdigit():
            continue
        try:
            name = Path(f"/proc/{number}/comm").read_bytes().strip()
        except OSError:
            continue  # gone, or no /proc to tell: the removal's retries deal with a late write
        if name == NAME:
            for kill in (getattr(os, "killpg", None), os.kill):
                if kill is not None:
                    with contextlib.suppress(OSError):
                        kill(int(number), getattr(signal, "SIGKILL", signal.SIGTERM))


def end_with_parent(parent: int) -> None:
    """Linux: this process is killed when `parent`, which forked it, ends (however it ends): the
    server's builder, the builder's index writer. Elsewhere they notice when their pipe closes."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before that took hold
        os._exit(1)


def _name_process(name: bytes) -> None:
    """Name this process (Linux: its `comm`, as `ps` and /proc show it), so that it is told apart from
    the builder's render workers, which are forks of the same program too. Elsewhere, nothing."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(15, ctypes.c_char_p(name), 0, 0, 0)  # PR_SET_NAME
