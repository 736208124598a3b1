"""The search index: each region's Pagefind index, in shards, written into the region's `pagefind/` folder.

Each region has its own index so that a region published alone, on its own domain, keeps a working
search; the hub's search page loads every region's index and groups the results by region.

Pagefind (a Rust indexer, from PyPI as `pagefind[bin]`) runs as a service process that reads
requests on its standard input. icsgen speaks to it directly rather than through the `pagefind`
Python package: that package's reader waits a tenth of a second before each answer, which at 2,000
pages a region is minutes. Requests are written all at once (the service reads them into an
unbounded queue, so its answers cannot block it) and the answers read once the last has come.

Pagefind has no incremental mode: an index is always written whole, and writing one takes ~3 ms a
page. So a region's index can be cut into *shards* (`pagefind/0/`, `pagefind/1/`, ...; a page's shard
chosen by a hash of its output path) that the search page merges with Pagefind's `mergeIndex`, and an
edit indexes again only the shard whose records changed (see `SHARD_PAGES`). What icsgen keeps is
each page's *record* (its words and details, made by the render worker from the HTML it wrote, see
render/searchtext.py) in `.icsgen-cache/search/`, by shard. Shards are indexed by two Pagefind
processes at once. PDFs are indexed by their text, read with pypdf and kept by the file's size and time.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icsgen.cache import code_fingerprint, read_store, write_store
from icsgen.content import LARGEST_READ, Site, quiet_pdf_reader
from icsgen.problems import Problem
from icsgen.render import Job, Output, document_record, page_record

from .output import write_bytes

INDEX_DIR = "pagefind"
SHARDS_FILE = "shards.json"  # in a region's pagefind/: how many shards (pagefind/0/, 1/, ...) the search page merges
PROCESSES = 2  # Pagefind processes indexing shards at once (each uses about one core)
STORE_DIR = "search"  # in .icsgen-cache/
DOCUMENT_TYPES = {".pdf": "PDF"}
# Pagefind writes its own ready-made interfaces too; icsgen's theme has its own, so they are left out
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
SHARED = ("pagefind.js", "pagefind-worker.js")  # with the WebAssembly (wasm.*): the same in every shard, kept in 0
INSTALL_HINT = "install it with: python -m pip install 'pagefind[bin]>=1.5,<1.6'; or build with --no-search"


class IndexerFailed(Exception):
    """Pagefind could not be started or did not answer: said plainly, never as a traceback."""


def executable() -> Path:
    """Pagefind's program: from `PAGEFIND_BINARY_PATH`, the `pagefind_bin` package's wheel, or the PATH."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        return Path(named)
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found]

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if found is None:
        raise IndexerFailed(f"the search indexer (Pagefind) is not installed; {INSTALL_HINT}")
    return Path(found)


