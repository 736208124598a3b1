"""Documents (PDF, Word, Excel, PowerPoint, OpenDocument, CSV) found in the content: what each one is.

Every link to a document tells the reader what they will get, the GOV.UK and NHS way: "Board papers
(PDF, 1.2 MB, 34 pages)". The type comes from the file's extension, the size from the file system,
and the page count, title and language from the file itself: a PDF's document information and
catalogue (read with pypdf), an Office or OpenDocument file's core properties (a small XML file in
its zip). Nothing is typed by hand, so nothing goes stale when a document is replaced.

Reading a PDF costs milliseconds to a second, so each document is read once: its description is kept
by its size and modification time (a `DocumentMemo`: in memory for the preview, and in the build's
cache between builds), and a document that has not changed is never opened again.

A document that cannot be read (damaged, encrypted, not what its extension says) still gets its type
and size; the build says which file it was as a warning, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import threading
import warnings
import zipfile
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from xml.etree import ElementTree as ET

from icsgen.problems import WARNING, Problems

# extension -> the name readers know the format by (GOV.UK says "MS Word Document"; NHS sites say "Word")
DOCUMENT_TYPES: dict[str, str] = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".ppt": "PowerPoint",
    ".pptx": "PowerPoint",
    ".odt": "OpenDocument text",
    ".ods": "OpenDocument spreadsheet",
    ".odp": "OpenDocument presentation",
    ".csv": "CSV",
}
LARGEST_READ = 200 * 1024 * 1024  # bigger than this is not opened for its metadata: type and size only
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def is_document(name: str) -> bool:
    """Whether a file name is one of the document types links describe (by extension, any case)."""
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in DOCUMENT_TYPES


@dataclass(frozen=True)
class Document:
    """What a reader is told about one document before opening it."""

    kind: str  # "PDF", "Word"...
    size: int  # bytes
    pages: int | None = None  # PDFs only: other formats' counts are whatever the last editor's program saved
    title: str = ""  # from the file's own metadata; '' if it has none
    language: str = ""  # a language tag from the file's metadata, '' if none
    problem: str = ""  # why its metadata could not be read, '' if it could

    @property
    def note(self) -> str:
        """The words after a link: 'PDF, 1.2 MB, 34 pages'."""
        parts = [self.kind, format_size(self.size)]
        if self.pages:
            parts.append(f"{self.pages} page{'' if self.pages == 1 else 's'}")
        return ", ".join(parts)

    def as_list(self) -> list[Any]:
        return [self.kind, self.size, self.pages, self.title, self.language, self.problem]

    @classmethod
    def from_list(cls, value: Any) -> Document | None:
        """A description kept in a cache, or None if it is not one (a damaged or older cache)."""
        try:
            kind, size, pages, title, language, problem = value
            if not (isinstance(kind, str) and isinstance(size, int) and isinstance(pages, int | None)
                    and isinstance(title, str) and isinstance(language, str) and isinstance(problem, str)):
                return None
            return cls(kind, size, pages, title, language, problem)
        except (TypeError, ValueError):
            return None


def format_size(size: int) -> str:
    """A file size the way GOV.UK writes it: '812 bytes', '45 KB', '1.2 MB' (1 KB is 1,024 bytes)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    if size < 1024 ** 3:
        return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    return f"{size / 1024 ** 3:.1f} GB".replace(".0 GB", " GB")


# (path, size, modification time in ns) -> the description; kept by `icsgen serve` between rebuilds and
# filled from (and saved to) the build's cache. Plain data, so the cache can store it as it is.
DocumentMemo = MutableMapping[str, list[Any]]
_PROCESS_MEMO: dict[str, list[Any]] = {}  # this process's: a preview's rebuilds read no document twice


def memo_key(path: Path | str, size: int, mtime_ns: int) -> str:
    return f"{size}:{mtime_ns}:{path}"


def describe_documents(statics: Iterable[Any], chosen: Iterable[str], problems: Problems,
                       memo: DocumentMemo | None = None) -> MappingProxyType:
    """Each document among `statics` (the site's static files) of the regions in `chosen`, described:
    content path -> `Document`. Unchanged documents come from `memo` (or this process's own memo)
    without being opened; a document whose metadata cannot be read is a warning naming the file."""
    regions = set(chosen)
    found: dict[str, Document] = {}
    for static in statics:
        if not is_document(static.key) or static.key.split("/", 1)[0] not in regions:
            continue
        path = static.source_path
        try:
            info = os.stat(path)
        except OSError:
            continue  # the build's own check of static files reports it (`_check_static_files`)
        key = memo_key(path, info.st_size, info.st_mtime_ns)
        document = None
        for store in (memo, _PROCESS_MEMO):
            if store is not None and key in store:
                document = Document.from_list(store[key])
                if document is not None:
                    break
        if document is None:
            document = read_document(path, info.st_size)
        for store in (memo, _PROCESS_MEMO):
            if store is not None:
                store[key] = document.as_list()
        if document.problem:
            problems.add(path, 0, document.problem,
                         "links to it show its type and size only; save it again from the program that made it, "
                         "without a password", WARNING)
        found[static.key] = document
    return MappingProxyType(found)


