"""The search index: one Pagefind index per region, written into the region's `pagefind/` folder.

Each region has its own index so that a region published alone, on its own domain, keeps a working
search; the hub's search page loads every region's index and groups the results by region.

Pagefind (a Rust indexer, from PyPI as `pagefind[bin]`) runs as a service process that reads
requests on its standard input. icsgen speaks to it directly rather than through the `pagefind`
Python package: that package's reader waits a tenth of a second before each answer, which at 2,000
pages a region is minutes. Requests are written all at once (the service reads them into an
unbounded queue, so its answers cannot block it) and the answers read once the last has come.

Pagefind has no incremental mode, so an index is always written whole; what icsgen keeps is each
page's *record* (its words and details, made by the render worker from the HTML it wrote, see
render/searchtext.py) in `.icsgen-cache/search/`. A rebuild indexes again only the regions where a
record changed, from the kept records and the pages rendered this time, and leaves the other
regions' index files as they are. PDFs are indexed by their text, read with pypdf and kept by the
file's size and time.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icsgen.cache import code_fingerprint, read_store, write_store
from icsgen.content import Site
from icsgen.problems import Problem
from icsgen.render import Job, Output, document_record, page_record

from .output import write_bytes

INDEX_DIR = "pagefind"
STORE_DIR = "search"  # in .icsgen-cache/
DOCUMENT_TYPES = {".pdf": "PDF"}
# Pagefind writes its own ready-made interfaces too; icsgen's theme has its own, so they are left out
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
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
        self._pending: list[bytes] = []

    def send(self, payload: dict[str, Any]) -> int:
        self._next += 1
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
                self._answers[answer.get("message_id") or 0] = payload
        return self._answers.pop(message_id)

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


def write_indexes(records: Mapping[str, Iterable[tuple]], folder: Path, language: str) -> dict[str, list[str]]:
    """Write one index per region into `folder/<region>/pagefind/` (records as made by render/searchtext.py);
    returns the files written per region, as paths relative to `folder`.

    The files are asked for (`GetFiles`) and written here rather than by Pagefind (`WriteFiles`): Pagefind
    answers before its last writes reach the disk, so a file could be cut short when the process ends.
    """
    written: dict[str, list[str]] = {}
    lang = (language or "en").split("-")[0].lower() or "en"
    with Pagefind() as service:
        for region, region_records in records.items():
            index_id = service.wait(service.send({"type": "NewIndex", "config": {"force_language": lang}}))["index_id"]
            for url, content, meta, filters in region_records:
                service.send({"type": "AddRecord", "index_id": index_id, "url": url, "content": content,
                              "language": lang, "meta": meta, "filters": filters, "sort": None})
            files = service.wait(service.send({"type": "GetFiles", "index_id": index_id}))["files"]
            service.send({"type": "DeleteIndex", "index_id": index_id})  # its memory, for the next region
            target = folder / region / INDEX_DIR
            if target.exists():
                shutil.rmtree(target)
            names = []
            for file in files:
                name = file["path"].replace("\\", "/")
                if name in UNUSED or name.startswith(("/", "..")) or "/../" in name:
                    continue
                names.append(f"{region}/{INDEX_DIR}/{name}")
                write_bytes(folder, names[-1], base64.b64decode(file["content"]))  # a full disk names the file
            written[region] = sorted(names)
    return written


# -- records kept between builds ----------------------------------------------------------------------


def worker_record(job: Job, site: Site, page_html: str) -> tuple | None:
    """The record of a rendered page, in the render worker (see pipeline `_render_and_write`)."""
    if not job.region or job.number != 1:
        return None
    section = site.sections.get(job.page.section)
    return page_record(job.page, job.url[len(job.region) + 1:], section.title if section else "", page_html)


@dataclass
class SearchIndexing:
    """The search step of one build: which regions to index, from which records; what to keep."""

    root: Path
    keep: bool  # the build keeps a cache: read and write the records there
    written: list[str] = field(default_factory=list)  # index files written into the staging folder
    standing: list[str] = field(default_factory=list)  # index files of regions left as they were
    replaced: list[str] = field(default_factory=list)  # index files in the live folder of regions indexed again
    saves: list = field(default_factory=list)  # writes of the record stores, for after publishing

    @property
    def folder(self) -> Path:
        return self.root / ".icsgen-cache" / STORE_DIR

    def _store(self, region: str) -> dict[str, Any]:
        data = read_store(self.folder / f"{region}.bin", f"search {code_fingerprint()}") if self.keep else None
        return data if isinstance(data, dict) else {"pages": {}, "documents": {}, "files": []}

    def run(self, site: Site, jobs: list[Job], fresh: Mapping[str, Output], staging: Path, live: Path | None,
            previous_files: Iterable[str], stale: set[str]) -> None:
        """Index again each region whose records changed (all of them when `live` is None: a build
        from nothing), into `staging`; note the other regions' index files as standing."""
        previous: dict[str, list[str]] = {}
        for rel in previous_files:
            region, _, rest = rel.partition("/")
            if rest.startswith(f"{INDEX_DIR}/"):
                previous.setdefault(region, []).append(rel)
        to_index: dict[str, list[tuple]] = {}
        stores: dict[str, dict[str, Any]] = {}
        by_region: dict[str, list[Job]] = {}
        for job in jobs:
            if job.region:
                by_region.setdefault(job.region, []).append(job)
        for region in site.chosen:
            store = self._store(region)
            pages: dict[str, Any] = store["pages"]
            documents = document_records(site, region, store["documents"])
            changed = live is None or set(previous.get(region, ())) != set(store["files"]) or \
                not store["files"] or any(rel in stale for rel in store["files"])
            wanted: dict[str, list | None] = {}  # by output path; None for a page not searched for itself
            for job in by_region.get(region, ()):
                result = fresh.get(job.url)
                if result is not None and result.written:
                    record = list(result.search) if result.search is not None else None
                elif job.output_path in pages:
                    record = pages[job.output_path]
                else:  # not in the kept records (they were lost): read from the page as published
                    record = _read_record(job, site, live or staging, staging)
                wanted[job.output_path] = record
            changed = changed or wanted != pages or documents != store["documents"]
            if not changed:
                self.standing += previous.get(region, [])
                continue
            if live is not None:  # whatever the live index holds goes, known to the records or not
                folder = live / region / INDEX_DIR
                self.replaced += [f"{region}/{INDEX_DIR}/{path.relative_to(folder).as_posix()}"
                                  for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []
            to_index[region] = [*(record for record in wanted.values() if record is not None),
                                *(entry[2] for entry in documents.values())]
            stores[region] = {"pages": wanted, "documents": documents, "files": []}
        if not to_index:
            return
        written = write_indexes(to_index, staging, site.config.language)
        for region, files in written.items():
            self.written += files
            stores[region]["files"] = files
        if self.keep:
            self.saves.append(lambda: [write_store(self.folder / f"{region}.bin", f"search {code_fingerprint()}",
                                                   store) for region, store in stores.items()])

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


def document_records(site: Site, region: str, kept: Mapping[str, Any]) -> dict[str, Any]:
    """Each document of the region (a PDF), by its site path: [size, mtime, record], read again only
    if its size or time changed. A PDF whose text cannot be read is indexed by its title alone."""
    found = {}
    prefix = f"{region}/"
    for static in site.statics.values():
        if not static.url.startswith(prefix):
            continue
        kind = DOCUMENT_TYPES.get(Path(static.url).suffix.lower())
        if kind is None:
            continue
        try:
            info = static.source_path.stat()
        except OSError:
            continue
        old = kept.get(static.url)
        if old is not None and old[0] == info.st_size and old[1] == info.st_mtime_ns:
            found[static.url] = old
            continue
        title, text, pages = _pdf_text(static.source_path)
        record = document_record(static.url[len(prefix):], region, title or _title_from_name(static.url), text,
                                 kind, info.st_size, pages)
        found[static.url] = [info.st_size, info.st_mtime_ns, list(record)]
    return found


def _title_from_name(url: str) -> str:
    stem = Path(url).stem.replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else url


def _pdf_text(path: Path) -> tuple[str, str, int]:
    """A PDF's title, text and number of pages; empty where pypdf cannot read it (damaged, encrypted)."""
    try:
        from pypdf import PdfReader

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