class Pagefind:
    """One Pagefind service process: requests queued with `send`, answers collected by `wait`."""

    def __init__(self) -> None:
        program = executable()
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (kept open for the process's life; closed in close())
        try:
            self._process = subprocess.Popen([str(program), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors, close_fds=True)
        except OSError as exc:
            self._errors.close()
            raise IndexerFailed(f"the search indexer (Pagefind) could not be started: {program}: "
                                f"{exc.strerror or exc}; {INSTALL_HINT}") from None
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._wanted: set[int] = set()
        self._pending: list[bytes] = []

    def send(self, payload: dict[str, Any], answer: bool = True) -> int:
        """Queue a request; its answer is kept for `wait` unless `answer` is False (it is checked for an error)."""
        self._next += 1
        if answer:
            self._wanted.add(self._next)
        message = json.dumps({"message_id": self._next, "payload": payload}, ensure_ascii=False)
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
        except OSError:
            self._fail("stopped while reading the pages")
        return self._next

    def wait(self, message_id: int) -> dict[str, Any]:
        """The answer to request `message_id` (read with those before it); an error answer fails."""
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            self._process.stdin.flush()
        except OSError:
            self._fail("stopped while reading the pages")
        while message_id not in self._answers:
            chunk = os.read(self._process.stdout.fileno(), 1 << 20)
            if not chunk:
                self._fail("stopped without an answer")
            if b"," not in chunk:  # part of a long answer (an index's files): kept until its end comes
                self._pending.append(chunk)
                continue
            *whole, rest = (b"".join(self._pending) + chunk).split(b",")
            self._pending = [rest]
            for raw in whole:
                answer = json.loads(base64.b64decode(raw))
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    self._fail(f"said: {payload.get('message', 'an error')}")
                if answer.get("message_id") in self._wanted:
                    self._answers[answer["message_id"]] = payload
        self._wanted.discard(message_id)
        return self._answers.pop(message_id)

    @property
    def pid(self) -> int:
        """The process's id: bench/pagefind_cost.py reads its CPU time."""
        return self._process.pid

    def kill(self) -> None:
        """End the process now (from another thread: the one waiting for an answer then fails)."""
        with contextlib.suppress(OSError):
            self._process.kill()

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        self._errors.close()

    def _fail(self, what: str) -> None:
        self._errors.seek(0)
        said = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        raise IndexerFailed(f"the search indexer (Pagefind) {what}" + (f": {said[-1]}" if said else ""))

    def __enter__(self) -> Pagefind:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Records a shard is made for (0: one shard a region). Pagefind takes ~3 ms a record to index (plus ~30 ms a
# shard), so smaller shards make an edit quicker (at 10,000 pages: ~0.8 s CPU for the edit's search part with
# 8 shards a region, ~6.5 s with one index), and each Pagefind process holds only a shard (a 6,000-page index
# took 1.1 GB). But each shard sends a visitor at least one part of its word index per word searched for (a
# region's search for one word: 412 KB with 8 shards, 245 KB with one index). Pagefind searches each merged
# index alone, and one that lacks a searched word answers anyway (for the other words, or a shorter word);
# the search page drops those answers (`keepWhole` in static/js/search.js, from the words each result
# matched: `PATCHES`), so shards find what one index finds (tests/end_to_end/test_search.py).
SHARD_PAGES = 256


@dataclass
class Shard:
    """One of a region's indexes, written into `<region>/pagefind/<number>/`: the search page merges them."""

    region: str
    number: int
    # by page output path or document site path: a record as made, or packed (`pack_record`, unpacked as it is sent)
    records: dict[str, Sequence] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return shard_folder(self.region, self.number)


def shard_folder(region: str, number: int) -> str:
    return f"{region}/{INDEX_DIR}/{number}"


def shard_size() -> int:
    """Records a shard is made for, 0 for one shard a region (`ICSGEN_TEST_SHARD_PAGES`: a test hook)."""
    return max(0, int(os.environ.get("ICSGEN_TEST_SHARD_PAGES") or SHARD_PAGES))


def shard_count(records: int, previous: int = 0) -> int:
    """How many shards a region's `records` go in: a power of two near records / `shard_size()`, kept as it
    was (`previous`) while each shard holds between half and twice that, because a new count moves most
    records to another shard and so means indexing the whole region again."""
    size = shard_size()
    if size == 0:
        return 1
    if previous >= 1 and records <= previous * size * 2 and (previous == 1 or records * 2 >= previous * size):
        return previous
    count = 1
    while records > count * size * 3 // 2:
        count *= 2
    return count


def shards_for(keys: Collection[str], previous: int = 0) -> int:
    """The shard count for a region's records (by key): `shard_count`, halved while a shard would be empty
    (an empty index has no language, and Pagefind's script cannot load it)."""
    count = shard_count(len(keys), previous)
    while count > 1 and len({shard_of(key, count) for key in keys}) < count:
        count //= 2
    return count


def shard_of(key: str, count: int) -> int:
    """The shard of a page (by its output path) or document (by its site path): a hash that stays the same
    from one build, machine or Python to the next, so an edit changes the records of one shard only."""
    if count <= 1:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "big") % count


def write_shards(shards: Sequence[Shard], folder: Path, language: str) -> dict[tuple[str, int], list[str]]:
    """Write each shard's index into `folder/<region>/pagefind/<number>/` (see `ShardWriter`); returns the
    files written per (region, number), as paths relative to `folder`."""
    return ShardWriter(shards, folder, language).finish()


class ShardWriter:
    """Shards being indexed by up to `PROCESSES` Pagefind processes, each driven by a thread of this one, so
    that a build checks its links and writes its other files meanwhile; `finish` waits for them.

    Only shard 0 keeps Pagefind's script, worker and WebAssembly: the search page loads them from there and
    merges the others (Pagefind's `mergeIndex` uses the first index's WebAssembly). The files are asked for
    (`GetFiles`) and written here rather than by Pagefind (`WriteFiles`): Pagefind answers before its last
    writes reach the disk, so a file could be cut short when the process ends.
    """

    def __init__(self, shards: Sequence[Shard], folder: Path, language: str) -> None:
        self._folder = folder
        self._lang = (language or "en").split("-")[0].lower() or "en"
        self._todo = sorted(shards, key=lambda shard: -len(shard.records))  # the biggest first: all end together
        self._written: dict[tuple[str, int], list[str]] = {}
        self._failures: list[BaseException] = []
        self._services: list[Pagefind] = []
        self._cancelled = False
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._work, daemon=True)
                         for _ in range(min(PROCESSES, len(self._todo)))]
        for thread in self._threads:
            thread.start()

    def finish(self) -> dict[tuple[str, int], list[str]]:
        """The files written per (region, number), once every shard is; the first failure is raised."""
        for thread in self._threads:
            thread.join()
        if self._failures:
            raise self._failures[0]
        return self._written

    def cancel(self) -> None:
        """Stop: the build failed (a broken link, say) or was interrupted. Pagefind's processes are ended."""
        with self._lock:
            self._cancelled = True
            services = list(self._services)
        for service in services:
            service.kill()
        for thread in self._threads:
            thread.join()
        self._failures = []

    def _work(self) -> None:
        try:
            with Pagefind() as service:
                with self._lock:
                    self._services.append(service)
                while True:
                    with self._lock:
                        if not self._todo or self._failures or self._cancelled:
                            return
                        shard = self._todo.pop(0)
                    names = _write_shard(self._folder, shard, _index(service, shard.records.values(), self._lang))
                    with self._lock:
                        self._written[(shard.region, shard.number)] = names
        except BaseException as exc:  # IndexerFailed, or a file that cannot be written: raised by `finish`
            with self._lock:
                self._failures.append(exc)