def read_document(path: Path, size: int) -> Document:
    """Read one document's metadata (never raises: a file it cannot read gets a `problem`)."""
    kind = DOCUMENT_TYPES[path.suffix.lower()]
    document = Document(kind, size)
    if size > LARGEST_READ:
        return document
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _read_pdf(path, document)
        if suffix in (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"):
            return _read_zipped(path, document)
    except OSError as exc:
        return replace(document, problem=f"cannot read this {kind} file: {exc.strerror or exc}")
    return document  # .doc, .xls, .ppt and CSV carry no metadata worth reading


_quiet = threading.Lock()
_quieted: list[int] = []  # the pypdf logger's own level while any thread reads a PDF, one entry per reader


@contextlib.contextmanager
def quiet_pdf_reader() -> Iterator[None]:
    """pypdf's log lines silenced while a PDF is read.

    pypdf logs what it finds wrong in a damaged file ('invalid pdf header', 'EOF marker not found') to the
    terminal, lines naming no file, beside the build's one warning that names it. The search step reads
    PDFs in a thread while the build goes on, so the level is set by the first reader and put back by the
    last (a plain save-and-restore in two threads could leave it silenced, or loud, for good)."""
    log = logging.getLogger("pypdf")
    with _quiet:
        _quieted.append(log.level)
        if len(_quieted) == 1:
            log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        with _quiet:
            level = _quieted.pop()
            if not _quieted:
                log.setLevel(level)


def _read_pdf(path: Path, document: Document) -> Document:
    """Page count, title and language of a PDF; a damaged or encrypted one says so in `problem`."""
    data = path.read_bytes()
    if b"%PDF-" not in data[:1024]:  # readers allow junk before the header
        return replace(document, problem="this is not a PDF file (it does not start with '%PDF-')")
    import pypdf  # here, not at the top: most builds have no PDF to read, and the import costs ~0.1 s
    from pypdf.errors import PyPdfError

    try:
        with quiet_pdf_reader(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                with contextlib.suppress(Exception):
                    reader.decrypt("")  # many "protected" PDFs only restrict printing: they open without a password
                try:
                    pages = len(reader.pages)
                except Exception:  # pypdf raises several types for one encrypted file
                    return replace(document, problem="this PDF is encrypted with a password, so no one can read "
                                                     "it without asking for the password")
            else:
                pages = len(reader.pages)
            title, language = _pdf_title_and_language(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            AssertionError, ZeroDivisionError, OverflowError) as exc:
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        return replace(document, problem=f"this PDF looks damaged and cannot be read: {reason[:200]}")
    if not pages:
        return replace(document, problem="this PDF has no pages that can be read")
    return replace(document, pages=pages, title=title, language=language)


def _pdf_title_and_language(reader: Any) -> tuple[str, str]:
    title = ""
    with contextlib.suppress(Exception):
        meta = reader.metadata
        raw = meta.title if meta is not None else None
        title = _clean(str(raw)) if raw else ""
    language = ""
    with contextlib.suppress(Exception):
        lang = reader.trailer["/Root"].get("/Lang")
        language = _clean_language(str(lang)) if lang else ""
    return title, language


_DC = "{http://purl.org/dc/elements/1.1/}"


def _read_zipped(path: Path, document: Document) -> Document:
    """Title and language from an Office file's docProps/core.xml or an OpenDocument file's meta.xml."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            name = "docProps/core.xml" if "docProps/core.xml" in names else "meta.xml" if "meta.xml" in names else ""
            if not name or archive.getinfo(name).file_size > 1024 * 1024:
                return document
            root = ET.fromstring(archive.read(name))
    except (zipfile.BadZipFile, ET.ParseError, KeyError, ValueError, EOFError, RuntimeError) as exc:
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        return replace(document, problem=f"this {document.kind} file looks damaged and cannot be read: {reason}")
    title = next((_clean(e.text or "") for e in root.iter(f"{_DC}title") if (e.text or "").strip()), "")
    language = next((_clean_language(e.text or "") for e in root.iter(f"{_DC}language") if (e.text or "").strip()), "")
    return replace(document, title=title, language=language)


def _clean(text: str) -> str:
    """Metadata text as one line of plain text (no control characters), at most 300 characters."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text[:300]


def _clean_language(text: str) -> str:
    text = text.strip()
    return text if _LANGUAGE.match(text) else ""