def write_count(folder: Path, region: str, count: int) -> str:
    """The file that tells the search page how many shards the region's index has (`pagefind/shards.json`)."""
    name = f"{region}/{INDEX_DIR}/{SHARDS_FILE}"
    write_bytes(folder, name, json.dumps({"shards": count}).encode("utf-8"))
    return name


def _index(service: Pagefind, records: Iterable[Sequence], lang: str) -> list[dict[str, str]]:
    """One index from `records` (each packed or not: see `unpack_record`), as the files Pagefind would write
    (base64 in JSON)."""
    index_id = service.wait(service.send({"type": "NewIndex", "config": {"force_language": lang}}))["index_id"]
    for url, content, meta, filters in map(unpack_record, records):
        service.send({"type": "AddRecord", "index_id": index_id, "url": url, "content": content,
                      "language": lang, "meta": meta, "filters": filters, "sort": None}, answer=False)
    files = service.wait(service.send({"type": "GetFiles", "index_id": index_id}))["files"]
    service.send({"type": "DeleteIndex", "index_id": index_id}, answer=False)  # its memory, for the next shard
    return files


# Pagefind's script (1.5) with the one change icsgen's search page needs: its playground mode (each result's
# matched words, `scores[].search_term`, and the query's stemmed words, `search_keywords`) reachable from an
# instance and applied to every merged index, not only the first. With those the page can drop a merged
# index's answers that lack a searched word (see `SHARD_PAGES` and the search script's `keepWhole`).
PATCHES: dict[str, tuple[tuple[bytes, bytes], ...]] = {
    "pagefind.js": (
        (b"return{options:(opts)=>wrapper.options(opts),",
         b"return{enterPlaygroundMode:()=>wrapper.enterPlaygroundMode(),options:(opts)=>wrapper.options(opts),"),
        (b"async enterPlaygroundMode(){await this.primary.enterPlaygroundMode();}",
         b"async enterPlaygroundMode(){for(const i of this.instances)await i.enterPlaygroundMode();}"),
    ),
    "pagefind-worker.js": (
        (b"async enterPlaygroundMode(){await this.primary.enterPlaygroundMode();}",
         b"async enterPlaygroundMode(){for(const i of this.instances)await i.enterPlaygroundMode();}"),
    ),
}


def patched(name: str, content: bytes) -> bytes:
    """`content` of Pagefind's file `name` with `PATCHES` made; a Pagefind whose script differs fails
    plainly (its search page would otherwise find wrong pages), never silently."""
    for old, new in PATCHES.get(name, ()):
        if content.count(old) != 1:
            raise IndexerFailed(f"the search indexer (Pagefind) wrote a {name} that icsgen does not know (a "
                                f"version other than 1.5?); {INSTALL_HINT}")
        content = content.replace(old, new)
    return content


def _write_shard(folder: Path, shard: Shard, files: list[dict[str, str]]) -> list[str]:
    target = folder / shard.folder
    if target.exists():
        shutil.rmtree(target)
    names = []
    for file in files:
        name = file["path"].replace("\\", "/")
        if name in UNUSED or name.startswith(("/", "..")) or "/../" in name:
            continue
        if shard.number and (name in SHARED or name.startswith("wasm.")):
            continue  # loaded from shard 0 only
        names.append(f"{shard.folder}/{name}")
        write_bytes(folder, names[-1], patched(name, base64.b64decode(file["content"])))  # a full disk names the file
    return sorted(names)


def record_digest(record: list | tuple | None) -> bytes | None:
    """What a record is compared by between builds without keeping every record in memory."""
    if record is None:
        return None
    return hashlib.blake2b(json.dumps(record, ensure_ascii=False).encode("utf-8"), digest_size=16).digest()


# -- records kept between builds ----------------------------------------------------------------------


def worker_record(job: Job, site: Site, page_html: str) -> tuple | None:
    """The record of a rendered page, in the render worker (see pipeline `_render_and_write`)."""
    if not job.region or job.number != 1:
        return None
    section = site.sections.get(job.page.section)
    return page_record(job.page, job.url[len(job.region) + 1:], section.title if section else "", page_html)


def pack_record(record: tuple | None) -> tuple | None:
    """A render worker's record with its text compressed, for the build process to hold (`unpack_record`).

    The build process holds every page's record from its render until the index is made, while the
    render workers run: the text as it is was most of what that process grew by (~5 KB a page, 150 MB
    at 30,000 pages, when a build's processes came to 1,038 MB added up). Compressed (zlib, its fastest
    level: ~20 us a page) it is about a third of that.
    """
    if record is None:
        return None
    url, text, meta, filters = record
    return (url, zlib.compress(text.encode("utf-8"), 1), meta, filters)


def unpack_record(packed: Sequence | None) -> tuple | None:
    """The record `pack_record` packed, as `worker_record` made it (a record not packed, as it is)."""
    if packed is None:
        return None
    url, text, meta, filters = packed
    return (url, zlib.decompress(text).decode("utf-8") if isinstance(text, bytes) else text, meta, filters)


def _shard_of_file(rel: str) -> tuple[str, int | None]:
    """(region, shard) of an index file `<region>/pagefind/<n>/...`; shard None for `pagefind/shards.json`
    and anything else directly in `pagefind/` (an index written before shards)."""
    region, _, rest = rel.partition("/")
    parts = rest.split("/")
    if len(parts) > 2 and parts[1].isdigit():
        return region, int(parts[1])
    return region, None


@dataclass
class SearchIndexing:
    """The search step of one build: which shards of which regions to index, from which records; what to keep.

    Kept in `.icsgen-cache/search/`: per region a small manifest (`<region>.bin`: the shard count, each
    record's digest, each document's size and time, each shard's files) and each shard's records
    (`<region>.<n>.bin`). An edit loads the manifests and the stores of the shards it changes, nothing else.
    """

    root: Path
    keep: bool  # the build keeps a cache: read and write the records there
    written: list[str] = field(default_factory=list)  # index files written into the staging folder
    standing: list[str] = field(default_factory=list)  # index files of shards left as they were
    replaced: list[str] = field(default_factory=list)  # index files in the live folder of shards indexed again
    saves: list = field(default_factory=list)  # writes of the record stores, for after publishing
    _writer: ShardWriter | None = None  # the shards being indexed (`start` to `finish`)
    _staging: Path = Path()
    _pending: tuple = ()  # what `finish` records once the shards are written

    @property
    def folder(self) -> Path:
        return self.root / ".icsgen-cache" / STORE_DIR

    def _read(self, name: str) -> Any:
        return read_store(self.folder / f"{name}.bin", f"search {code_fingerprint()}") if self.keep else None

    def _manifest(self, region: str) -> dict[str, Any]:
        data = self._read(region)
        if isinstance(data, dict) and {"count", "keys", "documents", "files"} <= data.keys():
            return data
        return {"count": 0, "keys": {}, "documents": {}, "files": {}}

    def run(self, site: Site, jobs: list[Job], fresh: Mapping[str, Output], staging: Path, live: Path | None,
            previous_files: Iterable[str], stale: set[str]) -> None:
        """`start`, then `finish`."""
        self.start(site, jobs, fresh, staging, live, previous_files, stale)
        self.finish()

    def finish(self) -> None:
        """Wait for the shards `start` began indexing; note their files, and the stores to save."""
        if self._writer is None:
            return
        written, self._writer = self._writer.finish(), None
        manifests, shards, counts = self._pending
        for shard in shards:
            files = written[(shard.region, shard.number)]
            self.written += files
            manifests[shard.region]["files"][shard.number] = files
        for region, count in counts:
            self.written.append(write_count(self._staging, region, count))
        if self.keep:
            self.saves.append(functools.partial(self._save, manifests, shards))

    def cancel(self) -> None:
        """The build failed or was stopped: indexing stops."""
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def start(self, site: Site, jobs: list[Job], fresh: Mapping[str, Output], staging: Path, live: Path | None,
              previous_files: Iterable[str], stale: set[str]) -> None:
        """Start indexing again each shard whose records changed (every shard when `live` is None: a build
        from nothing), into `staging`, in the background (`finish` waits); note the other shards' index files
        as standing."""
        previous: dict[tuple[str, int | None], list[str]] = {}
        for rel in previous_files:
            if rel.partition("/")[2].startswith(f"{INDEX_DIR}/"):
                previous.setdefault(_shard_of_file(rel), []).append(rel)
        by_region: dict[str, list[Job]] = {}
        for job in jobs:
            if job.region:
                by_region.setdefault(job.region, []).append(job)
        shards: list[Shard] = []
        manifests: dict[str, dict[str, Any]] = {}
        counts_written: list[tuple[str, int]] = []
        for region in site.chosen:
            old = self._manifest(region)
            keys: dict[str, bytes | None] = {}  # every page's and document's record digest (None: not searched)
            records: dict[str, Sequence] = {}  # the records known without reading a store: made this time
            for job in by_region.get(region, ()):
                key = job.output_path
                result = fresh.get(job.url)
                if result is not None and result.written:
                    # kept packed until its shard is indexed: all of them unpacked at once were ~140 MB of this
                    # process at 30,000 pages, while Pagefind's processes were at their largest
                    keys[key] = record_digest(unpack_record(result.search))
                    if result.search is not None:
                        records[key] = result.search
                    continue
                if key in old["keys"]:
                    keys[key] = old["keys"][key]
                    continue
                record = _read_record(job, site, live or staging, staging)  # not kept (lost): from the page
                keys[key] = record_digest(record)
                if record is not None:
                    records[key] = record
            documents: dict[str, list] = {}
            for url, static, size, mtime in _documents(site, region):
                documents[url] = [size, mtime]
                if old["documents"].get(url) == [size, mtime] and url in old["keys"]:
                    keys[url] = old["keys"][url]
                else:
                    records[url] = _read_document(site, region, url, static, size)
                    keys[url] = record_digest(records[url])
            count = shards_for([key for key, digest in keys.items() if digest is not None], old["count"])
            count_file = f"{region}/{INDEX_DIR}/{SHARDS_FILE}"
            whole = live is None or count != old["count"] or previous.get((region, None)) != [count_file] or \
                count_file in stale
            if whole:
                dirty = set(range(count))
            else:
                dirty = {shard_of(key, count) for key in keys.keys() | old["keys"].keys()
                         if keys.get(key) != old["keys"].get(key) and (key in keys or old["keys"][key] is not None)}
                for number in range(count):
                    files = old["files"].get(number) or []
                    if not files or set(previous.get((region, number), ())) != set(files) or \
                            any(rel in stale for rel in files):
                        dirty.add(number)
            manifest = {"count": count, "keys": keys, "documents": documents,
                        "files": {n: files for n, files in old["files"].items() if n < count and n not in dirty}}
            for files in manifest["files"].values():
                self.standing += files
            if not whole:
                self.standing += previous[(region, None)]
            if not dirty:
                continue
            if live is not None:  # whatever the live index holds goes, known to the records or not
                index = live / region / INDEX_DIR
                gone = [index] if whole else [index / str(number) for number in dirty]
                self.replaced += [path.relative_to(live).as_posix() for folder in gone if folder.is_dir()
                                  for path in folder.rglob("*") if path.is_file()]
                if whole and (index / SHARDS_FILE).is_file():
                    self.replaced.append(f"{region}/{INDEX_DIR}/{SHARDS_FILE}")
                self.replaced = sorted(set(self.replaced))
            kept = self._kept(region, old, dirty if count == old["count"] else set(range(old["count"])))
            made = {number: Shard(region, number) for number in sorted(dirty)}
            for key, digest in keys.items():
                number = shard_of(key, count)
                if digest is None or number not in made:
                    continue
                record = records.get(key)
                if record is None and old["keys"].get(key) == digest:
                    record = kept.get(key)
                if record is None:  # its shard's store was lost: from the page or document itself
                    record = self._reread(site, region, key, by_region.get(region, ()), live or staging, staging)
                    if record is None:
                        continue
                    keys[key] = record_digest(record)
                made[number].records[key] = record
            shards += made.values()
            manifests[region] = manifest
            if whole:
                counts_written.append((region, count))
        if not shards:
            return
        self._staging, self._pending = staging, (manifests, shards, counts_written)
        self._writer = ShardWriter(shards, staging, site.config.language)

    def _kept(self, region: str, manifest: dict[str, Any], numbers: set[int]) -> dict[str, list]:
        """The kept records of shards `numbers` of the last build's count, by key."""
        kept: dict[str, list] = {}
        for number in sorted(numbers):
            data = self._read(f"{region}.{number}")
            if isinstance(data, dict):
                kept.update(data)
        return kept

    def _reread(self, site: Site, region: str, key: str, jobs: Iterable[Job], *folders: Path) -> list | None:
        for job in jobs:
            if job.output_path == key:
                return _read_record(job, site, *folders)
        static = site.statics.get(key)
        if static is None:
            return None
        try:
            size = static.source_path.stat().st_size
        except OSError:
            return None
        return _read_document(site, region, key, static, size)

    def _save(self, manifests: Mapping[str, dict[str, Any]], shards: Sequence[Shard]) -> None:
        label = f"search {code_fingerprint()}"
        for shard in shards:
            write_store(self.folder / f"{shard.region}.{shard.number}.bin", label, shard.records)
        for region, manifest in manifests.items():
            for path in self.folder.glob(f"{glob.escape(region)}.*.bin"):
                number = path.name[len(region) + 1:-4]
                if not number.isdigit() or int(number) >= manifest["count"]:
                    path.unlink(missing_ok=True)
            write_store(self.folder / f"{region}.bin", label, manifest)

    def forget(self) -> None:
        """A build without search: the kept records would be out of date by the next one with it."""
        if self.folder.is_dir():
            shutil.rmtree(self.folder, ignore_errors=True)


def _read_record(job: Job, site: Site, *folders: Path) -> list | None:
    """A page's record from its HTML file (a page the kept records do not have), or None."""
    for folder in folders:
        try:
            text = (folder / job.output_path).read_text(encoding="utf-8")
        except OSError:
            continue
        record = worker_record(job, site, text)
        return list(record) if record is not None else None
    return None


def _documents(site: Site, region: str) -> Iterator[tuple[str, Any, int, int]]:
    """Each document of the region (a PDF): its site path, static file, size and time."""
    prefix = f"{region}/"
    for static in site.statics.values():
        if not static.url.startswith(prefix) or Path(static.url).suffix.lower() not in DOCUMENT_TYPES:
            continue
        try:
            info = static.source_path.stat()
        except OSError:
            continue
        yield static.url, static, info.st_size, info.st_mtime_ns


def _read_document(site: Site, region: str, url: str, static: Any, size: int) -> list:
    """A document's record from its text. A PDF whose text cannot be read (or that the build did not read
    as a PDF: `_readable_pdf`) is indexed by its title alone."""
    readable = _readable_pdf(site.documents.get(static.key), size)
    title, text, pages = _pdf_text(static.source_path) if readable else ("", "", 0)
    return list(document_record(url[len(region) + 1:], region, title or _title_from_name(url), text,
                                DOCUMENT_TYPES[Path(url).suffix.lower()], size, pages))


def document_records(site: Site, region: str, kept: Mapping[str, Any]) -> dict[str, Any]:
    """Each document of the region (a PDF), by its site path: [size, mtime, record], read again only
    if its size or time changed."""
    found = {}
    for url, static, size, mtime in _documents(site, region):
        old = kept.get(url)
        if old is not None and old[0] == size and old[1] == mtime:
            found[url] = old
        else:
            found[url] = [size, mtime, _read_document(site, region, url, static, size)]
    return found


def _readable_pdf(document: Any, size: int) -> bool:
    """Whether the build read this file as a PDF (content/documents.py): not damaged, encrypted or another
    kind of file under a .pdf name, nor over LARGEST_READ, which it does not open. Only then is its text read
    here: a 1.5 GB video named .pdf was read whole by pypdf, in 139 s and 4.6 GB, to index it by its name."""
    return document is not None and document.kind == "PDF" and not document.problem and size <= LARGEST_READ


def _title_from_name(url: str) -> str:
    stem = Path(url).stem.replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else url


def _pdf_text(path: Path) -> tuple[str, str, int]:
    """A PDF's title, text and number of pages; empty where pypdf cannot read it (damaged, encrypted)."""
    try:
        from pypdf import PdfReader

        with quiet_pdf_reader():  # a damaged file is the one warning of content/documents.py, naming it
            reader = PdfReader(str(path))
            title = ""
            try:
                info = reader.metadata
                title = str(info.title or "").strip() if info else ""
            except Exception:
                title = ""
            parts = []
            for page in reader.pages:
                try:
                    parts.append(page.extract_text() or "")
                except Exception:
                    continue
            return title, " ".join(parts), len(reader.pages)
    except Exception:  # pypdf raises many kinds for damaged files: the document is still listed by name
        return "", "", 0


def problem(exc: IndexerFailed) -> Problem:
    """The indexer's failure as a build problem: the site is not published with a search that fails."""
    return Problem("search index", 0, str(exc), "nothing was changed in the output folder")
